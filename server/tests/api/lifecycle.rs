//! The credential lifecycle: each of the five causes noticed without the command line, the
//! credentials API, refreshes that never race, and transient failures that never flag.

use std::sync::Arc;
use std::time::Duration;

use app::dto::ReauthReason;
use chrono::Utc;
use portico::entity::connection;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, TestOrg, assert_error, browser, connect_sandbox, integrate, session_token, spawn_app,
    spawn_app_with,
};
use crate::provider::{Mode, Provider};

/// Connects `slug` of a Slack-shaped provider as `team`, through the SDK and the callback.
pub async fn connect_as(
    app: &TestApp,
    org: &TestOrg,
    account: &str,
    provider: &Provider,
    slug: &str,
    team: (&str, &str),
) -> String {
    provider.sign_in_as(team.0, team.1);
    let token = session_token(app, org, account).await;
    let auth_url = integrate(app, &token, slug).await;
    finish_at_provider(app, &auth_url).await
}

/// Follows the provider's approval back to Portico's callback.
async fn finish_at_provider(app: &TestApp, auth_url: &url::Url) -> String {
    let response = app.client.get(auth_url.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 303, "the provider approves at once");
    let callback = response.headers()["location"].to_str().unwrap().to_owned();
    let response = app.client.get(&callback).send().await.unwrap();
    let status = response.status();
    let page = response.text().await.unwrap();
    assert_eq!(status, 200, "{page}");
    page
}

/// An org with a Slack-shaped custom app `acme-chat` pointing at `provider`.
pub async fn org_with_chat(app: &TestApp, provider: &Provider) -> TestOrg {
    let org = app.org("Acme", &["sandbox"]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            provider.custom_app("acme-chat"),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    org
}

/// `GET {base}/api/v2/public/connection/{path}` as a vendor's code calls it for `cust`, ready
/// to be spawned.
pub fn vendor_read(
    base: &str,
    org: &TestOrg,
    path: &str,
) -> impl std::future::Future<Output = reqwest::Response> + Send + 'static {
    let request = reqwest::Client::new()
        .get(format!("{base}/api/v2/public/connection/{path}"))
        .header("x-api-key", &org.key)
        .header("linked_account_id", "cust");
    async move { request.send().await.unwrap() }
}

async fn credentials(app: &TestApp, org: &TestOrg, account: &str, slug: &str) -> reqwest::Response {
    app.get_as(
        org,
        &format!("/api/v2/public/connection/{slug}/credentials"),
        Some(account),
    )
    .await
}

async fn records(app: &TestApp, slug: &str) -> Vec<connection::Model> {
    connection::Entity::find()
        .filter(connection::Column::Slug.eq(slug))
        .all(&app.db)
        .await
        .unwrap()
}

/// Makes every access token of `slug` expire now, as time passing would.
pub async fn expire_access(app: &TestApp, slug: &str) {
    connection::Entity::update_many()
        .col_expr(
            connection::Column::AccessExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(connection::Column::Slug.eq(slug))
        .exec(&app.db)
        .await
        .unwrap();
}

/// The flag as every surface shows it: the reason in the API, a 409 from the credentials
/// API, the words on the card, and exactly one audit row.
async fn assert_flagged(
    app: &TestApp,
    org: &TestOrg,
    account: &str,
    slug: &str,
    reason: ReauthReason,
) {
    let application = app
        .get_json(
            org,
            &format!("/api/v2/public/application/{slug}"),
            Some(account),
        )
        .await;
    assert_eq!(application["reauth_required"], true, "{application}");
    assert_eq!(application["reauth_reason"], reason.as_str());
    assert_eq!(application["reauth_action"], reason.action().as_str());
    assert_eq!(application["retryable"], reason.retryable());

    let body = assert_error(
        credentials(app, org, account, slug).await,
        409,
        "reauth_required",
    )
    .await;
    assert_eq!(body["error"]["reason"], reason.as_str());

    let url = app.hosted_url(org, account).await;
    let page = app.follow(&browser(), &url).await.text().await.unwrap();
    assert!(page.contains(reason.explanation()), "{page}");

    let linked = app.linked_account(org, account).await;
    let mine: Vec<_> = records(app, slug)
        .await
        .into_iter()
        .filter(|record| record.linked_account_id == linked.id)
        .collect();
    assert_eq!(mine.len(), 1);
    let id = &mine[0].id;
    let events = app
        .get_json(org, &format!("/api/v2/public/connection/{id}/events"), None)
        .await;
    let flagged: Vec<&Value> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["kind"] == "flagged")
        .collect();
    assert_eq!(flagged.len(), 1, "{events}");
    assert_eq!(flagged[0]["reason"], reason.as_str());

    // The event log (what webhooks send) has exactly one Connection Expired for it.
    let log = app
        .get_json(org, "/api/v2/public/event?limit=1000", None)
        .await;
    let expired: Vec<&Value> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event["connection_id"] == id.as_str() && event["event"] == "Connection Expired"
        })
        .collect();
    assert_eq!(expired.len(), 1, "{log}");
    assert_eq!(expired[0]["reason"], reason.as_str());
    assert_eq!(expired[0]["reauth_action"], reason.action().as_str());
    assert_eq!(expired[0]["retryable"], reason.retryable());
    assert_eq!(expired[0]["linked_account_id"], account);
}

