//! Liveness and readiness probes.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::AppState;

/// `/health`: the process answers.
pub(super) async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// How long `/ready` waits for the database before saying it is unavailable.
const READY_WITHIN: Duration = Duration::from_millis(800);

/// `/ready`: the database answers too, within a second.
pub(super) async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let ping = tokio::time::timeout(READY_WITHIN, state.db.execute_unprepared("SELECT 1")).await;
    match ping {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        outcome => {
            match outcome {
                Ok(Err(error)) => tracing::warn!(%error, "readiness check failed"),
                _ => tracing::warn!("readiness check timed out"),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
            )
        }
    }
}
