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
use app::i18n::T;
use leptos::prelude::*;

use super::page::{Status, browser_locale, message, of_headers, render};
use crate::oauth::{self, StartError};

pub(super) async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(handle): Path<String>,
) -> Response {
    let browser = browser_locale(&headers);
    let page =
        match oauth::describe_start(&state.db, &state.catalog, &handle, state.clock.now()).await {
            Ok(page) => page,
            Err(error) => return refused(error, T(browser.unwrap_or_default())),
        };
    // The browser's language, else the org's default.
    let t = T(browser.unwrap_or_else(|| crate::tenancy::default_locale(&page.org)));
    // The vendor's branding for this environment: its name, accent and logo.
    let brand = crate::branding::of(
        &state.db,
        state.changes.lookups(),
        &page.org.id,
        page.environment,
    )
    .await
    .ok()
    .flatten();
    let look = crate::branding::look(&page.org, brand.as_ref());
    let style = format!(
        "--accent: {}; --accent-ink: {}",
        look.accent.as_str(),
        look.accent.ink()
    );
    let org_name = look.name;
    let mark = look.logo;
    let mark_alt = t.a("logo-alt", &[("vendor", org_name.as_str().into())]);
    let (app, org) = (page.app_name.as_str(), org_name.as_str());
    let heading = t.a(
        "signin-start-heading",
        &[("app", app.into()), ("org", org.into())],
    );
    // One sentence, so each language can order it: the account name is not set in bold.
    let said = t.a(
        "signin-start-body",
        &[
            ("account", page.account_name.as_str().into()),
            ("app", app.into()),
            ("org", org.into()),
        ],
    );
    let go = t.a("signin-start-continue", &[("app", app.into())]);
    let note = t.a("signin-start-note", &[("app", app.into())]);
    let body = view! {
        <div style=style>
        <Status heading=heading.clone() mark mark_alt>
            <p>{said}</p>
            <form method="post" action=format!("/oauth/start/{handle}")>
                <p>
                    <button class="button" type="submit" autofocus>
                        {go}
                    </button>
                </p>
            </form>
            <p class="status__note">{note}</p>
        </Status>
        </div>
    };
    render(t, StatusCode::OK, &heading, body)
}

pub(super) async fn continue_to_provider(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(handle): Path<String>,
) -> Response {
    let t = T(of_headers(&headers));
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
        Err(error) => refused(error, t),
    }
}

fn refused(error: StartError, t: T) -> Response {
    let start_again = t.s("signin-start-from-app-again");
    match error {
        StartError::Unknown => message(
            t,
            StatusCode::NOT_FOUND,
            &t.s("signin-invalid-heading"),
            &[t.s("signin-invalid-body"), start_again],
            None,
        ),
        StartError::Expired => message(
            t,
            StatusCode::GONE,
            &t.s("signin-expired-heading"),
            &[t.s("signin-expired-body"), start_again],
            None,
        ),
        StartError::AlreadyStarted => message(
            t,
            StatusCode::CONFLICT,
            &t.s("signin-already-started-heading"),
            &[t.s("signin-already-started-body"), start_again],
            None,
        ),
        StartError::Internal(error) => {
            tracing::error!(%error, "start page failed");
            message(
                t,
                StatusCode::SERVICE_UNAVAILABLE,
                &t.s("signin-unavailable-heading"),
                &[t.s("signin-try-again-body")],
                None,
            )
        }
    }
}
