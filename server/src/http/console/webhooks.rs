//! `/console/webhooks`: the environment's subscriptions, and its newest deliveries (all, or
//! only the failing) with every attempt's status and time; any delivery's event can be sent
//! again (the same `webhook-id`), as the API's replay does.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use leptos::prelude::*;
use serde::Deserialize;

use super::operator::{Operator, SignedIn};
use super::view::{self, Section};
use crate::console::webhooks::{self, Delivery};
use crate::entity::webhook_subscription;
use crate::http::AppState;

mod tools;

pub(super) use tools::{replay, replay_range, rotate, test};

#[derive(Deserialize, Default)]
pub(super) struct Asked {
    #[serde(default)]
    failing: String,
    #[serde(default)]
    done: String,
}

pub(super) async fn show(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Query(asked): Query<Asked>,
) -> Response {
    let note = match asked.done.as_str() {
        "replayed" => Some("Queued again; it is sent within seconds.".to_owned()),
        "pending" => Some("That event is still waiting to be sent; nothing was added.".to_owned()),
        _ => None,
    };
    let shown = Shown {
        failing: asked.failing == "1",
        note,
        ..Shown::default()
    };
    page(&state, &operator, shown).await
}

/// What the page shows besides the lists: a banner, a new secret (once), a refused range.
#[derive(Default)]
struct Shown {
    failing: bool,
    note: Option<String>,
    secret: Option<String>,
    refused: Option<(String, String)>,
    /// What a refused range form had, shown again.
    typed: Option<tools::SubscriptionForm>,
    status: Option<StatusCode>,
}

async fn page(state: &AppState, operator: &Operator, shown: Shown) -> Response {
    let org = match view::org_of(state, operator).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let failing = shown.failing;
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let subscriptions =
        match crate::webhooks::subscriptions::list(&state.db, org_id, environment).await {
            Ok(found) => found,
            Err(error) => return view::unavailable(&error),
        };
    let deliveries = match webhooks::deliveries(&state.db, org_id, environment, failing).await {
        Ok(found) => found,
        Err(error) => return view::unavailable(&error),
    };
    let csrf = operator.csrf.clone();
    let (refused, typed) = (shown.refused.as_ref(), shown.typed.as_ref());
    let range = tools::range_form(&subscriptions, csrf.clone(), refused, typed);
    let body = view! {
        {shown.note.map(|done| view! { <p class="banner banner--ok" role="status">{done}</p> })}
        {shown.secret.map(|secret| view! {
            <div class="banner banner--ok" role="status">
                <p>"The subscription's new signing secret. It is shown this once: copy it now. The old one keeps signing beside it for 24 hours."</p>
                <p><input class="console-copy" id="new-secret" type="text" readonly value=secret aria-label="The new signing secret" /></p>
            </div>
        })}
        <section aria-labelledby="subscriptions-heading">
            <h2 id="subscriptions-heading">"Subscriptions"</h2>
            {subscriptions_view(subscriptions, csrf.clone())}
        </section>
        <section aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">"Deliveries"</h2>
            <p>
                {if failing {
                    view! { "Failing only. " <a href="/console/webhooks">"Show all"</a> }.into_any()
                } else {
                    view! { "The newest 50. " <a href="/console/webhooks?failing=1">"Show the failing only"</a> }.into_any()
                }}
            </p>
            {deliveries_view(deliveries, csrf)}
            {range}
        </section>
    };
    let mut response = view::signed_in(operator, &org.name, Section::Webhooks, "Webhooks", body);
    *response.status_mut() = shown.status.unwrap_or(StatusCode::OK);
    response
}

