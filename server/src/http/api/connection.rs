//! `/api/v2/public/connection/…`: a connection's current credentials, a vendor's report that
//! they stopped working, the expiry a vendor sets, and the connection's audit trail. The
//! use-cases are in `connections::{read, check, expiry}`; these only parse and shape.

use axum::{
    Json,
    extract::{Path, Query, State},
};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::connections::{
    Status,
    check::{self, Checked},
    credentials::Credentials,
    events, expiry,
    read::{self, Read},
};
use crate::entity::connection;
use crate::http::extract::{ApiJson, ApiKey, LinkedAccount, LinkedAccountHeader};
use crate::http::{ApiError, AppState, timestamp};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credentials))
        .routes(routes!(auth_failure))
        .routes(routes!(events))
        .routes(routes!(set_expiry))
}

/// Which connection of an app, when a linked account has several.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Which {
    /// The connection's identifier (the account's name at the provider), when the customer
    /// has several connections of the app.
    identifier: Option<String>,
}

/// A connection's credentials, now
///
/// What the vendor authenticates to the provider with: for OAuth2 `access_token`,
/// `token_type`, `scopes` and `expires_at` (an access token about to expire is refreshed
/// first); for a key-based app its `fields`. A flagged connection answers 409 with its reason
/// without calling the provider.
#[utoipa::path(get, path = "/v2/public/connection/{key}/credentials", tag = "connections",
    params(("linked_account_id" = String, Header, description = "The vendor's id of the end customer"), ("key" = String, Path, description = "The app's slug"), Which),
    responses((status = 200, description = "`{connection_id, slug, identifier, account_id, auth_type, …}`", body = serde_json::Value),
        (status = 404, description = "No such connection", body = crate::http::error::ErrorBody),
        (status = 409, description = "`reauth_required`, with `reauth_reason`, `reauth_action` and `retryable`", body = crate::http::error::ErrorBody),
        (status = 503, description = "The provider or the database is unavailable; try after `Retry-After`", body = crate::http::error::ErrorBody)))]
async fn credentials(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    LinkedAccountHeader(id): LinkedAccountHeader,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<Value>, ApiError> {
    let read = read::credentials_named(
        &state.connections(),
        &state.services,
        (&key.org_id, key.environment),
        &id,
        &slug,
        which.identifier.as_deref(),
    )
    .await?;
    Ok(Json(credentials_view(read)))
}

fn credentials_view(
    Read {
        record,
        credentials,
    }: Read,
) -> Value {
    let mut body = json!({
        "connection_id": record.id,
        "slug": record.slug,
        "identifier": record.identifier,
        "account_id": record.account_id,
    });
    match credentials {
        Credentials::OAuth2(tokens) => {
            body["auth_type"] = json!("oauth2");
            body["access_token"] = json!(tokens.access_token.as_str());
            body["token_type"] = json!(tokens.token_type);
            body["scopes"] = json!(tokens.scopes);
            body["expires_at"] = json!(record.access_expires_at.map(timestamp));
        }
        Credentials::Fields { fields } => {
            body["auth_type"] = json!("keybased");
            let fields: Map<String, Value> = fields
                .0
                .iter()
                .map(|(name, value)| (name.clone(), json!(value.as_str())))
                .collect();
            body["fields"] = Value::Object(fields);
        }
    }
    body
}

#[derive(Serialize, utoipa::ToSchema)]
struct CheckView {
    connection_id: String,
    /// `active` or `reauth_required`.
    #[schema(value_type = String)]
    status: &'static str,
    #[schema(value_type = Option<String>)]
    reauth_reason: Option<&'static str>,
    /// What Portico did to check.
    #[schema(value_type = String)]
    checked: &'static str,
}

/// Report credentials the provider refused
///
/// The vendor saw the provider refuse these credentials (a 401). Portico checks before
/// believing it: a key-based app's verification request is run again, an OAuth2 connection is
/// refreshed; only a refusal flags the connection.
#[utoipa::path(post, path = "/v2/public/connection/{key}/auth-failure", tag = "connections",
    params(("linked_account_id" = String, Header, description = "The vendor's id of the end customer"), ("key" = String, Path, description = "The app's slug"), Which),
    responses((status = 200, description = "What the check found", body = CheckView),
        (status = 404, description = "No such connection", body = crate::http::error::ErrorBody),
        (status = 503, description = "The provider could not be reached to check", body = crate::http::error::ErrorBody)))]
