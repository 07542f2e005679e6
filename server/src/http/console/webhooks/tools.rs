//! What the console's webhooks page does: send one event or a time range again (with their
//! first `webhook-id`s), send a signed test now, and rotate a subscription's secret (shown
//! once). Each for one of the signed-in org's subscriptions only.

use axum::{
    Form,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::Deserialize;

use super::super::operator::{Operator, SignedIn};
use super::super::view::{self, Field, Input};
use super::{Shown, page};
use crate::entity::webhook_subscription;
use crate::http::AppState;
use crate::webhooks::outbox::{self, Replay, Replayed};

/// The form that sends every event of a time range again to one subscription.
pub(super) fn range_form(
    subscriptions: &[webhook_subscription::Model],
    csrf: String,
    refused: Option<&(String, String)>,
    typed: Option<&SubscriptionForm>,
) -> Option<impl IntoView + use<>> {
    if subscriptions.is_empty() {
        return None;
    }
    let chosen = typed.map(|typed| typed.subscription.as_str());
    let options: Vec<_> = subscriptions
        .iter()
        .map(|subscription| {
            let selected = (chosen == Some(subscription.id.as_str())).then_some("selected");
            (subscription.id.clone(), subscription.url.clone(), selected)
        })
        .collect();
    let (since, until) = typed.map_or_else(Default::default, |typed| {
        (typed.since.clone(), typed.until.clone())
    });
    let fields = [
        Field::new("since", "From (UTC)", Input::Text)
            .value(since)
            .hint("As 2026-12-06T09:00 or 2026-12-06T09:00:00Z.")
            .refused(refused)
            .max(40),
        Field::new("until", "Until (UTC)", Input::Text)
            .value(until)
            .hint("Empty means now. A range covers at most 7 days.")
            .refused(refused)
            .max(40),
    ];
    Some(view! {
        <h3 id="range-heading">"Send a time range again"</h3>
        <form class="console-form" method="post" action="/console/webhooks/replay-range" aria-labelledby="range-heading">
            <input type="hidden" name="csrf" value=csrf />
            <div class="console-field">
                <label for="range-subscription">"To"</label>
                <select id="range-subscription" name="subscription">
                    {options.into_iter().map(|(id, url, selected)| view! { <option value=id selected=selected>{url}</option> }).collect_view()}
                </select>
            </div>
            {fields.into_iter().map(Field::view).collect_view()}
            <button class="button" type="submit">"Send the range again"</button>
        </form>
    })
}

/// `POST /console/webhooks/replay`: one event again for one of the org's subscriptions.
pub(in crate::http::console) async fn replay(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<SubscriptionForm>,
) -> Response {
    let subscription = match subscription_of(&state, &operator, &form).await {
        Ok(subscription) => subscription,
        Err(refused) => return refused,
    };
    let Ok(event_id) = form.event.parse::<i64>() else {
        return view::stale_form();
    };
    let now = state.clock.now();
    match outbox::replay(&state.db, &subscription, Replay::Event(event_id), now).await {
        Ok(Replayed::Queued { queued, .. }) if queued > 0 => {
            tracing::info!(actor = %operator.actor, event = event_id, "console: replayed a webhook");
            Redirect::to("/console/webhooks?done=replayed").into_response()
        }
        // Still being retried: its next attempt is now.
        Ok(Replayed::Queued { .. }) => {
            match outbox::retry_now(&state.db, &subscription, event_id, now).await {
                Ok(true) => Redirect::to("/console/webhooks?done=replayed").into_response(),
                Ok(false) => Redirect::to("/console/webhooks?done=pending").into_response(),
                Err(error) => view::unavailable(&error),
            }
        }
        Ok(_) => view::stale_form(),
        Err(error) => view::unavailable(&error),
    }
}

#[derive(Deserialize, Clone)]
pub(in crate::http::console) struct SubscriptionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subscription: String,
    /// The event to send again, by its cursor.
    #[serde(default)]
    event: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

/// The org's subscription a form names, or the page to answer instead (another org's is as
/// unknown as a made-up one).
async fn subscription_of(
    state: &AppState,
    operator: &Operator,
    form: &SubscriptionForm,
) -> Result<webhook_subscription::Model, Response> {
    if !operator.csrf_matches(&form.csrf) {
        return Err(view::stale_form());
    }
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let found =
        crate::webhooks::subscriptions::find(&state.db, org_id, environment, &form.subscription);
    match found.await {
        Ok(Some(subscription)) => Ok(subscription),
        Ok(None) => Err(view::stale_form()),
        Err(error) => Err(view::unavailable(&error)),
    }
}

/// `POST /console/webhooks/test`: a signed test message now, and what came back.
pub(in crate::http::console) async fn test(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<SubscriptionForm>,
) -> Response {
    let subscription = match subscription_of(&state, &operator, &form).await {
        Ok(subscription) => subscription,
        Err(refused) => return refused,
    };
    let now = state.clock.now();
    let answer = match crate::webhooks::send_test(&state.outbound(), &subscription, now).await {
        Ok(answer) => answer,
        Err(error) => return view::unavailable(&error),
    };
    tracing::info!(actor = %operator.actor, subscription = %subscription.id, "console: sent a test");
    let shown = Shown {
        note: Some(format!(
            "A test was sent to {}; it was answered: {answer}.",
            subscription.url
        )),
        ..Shown::default()
    };
    page(&state, &operator, shown).await
}

/// `POST /console/webhooks/rotate`: a new signing secret, shown once.
pub(in crate::http::console) async fn rotate(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<SubscriptionForm>,
) -> Response {
    let subscription = match subscription_of(&state, &operator, &form).await {
        Ok(subscription) => subscription,
        Err(refused) => return refused,
    };
    let now = state.clock.now();
    let rotated =
        crate::webhooks::subscriptions::rotate_secret(&state.db, &state.vault, subscription, now);
    let secret = match rotated.await {
        Ok((_, secret)) => secret,
        Err(error) => return view::unavailable(&error),
    };
    tracing::info!(actor = %operator.actor, "console: rotated a webhook secret");
    let shown = Shown {
        secret: Some(secret.to_string()),
        ..Shown::default()
    };
    page(&state, &operator, shown).await
}

/// A time the range form was given: RFC 3339, or a `datetime-local` value read as UTC.
fn time_of(field: &str, text: &str) -> Result<Option<DateTime<Utc>>, (String, String)> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Ok(Some(at.and_utc()));
        }
    }
    Err((
        field.to_owned(),
        "must be a time such as 2026-12-06T09:00 (UTC) or 2026-12-06T09:00:00Z".to_owned(),
    ))
}

