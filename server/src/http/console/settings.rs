//! `/console/settings`: the environment's API keys (make one, shown once; revoke one), the
//! org's allowed origins (the pages that may frame the widget and call the SDK routes) and the
//! environment's branding. The same domain calls as `portico api-key`, `portico org
//! allow-origin` and the branding API.

mod branding;

pub(in crate::http) use branding::{LOGO_FORM_MOST_BYTES, LOGO_FORM_PATH};
pub(super) use branding::{change as change_branding, remove_logo, upload_logo};

use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::operator::{Operator, SignedIn};
use super::view::{self, Done, Section};
use crate::http::AppState;

pub(super) async fn show(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Query(done): Query<Done>,
) -> Response {
    let note = match done.done.as_str() {
        "revoked" => Some("Revoked: the key is refused from now on.".to_owned()),
        "origin" => Some("Allowed.".to_owned()),
        "branding" => Some("Branding saved: the pages show it now.".to_owned()),
        "logo" => Some("Logo taken: the pages show it now.".to_owned()),
        "logo-removed" => Some("Logo removed.".to_owned()),
        _ => None,
    };
    page(
        &state,
        &operator,
        StatusCode::OK,
        Notes {
            note,
            ..Notes::default()
        },
    )
    .await
}

/// What the page says above its sections: a banner, a new key (once), an origin's error.
#[derive(Default)]
struct Notes {
    note: Option<String>,
    new_key: Option<String>,
    origin_error: Option<(String, String)>,
    branding: branding::Refused,
}

