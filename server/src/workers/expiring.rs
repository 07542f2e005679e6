//! Warning before it breaks: a connection whose credentials have a known expiry (a refresh
//! token's lifetime, a key's expiry the vendor set) gets one `Connection Expiring` event the
//! setting's time ahead (7 days by default). A key-based connection past its expiry is flagged
//! `credentials_expired`.

use std::time::Duration as StdDuration;

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};

use crate::connections::{Flag, events};
use crate::entity::{
    connection,
    connection_event::{Actor, Kind},
};
use crate::services::Services;

const EVERY: StdDuration = StdDuration::from_secs(60);
const BATCH: u64 = 500;

pub async fn run(services: Services) {
    super::every(EVERY.min(services.refresh.every), || async {
        match warn_expiring(&services).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "sent Connection Expiring"),
            Err(error) => tracing::warn!(%error, "expiry pass failed"),
        }
    })
    .await;
}

/// One pass: warns each connection whose known expiry is near, once, and flags key-based
/// connections whose key has expired. Returns how many were warned or flagged.
pub async fn warn_expiring(services: &Services) -> Result<usize, DbErr> {
    let now = Utc::now();
    let db = &services.db;
    let due = connection::Entity::find()
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::RefreshExpiresAt.lte(now + services.refresh.expiring_ahead))
        .filter(connection::Column::ExpiringSentAt.is_null())
        .limit(BATCH)
        .all(db)
        .await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        due.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    let mut done = 0;
    for record in due {
        let Some(account) = accounts.get(&record.linked_account_id) else {
            continue;
        };
        let txn = crate::db::begin_write(db).await?;
        let claimed = connection::Entity::update_many()
            .col_expr(connection::Column::ExpiringSentAt, Expr::value(now))
            .filter(connection::Column::Id.eq(&record.id))
            .filter(connection::Column::ExpiringSentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let until = record.refresh_expires_at.map(|at| at.to_rfc3339());
            let transition = events::Transition::new(Kind::Expiring, Actor::Portico)
                .because(format!("expires at {}", until.unwrap_or_default()));
            events::record(&txn, account, &record, transition).await?;
            done += 1;
        }
        txn.commit().await?;
    }
    // A key-based connection (no access token) past the expiry its vendor set.
    let expired: Vec<(String, Option<DateTime<Utc>>)> = connection::Entity::find()
        .select_only()
        .columns([connection::Column::Id, connection::Column::RefreshExpiresAt])
        .filter(connection::Column::Status.eq(connection::State::Active))
        .filter(connection::Column::AccessExpiresAt.is_null())
        .filter(connection::Column::RefreshExpiresAt.lte(now))
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    for (id, at) in expired {
        let detail = format!(
            "the credentials expired at {}",
            at.map(|at| at.to_rfc3339()).unwrap_or_default()
        );
        let flag = Flag::new(ReauthReason::CredentialsExpired, Actor::Portico, detail);
        if services.flag(&id, None, &flag).await?.is_some() {
            done += 1;
        }
    }
    Ok(done)
}
