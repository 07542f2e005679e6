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
/// Deliveries claimed per pass, and sent at once.
const BATCH: u64 = 64;

pub async fn run(services: Services) {
    let every = services.webhooks.every;
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        ticks.tick().await;
        // A full batch means more are waiting: keep going until the outbox is drained.
        loop {
            match deliver_due(&services).await {
                Ok(count) if count as u64 == BATCH => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "webhook delivery pass failed");
                    break;
                }
            }
        }
    }
}

/// One pass: claims up to a batch of due deliveries and sends them. Returns how many.
pub async fn deliver_due(services: &Services) -> Result<usize, DbErr> {
    let claimed = claim(&services.db, BATCH).await?;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    let context = Arc::new(Context::load(services, &claimed).await?);
    let mut tasks = tokio::task::JoinSet::new();
    for delivery in claimed {
        let (services, context) = (services.clone(), context.clone());
        tasks.spawn(async move { try_execute_task(&services, &context, delivery).await });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "webhook delivery failed to record"),
            Err(error) => tracing::error!(%error, "a webhook delivery task panicked"),
        }
    }
    Ok(count)
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

/// Claims due deliveries in one statement, which answers the claimed rows: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
/// replicas never claim the same row; on SQLite the statement itself is the only writer.
async fn claim(
    db: &impl ConnectionTrait,
    batch: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let now = Utc::now();
    let until = now + CLAIM;
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE webhook_delivery SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM webhook_delivery WHERE state = 'pending' \
             AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) \
             ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *"
        }
        _ => {
            "UPDATE webhook_delivery SET claimed_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM webhook_delivery WHERE state = 'pending' \
             AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) \
             ORDER BY id LIMIT ?) RETURNING *"
        }
    };
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![until.into(), now.into(), (batch as i64).into()],
        _ => vec![until.into(), now.into(), now.into(), (batch as i64).into()],
    };
    webhook_delivery::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await
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
) -> Result<(), DbErr> {
    let db = &services.db;
    let (Some((subscription, keys)), Some((event, linked_account_id))) = (
        context.subscriptions.get(&delivery.subscription_id),
        context.events.get(&delivery.event_id),
    ) else {
        // The subscription was deleted or turned off meanwhile.
        return release(db, &delivery, Next::End(State::Disabled), None).await;
    };
    let body = payload(event, linked_account_id).to_string();
    let attempted = send(services, subscription, keys, &delivery, &body).await;
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
    match attempted.status {
        Some(status) if (200..300).contains(&status) => {
            tracing::info!(status, "webhook delivered");
            release(db, &delivery, Next::End(State::Delivered), Some(&attempted)).await
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
            release(db, &delivery, Next::End(State::Disabled), Some(&attempted)).await
        }
        _ => {
            let next = next_attempt(services, delivery.attempts, attempted.retry_after);
            match next {
                Some(at) => {
                    tracing::info!(status = ?attempted.status, error = ?attempted.error, next = %at, "webhook not delivered; will retry");
                    release(db, &delivery, Next::RetryAt(at), Some(&attempted)).await
                }
                None => {
                    tracing::warn!(status = ?attempted.status, "webhook given up after its last attempt");
                    release(db, &delivery, Next::End(State::Dead), Some(&attempted)).await
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
    let wait = *SCHEDULE.get(index)?;
    let scaled = Duration::milliseconds(
        (wait.num_milliseconds() as f64 * services.webhooks.schedule_scale) as i64,
    );
    let jitter_ms = scaled.num_milliseconds() / 10;
    let jitter = if jitter_ms > 0 {
        rand::rng().random_range(0..=jitter_ms)
    } else {
        0
    };
    let wait = (scaled + Duration::milliseconds(jitter)).max(retry_after.unwrap_or_default());
    Some(Utc::now() + wait)
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
