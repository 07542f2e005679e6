//! The webhook delivery loop: claims what is due as places free up, and wakes early when
//! deliveries finish, so one slow receiver never holds up the others.

use std::sync::Arc;

use crate::webhooks::Outbound;
use crate::webhooks::deliver::{IN_FLIGHT, REFILL, dispatch, record_outcomes};

/// The delivery loop: claims what is due, fairly across receivers, as places free up, and
/// never waits for one receiver before sending to another.
pub async fn run(outbound: Outbound) {
    let every = outbound.settings.every;
    let places = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let finished = Arc::new(tokio::sync::Notify::new());
    let (outcomes, recorded) = tokio::sync::mpsc::channel(IN_FLIGHT);
    tokio::spawn(record_outcomes(
        outbound.clone(),
        recorded,
        finished.clone(),
    ));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        let free = places.available_permits();
        if free > 0 {
            match dispatch(&outbound, &places, &outcomes, free).await {
                // As many as there was room for: more may be waiting.
                Ok(count) if count == free => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "webhook delivery pass failed"),
            }
        }
        loop {
            tokio::select! {
                _ = ticks.tick() => break,
                () = finished.notified() => {
                    if places.available_permits() >= REFILL {
                        break;
                    }
                }
            }
        }
    }
}
