//! The vendor's console: signing in with a one-time link or an API key, its session cookie,
//! CSRF and the cross-site guard on its forms, and that one org's console never shows
//! another's rows.

use app::dto::ReauthReason;
use portico::tenancy::Environment;

use crate::helpers::{TestApp, TestOrg, browser, spawn_app, spawn_app_with};

/// A form post as a browser on Portico's own page sends it.
pub async fn post_form(
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
        .header("accept-language", "de")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let said = cross_site.text().await.unwrap();
    assert!(
        said.contains("open the console again")
            && said.contains("This request came from another site"),
        "the console's refusal sends its user back to the console, in the console's English: {said}"
    );
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

    // Another org's link opens that org only, even in a browser signed in to Acme: there is
    // nothing in a link to choose an org with.
    post_form(&app, &acme_console, &link_for(&app, &globex, 0).await, &[]).await;
    let html = overview(&app, &acme_console).await.text().await.unwrap();
    assert!(html.contains("Globex") && !html.contains("Acme"), "{html}");
    assert_eq!(tile(&html, "count-accounts"), 1);
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

/// Signs a fresh browser in to `org`'s console; the browser and its CSRF token.
pub async fn signed_in(app: &TestApp, org: &TestOrg) -> (reqwest::Client, String) {
    let client = browser();
    post_form(app, &client, "/console/sign-in", &[("api_key", &org.key)]).await;
    let html = overview(app, &client).await.text().await.unwrap();
    (client, csrf_of(&html))
}

pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let answer = client.get(app.url(path)).send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn connections_are_found_by_reason_and_customer_and_another_orgs_are_not_there() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["sandbox", "slack"]).await;
    let globex = app.org("Globex", &["sandbox"]).await;
    app.upsert_account(&acme, "riley").await;
    app.upsert_account(&acme, "sam").await;
    let revoked = app
        .connection(
            &acme,
            "riley",
            "slack",
            "Riley's workspace",
            Some(ReauthReason::TokenRevoked),
        )
        .await;
    app.connection(&acme, "sam", "slack", "Sam's workspace", None)
        .await;
    let (client, _) = signed_in(&app, &acme).await;

    let (status, html) = page(&app, &client, "/console/connections?reason=token_revoked").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("data-connection=\"{revoked}\"")),
        "{html}"
    );
    assert!(!html.contains("Sam's workspace"));
    let (_, html) = page(&app, &client, "/console/connections?q=SAM").await;
    assert!(html.contains("Sam's workspace") && !html.contains("Riley's workspace"));
    let (_, html) = page(&app, &client, "/console/connections?q=%25").await;
    assert!(
        html.contains("No connection matches."),
        "a % is a character, not a wildcard"
    );
    let (_, html) = page(&app, &client, "/console/connections?state=active&app=slack").await;
    assert!(html.contains("Sam's workspace") && !html.contains("Riley's workspace"));
    let (status, html) = page(
        &app,
        &client,
        "/console/connections?state=bogus&reason=%3Cb%3E&app=Not%20A%20Slug",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("There is no state"), "{html}");
    assert!(html.contains("There is no reason “&lt;b&gt;”"), "{html}");
    assert!(html.contains("is not an app's slug"));

    // Its page: the trail, the account, never a secret.
    let (status, html) = page(&app, &client, &format!("/console/connections/{revoked}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Riley's workspace") && html.contains("To reconnect: token_revoked"));
    assert!(html.contains("data-kind=\"flagged\""), "{html}");

    // Globex sees none of it, by list or by id, and cannot act on it.
    let (other, other_csrf) = signed_in(&app, &globex).await;
    let (_, html) = page(&app, &other, "/console/connections").await;
    assert!(html.contains("No connection matches."));
    let (status, html) = page(&app, &other, &format!("/console/connections/{revoked}")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Riley"));
    let acted = post_form(
        &app,
        &other,
        &format!("/console/connections/{revoked}"),
        &[("csrf", &other_csrf), ("action", "disconnect")],
    )
    .await;
    assert_eq!(acted.status(), 404);
    let (_, html) = page(&app, &client, &format!("/console/connections/{revoked}")).await;
    assert!(html.contains("Riley's workspace"), "still there");
}

