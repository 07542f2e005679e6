//! The provider's redirect back: state checks, code exchange, and the connection it makes.

use oauth2::{
    AuthorizationCode, PkceCodeVerifier, RequestTokenError, TokenResponse,
    basic::BasicErrorResponse,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::authorize::StateSecrets;
use super::authorize::state_binding;
use super::tokens::{SignedIn, same_account, store_tokens};
use super::{Mode, OAuthApp, OAuthError, Tokens, oauth_app};
use crate::catalog::Catalog;
use crate::connections::Changes;
use crate::egress::Egress;
use crate::entity::{connection, linked_account, oauth_state};
use crate::secrets;
use crate::vault::{Vault, VaultError};

/// The query a provider redirects back with.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

/// Why a callback did not connect anything. Each is shown as a readable page.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("this sign-in is not one Portico started")]
    UnknownState,
    #[error("this sign-in was already used")]
    Replayed,
    #[error("this sign-in took longer than 10 minutes")]
    Expired,
    /// The browser at the callback is not the one that started the flow (RFC 9700 §4.7).
    #[error("this sign-in was started in another browser")]
    OtherBrowser,
    #[error("the answer came from a different app than the one you chose")]
    WrongIssuer,
    #[error("the provider sent no authorization code")]
    MissingCode,
    #[error("you cancelled the connection")]
    Cancelled(Return),
    #[error("the provider refused: {0}")]
    Refused(String, Return),
    #[error("the provider did not accept the sign-in")]
    Exchange(Return),
    #[error("the app is no longer available")]
    AppGone,
    /// Another account signed in than the connection being reconnected is for.
    #[error("another account signed in")]
    OtherAccount(Box<super::OtherAccount>),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<VaultError> for CallbackError {
    fn from(error: VaultError) -> Self {
        Self::OAuth(error.into())
    }
}

/// Where to send the user after a callback, whatever its outcome.
#[derive(Debug, Clone)]
pub struct Return {
    pub mode: Mode,
    pub return_to: Option<String>,
    pub app_name: String,
}

/// A finished connection.
#[derive(Debug)]
pub struct Connected {
    pub connection: connection::Model,
    pub reconnected: bool,
    pub back: Return,
}

/// What a callback needs from the running server.
pub struct CallbackContext<'a> {
    pub db: &'a DatabaseConnection,
    pub vault: &'a Vault,
    pub egress: &'a Egress,
    pub public_url: &'a str,
    pub catalog: &'a Catalog,
    /// Told when a sign-in comes back, whatever came of it.
    pub changes: &'a Changes,
    /// The flow nonce the browser at the callback presented.
    pub browser_nonce: Option<&'a str>,
    pub clock: &'a crate::clock::Clock,
}

/// The sign-in state the callback names: started by Portico, not used, not expired, and
/// coming back to the browser that started it.
async fn live_state(
    cx: &CallbackContext<'_>,
    params: &CallbackParams,
) -> Result<oauth_state::Model, CallbackError> {
    let presented = params
        .state
        .as_deref()
        .filter(|state| secrets::is_secret_body(state))
        .ok_or(CallbackError::UnknownState)?;
    let state_id = secrets::digest(presented);
    let record = oauth_state::Entity::find_by_id(&state_id)
        .one(cx.db)
        .await?
        .ok_or(CallbackError::UnknownState)?;
    if record.consumed_at.is_some() {
        return Err(CallbackError::Replayed);
    }
    if record.expires_at <= cx.clock.now() {
        return Err(CallbackError::Expired);
    }
    let same_browser = match (&record.nonce_digest, cx.browser_nonce) {
        (Some(expected), Some(nonce)) => secrets::digests_match(expected, &secrets::digest(nonce)),
        _ => false,
    };
    if !same_browser {
        return Err(CallbackError::OtherBrowser);
    }
    Ok(record)
}

