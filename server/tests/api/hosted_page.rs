use app::dto::ReauthReason;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_hosted_page_lists_enabled_apps_with_their_status() {
    let app = spawn_app().await;
    let org = app
        .org(
            "Page <Co></title><script>alert(1)</script>",
            &["slack", "hubspot", "twilio"],
        )
        .await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "slack", "Acme workspace", None)
        .await;
    app.connection(
        &org,
        "cust",
        "hubspot",
        "Acme CRM",
        Some(ReauthReason::RefreshTokenExpired),
    )
    .await;
    let url = app.hosted_url(&org, "cust").await;
    assert!(url.starts_with(&app.url("/connect/pst_")), "{url}");

    let response = app.follow(&app.client, &url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.url().path(), "/connect");
    let html = response.text().await.unwrap();
    // Server-rendered: the cards are in the HTML itself.
    for text in [
        "Slack",
        "HubSpot",
        "Twilio",
        "Acme workspace",
        "Reconnect needed",
    ] {
        assert!(html.contains(text), "page lacks {text}");
    }
    assert!(html.contains(ReauthReason::RefreshTokenExpired.explanation()));
    assert!(html.contains("data-reason=\"refresh_token_expired\""));
    // The org name is escaped everywhere, the title included, never interpreted.
    assert!(html.contains("Page &lt;Co&gt;&lt;/title&gt;&lt;script&gt;"));
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(!html.contains("Salesforce"), "only enabled apps are listed");
}

#[tokio::test]
async fn search_without_javascript_hides_the_cards_that_do_not_match() {
    let app = spawn_app().await;
    let org = app.org("Search Co", &["slack", "hubspot", "twilio"]).await;
    app.upsert_account(&org, "cust").await;
    let url = app.hosted_url(&org, "cust").await;
    app.open(&url).await;

    let html = app.html(&app.url("/connect?q=crm")).await;
    let hidden = |slug: &str| {
        let start = html
            .find(&format!("data-app-card=\"{slug}\""))
            .expect("card rendered");
        let tag_end = start + html[start..].find('>').unwrap();
        html[start..tag_end].contains("hidden")
    };
    assert!(!hidden("hubspot"));
    assert!(hidden("slack"));
    assert!(hidden("twilio"));
    assert!(html.contains("1 of 3 apps"));

    let html = app.html(&app.url("/connect?tag=Communication")).await;
    assert!(html.contains("2 of 3 apps"));
}

