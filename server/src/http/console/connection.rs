//! `/console/connections/{id}`: one connection: its customer, app and account at the provider,
//! its state, expiries and last use, its audit trail, and what can be done: check it now
//! (a token refresh, or the key's verification request), flag it, disconnect it, or make a
//! fresh hosted link for its customer. Each action is the same domain call the API and the
//! command line make, with the console as the actor.

use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use sea_orm::Iterable;
use serde::Deserialize;

use super::operator::{Operator, SignedIn};
use super::view::{self, Done, Section};
use crate::console::connections::{self as found, Detail};
use crate::entity::connection::Reason;
use crate::entity::connection_event::Actor;
use crate::http::AppState;

pub(super) async fn show(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let note = match done.done.as_str() {
        "checked" => Some("Checked now; the trail below says what came of it.".to_owned()),
        "flagged" => Some("Flagged; the vendor's webhook says so.".to_owned()),
        _ => None,
    };
    page(&state, &operator, &id, note, None).await
}

/// The page of connection `id`, with a banner and, once, a fresh hosted link.
async fn page(
    state: &AppState,
    operator: &Operator,
    id: &str,
    note: Option<String>,
    link: Option<String>,
) -> Response {
    let org = match view::org_of(state, operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let detail = match found::detail(&state.db, &operator.org_id, operator.environment, id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return view::not_found(operator, &org.name, "No such connection"),
        Err(error) => return view::unavailable(&error),
    };
    let title = format!(
        "{} for {}",
        detail.connection.slug, detail.account.external_id
    );
    let body = details_view(&detail, operator, note, link);
    view::signed_in(operator, &org.name, Section::Connections, &title, body)
}

fn details_view(
    detail: &Detail,
    operator: &Operator,
    note: Option<String>,
    link: Option<String>,
) -> impl IntoView + use<> {
    let connection = &detail.connection;
    let account = &detail.account;
    let facts: Vec<(&'static str, String)> = vec![
        ("Customer", view::customer(account)),
        ("App", connection.slug.clone()),
        (
            "Account at the provider",
            connection
                .identifier
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
        ),
        (
            "Provider's account id",
            connection
                .account_id
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
        ),
        ("State", view::state_words(connection)),
        ("Connected", view::when(connection.connected_at)),
        (
            "Access token expires",
            connection
                .access_expires_at
                .map_or("—".to_owned(), view::when),
        ),
        (
            "Refresh token expires",
            connection
                .refresh_expires_at
                .map_or("—".to_owned(), view::when),
        ),
        (
            "Last used",
            connection
                .last_used_at
                .map_or("never".to_owned(), view::when),
        ),
        (
            "Last checked",
            connection.checked_at.map_or("—".to_owned(), view::when),
        ),
        ("Connection id", connection.id.clone()),
    ];
    let action = format!("/console/connections/{}", connection.id);
    let csrf = operator.csrf.clone();
    let trail: Vec<_> = detail.trail.iter().rev().cloned().collect();
    view! {
        {note.map(|note| view! { <p class="banner banner--ok" role="status">{note}</p> })}
        {link.map(|link| view! {
            <div class="banner banner--ok" role="status">
                <p>"A new hosted link for this customer, shown once (valid for a day):"</p>
                <p><input class="console-copy" id="fresh-link" type="text" readonly value=link aria-label="The new hosted link" /></p>
            </div>
        })}
        <dl class="console-facts">
            {facts.into_iter().map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
        <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">"Actions"</h2>
            <div class="console-actions">
                <form method="post" action=action.clone()>
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="action" value="check" />
                    <button class="button button--quiet" type="submit">"Check now"</button>
                </form>
                <form method="post" action=action.clone()>
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="action" value="link" />
                    <button class="button button--quiet" type="submit">"New hosted link"</button>
                </form>
                <form method="post" action=action.clone() class="console-actions__flag">
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="action" value="flag" />
                    <label for="flag-reason">"Reason"</label>
                    <select id="flag-reason" name="reason">
                        {Reason::iter().map(|reason| view! { <option value=reason.as_str()>{reason.as_str()}</option> }).collect_view()}
                    </select>
                    <button class="button button--quiet" type="submit">"Flag for reconnecting"</button>
                </form>
                <form method="post" action=action>
                    <input type="hidden" name="csrf" value=csrf />
                    <input type="hidden" name="action" value="disconnect" />
                    <button class="button button--danger" type="submit">"Disconnect"</button>
                </form>
            </div>
        </section>
        <section aria-labelledby="trail-heading">
            <h2 id="trail-heading">"Audit trail"</h2>
            <div class="console-scroll" tabindex="0" role="region" aria-label="Audit trail, scrolls sideways">
                <table class="console-table console-table--wide" id="trail">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Why"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {trail.into_iter().map(|event| {
                            let what = match event.reason {
                                Some(reason) => format!("{} ({})", event.kind.as_str(), reason.as_str()),
                                None => event.kind.as_str().to_owned(),
                            };
                            view! {
                                <tr data-kind=event.kind.as_str()>
                                    <td>{view::when(event.created_at)}</td>
                                    <td>{what}</td>
                                    <td>{event.actor.as_str()}</td>
                                    <td>{event.detail.unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[derive(Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /console/connections/{id}`: one action, then back to the connection.
pub(super) async fn act(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let detail = match found::detail(&state.db, &operator.org_id, operator.environment, &id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return view::unavailable(&error),
    };
    let back = format!("/console/connections/{id}");
    let now = state.clock.now();
    match form.action.as_str() {
        "check" => match check(&state, &detail).await {
            Ok(()) => Redirect::to(&format!("{back}?done=checked")).into_response(),
            Err(error) => view::unavailable(&error),
        },
        "flag" => {
            let Some(reason) = Reason::iter().find(|reason| reason.as_str() == form.reason) else {
                return view::stale_form();
            };
            let why = format!("flagged by {}", operator.actor);
            let flag = crate::connections::Flag::new(reason.into(), Actor::Console, &why, now);
            match state.connections().flag(&id, None, &flag).await {
                Ok(_) => Redirect::to(&format!("{back}?done=flagged")).into_response(),
                Err(error) => view::unavailable(&error),
            }
        }
        "disconnect" => {
            let (account, connection) = (&detail.account, &detail.connection);
            match state
                .disconnect_one(account, connection, Actor::Console)
                .await
            {
                Ok(_) => Redirect::to(&format!(
                    "/console/connections?done=disconnected&q={}",
                    url::form_urlencoded::byte_serialize(account.external_id.as_bytes())
                        .collect::<String>()
                ))
                .into_response(),
                Err(error) => view::unavailable(&error),
            }
        }
        "link" => {
            let issued = crate::sessions::issue(
                &state.db,
                &detail.account,
                &crate::sessions::Issue::plain(
                    crate::sessions::Purpose::Hosted,
                    chrono::Duration::days(1),
                ),
                now,
            )
            .await;
            match issued {
                Ok(issued) => {
                    let url = format!("{}/connect/{}", state.public_url, issued.token);
                    page(&state, &operator, &id, None, Some(url)).await
                }
                Err(error) => view::unavailable(&error),
            }
        }
        _ => view::stale_form(),
    }
}

/// A token refresh for an OAuth2 connection, the verification request for a key-based one.
async fn check(state: &AppState, detail: &Detail) -> Result<(), String> {
    let (account, connection) = (&detail.account, &detail.connection);
    let app = state
        .enabled_app(account, &connection.slug)
        .await
        .map_err(|error| error.to_string())?;
    if app.oauth.is_some() {
        crate::oauth::refresh(
            &state.services,
            &connection.id,
            crate::connections::Due::Now,
            Actor::Console,
        )
        .await
        .map(|_| ())
        .map_err(|error| error.to_string())
    } else {
        let ctx = state.connections();
        crate::connections::check::keys(
            &ctx,
            account,
            connection,
            app.verify.as_ref(),
            crate::connections::check::Asker::Console,
        )
        .await
        .map(|_| ())
        .map_err(|error| error.to_string())
    }
}
