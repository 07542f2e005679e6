//! Links and widgets made for some apps (`apps`) or opening on one (`app`).

use serde_json::{Value, json};

use crate::embed::{Events, page, post_form};
use crate::helpers::{TestApp, TestOrg, assert_error, spawn_app};

/// `POST /api/v2/public/{path}` for the linked account `cust` with `extra` fields.
async fn make(app: &TestApp, org: &TestOrg, path: &str, extra: Value) -> reqwest::Response {
    let mut body = json!({ "linked_account_id": "cust" });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.post_json(org, &format!("/api/v2/public/{path}"), body)
        .await
}

/// The slugs of the cards a page shows, in order.
fn cards(html: &str) -> Vec<String> {
    html.split("data-app-card=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn apps_and_app_are_checked_against_the_orgs_enabled_apps() {
    let app = spawn_app().await;
    let org = app.org("Scope Co", &["slack", "hubspot", "twilio"]).await;
    app.upsert_account(&org, "cust").await;
    let many: Vec<String> = (0..101).map(|_| "slack".to_owned()).collect();
    for path in ["connect-url", "embed-token"] {
        for (extra, field, says) in [
            (json!({ "apps": [] }), "apps", "at least one"),
            (
                json!({ "apps": ["slack", "nope"] }),
                "apps",
                "“nope” is not an app",
            ),
            (
                json!({ "apps": ["salesforce"] }),
                "apps",
                "“salesforce” is not an app",
            ),
            (json!({ "apps": ["<script>ü"] }), "apps", "is not an app"),
            (json!({ "apps": many }), "apps", "at most 100"),
            (json!({ "app": "pipedrive" }), "app", "is not an app"),
            (json!({ "app": "" }), "app", "is not an app"),
            (
                json!({ "apps": ["slack"], "app": "twilio" }),
                "app",
                "must be one of",
            ),
        ] {
            let response = make(&app, &org, path, extra.clone()).await;
            let body = assert_error(response, 422, "validation_failed").await;
            let message = body["error"]["fields"][field].as_str().unwrap_or_default();
            assert!(message.contains(says), "{path} {extra}: {body}");
        }
        // A list that is not a list of text is malformed.
        let response = make(&app, &org, path, json!({ "apps": "slack" })).await;
        assert!(response.status().is_client_error(), "{path}");
    }
    assert_eq!(app.count("session_token").await, 0, "nothing was issued");
}

#[tokio::test]
async fn a_widget_made_for_some_apps_shows_and_acts_on_those_only() {
    let app = spawn_app().await;
    let org = app
        .org("Scope Co", &["slack", "hubspot", "twilio", "stripe"])
        .await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "hubspot", "Acme CRM", None)
        .await;
    let issued: Value = make(
        &app,
        &org,
        "embed-token",
        json!({ "apps": ["slack", "twilio"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let token = issued["token"].as_str().unwrap().to_owned();

    let html = page(&app, &format!("/embed/{token}")).await;
    assert_eq!(cards(&html), ["slack", "twilio"], "only the apps asked for");

    // Its stream says nothing of the other apps' connections.
    let mut stream = Events::open(&app, &token).await;
    assert_eq!(stream.state().await["connections"], json!([]));

    // Its token connects, saves and disconnects nothing else.
    let before = (
        app.count("oauth_state").await,
        app.count("connection").await,
    );
    let refused = [
        ("/_portal/connect", vec![("slug", "hubspot")]),
        (
            "/_portal/save-keys",
            vec![
                ("slug", "stripe"),
                ("values[secret_key]", "sk_test_1234567890"),
            ],
        ),
        ("/_portal/disconnect", vec![("slug", "hubspot")]),
    ];
    for (path, mut form) in refused {
        form.push(("embed", token.as_str()));
        let next = post_form(&app, path, &form).await;
        let shown = page(&app, &next).await;
        assert!(shown.contains("is not offered here"), "{path}: {shown}");
    }
    assert_eq!(
        (
            app.count("oauth_state").await,
            app.count("connection").await
        ),
        before,
        "nothing changed"
    );

    // The apps it does show work as before.
    let next = post_form(
        &app,
        "/_portal/save-keys",
        &[
            ("slug", "twilio"),
            ("embed", token.as_str()),
            ("values[number]", "+14155550100"),
            ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
        ],
    )
    .await;
    assert!(page(&app, &next).await.contains("Twilio is connected."));
}

#[tokio::test]
async fn a_link_made_for_one_app_opens_on_it() {
    let app = spawn_app().await;
    let org = app.org("Scope Co", &["slack", "hubspot", "twilio"]).await;
    app.upsert_account(&org, "cust").await;
    app.connection(
        &org,
        "cust",
        "slack",
        "Acme workspace",
        Some(app::dto::ReauthReason::TokenRevoked),
    )
    .await;

    // `app` alone: that app and nothing else, with no way to the others.
    let link: Value = make(&app, &org, "connect-url", json!({ "app": "slack" }))
        .await
        .json()
        .await
        .unwrap();
    let html = app.open(link["hosted_url"].as_str().unwrap()).await;
    assert_eq!(cards(&html), ["slack"]);
    assert!(html.contains("<h1>Reconnect Slack</h1>"), "{html}");
    assert!(html.contains("aria-label=\"Reconnect: Slack\""));
    assert!(!html.contains("data-all-apps"));
    assert!(!html.contains("id=\"app-search\""));
    let all = app.html(&app.url("/connect?all=1")).await;
    assert_eq!(
        cards(&all),
        ["slack"],
        "`all` shows no more than the link allows"
    );

    // A key-based app among others: its form a click away, and the list a link away.
    let link: Value = make(
        &app,
        &org,
        "connect-url",
        json!({ "apps": ["twilio", "hubspot"], "app": "twilio" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let html = app.open(link["hosted_url"].as_str().unwrap()).await;
    assert_eq!(cards(&html), ["twilio"]);
    assert!(html.contains("<h1>Connect Twilio</h1>"));
    assert!(html.contains("aria-label=\"Connect: Twilio\""), "{html}");
    assert!(html.contains("data-all-apps"));
    let all = app.html(&app.url("/connect?all=1")).await;
    assert_eq!(cards(&all), ["hubspot", "twilio"]);
    assert!(
        all.contains(r#"<input type="hidden" name="all" value="1""#),
        "search keeps to the list"
    );
}
