//! The refresh path's bookkeeping, safe across tasks and replicas: a claim (a lease and a
//! version bump) before any provider call, the rotated tokens written only by the claim's
//! holder, and one shared future per connection inside a process.
//!
//! Every caller that does not win the claim waits for the holder's new version and reads it.
//! A holder that dies leaves a lease that ends by itself after [`LEASE`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use app::dto::ReauthReason;

use super::events::{self, Transition};
use super::{Due, InFlight};
use crate::clock::Clock;
use crate::entity::{
    connection,
    connection_event::{Actor, Kind},
    linked_account,
};

/// `column` is unset or not after `at`: a lease, retry time or check that no longer holds.
pub(crate) fn unset_or_past(column: connection::Column, at: DateTime<Utc>) -> Condition {
    Condition::any().add(column.is_null()).add(column.lte(at))
}

/// How long a claim holds: longer than any provider call may take (the egress client gives up
/// after 15 s).
pub(crate) const LEASE: Duration = Duration::seconds(30);
/// How often a waiter looks for the holder's new version.
const POLL: StdDuration = StdDuration::from_millis(50);

/// What [`claim`] found.
#[derive(Debug)]
pub(crate) enum Claim {
    /// This caller holds the lease; the row is as the claim left it (version bumped).
    Won(connection::Model),
    /// No refresh is needed (any more): another caller refreshed, or the tokens are fresh.
    Fresh,
    /// The connection needs reauthentication; nothing to refresh.
    Flagged(connection::Model),
    /// The connection is gone.
    Gone,
}

/// Claims the right to refresh a connection while `needs` says it needs it. Waits while
/// another caller holds the lease; when that caller finishes, its result is what counts.
pub(crate) async fn claim(
    db: &impl ConnectionTrait,
    clock: &Clock,
    connection_id: &str,
    needs: impl Fn(&connection::Model, DateTime<Utc>) -> bool,
) -> Result<Claim, DbErr> {
    let mut waited = false;
    loop {
        let Some(row) = connection::Entity::find_by_id(connection_id)
            .one(db)
            .await?
        else {
            return Ok(Claim::Gone);
        };
        if row.status != connection::State::Active {
            return Ok(Claim::Flagged(row));
        }
        let now = clock.now();
        let held = row.lease_until.is_some_and(|until| until > now);
        if held {
            waited = true;
            tokio::time::sleep(POLL).await;
            continue;
        }
        if waited || !needs(&row, now) {
            return Ok(Claim::Fresh);
        }
        let until = now + LEASE;
        let claimed = connection::Entity::update_many()
            .col_expr(connection::Column::LeaseUntil, Expr::value(until))
            .col_expr(
                connection::Column::Version,
                Expr::col(connection::Column::Version).add(1),
            )
            .filter(connection::Column::Id.eq(connection_id))
            .filter(connection::Column::Version.eq(row.version))
            .filter(unset_or_past(connection::Column::LeaseUntil, now))
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            return Ok(Claim::Won(connection::Model {
                lease_until: Some(until),
                version: row.version + 1,
                ..row
            }));
        }
        // Someone else claimed or wrote between the read and the update: look again.
        waited = true;
    }
}

