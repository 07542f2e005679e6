//! The OAuth2 flow end to end against the built-in sandbox provider: authorize, callback,
//! sealed tokens, reconnect in place, disconnect with revocation, and every bad callback.

use app::dto::ReauthReason;
use portico::catalog;
use portico::connections::{Due, refresh::Refresh};
use portico::entity::{connection, oauth_state};
use portico::oauth;
use portico::sandbox::{self, Target};
use portico::tenancy::Environment;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, TestOrg, consent, integrate, mock_provider, session_token, spawn_app,
};

async fn connections_of(app: &TestApp, org: &TestOrg, account: &str) -> Vec<connection::Model> {
    let account = app.linked_account(org, account).await;
    portico::connections::of_linked_account(&app.db, &account.id)
        .await
        .unwrap()
}

#[tokio::test]
async fn sandbox_sign_in_connects_reconnects_in_place_and_disconnects() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = session_token(&app, &org, "cust").await;

    let auth_url = integrate(&app, &token, "sandbox").await;
    assert!(
        auth_url
            .as_str()
            .starts_with(&app.url("/sandbox/oauth/authorize?"))
    );
    let query: std::collections::HashMap<_, _> = auth_url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], app.url("/oauth/callback"));
    assert!(query["state"].len() >= 43, "state of 256 bits");

    let callback = consent(&app, &auth_url, "approve", "Sandbox user").await;
    assert!(callback.as_str().starts_with(&app.url("/oauth/callback?")));
    let response = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("You can close this tab"), "{page}");

    let application = app
        .get_json(&org, "/api/v2/public/application/sandbox", Some("cust"))
        .await;
    assert_eq!(application["connected"], true);
    assert_eq!(application["reauth_required"], false);
    assert_eq!(
        application["connected_accounts"][0]["identifier"],
        "Sandbox user"
    );

    // The tokens are sealed: readable through the vault, absent from the database file.
    let records = connections_of(&app, &org, "cust").await;
    assert_eq!(records.len(), 1);
    let first = records[0].clone();
    let account = app.linked_account(&org, "cust").await;
    let tokens = oauth::open_tokens(&app.vault, &account, &first)
        .unwrap()
        .expect("OAuth2 tokens");
    assert!(tokens.access_token.starts_with("sbx_at_"));
    let refresh_token = tokens.refresh_token.clone().expect("a refresh token");
    app.assert_absent_from_database_file(&[&tokens.access_token, &refresh_token]);

    // The provider revokes access; the next refresh notices and flags the connection.
    assert_eq!(
        sandbox::revoke(&app.db, &Target::All, app.services.clock.now())
            .await
            .unwrap()
            .len(),
        1
    );
    let outcome = oauth::refresh(&app.services, &first.id, Due::Now, crate::helpers::OPERATOR)
        .await
        .unwrap();
    assert_eq!(outcome, Refresh::Flagged(ReauthReason::TokenRevoked));
    let application = app
        .get_json(&org, "/api/v2/public/application/sandbox", Some("cust"))
        .await;
    assert_eq!(application["reauth_required"], true);
    assert_eq!(application["reauth_reason"], "token_revoked");

    // Reconnect: same connection id and connected_at, flag cleared, new tokens.
    let auth_url = integrate(&app, &token, "sandbox").await;
    let callback = consent(&app, &auth_url, "approve", "Sandbox user").await;
    assert_eq!(
        app.client
            .get(callback.as_str())
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let records = connections_of(&app, &org, "cust").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].id, first.id);
    assert_eq!(records[0].connected_at, first.connected_at);
    assert_eq!(records[0].status.as_str(), "active");
    assert_eq!(records[0].reauth_reason, None);
    assert!(records[0].version > first.version);

    // A second account of the same app is a second connection.
    let auth_url = integrate(&app, &token, "sandbox").await;
    let callback = consent(&app, &auth_url, "approve", "Second user").await;
    app.client.get(callback.as_str()).send().await.unwrap();
    let application = app
        .get_json(&org, "/api/v2/public/application/sandbox", Some("cust"))
        .await;
    let identifiers: Vec<_> = application["connected_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["identifier"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(identifiers, ["Sandbox user", "Second user"]);

    // Disconnect revokes at the provider (RFC 7009) and deletes the credentials.
    let response = app
        .client
        .delete(app.url("/api/v1/linked-acc/integration/sandbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(connections_of(&app, &org, "cust").await.is_empty());
    let now = chrono::Utc::now();
    let states: Vec<_> = sandbox::grants(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|grant| sandbox::describe(grant, now))
        .collect();
    // The first grant was revoked at the provider earlier; disconnect revoked the other two.
    assert_eq!(states, ["revoked", "revoked", "revoked"]);
}

#[tokio::test]
async fn bad_callbacks_make_no_token_request_and_write_nothing() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = session_token(&app, &org, "cust").await;
    let auth_url = integrate(&app, &token, "sandbox").await;
    let callback = consent(&app, &auth_url, "approve", "Sandbox user").await;
    let params: Vec<(String, String)> = callback.query_pairs().into_owned().collect();
    let with = |changes: &[(&str, Option<&str>)]| {
        let mut url = app.url("/oauth/callback");
        let mut pairs: Vec<(String, String)> = params.clone();
        for (key, value) in changes {
            pairs.retain(|(name, _)| name != key);
            if let Some(value) = value {
                pairs.push(((*key).to_owned(), (*value).to_owned()));
            }
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        url.push('?');
        url.push_str(&query);
        url
    };
    let state = callback
        .query_pairs()
        .find(|(key, _)| key == "state")
        .unwrap()
        .1
        .into_owned();
    let mut tampered = state.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });

    let requests_before = app.sandbox.token_requests();
    let cases = [
        (
            with(&[("state", Some(&tampered))]),
            "This sign-in is not valid",
        ),
        (with(&[("state", None)]), "This sign-in is not valid"),
        (with(&[("state", Some("x"))]), "This sign-in is not valid"),
        (
            with(&[("iss", Some("https://other.example"))]),
            "This answer came from a different app",
        ),
        (with(&[("code", None)]), "The app sent no authorization"),
    ];
    for (url, heading) in &cases {
        let response = app.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 400, "{url}");
        let page = response.text().await.unwrap();
        assert!(page.contains(heading), "{url}: {page}");
        assert!(!page.contains(&state), "the page does not echo the state");
    }

    // Expired: the same valid state, ten minutes later.
    oauth_state::Entity::update_many()
        .col_expr(
            oauth_state::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let response = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This sign-in has expired")
    );

    assert_eq!(
        app.sandbox.token_requests(),
        requests_before,
        "no token request"
    );
    assert_eq!(app.count("connection").await, 0, "nothing written");
    let consumed = oauth_state::Entity::find()
        .filter(oauth_state::Column::ConsumedAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(consumed.is_empty(), "the state was not even consumed");

    // The user says no at the provider.
    let auth_url = integrate(&app, &token, "sandbox").await;
    let denied = consent(&app, &auth_url, "deny", "Sandbox user").await;
    let response = app.client.get(denied.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You cancelled the connection")
    );
    assert_eq!(app.sandbox.token_requests(), requests_before);
    assert_eq!(app.count("connection").await, 0);

    // Replayed: a good callback works once; the second time changes nothing.
    let auth_url = integrate(&app, &token, "sandbox").await;
    let callback = consent(&app, &auth_url, "approve", "Sandbox user").await;
    let first = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(app.sandbox.token_requests(), requests_before + 1);
    let again = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(again.status(), 400);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("This sign-in was already used")
    );
    assert_eq!(app.sandbox.token_requests(), requests_before + 1);
    assert_eq!(app.count("connection").await, 1);
}

