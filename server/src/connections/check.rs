//! Checking that a connection's credentials still work, before believing they do not: when
//! the vendor reports a failure, and on the worker's schedule for key-based connections. Only
//! the provider's refusal flags a connection.

use app::dto::ReauthReason;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use super::credentials::open_fields;
use super::refresh::{Refresh, RefreshError, Refresher, unset_or_past};
use super::{Context, Due, Flag, Status};
use crate::catalog::{AppDefinition, AuthKind, Verification};
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::keyauth::{self, Verdict};
use crate::vault::VaultError;

/// Who asked for the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asker {
    /// The vendor saw the provider refuse the credentials (`auth-failure`).
    Vendor,
    /// The worker's periodic check.
    Schedule,
    /// Someone in the vendor's console asked to check now.
    Console,
}

/// What a check came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Checked {
    /// Nothing was done: the connection was already flagged.
    AlreadyFlagged,
    /// The credentials work (the verification request was accepted, or a token refreshed).
    Valid,
    /// The provider refused them; the connection is flagged.
    Refused,
    /// A vendor's report about an app with no verification request is taken as is: flagged.
    TakenAsIs,
    /// The app has no verification request (on the schedule: nothing to check with).
    Unchecked,
    /// An OAuth2 connection without a refresh token: nothing to check with.
    NotRefreshable,
    /// The provider could not be reached; nothing is flagged. Try again after this long.
    Unreachable(Option<Duration>),
}

/// Why a check could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckError {
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("the credentials do not open: {0}")]
    Sealed(#[from] VaultError),
}

/// Active key-based connections with credentials, not checked since `stale` and not waiting
/// out a retry: the longest unchecked first. Every connection is stamped checked when it is
/// made, so `checked_at <= stale` alone reads through the verify index
/// (`connection_verify_due`), only as far as what is due.
pub(crate) async fn keys_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    stale: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::AccessExpiresAt.is_null())
        .filter(connection::Column::Credentials.is_not_null())
        .filter(connection::Column::CheckedAt.lte(stale))
        .filter(unset_or_past(connection::Column::RetryAt, now))
        .order_by_asc(connection::Column::CheckedAt)
        .limit(limit)
        .all(db)
        .await
}

/// The vendor reports that the provider refused a connection's credentials: an OAuth2
/// connection is refreshed now, a key-based one's verification request is run again. Returns
/// what the check came to and the connection as it is after it.
pub(crate) async fn reported(
    ctx: &Context<'_>,
    refresher: &impl Refresher,
    account: &linked_account::Model,
    record: &connection::Model,
    app: &AppDefinition,
) -> Result<(Checked, connection::Model), CheckError> {
    if let Status::ReauthRequired(_) = Status::of(record) {
        return Ok((Checked::AlreadyFlagged, record.clone()));
    }
    let checked = check_reported(ctx, refresher, account, record, app).await?;
    let now = connection::Entity::find_by_id(&record.id)
        .one(ctx.db)
        .await?
        .ok_or_else(|| CheckError::Database(DbErr::RecordNotFound(record.id.clone())))?;
    Ok((checked, now))
}

async fn check_reported(
    ctx: &Context<'_>,
    refresher: &impl Refresher,
    account: &linked_account::Model,
    record: &connection::Model,
    app: &AppDefinition,
) -> Result<Checked, CheckError> {
    match app.auth_type {
        AuthKind::OAuth2 => Ok(
            match refresher
                .refresh(&record.id, Due::Now, Actor::Vendor)
                .await?
            {
                Refresh::Transient { retry_at, .. } => {
                    Checked::Unreachable(Some(retry_at - ctx.clock.now()))
                }
                Refresh::NotRefreshable => Checked::NotRefreshable,
                Refresh::Flagged(_) => Checked::Refused,
                Refresh::Refreshed | Refresh::Fresh => Checked::Valid,
            },
        ),
        AuthKind::KeyBased => keys(ctx, account, record, app.verify.as_ref(), Asker::Vendor).await,
    }
}

/// Runs a key-based connection's verification request again. A refusal flags it
/// `credentials_expired`; a check that passes is noted (the next is a period away), one that
/// cannot reach the provider waits the retry floor.
pub(crate) async fn keys(
    ctx: &Context<'_>,
    account: &linked_account::Model,
    record: &connection::Model,
    check: Option<&Verification>,
    asker: Asker,
) -> Result<Checked, CheckError> {
    let Some(check) = check else {
        return Ok(match asker {
            Asker::Vendor => {
                let why = "reported by the vendor; the app has no verification request";
                flag(ctx, record, Actor::Vendor, why).await?;
                Checked::TakenAsIs
            }
            Asker::Schedule | Asker::Console => {
                mark(ctx, record, Mark::Checked).await?;
                Checked::Unchecked
            }
        });
    };
    let fields = match open_fields(ctx.vault, account, record) {
        Ok(fields) => fields,
        Err(error) => {
            mark(ctx, record, Mark::Retry).await?;
            return Err(error.into());
        }
    };
    match keyauth::verify(ctx.egress, check, &fields.0).await {
        Verdict::Valid => {
            mark(ctx, record, Mark::Checked).await?;
            Ok(Checked::Valid)
        }
        Verdict::Rejected => {
            let (actor, why) = match asker {
                Asker::Vendor => (
                    Actor::Vendor,
                    "reported by the vendor; the verification request was refused",
                ),
                Asker::Schedule => (
                    Actor::Provider,
                    "the scheduled verification request was refused",
                ),
                Asker::Console => (
                    Actor::Console,
                    "checked from the console; the verification request was refused",
                ),
            };
            flag(ctx, record, actor, why).await?;
            Ok(Checked::Refused)
        }
        Verdict::Unreachable => {
            mark(ctx, record, Mark::Retry).await?;
            Ok(Checked::Unreachable(None))
        }
    }
}

async fn flag(
    ctx: &Context<'_>,
    record: &connection::Model,
    actor: Actor,
    why: &str,
) -> Result<(), DbErr> {
    let flag = Flag::new(
        ReauthReason::CredentialsExpired,
        actor,
        why,
        ctx.clock.now(),
    );
    ctx.flag(&record.id, Some(record.version), &flag).await?;
    Ok(())
}

/// What a check notes on the connection.
enum Mark {
    /// Checked now: the next check is a period away.
    Checked,
    /// The provider could not be asked: try again after the retry floor.
    Retry,
}

async fn mark(ctx: &Context<'_>, record: &connection::Model, mark: Mark) -> Result<(), DbErr> {
    let now = ctx.clock.now();
    let (column, at) = match mark {
        Mark::Checked => (connection::Column::CheckedAt, now),
        Mark::Retry => (connection::Column::RetryAt, now + ctx.refresh.retry_floor),
    };
    connection::Entity::update_many()
        .col_expr(column, Expr::value(at))
        .filter(connection::Column::Id.eq(&record.id))
        .exec(ctx.db)
        .await?;
    Ok(())
}
