//! Delivery: a worker claims due outbox rows (safe with several replicas), signs each, sends
//! it through the egress policy, records the attempt, and schedules the next one.
//!
//! Delivery is at least once: a replica that dies after sending but before recording sends
//! again, with the same `webhook-id`, once its claim lapses.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    Statement, sea_query::Expr,
};

use super::log::{external_ids, payload, vendor_id};
use super::sign::sign;
use super::subscriptions::signing_secrets;
use tracing::Instrument;
use zeroize::Zeroizing;

use crate::entity::{
    connection_event, webhook_attempt, webhook_delivery, webhook_delivery::State,
    webhook_subscription,
};
use crate::services::Services;

/// The retry schedule of Standard Webhooks: after each failed attempt, wait this long (about
/// 27 hours in all), then give up.
pub const SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];
/// How long a worker holds a claimed delivery: longer than a delivery may take (the egress
/// client gives up after 15 s).
const CLAIM: Duration = Duration::seconds(30);
/// Deliveries in flight at once in this process, every receiver together: a delivery waiting
/// on a slow receiver costs a socket and a task, so there is room for many receivers to hang
/// at once before the others wait.
const IN_FLIGHT: usize = 256;
/// Outcomes written in one transaction at most: one writer records what the sends came to,
/// in batches, so the worker holds one connection of the pool and commits once per batch.
const RECORD_BATCH: usize = 64;
/// Deliveries in flight at once to one receiver, counted across replicas: a receiver that
/// hangs holds this many, and the others' flow on.
const PER_SUBSCRIPTION: i64 = 16;
/// Failed attempts in a row to a receiver after which its breaker opens: its deliveries wait,
/// then one is tried; a success closes the breaker.
const BREAKER_AFTER: i32 = 5;
/// How long an open breaker pauses a receiver, doubling each time it opens again.
const PAUSE_FIRST: Duration = Duration::seconds(30);
const PAUSE_MOST: Duration = Duration::minutes(10);
/// How many free places make a finished delivery worth claiming more for, before the tick.
const REFILL: usize = IN_FLIGHT / 4;

