//! Background loops that keep the database tidy while the server runs.

use std::time::Duration;

use sea_orm::DatabaseConnection;

/// How often finished authorization states, expired tokens and ended sessions are deleted.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Starts the loops; they end with the runtime.
pub fn spawn(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PURGE_EVERY);
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
    });
}
