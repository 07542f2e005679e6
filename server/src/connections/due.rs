//! When a connection is due a refresh: the one rule the credential reads, the proactive worker
//! and the refresh claim all ask.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::refresh::unset_or_past;

use crate::entity::connection;

/// Why a connection is refreshed now.
#[derive(Debug, Clone, Copy)]
pub enum Due {
    /// Its access token expires within this margin.
    Within(Duration),
    /// Now, whatever the expiry (an operator or a vendor's report asked).
    Now,
    /// While the provider is failing, its access token has expired: a read tries the provider
    /// before the worker's backoff is over. A failure leaves the backoff as it was.
    Probe,
}

impl Due {
    /// What a connection is due at `now`, refreshing `margin` ahead of expiry: nothing while
    /// its token is good for longer (or never expires), nor while a failing provider's
    /// backoff runs and the token in hand still works; a probe once that token has expired
    /// inside the backoff; else a refresh within the margin.
    pub(crate) fn of(
        record: &connection::Model,
        now: DateTime<Utc>,
        margin: Duration,
    ) -> Option<Self> {
        let expires = record.access_expires_at?;
        if expires > now + margin {
            return None;
        }
        let backing_off = record.retry_at.is_some_and(|at| at > now);
        match (backing_off, expires <= now) {
            (false, _) => Some(Self::Within(margin)),
            (true, true) => Some(Self::Probe),
            (true, false) => None,
        }
    }

    /// Whether the refresh is still needed, asked again under the claim (another caller may
    /// have refreshed in the meantime).
    pub(crate) fn applies(self, record: &connection::Model, now: DateTime<Utc>) -> bool {
        match self {
            Self::Now => true,
            Self::Probe => record.access_expires_at.is_some_and(|at| at <= now),
            Self::Within(margin) => record
                .access_expires_at
                .is_some_and(|at| at <= now + margin),
        }
    }
}

/// Whether the provider has been failing for this connection: failures in a row, or a backoff
/// still running.
pub fn failing(record: &connection::Model, now: DateTime<Utc>) -> bool {
    record.failures > 0 || record.retry_at.is_some_and(|at| at > now)
}

/// Active connections whose access token expires within `ahead` and whose backoff, lease and
/// last probe are over: what the proactive worker looks at, soonest expiry first.
pub(crate) async fn due_soon(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    ahead: Duration,
    probe: Duration,
    limit: u64,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::AccessExpiresAt.lte(now + ahead))
        .filter(unset_or_past(connection::Column::RetryAt, now))
        .filter(unset_or_past(connection::Column::LeaseUntil, now))
        // A read that just tried the failing provider counts as this try.
        .filter(unset_or_past(connection::Column::ProbedAt, now - probe))
        .order_by_asc(connection::Column::AccessExpiresAt)
        .limit(limit)
        .all(db)
        .await
}
