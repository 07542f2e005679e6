//! What an operator sees: every answer carries its request id, and `/metrics` counts requests,
//! refreshes, flags and deliveries on its own address, never on the public one.
//!
//! The metrics recorder is one per process, so other tests running beside these count too:
//! each assertion compares a scrape before and after this test's own actions, on labels they
//! alone are sure to move.

use std::collections::HashMap;

use crate::helpers::{connect_sandbox, spawn_app, spawn_app_with};
use crate::lifecycle::expire_access;
use crate::webhooks::{free_port, receiver, subscribe, wait_for};

#[tokio::test]
async fn every_answer_carries_a_request_id_taken_from_the_caller_or_made() {
    let app = spawn_app().await;
    let id_of = |response: &reqwest::Response| {
        response
            .headers()
            .get("x-request-id")
            .expect("an x-request-id")
            .to_str()
            .unwrap()
            .to_owned()
    };
    let given = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "lb-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&given), "lb-7f3a.42");
    // An API refusal, a page and an unknown path each get a fresh one.
    let mut made = Vec::new();
    for path in ["/api/v2/public/application", "/connect", "/no-such-page"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        made.push(id_of(&response));
    }
    for id in &made {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    assert_ne!(made[0], made[1]);
    // Nothing strange from a caller reaches a log line.
    for hostile in ["two words", "x".repeat(500).as_str(), "<script>", "a\tb"] {
        let response = app
            .client
            .get(app.url("/health"))
            .header("x-request-id", hostile)
            .send()
            .await
            .unwrap();
        let id = id_of(&response);
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{hostile:?} gave {id}");
    }
}

/// One scrape: each sample's name with its labels, and its value.
async fn scrape(address: &str) -> HashMap<String, f64> {
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let (sample, value) = line.rsplit_once(' ')?;
            Some((sample.to_owned(), value.parse().ok()?))
        })
        .collect()
}

fn value(samples: &HashMap<String, f64>, sample: &str) -> f64 {
    samples.get(sample).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_refreshes_flags_and_deliveries_on_their_own_address() {
    let app =
        spawn_app_with(|config| config.metrics_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let metrics = app.metrics.clone().expect("metrics are served");
    assert_ne!(metrics, app.address.trim_start_matches("http://"));
    // Not on the public address.
    let public = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);

    let org = app.org("Acme", &["sandbox"]).await;
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let before = scrape(&metrics).await;

    let listed = r#"portico_http_requests_total{route="/api/v2/public/application",method="GET",status="200"}"#;
    for _ in 0..3 {
        let answer = app
            .get_as(&org, "/api/v2/public/application", Some("cust"))
            .await;
        assert_eq!(answer.status(), 200);
    }
    // A refresh that renews, then one the provider refuses for good.
    expire_access(&app, "sandbox").await;
    portico::workers::refresh_due(&app.services).await.unwrap();
    portico::sandbox::expire(
        &app.db,
        &portico::sandbox::Target::All,
        portico::sandbox::Expiry::Refresh,
        app.services.clock.now(),
    )
    .await
    .unwrap();
    expire_access(&app, "sandbox").await;
    portico::workers::refresh_due(&app.services).await.unwrap();
    // Connection Created was queued before the first scrape; Connection Expired after.
    wait_for(&received, 2).await;
    let mut after = scrape(&metrics).await;
    for _ in 0..40 {
        if value(
            &after,
            r#"portico_webhook_deliveries_total{outcome="delivered"}"#,
        ) >= value(
            &before,
            r#"portico_webhook_deliveries_total{outcome="delivered"}"#,
        ) + 1.0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        after = scrape(&metrics).await;
    }

    let grew = |sample: &str| value(&after, sample) - value(&before, sample);
    assert!(grew(listed) >= 3.0, "{listed}: {}", grew(listed));
    let histogram = r#"portico_http_request_duration_seconds_count{route="/api/v2/public/application",method="GET"}"#;
    assert!(grew(histogram) >= 3.0, "{histogram}");
    assert!(
        after.contains_key(r#"portico_http_request_duration_seconds_bucket{route="/api/v2/public/application",method="GET",le="0.005"}"#),
        "latency has buckets"
    );
    assert!(grew(r#"portico_refreshes_total{outcome="refreshed"}"#) >= 1.0);
    assert!(grew(r#"portico_refreshes_total{outcome="flagged"}"#) >= 1.0);
    assert!(grew(r#"portico_flags_total{reason="refresh_token_expired"}"#) >= 1.0);
    assert!(grew(r#"portico_webhook_deliveries_total{outcome="delivered"}"#) >= 1.0);
    assert!(after.contains_key("portico_outbox_pending"));
    assert!(after.contains_key("portico_outbox_oldest_pending_seconds"));
    assert!(after.contains_key("portico_widget_streams_open"));
    // No path with a value in it is a label: a link's route is its template.
    assert!(
        after
            .keys()
            .filter(|sample| sample.contains("route="))
            .all(|sample| !sample.contains("pst_")),
        "a token in a route label"
    );
}
