use app::dto::ReauthReason;
use serde_json::{Value, json};

use crate::helpers::{browser, link_field, spawn_app};

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
        &portico::sessions::Issue::plain(
            portico::sessions::Purpose::Hosted,
            chrono::Duration::seconds(1),
        ),
        app.services.clock.now(),
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
    // The token sits in the customer's browser: a link it mints shows the org's own branding,
    // never a name or colours the caller made up.
    let html = app.open(link["hosted_url"].as_str().unwrap()).await;
    assert!(html.contains("Bearer Co"), "{html}");
    assert!(!html.contains("Acme"), "{html}");
    assert!(!html.contains("#0f766e"), "{html}");

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
    let link = app.page_link(&app.client).await;
    let response = app
        .client
        .post(app.url("/_portal/disconnect"))
        .header("accept", "text/html")
        .form(&[("slug", "slack"), ("link", &link)])
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

/// Whether a page is the "Open this connect link?" choice.
fn is_choice(html: &str) -> bool {
    html.contains("Open this connect link?")
}

#[tokio::test]
async fn an_open_page_cannot_be_re_targeted_to_another_customers_link() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "twilio"]).await;
    for (id, name) in [("victim", "Vera Victim"), ("attacker", "Mallory")] {
        let response = app
            .post_json(
                &org,
                "/api/v2/public/linked-account",
                json!({ "linked_account_id": id, "name": name }),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let victim_url = app.hosted_url(&org, "victim").await;
    let attacker_url = app.hosted_url(&org, "attacker").await;
    let page = app.open(&victim_url).await;
    assert!(page.contains("Vera Victim"));
    let victim_link = link_field(&page);

    // Another site opens the other link in this browser (a popup, a redirect): it is asked,
    // and the session stays on the customer's link.
    for site in ["cross-site", "same-site"] {
        let response = app
            .client
            .get(&attacker_url)
            .header("sec-fetch-site", site)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{site}");
        assert_eq!(response.headers()["referrer-policy"], "no-referrer");
        assert!(response.headers().get("set-cookie").is_none(), "{site}");
        let html = response.text().await.unwrap();
        assert!(is_choice(&html), "{html}");
        assert!(
            html.contains("You are in the middle of connecting apps for Vera Victim"),
            "{html}"
        );
        assert_eq!(app.page_link(&app.client).await, victim_link, "{site}");
    }
    // Its button cannot be pressed from another site either.
    let token = attacker_url.rsplit('/').next().unwrap();
    let forged = app
        .client
        .post(app.url(&format!("/connect/{token}")))
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.page_link(&app.client).await, victim_link);
    // The customer's own page still works for them.
    let response = app
        .client
        .post(app.url("/_portal/connect"))
        .header("accept", "text/html")
        .form(&[("slug", "sandbox"), ("link", victim_link.as_str())])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("/sandbox/oauth/authorize"),
        "{:?}",
        response.headers()["location"]
    );
    let states_before = app.count("oauth_state").await;

    // Say the session does move on (the person opened the other link themselves, typed or
    // by choosing it): buttons on the page still open for the customer are refused, and
    // nothing is written for either account.
    let switched = app
        .client
        .post(app.url(&format!("/connect/{token}")))
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/connect");
    let attacker_link = app.page_link(&app.client).await;
    assert_ne!(attacker_link, victim_link);
    let stale_forms: [(&str, Vec<(&str, &str)>); 3] = [
        ("/_portal/connect", vec![("slug", "sandbox")]),
        (
            "/_portal/save-keys",
            vec![
                ("slug", "twilio"),
                ("values[number]", "+14155550100"),
                ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
            ],
        ),
        ("/_portal/disconnect", vec![("slug", "twilio")]),
    ];
    for (path, form) in stale_forms {
        for link in [Some(victim_link.as_str()), Some(""), None] {
            let mut form = form.clone();
            form.extend(link.map(|link| ("link", link)));
            let response = app
                .client
                .post(app.url(path))
                .header("accept", "text/html")
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_redirection(),
                "{path} {link:?}: {}",
                response.status()
            );
            assert_eq!(
                response.headers()["location"],
                app::visit::OUT_OF_DATE_PATH,
                "{path} {link:?}"
            );
            assert_eq!(app.count("connection").await, 0, "{path} {link:?}");
            assert_eq!(app.count("oauth_state").await, states_before, "{path}");
        }
    }
    let refused = app
        .client
        .get(app.url(app::visit::OUT_OF_DATE_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(html.contains("This page is out of date"), "{html}");
    assert!(html.contains("It was opened for another link"), "{html}");
    assert!(html.contains(r#"href="/connect""#), "{html}");

    // The page as it is now acts for the account it shows.
    let response = app
        .client
        .post(app.url("/_portal/save-keys"))
        .header("accept", "text/html")
        .form(&[
            ("slug", "twilio"),
            ("values[number]", "+14155550100"),
            ("values[sid]", "AC0123456789abcdef0123456789abcdef"),
            ("link", attacker_link.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/connect");
    let attacker = app.linked_account(&org, "attacker").await;
    let victim = app.linked_account(&org, "victim").await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let on = |account: String| {
        portico::entity::connection::Entity::find()
            .filter(portico::entity::connection::Column::LinkedAccountId.eq(account))
            .all(&app.db)
    };
    assert_eq!(on(attacker.id).await.unwrap().len(), 1);
    assert_eq!(on(victim.id).await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_link_switches_at_once_when_typed_same_origin_or_without_a_session() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["slack"]).await;
    app.upsert_account(&org, "one").await;
    app.upsert_account(&org, "two").await;
    let one = app.hosted_url(&org, "one").await;
    let two = app.hosted_url(&org, "two").await;

    // No session at all: even from another site, the link opens; and the same link again
    // from another site leaves nothing to choose.
    let fresh = browser();
    for _ in 0..2 {
        let response = fresh
            .get(&one)
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    let first = app.page_link(&fresh).await;
    // Typed or bookmarked (`none`), from Portico itself, or from a browser that does not say.
    let mut seen = vec![first];
    for site in [Some("none"), Some("same-origin"), None] {
        let target = if seen.len() % 2 == 1 { &two } else { &one };
        let mut request = fresh.get(target);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "{site:?}");
        let now = app.page_link(&fresh).await;
        assert_ne!(&now, seen.last().unwrap(), "{site:?} switched");
        seen.push(now);
    }
}