/// New tokens from the provider, sealed for the connection.
#[derive(Debug)]
pub(crate) struct Refreshed {
    pub credentials: Vec<u8>,
    pub key_id: String,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

/// Writes the rotated tokens of a claim and releases it, with one `refreshed` event. Returns
/// the new row, or `None` when the claim was lost (its lease ran out and another caller took
/// over): nothing is written then.
pub(crate) async fn store(
    db: &DatabaseConnection,
    account: &linked_account::Model,
    claimed: &connection::Model,
    refreshed: Refreshed,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Option<connection::Model>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    // A new expiry is warned about afresh; the same one is not warned twice.
    let rearm = refreshed.refresh_expires_at != claimed.refresh_expires_at;
    let mut update = connection::Entity::update_many();
    if rearm {
        update = update.col_expr(
            connection::Column::ExpiringSentAt,
            Expr::value(None::<DateTime<Utc>>),
        );
    }
    let written = update
        .col_expr(
            connection::Column::Credentials,
            Expr::value(refreshed.credentials),
        )
        .col_expr(connection::Column::KeyId, Expr::value(refreshed.key_id))
        .col_expr(
            connection::Column::AccessExpiresAt,
            Expr::value(refreshed.access_expires_at),
        )
        .col_expr(
            connection::Column::RefreshExpiresAt,
            Expr::value(refreshed.refresh_expires_at),
        )
        .col_expr(
            connection::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            connection::Column::RetryAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(connection::Column::Failures, Expr::value(0))
        .col_expr(
            connection::Column::Version,
            Expr::col(connection::Column::Version).add(1),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(now))
        .filter(connection::Column::Id.eq(&claimed.id))
        .filter(connection::Column::Version.eq(claimed.version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        return Ok(None);
    }
    let record = connection::Entity::find_by_id(&claimed.id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(claimed.id.clone()))?;
    events::record(
        &txn,
        account,
        &record,
        Transition::new(Kind::Refreshed, actor, now),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(record))
}

/// Takes the right to try a failing provider for a connection now, on behalf of a read whose
/// access token has expired: granted at most once per `every` per connection, across
/// replicas (a failed attempt of any kind counts as a try).
pub(crate) async fn take_probe(
    db: &impl ConnectionTrait,
    connection_id: &str,
    every: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let taken = connection::Entity::update_many()
        .col_expr(connection::Column::ProbedAt, Expr::value(now))
        .filter(connection::Column::Id.eq(connection_id))
        .filter(unset_or_past(connection::Column::ProbedAt, now - every))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Releases a claim after a failure that may pass: the next try waits until `retry_at`.
pub(crate) async fn release(
    db: &impl ConnectionTrait,
    claimed: &connection::Model,
    retry_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    connection::Entity::update_many()
        .col_expr(
            connection::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(connection::Column::RetryAt, Expr::value(retry_at))
        .col_expr(
            connection::Column::Failures,
            Expr::col(connection::Column::Failures).add(1),
        )
        // The provider was just tried: a read's probe waits its period from here.
        .col_expr(connection::Column::ProbedAt, Expr::value(now))
        .filter(connection::Column::Id.eq(&claimed.id))
        .filter(connection::Column::Version.eq(claimed.version))
        .exec(db)
        .await?;
    Ok(())
}

/// Releases a claim that did not reach the provider; with `retry_at`, the worker leaves the
/// connection alone until then (nothing to refresh with).
pub(crate) async fn release_unused(
    db: &impl ConnectionTrait,
    claimed: &connection::Model,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    connection::Entity::update_many()
        .col_expr(
            connection::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(connection::Column::RetryAt, Expr::value(retry_at))
        .filter(connection::Column::Id.eq(&claimed.id))
        .filter(connection::Column::Version.eq(claimed.version))
        .exec(db)
        .await?;
    Ok(())
}

/// The outcome every caller of one refresh shares.
pub(crate) type Outcome = Result<Refresh, RefreshError>;

/// Who refreshes a connection with its provider (for OAuth2, `oauth`): the connection
/// use-cases ask it, without knowing any provider.
pub trait Refresher {
    fn refresh(
        &self,
        connection_id: &str,
        due: Due,
        actor: Actor,
    ) -> impl Future<Output = Outcome> + Send;
}

/// Runs one refresh of a connection under the lease protocol: callers in this process share
/// it, callers elsewhere wait on the claim, and only the claim's holder calls `renew` (the
/// provider call, which stores, flags or backs off through this module). The claim is
/// released however `renew` ends.
pub async fn run<F, Fut>(
    db: &DatabaseConnection,
    clock: &Clock,
    refreshes: &Arc<InFlight<Outcome>>,
    connection_id: &str,
    due: Due,
    renew: F,
) -> Outcome
where
    F: FnOnce(connection::Model) -> Fut + Send + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let (db, clock) = (db.clone(), clock.clone());
    let id = connection_id.to_owned();
    refreshes
        .run(
            connection_id,
            move || async move { claimed(&db, &clock, &id, due, renew).await },
            |why| Err(RefreshError::internal(anyhow::anyhow!(why))),
        )
        .await
}

async fn claimed<F, Fut>(
    db: &DatabaseConnection,
    clock: &Clock,
    connection_id: &str,
    due: Due,
    renew: F,
) -> Outcome
where
    F: FnOnce(connection::Model) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let claimed = match claim(db, clock, connection_id, |row, now| due.applies(row, now)).await? {
        Claim::Won(row) => row,
        Claim::Fresh => return Ok(Refresh::Fresh),
        Claim::Flagged(row) => {
            return Ok(match super::Status::of(&row) {
                super::Status::ReauthRequired(reason) => Refresh::Flagged(reason),
                super::Status::Active => Refresh::Fresh,
            });
        }
        Claim::Gone => {
            return Err(RefreshError::internal(anyhow::anyhow!(
                "the connection is gone"
            )));
        }
    };
    let outcome = renew(claimed.clone()).await;
    crate::telemetry::metrics::refresh(match &outcome {
        Ok(Refresh::Refreshed) => "refreshed",
        Ok(Refresh::Fresh) => "fresh",
        Ok(Refresh::Flagged(_)) => "flagged",
        Ok(Refresh::Transient { .. }) => "transient",
        Ok(Refresh::NotRefreshable) => "not_refreshable",
        Err(_) => "error",
    });
    let release = match outcome {
        // Whatever went wrong on our side, the lease must not outlive it.
        Err(_) => Some(None),
        // Nothing to refresh with: the worker need not look again for a day.
        Ok(Refresh::NotRefreshable) => Some(Some(clock.now() + Duration::days(1))),
        Ok(_) => None,
    };
    if let Some(retry_at) = release
        && let Err(error) = release_unused(db, &claimed, retry_at).await
    {
        tracing::warn!(%error, "cannot release a refresh claim; it ends by itself");
    }
    outcome
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// New tokens are stored.
    Refreshed,
    /// Nothing to do: another caller refreshed, or the tokens are fresh enough.
    Fresh,
    /// The connection needs reauthentication, for this reason.
    Flagged(ReauthReason),
    /// The provider could not answer now; no try before `retry_at`.
    Transient {
        detail: String,
        retry_at: DateTime<Utc>,
    },
    /// Nothing to refresh with: no refresh token, or not an OAuth2 connection.
    NotRefreshable,
}

/// Why a refresh could not be decided: Portico's own trouble, never the provider's answer.
/// Every caller of one refresh shares it, so it is `Clone`: Portico's own trouble is behind
/// an `Arc`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RefreshError {
    #[error("the database is unavailable: {0}")]
    Database(#[source] DbErr),
    #[error("{0}")]
    Internal(Arc<anyhow::Error>),
}

impl RefreshError {
    pub(crate) fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(error.into()))
    }
}

impl From<DbErr> for RefreshError {
    /// Only a database that cannot be reached is `Database` (answered 503 and retried); any
    /// other database error is Portico's own trouble.
    fn from(error: DbErr) -> Self {
        if crate::db::is_unavailable(&error) {
            Self::Database(error)
        } else {
            Self::internal(error)
        }
    }
}
