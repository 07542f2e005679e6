//! Webhooks: subscriptions, signed deliveries a receiver verifies with the `standardwebhooks`
//! crate, retries with the same `webhook-id`, the egress policy, and the event log.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOrg, connect_sandbox, session_token, spawn_app, spawn_app_with};

/// What a receiver got: headers and body of each request.
pub type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A status that makes the receiver never answer (the sender times out or dies).
pub const HANG: u16 = 0;

/// A webhook receiver on `port` that answers each request with the next status of
/// `answers` (then 200); [`HANG`] never answers.
pub async fn receiver(port: u16, answers: Vec<u16>) -> Received {
    let received: Received = Arc::default();
    let script = Arc::new(Mutex::new(answers.into_iter()));
    let state = (received.clone(), script);
    let router = Router::new()
        .route(
            "/hooks",
            post(
                |State((received, script)): State<(
                    Received,
                    Arc<Mutex<std::vec::IntoIter<u16>>>,
                )>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    received
                        .lock()
                        .unwrap()
                        .push((headers, String::from_utf8(body.to_vec()).unwrap()));
                    let status = script.lock().unwrap().next().unwrap_or(200);
                    if status == HANG {
                        std::future::pending::<()>().await;
                    }
                    StatusCode::from_u16(status).unwrap()
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    received
}

/// A free port on loopback, not listened on.
pub async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

pub async fn subscribe(app: &TestApp, org: &TestOrg, url: &str) -> Value {
    let events = [
        "Connection Created",
        "Connection Expired",
        "Connection Reconnected",
        "Connection Deleted",
    ];
    let response = app
        .post_json(
            org,
            "/api/v2/public/webhook",
            json!({"webhook_url": url, "webhook_events": events, "is_enabled": true}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Waits until `received` holds `count` requests.
pub async fn wait_for(received: &Received, count: usize) -> Vec<(HeaderMap, String)> {
    wait_within(received, count, Duration::from_secs(10)).await
}

/// Waits up to `limit` until `received` holds `count` requests.
pub async fn wait_within(
    received: &Received,
    count: usize,
    limit: Duration,
) -> Vec<(HeaderMap, String)> {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if received.lock().unwrap().len() >= count {
            return received.lock().unwrap().clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{} of {count} deliveries arrived",
        received.lock().unwrap().len()
    );
}

/// Verifies a delivery as a receiver would, and returns its payload.
pub fn verified(secret: &str, (headers, body): &(HeaderMap, String)) -> Value {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(body.as_bytes(), headers)
        .expect("the signature verifies");
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn each_change_is_delivered_once_signed_as_standard_webhooks_says() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    // The secret is shown once.
    let listed = app.get_json(&org, "/api/v2/public/webhook", None).await;
    assert_eq!(listed[0]["id"], subscription["id"], "{listed}");
    assert!(listed[0].get("secret").is_none(), "{listed}");

    let token = session_token(&app, &org, "cust").await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let created = verified(&secret, &wait_for(&received, 1).await[0]);
    assert_eq!(created["event"], "Connection Created");
    assert_eq!(created["linked_account_id"], "cust");
    assert_eq!(created["org_id"], org.id);
    assert_eq!(created["environment"], "test");
    assert_eq!(created["type"], "General");
    assert_eq!(created["slug"], "sandbox");
    assert_eq!(created["identifier"], "Sandbox user");
    chrono::DateTime::parse_from_rfc2822(created["createdAt"].as_str().unwrap())
        .expect("createdAt is RFC 1123");
    assert!(created.get("reason").is_none());

    // Revoked at the provider: one Connection Expired with its reason.
    app.revoke_at_sandbox().await;
    let expired = verified(&secret, &wait_for(&received, 2).await[1]);
    assert_eq!(expired["event"], "Connection Expired");
    assert_eq!(expired["reason"], "token_revoked");
    assert_eq!(expired["connection_id"], created["connection_id"]);

    // Reconnected, then deleted.
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let reconnected = verified(&secret, &wait_for(&received, 3).await[2]);
    assert_eq!(reconnected["event"], "Connection Reconnected");
    let removed = app
        .client
        .delete(app.url("/api/v1/linked-acc/integration/sandbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(removed.status().is_success());
    let all = wait_for(&received, 4).await;
    assert_eq!(verified(&secret, &all[3])["event"], "Connection Deleted");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.lock().unwrap().len(), 4, "each event once");
    let ids: std::collections::HashSet<_> = all
        .iter()
        .map(|(headers, _)| headers["webhook-id"].clone())
        .collect();
    assert_eq!(ids.len(), 4, "one webhook-id per event");
}

#[tokio::test]
async fn a_receiver_down_then_failing_gets_the_event_later_with_the_same_webhook_id() {
    let port = free_port().await;
    let app = spawn_app_with(|config| {
        // The schedule stays the specification's, shrunk a thousandfold: 5 ms, 300 ms, 1.8 s…
        config.webhooks.schedule_scale = 0.001;
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;

    // Nobody listens: the first attempt is refused.
    let log = || app.get_json(&org, "/api/v2/public/event", None);
    for _ in 0..200 {
        let events = log().await;
        if !events["events"][0]["deliveries"][0]["attempts"]
            .as_array()
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // The receiver comes back, answers 500 once, then 200.
    let received = receiver(port, vec![500]).await;
    let all = wait_for(&received, 2).await;
    for delivery in &all {
        assert_eq!(verified(&secret, delivery)["event"], "Connection Created");
    }
    assert_eq!(
        all[0].0["webhook-id"], all[1].0["webhook-id"],
        "the same webhook-id"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let events = log().await;
    let delivery = &events["events"][0]["deliveries"][0];
    assert_eq!(delivery["state"], "delivered", "{events}");
    assert_eq!(
        delivery["webhook_id"],
        all[0].0["webhook-id"].to_str().unwrap()
    );
    let attempts = delivery["attempts"].as_array().unwrap();
    let statuses: Vec<Value> = attempts.iter().map(|a| a["status"].clone()).collect();
    // Refused while nobody listened (once or more, by timing), then 500, then 200.
    let (refused, answered) = statuses.split_at(statuses.len() - 2);
    assert!(!refused.is_empty(), "{attempts:?}");
    for (status, attempt) in refused.iter().zip(attempts) {
        assert_eq!(*status, Value::Null, "{attempts:?}");
        assert!(attempt["error"].as_str().is_some());
    }
    assert_eq!(answered, [json!(500), json!(200)]);
}

#[tokio::test]
async fn production_refuses_loopback_receivers_and_sends_them_nothing() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|config| {
        config.egress.allow_http = false;
        config.egress.allow_loopback = false;
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    for url in [
        format!("http://127.0.0.1:{port}/hooks"),
        format!("https://127.0.0.1:{port}/hooks"),
        format!("https://localhost:{port}/hooks"),
    ] {
        let response = app
            .post_json(
                &org,
                "/api/v2/public/webhook",
                json!({"webhook_url": url, "webhook_events": ["Connection Created"]}),
            )
            .await;
        let body = crate::helpers::assert_error(response, 422, "validation_failed").await;
        assert!(body["error"]["fields"]["webhook_url"].is_string(), "{body}");
    }
    // A subscription made before the policy tightened is refused at delivery too.
    portico::webhooks::subscriptions::create(
        &app.db,
        &app.vault,
        &org.id,
        portico::tenancy::Environment::Test,
        &portico::webhooks::subscriptions::Subscription {
            url: format!("http://127.0.0.1:{port}/hooks"),
            events: vec!["Connection Created".into()],
            enabled: true,
        },
        app.services.clock.now(),
    )
    .await
    .unwrap();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let mut refused = false;
    for _ in 0..200 {
        let events = app.get_json(&org, "/api/v2/public/event", None).await;
        let attempts = &events["events"][0]["deliveries"][0]["attempts"];
        if let Some(first) = attempts.as_array().and_then(|a| a.first()) {
            assert!(
                first["error"]
                    .as_str()
                    .unwrap()
                    .contains("refused by the outbound policy"),
                "{events}"
            );
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(refused, "no delivery attempt was recorded");
    assert_eq!(
        received.lock().unwrap().len(),
        0,
        "the receiver counts 0 requests"
    );
}

#[tokio::test]
async fn the_event_log_returns_every_event_after_a_cursor_in_order_across_a_restart() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "slack"]).await;
    app.upsert_account(&org, "cust").await;
    let mut made = Vec::new();
    for index in 0..5 {
        made.push(
            app.connection(&org, "cust", "sandbox", &format!("Account {index}"), None)
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(
                &org,
                &format!("/api/v2/public/event?after={cursor}&limit=2"),
                None,
            )
            .await;
        let events = page["events"].as_array().unwrap().clone();
        if events.is_empty() {
            assert_eq!(
                page["next"],
                cursor.as_str().parse::<i64>().unwrap_or(0).to_string()
            );
            break;
        }
        assert!(events.len() <= 2);
        seen.extend(
            events
                .iter()
                .map(|e| e["connection_id"].as_str().unwrap().to_owned()),
        );
        cursor = page["next"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen, made, "every event, in order");

    // Another server on the same database (as after a restart) reads the same log.
    let replica = app.replica().await;
    let page: Value = app
        .client
        .get(format!("{replica}/api/v2/public/event?limit=1000"))
        .header("x-api-key", &org.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: Vec<String> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["connection_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(again, made);
    for bad in ["?after=abc", "?after=-1", "?limit=0", "?limit=5000"] {
        let response = app
            .get_as(&org, &format!("/api/v2/public/event{bad}"), None)
            .await;
        crate::helpers::assert_error(response, 422, "validation_failed").await;
    }
}

/// A benchmark, not a test: `cargo test -p server --test api -- --ignored drain --nocapture`
/// (with `PORTICO_TEST_POSTGRES_URL` for PostgreSQL). Queues 10,000 events for one local
/// receiver and times the delivery worker's passes until the outbox is empty.
#[tokio::test]
#[ignore]
async fn drain_ten_thousand_events() {
    use portico::entity::webhook_delivery;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    const EVENTS: usize = 10_000;
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    let subscription = subscription_of(&app, &org).await;
    queue_events(&app, &account, &subscription.id, EVENTS).await;
    let started = std::time::Instant::now();
    let worker = app.services.outbound();
    tokio::spawn(portico::workers::deliver_webhooks(
        portico::webhooks::Outbound {
            settings: portico::config::WebhookSettings {
                every: Duration::from_millis(10),
                ..worker.settings
            },
            ..worker
        },
    ));
    let delivered = loop {
        let delivered = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::State.eq(webhook_delivery::State::Delivered))
            .count(&app.db)
            .await
            .unwrap();
        if delivered as usize == EVENTS || started.elapsed() > Duration::from_secs(120) {
            break delivered;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let took = started.elapsed();
    assert_eq!(delivered as usize, EVENTS);
    assert_eq!(received.lock().unwrap().len(), EVENTS);
    eprintln!(
        "drain on {}: {EVENTS} events in {took:?} ({:.0} per second)",
        crate::helpers::backend(),
        EVENTS as f64 / took.as_secs_f64()
    );
}

#[tokio::test]
async fn rotation_signs_with_both_secrets_replay_keeps_the_id_and_410_turns_it_off() {
    let port = free_port().await;
    // Answers 200, 200, then 410 Gone.
    let received = receiver(port, vec![200, 200, 410]).await;
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let id = subscription["id"].as_str().unwrap();
    let old = subscription["secret"].as_str().unwrap().to_owned();
    let rotated: Value = app
        .client
        .post(app.url(&format!("/api/v2/public/webhook/{id}/rotate-secret")))
        .header("x-api-key", &org.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(
        rotated["previous_secret_valid_until"].is_string(),
        "{rotated}"
    );

    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let first = wait_for(&received, 1).await.remove(0);
    // Both secrets verify during the overlap: receivers can switch without missing one.
    verified(&old, &first);
    verified(&new, &first);

    // A replay of the event carries the same webhook-id.
    let log = app.get_json(&org, "/api/v2/public/event", None).await;
    let cursor: i64 = log["events"][0]["cursor"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let replayed: Value = app
        .client
        .post(app.url(&format!("/api/v2/public/webhook/{id}/replay")))
        .header("x-api-key", &org.key)
        .json(&json!({"event_id": cursor}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(replayed["queued"], 1);
    let again = wait_for(&received, 2).await.remove(1);
    assert_eq!(again.0["webhook-id"], first.0["webhook-id"]);

    // The receiver answers 410 Gone: the subscription turns itself off.
    app.connection(&org, "cust", "sandbox", "Another user", None)
        .await;
    wait_for(&received, 3).await;
    for _ in 0..200 {
        let shown = app
            .get_json(&org, &format!("/api/v2/public/webhook/{id}"), None)
            .await;
        if shown["is_enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let shown = app
        .get_json(&org, &format!("/api/v2/public/webhook/{id}"), None)
        .await;
    assert_eq!(shown["is_enabled"], false, "{shown}");
    app.connection(&org, "cust", "sandbox", "A third user", None)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.lock().unwrap().len(), 3, "nothing more after 410");

    // Bad input says which field and why.
    for (body, field) in [
        (
            json!({"webhook_url": "", "webhook_events": ["Connection Created"]}),
            "webhook_url",
        ),
        (
            json!({"webhook_url": "ftp://x.example", "webhook_events": ["Connection Created"]}),
            "webhook_url",
        ),
        (
            json!({"webhook_url": format!("http://127.0.0.1:{port}/h"), "webhook_events": []}),
            "webhook_events",
        ),
        (
            json!({"webhook_url": format!("http://127.0.0.1:{port}/h"), "webhook_events": ["Connection Exploded"]}),
            "webhook_events",
        ),
    ] {
        let response = app.post_json(&org, "/api/v2/public/webhook", body).await;
        let error = crate::helpers::assert_error(response, 422, "validation_failed").await;
        assert!(error["error"]["fields"][field].is_string(), "{error}");
    }
    let response = app
        .post_json(
            &org,
            "/api/v2/public/webhook",
            json!({"webhook_events": []}),
        )
        .await;
    crate::helpers::assert_error(response, 422, "validation_failed").await;
    // Another org's key sees nothing of it.
    let other = app.org("Globex", &[]).await;
    let response = app
        .get_as(&other, &format!("/api/v2/public/webhook/{id}"), None)
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_known_expiry_is_warned_once_ahead_and_a_key_past_it_is_flagged() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|config| {
        // The sandbox's refresh tokens live three days: inside the seven-day warning.
        config.sandbox.as_mut().unwrap().refresh_ttl = 3 * 24 * 3600;
    })
    .await;
    let org = app.org("Acme", &["sandbox", "twilio"]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/webhook",
            json!({
                "webhook_url": format!("http://127.0.0.1:{port}/hooks"),
                "webhook_events": ["Connection Expiring", "Connection Expired"],
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let secret = response.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = session_token(&app, &org, "cust").await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;

    assert_eq!(
        portico::workers::warn_expiring(&app.services)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        portico::workers::warn_expiring(&app.services)
            .await
            .unwrap(),
        0,
        "once"
    );
    let expiring = verified(&secret, &wait_for(&received, 1).await[0]);
    assert_eq!(expiring["event"], "Connection Expiring");
    assert_eq!(expiring["slug"], "sandbox");
    let url = app.hosted_url(&org, "cust").await;
    let page = app
        .follow(&crate::helpers::browser(), &url)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Expires in 3 days — reconnect now"), "{page}");

    // A key whose expiry the vendor set: warned, then flagged once it passes.
    let saved = crate::helpers::save_twilio(&app, &token).await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let set = |at: chrono::DateTime<chrono::Utc>| {
        app.client
            .put(app.url("/api/v2/public/connection/twilio/expiry"))
            .header("x-api-key", &org.key)
            .header("linked_account_id", "cust")
            .json(&json!({"credentials_expire_at": at.to_rfc3339()}))
            .send()
    };
    assert_eq!(
        set(chrono::Utc::now() + chrono::Duration::days(2))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        portico::workers::warn_expiring(&app.services)
            .await
            .unwrap(),
        1
    );
    let warned = verified(&secret, &wait_for(&received, 2).await[1]);
    assert_eq!(
        (warned["event"].as_str(), warned["slug"].as_str()),
        (Some("Connection Expiring"), Some("twilio"))
    );
    assert_eq!(
        set(chrono::Utc::now() - chrono::Duration::seconds(1))
            .await
            .unwrap()
            .status(),
        200
    );
    // A new expiry is warned about again, then found expired.
    assert_eq!(
        portico::workers::warn_expiring(&app.services)
            .await
            .unwrap(),
        2
    );
    let all = wait_for(&received, 4).await;
    let expired: Vec<Value> = all
        .iter()
        .map(|delivery| verified(&secret, delivery))
        .filter(|event| event["event"] == "Connection Expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["reason"], "credentials_expired");
    assert_eq!(expired[0]["slug"], "twilio");
    // An OAuth2 connection's expiry is the provider's to say.
    let response = app
        .client
        .put(app.url("/api/v2/public/connection/sandbox/expiry"))
        .header("x-api-key", &org.key)
        .header("linked_account_id", "cust")
        .json(&json!({"credentials_expire_at": null}))
        .send()
        .await
        .unwrap();
    crate::helpers::assert_error(response, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_receiver_failing_through_the_whole_schedule_is_given_up_as_dead() {
    let port = free_port().await;
    let received = receiver(port, vec![500; 20]).await;
    let app = spawn_app_with(|config| config.webhooks.schedule_scale = 0.00001).await;
    let org = app.org("Acme", &["sandbox"]).await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let mut delivery = Value::Null;
    for _ in 0..400 {
        let log = app.get_json(&org, "/api/v2/public/event", None).await;
        delivery = log["events"][0]["deliveries"][0].clone();
        if delivery["state"] == "dead" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(delivery["state"], "dead", "{delivery}");
    // The first attempt and one per step of the schedule: 8 in all, then nothing more.
    assert_eq!(
        delivery["attempts"].as_array().unwrap().len(),
        8,
        "{delivery}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(received.lock().unwrap().len(), 8);
}

/// Makes `count` `Connection Created` events of `account` and queues each for the
/// subscription, as many events in a burst would.
async fn queue_events(
    app: &TestApp,
    account: &portico::entity::linked_account::Model,
    subscription_id: &str,
    count: usize,
) {
    use portico::entity::connection_event;
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

    let first = connection_event::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|event| event.id)
        .max()
        .unwrap_or(0);
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let now = chrono::Utc::now();
        let events: Vec<_> = chunk
            .iter()
            .map(|index| connection_event::ActiveModel {
                org_id: Set(account.org_id.clone()),
                environment: Set(account.environment),
                linked_account_id: Set(account.id.clone()),
                connection_id: Set(format!("c{index}")),
                slug: Set("sandbox".into()),
                identifier: Set(Some(format!("Account {index}"))),
                kind: Set(connection_event::Kind::Connected),
                reason: Set(None),
                actor: Set(connection_event::Actor::EndCustomer),
                detail: Set(None),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        connection_event::Entity::insert_many(events)
            .exec_without_returning(&app.db)
            .await
            .unwrap();
    }
    let ids: Vec<i64> = connection_event::Entity::find()
        .filter(connection_event::Column::Id.gt(first))
        .filter(connection_event::Column::LinkedAccountId.eq(&account.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.id)
        .collect();
    for chunk in ids.chunks(500) {
        let txn = portico::db::begin_write(&app.db).await.unwrap();
        for id in chunk {
            portico::webhooks::outbox::queue(&txn, *id, subscription_id, app.services.clock.now())
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
}

/// The first subscription of an org.
async fn subscription_of(
    app: &TestApp,
    org: &TestOrg,
) -> portico::entity::webhook_subscription::Model {
    portico::webhooks::subscriptions::list(&app.db, &org.id, portico::tenancy::Environment::Test)
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn a_receiver_that_hangs_does_not_hold_up_another_orgs_deliveries() {
    let hanging_port = free_port().await;
    let hanging = receiver(hanging_port, vec![HANG; 1000]).await;
    let healthy_port = free_port().await;
    let healthy = receiver(healthy_port, vec![]).await;
    let app = spawn_app().await;
    let slow_org = app.org("Slow receiver Co", &["sandbox"]).await;
    subscribe(
        &app,
        &slow_org,
        &format!("http://127.0.0.1:{hanging_port}/hooks"),
    )
    .await;
    app.upsert_account(&slow_org, "cust").await;
    let account = app.linked_account(&slow_org, "cust").await;
    let subscription = subscription_of(&app, &slow_org).await;
    queue_events(&app, &account, &subscription.id, 200).await;
    // The hanging receiver is holding its share before the other org's event happens.
    wait_within(&hanging, 1, Duration::from_secs(10)).await;

    let org = app.org("Acme", &["sandbox"]).await;
    subscribe(
        &app,
        &org,
        &format!("http://127.0.0.1:{healthy_port}/hooks"),
    )
    .await;
    let flagged_at = std::time::Instant::now();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    wait_within(&healthy, 1, Duration::from_secs(10)).await;
    let took = flagged_at.elapsed();
    let held = hanging.lock().unwrap().len();
    eprintln!(
        "another org's event arrived {took:?} after it happened, while {held} deliveries hung"
    );
    assert!(held <= 16, "{held} deliveries to one receiver at once");
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_paused_then_tried_once_and_closed_by_a_success() {
    let port = free_port().await;
    let received = receiver(port, vec![500; 6]).await;
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    let subscription = subscription_of(&app, &org).await;
    queue_events(&app, &account, &subscription.id, 8).await;
    wait_within(&received, 5, Duration::from_secs(10)).await;
    let mut paused = subscription_of(&app, &org).await;
    for _ in 0..200 {
        if paused.paused_until.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        paused = subscription_of(&app, &org).await;
    }
    assert!(paused.failures >= 5, "{}", paused.failures);
    let until = paused.paused_until.expect("the breaker opened");
    assert!(
        until > chrono::Utc::now() + chrono::Duration::seconds(20),
        "{until}"
    );
    // While it is open, nothing more is sent to the receiver.
    let sent = received.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), sent);

    // The pause ends: one delivery is tried (a 500, the sixth), which opens it again...
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let reopen = || async {
        portico::entity::webhook_subscription::Entity::update_many()
            .col_expr(
                portico::entity::webhook_subscription::Column::PausedUntil,
                Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
            )
            .filter(portico::entity::webhook_subscription::Column::Id.eq(&subscription.id))
            .exec(&app.db)
            .await
            .unwrap();
    };
    let due_now = || async {
        portico::entity::webhook_delivery::Entity::update_many()
            .col_expr(
                portico::entity::webhook_delivery::Column::NextAttemptAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
            )
            .exec(&app.db)
            .await
            .unwrap();
    };
    if sent < 6 {
        due_now().await;
        reopen().await;
        wait_within(&received, 6, Duration::from_secs(10)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            received.lock().unwrap().len(),
            6,
            "one at a time while half open"
        );
    }
    // ...and once the receiver answers again, a success closes the breaker and the rest flow.
    due_now().await;
    reopen().await;
    wait_within(&received, 6 + 8, Duration::from_secs(20)).await;
    let closed = subscription_of(&app, &org).await;
    assert_eq!(closed.failures, 0);
    assert_eq!(closed.paused_until, None);
}

#[tokio::test]
async fn a_replay_is_bounded_and_never_doubles_a_pending_message() {
    let port = free_port().await;
    // Nothing listens: every attempt fails and the delivery waits for its next try.
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let id = subscription["id"].as_str().unwrap();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let replay = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v2/public/webhook/{id}/replay")))
            .header("x-api-key", &org.key)
            .json(&body)
            .send()
    };
    let deliveries = app.count("webhook_delivery").await;
    assert_eq!(deliveries, 1);

    let long = replay(json!({
        "since": "2026-01-01T00:00:00Z", "until": "2026-01-08T00:00:01Z"
    }))
    .await
    .unwrap();
    let body = crate::helpers::assert_error(long, 422, "validation_failed").await;
    assert!(
        body["error"]["fields"]["since"]
            .as_str()
            .unwrap()
            .contains("at most 7 days"),
        "{body}"
    );
    let backwards = replay(json!({
        "since": "2026-01-08T00:00:00Z", "until": "2026-01-01T00:00:00Z"
    }))
    .await
    .unwrap();
    crate::helpers::assert_error(backwards, 422, "validation_failed").await;
    let from_long_ago = replay(json!({ "since": "2020-01-01T00:00:00Z" }))
        .await
        .unwrap();
    crate::helpers::assert_error(from_long_ago, 422, "validation_failed").await;
    assert_eq!(
        app.count("webhook_delivery").await,
        deliveries,
        "nothing queued"
    );

    // The event's message is still waiting for its next try: replaying it adds nothing.
    let events = app.get_json(&org, "/api/v2/public/event", None).await;
    let cursor: i64 = events["events"][0]["cursor"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for body in [
        json!({ "event_id": cursor }),
        json!({ "since": (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339() }),
    ] {
        let answer: Value = replay(body).await.unwrap().json().await.unwrap();
        assert_eq!(answer["queued"], 0, "{answer}");
        assert_eq!(answer["already_pending"], 1, "{answer}");
    }
    assert_eq!(app.count("webhook_delivery").await, deliveries);
}

#[tokio::test]
async fn a_replay_of_more_than_ten_thousand_events_is_refused() {
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let port = free_port().await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    let subscription = subscription_of(&app, &org).await;
    queue_events(&app, &account, &subscription.id, 10_001).await;
    let before = app.count("webhook_delivery").await;
    let response = app
        .post_json(
            &org,
            &format!("/api/v2/public/webhook/{}/replay", subscription.id),
            json!({ "since": (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339() }),
        )
        .await;
    let body = crate::helpers::assert_error(response, 422, "validation_failed").await;
    assert!(
        body["error"]["fields"]["since"]
            .as_str()
            .unwrap()
            .contains("10001 events"),
        "{body}"
    );
    assert_eq!(
        app.count("webhook_delivery").await,
        before,
        "nothing queued"
    );
}

#[tokio::test]
async fn the_event_log_lists_a_bounded_number_of_attempts_per_delivery() {
    let port = free_port().await;
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let delivery = portico::entity::webhook_delivery::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    use sea_orm::{ActiveValue::Set, EntityTrait, sea_query::Expr};
    let attempts: Vec<_> = (0..30)
        .map(|n| portico::entity::webhook_attempt::ActiveModel {
            delivery_id: Set(delivery.id),
            attempted_at: Set(chrono::Utc::now()),
            status: Set(Some(500)),
            latency_ms: Set(n),
            error: Set(None),
            ..Default::default()
        })
        .collect();
    portico::entity::webhook_attempt::Entity::insert_many(attempts)
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    portico::entity::webhook_delivery::Entity::update_many()
        .col_expr(
            portico::entity::webhook_delivery::Column::Attempts,
            Expr::value(30),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let events = app.get_json(&org, "/api/v2/public/event", None).await;
    let listed = &events["events"][0]["deliveries"][0];
    assert_eq!(listed["attempt_count"], 30);
    let attempts = listed["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 10);
    // The newest, oldest first.
    let latencies: Vec<i64> = attempts
        .iter()
        .map(|attempt| attempt["latency_ms"].as_i64().unwrap())
        .collect();
    assert_eq!(latencies, (20..30).collect::<Vec<_>>());
}
