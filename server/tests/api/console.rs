//! The vendor's console: signing in with a one-time link or an API key, its session cookie,
//! CSRF and the cross-site guard on its forms, and that one org's console never shows
//! another's rows.

use app::dto::ReauthReason;
use portico::tenancy::Environment;

use crate::helpers::{TestApp, TestOrg, browser, spawn_app, spawn_app_with};

/// A form post as a browser on Portico's own page sends it.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn link_for(app: &TestApp, org: &TestOrg, minutes_ago: i64) -> String {
    let made = app.services.clock.now() - chrono::Duration::minutes(minutes_ago);
    let link = portico::console::issue_link(&app.db, &org.id, Environment::Test, made)
        .await
        .unwrap();
    format!("/console/sign-in/{}", link.token)
}

/// The number a tile of the overview shows.
fn tile(html: &str, id: &str) -> u64 {
    let pattern = regex::Regex::new(&format!(r#"id="{id}"[^>]*>(?:<!--[^>]*-->)*(\d+)"#)).unwrap();
    pattern
        .captures(html)
        .unwrap_or_else(|| panic!("no #{id} in {html}"))[1]
        .parse()
        .unwrap()
}

fn reason_row(html: &str, reason: &str) -> u64 {
    let pattern = regex::Regex::new(&format!(
        r#"data-reason="{reason}".*?class="number">(?:<!--[^>]*-->)*(\d+)"#
    ))
    .unwrap();
    pattern
        .captures(html)
        .unwrap_or_else(|| panic!("no {reason} row"))[1]
        .parse()
        .unwrap()
}

fn csrf_of(html: &str) -> String {
    let pattern = regex::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
    pattern.captures(html).expect("a CSRF field")[1].to_owned()
}

async fn overview(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    client.get(app.url("/console")).send().await.unwrap()
}

#[tokio::test]
async fn a_link_signs_in_once_and_a_used_expired_or_unknown_link_says_only_that() {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    let client = browser();
    // Not signed in: to the sign-in page.
    let answer = overview(&app, &client).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/console/sign-in");

    let link = link_for(&app, &org, 0).await;
    // Opening the link uses nothing: a scanner that fetches it signs no one in.
    let shown = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(shown.status(), 200);
    assert!(
        shown
            .text()
            .await
            .unwrap()
            .contains("This link signs you in once")
    );
    let signed = post_form(&app, &client, &link, &[]).await;
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()["location"], "/console");
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("portico_console="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let page = overview(&app, &client).await;
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("Acme"), "{html}");
    assert!(html.contains(">test<"), "the environment is shown");

    // Used, expired and unknown links get one page, the same each time.
    let refused = |answer: reqwest::Response| async move {
        assert_eq!(answer.status(), 404);
        let html = answer.text().await.unwrap();
        assert!(html.contains("This sign-in link does not work"), "{html}");
        assert!(!html.contains("Acme"));
        html
    };
    let used = refused(post_form(&app, &browser(), &link, &[]).await).await;
    let expired_link = link_for(&app, &org, 11).await;
    refused(browser().get(app.url(&expired_link)).send().await.unwrap()).await;
    let expired = refused(post_form(&app, &browser(), &expired_link, &[]).await).await;
    let forged = "/console/sign-in/pcl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let unknown = refused(post_form(&app, &browser(), forged, &[]).await).await;
    let garbage =
        refused(post_form(&app, &browser(), "/console/sign-in/%3Cscript%3E", &[]).await).await;
    assert_eq!(used, expired);
    assert_eq!(used, unknown);
    assert_eq!(used, garbage);
}

#[tokio::test]
async fn an_api_key_signs_in_to_its_org_and_environment_and_bad_keys_are_told_apart_from_nothing() {
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let client = browser();
    for (given, status, said) in [
        ("", 422, "Paste an API key."),
        ("   ", 422, "Paste an API key."),
        (&*"k".repeat(201), 422, "longer than any API key"),
        ("pk_test_not-a-key", 401, "not an API key Portico knows"),
        (
            "<script>alert(1)</script>",
            401,
            "not an API key Portico knows",
        ),
        ("ключ🔑", 401, "not an API key Portico knows"),
    ] {
        let answer = post_form(&app, &client, "/console/sign-in", &[("api_key", given)]).await;
        assert_eq!(answer.status(), status, "{given:?}");
        let html = answer.text().await.unwrap();
        assert!(html.contains(said), "{given:?}: {html}");
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(!html.contains("<script>alert"));
    }
    assert_eq!(
        overview(&app, &client).await.status(),
        303,
        "no session after refusals"
    );
    let signed = post_form(&app, &client, "/console/sign-in", &[("api_key", &org.key)]).await;
    assert_eq!(signed.status(), 303);
    let html = overview(&app, &client).await.text().await.unwrap();
    assert!(html.contains("Acme"));
    assert!(!html.contains(&org.key), "the key is never shown back");
}

#[tokio::test]
async fn sign_out_needs_the_sessions_token_and_a_cross_site_post_changes_nothing() {
    let app = spawn_app().await;
    let org = app.org("Acme", &[]).await;
    let client = browser();
    post_form(&app, &client, "/console/sign-in", &[("api_key", &org.key)]).await;
    let html = overview(&app, &client).await.text().await.unwrap();
    let csrf = csrf_of(&html);

    let forged = post_form(&app, &client, "/console/sign-out", &[("csrf", "forged")]).await;
    assert_eq!(forged.status(), 403);
    assert!(forged.text().await.unwrap().contains("Nothing was changed"));
    let missing = post_form(&app, &client, "/console/sign-out", &[]).await;
    assert_eq!(missing.status(), 403);
    let cross_site = client
        .post(app.url("/console/sign-out"))
        .header("origin", "https://elsewhere.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(
        overview(&app, &client).await.status(),
        200,
        "still signed in"
    );

    let out = post_form(&app, &client, "/console/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/console/sign-in?signed_out=1");
    assert_eq!(overview(&app, &client).await.status(), 303);
    let page = client
        .get(app.url("/console/sign-in?signed_out=1"))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("You are signed out."));
}

