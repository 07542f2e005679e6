//! Key-based connections: validation at the edge, verification against a real local HTTP
//! server, sealed storage, reconnect in place, the SDK's save and the hosted page's form.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use app::dto::ReauthReason;
use axum::{extract::Query, http::HeaderMap, routing::get};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOrg, assert_error, save, session_token, spawn_app};

const SID: &str = "AC0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn twilio_credentials_are_checked_sealed_and_listed() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["twilio", "sandbox"]).await;
    let token = session_token(&app, &org, "cust").await;

    let long_number = format!("+1{}", "5".repeat(15));
    let cases: Vec<(String, u16, &str, &str)> = vec![
        ("{}".into(), 422, "number", "enter your Phone number"),
        (
            json!({"number": "   ", "sid": SID}).to_string(),
            422,
            "number",
            "enter your Phone number",
        ),
        (
            json!({"number": "+1415\u{0}5550100", "sid": SID}).to_string(),
            422,
            "number",
            "must not contain control characters",
        ),
        (
            json!({"number": "+1415\n5550100", "sid": SID}).to_string(),
            422,
            "number",
            "must not contain control characters",
        ),
        (
            json!({"number": long_number, "sid": SID}).to_string(),
            422,
            "number",
            "must be at most 16 characters",
        ),
        (
            json!({"number": "+14155550100", "sid": "XX0123"}).to_string(),
            422,
            "sid",
            "is not in the expected format",
        ),
        (
            json!({"number": "call me maybe", "sid": SID}).to_string(),
            422,
            "number",
            "must contain only digits",
        ),
        (
            json!({"number": "+14155550100", "sid": SID, "evil": "x"}).to_string(),
            422,
            "evil",
            "is not a field of Twilio",
        ),
        (
            json!({"number": true, "sid": SID}).to_string(),
            422,
            "number",
            "must be text",
        ),
        ("[1, 2]".into(), 422, "body", ""),
        (
            "{\"number\": ".into(),
            400,
            "",
            "the body is not valid JSON",
        ),
    ];
    for (body, status, field, message) in &cases {
        let response = save(&app, &token, "twilio", body).await;
        assert_eq!(response.status(), *status, "{body}");
        let answer: Value = response.json().await.unwrap();
        if field.is_empty() {
            assert_eq!(answer["error"]["message"], *message, "{body}");
        } else {
            let said = answer["error"]["fields"][field]
                .as_str()
                .unwrap_or_default();
            assert!(said.starts_with(message), "{body}: {answer}");
        }
        assert!(
            !answer.to_string().contains(SID),
            "a secret is echoed: {answer}"
        );
    }
    let oversized = json!({"number": "+14155550100", "sid": "x".repeat(17 * 1024)}).to_string();
    assert_error(
        save(&app, &token, "twilio", &oversized).await,
        413,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        app.count("connection").await,
        0,
        "nothing stored by a refused save"
    );

    assert_error(save(&app, &token, "sandbox", "{}").await, 404, "not_found").await;
    assert_error(save(&app, &token, "nope", "{}").await, 404, "not_found").await;

    // Surrounding whitespace is trimmed; the secret is sealed per field and never listed.
    let body = json!({"number": "  +14155550100 ", "sid": SID}).to_string();
    let response = save(&app, &token, "twilio", &body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"success": true})
    );
    let listed = app
        .get_json(&org, "/api/v2/public/application/twilio", Some("cust"))
        .await;
    assert_eq!(listed["connected"], true);
    assert_eq!(
        listed["connected_accounts"][0]["identifier"],
        "+14155550100"
    );
    assert!(!listed.to_string().contains(SID));
    let account = app.linked_account(&org, "cust").await;
    let records = portico::connections::of_linked_account(&app.db, &account.id)
        .await
        .unwrap();
    let values =
        portico::connections::credentials::open_fields(&app.vault, &account, &records[0]).unwrap();
    assert_eq!(values.0["sid"].as_str(), SID);
    assert_eq!(values.0["number"].as_str(), "+14155550100");
    app.assert_absent_from_database_file(&[SID]);

    // Reconnect in place: the flagged connection keeps its id and is active again.
    crate::helpers::flag_connection(&app.db, &records[0].id, ReauthReason::CredentialsExpired)
        .await;
    let new_sid = "AC11111111111111111111111111111111";
    let body = json!({"number": "+14155550199", "sid": new_sid}).to_string();
    assert_eq!(save(&app, &token, "twilio", &body).await.status(), 200);
    let after = portico::connections::of_linked_account(&app.db, &account.id)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, records[0].id);
    assert_eq!(after[0].status.as_str(), "active");
    assert_eq!(after[0].reauth_reason, None);
    assert_eq!(after[0].identifier.as_deref(), Some("+14155550199"));
}

