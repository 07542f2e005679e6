//! Deletes what has ended: finished authorization states, expired tokens, ended sessions,
//! and held sign-ins nobody chose to keep (revoked at the provider first).

use std::time::Duration;

use crate::services::Services;

/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(300);

pub(super) async fn run(services: Services) {
    super::every(EVERY, || purge(&services)).await;
}

/// One pass: everything that ended before now.
async fn purge(services: &Services) {
    let db = &services.db;
    let now = services.clock.now();
    report(
        crate::oauth::purge_pending(services, now).await,
        "revoked sign-ins nobody chose to keep",
    );
    report(
        crate::oauth::purge_states(db, now).await,
        "purged old authorization states",
    );
    report(
        crate::sessions::purge_expired(db, now).await,
        "purged expired links and session tokens",
    );
    report(
        crate::hooks::purge_receipts(db, now).await,
        "forgot provider events past their window",
    );
    report(
        crate::hosted::purge_expired(db, now).await,
        "purged ended browser sessions",
    );
}

/// Logs what one kind of purge did; a failure is tried again at the next pass.
fn report<E: std::fmt::Display>(done: Result<u64, E>, what: &str) {
    match done {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "{what}"),
        Err(error) => tracing::warn!(%error, "purge failed: {what}"),
    }
}