/// `POST /console/webhooks/replay-range`: every event of a time range again, to one
/// subscription, with their first `webhook-id`s.
pub(in crate::http::console) async fn replay_range(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<SubscriptionForm>,
) -> Response {
    let subscription = match subscription_of(&state, &operator, &form).await {
        Ok(subscription) => subscription,
        Err(refused) => return refused,
    };
    let now = state.clock.now();
    let range = time_of("since", &form.since).and_then(|since| {
        let since = since.ok_or(("since".to_owned(), "must not be empty".to_owned()))?;
        Ok((since, time_of("until", &form.until)?.unwrap_or(now)))
    });
    let refused = |at: (String, String)| Shown {
        refused: Some(at),
        typed: Some(form.clone()),
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        ..Shown::default()
    };
    let (since, until) = match range {
        Ok(range) => range,
        Err(at) => return page(&state, &operator, refused(at)).await,
    };
    let replayed = outbox::replay(&state.db, &subscription, Replay::Range(since, until), now);
    let shown = match replayed.await {
        Ok(Replayed::Queued { queued, pending }) => {
            tracing::info!(actor = %operator.actor, queued, "console: replayed a range");
            Shown {
                note: Some(format!(
                    "Queued {queued} again; {pending} of that range were still waiting and were left as they are."
                )),
                ..Shown::default()
            }
        }
        Ok(Replayed::BadRange) => refused((
            "until".to_owned(),
            "a range covers at most 7 days and ends after it starts: send a longer time in parts"
                .to_owned(),
        )),
        Ok(Replayed::TooMany(found)) => refused((
            "since".to_owned(),
            format!(
                "the range holds {found} events; at most {} are sent again at once: choose a shorter range",
                outbox::REPLAY_MOST
            ),
        )),
        Ok(Replayed::UnknownEvent) => Shown::default(),
        Err(error) => return view::unavailable(&error),
    };
    page(&state, &operator, shown).await
}
