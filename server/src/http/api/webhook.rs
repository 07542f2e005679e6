//! `/api/v2/public/webhook…` (subscriptions, secret rotation, replay) and
//! `/api/v2/public/event` (the event log from a cursor, with each delivery's attempts).

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post, put},
};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::entity::webhook_subscription;
use crate::http::extract::{ApiJson, ApiKey, OptionalJson};
use crate::http::{ApiError, AppState, timestamp};
use crate::input::FieldError;
use crate::tenancy::ApiKeyPrincipal;
use crate::webhooks::{
    log,
    outbox::{self, Replay, Replayed},
    subscriptions::{self, Subscription, events_of},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/webhook", post(create).get(list))
        .route(
            "/v2/public/webhook/{id}",
            put(update).get(show).delete(remove),
        )
        .route("/v2/public/webhook/{id}/rotate-secret", post(rotate))
        .route("/v2/public/webhook/{id}/replay", post(replay))
        .route("/v2/public/event", get(events))
}

#[derive(Deserialize)]
struct SubscriptionBody {
    webhook_url: String,
    webhook_events: Vec<String>,
    #[serde(default = "enabled")]
    is_enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Serialize)]
struct SubscriptionView {
    id: String,
    webhook_url: String,
    webhook_events: Vec<String>,
    is_enabled: bool,
    /// Only in the answer that creates it or rotates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    /// While a rotated secret still signs.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_secret_valid_until: Option<String>,
    created_at: String,
    updated_at: String,
}

impl SubscriptionView {
    fn of(model: &webhook_subscription::Model, secret: Option<String>) -> Self {
        Self {
            id: model.id.clone(),
            webhook_url: model.url.clone(),
            webhook_events: events_of(model),
            is_enabled: model.enabled,
            secret,
            previous_secret_valid_until: model
                .previous_until
                .filter(|until| *until > Utc::now())
                .map(timestamp),
            created_at: timestamp(model.created_at),
            updated_at: timestamp(model.updated_at),
        }
    }
}

fn checked(state: &AppState, body: &SubscriptionBody) -> Result<Subscription, ApiError> {
    Subscription::parse(
        &body.webhook_url,
        &body.webhook_events,
        body.is_enabled,
        state.egress.policy(),
    )
    .map_err(ApiError::Validation)
}

async fn mine(
    state: &AppState,
    key: &ApiKeyPrincipal,
    id: &str,
) -> Result<webhook_subscription::Model, ApiError> {
    subscriptions::find(&state.db, &key.org_id, key.environment, id)
        .await?
        .ok_or(ApiError::NotFound("webhook"))
}

/// `POST /api/v2/public/webhook`: the answer carries the `whsec_` secret, once.
async fn create(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<SubscriptionBody>,
) -> Result<(StatusCode, Json<SubscriptionView>), ApiError> {
    let input = checked(&state, &body)?;
    let (model, secret) = subscriptions::create(
        &state.db,
        &state.vault,
        &key.org_id,
        key.environment,
        &input,
    )
    .await?;
    tracing::info!(webhook = %model.id, "webhook subscription created");
    Ok((
        StatusCode::CREATED,
        Json(SubscriptionView::of(&model, Some(secret.to_string()))),
    ))
}

async fn list(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
) -> Result<Json<Vec<SubscriptionView>>, ApiError> {
    let all = subscriptions::list(&state.db, &key.org_id, key.environment).await?;
    Ok(Json(
        all.iter()
            .map(|model| SubscriptionView::of(model, None))
            .collect(),
    ))
}

async fn show(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, ApiError> {
    Ok(Json(SubscriptionView::of(
        &mine(&state, &key, &id).await?,
        None,
    )))
}

async fn update(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SubscriptionBody>,
) -> Result<Json<SubscriptionView>, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    let input = checked(&state, &body)?;
    let model = subscriptions::update(&state.db, existing, &input).await?;
    Ok(Json(SubscriptionView::of(&model, None)))
}