#[tokio::test]
async fn a_provider_revocation_event_flags_token_revoked_at_once() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;

    // As `portico sandbox revoke` does: revoke at the provider, which tells Portico.
    let told = app.revoke_at_sandbox().await;
    assert_eq!(told, 1);
    assert_flagged(&app, &org, "cust", "sandbox", ReauthReason::TokenRevoked).await;
}

#[tokio::test]
async fn an_expired_refresh_token_is_found_by_the_proactive_refresh() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let before = app.sandbox.token_requests();

    portico::sandbox::expire(
        &app.db,
        &portico::sandbox::Target::All,
        portico::sandbox::Expiry::Refresh,
        app.services.clock.now(),
    )
    .await
    .unwrap();
    // Nothing is due yet: a pass asks the provider nothing.
    let done = portico::workers::refresh_due(&app.services).await.unwrap();
    assert!(done.is_empty(), "{done:?}");
    assert_eq!(app.sandbox.token_requests(), before);

    expire_access(&app, "sandbox").await;
    let done = portico::workers::refresh_due(&app.services).await.unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(app.sandbox.token_requests(), before + 1);
    assert_flagged(
        &app,
        &org,
        "cust",
        "sandbox",
        ReauthReason::RefreshTokenExpired,
    )
    .await;
    // A flagged connection is not tried again.
    expire_access(&app, "sandbox").await;
    assert!(
        portico::workers::refresh_due(&app.services)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.sandbox.token_requests(), before + 1);
}

#[tokio::test]
async fn a_signed_uninstall_event_flags_that_workspace_only() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    let response = app
        .configure(
            &org,
            "acme-chat",
            json!({"signing_secret": "chat-signing-secret"}),
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    connect_as(
        &app,
        &org,
        "other",
        &provider,
        "acme-chat",
        ("T2", "Globex"),
    )
    .await;

    let body = json!({
        "type": "event_callback", "team_id": "T1",
        "event": {"type": "app_uninstalled"},
    })
    .to_string();
    let send = |secret: &'static str, body: String| {
        let client = app.client.clone();
        let url = app.url("/hooks/acme-chat");
        async move {
            let now = Utc::now().timestamp();
            client
                .post(url)
                .header("x-slack-request-timestamp", now.to_string())
                .header(
                    "x-slack-signature",
                    portico::hooks::sign(secret.as_bytes(), now, body.as_bytes()),
                )
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // A forged event changes nothing.
    let forged = send("not-the-secret", body.clone()).await;
    assert_eq!(forged.status(), 401);
    let untouched = records(&app, "acme-chat").await;
    assert_eq!(untouched.len(), 2);
    assert!(untouched.iter().all(|r| r.reauth_reason.is_none()));

    let answer = send("chat-signing-secret", body).await;
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["flagged"], 1);
    assert_flagged(
        &app,
        &org,
        "cust",
        "acme-chat",
        ReauthReason::AppUninstalled,
    )
    .await;
    let other = app
        .get_json(&org, "/api/v2/public/application/acme-chat", Some("other"))
        .await;
    assert_eq!(other["reauth_required"], false);

    // Slack's URL check is answered with its challenge.
    let challenge = send(
        "chat-signing-secret",
        json!({"type": "url_verification", "challenge": "c-123"}).to_string(),
    )
    .await;
    assert_eq!(
        challenge.json::<Value>().await.unwrap()["challenge"],
        "c-123"
    );
}

