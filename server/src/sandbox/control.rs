//! Controlling the sandbox's grants as a provider's admin would: revoke them (and tell
//! Portico, as Slack does), expire their tokens, list them.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

use super::account_id;
use crate::egress::{Egress, EgressError};
use crate::entity::sandbox_grant;
use crate::hooks;
use crate::secrets;
use crate::vault::Vault;

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
pub async fn revoke(
    db: &impl ConnectionTrait,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let live = sandbox_grant::Entity::find()
        .filter(target.condition())
        .filter(sandbox_grant::Column::RevokedAt.is_null())
        .filter(sandbox_grant::Column::AccessDigest.is_not_null())
        .all(db)
        .await?;
    // Exactly the grants read: the accounts told of are the accounts revoked.
    sandbox_grant::Entity::update_many()
        .col_expr(sandbox_grant::Column::RevokedAt, Expr::value(now))
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
    now: DateTime<Utc>,
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
            "event_time": now.timestamp(),
            "event": {"type": "tokens_revoked", "tokens": {"oauth": [id]}},
        })
        .to_string();
        let timestamp = now.timestamp();
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
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let past = now - Duration::seconds(1);
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
