//! `GET /console/connections`: the environment's connections, filtered by state, reason and
//! app, or searched by the customer's id or name; each row opens the connection's page.

use axum::{
    extract::{Query, State},
    response::Response,
};
use leptos::prelude::*;
use sea_orm::Iterable;
use serde::Deserialize;

use super::operator::SignedIn;
use super::view::{self, Section};
use crate::console::connections::{self, Filter, Listed};
use crate::entity::connection::{Reason, State as ConnectionState};
use crate::http::AppState;

/// The longest search the filter takes.
const SEARCH_MOST_CHARS: usize = 200;

#[derive(Deserialize, Default)]
pub(super) struct Asked {
    /// What the last action did (`disconnected`).
    #[serde(default)]
    done: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    app: String,
    #[serde(default)]
    q: String,
}

impl Asked {
    /// The filter, and a sentence for each value that was not understood (left out).
    fn filter(&self) -> (Filter, Vec<String>) {
        let mut unclear = Vec::new();
        let state = match self.state.as_str() {
            "" => None,
            "active" => Some(ConnectionState::Active),
            "reauth_required" => Some(ConnectionState::ReauthRequired),
            other => {
                unclear.push(format!(
                    "There is no state “{}”; every state is shown.",
                    clip(other)
                ));
                None
            }
        };
        let reason = match self.reason.as_str() {
            "" => None,
            given => {
                let found = Reason::iter().find(|reason| reason.as_str() == given);
                if found.is_none() {
                    unclear.push(format!(
                        "There is no reason “{}”; every reason is shown.",
                        clip(given)
                    ));
                }
                found
            }
        };
        let slug = match crate::catalog::Slug::parse(self.app.trim()) {
            Ok(slug) => Some(slug.as_str().to_owned()),
            Err(_) if self.app.trim().is_empty() => None,
            Err(_) => {
                unclear.push(format!(
                    "“{}” is not an app's slug; every app is shown.",
                    clip(&self.app)
                ));
                None
            }
        };
        let mut search = self.q.trim().to_owned();
        if search.chars().count() > SEARCH_MOST_CHARS {
            unclear.push(format!(
                "The search was cut to its first {SEARCH_MOST_CHARS} characters."
            ));
            search = search.chars().take(SEARCH_MOST_CHARS).collect();
        }
        let filter = Filter {
            state,
            reason,
            slug,
            search: (!search.is_empty()).then_some(search),
        };
        (filter, unclear)
    }
}

/// A value as a sentence quotes it: at most 40 characters.
fn clip(value: &str) -> String {
    value.chars().take(40).collect()
}

pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Query(asked): Query<Asked>,
) -> Response {
    let (filter, unclear) = asked.filter();
    let org = match view::org_of(&state, &operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let found =
        match connections::list(&state.db, &operator.org_id, operator.environment, &filter).await {
            Ok(found) => found,
            Err(error) => return view::unavailable(&error),
        };
    let done =
        (asked.done == "disconnected").then_some("Disconnected; the vendor's webhook says so.");
    let body = view! {
        {done.map(|done| view! { <p class="banner banner--ok" role="status">{done}</p> })}
        {unclear.into_iter().map(|note| view! { <p class="banner banner--warn" role="status">{note}</p> }).collect_view()}
        {filter_form(&filter)}
        {table(found)}
    };
    view::signed_in(
        &operator,
        &org.name,
        Section::Connections,
        "Connections",
        body,
    )
}

fn filter_form(filter: &Filter) -> impl IntoView + use<> {
    let state = filter.state.map(|state| state.as_str()).unwrap_or_default();
    let reason = filter
        .reason
        .map(|reason| reason.as_str())
        .unwrap_or_default();
    let app = filter.slug.clone().unwrap_or_default();
    let search = filter.search.clone().unwrap_or_default();
    view! {
        <form class="console-filter" method="get" action="/console/connections" role="search">
            <div class="console-filter__field">
                <label for="filter-q">"Customer id or name"</label>
                <input id="filter-q" name="q" type="search" value=search maxlength="200" />
            </div>
            <div class="console-filter__field">
                <label for="filter-state">"State"</label>
                <select id="filter-state" name="state">
                    <option value="" selected=state.is_empty()>"Any"</option>
                    <option value="active" selected=state == "active">"Working"</option>
                    <option value="reauth_required" selected=state == "reauth_required">"To reconnect"</option>
                </select>
            </div>
            <div class="console-filter__field">
                <label for="filter-reason">"Reason"</label>
                <select id="filter-reason" name="reason">
                    <option value="" selected=reason.is_empty()>"Any"</option>
                    {Reason::iter()
                        .map(|each| {
                            let value = each.as_str();
                            view! { <option value=value selected=value == reason>{value}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="console-filter__field">
                <label for="filter-app">"App (slug)"</label>
                <input id="filter-app" name="app" type="text" value=app maxlength="64" spellcheck="false" />
            </div>
            <button class="button" type="submit">"Filter"</button>
        </form>
    }
}

fn table(found: Vec<Listed>) -> impl IntoView {
    if found.is_empty() {
        return view! { <p class="console-empty" id="no-connections">"No connection matches."</p> }
            .into_any();
    }
    let shown = found.len();
    view! {
        <p class="hint">{format!("{shown} connection(s), most recently changed first{}.", if shown as u64 == connections::PAGE { " (the first 100)" } else { "" })}</p>
        <div class="console-scroll" tabindex="0" role="region" aria-label="Connections, scrolls sideways">
            <table class="console-table console-table--wide">
                <thead>
                    <tr>
                        <th scope="col">"Customer"</th>
                        <th scope="col">"App"</th>
                        <th scope="col">"Account"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Changed"</th>
                    </tr>
                </thead>
                <tbody>
                    {found.into_iter().map(row).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn row(
    Listed {
        connection,
        account,
    }: Listed,
) -> impl IntoView {
    let href = format!("/console/connections/{}", connection.id);
    let customer = view::customer(&account);
    let state = view::state_words(&connection);
    view! {
        <tr data-connection=connection.id.clone()>
            <th scope="row"><a href=href>{customer}</a></th>
            <td><code>{connection.slug.clone()}</code></td>
            <td>{connection.identifier.clone().unwrap_or_default()}</td>
            <td>{state}</td>
            <td>{view::when(connection.updated_at)}</td>
        </tr>
    }
}
