//! The sandbox provider's HTTP face: consent page, token and revocation endpoints, and a
//! control page to revoke or expire what it issued.

use axum::{
    Form, Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::Engine;
use serde::Deserialize;
use url::Url;

use super::AppState;
use app::i18n::T;
use leptos::prelude::*;

use super::page::{message, render};

mod view;
use crate::oauth;
use crate::sandbox::{self, AuthorizeParams, Expiry, Target, TokenError, TokenRequest};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox", get(control_page))
        .route("/sandbox/grants/{id}/{action}", post(control))
        .route("/sandbox/oauth/authorize", get(consent_page).post(decide))
        .route("/sandbox/oauth/token", post(token))
        .route("/sandbox/oauth/revoke", post(revoke))
}

fn sandbox_off() -> Response {
    // The sandbox is a stand-in provider: its pages stay in English.
    message(
        T::default(),
        StatusCode::NOT_FOUND,
        "The sandbox is turned off",
        &["This Portico does not run the practice OAuth provider.".to_owned()],
        None,
    )
}

fn issuer(state: &AppState) -> String {
    format!("{}/sandbox", state.public_url)
}

fn bad_request(reason: &str) -> Response {
    message(
        T::default(),
        StatusCode::BAD_REQUEST,
        "This sign-in request is not valid",
        &[
            "The sandbox provider cannot continue:".to_owned(),
            reason.to_owned(),
            "Go back to the app list and start again.".to_owned(),
        ],
        None,
    )
}

async fn consent_page(
    State(state): State<AppState>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if state.sandbox.is_none() {
        return sandbox_off();
    }
    let callback = oauth::redirect_url(&state.public_url);
    let request = match params.check(callback.as_str()) {
        Ok(request) => request,
        Err(reason) => return bad_request(reason),
    };
    let hidden: Vec<(&'static str, String)> = [
        ("response_type", Some("code")),
        ("client_id", Some(request.client_id.as_str())),
        ("redirect_uri", Some(request.redirect_uri.as_str())),
        ("scope", Some(request.scope.as_str())),
        ("state", request.state.as_deref()),
        ("code_challenge", request.code_challenge.as_deref()),
        (
            "code_challenge_method",
            request.code_challenge.as_ref().map(|_| "S256"),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| (name, value.to_owned())))
    .collect();
    let scope = if request.scope.is_empty() {
        "your sandbox profile".to_owned()
    } else {
        request.scope.clone()
    };
    let body = view! { <view::Consent client=request.client_id.clone() scope hidden /> };
    let mut page = render(T::default(), StatusCode::OK, "Sandbox sign-in", body);
    if state
        .sandbox
        .as_ref()
        .is_some_and(|sandbox| sandbox.settings.isolate)
    {
        page.headers_mut().insert(
            "cross-origin-opener-policy",
            axum::http::HeaderValue::from_static("same-origin"),
        );
    }
    page
}

#[derive(Deserialize)]
struct Decision {
    #[serde(flatten)]
    params: AuthorizeParams,
    decision: Option<String>,
    account: Option<String>,
}

