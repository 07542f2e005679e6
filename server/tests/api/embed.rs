//! The embedded widget: its token, its page and headers, its forms with no cookie, and the state
//! stream it learns from.

use std::time::Duration;

use portico::tenancy;
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, SET_COOKIE, X_FRAME_OPTIONS};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_error, browser, consent, embed_token, session_token, spawn_app, spawn_app_with,
    widget_token,
};

/// A browser frame on another site: it keeps no cookie and does not follow redirects.
fn frame() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Posts one of the widget's forms as its frame would (same origin, no cookie); returns where
/// it sends the frame next.
pub(crate) async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> String {
    let response = frame()
        .post(app.url(path))
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{path}");
    assert!(response.headers().get(SET_COOKIE).is_none(), "{path}");
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// Connect in the widget, as its sign-in window sends the form: the answer sends the window to
/// the provider and gives it the flow cookie, a first-party cookie of that window.
async fn start_sign_in(app: &TestApp, window: &reqwest::Client, token: &str) -> url::Url {
    let response = window
        .post(app.url("/_portal/connect"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("slug", "sandbox"), ("embed", token)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("portico_flow="), "{cookie}");
    url::Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap()
}

/// A GET from inside a frame: no cookies.
async fn framed(app: &TestApp, path: &str) -> reqwest::Response {
    frame().get(app.url(path)).send().await.unwrap()
}

pub(crate) async fn page(app: &TestApp, path: &str) -> String {
    let response = framed(app, path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert!(response.headers().get(SET_COOKIE).is_none(), "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_embed_token_opens_the_widget_and_nothing_else() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "twilio"]).await;
    let issued = embed_token(&app, &org, "cust").await;
    let token = issued["token"].as_str().unwrap();
    assert_eq!(
        issued["embed_url"].as_str().unwrap(),
        format!("{}/embed/{token}", app.base)
    );
    assert!(issued["expires_at"].as_str().unwrap().ends_with('Z'));

    // The widget needs no cookie, and sets none; every form carries the token.
    let html = page(&app, &format!("/embed/{token}")).await;
    assert!(html.contains("data-app-card=\"sandbox\""));
    assert!(html.contains("data-app-card=\"twilio\""));
    assert_eq!(
        html.matches(&format!("name=\"embed\" value=\"{token}\""))
            .count(),
        2,
        "the sandbox's Connect form and Twilio's key form"
    );
    assert!(
        !html.contains("class=\"lede\"") && !html.contains("<header class=\"brand\""),
        "no page chrome: the frame around it is the vendor's page"
    );

    // Not a hosted link, not an SDK token.
    let hosted = framed(&app, &format!("/connect/{token}")).await;
    assert_eq!(hosted.status(), 410);
    let sdk = app.sdk_get("/api/v2/f-sdk/application", token).await;
    assert_eq!(sdk.status(), 401);
    // Nor does either of those open the widget, or its state stream.
    let link = app.hosted_url(&org, "cust").await;
    let link_token = link.rsplit('/').next().unwrap().to_owned();
    let sdk_token = session_token(&app, &org, "cust").await;
    for other in [link_token.as_str(), sdk_token.as_str()] {
        let response = framed(&app, &format!("/embed/{other}")).await;
        assert_eq!(response.status(), 401);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This link is not valid")
        );
        let events = framed(&app, &format!("/embed/{other}/events")).await;
        assert_eq!(events.status(), 401);
    }

    // Revoked like any token: the widget stops at once.
    let id = issued["id"].as_str().unwrap();
    let path = format!("/api/v2/public/session-token/{id}");
    let revoked = app.call(&org, reqwest::Method::DELETE, &path).await;
    assert_eq!(revoked.status(), 204);
    let gone = framed(&app, &format!("/embed/{token}")).await;
    assert_eq!(gone.status(), 401);
}

#[tokio::test]
async fn bad_embed_token_requests_name_the_field_and_create_nothing() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let long = "x".repeat(300);
    let cases = [
        (json!({}), 422, "linked_account_id"),
        (json!({ "linked_account_id": "" }), 422, "linked_account_id"),
        (
            json!({ "linked_account_id": long }),
            422,
            "linked_account_id",
        ),
        (
            json!({ "linked_account_id": "a", "expires_in": 10 }),
            422,
            "expires_in",
        ),
        (
            json!({ "linked_account_id": "a", "expires_in": 31 * 86_400 }),
            422,
            "expires_in",
        ),
        (
            json!({ "linked_account_id": "a", "expires_in": "soon" }),
            422,
            "expires_in",
        ),
    ];
    for (body, status, field) in cases {
        let response = app
            .post_json(&org, "/api/v2/public/embed-token", body.clone())
            .await;
        let answer = assert_error(response, status, "validation_failed").await;
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{body}: {answer}"
        );
    }
    let unauthenticated = app
        .client
        .post(app.url("/api/v2/public/embed-token"))
        .json(&json!({ "linked_account_id": "a" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_eq!(app.count("session_token").await, 0);
    assert_eq!(app.count("linked_account").await, 0);

    // A unicode name is kept as given, and the token lives as long as asked.
    let response = app
        .post_json(
            &org,
            "/api/v2/public/embed-token",
            json!({ "linked_account_id": "zoë", "name": "Zoë Ümlaut 🚀", "expires_in": 120 }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let left = expires - chrono::Utc::now();
    assert!(left <= chrono::Duration::seconds(120) && left > chrono::Duration::seconds(60));
    assert_eq!(
        app.linked_account(&org, "zoë").await.name.as_deref(),
        Some("Zoë Ümlaut 🚀")
    );
}

#[tokio::test]
async fn only_the_orgs_allowed_origins_may_frame_the_widget() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let policy_of = |response: &reqwest::Response| {
        response.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let widget = format!("/embed/{token}");

    // An org that allowed no origin: nobody may frame it.
    let response = framed(&app, &widget).await;
    assert!(policy_of(&response).contains("frame-ancestors 'none';"));
    assert!(response.headers().get(X_FRAME_OPTIONS).is_none());

    for origin in ["https://app.acme.example", "http://localhost:5173"] {
        tenancy::allow_origin(&app.db, &org.id, origin)
            .await
            .unwrap();
    }
    let response = framed(&app, &widget).await;
    assert_eq!(response.status(), 200);
    let policy = policy_of(&response);
    assert!(
        policy.contains("frame-ancestors https://app.acme.example http://localhost:5173;"),
        "{policy}"
    );
    // Only the page's own scripts run, as on the hosted page.
    assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
    assert!(response.headers().get(X_FRAME_OPTIONS).is_none());
    assert_eq!(response.headers()["cache-control"], "no-store");

    // The hosted page is never framed.
    let hosted = app
        .follow(&browser(), &app.hosted_url(&org, "cust").await)
        .await;
    assert!(policy_of(&hosted).contains("frame-ancestors 'none';"));
    assert_eq!(hosted.headers()[X_FRAME_OPTIONS], "DENY");

    // A widget that cannot be shown says so wherever it is framed: there is nothing to click.
    let unknown = framed(&app, "/embed/pst_unknown").await;
    assert_eq!(unknown.status(), 401);
    assert!(policy_of(&unknown).contains("frame-ancestors *;"));
    // So does a refusal of one of its forms, which the frame shows in place.
    let too_large = frame()
        .post(app.url("/_portal/save-keys"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("slug", "twilio"),
            ("embed", token.as_str()),
            ("values[number]", &"9".repeat(20_000)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    assert!(policy_of(&too_large).contains("frame-ancestors *;"));
    assert!(too_large.headers().get(X_FRAME_OPTIONS).is_none());
    assert!(
        too_large
            .text()
            .await
            .unwrap()
            .contains("That is more than this form takes")
    );
}

#[tokio::test]
async fn the_widgets_forms_work_with_no_cookie_and_keep_nothing_in_the_address() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["twilio"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let sid = "AC0123456789abcdef0123456789abcdef";
    let save = |number: &'static str| {
        [
            ("slug", "twilio"),
            ("embed", token.as_str()),
            ("values[number]", number),
            ("values[sid]", sid),
        ]
    };

    // A refusal comes back to the open form, with its message and the number as typed.
    let next = post_form(&app, "/_portal/save-keys", &save("call me maybe")).await;
    assert!(next.starts_with(&format!("/embed/{token}?done=")), "{next}");
    assert!(!next.contains("call") && !next.contains(sid), "{next}");
    let html = page(&app, &next).await;
    assert!(html.contains("Phone number must contain only digits"));
    assert!(html.contains("value=\"call me maybe\""));
    assert!(!html.contains(sid), "secrets never come back");
    assert_eq!(app.count("connection").await, 0);

    // Another widget's message means nothing here.
    let other = widget_token(&app, &org, "other").await;
    let done = next.split("done=").nth(1).unwrap();
    let foreign = page(&app, &format!("/embed/{other}?done={done}")).await;
    assert!(foreign.contains("data-app-card=\"twilio\""));
    assert!(!foreign.contains("Phone number must"));

    let next = post_form(&app, "/_portal/save-keys", &save("+14155550100")).await;
    let html = page(&app, &next).await;
    assert!(html.contains("Twilio is connected."));
    assert_eq!(app.count("connection").await, 1);

    // A form with a hosted link's token, or none, changes nothing.
    let link = app.hosted_url(&org, "cust").await;
    let link_token = link.rsplit('/').next().unwrap();
    for embed in [link_token, "", "pst_forged"] {
        post_form(
            &app,
            "/_portal/disconnect",
            &[("slug", "twilio"), ("embed", embed)],
        )
        .await;
        assert_eq!(app.count("connection").await, 1, "{embed:?}");
    }

    let next = post_form(
        &app,
        "/_portal/disconnect",
        &[("slug", "twilio"), ("embed", token.as_str())],
    )
    .await;
    assert!(page(&app, &next).await.contains("Twilio was disconnected."));
    assert_eq!(app.count("connection").await, 0);
}

/// Sign-ins still open run out of time, as ten minutes passing would.
async fn run_out_sign_ins(app: &TestApp) {
    let statement = sea_orm::Statement::from_string(
        app.db.get_database_backend(),
        "UPDATE oauth_state SET expires_at = created_at WHERE consumed_at IS NULL",
    );
    sea_orm::ConnectionTrait::execute_raw(&app.db, statement)
        .await
        .unwrap();
}

/// Reads server-sent events from a stream.
pub(crate) struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub(crate) async fn open(app: &TestApp, token: &str) -> Self {
        let response = framed(app, &format!("/embed/{token}/events")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event's name and data (keep-alive comments skipped).
    async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut data) = (String::new(), String::new());
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event: ") {
                        name = value.to_owned();
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        data.push_str(value);
                    }
                }
                if !name.is_empty() {
                    return (name, data);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.response.chunk())
                .await
                .expect("an event within 20 s")
                .unwrap()
                .expect("the stream is open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    pub(crate) async fn state(&mut self) -> Value {
        let (name, data) = self.next().await;
        assert_eq!(name, "state", "{data}");
        serde_json::from_str(&data).unwrap()
    }
}

#[tokio::test]
async fn the_state_stream_follows_sign_ins_and_connections_until_the_token_goes() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let issued = embed_token(&app, &org, "cust").await;
    let token = issued["token"].as_str().unwrap().to_owned();
    let mut events = Events::open(&app, &token).await;
    assert_eq!(
        events.state().await,
        json!({ "connections": [], "flows": [] })
    );

    let window = browser();
    let authorize = start_sign_in(&app, &window, &token).await;
    assert_eq!(authorize.path(), "/sandbox/oauth/authorize");
    assert_eq!(
        events.state().await,
        json!({ "connections": [], "flows": [["sandbox", "waiting"]] })
    );
    let waiting = page(&app, &format!("/embed/{token}")).await;
    assert!(waiting.contains("Waiting for you to finish signing in…"));

    let callback = consent(&app, &authorize, "approve", "Stream user").await;
    let done = window.get(callback.as_str()).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("You can close this tab")
    );
    let state = events.state().await;
    assert_eq!(state["flows"], json!([]));
    let connection = &state["connections"][0];
    assert_eq!(connection["slug"], "sandbox");
    assert_eq!(connection["identifier"], "Stream user");
    assert_eq!(connection["reason"], Value::Null);
    assert_eq!(state["connections"].as_array().unwrap().len(), 1);
    // What a connection is, never what it holds.
    let fields: std::collections::BTreeSet<&str> = connection
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        ["id", "identifier", "reason", "slug"].into_iter().collect()
    );
    let account = app.linked_account(&org, "cust").await;
    let stored = portico::connections::of_linked_account(&app.db, &account.id)
        .await
        .unwrap()
        .remove(0);
    let tokens = portico::oauth::open_tokens(&app.vault, &account, &stored)
        .unwrap()
        .unwrap();
    assert!(!state.to_string().contains(tokens.access_token.as_str()));

    // A sign-in nobody finished: once its time is up, the widget says to try again.
    start_sign_in(&app, &browser(), &token).await;
    assert_eq!(
        events.state().await["flows"],
        json!([["sandbox", "waiting"]])
    );
    run_out_sign_ins(&app).await;
    assert_eq!(
        events.state().await["flows"],
        json!([["sandbox", "not_finished"]])
    );

    // The token revoked: the stream says so and ends.
    let id = issued["id"].as_str().unwrap();
    let path = format!("/api/v2/public/session-token/{id}");
    let revoked = app.call(&org, reqwest::Method::DELETE, &path).await;
    assert_eq!(revoked.status(), 204);
    let (name, _) = events.next().await;
    assert_eq!(name, "end");
}

#[tokio::test]
async fn each_change_made_here_is_told_to_the_accounts_widgets_at_once() {
    use futures_util::FutureExt;
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "twilio"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    // What the widget's stream hears between its looks, and what another account's hears.
    let mut told = app.services.changes.listen(&account.id);
    let mut other = app.services.changes.listen("la_someone_else");
    let mut heard = move || told.changed().now_or_never().is_some();
    assert!(!heard());

    // A sign-in refused at the provider is over too.
    let window = browser();
    let authorize = start_sign_in(&app, &window, &token).await;
    assert!(heard(), "a sign-in started");
    assert!(!heard(), "told once");
    let denied = consent(&app, &authorize, "deny", "Told user").await;
    window.get(denied.as_str()).send().await.unwrap();
    assert!(heard(), "the refused sign-in came back");
    assert!(!heard(), "told once");

    let authorize = start_sign_in(&app, &window, &token).await;
    assert!(heard(), "a sign-in started again");
    assert!(!heard(), "told once");
    let callback = consent(&app, &authorize, "approve", "Told user").await;
    assert_eq!(
        window.get(callback.as_str()).send().await.unwrap().status(),
        200
    );
    assert!(heard(), "the sign-in came back");
    assert!(!heard(), "told once");
    let keys = [
        ("slug", "twilio"),
        ("embed", token.as_str()),
        ("values[number]", "+14155550100"),
        ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
    ];
    post_form(&app, "/_portal/save-keys", &keys).await;
    assert!(heard(), "keys saved");
    assert!(!heard(), "told once");
    post_form(
        &app,
        "/_portal/disconnect",
        &[("slug", "twilio"), ("embed", token.as_str())],
    )
    .await;
    assert!(heard(), "disconnected");
    assert!(!heard(), "told once");
    assert!(
        other.changed().now_or_never().is_none(),
        "another account's widgets hear none of it"
    );

    // The provider says the sandbox grant was revoked: the flag is told too.
    app.revoke_at_sandbox().await;
    assert!(heard(), "flagged by the provider's event");
}

#[tokio::test]
async fn on_postgresql_a_change_made_through_another_replica_reaches_this_ones_widgets() {
    let app = spawn_app().await;
    if crate::helpers::backend() == "sqlite" {
        // One process's word stays in it; the streams' scheduled looks find the rest.
        assert!(!app.services.changes.crosses_replicas());
        return;
    }
    assert!(app.services.changes.crosses_replicas());
    let org = app.org("Acme", &["twilio"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    let mut told = app.services.changes.listen(&account.id);
    let replica = app.replica().await;
    let response = frame()
        .post(format!("{replica}/_portal/save-keys"))
        .header("origin", replica.as_str())
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[
            ("slug", "twilio"),
            ("embed", token.as_str()),
            ("values[number]", "+14155550100"),
            ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(app.count("connection").await, 1);
    tokio::time::timeout(Duration::from_secs(20), told.changed())
        .await
        .expect("the other replica's word arrives");
}

#[tokio::test]
async fn a_sign_in_left_unfinished_reads_not_connected_try_again() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = widget_token(&app, &org, "cust").await;
    start_sign_in(&app, &browser(), &token).await;
    run_out_sign_ins(&app).await;
    let html = page(&app, &format!("/embed/{token}")).await;
    assert!(html.contains("data-flow=\"not-finished\""));
    assert!(html.contains("Not connected — try again"));
}

#[tokio::test]
async fn a_sign_in_that_cannot_start_says_why_in_its_window() {
    let app = spawn_app().await;
    // Enabled, but with no OAuth client yet.
    let org = app.org("Acme", &["slack"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let response = browser()
        .post(app.url("/_portal/connect"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("slug", "slack"), ("embed", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    let next = response.headers()[LOCATION].to_str().unwrap().to_owned();
    // A top-level window's address: it holds no token.
    assert!(next.starts_with("/embed/sign-in?done="), "{next}");
    assert!(!next.contains(&token), "{next}");
    let window = page(&app, &next).await;
    assert!(window.contains("This app cannot be connected now"));
    assert!(window.contains("Slack is not set up yet."));
    assert!(window.contains("You can close this window."));
    assert_eq!(app.count("oauth_state").await, 0);
    // Without its sealed message the page says nothing about any app.
    let bare = framed(&app, "/embed/sign-in").await;
    assert_eq!(bare.status(), 404);
    assert!(
        bare.text()
            .await
            .unwrap()
            .contains("Nothing to sign in to here")
    );
}

#[tokio::test]
async fn a_widget_token_holds_three_streams_at_most_and_each_ends_after_its_lifetime() {
    let app = spawn_app_with(|config| config.streams.lifetime = Duration::from_secs(2)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = widget_token(&app, &org, "cust").await;
    let path = format!("/embed/{token}/events");
    let mut open = Vec::new();
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let response = framed(&app, &path).await;
        statuses.push(response.status().as_u16());
        if response.status() == 200 {
            open.push(response);
        } else {
            assert!(response.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    // Another widget of the same customer has streams of its own.
    let other = widget_token(&app, &org, "cust").await;
    let response = framed(&app, &format!("/embed/{other}/events")).await;
    assert_eq!(response.status(), 200);
    drop(response);

    // Each stream ends by itself after its lifetime (the widget then opens another)...
    for mut response in open {
        let ended = tokio::time::timeout(Duration::from_secs(20), async {
            while response.chunk().await.unwrap().is_some() {}
        })
        .await;
        assert!(ended.is_ok(), "the stream ended");
    }
    // ...and gives its place back.
    let mut reopened = None;
    for _ in 0..100 {
        let response = framed(&app, &path).await;
        if response.status() == 200 {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reopened.is_some(), "a new stream opens");
}

#[tokio::test]
async fn a_burst_of_changes_to_one_account_wakes_only_its_own_widgets() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let idle = embed_token(&app, &org, "idle").await;
    let busy = embed_token(&app, &org, "busy").await;
    let (idle_id, busy_id) = (idle["id"].as_str().unwrap(), busy["id"].as_str().unwrap());
    let mut idle_events = Events::open(&app, idle["token"].as_str().unwrap()).await;
    idle_events.state().await;
    let mut busy_events = Events::open(&app, busy["token"].as_str().unwrap()).await;
    busy_events.state().await;
    let (idle_before, busy_before) = (app.streams.looks(idle_id), app.streams.looks(busy_id));
    assert_eq!((idle_before, busy_before), (1, 1));

    let busy_account = app.linked_account(&org, "busy").await.id;
    for _ in 0..1000 {
        app.services.changes.account(&busy_account);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let busy_looks = app.streams.looks(busy_id) - busy_before;
    assert!(
        (1..=2).contains(&busy_looks),
        "1,000 changes cost the busy widget {busy_looks} looks"
    );
    assert_eq!(
        app.streams.looks(idle_id),
        idle_before,
        "the other account's widget did not look"
    );
}
