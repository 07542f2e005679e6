//! Deletes what has ended: finished authorization states, expired tokens, ended sessions,
//! and held sign-ins nobody chose to keep (revoked at the provider first).

use std::time::Duration;

use crate::services::Services;

/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(300);

pub async fn run(services: Services) {
    super::every(EVERY, || purge(&services)).await;
}

/// One pass: everything that ended before now.
async fn purge(services: &Services) {
    let db = &services.db;
    let now = chrono::Utc::now();
    match crate::oauth::purge_pending(services, now).await {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "revoked sign-ins nobody chose to keep"),
        Err(error) => tracing::warn!(%error, "cannot purge held sign-ins"),
    }
    match crate::oauth::purge_states(db, now).await {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "purged old authorization states"),
        Err(error) => tracing::warn!(%error, "cannot purge authorization states"),
    }
    match crate::sessions::purge_expired(db, now).await {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "purged expired links and session tokens"),
        Err(error) => tracing::warn!(%error, "cannot purge expired tokens"),
    }
    match crate::hooks::purge_receipts(db, now).await {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "forgot provider events past their window"),
        Err(error) => tracing::warn!(%error, "cannot purge provider event receipts"),
    }
    match crate::hosted::purge_expired(db, now).await {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "purged ended browser sessions"),
        Err(error) => tracing::warn!(%error, "cannot purge browser sessions"),
    }
}
