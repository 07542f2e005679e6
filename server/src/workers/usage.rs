//! Writes credential reads as `last_used_at`, a batch every few seconds.

use std::time::Duration;

use crate::services::Services;

const EVERY: Duration = Duration::from_secs(5);

pub(super) async fn run(services: Services) {
    super::every(EVERY, || flush(&services)).await;
}

pub(super) async fn flush(services: &Services) {
    match services
        .usage
        .flush(&services.db, services.clock.now())
        .await
    {
        Ok(0) => {}
        Ok(count) => tracing::debug!(count, "recorded credential reads"),
        Err(error) => tracing::warn!(%error, "cannot record credential reads; kept for later"),
    }
}
