//! Proactive refresh: access tokens about to expire are refreshed before anyone needs them,
//! a few per provider at a time, with jitter; a failing connection waits its backoff (at
//! least a minute, longer when the provider says so) and is given up only on a refusal.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::DbErr;
use tokio::sync::Semaphore;

use crate::connections::{
    self, Due,
    refresh::{Refresh, RefreshError},
};
use crate::entity::connection_event::Actor;
use crate::services::Services;

/// Refreshes running at once against one provider.
const PER_PROVIDER: usize = 4;
/// Connections looked at per pass.
const BATCH: u64 = 500;

pub(super) async fn run(services: Services) {
    super::every(services.refresh.every, || async {
        match refresh_due(&services).await {
            Ok(done) if done.is_empty() => {}
            Ok(done) => tracing::debug!(count = done.len(), "proactive refresh pass"),
            // A database outage is not a provider's refusal: nothing is flagged, and the next
            // pass tries again.
            Err(error) => tracing::warn!(%error, "proactive refresh pass failed"),
        }
    })
    .await;
}

/// What one task of a pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionOutcome {
    Refreshed,
    Flagged,
    /// Nothing needed doing any more, or the provider failed for now.
    Skipped,
}

/// One pass: every active connection whose access token expires within the refresh margin
/// and whose backoff is over. Returns each connection's outcome.
pub async fn refresh_due(services: &Services) -> Result<Vec<(String, ExecutionOutcome)>, DbErr> {
    let now = services.clock.now();
    let ahead = services.refresh.ahead;
    let candidates =
        connections::due_soon(&services.db, now, ahead, services.refresh.probe, BATCH).await?;
    let mut providers: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for row in candidates {
        let margin = margin(ahead, row.access_expires_at, row.updated_at);
        let Some(due) = Due::of(&row, now, margin) else {
            continue;
        };
        let id = row.id;
        let permits = providers
            .entry(row.slug)
            .or_insert_with(|| Arc::new(Semaphore::new(PER_PROVIDER)))
            .clone();
        let services = services.clone();
        let spread = services.refresh.every.min(StdDuration::from_secs(4)) / 2;
        tasks.spawn(async move {
            // Jitter: connections that came due together do not all call at once.
            let jitter = rand::rng().random_range(0..=spread.as_millis() as u64);
            tokio::time::sleep(StdDuration::from_millis(jitter)).await;
            let _permit = permits.acquire_owned().await;
            let outcome = try_execute_task(&services, &id, due).await;
            (id, outcome)
        });
    }
    let mut done = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((id, Ok(outcome))) => done.push((id, outcome)),
            Ok((id, Err(error))) => {
                tracing::warn!(connection = %id, %error, "proactive refresh failed");
                if let RefreshError::Database(error) = error {
                    return Err(error);
                }
            }
            Err(error) => tracing::error!(%error, "a refresh task panicked"),
        }
    }
    Ok(done)
}

/// How far ahead of expiry to refresh: the setting, but at most half the token's life, so a
/// short-lived token is not refreshed on every pass.
fn margin(
    ahead: Duration,
    expires_at: Option<DateTime<Utc>>,
    issued_at: DateTime<Utc>,
) -> Duration {
    match expires_at {
        Some(at) => ahead.min((at - issued_at) / 2).max(Duration::zero()),
        None => ahead,
    }
}

#[tracing::instrument(skip(services), fields(outcome))]
async fn try_execute_task(
    services: &Services,
    connection_id: &str,
    due: Due,
) -> Result<ExecutionOutcome, RefreshError> {
    let outcome = crate::oauth::refresh(services, connection_id, due, Actor::Portico).await?;
    let outcome = match outcome {
        Refresh::Refreshed => ExecutionOutcome::Refreshed,
        Refresh::Flagged(_) => ExecutionOutcome::Flagged,
        Refresh::Fresh | Refresh::Transient { .. } | Refresh::NotRefreshable => {
            ExecutionOutcome::Skipped
        }
    };
    tracing::Span::current().record("outcome", format!("{outcome:?}"));
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lived_tokens_are_refreshed_at_half_their_life() {
        let issued = Utc::now();
        let ahead = Duration::minutes(5);
        assert_eq!(
            margin(ahead, Some(issued + Duration::hours(1)), issued),
            ahead
        );
        assert_eq!(
            margin(ahead, Some(issued + Duration::seconds(60)), issued),
            Duration::seconds(30)
        );
        assert_eq!(margin(ahead, None, issued), ahead);
    }
}