#[tokio::test]
async fn console_actions_go_through_the_domain_with_the_console_as_actor() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["slack"]).await;
    app.upsert_account(&acme, "riley").await;
    let id = app
        .connection(&acme, "riley", "slack", "Riley's workspace", None)
        .await;
    let (client, csrf) = signed_in(&app, &acme).await;
    let path = format!("/console/connections/{id}");

    // A forged token does nothing.
    let forged = post_form(
        &app,
        &client,
        &path,
        &[
            ("csrf", "x"),
            ("action", "flag"),
            ("reason", "token_revoked"),
        ],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let (_, html) = page(&app, &client, &path).await;
    assert!(html.contains("Working"));

    let flagged = post_form(
        &app,
        &client,
        &path,
        &[
            ("csrf", &csrf),
            ("action", "flag"),
            ("reason", "app_uninstalled"),
        ],
    )
    .await;
    assert_eq!(flagged.status(), 303);
    let (_, html) = page(&app, &client, &format!("{path}?done=flagged")).await;
    assert!(html.contains("To reconnect: app_uninstalled"), "{html}");
    assert!(
        html.contains("<td>console</td>"),
        "the console is the actor: {html}"
    );
    assert!(html.contains("flagged by console (API key"), "{html}");

    let linked = post_form(&app, &client, &path, &[("csrf", &csrf), ("action", "link")]).await;
    assert_eq!(linked.status(), 200);
    let html = linked.text().await.unwrap();
    assert!(
        html.contains(&format!("{}/connect/pst_", app.base)),
        "{html}"
    );

    let gone = post_form(
        &app,
        &client,
        &path,
        &[("csrf", &csrf), ("action", "disconnect")],
    )
    .await;
    assert_eq!(gone.status(), 303);
    let (status, _) = page(&app, &client, &path).await;
    assert_eq!(status, 404);
    // The trail is kept, with the console as who disconnected.
    let trail = app
        .get_json(
            &acme,
            &format!("/api/v2/public/connection/{id}/events"),
            None,
        )
        .await;
    let last = trail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "disconnected");
    assert_eq!(last["actor"], "console");
}

