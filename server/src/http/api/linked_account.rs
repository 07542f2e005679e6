//! `/api/v2/public/linked-account`: the vendor's end customers.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::connections;
use crate::entity::{connection_event::Actor, linked_account};
use crate::http::extract::{ApiJson, ApiKey, LinkedAccount};
use crate::http::{ApiError, AppState, timestamp};
use crate::tenancy::{self, LinkedAccountId, LinkedAccountInput};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upsert))
        .routes(routes!(show, remove))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LinkedAccountBody {
    linked_account_id: String,
    name: Option<String>,
    /// Any JSON object the vendor keeps with the customer.
    #[schema(value_type = Option<Object>)]
    udf: Option<Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct LinkedAccountView {
    linked_account_id: String,
    name: Option<String>,
    #[schema(value_type = Object)]
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

/// Create or update a linked account
#[utoipa::path(post, path = "/v2/public/linked-account", tag = "linked accounts",
    request_body = LinkedAccountBody,
    responses((status = 200, description = "The linked account", body = LinkedAccountView),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
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

/// A linked account
#[utoipa::path(get, path = "/v2/public/linked-account/{linked_account_id}", tag = "linked accounts",
    params(("linked_account_id" = String, Path, description = "The vendor's id of the end customer")),
    responses((status = 200, description = "The linked account", body = LinkedAccountView),
        (status = 404, description = "Unknown linked account", body = crate::http::error::ErrorBody)))]
async fn show(LinkedAccount { account, .. }: LinkedAccount) -> Json<LinkedAccountView> {
    Json(account.into())
}

/// Delete a linked account and its connections
///
/// Each connection's tokens are revoked at its provider first, as a disconnect does.
#[utoipa::path(delete, path = "/v2/public/linked-account/{linked_account_id}", tag = "linked accounts",
    params(("linked_account_id" = String, Path, description = "The vendor's id of the end customer")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown linked account", body = crate::http::error::ErrorBody)))]
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