async fn remove(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    webhook_subscription::Entity::delete_by_id(existing.id)
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v2/public/webhook/{id}/rotate-secret`: a new secret, shown once; the old one
/// keeps signing (a second signature) for 24 hours.
async fn rotate(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    let (model, secret) = subscriptions::rotate_secret(&state.db, &state.vault, existing)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(SubscriptionView::of(&model, Some(secret.to_string()))))
}

#[derive(Deserialize, Default)]
struct ReplayBody {
    /// One event, by its cursor.
    event_id: Option<i64>,
    /// Or every event in a time range (RFC 3339).
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

/// `POST /api/v2/public/webhook/{id}/replay`: queues one event, or a time range, for this
/// subscription again (same `webhook-id` as before).
async fn replay(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ReplayBody>,
) -> Result<Json<Value>, ApiError> {
    let subscription = mine(&state, &key, &id).await?;
    let which = match (body.event_id, body.since) {
        (Some(event_id), _) => Replay::Event(event_id),
        (None, Some(since)) => Replay::Range(since, body.until.unwrap_or_else(Utc::now)),
        (None, None) => {
            return Err(FieldError::new(
                "event_id",
                "give an event_id, or since (and until) as RFC 3339 times",
            )
            .into());
        }
    };
    match outbox::replay(&state.db, &subscription, which).await? {
        Replayed::Queued { queued, pending } => {
            Ok(Json(json!({ "queued": queued, "already_pending": pending })))
        }
        Replayed::UnknownEvent => Err(ApiError::NotFound("event")),
        Replayed::BadRange => Err(FieldError::new(
            "since",
            "a replay covers at most 7 days, ending after it starts: replay a longer time in several calls",
        )
        .into()),
        Replayed::TooMany(found) => Err(FieldError::new(
            "since",
            format!(
                "the range holds {found} events; a replay queues at most {}: choose a shorter range",
                outbox::REPLAY_MOST
            ),
        )
        .into()),
    }
}

#[derive(Deserialize)]
struct Cursor {
    after: Option<String>,
    limit: Option<u64>,
}

/// `GET /api/v2/public/event?after=&limit=`: every event after the cursor, oldest first,
/// delivered or not, each with its deliveries and their attempts; `next` is the cursor to
/// ask with next time.
async fn events(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Query(cursor): Query<Cursor>,
) -> Result<Json<Value>, ApiError> {
    let after = match cursor.after.as_deref() {
        None | Some("") => 0,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                crate::input::FieldError::new("after", "must be a cursor this API returned")
            })?,
    };
    let limit = cursor.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(crate::input::FieldError::new("limit", "must be from 1 to 1000").into());
    }
    let rows = log::after(&state.db, &key.org_id, key.environment, after, limit).await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    // Replays add deliveries and retries add attempts: each list is bounded, newest kept.
    let deliveries = log::latest_deliveries(&state.db, &ids).await?;
    let delivery_ids: Vec<i64> = deliveries.iter().map(|d| d.id).collect();
    let attempts = log::latest_attempts(&state.db, &delivery_ids).await?;
    let vendor_ids = log::external_ids(&state.db, &rows).await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut event = log::payload(row, log::vendor_id(&vendor_ids, row));
        event["cursor"] = json!(row.id.to_string());
        event["deliveries"] = deliveries
            .iter()
            .filter(|delivery| delivery.event_id == row.id)
            .map(|delivery| {
                json!({
                    "webhook": delivery.subscription_id,
                    "webhook_id": delivery.message_id,
                    "state": delivery.state.as_str(),
                    "attempt_count": delivery.attempts,
                    "attempts": attempts
                        .iter()
                        .filter(|attempt| attempt.delivery_id == delivery.id)
                        .map(|attempt| json!({
                            "at": timestamp(attempt.attempted_at),
                            "status": attempt.status,
                            "latency_ms": attempt.latency_ms,
                            "error": attempt.error,
                        }))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        events.push(event);
    }
    let next = rows.last().map_or(after, |row| row.id);
    Ok(Json(json!({ "events": events, "next": next.to_string() })))
}
