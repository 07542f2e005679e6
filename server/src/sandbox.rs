//! The sandbox: a small, real OAuth2 authorization server inside Portico, for demos and tests.
//! Authorization code grant with PKCE, rotating refresh tokens, RFC 7009 revocation, and
//! controls to revoke or expire what it issued. Codes and tokens are stored as digests only.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::SandboxSettings;
use crate::egress::{Egress, EgressError};
use crate::entity::sandbox_grant;
use crate::hooks;
use crate::secrets;
use crate::vault::Vault;

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
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
}

/// Raw authorization request parameters, as sent in the query or the consent form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuthorizeParams {
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
    pub fn check(&self, callback: &str) -> Result<AuthorizeRequest, &'static str> {
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
pub async fn approve(
    db: &impl ConnectionTrait,
    request: &AuthorizeRequest,
    account: &str,
) -> Result<String, DbErr> {
    let code = secrets::random_secret("sbx_code_");
    let now = Utc::now();
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

/// A token request, after client authentication was read from the header or the body.
#[derive(Debug, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
}

/// A successful token response (RFC 6749 §5.1) plus the account name.
#[derive(Debug, Serialize)]
pub struct TokenAnswer {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u32,
    pub refresh_token: String,
    pub refresh_token_expires_in: i64,
    pub scope: String,
    pub account: String,
    /// A stable id of the account, as real providers give beside a display name.
    pub account_id: String,
}

/// An error response (RFC 6749 §5.2).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct TokenRefusal {
    pub error: &'static str,
    pub error_description: &'static str,
}

fn refuse(error: &'static str, error_description: &'static str) -> TokenRefusal {
    TokenRefusal {
        error,
        error_description,
    }
}

/// Why a token request failed: refused (400/401 JSON) or the database failed.
#[derive(Debug)]
pub enum TokenError {
    Refused(TokenRefusal),
    Db(DbErr),
}

impl From<DbErr> for TokenError {
    fn from(error: DbErr) -> Self {
        Self::Db(error)
    }
}

impl From<TokenRefusal> for TokenError {
    fn from(refusal: TokenRefusal) -> Self {
        Self::Refused(refusal)
    }
}

/// The token endpoint: `authorization_code` and `refresh_token` grants.
pub async fn token(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    request: &TokenRequest,
) -> Result<TokenAnswer, TokenError> {
    sandbox.count_token_request();
    let client_id = request
        .client_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| refuse("invalid_client", "client authentication is missing"))?;
    let now = Utc::now();
    let grant = match request.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = request
                .code
                .as_deref()
                .ok_or_else(|| refuse("invalid_request", "code is missing"))?;
            let grant = sandbox_grant::Entity::find()
                .filter(sandbox_grant::Column::CodeDigest.eq(secrets::digest(code)))
                .one(db)
                .await?
                .ok_or_else(|| refuse("invalid_grant", "the code is unknown or was used"))?;
            if grant.client_id != client_id {
                return Err(
                    refuse("invalid_grant", "the code was issued to another client").into(),
                );
            }
            if grant.code_expires_at.is_none_or(|at| at <= now) {
                return Err(refuse("invalid_grant", "the code has expired").into());
            }
            if request.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
                return Err(refuse("invalid_grant", "redirect_uri does not match").into());
            }
            if let Some(challenge) = &grant.code_challenge {
                let verifier = request
                    .code_verifier
                    .as_deref()
                    .ok_or_else(|| refuse("invalid_grant", "code_verifier is missing"))?;
                if s256(verifier) != *challenge {
                    return Err(refuse("invalid_grant", "code_verifier does not match").into());
                }
            }
            // Single use: clearing the code only succeeds once.
            let used = sandbox_grant::Entity::update_many()
                .col_expr(
                    sandbox_grant::Column::CodeDigest,
                    Expr::value(None::<String>),
                )
                .filter(sandbox_grant::Column::Id.eq(&grant.id))
                .filter(sandbox_grant::Column::CodeDigest.eq(secrets::digest(code)))
                .exec(db)
                .await?;
            if used.rows_affected != 1 {
                return Err(refuse("invalid_grant", "the code is unknown or was used").into());
            }
            grant
        }
        Some("refresh_token") => {
            let presented = request
                .refresh_token
                .as_deref()
                .ok_or_else(|| refuse("invalid_request", "refresh_token is missing"))?;
            let digest = secrets::digest(presented);
            let Some(grant) = sandbox_grant::Entity::find()
                .filter(sandbox_grant::Column::RefreshDigest.eq(&digest))
                .one(db)
                .await?
            else {
                return Err(reused(db, sandbox, &digest).await?.into());
            };
            if grant.client_id != client_id {
                return Err(
                    refuse("invalid_grant", "the token was issued to another client").into(),
                );
            }
            if grant.revoked_at.is_some() {
                return Err(refuse("invalid_grant", "the token was revoked").into());
            }
            if grant.refresh_expires_at.is_none_or(|at| at <= now) {
                return Err(refuse("invalid_grant", "the refresh token has expired").into());
            }
            grant
        }
        _ => {
            return Err(refuse(
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            )
            .into());
        }
    };
    issue_tokens(db, sandbox, grant, now).await
}

