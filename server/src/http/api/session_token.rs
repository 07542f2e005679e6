//! `/api/v2/public/session-token`: a token the vendor's front end calls the SDK routes with,
//! and revoking any token or hosted link at once.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, post},
};
use serde::{Deserialize, Serialize};

use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState, timestamp};
use crate::sessions::{self, Issue, Purpose};
use crate::tenancy::LinkedAccountInput;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/session-token", post(create))
        .route("/v2/public/session-token/{id}", delete(revoke))
}

#[derive(Deserialize)]
struct SessionTokenBody {
    linked_account_id: String,
    name: Option<String>,
}

#[derive(Serialize)]
struct TokenView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes it by.
    id: String,
    token: String,
    expires_at: String,
}

async fn create(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<SessionTokenBody>,
) -> Result<Json<TokenView>, ApiError> {
    let input = LinkedAccountInput::parse(&body.linked_account_id, body.name.as_deref(), None)?;
    let issued = sessions::issue_for(
        &state.db,
        &key.org_id,
        key.environment,
        &input,
        &Issue::plain(Purpose::Session, sessions::DEFAULT_TTL),
        state.clock.now(),
    )
    .await?;
    Ok(Json(TokenView {
        id: issued.id,
        token: issued.token,
        expires_at: timestamp(issued.expires_at),
    }))
}

/// `DELETE /api/v2/public/session-token/{id}`: a session token or hosted link stops working at
/// once, and so does every page opened with it.
async fn revoke(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() > 64 || !sessions::revoke(&state.db, &key.org_id, key.environment, &id).await? {
        return Err(ApiError::NotFound("token"));
    }
    Ok(StatusCode::NO_CONTENT)
}
