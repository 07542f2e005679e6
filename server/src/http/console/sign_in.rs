//! Signing in to the console, with a one-time link or an API key, and signing out. A wrong,
//! used or expired link is one page that says no more than that; a wrong key is one sentence,
//! and an address that keeps trying waits (the limits count each refusal).

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::operator::{self, Operator, SignedIn};
use super::view;
use crate::http::AppState;

/// The sign-in page.
pub(crate) const SIGN_IN_PATH: &str = "/console/sign-in";

/// The longest API key the form reads.
const KEY_MOST_CHARS: usize = 200;

#[derive(Deserialize, Default)]
pub(super) struct Shown {
    #[serde(default)]
    signed_out: Option<String>,
}

/// `GET /console/sign-in`.
pub(super) async fn form(axum::extract::Query(shown): axum::extract::Query<Shown>) -> Response {
    let note = shown.signed_out.is_some().then_some("You are signed out.");
    view::sign_in(StatusCode::OK, note, None)
}

#[derive(Deserialize)]
pub(super) struct KeyForm {
    #[serde(default)]
    api_key: String,
}

/// `POST /console/sign-in`: an API key opens a session for its org and environment.
pub(super) async fn with_api_key(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<KeyForm>,
) -> Response {
    let presented = form.api_key.trim();
    if presented.is_empty() {
        return view::sign_in(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Paste an API key."),
        );
    }
    if presented.chars().count() > KEY_MOST_CHARS {
        return view::sign_in(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("That is longer than any API key; paste the key alone."),
        );
    }
    let now = state.clock.now();
    let lookups = state.changes.lookups();
    let principal =
        match crate::tenancy::authenticate_api_key(&state.db, lookups, presented, now).await {
            Ok(principal) => principal,
            Err(error) => return view::unavailable(&error),
        };
    let Some(principal) = principal else {
        return view::sign_in(
            StatusCode::UNAUTHORIZED,
            None,
            Some("That is not an API key Portico knows, or it was revoked."),
        );
    };
    let shown: String = presented.chars().take(12).collect();
    let operator = Operator {
        org_id: principal.org_id,
        environment: principal.environment,
        actor: format!("console (API key {shown}…)"),
        signed_in_at: now.timestamp(),
        key_id: Some(principal.key_id),
        csrf: crate::secrets::random_secret(""),
    };
    open(&session, &operator).await
}

/// `GET /console/sign-in/{token}`: a button that uses the link (a link scanner that only
/// fetches it uses nothing).
pub(super) async fn link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match crate::console::link_usable(&state.db, &token, state.clock.now()).await {
        Ok(true) => view::use_link(&token),
        Ok(false) => view::link_refused(),
        Err(error) => view::unavailable(&error),
    }
}

/// `POST /console/sign-in/{token}`: uses the link, once.
pub(super) async fn with_link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> Response {
    let now = state.clock.now();
    let redeemed = match crate::console::redeem(&state.db, &token, now).await {
        Ok(Some(redeemed)) => redeemed,
        Ok(None) => return view::link_refused(),
        Err(error) => return view::unavailable(&error),
    };
    let operator = Operator {
        org_id: redeemed.org_id,
        environment: redeemed.environment,
        actor: "console (sign-in link)".to_owned(),
        signed_in_at: now.timestamp(),
        key_id: None,
        csrf: crate::secrets::random_secret(""),
    };
    open(&session, &operator).await
}

async fn open(session: &Session, operator: &Operator) -> Response {
    if let Err(error) = operator::sign_in(session, operator).await {
        tracing::error!(%error, "console: cannot open a session");
        return view::unavailable(&error);
    }
    tracing::info!(org = %operator.org_id, actor = %operator.actor, "console: signed in");
    Redirect::to("/console").into_response()
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/sign-out`.
pub(super) async fn sign_out(
    session: Session,
    SignedIn(operator): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    if let Err(error) = operator::sign_out(&session).await {
        return view::unavailable(&error);
    }
    Redirect::to(&format!("{SIGN_IN_PATH}?signed_out=1")).into_response()
}
