//! Routes the frontend SDK (`@cobaltio/cobalt-js` 8.x) calls with a Bearer session token, and
//! their CORS policy: a browser may call them only from an origin the org has allowed.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::application::Application;
use super::extract::{SessionBearer, session_from_bearer};
use super::{ApiError, AppState};
use crate::entity::connection_event::Actor;
use crate::oauth::{BrowserBinding, Mode};
use crate::tenancy;

pub(super) fn router(state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications))
        .routes(routes!(get_application))
        .routes(routes!(integrate))
        .routes(routes!(disconnect))
        .routes(routes!(org_basics))
        .routes(routes!(save_keys))
        .route_layer(middleware::from_fn_with_state(state, cors))
}

const ALLOWED_HEADERS: &str = "authorization, content-type";
const ALLOWED_METHODS: &str = "GET, POST, PUT, DELETE";

/// CORS for the SDK routes. A preflight carries no token, so it is answered for any origin
/// some org allows; the real request is then checked against the token's own org, and
/// refused before the handler runs when that org does not allow the origin.
async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let Some(origin) = origin.filter(|origin| origin.as_str() != &*state.public_url) else {
        return next.run(request).await;
    };
    if request.method() == Method::OPTIONS {
        let allowed = tenancy::origin_allowed_anywhere(&state.db, &origin)
            .await
            .unwrap_or(false);
        if !allowed {
            return StatusCode::FORBIDDEN.into_response();
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        allow(headers, &origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        return response;
    }
    let (mut parts, body) = request.into_parts();
    let session = match session_from_bearer(&parts.headers, &state).await {
        Ok(session) => session,
        Err(error) => {
            // The caller may read why, but only from an origin some org allows.
            let mut response = error.into_response();
            if tenancy::origin_allowed_anywhere(&state.db, &origin)
                .await
                .unwrap_or(false)
            {
                allow(response.headers_mut(), &origin);
            }
            return response;
        }
    };
    if !tenancy::allowed_origins(&session.org)
        .iter()
        .any(|allowed| allowed == &origin)
    {
        return ApiError::Forbidden("this origin is not allowed to use this org's links")
            .into_response();
    }
    parts.extensions.insert(SessionBearer(session));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    allow(response.headers_mut(), &origin);
    response
}

fn allow(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// The apps the session's customer can connect
#[utoipa::path(get, path = "/v2/f-sdk/application", tag = "frontend SDK",
    responses((status = 200, description = "The apps", body = Vec<Application>)))]
async fn list_applications(
    State(state): State<AppState>,
    SessionBearer(session): SessionBearer,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(state.applications(&session.linked_account).await?))
}

/// One app for the session's customer
#[utoipa::path(get, path = "/v2/f-sdk/application/{slug}", tag = "frontend SDK",
    params(("slug" = String, Path, description = "The app's slug")),
    responses((status = 200, description = "The app", body = Application),
        (status = 404, description = "Unknown app", body = super::error::ErrorBody)))]
async fn get_application(
    State(state): State<AppState>,
    SessionBearer(session): SessionBearer,
    Path(slug): Path<String>,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(
        state.application(&session.linked_account, &slug).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AuthUrl {
    auth_url: String,
}

/// Begin an OAuth2 sign-in
///
/// The URL for the SDK to open in a new window. It leads to Portico's start page, where a
/// click in that window binds the sign-in to its browser; a URL sent to someone else
/// therefore connects nothing without their knowing. The query carries what
/// `connect(slug, payload)` was given, e.g. a Zendesk `subdomain`.
#[utoipa::path(get, path = "/v1/{slug}/integrate", tag = "frontend SDK",
    params(("slug" = String, Path, description = "The app's slug")),
    responses((status = 200, description = "Where to send the customer", body = AuthUrl),
        (status = 404, description = "Unknown or key-based app", body = super::error::ErrorBody),
        (status = 422, description = "A value the app asks for is missing or invalid", body = super::error::ErrorBody)))]