#[tokio::test]
async fn the_overview_counts_only_its_own_orgs_rows() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["sandbox"]).await;
    let globex = app.org("Globex", &["sandbox"]).await;
    for account in ["ann", "bob"] {
        app.upsert_account(&acme, account).await;
    }
    let flagged = Some(ReauthReason::TokenRevoked);
    app.connection(&acme, "ann", "sandbox", "Ann's", flagged)
        .await;
    app.connection(&acme, "bob", "sandbox", "Bob's", None).await;
    app.upsert_account(&globex, "carol").await;

    let acme_console = browser();
    post_form(&app, &acme_console, &link_for(&app, &acme, 0).await, &[]).await;
    let html = overview(&app, &acme_console).await.text().await.unwrap();
    assert_eq!(tile(&html, "count-accounts"), 2);
    assert_eq!(tile(&html, "count-active"), 1);
    assert_eq!(tile(&html, "count-flagged"), 1);
    assert_eq!(tile(&html, "count-flagged-day"), 1);
    assert_eq!(reason_row(&html, "token_revoked"), 1);
    assert_eq!(reason_row(&html, "app_deleted"), 0);

    let globex_console = browser();
    post_form(
        &app,
        &globex_console,
        "/console/sign-in",
        &[("api_key", &globex.key)],
    )
    .await;
    let html = overview(&app, &globex_console).await.text().await.unwrap();
    assert!(html.contains("Globex") && !html.contains("Acme"));
    assert_eq!(tile(&html, "count-accounts"), 1);
    assert_eq!(tile(&html, "count-active"), 0);
    assert_eq!(tile(&html, "count-flagged"), 0);
    assert_eq!(tile(&html, "count-flagged-day"), 0);
    assert_eq!(reason_row(&html, "token_revoked"), 0);
}

#[tokio::test]
async fn an_address_that_keeps_failing_to_sign_in_waits() {
    let app = spawn_app_with(|config| config.limits.auth_failures_per_minute = 3).await;
    let org = app.org("Acme", &[]).await;
    let client = browser();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let answer = post_form(
            &app,
            &client,
            "/console/sign-in",
            &[("api_key", "pk_test_wrong")],
        )
        .await;
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // Even the right key waits now, and so does a link.
    let right = post_form(&app, &client, "/console/sign-in", &[("api_key", &org.key)]).await;
    assert_eq!(right.status(), 429);
    let link = link_for(&app, &org, 0).await;
    assert_eq!(post_form(&app, &client, &link, &[]).await.status(), 429);
}
