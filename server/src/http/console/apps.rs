//! `/console/apps`: every app the org may offer in this environment, and one app's page: its
//! OAuth client (the secret is write-only) and, for Slack, the signing secret; offering it,
//! turning it off, and for the org's own apps editing and deleting, each with a warning that
//! says how many connections it flags. The same domain calls as `PUT`/`DELETE
//! /api/v2/public/app/{slug}/config` and `/api/v2/public/custom-app`.

mod client;
mod custom;
mod remove;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use leptos::prelude::*;

use super::operator::{Operator, SignedIn};
use super::view::{self, Done, Section};
use crate::catalog::AuthKind;
use crate::console::apps::{self as found, App};
use crate::http::AppState;

pub(super) use client::offer;
pub(super) use custom::{NEW_PATH, create, edit, new};
pub(super) use remove::{delete, turn_off};

/// The app whose page it is, and whether the page may be shown at all.
async fn app_of<'a>(
    state: &'a AppState,
    operator: &Operator,
    org_name: &str,
    slug: &str,
) -> Result<App<'a>, Response> {
    match found::find(
        &state.db,
        &state.catalog,
        &operator.org_id,
        operator.environment,
        slug,
    )
    .await
    {
        Ok(Some(app)) => Ok(app),
        Ok(None) => Err(not_found(operator, org_name)),
        Err(error) => Err(view::unavailable(&error)),
    }
}

fn not_found(operator: &Operator, org_name: &str) -> Response {
    let body = view! {
        <p>"There is no such app in this environment."</p>
        <p><a href="/console/apps">"All apps"</a></p>
    };
    let mut response = view::signed_in(operator, org_name, Section::Apps, "No such app", body);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn sign_in_words(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::OAuth2 => "OAuth2",
        AuthKind::KeyBased => "API key",
    }
}