#[tokio::test]
async fn a_replayed_provider_event_within_its_window_flags_nothing() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    let response = app
        .configure(&org, "acme-chat", json!({"signing_secret": "chat-secret"}))
        .await;
    assert_eq!(response.status(), 200);
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    let body = json!({
        "type": "event_callback", "team_id": "T1",
        "event": {"type": "tokens_revoked"},
    })
    .to_string();
    let signed_at = Utc::now().timestamp();
    let signature = portico::hooks::sign(b"chat-secret", signed_at, body.as_bytes());
    let send = |at: i64, signature: String| {
        app.client
            .post(app.url("/hooks/acme-chat"))
            .header("x-slack-request-timestamp", at.to_string())
            .header("x-slack-signature", signature)
            .body(body.clone())
            .send()
    };
    let answer: Value = send(signed_at, signature.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["flagged"], 1);
    assert_flagged(&app, &org, "cust", "acme-chat", ReauthReason::TokenRevoked).await;

    // The customer reconnects; someone who kept the signed event sends it again.
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    let replayed = send(signed_at, signature.clone()).await.unwrap();
    assert_eq!(replayed.status(), 200);
    let answer: Value = replayed.json().await.unwrap();
    assert_eq!(answer["ok"], true);
    assert!(answer.get("flagged").is_none(), "{answer}");
    let after = records(&app, "acme-chat").await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].reauth_reason, None, "the replay flagged nothing");

    // A new event from the provider is believed as before.
    let later = signed_at + 1;
    let fresh = portico::hooks::sign(b"chat-secret", later, body.as_bytes());
    let answer: Value = send(later, fresh).await.unwrap().json().await.unwrap();
    assert_eq!(answer["flagged"], 1);
}

