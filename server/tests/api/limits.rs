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