/// `GET /console/apps`.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Query(done): Query<Done>,
) -> Response {
    let org = match view::org_of(&state, &operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let apps = match found::list(&state.db, &state.catalog, org_id, environment).await {
        Ok(apps) => apps,
        Err(error) => return view::unavailable(&error),
    };
    let note = match done.done.as_str() {
        "deleted" => Some("Deleted. Its connections were flagged; your webhook hears of each."),
        _ => None,
    };
    let rows: Vec<_> = apps
        .iter()
        .map(|app| {
            let definition = &app.definition;
            (
                definition.slug.clone(),
                definition.name.clone(),
                sign_in_words(definition.auth_type),
                if app.own { "Yours" } else { "Catalog" },
                if app.offered() { "Offered" } else { "Off" },
                app.working,
                app.to_reconnect,
            )
        })
        .collect();
    let body = view! {
        {note.map(|note| view! { <p class="banner banner--ok" role="status">{note}</p> })}
        <p>
            "The apps your customers can connect in this environment. An app that is offered is "
            "listed on the hosted page, in the widget and by the API; one that is off is not."
        </p>
        <div class="console-scroll" tabindex="0" role="region" aria-label="Apps, scrolls sideways">
            <table class="console-table console-table--wide" id="apps">
                <thead>
                    <tr>
                        <th scope="col">"App"</th>
                        <th scope="col">"Sign-in"</th>
                        <th scope="col">"From"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Working"</th>
                        <th scope="col">"To reconnect"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(slug, name, kind, from, offered, working, to_reconnect)| {
                        let href = format!("/console/apps/{slug}");
                        let row = slug.clone();
                        view! {
                            <tr data-app=row>
                                <td><a href=href>{name}</a> " " <code>{slug}</code></td>
                                <td>{kind}</td>
                                <td>{from}</td>
                                <td>{offered}</td>
                                <td>{working}</td>
                                <td>{to_reconnect}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p><a class="button" href=custom::NEW_PATH>"Add your own app"</a></p>
    };
    view::signed_in(&operator, &org.name, Section::Apps, "Apps", body)
}

/// `GET /console/apps/{slug}`.
pub(super) async fn show(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let note = match done.done.as_str() {
        "offered" => Some("Offered: customers can connect it now."),
        "saved" => Some("Saved."),
        "off" => Some("Turned off. Its connections were flagged; your webhook hears of each."),
        _ => None,
    };
    page(&state, &operator, &slug, Shown::note(note)).await
}

/// What an app's page shows besides the app: a banner, or a refused form with what was given.
#[derive(Default)]
pub(super) struct Shown {
    note: Option<&'static str>,
    refused: Option<(String, String)>,
    custom: Option<custom::AppForm>,
    client: Option<client::Typed>,
    status: Option<StatusCode>,
}

impl Shown {
    fn note(note: Option<&'static str>) -> Self {
        Self {
            note,
            ..Self::default()
        }
    }
}

async fn page(state: &AppState, operator: &Operator, slug: &str, shown: Shown) -> Response {
    let org = match view::org_of(state, operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let app = match app_of(state, operator, &org.name, slug).await {
        Ok(app) => app,
        Err(refused) => return refused,
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let would_flag =
        match crate::connections::flagged_if_gone(&state.db, org_id, environment, slug).await {
            Ok(count) => count,
            Err(error) => return view::unavailable(&error),
        };
    let name = app.definition.name.clone();
    let status = shown.status.unwrap_or(StatusCode::OK);
    let body = app_view(&app, operator, would_flag, shown);
    let mut response = view::signed_in(operator, &org.name, Section::Apps, &name, body);
    *response.status_mut() = status;
    response
}

fn connections_words(count: u64) -> String {
    match count {
        0 => "no connection".to_owned(),
        1 => "1 connection".to_owned(),
        n => format!("{n} connections"),
    }
}

fn app_view(
    app: &App<'_>,
    operator: &Operator,
    would_flag: u64,
    shown: Shown,
) -> impl IntoView + use<> {
    let definition = &app.definition;
    let slug = definition.slug.clone();
    let name = definition.name.clone();
    let csrf = operator.csrf.clone();
    let facts = [
        ("Slug", slug.clone()),
        ("Sign-in", sign_in_words(definition.auth_type).to_owned()),
        (
            "From",
            if app.own {
                "Your own app"
            } else {
                "Portico's catalog"
            }
            .to_owned(),
        ),
        (
            "State",
            if app.offered() { "Offered" } else { "Off" }.to_owned(),
        ),
        (
            "Connections",
            format!("{} working, {} to reconnect", app.working, app.to_reconnect),
        ),
    ];
    let flags = connections_words(would_flag);
    let settings = if app.own {
        let form = shown
            .custom
            .unwrap_or_else(|| custom::AppForm::of(definition, app.config.as_ref()));
        custom::form_view(form, shown.refused, Some(&slug), csrf.clone()).into_any()
    } else {
        let typed = shown.client.as_ref();
        client::form(app, csrf.clone(), shown.refused.as_ref(), typed).into_any()
    };
    let offer_own = (app.own && !app.offered()).then(|| {
        let action = format!("/console/apps/{slug}/offer");
        view! {
            <form method="post" action=action>
                <input type="hidden" name="csrf" value=csrf.clone() />
                <button class="button" type="submit">{format!("Offer {name}")}</button>
            </form>
        }
    });
    let turn_off = app.offered().then(|| {
        view::confirmed_form(
            format!("/console/apps/{slug}/off"),
            csrf.clone(),
            format!(
                "Turning {name} off flags {flags} of it for reconnection (reason app_deleted): \
                 each customer sees Reconnect, and your webhook receives a Connection Expired \
                 for each. They can reconnect once you offer it again."
            ),
            format!("Flag {flags} and turn {name} off"),
            format!("Turn {name} off"),
        )
    });
    let delete = app.own.then(|| {
        view::confirmed_form(
            format!("/console/apps/{slug}/delete"),
            csrf.clone(),
            format!(
                "Deleting {name} removes it and its settings, and flags {flags} of it for \
                 reconnection (reason app_deleted): each customer sees it cannot be reconnected, \
                 and your webhook receives a Connection Expired for each."
            ),
            format!("Flag {flags} and delete {name}"),
            format!("Delete {name}"),
        )
    });
    view! {
        {shown.note.map(|note| view! { <p class="banner banner--ok" role="status">{note}</p> })}
        <dl class="console-facts">
            {facts.into_iter().map(|(term, value)| view! { <dt>{term}</dt> <dd>{value}</dd> }).collect_view()}
        </dl>
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            {settings}
            {offer_own}
        </section>
        {(turn_off.is_some() || delete.is_some()).then(|| view! {
            <section aria-labelledby="remove-heading">
                <h2 id="remove-heading">"Take it away"</h2>
                {turn_off}
                {delete}
            </section>
        })}
    }
}
