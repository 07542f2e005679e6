//! The authorization request: PKCE S256, a single-use state sealed with what the callback needs.

use super::{Mode, OAuthApp, OAuthError, ParamValues, STATE_TTL, start_page_url};
use crate::entity::{connection, linked_account, oauth_state};
use crate::secrets;
use crate::vault::{Binding, Vault};
use chrono::{DateTime, Utc};
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde::{Deserialize, Serialize};
use url::Url;

/// What the state row keeps sealed.
#[derive(Serialize, Deserialize)]
pub(super) struct StateSecrets {
    pub(super) verifier: Option<String>,
    pub(super) return_to: Option<String>,
    #[serde(default)]
    pub(super) params: ParamValues,
    /// The provider's URL, kept for a flow that is bound on the start page.
    #[serde(default)]
    pub(super) authorize_url: Option<String>,
}

/// Where an authorization state's secrets are sealed.
pub fn state_binding(state_id: &str, linked_account_id: &str, slug: &str) -> Binding {
    Binding::new(
        "oauth_state",
        &[
            ("id", state_id),
            ("linked_account", linked_account_id),
            ("slug", slug),
            ("field", "secrets"),
        ],
    )
}

/// Who is signing in, and what happens afterwards.
pub struct Begin<'a> {
    pub linked_account: &'a linked_account::Model,
    /// The connection a successful sign-in updates in place.
    pub reconnect: Option<&'a connection::Model>,
    pub mode: Mode,
    /// A path on this server to send the user back to.
    pub return_to: Option<String>,
    pub binding: BrowserBinding,
}

/// How a flow is tied to the browser that will finish it.
pub enum BrowserBinding {
    /// Bound now: the digest of the nonce the starting browser was just given.
    Nonce(String),
    /// Bound when someone clicks Continue on Portico's start page (for a URL handed to
    /// another party, such as the SDK's `auth_url`): the flow begins there, not at the
    /// provider.
    OnStartPage,
}

/// Starts an authorization: stores a single-use state and returns where to send the browser:
/// the provider's URL, or Portico's start page for a flow bound there.
pub async fn authorization_url(
    db: &impl ConnectionTrait,
    vault: &Vault,
    public_url: &str,
    app: &OAuthApp,
    begin: Begin<'_>,
    now: DateTime<Utc>,
) -> Result<Url, OAuthError> {
    let Begin {
        linked_account,
        reconnect,
        mode,
        return_to,
        binding,
    } = begin;
    let state = secrets::random_secret("");
    let state_id = secrets::digest(&state);
    let client = app.client(public_url);
    let mut request = client
        .authorize_url(|| CsrfToken::new(state.clone()))
        .add_scopes(app.scopes.iter().cloned().map(Scope::new));
    let verifier = if app.pkce {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        Some(verifier.secret().clone())
    } else {
        None
    };
    let (url, _) = request.url();
    let (nonce_digest, start) = match binding {
        BrowserBinding::Nonce(digest) => (Some(digest), None),
        BrowserBinding::OnStartPage => (None, Some(secrets::random_secret(""))),
    };
    let sealed = vault.seal(
        &serde_json::to_vec(&StateSecrets {
            verifier,
            return_to,
            params: app.values.clone(),
            authorize_url: start.as_ref().map(|_| url.to_string()),
        })
        .expect("state secrets serialize"),
        &state_binding(&state_id, &linked_account.id, &app.slug),
    );
    oauth_state::ActiveModel {
        id: Set(state_id),
        linked_account_id: Set(linked_account.id.clone()),
        slug: Set(app.slug.clone()),
        connection_id: Set(reconnect.map(|c| c.id.clone())),
        secrets: Set(sealed),
        mode: Set(mode.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + STATE_TTL),
        consumed_at: Set(None),
        nonce_digest: Set(nonce_digest),
        start_digest: Set(start.as_deref().map(secrets::digest)),
    }
    .insert(db)
    .await?;
    match start {
        Some(handle) => Ok(start_page_url(public_url, &handle)),
        None => Ok(url),
    }
}
