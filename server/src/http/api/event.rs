//! `GET /api/v2/public/event`: the event log from a cursor, with each delivery's attempts.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::entity::connection_event;
use crate::http::extract::ApiKey;
use crate::http::{ApiError, AppState, timestamp};
use crate::input::FieldError;
use crate::webhooks::log;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Cursor {
    /// The `next` of the previous page; empty for the start.
    after: Option<String>,
    /// At most this many events (default 100, at most 1000).
    limit: Option<u64>,
}

/// `GET /api/v2/public/event?after=&limit=`: every event after the cursor, oldest first,
/// delivered or not, each with its deliveries and their attempts; `next` is the cursor to
/// ask with next time.
#[utoipa::path(get, path = "/v2/public/event", tag = "webhooks",
    summary = "The event log from a cursor",
    description = "Every event after the cursor, oldest first, delivered or not, each with its deliveries and their attempts; `next` is the cursor to ask with next time.",
    params(Cursor),
    responses((status = 200, description = "`{events: [...], next}`", body = serde_json::Value),
        (status = 422, description = "A bad cursor or limit", body = crate::http::error::ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Query(cursor): Query<Cursor>,
) -> Result<Json<Value>, ApiError> {
    let (after, limit) = cursor.checked()?;
    let page = log::page(&state.db, &key.org_id, key.environment, after, limit).await?;
    let events: Vec<Value> = page
        .events
        .iter()
        .map(|row| event_view(&page, row))
        .collect();
    let next = page.events.last().map_or(after, |row| row.id);
    Ok(Json(json!({ "events": events, "next": next.to_string() })))
}

impl Cursor {
    /// Where to read from (0: the start) and how many at most.
    fn checked(&self) -> Result<(i64, u64), FieldError> {
        let after = match self.after.as_deref() {
            None | Some("") => 0,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| FieldError::new("after", "must be a cursor this API returned"))?,
        };
        let limit = self.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(FieldError::new("limit", "must be from 1 to 1000"));
        }
        Ok((after, limit))
    }
}

/// One event as the log shows it: the webhook payload, its cursor, and its deliveries with
/// their attempts.
fn event_view(page: &log::Page, row: &connection_event::Model) -> Value {
    let mut event = log::payload(row, log::vendor_id(&page.vendor_ids, row));
    event["cursor"] = json!(row.id.to_string());
    event["deliveries"] = page
        .deliveries
        .iter()
        .filter(|delivery| delivery.event_id == row.id)
        .map(|delivery| {
            json!({
                "webhook": delivery.subscription_id,
                "webhook_id": delivery.message_id,
                "state": delivery.state.as_str(),
                "attempt_count": delivery.attempts,
                "attempts": page
                    .attempts
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
    event
}
