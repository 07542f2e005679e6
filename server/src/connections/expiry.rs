//! Known expiries: the one a vendor sets on a key-based connection, the one warning ahead of
//! any known expiry, and key-based connections found past theirs.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::events::{self, Transition};
use crate::catalog::{AppDefinition, AuthKind};
use crate::entity::{
    connection,
    connection_event::{Actor, Kind},
    linked_account,
};

/// Why an expiry was not set.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExpiryError {
    /// An OAuth2 connection's expiry comes from its provider.
    #[error("an OAuth2 connection's expiry comes from its provider")]
    NotKeyBased,
    /// The connection changed or went while this was written; nothing was.
    #[error("the connection changed meanwhile")]
    Changed,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Sets (or, with `None`, clears) when a key-based connection's credentials stop working, as
/// its vendor says: the version is bumped, the warning re-armed, and the change is recorded
/// as an `expiry_set` event, all in one transaction.
pub(crate) async fn set(
    db: &DatabaseConnection,
    account: &linked_account::Model,
    record: &connection::Model,
    app: &AppDefinition,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<connection::Model, ExpiryError> {
    if app.auth_type == AuthKind::OAuth2 {
        return Err(ExpiryError::NotKeyBased);
    }
    let txn = crate::db::begin_write(db).await?;
    let written = connection::Entity::update_many()
        .col_expr(connection::Column::RefreshExpiresAt, Expr::value(at))
        .col_expr(
            connection::Column::ExpiringSentAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            connection::Column::Version,
            Expr::col(connection::Column::Version).add(1),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(now))
        .filter(connection::Column::Id.eq(&record.id))
        .filter(connection::Column::Version.eq(record.version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        return Err(ExpiryError::Changed);
    }
    let updated = connection::Model {
        refresh_expires_at: at,
        expiring_sent_at: None,
        version: record.version + 1,
        updated_at: now,
        ..record.clone()
    };
    let detail = match at {
        Some(at) => format!("expires at {}", at.to_rfc3339()),
        None => "does not expire".to_owned(),
    };
    let transition = Transition::new(Kind::ExpirySet, Actor::Vendor, now).because(detail);
    events::record(&txn, account, &updated, transition).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Active connections whose known expiry is within `ahead` and not yet warned about, the
/// soonest first (read through `connection_expiring_due`).
pub(crate) async fn to_warn(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ahead: Duration,
    limit: u64,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::RefreshExpiresAt.lte(now + ahead))
        .filter(connection::Column::ExpiringSentAt.is_null())
        .order_by_asc(connection::Column::RefreshExpiresAt)
        .limit(limit)
        .all(db)
        .await
}

/// Warns once that a connection's credentials expire soon: a `Connection Expiring` event,
/// unless another pass (or replica) warned first. Returns whether this one did.
pub(crate) async fn warn_once(
    db: &DatabaseConnection,
    account: &linked_account::Model,
    record: &connection::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let claimed = connection::Entity::update_many()
        .col_expr(connection::Column::ExpiringSentAt, Expr::value(now))
        .filter(connection::Column::Id.eq(&record.id))
        .filter(connection::Column::ExpiringSentAt.is_null())
        .exec(&txn)
        .await?;
    let warned = claimed.rows_affected == 1;
    if warned {
        let until = record.refresh_expires_at.map(|at| at.to_rfc3339());
        let transition = Transition::new(Kind::Expiring, Actor::Portico, now)
            .because(format!("expires at {}", until.unwrap_or_default()));
        events::record(&txn, account, record, transition).await?;
    }
    txn.commit().await?;
    Ok(warned)
}

/// Active key-based connections (no access token) past the expiry their vendor set: id and
/// that expiry.
pub(crate) async fn past(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(String, Option<DateTime<Utc>>)>, DbErr> {
    connection::Entity::find()
        .select_only()
        .columns([connection::Column::Id, connection::Column::RefreshExpiresAt])
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::AccessExpiresAt.is_null())
        .filter(connection::Column::RefreshExpiresAt.lte(now))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}