/// The delivery loop: claims what is due, fairly across receivers, as places free up, and
/// never waits for one receiver before sending to another.
pub async fn run(services: Services) {
    let every = services.webhooks.every;
    let places = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let finished = Arc::new(tokio::sync::Notify::new());
    let (outcomes, recorded) = tokio::sync::mpsc::channel(IN_FLIGHT);
    tokio::spawn(record_outcomes(
        services.clone(),
        recorded,
        finished.clone(),
    ));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        let free = places.available_permits();
        if free > 0 {
            match dispatch(&services, &places, &outcomes, free).await {
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

/// Claims up to `room` due deliveries and starts sending each; returns how many.
async fn dispatch(
    services: &Services,
    places: &Arc<tokio::sync::Semaphore>,
    outcomes: &tokio::sync::mpsc::Sender<Outcome>,
    room: usize,
) -> Result<usize, DbErr> {
    let claimed = claim(&services.db, room as u64).await?;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    let context = Arc::new(Context::load(services, &claimed).await?);
    for delivery in claimed {
        let place = places
            .clone()
            .try_acquire_owned()
            .expect("claimed no more than there was room for");
        let (services, context, outcomes) = (services.clone(), context.clone(), outcomes.clone());
        tokio::spawn(async move {
            let outcome = try_execute_task(&services, &context, delivery).await;
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
struct Outcome {
    outcome: Option<(
        webhook_delivery::Model,
        webhook_subscription::Model,
        Attempted,
    )>,
    _place: tokio::sync::OwnedSemaphorePermit,
}

/// Writes what the sends came to, as many as are waiting (up to [`RECORD_BATCH`]) in one
/// transaction. A batch that cannot be written is sent again once its claims lapse.
async fn record_outcomes(
    services: Services,
    mut waiting: tokio::sync::mpsc::Receiver<Outcome>,
    finished: Arc<tokio::sync::Notify>,
) {
    let mut batch = Vec::with_capacity(RECORD_BATCH);
    while waiting.recv_many(&mut batch, RECORD_BATCH).await > 0 {
        let written = async {
            let txn = crate::db::begin_write(&services.db).await?;
            for Outcome { outcome, .. } in &batch {
                if let Some((delivery, subscription, attempted)) = outcome {
                    let span = tracing::info_span!(
                        "record",
                        delivery = delivery.id,
                        event = delivery.event_id,
                        webhook_id = %delivery.message_id
                    );
                    record(&services, &txn, subscription, delivery, attempted)
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
    async fn load(services: &Services, batch: &[webhook_delivery::Model]) -> Result<Self, DbErr> {
        let db = &services.db;
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
            let keys = signing_secrets(&services.vault, &subscription)
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

/// Claims due deliveries and answers the claimed rows. Receivers take turns: each one's
/// oldest due delivery first, then each one's second, and so on; a receiver with
/// [`PER_SUBSCRIPTION`] deliveries in flight gets no more, one whose breaker is open gets none
/// until its pause ends, and then one at a time until a delivery succeeds.
///
/// The turns are read first, without holding SQLite's write lock; the update then takes each
/// row only while it is still unclaimed (PostgreSQL re-checks the condition on a row another
/// replica held), so replicas that read the same turns never claim a delivery twice.
async fn claim(
    db: &impl ConnectionTrait,
    batch: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let now = Utc::now();
    let backend = db.get_database_backend();
    // `{n}` stands for the n-th value; each backend numbers its parameters its own way.
    let turns = numbered(
        backend,
        "SELECT id FROM (\
           SELECT d.id, \
             ROW_NUMBER() OVER (PARTITION BY d.subscription_id \
               ORDER BY d.next_attempt_at, d.id) AS turn, \
             CASE WHEN COALESCE(s.failures, 0) >= {2} THEN 1 ELSE {3} END AS room, \
             COALESCE(busy.sending, 0) AS busy \
           FROM webhook_delivery d \
           LEFT JOIN webhook_subscription s ON s.id = d.subscription_id \
           LEFT JOIN (SELECT subscription_id, COUNT(*) AS sending FROM webhook_delivery \
             WHERE state = 'pending' AND claimed_until > {1} \
             GROUP BY subscription_id) busy ON busy.subscription_id = d.subscription_id \
           WHERE d.state = 'pending' AND d.next_attempt_at <= {1} \
             AND (d.claimed_until IS NULL OR d.claimed_until <= {1}) \
             AND (s.paused_until IS NULL OR s.paused_until <= {1})\
         ) ranked \
         WHERE ranked.turn + ranked.busy <= ranked.room \
         ORDER BY ranked.turn, ranked.id \
         LIMIT {4}",
    );
    let ids: Vec<i64> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            turns,
            [
                now.into(),
                BREAKER_AFTER.into(),
                PER_SUBSCRIPTION.into(),
                (batch as i64).into(),
            ],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids are numbers the database just answered, written into the statement as such.
    let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
    let take = numbered(
        backend,
        &format!(
            "UPDATE webhook_delivery SET claimed_until = {{1}}, attempts = attempts + 1 \
             WHERE id IN ({}) AND state = 'pending' \
             AND (claimed_until IS NULL OR claimed_until <= {{2}}) RETURNING *",
            listed.join(",")
        ),
    );
    webhook_delivery::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            take,
            [(now + CLAIM).into(), now.into()],
        ))
        .all(db)
        .await
}

/// `sql` with each `{n}` written as the backend's n-th parameter.
fn numbered(backend: DbBackend, sql: &str) -> String {
    let mut sql = sql.to_owned();
    for n in 1..=9 {
        let placeholder = match backend {
            DbBackend::Postgres => format!("${n}"),
            _ => format!("?{n}"),
        };
        sql = sql.replace(&format!("{{{n}}}"), &placeholder);
    }
    sql
}

/// Counts an attempt against the receiver's breaker: a success closes it, a failure counts,
/// and past [`BREAKER_AFTER`] failures in a row pauses the receiver (longer each time).
async fn count_for_breaker(
    services: &Services,
    db: &impl ConnectionTrait,
    subscription: &webhook_subscription::Model,
    succeeded: bool,
) -> Result<(), DbErr> {
    if succeeded {
        if subscription.failures > 0 {
            webhook_subscription::Entity::update_many()
                .col_expr(webhook_subscription::Column::Failures, Expr::value(0))
                .col_expr(
                    webhook_subscription::Column::PausedUntil,
                    Expr::value(None::<DateTime<Utc>>),
                )
                .filter(webhook_subscription::Column::Id.eq(&subscription.id))
                .exec(db)
                .await?;
        }
        return Ok(());
    }
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let counted = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE webhook_subscription SET failures = failures + 1 \
                 WHERE id = {placeholder} RETURNING failures"
            ),
            [subscription.id.clone().into()],
        ))
        .await?;
    let failures: i32 = match counted {
        Some(row) => row.try_get("", "failures")?,
        None => return Ok(()),
    };
    if failures < BREAKER_AFTER {
        return Ok(());
    }
    let doublings = (failures - BREAKER_AFTER).clamp(0, 10) as u32;
    // The retry schedule's scale (for trying things out) scales the pause too.
    let pause = scaled(
        services,
        (PAUSE_FIRST * 2i32.pow(doublings)).min(PAUSE_MOST),
    );
    tracing::warn!(webhook = %subscription.id, failures, pause = %pause, "a receiver keeps failing; its deliveries wait");
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::PausedUntil,
            Expr::value(Utc::now() + pause),
        )
        .filter(webhook_subscription::Column::Id.eq(&subscription.id))
        .exec(db)
        .await?;
    Ok(())
}

/// What one attempt came to.
#[derive(Debug)]
struct Attempted {
    status: Option<u16>,
    latency: StdDuration,
    error: Option<String>,
    retry_after: Option<Duration>,
}

#[tracing::instrument(skip_all, fields(delivery = delivery.id, event = delivery.event_id, webhook_id = %delivery.message_id))]
async fn try_execute_task(
    services: &Services,
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
        if let Err(error) = release(&services.db, &delivery, Next::End(State::Disabled), None).await
        {
            tracing::warn!(%error, "a webhook delivery failed to record");
        }
        return None;
    };
    let body = payload(event, linked_account_id).to_string();
    let attempted = send(services, subscription, keys, &delivery, &body).await;
    Some((delivery, subscription.clone(), attempted))
}

/// Writes what one attempt came to: the attempt, the receiver's breaker, and what becomes of
/// the delivery.
async fn record(
    services: &Services,
    db: &impl ConnectionTrait,
    subscription: &webhook_subscription::Model,
    delivery: &webhook_delivery::Model,
    attempted: &Attempted,
) -> Result<(), DbErr> {
    webhook_attempt::Entity::insert(webhook_attempt::ActiveModel {
        delivery_id: Set(delivery.id),
        attempted_at: Set(Utc::now()),
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
    count_for_breaker(services, db, subscription, succeeded).await?;
    match attempted.status {
        Some(status) if (200..300).contains(&status) => {
            tracing::info!(status, "webhook delivered");
            release(db, delivery, Next::End(State::Delivered), Some(attempted)).await
        }
        Some(410) => {
            tracing::info!("webhook receiver answered 410 Gone; its subscription is turned off");
            webhook_subscription::Entity::update_many()
                .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
                .col_expr(
                    webhook_subscription::Column::UpdatedAt,
                    Expr::value(Utc::now()),
                )
                .filter(webhook_subscription::Column::Id.eq(&subscription.id))
                .exec(db)
                .await?;
            release(db, delivery, Next::End(State::Disabled), Some(attempted)).await
        }
        _ => {
            let next = next_attempt(services, delivery.attempts, attempted.retry_after);
            match next {
                Some(at) => {
                    tracing::info!(status = ?attempted.status, error = ?attempted.error, next = %at, "webhook not delivered; will retry");
                    release(db, delivery, Next::RetryAt(at), Some(attempted)).await
                }
                None => {
                    tracing::warn!(status = ?attempted.status, "webhook given up after its last attempt");
                    release(db, delivery, Next::End(State::Dead), Some(attempted)).await
                }
            }
        }
    }
}

/// Sends one signed delivery.
async fn send(
    services: &Services,
    subscription: &webhook_subscription::Model,
    keys: &[Zeroizing<Vec<u8>>],
    delivery: &webhook_delivery::Model,
    body: &str,
) -> Attempted {
    let started = Instant::now();
    let failed = |error: String| Attempted {
        status: None,
        latency: started.elapsed(),
        error: Some(error),
        retry_after: None,
    };
    // The policy can be stricter now than when the subscription was made.
    let url = match allowed_url(services, &subscription.url) {
        Ok(url) => url,
        Err(why) => return failed(why),
    };
    if keys.is_empty() {
        return failed("cannot open the signing secret".into());
    }
    let signed = sign(&delivery.message_id, Utc::now().timestamp(), body, keys);
    let sent = post_signed(services, url, &signed, body).await;
    match sent {
        Ok(answer) => Attempted {
            status: Some(answer.status.as_u16()),
            latency: started.elapsed(),
            error: None,
            retry_after: answer
                .headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<i64>().ok())
                .map(|seconds| Duration::seconds(seconds.clamp(0, 24 * 3600))),
        },
        Err(error) => failed(error.to_string()),
    }
}

/// A receiver's URL, if it parses and the egress policy allows it now; otherwise why not.
fn allowed_url(services: &Services, url: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(url).map_err(|_| "the receiver's URL is not valid".to_owned())?;
    services
        .egress
        .policy()
        .check_url(&url)
        .map_err(|why| format!("{}: the URL {why}", crate::egress::OUTBOUND_REFUSAL))?;
    Ok(url)
}

/// POSTs a signed message through the egress client.
async fn post_signed(
    services: &Services,
    url: url::Url,
    signed: &super::sign::Signed,
    body: &str,
) -> Result<crate::egress::Answer, crate::egress::EgressError> {
    let request = services
        .egress
        .client()
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "Portico-Webhooks/1")
        .header("webhook-id", &signed.id)
        .header("webhook-timestamp", signed.timestamp.to_string())
        .header("webhook-signature", &signed.signature)
        .body(body.to_owned())
        .build();
    match request {
        Ok(request) => services.egress.execute(request).await,
        Err(error) => Err(crate::egress::EgressError::Request(error.without_url())),
    }
}

/// Sends an already signed message and says what came back, for `portico webhook test`.
pub async fn send_signed(
    services: &Services,
    url: &str,
    signed: &super::sign::Signed,
    body: &str,
) -> String {
    let url = match allowed_url(services, url) {
        Ok(url) => url,
        Err(why) => return format!("nothing: {why}"),
    };
    let sent = post_signed(services, url, signed, body).await;
    match sent {
        Ok(answer) => format!("HTTP {}", answer.status),
        Err(error) => format!("nothing: {error}"),
    }
}

/// When to try again after `attempts` attempts, or `None` when the schedule is spent.
fn next_attempt(
    services: &Services,
    attempts: i32,
    retry_after: Option<Duration>,
) -> Option<DateTime<Utc>> {
    let index = usize::try_from(attempts.max(1) - 1).ok()?;
    let scaled = scaled(services, *SCHEDULE.get(index)?);
    let jitter_ms = scaled.num_milliseconds() / 10;
    let jitter = if jitter_ms > 0 {
        rand::rng().random_range(0..=jitter_ms)
    } else {
        0
    };
    let wait = (scaled + Duration::milliseconds(jitter)).max(retry_after.unwrap_or_default());
    Some(Utc::now() + wait)
}

/// A wait of the schedule, times its scale.
fn scaled(services: &Services, wait: Duration) -> Duration {
    Duration::milliseconds(
        (wait.num_milliseconds() as f64 * services.webhooks.schedule_scale) as i64,
    )
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
) -> Result<(), DbErr> {
    let mut update = webhook_delivery::Entity::update_many().col_expr(
        webhook_delivery::Column::ClaimedUntil,
        Expr::value(None::<DateTime<Utc>>),
    );
    update = match next {
        Next::End(state) => {
            let update = update.col_expr(webhook_delivery::Column::State, Expr::value(state));
            if state == State::Delivered {
                update.col_expr(
                    webhook_delivery::Column::DeliveredAt,
                    Expr::value(Utc::now()),
                )
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
