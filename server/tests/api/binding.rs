//! Every sign-in is bound to the browser that started it, pages refuse cross-site posts, and
//! each token opens only its own surface.

use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_error, browser, consent, continue_start, integrate_start, session_token,
    spawn_app,
};

const CROSS_SITE: [(&str, &str); 2] = [
    ("origin", "http://evil.example"),
    ("sec-fetch-site", "cross-site"),
];

/// Presses Connect on the hosted page as `client`; returns the provider URL it leads to.
async fn connect_from_page(app: &TestApp, client: &reqwest::Client, slug: &str) -> url::Url {
    let link = app.page_link(client).await;
    let response = client
        .post(app.url("/_portal/connect"))
        .header("accept", "text/html")
        .form(&[("slug", slug), ("link", &link)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("portico_flow="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn a_callback_finishes_only_in_the_browser_that_started_it() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    app.upsert_account(&org, "cust").await;
    let url = app.hosted_url(&org, "cust").await;
    app.open(&url).await;

    let auth_url = connect_from_page(&app, &app.client, "sandbox").await;
    let callback = consent(&app, &auth_url, "approve", "Victim").await;
    let token_requests = app.sandbox.token_requests();

    // No nonce cookie at all, then another browser with a nonce of its own.
    let stranger = browser();
    let other = browser();
    other.get(&url).send().await.unwrap();
    connect_from_page(&app, &other, "sandbox").await;
    for client in [&stranger, &other] {
        let response = client.get(callback.as_str()).send().await.unwrap();
        assert_eq!(response.status(), 403);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("This sign-in was started in another browser"),
            "{page}"
        );
        assert_eq!(
            app.sandbox.token_requests(),
            token_requests,
            "no token request"
        );
        assert_eq!(app.count("connection").await, 0);
    }

    // The browser that started it finishes it, and the page says so once.
    let response = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/connect");
    assert_eq!(app.sandbox.token_requests(), token_requests + 1);
    assert_eq!(app.count("connection").await, 1);
    let page = app.html(&app.url("/connect")).await;
    assert!(page.contains("Portico Sandbox is connected."), "{page}");
    assert!(
        !app.html(&app.url("/connect"))
            .await
            .contains("is connected.")
    );
}

#[tokio::test]
async fn cross_site_posts_to_page_functions_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "twilio"]).await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "twilio", "+14155550100", None)
        .await;
    app.open(&app.hosted_url(&org, "cust").await).await;

    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        ("/_portal/connect", vec![("slug", "sandbox")]),
        ("/_portal/disconnect", vec![("slug", "twilio")]),
        (
            "/_portal/save-keys",
            vec![
                ("slug", "twilio"),
                ("values[number]", "+14155550111"),
                ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
            ],
        ),
    ];
    for (path, form) in forms {
        let mut request = app.client.post(app.url(path)).form(&form);
        for (name, value) in CROSS_SITE {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("This request came from another site"),
            "{path}"
        );
        assert_eq!(app.count("oauth_state").await, 0, "{path}");
        assert_eq!(app.count("connection").await, 1, "{path}");
    }
    // Origin alone decides when the browser sends no fetch metadata.
    let response = app
        .client
        .post(app.url("/_portal/disconnect"))
        .header("origin", "http://evil.example")
        .form(&[("slug", "twilio")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(app.count("connection").await, 1);
    // The same post from Portico's own page goes through.
    let link = app.page_link(&app.client).await;
    let response = app
        .client
        .post(app.url("/_portal/disconnect"))
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("slug", "twilio"), ("link", &link)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(app.count("connection").await, 0);
}

#[tokio::test]
async fn the_sdk_auth_url_names_whom_it_connects_and_binds_on_one_click() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/session-token",
            json!({ "linked_account_id": "jo", "name": "Jo Example" }),
        )
        .await;
    let token: Value = response.json().await.unwrap();
    let token = token["token"].as_str().unwrap();

    let start = integrate_start(&app, token, "sandbox").await;
    assert!(
        start.as_str().starts_with(&app.url("/oauth/start/")),
        "{start}"
    );
    assert_eq!(app.count("oauth_state").await, 1);
    let page = browser().get(start.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Connect Portico Sandbox to Acme"), "{html}");
    assert!(html.contains("Jo Example"), "{html}");

    // A cross-site auto-submit cannot click for the user.
    let mut request = browser().post(start.as_str());
    for (name, value) in CROSS_SITE {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 403);

    let provider = continue_start(&app.client, &start).await;
    assert!(
        provider
            .as_str()
            .starts_with(&app.url("/sandbox/oauth/authorize?"))
    );
    // The first click binds it; nobody else can continue it afterwards.
    let late = browser().post(start.as_str()).send().await.unwrap();
    assert_eq!(late.status(), 409);
    assert!(late.text().await.unwrap().contains("already started"));

    let callback = consent(&app, &provider, "approve", "Jo's sandbox").await;
    let stolen = browser().get(callback.as_str()).send().await.unwrap();
    assert_eq!(stolen.status(), 403);
    assert_eq!(app.count("connection").await, 0);
    let finished = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(finished.status(), 200);
    assert_eq!(app.count("connection").await, 1);
}