#[tokio::test]
async fn a_given_up_connection_expired_delivery_is_sent_again_from_the_console() {
    use crate::webhooks::{free_port, receiver, subscribe, wait_for};

    let port = free_port().await;
    // Both the Created and the Expired event fail through the whole schedule, then 200s.
    let received = receiver(port, vec![500; 16]).await;
    let app = spawn_app_with(|config| config.webhooks.schedule_scale = 0.00001).await;
    let acme = app.org("Acme", &["slack"]).await;
    let globex = app.org("Globex", &["slack"]).await;
    let subscription = subscribe(&app, &acme, &format!("http://127.0.0.1:{port}/hooks")).await;
    app.upsert_account(&acme, "riley").await;
    app.connection(
        &acme,
        "riley",
        "slack",
        "Riley's workspace",
        Some(ReauthReason::TokenRevoked),
    )
    .await;
    wait_for(&received, 16).await;
    let (client, csrf) = signed_in(&app, &acme).await;
    let mut html = String::new();
    for _ in 0..100 {
        html = page(&app, &client, "/console/webhooks?failing=1").await.1;
        if html.matches("given up").count() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let row = regex::Regex::new(
        r#"data-event="Connection Expired".*?given up.*?name="subscription" value="([^"]+)".*?name="event" value="(\d+)""#,
    )
    .unwrap();
    let found = row
        .captures(&html)
        .unwrap_or_else(|| panic!("no given-up Expired delivery in {html}"));
    let (subscription_id, event_id) = (found[1].to_owned(), found[2].to_owned());
    assert_eq!(subscription_id, subscription["id"].as_str().unwrap());
    assert!(
        html.contains("500 at "),
        "each attempt's status and time: {html}"
    );

    // Another org cannot send it, nor can a forged form.
    let (other, other_csrf) = signed_in(&app, &globex).await;
    let refused = post_form(
        &app,
        &other,
        "/console/webhooks/replay",
        &[
            ("csrf", &other_csrf),
            ("subscription", &subscription_id),
            ("event", &event_id),
        ],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let forged = post_form(
        &app,
        &client,
        "/console/webhooks/replay",
        &[
            ("csrf", "x"),
            ("subscription", &subscription_id),
            ("event", &event_id),
        ],
    )
    .await;
    assert_eq!(forged.status(), 403);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(received.lock().unwrap().len(), 16, "nothing was sent again");

    let replayed = post_form(
        &app,
        &client,
        "/console/webhooks/replay",
        &[
            ("csrf", &csrf),
            ("subscription", &subscription_id),
            ("event", &event_id),
        ],
    )
    .await;
    assert_eq!(replayed.status(), 303);
    assert_eq!(
        replayed.headers()["location"],
        "/console/webhooks?done=replayed"
    );
    let all = wait_for(&received, 17).await;
    let (headers, body) = all.last().unwrap();
    assert!(body.contains("\"Connection Expired\""), "{body}");
    let first_expired = all
        .iter()
        .find(|(_, body)| body.contains("\"Connection Expired\""))
        .unwrap();
    assert_eq!(
        headers["webhook-id"], first_expired.0["webhook-id"],
        "the same webhook-id"
    );
}

#[tokio::test]
async fn settings_make_a_key_once_revoke_only_their_own_and_allow_an_origin() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &[]).await;
    let globex = app.org("Globex", &[]).await;
    let (client, csrf) = signed_in(&app, &acme).await;

    let made = post_form(&app, &client, "/console/settings/keys", &[("csrf", &csrf)]).await;
    assert_eq!(made.status(), 200);
    let html = made.text().await.unwrap();
    let key = regex::Regex::new(r#"id="new-key"[^>]*value="(pk_test_[^"]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap_or_else(|| panic!("the new key, once: {html}"))[1]
        .to_owned();
    // It works, and the page never shows it again.
    let answer = app
        .client
        .get(app.url("/api/v2/public/webhook"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let (_, html) = page(&app, &client, "/console/settings").await;
    assert!(!html.contains(&key));
    assert_eq!(html.matches("data-key=").count(), 2, "the org's two keys");

    // Globex's key cannot be revoked from Acme's console.
    let (other, _) = signed_in(&app, &globex).await;
    drop(other);
    let globex_key = portico::entity::api_key::Entity::find_by_id(&globex.key_id);
    use sea_orm::EntityTrait;
    assert!(globex_key.one(&app.db).await.unwrap().is_some());
    let refused = post_form(
        &app,
        &client,
        "/console/settings/keys/revoke",
        &[("csrf", &csrf), ("key", &globex.key_id)],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let still = app
        .client
        .get(app.url("/api/v2/public/webhook"))
        .header("x-api-key", &globex.key)
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 200, "Globex's key still works");

    let new_id = regex::Regex::new(r#"data-key="([0-9a-f]+)""#).unwrap();
    let ids: Vec<String> = new_id
        .captures_iter(&html)
        .map(|found| found[1].to_owned())
        .collect();
    let made_id = ids.iter().find(|id| **id != acme.key_id).unwrap().clone();
    let revoked = post_form(
        &app,
        &client,
        "/console/settings/keys/revoke",
        &[("csrf", &csrf), ("key", &made_id)],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let answer = app
        .client
        .get(app.url("/api/v2/public/webhook"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401, "revoked at once");

    for (given, said) in [
        ("", "origin"),
        ("not a url", "origin"),
        ("javascript:alert(1)", "origin"),
        ("https://app.example.com/settings", "must be an origin"),
    ] {
        let answer = post_form(
            &app,
            &client,
            "/console/settings/origins",
            &[("csrf", &csrf), ("origin", given)],
        )
        .await;
        assert_eq!(answer.status(), 422, "{given:?}");
        let html = answer.text().await.unwrap();
        assert!(
            html.contains("id=\"origin-error\"") && html.contains(said),
            "{given:?}: {html}"
        );
        assert!(!html.contains("<script"));
    }
    let allowed = post_form(
        &app,
        &client,
        "/console/settings/origins",
        &[("csrf", &csrf), ("origin", "https://app.example.com")],
    )
    .await;
    assert_eq!(allowed.status(), 303);
    let (_, html) = page(&app, &client, "/console/settings").await;
    assert!(
        html.contains("<code>https://app.example.com</code>"),
        "{html}"
    );
}

#[tokio::test]
async fn a_session_ends_after_an_idle_hour_and_after_eight_hours_however_busy() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["sandbox"]).await;
    let clock = &app.services.clock;

    // Idle for an hour and a minute: signed out.
    let (idle, _) = signed_in(&app, &acme).await;
    assert_eq!(overview(&app, &idle).await.status(), 200);
    clock.advance(chrono::Duration::minutes(61));
    let answer = overview(&app, &idle).await;
    assert_eq!(answer.status(), 303, "an idle hour ends it");

    // Busy every 50 minutes: kept for 8 hours, not a minute longer.
    let (busy, _) = signed_in(&app, &acme).await;
    for step in 1..=9 {
        clock.advance(chrono::Duration::minutes(50));
        let answer = overview(&app, &busy).await;
        assert_eq!(answer.status(), 200, "after {} minutes", step * 50);
    }
    clock.advance(chrono::Duration::minutes(31));
    let answer = overview(&app, &busy).await;
    assert_eq!(
        answer.status(),
        303,
        "8 hours and a minute after signing in"
    );
    assert_eq!(answer.headers()["location"], "/console/sign-in");
}

#[tokio::test]
async fn revoking_the_key_a_session_signed_in_with_ends_that_session_only() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["sandbox"]).await;
    let (with_key, _) = signed_in(&app, &acme).await;
    let with_link = browser();
    post_form(&app, &with_link, &link_for(&app, &acme, 0).await, &[]).await;
    assert_eq!(overview(&app, &with_key).await.status(), 200);
    assert_eq!(overview(&app, &with_link).await.status(), 200);

    assert!(app.services.revoke_api_key(&acme.key_id).await.unwrap());
    let answer = overview(&app, &with_key).await;
    assert_eq!(answer.status(), 303, "the key's session ended with it");
    assert_eq!(
        overview(&app, &with_link).await.status(),
        200,
        "a link's session goes on"
    );
}

#[tokio::test]
async fn disconnecting_from_the_console_removes_that_connection_and_keeps_the_customers_other() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["slack"]).await;
    app.upsert_account(&acme, "riley").await;
    let first = app
        .connection(&acme, "riley", "slack", "Riley's first", None)
        .await;
    let second = app
        .connection(&acme, "riley", "slack", "Riley's second", None)
        .await;
    assert_ne!(first, second);
    let (client, csrf) = signed_in(&app, &acme).await;
    let gone = post_form(
        &app,
        &client,
        &format!("/console/connections/{first}"),
        &[("csrf", &csrf), ("action", "disconnect")],
    )
    .await;
    assert_eq!(gone.status(), 303);
    let (status, _) = page(&app, &client, &format!("/console/connections/{first}")).await;
    assert_eq!(status, 404);
    let (status, html) = page(&app, &client, &format!("/console/connections/{second}")).await;
    assert_eq!(status, 200, "the other workspace stays");
    assert!(html.contains("Riley's second"));
}
