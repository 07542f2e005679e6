//! The refresh path's bookkeeping, safe across tasks and replicas: a claim (a lease and a
//! version bump) before any provider call, the rotated tokens written only by the claim's
//! holder, and one shared future per connection inside a process.
//!
//! Every caller that does not win the claim waits for the holder's new version and reads it.
//! A holder that dies leaves a lease that ends by itself after [`LEASE`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::{BoxFuture, FutureExt, Shared};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use app::dto::ReauthReason;

use super::events::{self, Transition};
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
pub const LEASE: Duration = Duration::seconds(30);
/// How often a waiter looks for the holder's new version.
const POLL: StdDuration = StdDuration::from_millis(50);

/// What [`claim`] found.
#[derive(Debug)]
pub enum Claim {
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
pub async fn claim(
    db: &impl ConnectionTrait,
    connection_id: &str,
    needs: impl Fn(&connection::Model) -> bool,
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
        let now = Utc::now();
        let held = row.lease_until.is_some_and(|until| until > now);
        if held {
            waited = true;
            tokio::time::sleep(POLL).await;
            continue;
        }
        if waited || !needs(&row) {
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
pub struct Refreshed {
    pub credentials: Vec<u8>,
    pub key_id: String,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

/// Writes the rotated tokens of a claim and releases it, with one `refreshed` event. Returns
/// the new row, or `None` when the claim was lost (its lease ran out and another caller took
/// over): nothing is written then.
pub async fn store(
    db: &DatabaseConnection,
    account: &linked_account::Model,
    claimed: &connection::Model,
    refreshed: Refreshed,
    actor: Actor,
) -> Result<Option<connection::Model>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
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
        Transition::new(Kind::Refreshed, actor),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(record))
}

/// Takes the right to try a failing provider for a connection now, on behalf of a read whose
/// access token has expired: granted at most once per `every` per connection, across
/// replicas (a failed attempt of any kind counts as a try).
pub async fn take_probe(
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
pub async fn release(
    db: &impl ConnectionTrait,
    claimed: &connection::Model,
    retry_at: DateTime<Utc>,
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
        .col_expr(connection::Column::ProbedAt, Expr::value(Utc::now()))
        .filter(connection::Column::Id.eq(&claimed.id))
        .filter(connection::Column::Version.eq(claimed.version))
        .exec(db)
        .await?;
    Ok(())
}

/// Releases a claim that did not reach the provider; with `retry_at`, the worker leaves the
/// connection alone until then (nothing to refresh with).
pub async fn release_unused(
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
pub type Outcome = Result<Refresh, RefreshError>;

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
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
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

/// When a connection is due for a refresh.
#[derive(Debug, Clone, Copy)]
pub enum Due {
    /// When its access token expires within this margin.
    Within(Duration),
    /// Now, whatever the expiry (an operator asked).
    Now,
    /// While the provider is failing, when its access token has expired: a read tries the
    /// provider before the worker's backoff is over. A failure leaves the backoff as it was.
    Probe,
}

impl Due {
    pub fn applies(self, record: &connection::Model) -> bool {
        match self {
            Self::Now => true,
            Self::Probe => record.access_expires_at.is_some_and(|at| at <= Utc::now()),
            Self::Within(margin) => record
                .access_expires_at
                .is_some_and(|at| at <= Utc::now() + margin),
        }
    }
}

/// One refresh future per connection inside this process: concurrent callers share it, and
/// it runs to its end even when every caller has gone.
pub struct InFlight<T: Clone> {
    running: Mutex<HashMap<String, Shared<BoxFuture<'static, T>>>>,
}

impl<T: Clone> Default for InFlight<T> {
    fn default() -> Self {
        Self {
            running: Mutex::new(HashMap::new()),
        }
    }
}

/// Takes a finished refresh out of the map however its future ends, a panic included, so the
/// next caller starts afresh instead of joining a future that can never answer.
struct Leave<T: Clone + Send + Sync + 'static> {
    running: Arc<InFlight<T>>,
    key: String,
}

impl<T: Clone + Send + Sync + 'static> Drop for Leave<T> {
    fn drop(&mut self) {
        // A poisoned map only means another caller panicked while holding it: the map itself
        // is whole.
        let mut running = self
            .running
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.remove(&self.key);
    }
}

impl<T: Clone + Send + Sync + 'static> InFlight<T> {
    /// Joins the future running for `key`, or starts `make()` as it. A task that panics
    /// answers `failed(why)` to everyone waiting on it.
    pub async fn run<F>(
        self: &Arc<Self>,
        key: &str,
        make: impl FnOnce() -> F,
        failed: fn(String) -> T,
    ) -> T
    where
        F: Future<Output = T> + Send + 'static,
    {
        let shared = {
            let mut running = self
                .running
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match running.get(key) {
                Some(shared) => shared.clone(),
                None => {
                    let leave = Leave {
                        running: Arc::clone(self),
                        key: key.to_owned(),
                    };
                    // Spawned, so a caller that goes away never leaves rotated tokens unsaved.
                    let work = tokio::spawn(make());
                    let shared = async move {
                        let output = match work.await {
                            Ok(output) => output,
                            Err(error) => {
                                tracing::error!(%error, "a refresh task failed");
                                failed(error.to_string())
                            }
                        };
                        drop(leave);
                        output
                    }
                    .boxed()
                    .shared();
                    running.insert(key.to_owned(), shared.clone());
                    shared
                }
            }
        };
        shared.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refresh_that_panics_answers_an_error_and_the_next_one_runs() {
        let running: Arc<InFlight<Result<u32, String>>> = Arc::default();
        let failed = |why: String| Err(why);
        let first = running
            .run(
                "conn_1",
                || async {
                    panic!("the provider's answer broke something");
                },
                failed,
            )
            .await;
        assert!(first.is_err(), "{first:?}");
        let second = running.run("conn_1", || async { Ok(7) }, failed).await;
        assert_eq!(second, Ok(7));
        assert!(running.running.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn callers_of_one_connection_share_one_run() {
        let running: Arc<InFlight<u32>> = Arc::default();
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let first = running.run(
            "conn_1",
            || async move {
                let _ = hold.await;
                1
            },
            |_| 0,
        );
        let second = running.run("conn_1", || async { 2 }, |_| 0);
        let both = async {
            tokio::task::yield_now().await;
            let _ = release.send(());
        };
        let (first, second, ()) = tokio::join!(first, second, both);
        assert_eq!((first, second), (1, 1));
    }
}
