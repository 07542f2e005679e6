//! The sandbox's token endpoint (`authorization_code` and `refresh_token` grants, with
//! refresh token rotation and reuse detection) and its revocation endpoint.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr,
};
use serde::Serialize;

use super::{Sandbox, account_id, s256};
use crate::entity::sandbox_grant;
use crate::secrets;

/// A token request, after client authentication was read from the header or the body.
#[derive(Debug, Default)]
pub(crate) struct TokenRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    /// Read as a real provider would; the sandbox accepts any client, so it is never checked.
    #[allow(dead_code)]
    pub client_secret: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
}

/// A successful token response (RFC 6749 §5.1) plus the account name.
#[derive(Debug, Serialize)]
pub(crate) struct TokenAnswer {
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
pub(crate) struct TokenRefusal {
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
pub(crate) enum TokenError {
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
pub(crate) async fn token(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    request: &TokenRequest,
    now: DateTime<Utc>,
) -> Result<TokenAnswer, TokenError> {
    sandbox.count_token_request();
    let client_id = request
        .client_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| refuse("invalid_client", "client authentication is missing"))?;
    let grant = match request.grant_type.as_deref() {
        Some("authorization_code") => code_grant(db, request, client_id, now).await?,
        Some("refresh_token") => refresh_grant(db, sandbox, request, client_id, now).await?,
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

/// The `authorization_code` grant: the code once, by the client it was issued to, with the
/// same redirect URI and the PKCE verifier.
async fn code_grant(
    db: &impl ConnectionTrait,
    request: &TokenRequest,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<sandbox_grant::Model, TokenError> {
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
        return Err(refuse("invalid_grant", "the code was issued to another client").into());
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
    Ok(grant)
}

/// The `refresh_token` grant: the current refresh token of a live grant, by its client.
async fn refresh_grant(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    request: &TokenRequest,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<sandbox_grant::Model, TokenError> {
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
        return Err(reused(db, sandbox, &digest, now).await?.into());
    };
    if grant.client_id != client_id {
        return Err(refuse("invalid_grant", "the token was issued to another client").into());
    }
    if grant.revoked_at.is_some() {
        return Err(refuse("invalid_grant", "the token was revoked").into());
    }
    if grant.refresh_expires_at.is_none_or(|at| at <= now) {
        return Err(refuse("invalid_grant", "the refresh token has expired").into());
    }
    Ok(grant)
}

/// A refresh token that is not current: when it is the one the last rotation replaced, the
/// grant is revoked and the reuse counted.
async fn reused(
    db: &impl ConnectionTrait,
    sandbox: &Sandbox,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<TokenRefusal, DbErr> {
    let revoked = sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(now))
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
        return Err(reused(db, sandbox, &digest, now).await?.into());
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

/// RFC 7009: revokes the grant an access or refresh token belongs to. Unknown tokens are fine.
pub(crate) async fn revoke_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let digest = secrets::digest(token);
    let result = sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(now))
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
