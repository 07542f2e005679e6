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

    let response = app
        .client
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
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

    let html = app.html(&format!("{url}?q=crm")).await;
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

    let html = app.html(&format!("{url}?tag=Communication")).await;
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
    let html = app.html(link["hosted_url"].as_str().unwrap()).await;
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
    // Tokens are stored as digests only.
    let raw = app.count("session_token").await;
    assert_eq!(raw, 2);
}
