//! `/oauth/start/{handle}`: where the SDK's `auth_url` leads. It says what is being connected
//! and for whom, and continues to the provider on one click, which binds the sign-in to this
//! browser (its flow cookie). Someone sent this URL by another person sees whose account it
//! would connect, and nothing happens without that click.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use leptos::prelude::*;

use super::page::{Status, message, render};
use crate::oauth::{self, StartError};

pub(super) async fn show(State(state): State<AppState>, Path(handle): Path<String>) -> Response {
    let page =
        match oauth::describe_start(&state.db, &state.catalog, &handle, state.clock.now()).await {
            Ok(page) => page,
            Err(error) => return refused(error),
        };
    let heading = format!("Connect {} to {}", page.app_name, page.org_name);
    let (app, org) = (page.app_name, page.org_name);
    let body = view! {
        <Status heading=heading.clone()>
            <p>
                "For " <strong>{page.account_name}</strong>
                {format!(". {app} will ask you to sign in and to allow {org} access.")}
            </p>
            <form method="post" action=format!("/oauth/start/{handle}")>
                <p>
                    <button class="button" type="submit" autofocus>
                        {format!("Continue to {app}")}
                    </button>
                </p>
            </form>
            <p class="status__note">
                {format!(
                    "If you did not ask to connect {app}, close this window: nothing will be connected.",
                )}
            </p>
        </Status>
    };
    render(StatusCode::OK, &heading, body)
}

pub(super) async fn continue_to_provider(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(handle): Path<String>,
) -> Response {
    let issued = state.flow_cookie().issue(&headers);
    match oauth::bind_start(
        &state.db,
        &state.vault,
        &handle,
        &issued.nonce_digest,
        state.clock.now(),
    )
    .await
    {
        Ok(url) => (
            [(header::SET_COOKIE, issued.set_cookie)],
            Redirect::to(url.as_str()),
        )
            .into_response(),
        Err(error) => refused(error),
    }
}

fn refused(error: StartError) -> Response {
    let start_again = "Go back to the app you came from and choose Connect again.";
    match error {
        StartError::Unknown => message(
            StatusCode::NOT_FOUND,
            "This sign-in is not valid",
            &[
                "Portico did not start this sign-in, or its address was changed on the way.",
                start_again,
            ],
            None,
        ),
        StartError::Expired => message(
            StatusCode::GONE,
            "This sign-in has expired",
            &["Sign-ins must be finished within 10 minutes.", start_again],
            None,
        ),
        StartError::AlreadyStarted => message(
            StatusCode::CONFLICT,
            "This sign-in was already started",
            &[
                "Each sign-in can be continued once, in one browser.",
                start_again,
            ],
            None,
        ),
        StartError::Internal(error) => {
            tracing::error!(%error, "start page failed");
            message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Something went wrong on our side",
                &["Please try again in a minute."],
                None,
            )
        }
    }
}
