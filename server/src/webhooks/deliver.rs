//! Delivery: due outbox rows are claimed (safe with several replicas), each signed, sent
//! through the egress policy, its attempt recorded and the next one scheduled. The loop that
//! drives it is `workers::deliver`.
//!
//! Delivery is at least once: a replica that dies after sending but before recording sends
//! again, with the same `webhook-id`, once its claim lapses.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use super::claim::{claim, count_for_breaker, scaled};
use super::log::{external_ids, payload, vendor_id};
use super::send::{Attempted, send};
use super::subscriptions::signing_secrets;
use tracing::Instrument;
use zeroize::Zeroizing;

use super::Outbound;
use crate::entity::{
    connection_event, webhook_attempt, webhook_delivery, webhook_delivery::State,
    webhook_subscription,
};

/// The retry schedule of Standard Webhooks: after each failed attempt, wait this long (about
/// 27 hours in all), then give up.
pub(crate) const SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];
/// Deliveries in flight at once in this process, every receiver together: a delivery waiting
/// on a slow receiver costs a socket and a task, so there is room for many receivers to hang
/// at once before the others wait.
pub(crate) const IN_FLIGHT: usize = 256;
/// Outcomes written in one transaction at most: one writer records what the sends came to,
/// in batches, so the worker holds one connection of the pool and commits once per batch.
const RECORD_BATCH: usize = 64;
/// How many free places make a finished delivery worth claiming more for, before the tick.
pub(crate) const REFILL: usize = IN_FLIGHT / 4;

/// Claims up to `room` due deliveries and starts sending each; returns how many.
pub(crate) async fn dispatch(
    outbound: &Outbound,
    places: &Arc<tokio::sync::Semaphore>,
    outcomes: &tokio::sync::mpsc::Sender<Outcome>,
    room: usize,
) -> Result<usize, DbErr> {
    let claimed = claim(&outbound.db, room as u64, outbound.clock.now()).await?;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    let context = Arc::new(Context::load(outbound, &claimed).await?);
    for delivery in claimed {
        let place = places
            .clone()
            .try_acquire_owned()
            .expect("claimed no more than there was room for");
        let (outbound, context, outcomes) = (outbound.clone(), context.clone(), outcomes.clone());
        tokio::spawn(async move {
            let outcome = try_execute_task(&outbound, &context, delivery).await;
            // The place is given back once the outcome is written.
            let _ = outcomes
                .send(Outcome {
                    outcome,
                    _place: place,
                })
                .await;
        });
    }
    Ok(count)
}

/// What one delivery came to, waiting to be written, and its place among those in flight.
pub(crate) struct Outcome {
    outcome: Option<(
        webhook_delivery::Model,
        webhook_subscription::Model,
        Attempted,
    )>,
    _place: tokio::sync::OwnedSemaphorePermit,
}

/// Writes what the sends came to, as many as are waiting (up to [`RECORD_BATCH`]) in one
/// transaction. A batch that cannot be written is sent again once its claims lapse.
pub(crate) async fn record_outcomes(
    outbound: Outbound,
    mut waiting: tokio::sync::mpsc::Receiver<Outcome>,
    finished: Arc<tokio::sync::Notify>,
) {
    let mut batch = Vec::with_capacity(RECORD_BATCH);
    while waiting.recv_many(&mut batch, RECORD_BATCH).await > 0 {
        let written = async {
            let txn = crate::db::begin_write(&outbound.db).await?;
            for Outcome { outcome, .. } in &batch {
                if let Some((delivery, subscription, attempted)) = outcome {
                    let span = tracing::info_span!(
                        "record",
                        delivery = delivery.id,
                        event = delivery.event_id,
                        webhook_id = %delivery.message_id
                    );
                    record(&outbound, &txn, subscription, delivery, attempted)
                        .instrument(span)
                        .await?;
                }
            }
            txn.commit().await
        }
        .await;
        if let Err(error) = written {
            tracing::warn!(%error, count = batch.len(), "webhook deliveries failed to record; they will be sent again");
        }
        batch.clear();
        finished.notify_one();
    }
}

/// The keys that sign for a subscription now (none when its secret does not open).
type Keys = Vec<Zeroizing<Vec<u8>>>;

/// What a batch of deliveries needs, read once: their subscriptions (with the keys that sign
/// for them) and their events (with the vendor's id of the linked account).
struct Context {
    subscriptions: HashMap<String, (webhook_subscription::Model, Keys)>,
    events: HashMap<i64, (connection_event::Model, String)>,
}

impl Context {
    async fn load(outbound: &Outbound, batch: &[webhook_delivery::Model]) -> Result<Self, DbErr> {
        let db = &outbound.db;
        let subscription_ids: HashSet<&str> =
            batch.iter().map(|d| d.subscription_id.as_str()).collect();
        let mut subscriptions = HashMap::new();
        for subscription in webhook_subscription::Entity::find()
            .filter(webhook_subscription::Column::Id.is_in(subscription_ids))
            .filter(webhook_subscription::Column::Enabled.eq(true))
            .all(db)
            .await?
        {
            // A secret that does not open (its key left the keyring) fails each attempt, which
            // is retried on the schedule, rather than sending unsigned.
            let keys = signing_secrets(&outbound.vault, &subscription, outbound.clock.now())
                .inspect_err(|error| {
                    tracing::error!(webhook = %subscription.id, %error, "cannot open a signing secret");
                })
                .unwrap_or_default();
            subscriptions.insert(subscription.id.clone(), (subscription, keys));
        }
        let event_ids: HashSet<i64> = batch.iter().map(|d| d.event_id).collect();
        let events = connection_event::Entity::find()
            .filter(connection_event::Column::Id.is_in(event_ids))
            .all(db)
            .await?;
        let external = external_ids(db, &events).await?;
        let events = events
            .into_iter()
            .map(|event| {
                let id = vendor_id(&external, &event).to_owned();
                (event.id, (event, id))
            })
            .collect();
        Ok(Self {
            subscriptions,
            events,
        })
    }
}

