//! `GET /console`: the overview of the signed-in org's environment.

use axum::{extract::State, response::Response};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::operator::SignedIn;
use super::view::{self, Section};
use crate::console::overview::{self, Overview};
use crate::http::AppState;

pub(super) async fn show(State(state): State<AppState>, SignedIn(operator): SignedIn) -> Response {
    let now = state.clock.now();
    let org = match crate::tenancy::find_org(&state.db, &operator.org_id).await {
        Ok(Some(org)) => org,
        Ok(None) => return view::link_refused(),
        Err(error) => return view::unavailable(&error),
    };
    let numbers = match overview::read(&state.db, &operator.org_id, operator.environment, now).await
    {
        Ok(numbers) => numbers,
        Err(error) => return view::unavailable(&error),
    };
    view::signed_in(
        &operator,
        &org.name,
        Section::Overview,
        "Overview",
        numbers_view(numbers, now),
    )
}

fn numbers_view(numbers: Overview, now: DateTime<Utc>) -> impl IntoView {
    let flagged_total = numbers.flagged_total();
    let oldest = numbers
        .oldest_pending
        .map(|queued| format!("the oldest queued {} ago", ago(now - queued)));
    let reasons: Vec<(&'static str, u64)> = numbers
        .flagged
        .iter()
        .map(|(reason, count)| (reason.as_str(), *count))
        .collect();
    view! {
        <section class="tiles" aria-label="Numbers">
            <div class="tile">
                <p class="tile__number" id="count-accounts">{numbers.linked_accounts}</p>
                <p class="tile__label">"Linked accounts"</p>
            </div>
            <div class="tile">
                <p class="tile__number" id="count-active">{numbers.active}</p>
                <p class="tile__label">"Connections working"</p>
            </div>
            <div class="tile">
                <p class="tile__number" id="count-flagged">{flagged_total}</p>
                <p class="tile__label">"Connections to reconnect"</p>
            </div>
            <div class="tile">
                <p class="tile__number" id="count-flagged-day">{numbers.flagged_last_day}</p>
                <p class="tile__label">"Flagged in the last 24 hours"</p>
            </div>
        </section>
        <section aria-labelledby="reasons-heading">
            <h2 id="reasons-heading">"To reconnect, by reason"</h2>
            <table class="console-table">
                <thead>
                    <tr>
                        <th scope="col">"Reason"</th>
                        <th scope="col" class="number">"Connections"</th>
                    </tr>
                </thead>
                <tbody>
                    {reasons
                        .into_iter()
                        .map(|(reason, count)| {
                            view! {
                                <tr data-reason=reason>
                                    <th scope="row"><code>{reason}</code></th>
                                    <td class="number">{count}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            <ul class="console-list">
                <li id="webhooks-pending">
                    {numbers.pending} " waiting to be sent"
                    {oldest.map(|oldest| format!(", {oldest}"))}
                </li>
                <li id="webhooks-retrying">{numbers.retrying} " failing, to be tried again"</li>
                <li id="webhooks-given-up">{numbers.given_up} " given up after their last attempt"</li>
            </ul>
        </section>
    }
}

/// A duration in the largest whole unit: `3 minutes`, `2 hours`, `5 days`.
fn ago(elapsed: chrono::Duration) -> String {
    let seconds = elapsed.num_seconds().max(0);
    let (count, unit) = match seconds {
        0..60 => (seconds, "second"),
        60..3600 => (seconds / 60, "minute"),
        3600..86_400 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}
