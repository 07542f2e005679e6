use portico::tenancy::{self, Environment};
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn upsert_creates_then_updates_and_keeps_unicode_exactly() {
    let app = spawn_app().await;
    let org = app.org("Upsert Co", &[]).await;

    let created = app
        .post_json(
            &org,
            "/api/v2/public/linked-account",
            json!({
                "linked_account_id": "  zoë-東京-🚀  ",
                "name": "Zoë <b>Ltd</b>",
                "udf": { "plan": "pro" }
            }),
        )
        .await;
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["linked_account_id"], "zoë-東京-🚀");
    assert_eq!(created["name"], "Zoë <b>Ltd</b>");
    assert_eq!(created["udf"], json!({ "plan": "pro" }));
    assert_eq!(created["environment"], "test");

    // A second upsert without a name keeps it and replaces udf.
    let updated: Value = app
        .post_json(
            &org,
            "/api/v2/public/linked-account",
            json!({
                "linked_account_id": "zoë-東京-🚀",
                "udf": { "plan": "team" }
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["name"], "Zoë <b>Ltd</b>");
    assert_eq!(updated["udf"], json!({ "plan": "team" }));
    assert_eq!(app.count("linked_account").await, 1);

    let fetched = app
        .get_as(
            &org,
            "/api/v2/public/linked-account/zo%C3%AB-%E6%9D%B1%E4%BA%AC-%F0%9F%9A%80",
            None,
        )
        .await;
    assert_eq!(fetched.status(), 200);
    let fetched: Value = fetched.json().await.unwrap();
    assert_eq!(fetched["udf"], json!({ "plan": "team" }));
}

#[tokio::test]
async fn delete_removes_the_account_its_connections_and_links() {
    let app = spawn_app().await;
    let org = app.org("Delete Co", &["slack"]).await;
    app.upsert_account(&org, "gone").await;
    app.connection(&org, "gone", "slack", "Team", None).await;
    let hosted = app.hosted_url(&org, "gone").await;

    let response = app
        .client
        .delete(app.url("/api/v2/public/linked-account/gone"))
        .header("x-api-key", &org.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(app.count("connection").await, 0);
    assert_eq!(app.count("session_token").await, 0);
    let again = app
        .get_as(&org, "/api/v2/public/linked-account/gone", None)
        .await;
    assert_error(again, 404, "not_found").await;
    let page = app.client.get(&hosted).send().await.unwrap();
    assert_eq!(page.status(), 401);
}

#[tokio::test]
async fn another_orgs_linked_account_is_indistinguishable_from_an_unknown_one() {
    let app = spawn_app().await;
    let org_a = app.org("Org A", &["slack"]).await;
    let org_b = app.org("Org B", &["slack"]).await;
    app.upsert_account(&org_b, "b-customer").await;

    for path in [
        "/api/v2/public/application",
        "/api/v2/public/application/slack",
        "/api/v2/public/linked-account/b-customer",
    ] {
        let foreign = app.get_as(&org_a, path, Some("b-customer")).await;
        let foreign_status = foreign.status();
        let foreign_body = foreign.text().await.unwrap();
        let path_unknown = path.replace("b-customer", "nobody-at-all");
        let unknown = app
            .get_as(&org_a, &path_unknown, Some("nobody-at-all"))
            .await;
        assert_eq!(foreign_status, 404, "{path}");
        assert_eq!(unknown.status(), 404, "{path}");
        assert_eq!(foreign_body, unknown.text().await.unwrap(), "{path}");
    }
    let foreign_link = app
        .post_json(
            &org_a,
            "/api/v2/public/connect-url",
            json!({ "linked_account_id": "b-customer" }),
        )
        .await;
    assert_error(foreign_link, 404, "not_found").await;
}

#[tokio::test]
async fn a_test_key_never_sees_production_accounts() {
    let app = spawn_app().await;
    let org = app.org("Env Co", &[]).await;
    let live = tenancy::create_api_key(
        &app.db,
        &org.id,
        Environment::Production,
        app.services.clock.now(),
    )
    .await
    .unwrap();
    let response = app
        .client
        .post(app.url("/api/v2/public/linked-account"))
        .header("x-api-key", &live.key)
        .json(&json!({ "linked_account_id": "prod-only" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["environment"], "production");
    let from_test = app
        .get_as(&org, "/api/v2/public/linked-account/prod-only", None)
        .await;
    assert_error(from_test, 404, "not_found").await;
}
