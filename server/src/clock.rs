//! What time it is. Portico asks its [`Clock`], never the system directly: in production the
//! system's time; in tests the same time moved ahead at will, so a test of what happens in an
//! hour waits for nothing and writes no timestamps by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system's time, plus however far a test moved it ahead (nothing in production). Clones
/// share one clock.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self::default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock, and everything that asks it, ahead by `by`.
    pub fn advance(&self, by: Duration) {
        self.ahead_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_clock_that_moves_ahead() {
        let clock = Clock::system();
        let shared = clock.clone();
        let before = clock.now();
        shared.advance(Duration::hours(2));
        let after = clock.now();
        assert!(after - before >= Duration::hours(2), "{before} → {after}");
        assert!(after - before < Duration::hours(2) + Duration::seconds(5));
    }
}