#[tokio::test]
async fn sdk_routes_answer_browsers_only_from_allowed_origins() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    portico::tenancy::allow_origin(&app.db, &org.id, "http://app.example.test")
        .await
        .unwrap();
    let token = session_token(&app, &org, "cust").await;
    let url = app.url("/api/v2/f-sdk/application");

    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("http://app.example.test").await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://app.example.test"
    );
    let refused = preflight("http://evil.example.test").await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let get = |origin: Option<&'static str>| {
        let mut request = app.client.get(&url).bearer_auth(&token);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let response = get(Some("http://app.example.test")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://app.example.test"
    );
    let apps: Value = response.json().await.unwrap();
    assert_eq!(apps[0]["slug"], "sandbox");
    let response = get(Some("http://evil.example.test")).await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // Servers send no Origin: the token alone decides.
    assert_eq!(get(None).await.unwrap().status(), 200);

    let basics: Value = app
        .client
        .get(app.url("/api/v3/org/basics"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(basics["org"]["name"], "Acme");
    assert_eq!(basics["linked_account"]["linked_account_id"], "cust");
    let missing = app.client.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn a_custom_app_connects_through_a_separate_oauth2_server() {
    let provider = mock_provider().await;
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            json!({
                "slug": "mockauth",
                "name": "Mock Auth",
                "description": "An org's own OAuth2 app",
                "tags": ["Testing"],
                "auth_type": "oauth2",
                "oauth": {
                    "authorize_url": format!("{}/authorize", provider.base),
                    "token_url": format!("{}/token", provider.base),
                    "revoke_url": format!("{}/revoke", provider.base),
                    "scopes": ["openid", "profile"],
                    "pkce": true,
                    "client_auth": "basic",
                    "client_id": "portico-test",
                    "client_secret": "mock-client-secret",
                    "identity_url": format!("{}/userinfo", provider.base),
                    "identifier": "/sub"
                }
            }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    app.upsert_account(&org, "cust").await;
    let listed = app
        .get_json(&org, "/api/v2/public/application", Some("cust"))
        .await;
    assert_eq!(listed[0]["slug"], "mockauth");
    assert_eq!(listed[0]["connected"], false);

    let token = session_token(&app, &org, "cust").await;
    let auth_url = integrate(&app, &token, "mockauth").await;
    assert!(auth_url.as_str().starts_with(&provider.base));
    // The mock provider approves at once and redirects back with a code.
    let response = app.client.get(auth_url.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let callback = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&app.url("/oauth/callback?")),
        "{callback}"
    );
    let response = app.client.get(&callback).send().await.unwrap();
    let status = response.status();
    let page = response.text().await.unwrap();
    assert_eq!(status, 200, "{page}");

    let listed = app
        .get_json(&org, "/api/v2/public/application", Some("cust"))
        .await;
    assert_eq!(listed[0]["connected"], true);
    assert_eq!(listed[0]["reauth_required"], false);
    // Named by the provider's userinfo answer, fetched with the new access token.
    assert_eq!(listed[0]["connected_accounts"][0]["identifier"], "johndoe");

    let records = connections_of(&app, &org, "cust").await;
    let account = app.linked_account(&org, "cust").await;
    let tokens = oauth::open_tokens(&app.vault, &account, &records[0])
        .unwrap()
        .expect("tokens");
    assert_eq!(
        tokens.access_token.split('.').count(),
        3,
        "the mock issues JWTs"
    );
    app.assert_absent_from_database_file(&[&tokens.access_token, "mock-client-secret"]);
}

#[tokio::test]
async fn keys_rotate_while_a_server_reads_them_with_no_failed_read() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let response = app
        .configure(
            &org,
            "sandbox",
            json!({"client_id": "portico-sandbox", "client_secret": "rotating-secret"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let token = session_token(&app, &org, "cust").await;
    for index in 0..12 {
        let auth_url = integrate(&app, &token, "sandbox").await;
        let callback = consent(&app, &auth_url, "approve", &format!("Account {index}")).await;
        assert_eq!(
            app.client
                .get(callback.as_str())
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let account = app.linked_account(&org, "cust").await;
    assert_eq!(connections_of(&app, &org, "cust").await.len(), 12);

    // Step 1 of a rotation: a server restarted with the new key first, the old one kept.
    let old = std::fs::read_to_string(app.dir.join("keyring")).unwrap();
    let new = portico::vault::Vault::generate_key("next");
    let (second, vault) = app.second_server(&format!("{},{old}", new.as_str())).await;

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (stop, reads, failures) = (stop.clone(), reads.clone(), failures.clone());
        let (db, vault, account, client, token, second) = (
            app.db.clone(),
            vault.clone(),
            account.clone(),
            app.client.clone(),
            token.clone(),
            second.clone(),
        );
        readers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                // Opens the org's sealed client secret.
                let status = client
                    .get(format!("{second}/api/v1/sandbox/integrate"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
                    .ok();
                if status != Some(200) {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                // Opens every connection's sealed tokens.
                let records = portico::connections::of_linked_account(&db, &account.id)
                    .await
                    .unwrap();
                for record in &records {
                    match oauth::open_tokens(&vault, &account, record) {
                        Ok(Some(_)) => {}
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                reads.fetch_add(1 + records.len() as u64, Ordering::Relaxed);
            }
        }));
    }
    // The readers are running before the rotation starts and go on after it ends.
    while reads.load(Ordering::Relaxed) == 0 {
        tokio::task::yield_now().await;
    }
    let report = portico::rotation::rotate(&app.db, &vault).await.unwrap();
    let at_end = reads.load(Ordering::Relaxed);
    while reads.load(Ordering::Relaxed) <= at_end {
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.await.unwrap();
    }
    eprintln!(
        "rotation: {report:?} while {} reads ran",
        reads.load(Ordering::Relaxed)
    );
    assert!(report.resealed >= 13, "{report:?}");
    assert_eq!(failures.load(Ordering::Relaxed), 0, "failed reads");

    // Every value now opens with the new key alone.
    let only_new = portico::vault::Vault::from_keyring(&new).unwrap();
    for record in connections_of(&app, &org, "cust").await {
        assert_eq!(record.key_id.as_deref(), Some("next"));
        assert!(
            oauth::open_tokens(&only_new, &account, &record)
                .unwrap()
                .is_some()
        );
    }
    let config = oauth::oauth_app(
        &app.db,
        &only_new,
        &app.base,
        &org.id,
        Environment::Test,
        &catalog::Catalog::builtin()
            .unwrap()
            .get("sandbox")
            .unwrap()
            .clone(),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        config.client_secret.as_deref().map(String::as_str),
        Some("rotating-secret")
    );
}

#[tokio::test]
async fn states_a_day_past_their_expiry_are_purged() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let token = session_token(&app, &org, "cust").await;
    integrate(&app, &token, "sandbox").await;
    integrate(&app, &token, "sandbox").await;
    let one = oauth_state::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    oauth_state::Entity::update_many()
        .col_expr(
            oauth_state::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(2)),
        )
        .filter(oauth_state::Column::Id.eq(&one.id))
        .exec(&app.db)
        .await
        .unwrap();
    let purged = oauth::purge_states(&app.db, app.services.clock.now())
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert_eq!(app.count("oauth_state").await, 1);
}

#[tokio::test]
async fn an_app_with_a_subdomain_asks_for_it_and_fills_it_into_the_urls() {
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let response = app
        .configure(
            &org,
            "zendesk",
            json!({"client_id": "zd-client", "client_secret": "zd-secret"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let token = session_token(&app, &org, "cust").await;
    let integrate_with = |query: &'static str| {
        app.client
            .get(app.url(&format!("/api/v1/zendesk/integrate?{query}")))
            .bearer_auth(&token)
            .send()
    };

    let answer: Value = integrate_with("subdomain=Acme-Support")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let start = url::Url::parse(answer["auth_url"].as_str().unwrap()).unwrap();
    let url = crate::helpers::continue_start(&app.client, &start).await;
    let url = url.as_str();
    assert!(
        url.starts_with("https://acme-support.zendesk.com/oauth/authorizations/new?"),
        "{url}"
    );
    for (query, message) in [
        ("", "enter your Zendesk subdomain"),
        ("subdomain=", "enter your Zendesk subdomain"),
        (
            "subdomain=evil.example%2Fx",
            "use only letters, digits and dashes",
        ),
        ("subdomain=a%40b", "use only letters, digits and dashes"),
    ] {
        let response = integrate_with(query).await.unwrap();
        let body = crate::helpers::assert_error(response, 422, "validation_failed").await;
        assert!(
            body["error"]["fields"]["subdomain"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{query}: {body}"
        );
    }

    // The hosted page's Connect form sends the same value as a plain form post.
    let hosted = app.hosted_url(&org, "cust").await;
    let page = app.open(&hosted).await;
    assert!(
        page.contains(r#"name="params[subdomain]""#),
        "the card asks for it"
    );
    let response = app
        .client
        .post(app.url("/_portal/connect"))
        .header("accept", "text/html")
        .form(&[
            ("slug", "zendesk"),
            ("params[subdomain]", "acme"),
            ("link", &crate::helpers::link_field(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://acme.zendesk.com/oauth/authorizations/new?"),
        "{location}"
    );
}
