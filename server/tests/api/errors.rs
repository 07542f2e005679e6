use portico::tenancy;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn missing_wrong_and_revoked_api_keys_get_401() {
    let app = spawn_app().await;
    let org = app.org("Keys Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let path = app.url("/api/v2/public/application");

    let missing = app
        .client
        .get(&path)
        .header("linked_account_id", "cust")
        .send()
        .await
        .unwrap();
    let body = assert_error(missing, 401, "unauthorized").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-api-key")
    );

    let mut tampered = org.key.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for key in [
        "nope",
        "pk_test_",
        tampered.as_str(),
        &format!("{} ", org.key).replace("pk_test_", "pk_live_"),
    ] {
        let response = app
            .client
            .get(&path)
            .header("x-api-key", key)
            .header("linked_account_id", "cust")
            .send()
            .await
            .unwrap();
        assert_error(response, 401, "unauthorized").await;
    }

    let key = tenancy::create_api_key(
        &app.db,
        &org.id,
        tenancy::Environment::Test,
        app.services.clock.now(),
    )
    .await
    .unwrap();
    let ok = app
        .client
        .get(&path)
        .header("x-api-key", &key.key)
        .header("linked_account_id", "cust")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(app.services.revoke_api_key(&key.id).await.unwrap());
    let revoked = app
        .client
        .get(&path)
        .header("x-api-key", &key.key)
        .header("linked_account_id", "cust")
        .send()
        .await
        .unwrap();
    assert_error(revoked, 401, "unauthorized").await;
}

#[tokio::test]
async fn malformed_json_is_400_and_nothing_is_written() {
    let app = spawn_app().await;
    let org = app.org("Json Co", &[]).await;
    for body in ["{", "not json", "{\"linked_account_id\": }", "[1,2"] {
        let response = app
            .client
            .post(app.url("/api/v2/public/linked-account"))
            .header("x-api-key", &org.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(response, 400, "bad_request").await;
    }
    assert_eq!(app.count("linked_account").await, 0);
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_and_nothing_is_written() {
    let app = spawn_app().await;
    let org = app.org("Big Co", &[]).await;
    let huge = "x".repeat(65 * 1024);
    let response = app
        .post_json(
            &org,
            "/api/v2/public/linked-account",
            json!({ "linked_account_id": "a", "name": huge }),
        )
        .await;
    assert_error(response, 413, "payload_too_large").await;
    assert_eq!(app.count("linked_account").await, 0);
}

#[tokio::test]
async fn invalid_fields_are_422_naming_the_field() {
    let app = spawn_app().await;
    let org = app.org("Fields Co", &[]).await;
    let cases = [
        (json!({}), "linked_account_id"),
        (json!({ "linked_account_id": "" }), "linked_account_id"),
        (json!({ "linked_account_id": "   " }), "linked_account_id"),
        (
            json!({ "linked_account_id": "a\u{0}b" }),
            "linked_account_id",
        ),
        (
            json!({ "linked_account_id": "x".repeat(256) }),
            "linked_account_id",
        ),
        (json!({ "linked_account_id": 42 }), "linked_account_id"),
        (
            json!({ "linked_account_id": "ok", "name": "bad\u{7}bell" }),
            "name",
        ),
        (json!({ "linked_account_id": "ok", "udf": [1, 2] }), "udf"),
        (
            json!({ "linked_account_id": "ok", "udf": { "big": "y".repeat(17 * 1024) } }),
            "udf",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .post_json(&org, "/api/v2/public/linked-account", body.clone())
            .await;
        let error = assert_error(response, 422, "validation_failed").await;
        let fields = error["error"]["fields"].as_object().expect("fields");
        assert!(
            fields.contains_key(field) || (field == "body" && !fields.is_empty()),
            "{body} → {error}"
        );
    }
    assert_eq!(app.count("linked_account").await, 0);

    let bad_colour = app
        .post_json(
            &org,
            "/api/v2/public/connect-url",
            json!({ "linked_account_id": "x", "color": "red; x: y" }),
        )
        .await;
    // The account does not exist, and that is checked first: the same 404 as always.
    assert_error(bad_colour, 404, "not_found").await;
    app.upsert_account(&org, "x").await;
    for (body, field) in [
        (
            json!({ "linked_account_id": "x", "color": "red; x: y" }),
            "color",
        ),
        (
            json!({ "linked_account_id": "x", "bgColor": "#12" }),
            "bgColor",
        ),
        (
            json!({ "linked_account_id": "x", "logo": "javascript:alert(1)" }),
            "logo",
        ),
        (
            json!({ "linked_account_id": "x", "expires_in": 5 }),
            "expires_in",
        ),
    ] {
        let response = app
            .post_json(&org, "/api/v2/public/connect-url", body)
            .await;
        let error = assert_error(response, 422, "validation_failed").await;
        assert!(error["error"]["fields"][field].is_string(), "{error}");
    }
    assert_eq!(app.count("session_token").await, 0);
}

#[tokio::test]
async fn unknown_slugs_and_paths_are_404_json() {
    let app = spawn_app().await;
    let org = app.org("Slug Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let unknown = app
        .get_as(&org, "/api/v2/public/application/no-such-app", Some("cust"))
        .await;
    assert_error(unknown, 404, "not_found").await;
    let hostile = app
        .get_as(
            &org,
            "/api/v2/public/application/..%2F..%2Fetc",
            Some("cust"),
        )
        .await;
    assert_error(hostile, 404, "not_found").await;
    let config = app
        .call(
            &org,
            reqwest::Method::PUT,
            "/api/v2/public/app/no-such-app/config",
        )
        .await;
    assert_error(config, 404, "not_found").await;
    let nowhere = app.get_as(&org, "/api/v9/nothing", None).await;
    assert_error(nowhere, 404, "not_found").await;
    let missing_header = app.get_as(&org, "/api/v2/public/application", None).await;
    assert_error(missing_header, 400, "bad_request").await;
}

/// Credentials read in one query still say which was missing: the linked account (also when it
/// is another org's) or its connection of the app.
#[tokio::test]
async fn credentials_of_an_unknown_account_or_a_missing_connection_say_which() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["slack"]).await;
    let other = app.org("Other", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    app.upsert_account(&other, "theirs").await;
    let path = "/api/v2/public/connection/slack/credentials";
    for account in ["nobody", "theirs"] {
        let body = assert_error(
            app.get_as(&org, path, Some(account)).await,
            404,
            "not_found",
        )
        .await;
        assert_eq!(
            body["error"]["message"], "linked account not found",
            "{body}"
        );
    }
    let body = assert_error(app.get_as(&org, path, Some("cust")).await, 404, "not_found").await;
    assert_eq!(body["error"]["message"], "connection not found", "{body}");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health: Value = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}
