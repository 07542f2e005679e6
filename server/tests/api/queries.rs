//! How many statements each hot request runs on the database: the count the benchmark's paths
//! are held to. A request's count is the fewest seen over a few tries once the first has run,
//! because the background passes share the connection and only ever add to it.

use crate::helpers::{
    TestApp, TestOrg, browser, connect_sandbox, save_twilio, session_token, spawn_app, widget_token,
};

/// The statements `request` runs once whatever it warms has been warmed.
async fn statements<F, Fut>(app: &TestApp, request: F) -> u64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let first = request().await.unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    first.bytes().await.unwrap();
    let mut fewest = u64::MAX;
    for _ in 0..5 {
        let before = app.services.queries.count();
        let response = request().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        // A page streams: its work is done when its last byte is.
        response.bytes().await.unwrap();
        let after = app.services.queries.count();
        fewest = fewest.min(after - before);
    }
    fewest
}

/// An org whose customer `bench-0` has a key-based and an OAuth2 connection, as the benchmark
/// seeds it; returns the org and the customer's session token.
async fn seeded(app: &TestApp) -> (TestOrg, String) {
    let org = app.org("Acme", &["twilio", "sandbox", "slack"]).await;
    let token = session_token(app, &org, "bench-0").await;
    let saved = save_twilio(app, &token).await;
    assert_eq!(saved.status(), 200);
    connect_sandbox(app, &org, "bench-0", "Bench user").await;
    (org, token)
}

#[tokio::test]
async fn each_hot_request_runs_no_more_statements_than_its_budget() {
    let app = spawn_app().await;
    let (org, token) = seeded(&app).await;
    let vendor = |path: &'static str| {
        app.client
            .get(app.url(path))
            .header("x-api-key", &org.key)
            .header("linked_account_id", "bench-0")
            .send()
    };
    let hosted = browser();
    let link = app.hosted_url(&org, "bench-0").await;
    assert!(app.follow(&hosted, &link).await.status().is_success());
    let widget = app.url(&format!(
        "/embed/{}",
        widget_token(&app, &org, "bench-0").await
    ));

    // The API key and the apps the org enabled are held in memory; a session token is read
    // with its linked account and org in one query, a linked account with its connections.
    let budgets = [
        (
            "key-based credentials",
            statements(&app, || {
                vendor("/api/v2/public/connection/twilio/credentials")
            })
            .await,
            1,
        ),
        (
            "OAuth2 credentials",
            statements(&app, || {
                vendor("/api/v2/public/connection/sandbox/credentials")
            })
            .await,
            1,
        ),
        (
            "vendor application list",
            statements(&app, || vendor("/api/v2/public/application")).await,
            2,
        ),
        (
            "SDK application list",
            statements(&app, || {
                app.client
                    .get(app.url("/api/v2/f-sdk/application"))
                    .bearer_auth(&token)
                    .send()
            })
            .await,
            2,
        ),
        (
            "hosted page",
            statements(&app, || hosted.get(app.url("/connect")).send()).await,
            5,
        ),
        (
            "widget",
            statements(&app, || app.client.get(&widget).send()).await,
            3,
        ),
    ];
    for (path, count, budget) in budgets {
        println!("{path}: {count} statements");
        assert!(
            count <= budget,
            "{path} runs {count} statements, more than {budget}"
        );
    }
}

/// What a replica holds of an org is forgotten the moment another replica changes it: a key
/// revoked or an app turned off there is refused or gone here at once (PostgreSQL carries the
/// word; on SQLite replicas do not share a process's word, so this checks the one replica).
#[tokio::test]
async fn what_is_held_in_memory_is_forgotten_when_the_org_changes() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["twilio", "slack"]).await;
    app.upsert_account(&org, "cust").await;
    let other = if app.services.changes.crosses_replicas() {
        app.replica().await
    } else {
        app.address.clone()
    };
    let list = |base: &str| {
        app.client
            .get(format!("{base}/api/v2/public/application"))
            .header("x-api-key", &org.key)
            .header("linked_account_id", "cust")
            .send()
    };
    let slugs = |body: serde_json::Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|app| app["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    // Both replicas hold the key and the list.
    for base in [&app.address, &other] {
        let listed = slugs(list(base).await.unwrap().json().await.unwrap());
        assert!(listed.contains(&"slack".to_owned()), "{listed:?}");
    }

    let off = app
        .client
        .delete(app.url("/api/v2/public/app/slack/config"))
        .header("x-api-key", &org.key)
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 200);
    let listed = slugs(list(&app.address).await.unwrap().json().await.unwrap());
    assert!(!listed.contains(&"slack".to_owned()), "{listed:?}");
    // Word reaches the other replica a moment later, well within what it would otherwise hold
    // the list for.
    let mut heard = false;
    for _ in 0..30 {
        let listed = slugs(list(&other).await.unwrap().json().await.unwrap());
        if !listed.contains(&"slack".to_owned()) {
            heard = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        heard,
        "the other replica still lists the app it was told is off"
    );

    assert!(app.services.revoke_api_key(&org.key_id).await.unwrap());
    assert_eq!(list(&app.address).await.unwrap().status(), 401);
    let mut refused = false;
    for _ in 0..30 {
        if list(&other).await.unwrap().status() == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        refused,
        "the other replica still takes a key it was told is revoked"
    );
}