#[tracing::instrument(skip_all, fields(delivery = delivery.id, event = delivery.event_id, webhook_id = %delivery.message_id))]
async fn try_execute_task(
    outbound: &Outbound,
    context: &Context,
    delivery: webhook_delivery::Model,
) -> Option<(
    webhook_delivery::Model,
    webhook_subscription::Model,
    Attempted,
)> {
    let (Some((subscription, keys)), Some((event, linked_account_id))) = (
        context.subscriptions.get(&delivery.subscription_id),
        context.events.get(&delivery.event_id),
    ) else {
        // The subscription was deleted or turned off meanwhile.
        if let Err(error) = release(
            &outbound.db,
            &delivery,
            Next::End(State::Disabled),
            None,
            outbound.clock.now(),
        )
        .await
        {
            tracing::warn!(%error, "a webhook delivery failed to record");
        }
        return None;
    };
    let body = payload(event, linked_account_id).to_string();
    let attempted = send(outbound, subscription, keys, &delivery, &body).await;
    Some((delivery, subscription.clone(), attempted))
}

/// Writes what one attempt came to: the attempt, the receiver's breaker, and what becomes of
/// the delivery.
async fn record(
    outbound: &Outbound,
    db: &impl ConnectionTrait,
    subscription: &webhook_subscription::Model,
    delivery: &webhook_delivery::Model,
    attempted: &Attempted,
) -> Result<(), DbErr> {
    let now = outbound.clock.now();
    webhook_attempt::Entity::insert(webhook_attempt::ActiveModel {
        delivery_id: Set(delivery.id),
        attempted_at: Set(now),
        status: Set(attempted.status.map(i32::from)),
        latency_ms: Set(attempted.latency.as_millis().min(i32::MAX as u128) as i32),
        error: Set(attempted.error.clone()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    let succeeded = attempted
        .status
        .is_some_and(|status| (200..300).contains(&status));
    count_for_breaker(outbound, db, subscription, succeeded).await?;
    match attempted.status {
        Some(status) if (200..300).contains(&status) => {
            tracing::info!(status, "webhook delivered");
            crate::telemetry::metrics::delivery("delivered");
            release(
                db,
                delivery,
                Next::End(State::Delivered),
                Some(attempted),
                now,
            )
            .await
        }
        Some(410) => {
            tracing::info!("webhook receiver answered 410 Gone; its subscription is turned off");
            crate::telemetry::metrics::delivery("gone");
            webhook_subscription::Entity::update_many()
                .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
                .col_expr(webhook_subscription::Column::UpdatedAt, Expr::value(now))
                .filter(webhook_subscription::Column::Id.eq(&subscription.id))
                .exec(db)
                .await?;
            release(
                db,
                delivery,
                Next::End(State::Disabled),
                Some(attempted),
                now,
            )
            .await
        }
        _ => {
            let next = next_attempt(outbound, delivery.attempts, attempted.retry_after);
            match next {
                Some(at) => {
                    tracing::info!(status = ?attempted.status, error = ?attempted.error, next = %at, "webhook not delivered; will retry");
                    crate::telemetry::metrics::delivery("retrying");
                    release(db, delivery, Next::RetryAt(at), Some(attempted), now).await
                }
                None => {
                    tracing::warn!(status = ?attempted.status, "webhook given up after its last attempt");
                    crate::telemetry::metrics::delivery("given_up");
                    release(db, delivery, Next::End(State::Dead), Some(attempted), now).await
                }
            }
        }
    }
}

/// When to try again after `attempts` attempts, or `None` when the schedule is spent.
fn next_attempt(
    outbound: &Outbound,
    attempts: i32,
    retry_after: Option<Duration>,
) -> Option<DateTime<Utc>> {
    let index = usize::try_from(attempts.max(1) - 1).ok()?;
    let scaled = scaled(outbound, *SCHEDULE.get(index)?);
    let jitter_ms = scaled.num_milliseconds() / 10;
    let jitter = if jitter_ms > 0 {
        rand::rng().random_range(0..=jitter_ms)
    } else {
        0
    };
    let wait = (scaled + Duration::milliseconds(jitter)).max(retry_after.unwrap_or_default());
    Some(outbound.clock.now() + wait)
}

/// What becomes of a claimed delivery after its attempt.
enum Next {
    /// It ends in this state.
    End(State),
    /// It is tried again at this time.
    RetryAt(DateTime<Utc>),
}

/// Releases a delivery with what comes next, if this worker still holds it.
async fn release(
    db: &impl ConnectionTrait,
    delivery: &webhook_delivery::Model,
    next: Next,
    attempted: Option<&Attempted>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = webhook_delivery::Entity::update_many().col_expr(
        webhook_delivery::Column::ClaimedUntil,
        Expr::value(None::<DateTime<Utc>>),
    );
    update = match next {
        Next::End(state) => {
            let update = update.col_expr(webhook_delivery::Column::State, Expr::value(state));
            if state == State::Delivered {
                update.col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now))
            } else {
                update
            }
        }
        Next::RetryAt(at) => {
            update.col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(at))
        }
    };
    if let Some(attempted) = attempted {
        update = update
            .col_expr(
                webhook_delivery::Column::LastStatus,
                Expr::value(attempted.status.map(i32::from)),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(attempted.error.clone()),
            );
    }
    update
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .filter(webhook_delivery::Column::ClaimedUntil.eq(delivery.claimed_until))
        .exec(db)
        .await?;
    Ok(())
}