#[tokio::test]
async fn a_well_formed_but_unknown_state_is_refused() {
    let app = spawn_app().await;
    let state = portico::secrets::random_secret("");
    let response = app
        .client
        .get(app.url(&format!("/oauth/callback?state={state}&code=abc")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This sign-in is not valid")
    );
    assert_eq!(app.sandbox.token_requests(), 0);
}

#[tokio::test]
async fn each_token_opens_only_its_own_surface_and_revocation_is_immediate() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    app.upsert_account(&org, "cust").await;
    let hosted = app.hosted_url(&org, "cust").await;
    let link_token = hosted.rsplit('/').next().unwrap();

    let as_bearer = app.sdk_get("/api/v2/f-sdk/application", link_token).await;
    assert_error(as_bearer, 401, "unauthorized").await;
    let minted = app
        .client
        .post(app.url("/api/v2/public/connect-url"))
        .bearer_auth(link_token)
        .send()
        .await
        .unwrap();
    assert_error(minted, 401, "unauthorized").await;

    let sdk_token = session_token(&app, &org, "cust").await;
    let as_link = browser()
        .get(app.url(&format!("/connect/{sdk_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(as_link.status(), 410);
    assert!(
        as_link
            .text()
            .await
            .unwrap()
            .contains("This link has expired")
    );

    // A link minted with a session token expires no later than that token.
    let response = app
        .post_json(
            &org,
            "/api/v2/public/session-token",
            json!({ "linked_account_id": "cust" }),
        )
        .await;
    let session: Value = response.json().await.unwrap();
    let minted: Value = app
        .client
        .post(app.url("/api/v2/public/connect-url"))
        .bearer_auth(session["token"].as_str().unwrap())
        .json(&json!({ "expires_in": 30 * 24 * 3600 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        minted["expires_at"].as_str().unwrap() <= session["expires_at"].as_str().unwrap(),
        "{minted} outlives {session}"
    );

    // Revoked: the SDK token stops at once.
    let id = session["id"].as_str().unwrap();
    let response = app
        .call(
            &org,
            reqwest::Method::DELETE,
            &format!("/api/v2/public/session-token/{id}"),
        )
        .await;
    assert_eq!(response.status(), 204);
    let after = app
        .sdk_get(
            "/api/v2/f-sdk/application",
            session["token"].as_str().unwrap(),
        )
        .await;
    assert_error(after, 401, "unauthorized").await;
    let unknown = app
        .call(
            &org,
            reqwest::Method::DELETE,
            "/api/v2/public/session-token/nope",
        )
        .await;
    assert_error(unknown, 404, "not_found").await;
}

#[tokio::test]
async fn an_origin_allowed_for_another_org_is_refused_for_this_orgs_token() {
    let app = spawn_app().await;
    let org_a = app.org("Org A", &["sandbox"]).await;
    let org_b = app.org("Org B", &["sandbox"]).await;
    portico::tenancy::allow_origin(&app.db, &org_b.id, "http://b.example.test")
        .await
        .unwrap();
    let token_a = session_token(&app, &org_a, "cust").await;
    let token_b = session_token(&app, &org_b, "cust").await;
    let get = |token: &str| {
        app.client
            .get(app.url("/api/v2/f-sdk/application"))
            .header("origin", "http://b.example.test")
            .bearer_auth(token.to_owned())
            .send()
    };
    let refused = get(&token_a).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_eq!(get(&token_b).await.unwrap().status(), 200);
}

#[tokio::test]
async fn page_functions_read_at_most_64_kib() {
    let app = spawn_app().await;
    let big = "x".repeat(70 * 1024);
    for path in [
        "/_portal/connect",
        "/_portal/disconnect",
        "/_portal/hosted-page",
    ] {
        let response = app
            .client
            .post(app.url(path))
            .form(&[("slug", big.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{path}");
        assert!(
            response.text().await.unwrap().contains("up to 64 KB"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn deleting_a_custom_app_flags_its_connections_app_deleted() {
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            json!({
                "slug": "notes", "name": "Notes", "auth_type": "keybased",
                "auth_input_map": [{"name": "api_key", "label": "API key", "type": "password", "required": true}],
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    app.upsert_account(&org, "cust").await;
    let id = app
        .connection(&org, "cust", "notes", "Team notes", None)
        .await;

    let response = app
        .call(
            &org,
            reqwest::Method::DELETE,
            "/api/v2/public/custom-app/notes",
        )
        .await;
    assert_eq!(response.status(), 204);
    let record = portico::entity::connection::Entity::find_by_id(&id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status.as_str(), "reauth_required");
    assert_eq!(
        record.reauth_reason.map(|r| r.as_str()),
        Some("app_deleted")
    );
    assert_eq!(app.count("custom_app").await, 0);
    let again = app
        .call(
            &org,
            reqwest::Method::DELETE,
            "/api/v2/public/custom-app/notes",
        )
        .await;
    assert_error(again, 404, "not_found").await;
}
