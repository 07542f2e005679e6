//! `POST /hooks/{slug}`: events from providers. Answers quickly, as providers expect; a
//! signature that does not verify gets 401 and changes nothing.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::AppState;
use crate::hooks::{self, HookError, Receipt, SIGNATURE_HEADER, TIMESTAMP_HEADER};

pub(super) async fn receive(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (timestamp, signature) = (header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER));
    match hooks::receive(&state.services, &slug, &timestamp, &signature, &body).await {
        Ok(Receipt::Challenge(challenge)) => {
            Json(json!({ "challenge": challenge })).into_response()
        }
        Ok(Receipt::Flagged(count)) => {
            Json(json!({ "ok": true, "flagged": count })).into_response()
        }
        Ok(Receipt::Ignored) => Json(json!({ "ok": true })).into_response(),
        Err(HookError::BadSignature) => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "ok": false, "error": "invalid_signature" })),
        )
            .into_response(),
        Err(HookError::Malformed) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "ok": false, "error": "malformed_event" })),
        )
            .into_response(),
        Err(HookError::Db(error)) => super::ApiError::Database(error).into_response(),
    }
}
