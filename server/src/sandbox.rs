//! The sandbox: a small, real OAuth2 authorization server inside Portico, for demos and tests.
//! Authorization code grant with PKCE, rotating refresh tokens, RFC 7009 revocation, and
//! controls to revoke or expire what it issued. Codes and tokens are stored as digests only.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};
use sha2::{Digest, Sha256};

use crate::config::SandboxSettings;
use crate::entity::sandbox_grant;
use crate::secrets;

mod control;
mod token;

pub use control::{Expiry, Target, describe, expire, grants, notify_revoked, revoke};
pub(crate) use token::{TokenError, TokenRequest, revoke_token, token};

/// How long an authorization code can be redeemed.
const CODE_TTL: Duration = Duration::seconds(60);

/// The running sandbox: its settings and a count of token requests (for tests and the page).
#[derive(Debug)]
pub struct Sandbox {
    pub settings: SandboxSettings,
    token_requests: AtomicU64,
    reuse_detections: AtomicU64,
}

impl Sandbox {
    pub fn new(settings: SandboxSettings) -> Self {
        Self {
            settings,
            token_requests: AtomicU64::new(0),
            reuse_detections: AtomicU64::new(0),
        }
    }

    /// Requests the token endpoint has received since start.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// Rotated-away refresh tokens presented again since start. A client that refreshes
    /// concurrently without coordination shows up here; each one revokes its grant, as the
    /// OAuth 2.0 Security BCP (RFC 9700 §4.14.2) asks of providers.
    pub fn reuse_detections(&self) -> u64 {
        self.reuse_detections.load(Ordering::Relaxed)
    }

    fn count_token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// The parameters of an authorization request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
}

/// Raw authorization request parameters, as sent in the query or the consent form.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

impl AuthorizeParams {
    /// Checks the request. `callback` is the only redirect URI the sandbox accepts.
    pub(crate) fn check(&self, callback: &str) -> Result<AuthorizeRequest, &'static str> {
        if self.response_type.as_deref() != Some("code") {
            return Err("response_type must be `code`");
        }
        let client_id = self
            .client_id
            .as_deref()
            .filter(|id| !id.is_empty() && id.len() <= 512 && !id.contains(char::is_control))
            .ok_or("client_id is missing or invalid")?;
        if self.redirect_uri.as_deref() != Some(callback) {
            return Err("redirect_uri is not registered with the sandbox");
        }
        let code_challenge = match (&self.code_challenge, self.code_challenge_method.as_deref()) {
            (None, _) => None,
            (Some(challenge), Some("S256")) if challenge.len() == 43 => Some(challenge.clone()),
            _ => return Err("code_challenge must be S256"),
        };
        let state = self.state.clone().filter(|state| state.len() <= 512);
        Ok(AuthorizeRequest {
            client_id: client_id.to_owned(),
            redirect_uri: callback.to_owned(),
            scope: self
                .scope
                .clone()
                .unwrap_or_default()
                .chars()
                .take(1024)
                .collect(),
            state,
            code_challenge,
        })
    }
}

/// Records the user's approval and returns the authorization code.
pub(crate) async fn approve(
    db: &impl ConnectionTrait,
    request: &AuthorizeRequest,
    account: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let code = secrets::random_secret("sbx_code_");
    sandbox_grant::ActiveModel {
        id: Set(secrets::random_id()),
        client_id: Set(request.client_id.clone()),
        account: Set(account.to_owned()),
        scope: Set(request.scope.clone()),
        redirect_uri: Set(request.redirect_uri.clone()),
        code_digest: Set(Some(secrets::digest(&code))),
        code_challenge: Set(request.code_challenge.clone()),
        code_expires_at: Set(Some(now + CODE_TTL)),
        access_digest: Set(None),
        access_expires_at: Set(None),
        refresh_digest: Set(None),
        refresh_expires_at: Set(None),
        revoked_at: Set(None),
        previous_refresh_digest: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(code)
}

/// A stable id for a sandbox account name.
fn account_id(account: &str) -> String {
    format!("acct_{}", &secrets::digest(account)[..16])
}

/// The PKCE S256 transform: base64url(SHA-256(verifier)) without padding.
fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn only_portico_callback_and_s256_are_accepted() {
        let callback = "http://127.0.0.1:3000/oauth/callback";
        let mut params = AuthorizeParams {
            response_type: Some("code".into()),
            client_id: Some("c".into()),
            redirect_uri: Some(callback.into()),
            ..Default::default()
        };
        assert!(params.check(callback).is_ok());
        params.redirect_uri = Some("https://evil.example/cb".into());
        assert!(params.check(callback).is_err());
        params.redirect_uri = Some(callback.into());
        params.code_challenge = Some("x".repeat(43));
        params.code_challenge_method = Some("plain".into());
        assert_eq!(params.check(callback), Err("code_challenge must be S256"));
    }
}