fn subscriptions_view(
    subscriptions: Vec<webhook_subscription::Model>,
    csrf: String,
) -> impl IntoView {
    if subscriptions.is_empty() {
        return view! { <p class="console-empty">"No subscription yet (POST /api/v2/public/webhook)."</p> }.into_any();
    }
    view! {
        <ul class="console-list">
            {subscriptions
                .into_iter()
                .map(|subscription| {
                    let events = crate::webhooks::subscriptions::events_of(&subscription).join(", ");
                    let enabled = if subscription.enabled { "on" } else { "off" };
                    let test_label = format!("Send a test to {}", subscription.url);
                    let rotate_label = format!("Rotate the secret of {}", subscription.url);
                    view! {
                        <li data-subscription=subscription.id.clone()>
                            <code>{subscription.url.clone()}</code> " (" {enabled} "): " {events}
                            <div class="console-actions">
                                <form method="post" action="/console/webhooks/test">
                                    <input type="hidden" name="csrf" value=csrf.clone() />
                                    <input type="hidden" name="subscription" value=subscription.id.clone() />
                                    <button class="button button--quiet" type="submit" aria-label=test_label>"Send a test"</button>
                                </form>
                                <form method="post" action="/console/webhooks/rotate">
                                    <input type="hidden" name="csrf" value=csrf.clone() />
                                    <input type="hidden" name="subscription" value=subscription.id.clone() />
                                    <button class="button button--quiet" type="submit" aria-label=rotate_label>"Rotate the secret"</button>
                                </form>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn deliveries_view(deliveries: Vec<Delivery>, csrf: String) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="console-empty" id="no-deliveries">"No delivery here."</p> }
            .into_any();
    }
    view! {
        <div class="console-scroll" tabindex="0" role="region" aria-label="Deliveries, scrolls sideways">
            <table class="console-table console-table--wide" id="deliveries">
                <thead>
                    <tr>
                        <th scope="col">"Queued"</th>
                        <th scope="col">"Event"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Send again"</th>
                    </tr>
                </thead>
                <tbody>
                    {deliveries.into_iter().map(|delivery| delivery_row(delivery, csrf.clone())).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn delivery_row(
    Delivery {
        customer,
        delivery,
        event,
        attempts,
    }: Delivery,
    csrf: String,
) -> impl IntoView {
    let name = event.kind.event_name().unwrap_or("—");
    let about = match event.reason {
        Some(reason) => format!("{name}: {} of {customer} ({})", event.slug, reason.as_str()),
        None => format!("{name}: {} of {customer}", event.slug),
    };
    let state = match delivery.state {
        crate::entity::webhook_delivery::State::Delivered => "delivered",
        crate::entity::webhook_delivery::State::Pending if delivery.attempts > 0 => {
            "failing, to be tried again"
        }
        crate::entity::webhook_delivery::State::Pending => "waiting",
        crate::entity::webhook_delivery::State::Dead => "given up",
        crate::entity::webhook_delivery::State::Disabled => "subscription turned off",
    };
    let label = format!("Send again: {about}");
    let tried: Vec<String> = attempts
        .iter()
        .map(|attempt| {
            let answer = attempt
                .status
                .map_or_else(|| "no answer".to_owned(), |status| status.to_string());
            format!("{answer} at {}", view::when(attempt.attempted_at))
        })
        .collect();
    view! {
        <tr data-delivery=delivery.id data-event=event.kind.event_name().unwrap_or_default()>
            <td>{view::when(delivery.created_at)}</td>
            <td>{about}</td>
            <td>{state}</td>
            <td>
                {if tried.is_empty() {
                    view! { "none yet" }.into_any()
                } else {
                    view! { <ul class="console-attempts">{tried.into_iter().map(|each| view! { <li>{each}</li> }).collect_view()}</ul> }.into_any()
                }}
            </td>
            <td>
                <form method="post" action="/console/webhooks/replay">
                    <input type="hidden" name="csrf" value=csrf />
                    <input type="hidden" name="subscription" value=delivery.subscription_id.clone() />
                    <input type="hidden" name="event" value=event.id.to_string() />
                    <button class="button button--quiet" type="submit" aria-label=label>"Send again"</button>
                </form>
            </td>
        </tr>
    }
}
