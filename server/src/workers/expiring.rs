//! Warning before it breaks: a connection whose credentials have a known expiry (a refresh
//! token's lifetime, a key's expiry the vendor set) gets one `Connection Expiring` event the
//! setting's time ahead (7 days by default). A key-based connection past its expiry is flagged
//! `credentials_expired`.

use std::time::Duration as StdDuration;

use app::dto::ReauthReason;
use sea_orm::DbErr;

use crate::connections::{Flag, expiry};
use crate::entity::connection_event::Actor;
use crate::services::Services;

const EVERY: StdDuration = StdDuration::from_secs(60);
const BATCH: u64 = 500;

pub(super) async fn run(services: Services) {
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
    let now = services.clock.now();
    let db = &services.db;
    let due = expiry::to_warn(db, now, services.refresh.expiring_ahead, BATCH).await?;
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
        if expiry::warn_once(db, account, &record, now).await? {
            done += 1;
        }
    }
    for (id, at) in expiry::past(db, now, BATCH).await? {
        let detail = format!(
            "the credentials expired at {}",
            at.map(|at| at.to_rfc3339()).unwrap_or_default()
        );
        let flag = Flag::new(
            ReauthReason::CredentialsExpired,
            Actor::Portico,
            detail,
            now,
        );
        if services
            .connections()
            .flag(&id, None, &flag)
            .await?
            .is_some()
        {
            done += 1;
        }
    }
    Ok(done)
}
