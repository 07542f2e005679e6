//! Background loops that run beside the server: one per file. Each looks for due work, does
//! it, and sleeps; none of them ever stops the server.

use crate::services::Services;

mod deliver;
mod expiring;
mod purge;
mod refresh;
mod usage;
mod verify;

pub use deliver::run as deliver_webhooks;
pub use expiring::warn_expiring;
pub use refresh::refresh_due;
pub use verify::verify_due;

/// Runs `pass` every `period`, the first time one period after start: nothing needs doing
/// the moment the server starts, and a test that runs a pass by hand never races the loop's
/// first one. A pass reports its own failures; the loop goes on.
pub(crate) async fn every<F, Pass>(period: std::time::Duration, mut pass: F)
where
    F: FnMut() -> Pass,
    Pass: std::future::Future<Output = ()>,
{
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        ticks.tick().await;
        pass().await;
    }
}

/// Starts every loop; they end with the runtime.
pub(crate) fn spawn(services: &Services) {
    tokio::spawn(purge::run(services.clone()));
    tokio::spawn(refresh::run(services.clone()));
    tokio::spawn(verify::run(services.clone()));
    tokio::spawn(usage::run(services.clone()));
    tokio::spawn(expiring::run(services.clone()));
    tokio::spawn(deliver::run(services.outbound()));
}

/// Writes what is still in memory before the process ends.
pub async fn finish(services: &Services) {
    usage::flush(services).await;
}
