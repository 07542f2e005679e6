//! `GET /api/v2/public/event`: the event log from a cursor, with each delivery's attempts.

use axum::{
    Json, Router,
    extract::{Query, State},
    routing::get,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::extract::ApiKey;
use crate::http::{ApiError, AppState, timestamp};
use crate::input::FieldError;
use crate::webhooks::log;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/v2/public/event", get(events))
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
            .ok_or_else(|| FieldError::new("after", "must be a cursor this API returned"))?,
    };
    let limit = cursor.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(FieldError::new("limit", "must be from 1 to 1000").into());
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