/// A refresh token that is not current: when it is the one the last rotation replaced, the
/// grant is revoked and the reuse counted.
async fn reused(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    digest: &str,
) -> Result<TokenRefusal, DbErr> {
    let revoked = sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(sandbox_grant::Column::PreviousRefreshDigest.eq(digest))
        .filter(sandbox_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if revoked.rows_affected > 0 {
        sandbox.reuse_detections.fetch_add(1, Ordering::Relaxed);
        tracing::warn!("sandbox: a rotated refresh token was used again; its grant is revoked");
        return Ok(refuse(
            "invalid_grant",
            "the refresh token was already used",
        ));
    }
    Ok(refuse("invalid_grant", "the refresh token is unknown"))
}

/// A stable id for a sandbox account name.
fn account_id(account: &str) -> String {
    format!("acct_{}", &secrets::digest(account)[..16])
}

/// Issues a fresh access and refresh token for a grant; the previous refresh token stops working.
async fn issue_tokens(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    grant: sandbox_grant::Model,
    now: DateTime<Utc>,
) -> Result<TokenAnswer, TokenError> {
    let access = secrets::random_secret("sbx_at_");
    let refresh = secrets::random_secret("sbx_rt_");
    let access_ttl = sandbox.settings.access_ttl;
    let refresh_ttl = i64::from(sandbox.settings.refresh_ttl);
    let refresh_expires_at = grant
        .refresh_expires_at
        .unwrap_or(now + Duration::seconds(refresh_ttl));
    let (account, scope) = (grant.account.clone(), grant.scope.clone());
    // Only the holder of the current refresh token rotates it: of two requests racing with the
    // same token, the second finds it replaced, which is a reuse.
    let current = grant.refresh_digest.clone();
    let rotated = sandbox_grant::Entity::update_many()
        .col_expr(
            sandbox_grant::Column::PreviousRefreshDigest,
            Expr::value(current.clone()),
        )
        .col_expr(
            sandbox_grant::Column::AccessDigest,
            Expr::value(secrets::digest(&access)),
        )
        .col_expr(
            sandbox_grant::Column::AccessExpiresAt,
            Expr::value(now + Duration::seconds(i64::from(access_ttl))),
        )
        .col_expr(
            sandbox_grant::Column::RefreshDigest,
            Expr::value(secrets::digest(&refresh)),
        )
        .col_expr(
            sandbox_grant::Column::RefreshExpiresAt,
            Expr::value(refresh_expires_at),
        )
        .filter(sandbox_grant::Column::Id.eq(&grant.id))
        .filter(match &current {
            Some(digest) => sandbox_grant::Column::RefreshDigest.eq(digest.as_str()),
            None => sandbox_grant::Column::RefreshDigest.is_null(),
        })
        .exec(db)
        .await?;
    if rotated.rows_affected != 1 {
        let digest = current.unwrap_or_default();
        return Err(reused(db, sandbox, &digest).await?.into());
    }
    Ok(TokenAnswer {
        access_token: access,
        token_type: "Bearer",
        expires_in: access_ttl,
        refresh_token: refresh,
        refresh_token_expires_in: (refresh_expires_at - now).num_seconds().max(0),
        scope,
        account_id: account_id(&account),
        account,
    })
}

/// The PKCE S256 transform: base64url(SHA-256(verifier)) without padding.
fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 7009: revokes the grant an access or refresh token belongs to. Unknown tokens are fine.
pub async fn revoke_token(db: &impl ConnectionTrait, token: &str) -> Result<bool, DbErr> {
    let digest = secrets::digest(token);
    let result = sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(
            Condition::any()
                .add(sandbox_grant::Column::AccessDigest.eq(&digest))
                .add(sandbox_grant::Column::RefreshDigest.eq(&digest)),
        )
        .filter(sandbox_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Which grants a control applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    Account(String),
    Grant(String),
}

impl Target {
    fn condition(&self) -> Condition {
        match self {
            Self::All => Condition::all(),
            Self::Account(account) => {
                Condition::all().add(sandbox_grant::Column::Account.eq(account.as_str()))
            }
            Self::Grant(id) => Condition::all().add(sandbox_grant::Column::Id.eq(id.as_str())),
        }
    }
}

/// Revokes grants, as if the user removed the app at the provider. Returns the accounts
/// whose grants were revoked (each once).
pub async fn revoke(db: &impl ConnectionTrait, target: &Target) -> Result<Vec<String>, DbErr> {
    let live = sandbox_grant::Entity::find()
        .filter(target.condition())
        .filter(sandbox_grant::Column::RevokedAt.is_null())
        .filter(sandbox_grant::Column::AccessDigest.is_not_null())
        .all(db)
        .await?;
    // Exactly the grants read: the accounts told of are the accounts revoked.
    sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(sandbox_grant::Column::Id.is_in(live.iter().map(|grant| grant.id.clone())))
        .filter(sandbox_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    let mut accounts: Vec<String> = live.into_iter().map(|grant| grant.account).collect();
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

/// Tells Portico that these accounts' tokens were revoked, the way Slack sends
/// `tokens_revoked`: a signed event to `/hooks/sandbox`. Returns how many were delivered.
pub async fn notify_revoked(
    egress: &Egress,
    vault: &Vault,
    public_url: &str,
    accounts: &[String],
) -> usize {
    let secret = vault.derive(hooks::SANDBOX_SECRET_LABEL);
    let mut delivered = 0;
    for account in accounts {
        let id = account_id(account);
        let body = serde_json::json!({
            "type": "event_callback",
            "team_id": id,
            "api_app_id": "portico-sandbox",
            "event_id": secrets::random_id(),
            "event_time": Utc::now().timestamp(),
            "event": {"type": "tokens_revoked", "tokens": {"oauth": [id]}},
        })
        .to_string();
        let timestamp = Utc::now().timestamp();
        let request = egress
            .client()
            .post(format!("{public_url}/hooks/sandbox"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(hooks::TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                hooks::SIGNATURE_HEADER,
                hooks::sign(secret.as_ref(), timestamp, body.as_bytes()),
            )
            .body(body)
            .build();
        let sent = match request {
            Ok(request) => egress.execute(request).await,
            Err(error) => Err(EgressError::Request(error.without_url())),
        };
        match sent {
            Ok(answer) if answer.status.is_success() => delivered += 1,
            Ok(answer) => {
                tracing::warn!(status = %answer.status, "sandbox: Portico refused the revocation event")
            }
            Err(error) => tracing::warn!(%error, "sandbox: cannot send the revocation event"),
        }
    }
    delivered
}

/// What [`expire`] makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// The access token: the next use needs a refresh, which works.
    Access,
    /// The refresh token too: the next refresh fails and the user must sign in again.
    Refresh,
}

/// Expires tokens now. Returns how many grants changed.
pub async fn expire(
    db: &impl ConnectionTrait,
    target: &Target,
    what: Expiry,
) -> Result<u64, DbErr> {
    let past = Utc::now() - Duration::seconds(1);
    let mut update = sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::AccessExpiresAt, Expr::value(past));
    if what == Expiry::Refresh {
        update = update.col_expr(sandbox_grant::Column::RefreshExpiresAt, Expr::value(past));
    }
    let result = update
        .filter(target.condition())
        .filter(sandbox_grant::Column::AccessDigest.is_not_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Every grant that issued tokens, newest first.
pub async fn grants(db: &impl ConnectionTrait) -> Result<Vec<sandbox_grant::Model>, DbErr> {
    sandbox_grant::Entity::find()
        .filter(sandbox_grant::Column::AccessDigest.is_not_null())
        .order_by_desc(sandbox_grant::Column::CreatedAt)
        .all(db)
        .await
}

/// A grant's state in words, for the control page and the CLI.
pub fn describe(grant: &sandbox_grant::Model, now: DateTime<Utc>) -> &'static str {
    if grant.revoked_at.is_some() {
        "revoked"
    } else if grant.refresh_expires_at.is_some_and(|at| at <= now) {
        "refresh token expired"
    } else if grant.access_expires_at.is_some_and(|at| at <= now) {
        "access token expired"
    } else {
        "active"
    }
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