async fn decide(State(state): State<AppState>, Form(form): Form<Decision>) -> Response {
    if state.sandbox.is_none() {
        return sandbox_off();
    }
    let callback = oauth::redirect_url(&state.public_url);
    let request = match form.params.check(callback.as_str()) {
        Ok(request) => request,
        Err(reason) => return bad_request(reason),
    };
    let code = match form.decision.as_deref() {
        Some("approve") => {
            let account: String = form
                .account
                .unwrap_or_default()
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let account = if account.is_empty() {
                "Sandbox user".to_owned()
            } else {
                account
            };
            match sandbox::approve(&state.db, &request, &account, state.clock.now()).await {
                Ok(code) => Some(code),
                Err(error) => {
                    tracing::error!(%error, "sandbox: cannot store the grant");
                    return message(
                        T::default(),
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The sandbox could not save your answer",
                        &["Please try again in a minute.".to_owned()],
                        None,
                    );
                }
            }
        }
        _ => None,
    };
    let mut target = Url::parse(&request.redirect_uri).expect("checked redirect URI");
    {
        let mut query = target.query_pairs_mut();
        match &code {
            Some(code) => {
                query.append_pair("code", code);
            }
            None => {
                query.append_pair("error", "access_denied");
                query.append_pair("error_description", "The user denied access");
            }
        }
        if let Some(state_value) = &request.state {
            query.append_pair("state", state_value);
        }
        query.append_pair("iss", &issuer(&state));
    }
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize, Default)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// Client credentials from HTTP Basic (RFC 6749 §2.3.1), URL-decoded.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let Some(sandbox) = state.sandbox.as_deref() else {
        return sandbox_off();
    };
    let (client_id, client_secret) = match basic_credentials(&headers) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (form.client_id, form.client_secret),
    };
    let request = TokenRequest {
        grant_type: form.grant_type,
        client_id,
        client_secret,
        code: form.code,
        redirect_uri: form.redirect_uri,
        code_verifier: form.code_verifier,
        refresh_token: form.refresh_token,
    };
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    match sandbox::token(&state.db, sandbox, &request, state.clock.now()).await {
        Ok(answer) => (no_store, Json(answer)).into_response(),
        Err(TokenError::Refused(refusal)) => {
            let status = if refusal.error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            (status, no_store, Json(refusal)).into_response()
        }
        Err(TokenError::Db(error)) => {
            tracing::error!(%error, "sandbox: token endpoint failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                no_store,
                Json(serde_json::json!({"error": "temporarily_unavailable"})),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    token: Option<String>,
}

async fn revoke(State(state): State<AppState>, Form(form): Form<RevokeForm>) -> Response {
    if state.sandbox.is_none() {
        return sandbox_off();
    }
    let Some(token) = form.token.filter(|token| !token.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_request"})),
        )
            .into_response();
    };
    match sandbox::revoke_token(&state.db, &token, state.clock.now()).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => {
            tracing::error!(%error, "sandbox: revocation failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn control_page(State(state): State<AppState>) -> Response {
    if state.sandbox.is_none() {
        return sandbox_off();
    }
    let grants = match sandbox::grants(&state.db).await {
        Ok(grants) => grants,
        Err(error) => {
            tracing::error!(%error, "sandbox: cannot list grants");
            return message(
                T::default(),
                StatusCode::SERVICE_UNAVAILABLE,
                "The sandbox is unavailable",
                &["Please try again in a minute.".to_owned()],
                None,
            );
        }
    };
    let now = state.clock.now();
    let grants: Vec<view::Grant> = grants
        .into_iter()
        .map(|grant| view::Grant {
            status: sandbox::describe(&grant, now),
            revoked: grant.revoked_at.is_some(),
            created: grant.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            id: grant.id,
            account: grant.account,
            client: grant.client_id,
        })
        .collect();
    let settings = state
        .sandbox
        .as_ref()
        .map(|sandbox| sandbox.settings)
        .expect("checked above");
    let body = view! { <view::Control grants settings /> };
    render(T::default(), StatusCode::OK, "Sandbox", body)
}

async fn control(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    if state.sandbox.is_none() {
        return sandbox_off();
    }
    let target = Target::Grant(id);
    let result = match action.as_str() {
        "revoke" => match sandbox::revoke(&state.db, &target, state.clock.now()).await {
            Ok(accounts) => {
                // As a provider would: the event goes out over HTTP, after the answer.
                let (egress, vault, public_url) = (
                    state.egress.clone(),
                    state.vault.clone(),
                    state.public_url.to_string(),
                );
                tokio::spawn(async move {
                    sandbox::notify_revoked(
                        &egress,
                        &vault,
                        &public_url,
                        &accounts,
                        state.clock.now(),
                    )
                    .await;
                });
                Ok(0)
            }
            Err(error) => Err(error),
        },
        "expire" => sandbox::expire(&state.db, &target, Expiry::Access, state.clock.now()).await,
        "expire-refresh" => {
            sandbox::expire(&state.db, &target, Expiry::Refresh, state.clock.now()).await
        }
        _ => {
            return message(
                T::default(),
                StatusCode::NOT_FOUND,
                "Page not found",
                &["There is nothing at this address.".to_owned()],
                Some(("/sandbox", "Back to the sandbox".to_owned())),
            );
        }
    };
    if let Err(error) = result {
        tracing::error!(%error, "sandbox: control failed");
    }
    Redirect::to("/sandbox").into_response()
}