async fn page(state: &AppState, operator: &Operator, status: StatusCode, notes: Notes) -> Response {
    let org = match view::org_of(state, operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let keys =
        match crate::tenancy::api_keys(&state.db, &operator.org_id, operator.environment).await {
            Ok(keys) => keys,
            Err(error) => return view::unavailable(&error),
        };
    let origins = crate::tenancy::allowed_origins(&org);
    let lookups = state.changes.lookups();
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let stored = match crate::branding::of(&state.db, lookups, org_id, environment).await {
        Ok(stored) => stored,
        Err(error) => return view::unavailable(&error),
    };
    let branding = branding::section(state, operator, stored.as_ref(), notes.branding);
    let csrf = operator.csrf.clone();
    let (origin_given, origin_error) = notes.origin_error.unzip();
    let invalid = origin_error.is_some().then_some("true");
    let rows: Vec<_> = keys
        .into_iter()
        .map(|key| {
            let shown = crate::tenancy::key_shown(&key);
            let state = match key.revoked_at {
                Some(at) => format!("revoked {}", view::when(at)),
                None => "active".to_owned(),
            };
            (
                key.id,
                shown,
                view::when(key.created_at),
                key.last_used_at.map_or("never".to_owned(), view::when),
                state,
                key.revoked_at.is_none(),
            )
        })
        .collect();
    let body = view! {
        {notes.note.map(|note| view! { <p class="banner banner--ok" role="status">{note}</p> })}
        {notes.new_key.map(|key| view! {
            <div class="banner banner--ok" role="status">
                <p>"Your new API key. It is shown this once: copy it now."</p>
                <p><input class="console-copy" id="new-key" type="text" readonly value=key aria-label="The new API key" /></p>
            </div>
        })}
        <section aria-labelledby="keys-heading">
            <h2 id="keys-heading">"API keys"</h2>
            <div class="console-scroll" tabindex="0" role="region" aria-label="API keys, scrolls sideways">
                <table class="console-table console-table--wide" id="keys">
                    <thead>
                        <tr>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Made"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Revoke"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|(id, shown, made, used, state, active)| {
                            let csrf = csrf.clone();
                            let label = format!("Revoke {shown}");
                            let row_id = id.clone();
                            view! {
                                <tr data-key=row_id>
                                    <td><code>{shown}</code></td>
                                    <td>{made}</td>
                                    <td>{used}</td>
                                    <td>{state}</td>
                                    <td>
                                        {active.then(|| view! {
                                            <form method="post" action="/console/settings/keys/revoke">
                                                <input type="hidden" name="csrf" value=csrf />
                                                <input type="hidden" name="key" value=id />
                                                <button class="button button--quiet" type="submit" aria-label=label>"Revoke"</button>
                                            </form>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form method="post" action="/console/settings/keys">
                <input type="hidden" name="csrf" value=csrf.clone() />
                <button class="button" type="submit">"Make a new key"</button>
            </form>
        </section>
        <section aria-labelledby="origins-heading">
            <h2 id="origins-heading">"Allowed origins"</h2>
            <p class="hint">"Pages on these origins may frame the widget and call the SDK routes (every environment of the org)."</p>
            {if origins.is_empty() {
                view! { <p class="console-empty">"None yet."</p> }.into_any()
            } else {
                view! { <ul class="console-list" id="origins">{origins.into_iter().map(|origin| view! { <li><code>{origin}</code></li> }).collect_view()}</ul> }.into_any()
            }}
            <form class="console-filter" method="post" action="/console/settings/origins">
                <input type="hidden" name="csrf" value=csrf />
                <div class="console-filter__field">
                    <label for="origin">"Origin"</label>
                    <input id="origin" name="origin" type="url" placeholder="https://app.example.com" value=origin_given.unwrap_or_default() aria-invalid=invalid aria-describedby=origin_error.as_ref().map(|_| "origin-error") maxlength="300" />
                    {origin_error.map(|error| view! { <p class="field-error" id="origin-error">{error}</p> })}
                </div>
                <button class="button" type="submit">"Allow"</button>
            </form>
        </section>
        {branding}
    };
    let mut response = view::signed_in(operator, &org.name, Section::Settings, "Settings", body);
    *response.status_mut() = status;
    response
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    pub(super) csrf: String,
}

/// `POST /console/settings/keys`: a new key for this environment, shown once.
pub(super) async fn make_key(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let now = state.clock.now();
    match crate::tenancy::create_api_key(&state.db, &operator.org_id, operator.environment, now)
        .await
    {
        Ok(issued) => {
            tracing::info!(actor = %operator.actor, key = %issued.id, "console: made an API key");
            let notes = Notes {
                new_key: Some(issued.key),
                ..Notes::default()
            };
            page(&state, &operator, StatusCode::OK, notes).await
        }
        Err(error) => view::unavailable(&error),
    }
}

#[derive(Deserialize)]
pub(super) struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

/// `POST /console/settings/keys/revoke`: one of this environment's keys, refused from now on.
pub(super) async fn revoke_key(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<RevokeForm>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let keys =
        match crate::tenancy::api_keys(&state.db, &operator.org_id, operator.environment).await {
            Ok(keys) => keys,
            Err(error) => return view::unavailable(&error),
        };
    // Only a key of this org's environment; another's is as unknown as a made-up one.
    if !keys.iter().any(|key| key.id == form.key) {
        return view::stale_form();
    }
    match state.revoke_api_key(&form.key).await {
        Ok(_) => {
            tracing::info!(actor = %operator.actor, key = %form.key, "console: revoked an API key");
            Redirect::to("/console/settings?done=revoked").into_response()
        }
        Err(error) => view::unavailable(&error),
    }
}

#[derive(Deserialize)]
pub(super) struct OriginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    origin: String,
}

/// `POST /console/settings/origins`: allows an origin, checked as the command line checks it.
pub(super) async fn allow_origin(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<OriginForm>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let given: String = form.origin.chars().take(300).collect();
    let origin = match crate::tenancy::parse_origin(given.trim()) {
        Ok(origin) => origin,
        Err(refused) => {
            let notes = Notes {
                origin_error: Some((given, refused.message.clone())),
                ..Notes::default()
            };
            return page(&state, &operator, StatusCode::UNPROCESSABLE_ENTITY, notes).await;
        }
    };
    match crate::tenancy::allow_origin(&state.db, &operator.org_id, &origin).await {
        Ok(_) => {
            state.changes.org(&operator.org_id).await;
            Redirect::to("/console/settings?done=origin").into_response()
        }
        Err(error) => view::unavailable(&error),
    }
}