/// A provider's credential check, as a real HTTP server on port 0. `good` works, `bad` is
/// refused, `boom` fails with a 500, `slow` answers after the check's timeout.
async fn credential_checker() -> (String, Arc<AtomicU64>) {
    let calls = Arc::new(AtomicU64::new(0));
    let counter = calls.clone();
    let router = axum::Router::new().route(
        "/check",
        get(
            move |headers: HeaderMap,
                  Query(query): Query<std::collections::HashMap<String, String>>| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::Relaxed);
                    let key = headers
                        .get("authorization")
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| value.strip_prefix("Bearer "))
                        .unwrap_or_default()
                        .to_owned();
                    if query.get("workspace").map(String::as_str) != Some("Café ☕ 日本") {
                        return axum::http::StatusCode::BAD_REQUEST;
                    }
                    match key.as_str() {
                        "good" => axum::http::StatusCode::OK,
                        "boom" => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "slow" => {
                            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                            axum::http::StatusCode::OK
                        }
                        _ => axum::http::StatusCode::UNAUTHORIZED,
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, calls)
}

async fn checked_app(app: &TestApp, org: &TestOrg, checker: &str) {
    let response = app
        .post_json(
            org,
            "/api/v2/public/custom-app",
            json!({
                "slug": "notes",
                "name": "Notes",
                "auth_type": "keybased",
                "auth_input_map": [
                    {"name": "workspace", "label": "Workspace", "type": "text", "required": true, "secret": false},
                    {"name": "api_key", "label": "API key", "type": "password", "required": true, "secret": true}
                ],
                "verify": {
                    "url": format!("{checker}/check"),
                    "headers": {"Authorization": "Bearer {api_key}"},
                    "query": {"workspace": "{workspace}"},
                    "valid_statuses": [200],
                    "invalid_statuses": [401, 403],
                    "timeout_seconds": 1
                }
            }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn credentials_are_verified_before_anything_is_stored() {
    let (checker, calls) = credential_checker().await;
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    checked_app(&app, &org, &checker).await;
    let token = session_token(&app, &org, "cust").await;
    let body = |key: &str| json!({"workspace": " Café ☕ 日本 ", "api_key": key}).to_string();

    let rejected = save(&app, &token, "notes", &body("bad")).await;
    let answer = assert_error(rejected, 422, "validation_failed").await;
    assert_eq!(
        answer["error"]["fields"]["api_key"],
        "Notes rejected these credentials"
    );
    for key in ["boom", "slow"] {
        let response = save(&app, &token, "notes", &body(key)).await;
        assert_eq!(response.headers()["retry-after"], "30");
        let answer = assert_error(response, 503, "provider_unavailable").await;
        assert_eq!(
            answer["error"]["message"],
            "could not reach Notes, try again"
        );
    }
    assert_eq!(
        calls.load(Ordering::Relaxed),
        3,
        "each save asked the provider once"
    );
    assert_eq!(app.count("connection").await, 0, "nothing stored");

    assert_eq!(
        save(&app, &token, "notes", &body("good")).await.status(),
        200
    );
    assert_eq!(app.count("connection").await, 1);
    // Any Unicode is stored exactly (only surrounding whitespace is trimmed).
    let listed = app
        .get_json(&org, "/api/v2/public/application/notes", Some("cust"))
        .await;
    assert_eq!(
        listed["connected_accounts"][0]["identifier"],
        "Café ☕ 日本"
    );
}

#[tokio::test]
async fn the_hosted_form_keeps_what_was_typed_except_secrets_and_escapes_html() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["twilio"]).await;
    app.upsert_account(&org, "cust").await;
    let hosted = app.hosted_url(&org, "cust").await;
    app.open(&hosted).await;
    let link = app.page_link(&app.client).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("slug", "twilio".to_owned()), ("link", link.clone())];
        form.extend(fields);
        app.client
            .post(app.url("/_portal/save-keys"))
            .header("accept", "text/html")
            .form(&form)
            .send()
    };

    let response = post(vec![
        ("values[number]", "<script>alert(1)</script>".into()),
        ("values[sid]", "ACnot-a-sid".into()),
    ])
    .await
    .unwrap();
    assert!(response.status().is_redirection());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    // Messages and kept values travel in the session: the address carries none of them.
    assert_eq!(location, "/connect");
    let page = app.html(&app.url(&location)).await;
    assert!(
        page.contains("Phone number must be at most 16 characters"),
        "the number's message: {location}"
    );
    assert!(
        page.contains("Account SID is not in the expected format"),
        "the SID's message"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "kept, escaped"
    );
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(!page.contains("ACnot-a-sid"));
    assert_eq!(app.count("connection").await, 0);
    // The form is shown once: a reload is the plain page again.
    let reload = app.html(&app.url("/connect")).await;
    assert!(!reload.contains("Phone number must be at most 16 characters"));
    assert!(reload.contains("Twilio"));

    let oversized = post(vec![("values[sid]", "x".repeat(17 * 1024))])
        .await
        .unwrap();
    assert_eq!(oversized.status(), 413);
    assert!(oversized.text().await.unwrap().contains("up to 16 KB"));

    let response = post(vec![
        ("values[number]", "+14155550100".into()),
        ("values[sid]", SID.into()),
    ])
    .await
    .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/connect");
    let page = app.html(&app.url(&location)).await;
    assert!(page.contains("Twilio is connected."));
    assert!(!page.contains(SID), "the secret is not in the page");
    assert_eq!(app.count("connection").await, 1);
}