#[tokio::test]
async fn a_vendor_reported_401_flags_credentials_expired_only_when_verification_fails() {
    use std::sync::atomic::{AtomicBool, Ordering};

    // The provider's verification endpoint: accepts the key until it is "rotated".
    let valid = Arc::new(AtomicBool::new(true));
    let flag = valid.clone();
    let router = axum::Router::new().route(
        "/me",
        axum::routing::get(move || {
            let valid = flag.load(Ordering::SeqCst);
            async move {
                if valid {
                    axum::http::StatusCode::OK
                } else {
                    axum::http::StatusCode::UNAUTHORIZED
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let verify_base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            json!({
                "slug": "notes", "name": "Notes", "auth_type": "keybased",
                "auth_input_map": [
                    {"name": "team", "label": "Team", "type": "text", "required": true, "secret": false},
                    {"name": "api_key", "label": "API key", "type": "password", "required": true}
                ],
                "verify": {
                    "url": format!("{verify_base}/me?key={{api_key}}"),
                    "method": "GET",
                    "valid_statuses": [200],
                    "invalid_statuses": [401]
                }
            }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    for account in ["cust", "other"] {
        let token = session_token(&app, &org, account).await;
        let saved = app
            .client
            .post(app.url("/api/v2/app/notes/save"))
            .bearer_auth(&token)
            .json(&json!({"team": "Research", "api_key": "key-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    }

    let read = credentials(&app, &org, "cust", "notes").await;
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["auth_type"], "keybased");
    assert_eq!(read["fields"]["api_key"], "key-1");

    // A 401 the vendor saw while the key still works is not believed.
    let report = |app: &TestApp, account: &'static str| {
        let request = app
            .client
            .post(app.url("/api/v2/public/connection/notes/auth-failure"))
            .header("x-api-key", &org.key)
            .header("linked_account_id", account);
        async move { request.send().await.unwrap() }
    };
    let answer: Value = report(&app, "cust").await.json().await.unwrap();
    assert_eq!(answer["status"], "active", "{answer}");

    // The key is revoked at the provider: the vendor's next report is checked and believed.
    valid.store(false, Ordering::SeqCst);
    let answer: Value = report(&app, "cust").await.json().await.unwrap();
    assert_eq!(answer["status"], "reauth_required", "{answer}");
    assert_flagged(
        &app,
        &org,
        "cust",
        "notes",
        ReauthReason::CredentialsExpired,
    )
    .await;

    // The other customer's key, which nobody reported, is found by the scheduled verification
    // two days on.
    app.services.clock.advance(chrono::Duration::days(2));
    assert_eq!(
        portico::workers::verify_due(&app.services).await.unwrap(),
        1
    );
    assert_flagged(
        &app,
        &org,
        "other",
        "notes",
        ReauthReason::CredentialsExpired,
    )
    .await;
    // A report on a flagged connection changes nothing more.
    let answer: Value = report(&app, "cust").await.json().await.unwrap();
    assert_eq!(answer["status"], "reauth_required");
    assert_flagged(
        &app,
        &org,
        "cust",
        "notes",
        ReauthReason::CredentialsExpired,
    )
    .await;
}

#[tokio::test]
async fn turning_an_app_off_flags_app_deleted_and_on_again_offers_a_reconnect() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let off = app
        .call(
            &org,
            reqwest::Method::DELETE,
            "/api/v2/public/app/sandbox/config",
        )
        .await;
    assert!(off.status().is_success(), "{}", off.status());
    let body = assert_error(
        credentials(&app, &org, "cust", "sandbox").await,
        409,
        "reauth_required",
    )
    .await;
    assert_eq!(body["error"]["reason"], "app_deleted");

    let url = app.hosted_url(&org, "cust").await;
    let page = app.follow(&browser(), &url).await.text().await.unwrap();
    assert!(page.contains("turned this app off"), "{page}");
    assert!(!page.contains("Reconnect: Portico Sandbox"), "{page}");

    let on = app.configure(&org, "sandbox", json!({})).await;
    assert_eq!(on.status(), 200);
    assert_flagged(&app, &org, "cust", "sandbox", ReauthReason::AppDeleted).await;
    let page = app.follow(&browser(), &url).await.text().await.unwrap();
    assert!(page.contains("Reconnect: Portico Sandbox"), "{page}");
}

#[tokio::test]
async fn credentials_are_fresh_and_concurrent_reads_refresh_once_per_connection() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    for index in 0..100 {
        connect_sandbox(&app, &org, "cust", &format!("Account {index}")).await;
    }
    let read = credentials(&app, &org, "cust", "sandbox").await;
    assert_error(read, 422, "validation_failed").await;
    let one = |index: usize| format!("?identifier=Account%20{index}");

    // 100 concurrent reads of one expired connection: one token request.
    let first = records(&app, "sandbox").await;
    connection::Entity::update_many()
        .col_expr(
            connection::Column::AccessExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(connection::Column::Id.eq(&first[0].id))
        .exec(&app.db)
        .await
        .unwrap();
    let name = first[0].identifier.clone().unwrap();
    let index: usize = name.trim_start_matches("Account ").parse().unwrap();
    let before = app.sandbox.token_requests();
    let reads = (0..100).map(|_| {
        let read = vendor_read(
            &app.address,
            &org,
            &format!("sandbox/credentials{}", one(index)),
        );
        tokio::spawn(async move {
            let answer = read.await;
            assert_eq!(answer.status(), 200);
            answer.json::<Value>().await.unwrap()["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        })
    });
    let tokens: Vec<String> = futures_util::future::join_all(reads)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(app.sandbox.token_requests() - before, 1);
    assert!(
        tokens.iter().all(|token| token == &tokens[0]),
        "one new token for all"
    );

    // 1,000 concurrent reads over 100 expired connections: 100 token requests.
    expire_access(&app, "sandbox").await;
    let before = app.sandbox.token_requests();
    let reads = (0..1000).map(|n| {
        let read = vendor_read(
            &app.address,
            &org,
            &format!("sandbox/credentials{}", one(n % 100)),
        );
        tokio::spawn(async move { read.await.status().as_u16() })
    });
    let statuses: Vec<u16> = futures_util::future::join_all(reads)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    assert_eq!(app.sandbox.token_requests() - before, 100);
    assert_eq!(app.sandbox.reuse_detections(), 0);
    assert!(
        records(&app, "sandbox")
            .await
            .iter()
            .all(|record| record.reauth_reason.is_none() && record.lease_until.is_none())
    );

    // Reads are recorded as last use, in a batch.
    portico::workers::finish(&app.services).await;
    assert!(
        records(&app, "sandbox")
            .await
            .iter()
            .all(|record| record.last_used_at.is_some())
    );
}

#[tokio::test]
async fn a_refresh_loser_whose_refusal_comes_after_another_replica_rotated_is_not_flagged() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    expire_access(&app, "acme-chat").await;

    // Replica A asks the provider, which keeps it waiting.
    let (arrived, release) = provider.hold_next_refresh();
    let first = tokio::spawn(vendor_read(&app.address, &org, "acme-chat/credentials"));
    arrived.notified().await;
    // A's claim runs out; replica B (another server on the same database) refreshes.
    connection::Entity::update_many()
        .col_expr(
            connection::Column::LeaseUntil,
            Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let replica_b = app.replica().await;
    let from_b = vendor_read(&replica_b, &org, "acme-chat/credentials").await;
    assert_eq!(from_b.status(), 200);
    let rotated: Value = from_b.json().await.unwrap();

    // Now A's answer comes: its refresh token was rotated away, so the provider refuses it.
    release.notify_one();
    let from_a = first.await.unwrap();
    assert_eq!(
        from_a.status(),
        200,
        "A reads B's tokens instead of flagging"
    );
    let from_a: Value = from_a.json().await.unwrap();
    assert_eq!(from_a["access_token"], rotated["access_token"]);
    let record = &records(&app, "acme-chat").await[0];
    assert_eq!(record.status.as_str(), "active");
    assert_eq!(provider.refresh_requests(), 2);
}

#[tokio::test]
async fn a_provider_in_trouble_never_flags_and_the_first_call_after_recovery_succeeds() {
    let provider = Provider::start().await;
    let app = spawn_app_with(|config| {
        config.refresh.retry_floor = chrono::Duration::seconds(1);
    })
    .await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;

    let started = std::time::Instant::now();
    for mode in [Mode::Unavailable, Mode::RateLimited, Mode::Html] {
        provider.set_mode(mode);
        expire_access(&app, "acme-chat").await;
        // Workers and readers keep asking for a while.
        let until = std::time::Instant::now() + Duration::from_secs(3);
        let mut answers = Vec::new();
        while std::time::Instant::now() < until {
            portico::workers::refresh_due(&app.services).await.unwrap();
            let read = credentials(&app, &org, "cust", "acme-chat").await;
            answers.push(read.status().as_u16());
            if read.status() == 503 {
                assert!(read.headers().contains_key("retry-after"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            answers.iter().all(|status| *status == 503),
            "{mode:?}: {answers:?}"
        );
        let record = &records(&app, "acme-chat").await[0];
        assert_eq!(record.status.as_str(), "active", "{mode:?}");
        assert!(record.failures >= 1, "{mode:?}");
        connection::Entity::update_many()
            .col_expr(
                connection::Column::RetryAt,
                Expr::value(None::<chrono::DateTime<Utc>>),
            )
            .col_expr(connection::Column::Failures, Expr::value(0))
            .exec(&app.db)
            .await
            .unwrap();
    }
    // Bounded: with a one-second floor doubling per failure, 9 seconds of asking reach the
    // provider a handful of times, not once per read.
    let asked = provider.refresh_requests();
    assert!(
        asked <= 3 * 4,
        "{asked} refreshes in {:?}",
        started.elapsed()
    );
    eprintln!(
        "provider in trouble: {asked} refresh requests in {:?}",
        started.elapsed()
    );

    // A provider that hangs is given up on by the egress timeout, still without a flag.
    provider.set_mode(Mode::Hang);
    let read = credentials(&app, &org, "cust", "acme-chat").await;
    assert_eq!(read.status(), 503);
    assert_eq!(
        records(&app, "acme-chat").await[0].status.as_str(),
        "active"
    );

    // Recovery: once the backoff ends (and a probe period has passed since the last try, as
    // reads try a failing provider no more often), the first call succeeds.
    provider.set_mode(Mode::Normal);
    let record = records(&app, "acme-chat").await.remove(0);
    let probe_again = record
        .probed_at
        .map_or_else(Utc::now, |at| at + app.services.refresh.probe);
    let retry_at = record.retry_at.unwrap().max(probe_again);
    let wait = (retry_at - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(50)).await;
    let read = credentials(&app, &org, "cust", "acme-chat").await;
    assert_eq!(read.status(), 200);
    let events = app
        .get_json(
            &org,
            &format!(
                "/api/v2/public/connection/{}/events",
                records(&app, "acme-chat").await[0].id
            ),
            None,
        )
        .await;
    assert!(
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|event| event["kind"] != "flagged"),
        "{events}"
    );
}

/// The outage of the recovery test below.
const OUTAGE: Duration = Duration::from_secs(120);

#[tokio::test]
async fn reads_recover_within_a_probe_period_after_a_long_provider_outage() {
    let provider = Provider::start().await;
    // The shipped settings: a backoff from one minute doubling to an hour, a probe per 10 s.
    let app = spawn_app().await;
    let probe = app.services.refresh.probe.to_std().unwrap();
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    let before = provider.refresh_times().len();

    // The provider goes down; the access token expires three seconds later.
    provider.set_mode(Mode::Unavailable);
    let down = std::time::Instant::now();
    connection::Entity::update_many()
        .col_expr(
            connection::Column::AccessExpiresAt,
            Expr::value(Utc::now() + chrono::Duration::seconds(3)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    // A vendor's sync keeps reading, twice a second.
    while down.elapsed() < OUTAGE {
        let read = credentials(&app, &org, "cust", "acme-chat").await;
        let status = read.status().as_u16();
        assert!(matches!(status, 200 | 503), "{status}");
        if status == 503 {
            let wait: u64 = read.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(wait <= probe.as_secs() + 1, "told to wait {wait} s");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        records(&app, "acme-chat").await[0].status.as_str(),
        "active"
    );
    let during: Vec<_> = provider.refresh_times()[before..].to_vec();
    for pair in during.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= probe - Duration::from_millis(100),
            "two provider calls {gap:?} apart"
        );
    }
    assert!(
        during.len() as u64 <= OUTAGE.as_secs() / probe.as_secs() + 1,
        "{} calls in {OUTAGE:?}",
        during.len()
    );

    // Back: the first read that answers 200 comes within a probe period or so.
    provider.set_mode(Mode::Normal);
    let back = std::time::Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(15) {
        let read = credentials(&app, &org, "cust", "acme-chat").await;
        if read.status() == 200 {
            recovered = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let recovered = recovered.expect("a read answered 200 within 15 s of the provider's return");
    eprintln!(
        "provider down {OUTAGE:?}: {} refresh calls during it; first 200 {recovered:?} after its return",
        during.len()
    );
    // The success ended the backoff for everyone.
    let record = &records(&app, "acme-chat").await[0];
    assert_eq!(record.retry_at, None);
    assert_eq!(record.failures, 0);
}

#[tokio::test]
async fn workspaces_named_alike_stay_two_and_reconnecting_as_another_leaves_the_original() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T2", "Acme")).await;
    let both = records(&app, "acme-chat").await;
    assert_eq!(
        both.len(),
        2,
        "two workspaces named Acme are two connections"
    );
    // Signing in to T1 again is the same connection.
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    assert_eq!(records(&app, "acme-chat").await.len(), 2);

    // T1 is flagged; its reconnect signs in as T3 instead. Nothing is overwritten: the page
    // asks what to do.
    let t1 = both
        .iter()
        .find(|r| r.account_id.as_deref() == Some("T1"))
        .unwrap();
    crate::helpers::flag_connection(&app.db, &t1.id, ReauthReason::TokenRevoked).await;
    let before = connection::Entity::find_by_id(&t1.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let choose = |page: &str| {
        assert!(
            page.contains(
                "You signed in as Globex; this connection is for Acme. Sign in as Acme, or keep Globex as another connection."
            ),
            "{page}"
        );
        let action = page
            .split("action=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        app.url(action)
    };
    let unchanged = |after: connection::Model| {
        assert_eq!(after.status.as_str(), "reauth_required");
        assert_eq!(after.account_id.as_deref(), Some("T1"));
        assert_eq!(
            after.credentials, before.credentials,
            "T1's tokens are untouched"
        );
        assert_eq!(after.version, before.version);
    };

    // "Sign in as Acme": Globex's grant is revoked and the sign-in starts again.
    let page = connect_as(&app, &org, "cust", &provider, "acme-chat", ("T3", "Globex")).await;
    let action = choose(&page);
    // Only the browser that signed in may choose.
    let elsewhere = browser()
        .post(&action)
        .form(&[("choice", "keep")])
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 403);
    let again = app
        .client
        .post(&action)
        .form(&[("choice", "again")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    let location = again.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/authorize", provider.base)),
        "{location}"
    );
    assert_eq!(provider.revocations(), 1);
    assert_eq!(records(&app, "acme-chat").await.len(), 2);
    unchanged(
        connection::Entity::find_by_id(&t1.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap(),
    );
    // The choice is made once.
    let twice = app
        .client
        .post(&action)
        .form(&[("choice", "keep")])
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 410);

    // "Keep Globex as another connection": a third connection; T1 still waits.
    let page = connect_as(&app, &org, "cust", &provider, "acme-chat", ("T3", "Globex")).await;
    let action = choose(&page);
    let keep = app
        .client
        .post(&action)
        .form(&[("choice", "keep")])
        .send()
        .await
        .unwrap();
    assert_eq!(keep.status(), 200, "{}", keep.text().await.unwrap());
    let all = records(&app, "acme-chat").await;
    assert_eq!(all.len(), 3);
    assert!(
        all.iter()
            .any(|r| r.account_id.as_deref() == Some("T3") && r.status.as_str() == "active")
    );
    unchanged(
        connection::Entity::find_by_id(&t1.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap(),
    );
    assert_eq!(provider.revocations(), 1);
}

#[tokio::test]
async fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    provider.stop_rotating();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        expire_access(&app, "acme-chat").await;
        let read = credentials(&app, &org, "cust", "acme-chat").await;
        assert_eq!(read.status(), 200);
        tokens.push(read.json::<Value>().await.unwrap()["access_token"].clone());
    }
    assert_eq!(
        provider.refresh_requests(),
        3,
        "each refresh used the kept refresh token"
    );
    assert!(tokens[0] != tokens[1] && tokens[1] != tokens[2]);
}

#[tokio::test]
async fn a_refused_client_flags_every_connection_of_the_app_credentials_expired() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    connect_as(
        &app,
        &org,
        "other",
        &provider,
        "acme-chat",
        ("T2", "Globex"),
    )
    .await;
    // The org's client is replaced by one the provider does not know.
    let response = app
        .configure(&org, "acme-chat", json!({"client_id": "retired-client"}))
        .await;
    assert_eq!(response.status(), 200);
    expire_access(&app, "acme-chat").await;
    let body = assert_error(
        credentials(&app, &org, "cust", "acme-chat").await,
        409,
        "reauth_required",
    )
    .await;
    assert_eq!(body["error"]["reason"], "credentials_expired");
    assert_eq!(
        provider.refresh_requests(),
        0,
        "refused before any refresh token was read"
    );
    assert_flagged(
        &app,
        &org,
        "other",
        "acme-chat",
        ReauthReason::CredentialsExpired,
    )
    .await;
    assert_flagged(
        &app,
        &org,
        "cust",
        "acme-chat",
        ReauthReason::CredentialsExpired,
    )
    .await;
}

#[tokio::test]
async fn another_account_nobody_chose_to_keep_is_revoked_when_its_time_is_up() {
    let provider = Provider::start().await;
    let app = spawn_app().await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    let t1 = records(&app, "acme-chat").await.remove(0);
    crate::helpers::flag_connection(&app.db, &t1.id, ReauthReason::TokenRevoked).await;
    let page = connect_as(&app, &org, "cust", &provider, "acme-chat", ("T2", "Globex")).await;
    assert!(page.contains("Another account signed in"), "{page}");
    assert_eq!(app.count("pending_connection").await, 1);

    // Not yet due: nothing happens.
    let clock = &app.services.clock;
    assert_eq!(
        portico::oauth::purge_pending(&app.services, clock.now())
            .await
            .unwrap(),
        0
    );
    // Eleven minutes on, the held sign-in nobody chose is given back.
    clock.advance(chrono::Duration::minutes(11));
    assert_eq!(
        portico::oauth::purge_pending(&app.services, clock.now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.count("pending_connection").await, 0);
    assert_eq!(provider.revocations(), 1, "Globex's access was given back");
    assert_eq!(records(&app, "acme-chat").await.len(), 1);
}

#[tokio::test]
async fn the_audit_trail_says_who_did_what_and_outlives_the_connection() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let id = records(&app, "sandbox").await[0].id.clone();
    expire_access(&app, "sandbox").await;
    assert_eq!(
        credentials(&app, &org, "cust", "sandbox").await.status(),
        200
    );
    let token = session_token(&app, &org, "cust").await;
    let removed = app
        .client
        .delete(app.url("/api/v1/linked-acc/integration/sandbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(removed.status().is_success());
    assert!(records(&app, "sandbox").await.is_empty());

    let events = app
        .get_json(
            &org,
            &format!("/api/v2/public/connection/{id}/events"),
            None,
        )
        .await;
    let trail: Vec<(String, String)> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| {
            (
                event["kind"].as_str().unwrap().to_owned(),
                event["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            ("connected".to_owned(), "end_customer".to_owned()),
            ("refreshed".to_owned(), "vendor".to_owned()),
            ("disconnected".to_owned(), "end_customer".to_owned()),
        ]
    );
    // Another org sees nothing of it.
    let other = app.org("Globex", &[]).await;
    let response = app
        .get_as(
            &other,
            &format!("/api/v2/public/connection/{id}/events"),
            None,
        )
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_vendors_expiry_is_in_the_audit_trail_and_moves_the_version() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["twilio"]).await;
    let token = session_token(&app, &org, "cust").await;
    let saved = crate::helpers::save_twilio(&app, &token).await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let before = records(&app, "twilio").await.remove(0);

    let at = app.services.clock.now() + chrono::Duration::days(3);
    let set = app
        .client
        .put(app.url("/api/v2/public/connection/twilio/expiry"))
        .header("x-api-key", &org.key)
        .header("linked_account_id", "cust")
        .json(&json!({"credentials_expire_at": at.to_rfc3339()}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200, "{}", set.text().await.unwrap());

    let after = records(&app, "twilio").await.remove(0);
    assert_eq!(
        after.version,
        before.version + 1,
        "a vendor's expiry is a change"
    );
    assert_eq!(
        after.refresh_expires_at.map(|at| at.timestamp()),
        Some(at.timestamp())
    );
    let events = format!("/api/v2/public/connection/{}/events", after.id);
    let trail = app.get_json(&org, &events, None).await;
    let last = trail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["actor"].as_str()),
        (Some("expiry_set"), Some("vendor")),
        "{trail}"
    );
    assert!(
        last["detail"]
            .as_str()
            .is_some_and(|detail| detail.starts_with("expires at ")),
        "{last}"
    );
}