async fn integrate(
    State(state): State<AppState>,
    SessionBearer(session): SessionBearer,
    Path(slug): Path<String>,
    Query(given): Query<HashMap<String, String>>,
) -> Result<Json<AuthUrl>, ApiError> {
    let url = state
        .begin_oauth(
            &session.linked_account,
            &slug,
            false,
            &given,
            Mode::Popup,
            None,
            BrowserBinding::OnStartPage,
        )
        .await?;
    Ok(Json(AuthUrl {
        auth_url: url.to_string(),
    }))
}

/// Disconnect an app
///
/// Its tokens are revoked at the provider where it allows.
#[utoipa::path(delete, path = "/v1/linked-acc/integration/{slug}", tag = "frontend SDK",
    params(("slug" = String, Path, description = "The app's slug")),
    responses((status = 204, description = "Disconnected"),
        (status = 404, description = "Unknown app", body = super::error::ErrorBody)))]
async fn disconnect(
    State(state): State<AppState>,
    SessionBearer(session): SessionBearer,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    // A disabled app's connections can still be removed (and their tokens revoked).
    let removed = state
        .disconnect(&session.linked_account, &slug, Actor::EndCustomer)
        .await?;
    if removed == 0 {
        state.enabled_app(&session.linked_account, &slug).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
struct OrgBasics {
    org: OrgView,
    #[schema(value_type = String)]
    environment: &'static str,
    linked_account: LinkedAccountView,
}

#[derive(Serialize, utoipa::ToSchema)]
struct OrgView {
    id: String,
    name: String,
    brand_color: String,
    logo_url: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SdkLinkedAccount)]
struct LinkedAccountView {
    linked_account_id: String,
    name: Option<String>,
}

/// The org and customer a session token speaks for
#[utoipa::path(get, path = "/v3/org/basics", tag = "frontend SDK",
    responses((status = 200, description = "The org and the linked account", body = OrgBasics)))]
async fn org_basics(SessionBearer(session): SessionBearer) -> Json<OrgBasics> {
    Json(OrgBasics {
        org: OrgView {
            id: session.org.id,
            name: session.org.name,
            brand_color: session.org.brand_color,
            logo_url: session.org.logo_url,
        },
        environment: session.environment.as_str(),
        linked_account: LinkedAccountView {
            linked_account_id: session.linked_account.external_id,
            name: session.linked_account.name,
        },
    })
}

/// A saved key form.
#[derive(Serialize, utoipa::ToSchema)]
struct Saved {
    success: bool,
}

/// Save a key-based app's credentials
///
/// A JSON object of field → value, as `cobalt.connect("twilio", {number, sid})` sends them;
/// checked against the app's fields (and its verification request, when it has one) before
/// anything is stored.
#[utoipa::path(post, path = "/v2/app/{slug}/save", tag = "frontend SDK",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body(content = std::collections::BTreeMap<String, String>, description = "Field name → value"),
    responses((status = 200, description = "Saved", body = Saved),
        (status = 404, description = "Unknown or OAuth2 app", body = super::error::ErrorBody),
        (status = 413, description = "Larger than 16 KB", body = super::error::ErrorBody),
        (status = 422, description = "A field is refused, or the provider refused the credentials", body = super::error::ErrorBody)))]
async fn save_keys(
    State(state): State<AppState>,
    SessionBearer(session): SessionBearer,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Saved>, ApiError> {
    if body.len() > crate::keyauth::BODY_LIMIT {
        return Err(ApiError::PayloadTooLarge(crate::keyauth::BODY_LIMIT));
    }
    let given: serde_json::Map<String, serde_json::Value> = super::extract::parse_json(&body)?;
    let app = state.enabled_app(&session.linked_account, &slug).await?;
    if app.auth_type != crate::catalog::AuthKind::KeyBased {
        return Err(ApiError::NotFound("key-based application"));
    }
    let mut values = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for (name, value) in given {
        match value {
            serde_json::Value::String(text) => {
                values.insert(name, text);
            }
            serde_json::Value::Number(number) => {
                values.insert(name, number.to_string());
            }
            _ => errors.push(crate::input::FieldError::new(name, "must be text")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    state
        .save_keys(&session.linked_account, &app, &values)
        .await?;
    Ok(Json(Saved { success: true }))
}
