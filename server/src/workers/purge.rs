//! Deletes what has ended: finished authorization states, expired tokens, ended sessions.

use std::time::Duration;

use sea_orm::DatabaseConnection;

/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(3600);

pub async fn run(db: DatabaseConnection) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        let now = chrono::Utc::now();
        match crate::oauth::purge_states(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "purged old authorization states"),
            Err(error) => tracing::warn!(%error, "cannot purge authorization states"),
        }
        match crate::sessions::purge_expired(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "purged expired links and session tokens"),
            Err(error) => tracing::warn!(%error, "cannot purge expired tokens"),
        }
        match crate::hosted::purge_expired(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "purged ended browser sessions"),
            Err(error) => tracing::warn!(%error, "cannot purge browser sessions"),
        }
    }
}
