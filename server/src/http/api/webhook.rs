//! `/api/v2/public/webhook…`: subscriptions, secret rotation and replay.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::entity::webhook_subscription;
use crate::http::extract::{ApiJson, ApiKey, OptionalJson};
use crate::http::{ApiError, AppState, timestamp};
use crate::input::FieldError;
use crate::tenancy::ApiKeyPrincipal;
use crate::webhooks::{
    outbox::{self, Replay, Replayed},
    subscriptions::{self, Subscription, events_of},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(update, show, remove))
        .routes(routes!(rotate))
        .routes(routes!(replay))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SubscriptionBody {
    /// An https URL at a public address.
    webhook_url: String,
    /// `Connection Created`, `Connection Expired`, `Connection Reconnected`,
    /// `Connection Deleted`, `Connection Expiring`.
    webhook_events: Vec<String>,
    #[serde(default = "enabled")]
    is_enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Serialize, utoipa::ToSchema)]
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
    fn of(model: &webhook_subscription::Model, secret: Option<String>, now: DateTime<Utc>) -> Self {
        Self {
            id: model.id.clone(),
            webhook_url: model.url.clone(),
            webhook_events: events_of(model),
            is_enabled: model.enabled,
            secret,
            previous_secret_valid_until: model
                .previous_until
                .filter(|until| *until > now)
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

/// Subscribe to events
///
/// The answer carries the `whsec_` signing secret, once.
#[utoipa::path(post, path = "/v2/public/webhook", tag = "webhooks",
    request_body = SubscriptionBody,
    responses((status = 201, description = "The subscription, with its secret", body = SubscriptionView),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
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
        state.clock.now(),
    )
    .await?;
    tracing::info!(webhook = %model.id, "webhook subscription created");
    Ok((
        StatusCode::CREATED,
        Json(SubscriptionView::of(
            &model,
            Some(secret.to_string()),
            state.clock.now(),
        )),
    ))
}

/// The subscriptions
#[utoipa::path(get, path = "/v2/public/webhook", tag = "webhooks",
    responses((status = 200, description = "Every subscription of this environment", body = Vec<SubscriptionView>)))]
async fn list(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
) -> Result<Json<Vec<SubscriptionView>>, ApiError> {
    let all = subscriptions::list(&state.db, &key.org_id, key.environment).await?;
    Ok(Json(
        all.iter()
            .map(|model| SubscriptionView::of(model, None, state.clock.now()))
            .collect(),
    ))
}

/// A subscription
#[utoipa::path(get, path = "/v2/public/webhook/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription", body = SubscriptionView),
        (status = 404, description = "Unknown subscription", body = crate::http::error::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, ApiError> {
    Ok(Json(SubscriptionView::of(
        &mine(&state, &key, &id).await?,
        None,
        state.clock.now(),
    )))
}

/// Change a subscription
#[utoipa::path(put, path = "/v2/public/webhook/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The subscription's id")),
    request_body = SubscriptionBody,
    responses((status = 200, description = "The subscription", body = SubscriptionView),
        (status = 404, description = "Unknown subscription", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SubscriptionBody>,
) -> Result<Json<SubscriptionView>, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    let input = checked(&state, &body)?;
    let model = subscriptions::update(&state.db, existing, &input, state.clock.now()).await?;
    Ok(Json(SubscriptionView::of(&model, None, state.clock.now())))
}

/// Delete a subscription
#[utoipa::path(delete, path = "/v2/public/webhook/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown subscription", body = crate::http::error::ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    subscriptions::delete(&state.db, &existing.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate the signing secret
///
/// A new secret, shown once; the old one keeps signing (a second signature) for 24 hours.
#[utoipa::path(post, path = "/v2/public/webhook/{id}/rotate-secret", tag = "webhooks",
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription, with its new secret", body = SubscriptionView),
        (status = 404, description = "Unknown subscription", body = crate::http::error::ErrorBody)))]
async fn rotate(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, ApiError> {
    let existing = mine(&state, &key, &id).await?;
    let (model, secret) =
        subscriptions::rotate_secret(&state.db, &state.vault, existing, state.clock.now())
            .await
            .map_err(ApiError::internal)?;
    Ok(Json(SubscriptionView::of(
        &model,
        Some(secret.to_string()),
        state.clock.now(),
    )))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct ReplayBody {
    /// One event, by its cursor.
    event_id: Option<i64>,
    /// Or every event in a time range (RFC 3339).
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

/// What a replay queued.
#[derive(Serialize, utoipa::ToSchema)]
struct ReplayView {
    /// Deliveries queued again.
    queued: u64,
    /// Deliveries of those events still waiting, left as they are.
    already_pending: u64,
}

/// Send events again
///
/// Queues one event, or a time range (at most 7 days), for this subscription again, with the
/// same `webhook-id` as before.
#[utoipa::path(post, path = "/v2/public/webhook/{id}/replay", tag = "webhooks",
    params(("id" = String, Path, description = "The subscription's id")),
    request_body = ReplayBody,
    responses((status = 200, description = "What was queued", body = ReplayView),
        (status = 404, description = "Unknown subscription or event", body = crate::http::error::ErrorBody),
        (status = 422, description = "Neither an event nor a valid range", body = crate::http::error::ErrorBody)))]
async fn replay(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ReplayBody>,
) -> Result<Json<ReplayView>, ApiError> {
    let subscription = mine(&state, &key, &id).await?;
    let now = state.clock.now();
    let which = match (body.event_id, body.since) {
        (Some(event_id), _) => Replay::Event(event_id),
        (None, Some(since)) => Replay::Range(since, body.until.unwrap_or(now)),
        (None, None) => {
            return Err(FieldError::new(
                "event_id",
                "give an event_id, or since (and until) as RFC 3339 times",
            )
            .into());
        }
    };
    match outbox::replay(&state.db, &subscription, which, now).await? {
        Replayed::Queued { queued, pending } => {
            Ok(Json(ReplayView {
                queued,
                already_pending: pending,
            }))
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
