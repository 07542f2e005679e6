//! The reason table, as every surface tells it: the API, the credentials API's 409, the
//! `Connection Expired` webhook, the card on the hosted page and the widget's events.

use app::dto::{ReauthReason, WidgetEvent, WidgetState};
use serde_json::Value;

use crate::embed::Events;
use crate::helpers::{assert_error, spawn_app, widget_token};
use crate::webhooks::{free_port, receiver, subscribe, verified, wait_for};

/// One app per reason: OAuth2 apps and a key-based one, so both kinds of button are seen.
const APPS: [(&str, ReauthReason); 5] = [
    ("twilio", ReauthReason::CredentialsExpired),
    ("slack", ReauthReason::TokenRevoked),
    ("hubspot", ReauthReason::RefreshTokenExpired),
    ("sandbox", ReauthReason::AppUninstalled),
    ("pipedrive", ReauthReason::AppDeleted),
];

/// The part of the page that is `slug`'s card.
fn card<'a>(html: &'a str, slug: &str) -> &'a str {
    let start = html
        .find(&format!("data-app-card=\"{slug}\""))
        .unwrap_or_else(|| panic!("no card for {slug}"));
    let rest = &html[start..];
    let end = rest[1..]
        .find("data-app-card=")
        .map_or(rest.len(), |at| at + 1);
    &rest[..end]
}

#[tokio::test]
async fn every_surface_gives_the_same_action_and_retryable_for_each_reason() {
    let app = spawn_app().await;
    let slugs: Vec<&str> = APPS.iter().map(|(slug, _)| *slug).collect();
    let org = app.org("Reasons Co", &slugs).await;
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    app.upsert_account(&org, "cust").await;
    for (slug, reason) in APPS {
        app.connection(&org, "cust", slug, &format!("{slug} account"), Some(reason))
            .await;
    }

    // The API: each app says its reason, action and whether a reconnect helps.
    let list = app
        .get_json(&org, "/api/v2/public/application", Some("cust"))
        .await;
    let apps = list.as_array().expect("a list of applications");
    for (slug, reason) in APPS {
        let entry = apps
            .iter()
            .find(|entry| entry["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug} listed"));
        assert_eq!(entry["reauth_reason"], reason.as_str(), "{slug}");
        assert_eq!(entry["reauth_action"], reason.action().as_str(), "{slug}");
        assert_eq!(entry["retryable"], reason.retryable(), "{slug}");

        let refused = app
            .get_as(
                &org,
                &format!("/api/v2/public/connection/{slug}/credentials"),
                Some("cust"),
            )
            .await;
        let body = assert_error(refused, 409, "reauth_required").await;
        assert_eq!(body["error"]["reauth_action"], reason.action().as_str());
        assert_eq!(body["error"]["retryable"], reason.retryable());
    }

    // The webhook: one signed `Connection Expired` per reason, with the same words.
    let deliveries = wait_for(&received, APPS.len() * 2).await;
    let expired: Vec<Value> = deliveries
        .iter()
        .map(|delivery| verified(&secret, delivery))
        .filter(|body| body["event"] == "Connection Expired")
        .collect();
    assert_eq!(expired.len(), APPS.len());
    for (slug, reason) in APPS {
        let body = expired
            .iter()
            .find(|body| body["slug"] == slug)
            .unwrap_or_else(|| panic!("no Connection Expired for {slug}"));
        assert_eq!(body["reason"], reason.as_str(), "{slug}");
        assert_eq!(body["reauth_action"], reason.action().as_str(), "{slug}");
        assert_eq!(body["retryable"], reason.retryable(), "{slug}");
    }

    // The card: the sentence, the codes, and the button's words.
    let html = app.open(&app.hosted_url(&org, "cust").await).await;
    for (slug, reason) in APPS {
        let card = card(&html, slug);
        let name = apps.iter().find(|entry| entry["slug"] == slug).unwrap()["name"]
            .as_str()
            .unwrap();
        assert!(card.contains(reason.explanation()), "{slug}: {card}");
        assert!(
            card.contains(&format!("data-action=\"{}\"", reason.action().as_str())),
            "{slug}: {card}"
        );
        assert!(
            card.contains(&format!("data-retryable=\"{}\"", reason.retryable())),
            "{slug}: {card}"
        );
        let button = format!("aria-label=\"{}: {name}\"", reason.action().label());
        assert!(card.contains(&button), "{slug} lacks {button}: {card}");
    }

    // The widget: the events its host page receives for the state the stream sends.
    let token = widget_token(&app, &org, "cust").await;
    let mut stream = Events::open(&app, &token).await;
    let state: WidgetState = serde_json::from_value(stream.state().await).unwrap();
    let events = state.changes_since(&WidgetState::default());
    for (slug, reason) in APPS {
        let event: &WidgetEvent = events
            .iter()
            .find(|event| event.slug == slug)
            .unwrap_or_else(|| panic!("no event for {slug}"));
        assert_eq!(event.kind, "portico:reauth_required");
        let sent = serde_json::to_value(event).unwrap();
        assert_eq!(sent["reason"], reason.as_str(), "{slug}");
        assert_eq!(sent["reauth_action"], reason.action().as_str(), "{slug}");
        assert_eq!(sent["retryable"], reason.retryable(), "{slug}");
    }
}