/// Handles the provider's redirect: checks the state, exchanges the code, stores the tokens.
/// Nothing is requested from the provider and nothing is written unless the state is valid.
pub async fn complete(
    cx: &CallbackContext<'_>,
    params: &CallbackParams,
) -> Result<Connected, CallbackError> {
    let record = live_state(cx, params).await?;
    let account = linked_account::Entity::find_by_id(&record.linked_account_id)
        .one(cx.db)
        .await?
        .ok_or(CallbackError::UnknownState)?;
    let environment = account.environment;
    let definition = crate::catalog::definition(
        cx.db,
        cx.catalog,
        &account.org_id,
        environment,
        &record.slug,
    )
    .await?
    .ok_or(CallbackError::AppGone)?;
    let sealed = cx.vault.open(
        &record.secrets,
        &state_binding(&record.id, &record.linked_account_id, &record.slug),
    )?;
    let state_secrets: StateSecrets =
        serde_json::from_slice(&sealed).map_err(|_| VaultError::Malformed)?;
    let app = oauth_app(
        cx.db,
        cx.vault,
        cx.public_url,
        &account.org_id,
        environment,
        &definition,
        &state_secrets.params,
    )
    .await?;
    // RFC 9207: an app with a known issuer must be answered by that issuer, by name.
    if let Some(expected) = &app.issuer
        && params.iss.as_deref() != Some(expected.as_str())
    {
        return Err(CallbackError::WrongIssuer);
    }
    if params.error.is_none() && params.code.is_none() {
        return Err(CallbackError::MissingCode);
    }
    let back = Return {
        mode: if record.mode == "popup" {
            Mode::Popup
        } else {
            Mode::Page
        },
        return_to: state_secrets.return_to.clone(),
        app_name: app.name.clone(),
    };

    // Single use: whoever marks the state consumed first owns the callback.
    let claimed = oauth_state::Entity::update_many()
        .col_expr(oauth_state::Column::ConsumedAt, Expr::value(cx.clock.now()))
        .filter(oauth_state::Column::Id.eq(&record.id))
        .filter(oauth_state::Column::ConsumedAt.is_null())
        .exec(cx.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(CallbackError::Replayed);
    }
    let outcome = finish(cx, params, &record, &account, &app, back, state_secrets).await;
    // The sign-in is no longer in flight, whatever came of it: the widgets may show it.
    cx.changes.account(&account.id);
    outcome
}

/// The provider's answer at the callback: a refusal, or a code exchanged for tokens.
async fn exchange(
    cx: &CallbackContext<'_>,
    params: &CallbackParams,
    app: &OAuthApp,
    back: Return,
    verifier: Option<String>,
) -> Result<Tokens, CallbackError> {
    if let Some(error) = &params.error {
        return Err(if error == "access_denied" {
            CallbackError::Cancelled(back)
        } else {
            let description = params
                .error_description
                .as_deref()
                .map(|text| text.chars().take(200).collect::<String>())
                .unwrap_or_else(|| error.chars().take(64).collect());
            CallbackError::Refused(description, back)
        });
    }
    let code = params.code.clone().ok_or(CallbackError::MissingCode)?;
    let client = app.client(cx.public_url);
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    if let Some(verifier) = verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    request.request_async(cx.egress).await.map_err(|error| {
        tracing::warn!(slug = %app.slug, error = %describe(&error), "code exchange failed");
        CallbackError::Exchange(back)
    })
}