async fn auth_failure(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<CheckView>, ApiError> {
    let record = read::pick(&state.db, &account, &slug, which.identifier.as_deref()).await?;
    let app = state.enabled_app(&account, &slug).await?;
    let ctx = state.connections();
    let (checked, record) = check::reported(&ctx, &state.services, &account, &record, &app).await?;
    let said = match checked {
        Checked::Unreachable(retry_at) => {
            let message = format!("{} could not be reached to check", app.name);
            return Err(match retry_at {
                Some(wait) => ApiError::backing_off(message, wait),
                None => ApiError::Unavailable(message),
            });
        }
        Checked::AlreadyFlagged => "nothing: the connection was already flagged",
        Checked::NotRefreshable => "nothing: the connection has no refresh token",
        _ if app.oauth.is_some() => "a token refresh",
        Checked::Valid => "the app's verification request: the credentials work",
        Checked::Refused => "the app's verification request: the provider refused the credentials",
        Checked::TakenAsIs | Checked::Unchecked => {
            "nothing: the app has no verification request, so the report is taken as is"
        }
    };
    Ok(Json(check_view(&record, said)))
}

fn check_view(record: &connection::Model, checked: &'static str) -> CheckView {
    let (status, reason) = match Status::of(record) {
        Status::Active => ("active", None),
        Status::ReauthRequired(reason) => ("reauth_required", Some(reason.as_str())),
    };
    CheckView {
        connection_id: record.id.clone(),
        status,
        reauth_reason: reason,
        checked,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct EventView {
    id: i64,
    connection_id: String,
    slug: String,
    identifier: Option<String>,
    /// `created`, `reconnected`, `flagged`, `refreshed`, `deleted`, …
    #[schema(value_type = String)]
    kind: &'static str,
    #[schema(value_type = Option<String>)]
    reason: Option<&'static str>,
    /// Who did it: `end_customer`, `vendor`, `portico`, `provider`, …
    #[schema(value_type = String)]
    actor: &'static str,
    detail: Option<String>,
    created_at: String,
}

/// A connection's audit trail.
#[derive(Serialize, utoipa::ToSchema)]
struct TrailView {
    events: Vec<EventView>,
}

/// A connection's audit trail
///
/// Every transition of one of the org's connections in this environment, oldest first; kept
/// after the connection is deleted.
#[utoipa::path(get, path = "/v2/public/connection/{key}/events", tag = "connections",
    params(("key" = String, Path, description = "The connection's id")),
    responses((status = 200, description = "The trail", body = TrailView),
        (status = 404, description = "No such connection", body = crate::http::error::ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(connection_id): Path<String>,
) -> Result<Json<TrailView>, ApiError> {
    let rows = events::trail(&state.db, &key.org_id, key.environment, &connection_id).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound("connection"));
    }
    let events: Vec<EventView> = rows
        .into_iter()
        .map(|row| EventView {
            id: row.id,
            connection_id: row.connection_id,
            slug: row.slug,
            identifier: row.identifier,
            kind: row.kind.as_str(),
            reason: row.reason.map(connection::Reason::as_str),
            actor: row.actor.as_str(),
            detail: row.detail,
            created_at: timestamp(row.created_at),
        })
        .collect();
    Ok(Json(TrailView { events }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ExpiryBody {
    /// When the key stops working (RFC 3339), or `null` when it does not expire.
    credentials_expire_at: Option<chrono::DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ExpiryView {
    connection_id: String,
    credentials_expire_at: Option<String>,
}

/// When a key stops working
///
/// The vendor says when a key-based connection's credentials stop working. Portico sends
/// `Connection Expiring` ahead of it, shows it on the card, and flags `credentials_expired`
/// once it passes.
#[utoipa::path(put, path = "/v2/public/connection/{key}/expiry", tag = "connections",
    params(("linked_account_id" = String, Header, description = "The vendor's id of the end customer"), ("key" = String, Path, description = "The app's slug"), Which),
    request_body = ExpiryBody,
    responses((status = 200, description = "The expiry now set", body = ExpiryView),
        (status = 404, description = "No such connection", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn set_expiry(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
    ApiJson(body): ApiJson<ExpiryBody>,
) -> Result<Json<ExpiryView>, ApiError> {
    let record = read::pick(&state.db, &account, &slug, which.identifier.as_deref()).await?;
    let app = state.enabled_app(&account, &slug).await?;
    let at = body.credentials_expire_at;
    let now = state.clock.now();
    let record = expiry::set(&state.db, &account, &record, &app, at, now).await?;
    Ok(Json(ExpiryView {
        connection_id: record.id,
        credentials_expire_at: at.map(timestamp),
    }))
}