/// A custom key-based app of `org` whose verification asks `checker` with the given timeout.
async fn create_checked_app(
    app: &TestApp,
    org: &TestOrg,
    slug: &str,
    checker: &str,
    timeout_seconds: Value,
) -> reqwest::Response {
    app.post_json(
        org,
        "/api/v2/public/custom-app",
        json!({
            "slug": slug,
            "name": "Notes",
            "auth_type": "keybased",
            "auth_input_map": [
                {"name": "api_key", "label": "API key", "type": "password", "required": true}
            ],
            "verify": {
                "url": format!("{checker}/check"),
                "headers": {"Authorization": "Bearer {api_key}"},
                "valid_statuses": [200],
                "invalid_statuses": [401],
                "timeout_seconds": timeout_seconds
            }
        }),
    )
    .await
}

#[tokio::test]
async fn a_verification_may_not_wait_longer_than_any_outbound_request() {
    let (checker, _) = credential_checker().await;
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    for (timeout, why) in [
        (json!(200), "must be at most 15"),
        (json!(16), "must be at most 15"),
        (json!(0), "must be at least 1"),
    ] {
        let response = create_checked_app(&app, &org, "notes", &checker, timeout.clone()).await;
        let body = assert_error(response, 422, "validation_failed").await;
        let message = body["error"]["fields"]["verify.timeout_seconds"]
            .as_str()
            .unwrap_or_else(|| panic!("{timeout}: {body}"));
        assert!(message.starts_with(why), "{timeout}: {message}");
    }
    assert_eq!(app.count("custom_app").await, 0, "nothing was created");
    let response = create_checked_app(&app, &org, "notes", &checker, json!(15)).await;
    assert_eq!(response.status(), 201);
}

/// A credential check whose answer the test chooses: valid, refused, or held until released.
struct SwitchableChecker {
    url: String,
    /// 0: valid; 1: held until `release`; 2: refused.
    mode: Arc<std::sync::atomic::AtomicU8>,
    release: Arc<tokio::sync::Notify>,
    held: Arc<AtomicU64>,
}

async fn switchable_checker() -> SwitchableChecker {
    let mode = Arc::new(std::sync::atomic::AtomicU8::new(0));
    let release = Arc::new(tokio::sync::Notify::new());
    let held = Arc::new(AtomicU64::new(0));
    let (answer_mode, answer_release, answer_held) = (mode.clone(), release.clone(), held.clone());
    let router = axum::Router::new().route(
        "/check",
        get(move || {
            let (mode, release, held) = (
                answer_mode.clone(),
                answer_release.clone(),
                answer_held.clone(),
            );
            async move {
                match mode.load(Ordering::SeqCst) {
                    0 => axum::http::StatusCode::OK,
                    1 => {
                        held.fetch_add(1, Ordering::SeqCst);
                        release.notified().await;
                        axum::http::StatusCode::OK
                    }
                    _ => axum::http::StatusCode::UNAUTHORIZED,
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    SwitchableChecker {
        url,
        mode,
        release,
        held,
    }
}

#[tokio::test]
async fn one_orgs_slow_verification_does_not_hold_up_anothers() {
    use portico::entity::connection;
    use sea_orm::EntityTrait;

    let app = spawn_app().await;
    let slow = switchable_checker().await;
    let fast = switchable_checker().await;
    let slow_org = app.org("Slow provider Co", &[]).await;
    let fast_org = app.org("Fast provider Co", &[]).await;
    for (org, checker) in [(&slow_org, &slow), (&fast_org, &fast)] {
        let response = create_checked_app(&app, org, "notes", &checker.url, json!(15)).await;
        assert_eq!(response.status(), 201);
        for customer in ["one", "two", "three"] {
            let token = session_token(&app, org, customer).await;
            let saved = save(&app, &token, "notes", r#"{"api_key": "k"}"#).await;
            assert_eq!(saved.status(), 200);
        }
    }
    // Two days on, every key is due its scheduled check.
    app.services.clock.advance(chrono::Duration::days(2));
    slow.mode.store(1, Ordering::SeqCst);
    fast.mode.store(2, Ordering::SeqCst);

    let services = app.services.clone();
    let pass = tokio::spawn(async move { portico::workers::verify_due(&services).await });
    // The other org's refusals are recorded while the slow provider still holds its checks.
    let mut flagged = 0;
    for _ in 0..400 {
        flagged = connection::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .filter(|record| record.status.as_str() == "reauth_required")
            .count();
        if flagged == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(flagged, 3, "the fast org's connections were checked");
    assert!(!pass.is_finished(), "the slow org's checks are still held");
    let held = slow.held.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&held),
        "{held} of the slow org's checks at once"
    );
    slow.mode.store(0, Ordering::SeqCst);
    slow.release.notify_waiters();
    let checked = pass.await.unwrap().unwrap();
    assert_eq!(checked, 6);
}