#[tokio::test]
async fn bad_links_get_readable_401_and_410_pages() {
    let app = spawn_app().await;
    let org = app.org("Links Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let url = app.hosted_url(&org, "cust").await;

    let mut tampered = url.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'a' { 'b' } else { 'a' });
    for bad in [
        tampered,
        app.url("/connect/nonsense"),
        app.url("/connect/%3Cscript%3E"),
    ] {
        let response = app.client.get(&bad).send().await.unwrap();
        assert_eq!(response.status(), 401, "{bad}");
        let html = response.text().await.unwrap();
        assert!(html.contains("This link is not valid"));
        assert!(html.contains("Ask the app that sent you here for a new link"));
        assert!(!html.contains("<script>"));
    }

    // A link whose expiry has passed.
    let account = app.linked_account(&org, "cust").await;
    let issued = portico::sessions::issue(
        &app.db,
        &account,
        portico::sessions::Purpose::Hosted,
        &portico::sessions::Branding::default(),
        chrono::Duration::seconds(1),
        None,
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = app
        .client
        .get(app.url(&format!("/connect/{}", issued.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    let html = response.text().await.unwrap();
    assert!(html.contains("This link has expired"));
}

#[tokio::test]
async fn session_tokens_create_the_account_and_serve_as_bearer_for_connect_urls() {
    let app = spawn_app().await;
    let org = app.org("Bearer Co", &["slack"]).await;
    let token: Value = app
        .post_json(
            &org,
            "/api/v2/public/session-token",
            json!({ "linked_account_id": "new-cust", "name": "New" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap();
    assert_eq!(
        app.linked_account(&org, "new-cust").await.name.as_deref(),
        Some("New")
    );

    let response = app
        .client
        .post(app.url("/api/v2/public/connect-url"))
        .bearer_auth(token)
        .json(&json!({ "name": "Acme", "color": "#0F766E" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let link: Value = response.json().await.unwrap();
    let html = app.open(link["hosted_url"].as_str().unwrap()).await;
    assert!(html.contains("--accent: #0f766e"));
    assert!(html.contains("Acme"));

    let bad = app
        .client
        .post(app.url("/api/v2/public/connect-url"))
        .bearer_auth("pst_not-a-real-token")
        .send()
        .await
        .unwrap();
    crate::helpers::assert_error(bad, 401, "unauthorized").await;
    // Tokens are stored as digests only: neither plaintext is anywhere in the database file.
    assert_eq!(app.count("session_token").await, 2);
    let hosted = link["hosted_url"].as_str().unwrap();
    let link_token = hosted.rsplit('/').next().unwrap();
    app.assert_absent_from_database_file(&[token, link_token]);
}

#[tokio::test]
async fn a_link_becomes_a_browser_session_and_the_address_keeps_no_token() {
    let app = spawn_app().await;
    let org = app.org("Session Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let url = app.hosted_url(&org, "cust").await;

    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/connect");
    assert_eq!(first.headers()["cache-control"], "no-store");
    let cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("portico_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Path=/"), "{cookie}");
    // The session lives no longer than the link (24 hours by default).
    assert!(
        cookie.contains("Max-Age=") || cookie.contains("Expires="),
        "{cookie}"
    );

    for _ in 0..2 {
        let page = app.client.get(app.url("/connect")).send().await.unwrap();
        assert_eq!(page.status(), 200, "a reload works too");
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert!(page.text().await.unwrap().contains("Slack"));
    }

    // Another browser, without the cookie, gets a page that says what to do.
    let stranger = crate::helpers::browser();
    let page = stranger.get(app.url("/connect")).send().await.unwrap();
    assert_eq!(page.status(), 401);
    let html = page.text().await.unwrap();
    assert!(html.contains("Open your connect link again"), "{html}");
    assert!(!html.contains("Slack"));
    // A later change to the session (a message for the next page) keeps the link's end.
    let response = app
        .client
        .post(app.url("/_portal/disconnect"))
        .header("accept", "text/html")
        .form(&[("slug", "slack")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    use sea_orm::EntityTrait;
    let rows = portico::entity::hosted_session::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].data.contains("flash"), "{}", rows[0].data);
    let latest_end = chrono::Utc::now() + chrono::Duration::hours(24);
    assert!(rows[0].expires_at <= latest_end, "{}", rows[0].expires_at);
    // Sessions are stored by digest: the row holds no cookie value.
    let session_id = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("portico_session=");
    app.assert_absent_from_database_file(&[session_id]);
}

#[tokio::test]
async fn revoking_a_link_ends_it_and_its_open_pages_at_once() {
    let app = spawn_app().await;
    let org = app.org("Revoke Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let response = app
        .post_json(
            &org,
            "/api/v2/public/connect-url",
            json!({ "linked_account_id": "cust" }),
        )
        .await;
    let link: Value = response.json().await.unwrap();
    let url = link["hosted_url"].as_str().unwrap().to_owned();
    let id = link["id"].as_str().unwrap().to_owned();
    assert!(app.open(&url).await.contains("Slack"));

    // Another org cannot revoke it.
    let other = app.org("Other Co", &[]).await;
    let response = app
        .call(
            &other,
            reqwest::Method::DELETE,
            &format!("/api/v2/public/session-token/{id}"),
        )
        .await;
    crate::helpers::assert_error(response, 404, "not_found").await;

    let response = app
        .call(
            &org,
            reqwest::Method::DELETE,
            &format!("/api/v2/public/session-token/{id}"),
        )
        .await;
    assert_eq!(response.status(), 204);
    let page = app.client.get(app.url("/connect")).send().await.unwrap();
    assert_eq!(page.status(), 401);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("This link is not valid")
    );
    let again = crate::helpers::browser().get(&url).send().await.unwrap();
    assert_eq!(again.status(), 401);
}

#[tokio::test]
async fn pages_run_only_their_own_scripts_and_never_cache() {
    let app = spawn_app().await;
    let org = app.org("Csp Co", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let response = app
        .follow(&app.client, &app.hosted_url(&org, "cust").await)
        .await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("default-src 'self'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names this render's nonce")
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration scripts carry it"
    );
    // Every inline script carries the nonce: none would run without it.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("nonce=").count()
    );
    // No HSTS over plain http; the API is never cached either.
    assert!(response_has_no_hsts(&app).await);
    let api = app
        .get_as(&org, "/api/v2/public/application", Some("cust"))
        .await;
    assert_eq!(api.headers()["cache-control"], "no-store");
}

async fn response_has_no_hsts(app: &crate::helpers::TestApp) -> bool {
    let response = app.client.get(app.url("/")).send().await.unwrap();
    !response.headers().contains_key("strict-transport-security")
}

#[tokio::test]
async fn over_https_cookies_are_host_only_and_secure_and_hsts_is_sent() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.public_url = Some("https://connect.example.test".to_owned());
    })
    .await;
    let org = app.org("Https Co", &["sandbox"]).await;
    app.upsert_account(&org, "cust").await;
    let link = app.hosted_url(&org, "cust").await;
    assert!(
        link.starts_with("https://connect.example.test/connect/pst_"),
        "{link}"
    );
    // The test reaches the server where it listens; the link's path is what matters.
    let path = link.trim_start_matches("https://connect.example.test");
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-portico_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}
