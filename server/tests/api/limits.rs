//! Rate limits on every surface: 429 with `Retry-After`, JSON on the API and SDK routes, a
//! readable page on pages and the OAuth callback.

use portico::config::RateLimits;

use crate::helpers::{assert_error, session_token, spawn_app_with};

#[tokio::test]
async fn each_surface_answers_429_with_retry_after_past_its_limit() {
    let app = spawn_app_with(|config| {
        config.limits = RateLimits {
            api_per_minute: 3,
            sdk_per_minute: 2,
            pages_per_minute: 2,
            ..RateLimits::default()
        };
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    // Creating the token is one API request.
    let token = session_token(&app, &org, "cust").await;

    for _ in 0..2 {
        let response = app
            .get_as(&org, "/api/v2/public/application", Some("cust"))
            .await;
        assert_eq!(response.status(), 200);
    }
    let limited = app
        .get_as(&org, "/api/v2/public/application", Some("cust"))
        .await;
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_error(limited, 429, "rate_limited").await;
    // Another key has its own allowance.
    let other = app.org("Other", &["sandbox"]).await;
    app.upsert_account(&other, "cust").await;
    assert_eq!(
        app.get_as(&other, "/api/v2/public/linked-account/cust", None)
            .await
            .status(),
        200
    );

    let sdk = || app.sdk_get("/api/v2/f-sdk/application", &token);
    assert_eq!(sdk().await.status(), 200);
    assert_eq!(sdk().await.status(), 200);
    let limited = sdk().await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, 429, "rate_limited").await;

    assert_eq!(
        app.client.get(app.url("/")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        app.client
            .get(app.url("/connect"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    for path in ["/connect", "/oauth/callback?state=x"] {
        let limited = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(limited.status(), 429, "{path}");
        assert!(limited.headers().contains_key("retry-after"));
        assert!(
            limited.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(limited.text().await.unwrap().contains("Too many requests"));
    }
    // Built assets and health checks are never limited.
    assert_eq!(
        app.client
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_session_token_is_one_bucket_however_its_header_is_spelled() {
    let app = spawn_app_with(|config| {
        config.limits = RateLimits {
            sdk_per_minute: 3,
            ..RateLimits::default()
        };
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = session_token(&app, &org, "cust").await;
    let spelled = |spaces: usize| format!("Bearer{}{token}", " ".repeat(spaces));
    for spaces in 1..=3 {
        let response = app
            .client
            .get(app.url("/api/v2/f-sdk/application"))
            .header("authorization", spelled(spaces))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{spaces} spaces");
    }
    for spaces in 1..=3 {
        let response = app
            .client
            .get(app.url("/api/v2/f-sdk/application"))
            .header("authorization", spelled(spaces))
            .send()
            .await
            .unwrap();
        assert_error(response, 429, "rate_limited").await;
    }

    // A Bearer token with a made-up API key beside it is counted as the token.
    let other = session_token(&app, &org, "other").await;
    let mint = |junk: String| {
        app.client
            .post(app.url("/api/v2/public/connect-url"))
            .bearer_auth(&other)
            .header("x-api-key", junk)
            .send()
    };
    for attempt in 0..3 {
        let response = mint(format!("pk_junk_{attempt}")).await.unwrap();
        assert_eq!(response.status(), 200, "{attempt}");
    }
    assert_error(
        mint("pk_junk_more".into()).await.unwrap(),
        429,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn guessing_keys_from_one_address_waits_before_the_database_is_asked_again() {
    // The shipped default: 30 failed authentications a minute per address.
    let app = spawn_app_with(|config| {
        config.limits = RateLimits::default();
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    app.upsert_account(&org, "cust").await;
    let guess = |key: String, from: &'static str| {
        app.client
            .get(app.url("/api/v2/public/application"))
            .header("x-api-key", key)
            .header("linked_account_id", "cust")
            .header("x-forwarded-for", from)
            .send()
    };
    let before = app.limits.lookups();
    let mut statuses = Vec::new();
    for attempt in 0..50 {
        let response = guess(format!("pk_test_guess{attempt:04}"), "203.0.113.9")
            .await
            .unwrap();
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
        }
        statuses.push(response.status().as_u16());
    }
    let looked_up = app.limits.lookups() - before;
    assert!(looked_up <= 31, "{looked_up} lookups for 50 guesses");
    assert_eq!(
        statuses.iter().filter(|status| **status == 401).count() as u64,
        looked_up
    );
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // The real key from another address is not held up by the guesser.
    let response = guess(org.key.clone(), "198.51.100.7").await.unwrap();
    assert_eq!(response.status(), 200);
    // While the guesser waits, nothing it sends reaches the database.
    let before = app.limits.lookups();
    for _ in 0..5 {
        let response = app
            .client
            .get(app.url("/api/v2/f-sdk/application"))
            .header("x-forwarded-for", "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
    }
    assert_eq!(app.limits.lookups(), before);
}

/// Status of a page load from `client_address` (sent as `X-Forwarded-For`).
async fn page_from(app: &crate::helpers::TestApp, client_address: &str) -> u16 {
    app.client
        .get(app.url("/"))
        .header("x-forwarded-for", client_address)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let limited = RateLimits {
        pages_per_minute: 2,
        ..RateLimits::default()
    };
    let app = spawn_app_with(|config| {
        config.limits = limited;
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(page_from(&app, "203.0.113.9").await, 200);
    assert_eq!(page_from(&app, "203.0.113.9").await, 200);
    assert_eq!(page_from(&app, "203.0.113.9").await, 429);
    assert_eq!(page_from(&app, "198.51.100.7").await, 200);
    // IPv6 clients share their /64.
    assert_eq!(page_from(&app, "2001:db8:1:2::1").await, 200);
    assert_eq!(page_from(&app, "2001:db8:1:2::ffff").await, 200);
    assert_eq!(page_from(&app, "2001:db8:1:2:abcd::9").await, 429);
    assert_eq!(page_from(&app, "2001:db8:1:3::1").await, 200);

    // Without the setting the header is not believed: everyone is the peer.
    let app = spawn_app_with(|config| config.limits = limited).await;
    assert_eq!(page_from(&app, "203.0.113.9").await, 200);
    assert_eq!(page_from(&app, "198.51.100.7").await, 200);
    assert_eq!(page_from(&app, "192.0.2.1").await, 429);
}

#[tokio::test]
async fn provider_events_are_limited_per_address() {
    let app = spawn_app_with(|config| {
        config.limits = RateLimits {
            hooks_per_minute: 2,
            ..RateLimits::default()
        };
    })
    .await;
    let send = || {
        app.client
            .post(app.url("/hooks/slack"))
            .header("x-slack-request-timestamp", "0")
            .header("x-slack-signature", "v0=00")
            .body("{}")
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 401);
    assert_eq!(send().await.unwrap().status(), 401);
    let limited = send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}