/// The rest of a callback whose state this request claimed: the provider's answer, the code
/// exchange, and the stored connection (or the other account held for a choice).
async fn finish(
    cx: &CallbackContext<'_>,
    params: &CallbackParams,
    record: &oauth_state::Model,
    account: &linked_account::Model,
    app: &OAuthApp,
    back: Return,
    state_secrets: StateSecrets,
) -> Result<Connected, CallbackError> {
    let tokens = exchange(cx, params, app, back.clone(), state_secrets.verifier).await?;
    let signed_in = signed_in(cx.egress, app, &tokens).await;

    let txn = crate::db::begin_write(cx.db).await?;
    let existing = match &record.connection_id {
        Some(id) => {
            let chosen = connection::Entity::find_by_id(id)
                .filter(connection::Column::LinkedAccountId.eq(&account.id))
                .filter(connection::Column::Slug.eq(&app.slug))
                .one(&txn)
                .await?;
            match chosen {
                // Signed in as another account than the one being reconnected: that connection
                // stays as it is, and the person chooses what to do with the other account.
                Some(chosen) if is_other_account(&chosen, &signed_in) => {
                    let other = super::pending::hold(
                        &txn,
                        cx.vault,
                        account,
                        &chosen,
                        record.nonce_digest.as_deref().unwrap_or_default(),
                        signed_in,
                        &tokens,
                        app,
                        back,
                        cx.clock.now(),
                    )
                    .await?;
                    txn.commit().await?;
                    return Err(CallbackError::OtherAccount(Box::new(other)));
                }
                chosen => chosen,
            }
        }
        None => same_account(&txn, &account.id, &app.slug, &signed_in).await?,
    };
    let reconnected = existing.is_some();
    let connection = store_tokens(
        &txn,
        cx.vault,
        account,
        existing,
        &signed_in,
        &tokens,
        app,
        cx.clock.now(),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(slug = %app.slug, connection = %connection.id, reconnected, "connected");
    Ok(Connected {
        connection,
        reconnected,
        back,
    })
}

/// Whether a connection belongs to another account than the one that just signed in.
fn is_other_account(record: &connection::Model, signed_in: &SignedIn) -> bool {
    matches!(
        (&record.account_id, &signed_in.account_id),
        (Some(theirs), Some(ours)) if theirs != ours
    )
}

/// Reads who signed in: from the identity URL's answer when the app has one, else from the
/// token response. Any failure just leaves the connection unnamed.
async fn signed_in(egress: &Egress, app: &OAuthApp, tokens: &Tokens) -> SignedIn {
    if app.identifier.is_none() && app.account_id.is_none() {
        return SignedIn::default();
    }
    let json = match &app.identity_url {
        Some(url) => identity(egress, url, tokens).await,
        None => Some(Value::Object(tokens.extra_fields().extra.clone())),
    };
    let Some(json) = json else {
        return SignedIn::default();
    };
    let read = |pointer: &Option<String>| {
        pointer
            .as_deref()
            .and_then(|pointer| identifier_from(&json, pointer))
    };
    SignedIn {
        identifier: read(&app.identifier),
        account_id: read(&app.account_id),
    }
}

/// A short description of a token request failure that never includes the response body.
pub(super) fn describe<E: std::error::Error>(
    error: &RequestTokenError<E, BasicErrorResponse>,
) -> String {
    match error {
        RequestTokenError::ServerResponse(response) => {
            format!("provider answered {}", response.error())
        }
        RequestTokenError::Request(error) => format!("request failed: {error}"),
        RequestTokenError::Parse(_, _) => "unreadable response".to_owned(),
        RequestTokenError::Other(message) => message.clone(),
    }
}

/// Asks the provider who signed in.
async fn identity(egress: &Egress, url: &Url, tokens: &Tokens) -> Option<Value> {
    let request = egress
        .client()
        .get(url.clone())
        .bearer_auth(tokens.access_token().secret())
        .header(reqwest::header::ACCEPT, "application/json")
        .build()
        .ok()?;
    match egress.execute(request).await {
        Ok(answer) if answer.status.is_success() => answer.json::<Value>(),
        Ok(answer) => {
            tracing::warn!(status = %answer.status, "identity request refused");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "identity request failed");
            None
        }
    }
}

/// Follows a JSON pointer to a short, printable account name.
fn identifier_from(json: &Value, pointer: &str) -> Option<String> {
    let value = json.pointer(pointer)?;
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let text: String = text.chars().filter(|c| !c.is_control()).take(512).collect();
    (!text.trim().is_empty()).then_some(text)
}
