//! `/api/v2/public/linked-account`: the vendor's end customers.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::connections;
use crate::entity::{connection_event::Actor, linked_account};
use crate::http::extract::{ApiJson, ApiKey, LinkedAccount};
use crate::http::{ApiError, AppState, timestamp};
use crate::tenancy::{self, LinkedAccountId, LinkedAccountInput};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/linked-account", post(upsert))
        .route(
            "/v2/public/linked-account/{linked_account_id}",
            get(show).delete(remove),
        )
}

#[derive(Deserialize)]
struct LinkedAccountBody {
    linked_account_id: String,
    name: Option<String>,
    udf: Option<Value>,
}

#[derive(Serialize)]
struct LinkedAccountView {
    linked_account_id: String,
    name: Option<String>,
    udf: Map<String, Value>,
    environment: String,
    created_at: String,
    updated_at: String,
}

impl From<linked_account::Model> for LinkedAccountView {
    fn from(record: linked_account::Model) -> Self {
        Self {
            udf: serde_json::from_str(&record.udf).unwrap_or_default(),
            linked_account_id: record.external_id,
            name: record.name,
            environment: record.environment.as_str().to_owned(),
            created_at: timestamp(record.created_at),
            updated_at: timestamp(record.updated_at),
        }
    }
}

async fn upsert(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<LinkedAccountBody>,
) -> Result<Json<LinkedAccountView>, ApiError> {
    let input = LinkedAccountInput::parse(&body.linked_account_id, body.name.as_deref(), body.udf)?;
    let record = tenancy::upsert_linked_account(
        &state.db,
        &key.org_id,
        key.environment,
        &input,
        state.clock.now(),
    )
    .await?;
    Ok(Json(record.into()))
}

async fn show(LinkedAccount { account, .. }: LinkedAccount) -> Json<LinkedAccountView> {
    Json(account.into())
}

async fn remove(
    State(state): State<AppState>,
    LinkedAccount { key, account }: LinkedAccount,
) -> Result<StatusCode, ApiError> {
    let id = LinkedAccountId::parse(&account.external_id)?;
    // Its tokens are revoked at each provider first, as a disconnect does.
    let mut slugs: Vec<String> = connections::of_linked_account(&state.db, &account.id)
        .await?
        .into_iter()
        .map(|record| record.slug)
        .collect();
    slugs.sort();
    slugs.dedup();
    for slug in &slugs {
        state.disconnect(&account, slug, Actor::Vendor).await?;
    }
    if tenancy::delete_linked_account(&state.db, &key.org_id, key.environment, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("linked account"))
    }
}
