//! The console's apps, branding and webhook tools: each goes through the same domain calls
//! and checks as the API, says a refusal at its field and changes nothing then, and one org's
//! console cannot reach another's.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use app::dto::ReauthReason;
use portico::entity::{app_config, connection};

use crate::console::{page, post_form, signed_in};
use crate::helpers::{TestApp, TestOrg, spawn_app};

/// The slugs the vendor API lists for a customer, and the name of each.
async fn offered(app: &TestApp, org: &TestOrg) -> Vec<(String, String)> {
    app.upsert_account(org, "lister").await;
    let listed = app
        .get_json(org, "/api/v2/public/application", Some("lister"))
        .await;
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|each| {
            let field = |key: &str| each[key].as_str().unwrap_or_default().to_owned();
            (field("slug"), field("name"))
        })
        .collect()
}

async fn stored(app: &TestApp, org: &TestOrg, slug: &str) -> app_config::Model {
    app_config::Entity::find()
        .filter(app_config::Column::OrgId.eq(&org.id))
        .filter(app_config::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn row(app: &TestApp, id: &str) -> connection::Model {
    connection::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn last_event(app: &TestApp, org: &TestOrg, id: &str) -> Value {
    let trail = app
        .get_json(org, &format!("/api/v2/public/connection/{id}/events"), None)
        .await;
    trail["events"].as_array().unwrap().last().unwrap().clone()
}

/// The error sentence shown at a form field, if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let pattern = regex::Regex::new(&format!(r#"id="{field}-error"[^>]*>([^<]*)<"#)).unwrap();
    pattern.captures(html).map(|found| found[1].to_owned())
}

#[tokio::test]
async fn a_catalog_app_is_offered_with_a_write_only_secret_and_turning_it_off_says_what_it_flags() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["slack"]).await;
    let globex = app.org("Globex", &["slack"]).await;
    app.upsert_account(&acme, "riley").await;
    app.upsert_account(&acme, "sam").await;
    let working = app
        .connection(&acme, "riley", "slack", "Riley's", None)
        .await;
    let revoked = app
        .connection(
            &acme,
            "sam",
            "slack",
            "Sam's",
            Some(ReauthReason::TokenRevoked),
        )
        .await;
    let (client, csrf) = signed_in(&app, &acme).await;

    let (status, html) = page(&app, &client, "/console/apps").await;
    assert_eq!(status, 200);
    let slack = regex::Regex::new(r#"data-app="slack".*?</tr>"#).unwrap();
    let slack = slack.find(&html).expect("a Slack row").as_str();
    assert!(slack.contains("Offered"), "{slack}");
    assert!(
        slack.contains("<td>1</td><td>1</td>"),
        "1 working, 1 to reconnect: {slack}"
    );
    assert!(html.contains(r#"data-app="twilio""#));

    // The client: its id shown again, its secrets never.
    let offer = "/console/apps/slack/offer";
    let secret = "shh-client-secret-4d1f";
    let signing = "slack-signing-secret-77aa";
    let saved = post_form(
        &app,
        &client,
        offer,
        &[
            ("csrf", &csrf),
            ("client_id", "cid-123"),
            ("client_secret", secret),
            ("scopes", "chat:write  channels:read"),
            ("signing_secret", signing),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let (_, html) = page(&app, &client, "/console/apps/slack?done=saved").await;
    assert!(html.contains(r#"value="cid-123""#), "{html}");
    assert!(html.contains("A secret is stored; leave this empty to keep it."));
    assert!(!html.contains(secret) && !html.contains(signing));
    let config = stored(&app, &acme, "slack").await;
    assert_eq!(config.scopes.as_deref(), Some("chat:write channels:read"));
    let sealed = config.client_secret.clone().unwrap();
    assert!(
        !sealed
            .windows(secret.len())
            .any(|part| part == secret.as_bytes())
    );

    // An empty secret keeps the stored one; a hostile or oversized value is refused at its field.
    post_form(
        &app,
        &client,
        offer,
        &[("csrf", &csrf), ("client_id", "cid-456")],
    )
    .await;
    assert_eq!(
        stored(&app, &acme, "slack").await.client_secret,
        Some(sealed)
    );
    for (field, value) in [
        ("client_id", "bell\u{7}"),
        ("client_id", &"x".repeat(600)),
        ("scopes", "chat:write <script>alert(1)</script>\u{0}"),
    ] {
        let refused = post_form(&app, &client, offer, &[("csrf", &csrf), (field, value)]).await;
        assert_eq!(refused.status(), 422, "{field}");
        let html = refused.text().await.unwrap();
        assert!(field_error(&html, field).is_some(), "{field}: {html}");
        assert!(
            html.contains(&format!(r#"id="{field}""#)) && html.contains(r#"aria-invalid="true""#)
        );
        if field == "client_id" && !value.contains('\u{7}') {
            let kept = format!(r#"value="{value}""#);
            assert!(html.contains(&kept), "what was typed stays");
        }
    }
    assert_eq!(
        stored(&app, &acme, "slack").await.client_id.as_deref(),
        Some("cid-456")
    );

    // A key-based app off in this environment is offered with one button.
    let (_, html) = page(&app, &client, "/console/apps/twilio").await;
    assert!(html.contains("Offer Twilio"), "{html}");
    post_form(
        &app,
        &client,
        "/console/apps/twilio/offer",
        &[("csrf", &csrf)],
    )
    .await;
    assert!(
        offered(&app, &acme)
            .await
            .iter()
            .any(|(slug, _)| slug == "twilio")
    );

    // Globex's console shows its own Slack, and cannot turn Acme's off.
    let (other, other_csrf) = signed_in(&app, &globex).await;
    let (_, html) = page(&app, &other, "/console/apps/slack").await;
    assert!(html.contains("0 working, 0 to reconnect") && !html.contains("cid-456"));
    let (status, _) = page(&app, &other, "/console/apps/no-such-app").await;
    assert_eq!(status, 404);

    // The warning counts what turning it off flags: both, the revoked one again as app_deleted.
    let (_, html) = page(&app, &client, "/console/apps/slack").await;
    assert!(
        html.contains("Turning Slack off flags 2 connections of it"),
        "{html}"
    );
    let off = "/console/apps/slack/off";
    let unticked = post_form(&app, &client, off, &[("csrf", &csrf)]).await;
    assert_eq!(unticked.status(), 422);
    assert!(
        stored(&app, &acme, "slack").await.enabled,
        "nothing changed"
    );
    let forged = post_form(
        &app,
        &client,
        off,
        &[("csrf", &other_csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let turned = post_form(&app, &client, off, &[("csrf", &csrf), ("confirm", "yes")]).await;
    assert_eq!(turned.status(), 303);
    assert!(!stored(&app, &acme, "slack").await.enabled);
    for id in [&working, &revoked] {
        let flagged = row(&app, id).await;
        assert_eq!(
            flagged.reauth_reason.map(|r| r.as_str()),
            Some("app_deleted")
        );
        let event = last_event(&app, &acme, id).await;
        assert_eq!(
            (event["kind"].as_str(), event["actor"].as_str()),
            (Some("flagged"), Some("console"))
        );
    }
    assert!(
        stored(&app, &globex, "slack").await.enabled,
        "Globex's Slack is untouched"
    );
}

/// The form fields of a key-based app of the org's own.
fn own_app<'a>(
    csrf: &'a str,
    slug: &'a str,
    name: &'a str,
    fields: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("slug", slug),
        ("name", name),
        ("description", "Our CRM"),
        ("tags", "crm, sales"),
        ("auth_type", "keybased"),
        ("fields", fields),
    ]
}

const FIELDS: &str =
    r#"[{"name": "api_key", "label": "API key", "type": "password", "required": true}]"#;

#[tokio::test]
async fn an_own_app_is_added_edited_and_deleted_with_the_apis_checks_and_a_count_of_what_it_flags()
{
    let app = spawn_app().await;
    let acme = app.org("Acme", &[]).await;
    let globex = app.org("Globex", &[]).await;
    let (client, csrf) = signed_in(&app, &acme).await;
    let new = "/console/custom-apps/new";
    let (status, html) = page(&app, &client, new).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"name="auth_type" value="oauth2""#));

    // Refusals at their fields, nothing created.
    let refusals = [
        (
            own_app(&csrf, "acme-crm", "", FIELDS),
            "name",
            "must not be empty",
        ),
        (
            own_app(&csrf, "Acme CRM!", "Acme CRM", FIELDS),
            "slug",
            "lower-case",
        ),
        (
            own_app(&csrf, "slack", "Slack again", FIELDS),
            "slug",
            "is taken by a built-in app",
        ),
        (
            own_app(&csrf, "acme-crm", "Acme CRM", "{not json"),
            "fields",
            "is not JSON",
        ),
        (
            own_app(&csrf, "acme-crm", "Acme CRM", "[]"),
            "fields",
            "must list 1 to 20 fields",
        ),
        (
            own_app(
                &csrf,
                "acme-crm",
                "Acme CRM",
                "</textarea><script>alert(1)</script>",
            ),
            "fields",
            "is not JSON",
        ),
    ];
    let mut shapeless = own_app(&csrf, "acme-crm", "Acme CRM", FIELDS);
    shapeless.push(("verify", r#"{"url": "https://example.com/me"}"#));
    let refusals =
        refusals
            .into_iter()
            .chain([(shapeless, "verify", "missing field `valid_statuses`")]);
    for (form, field, says) in refusals {
        let refused = post_form(&app, &client, new, &form).await;
        assert_eq!(refused.status(), 422, "{field}");
        let html = refused.text().await.unwrap();
        let error = field_error(&html, field).unwrap_or_else(|| panic!("no {field} error: {html}"));
        assert!(error.contains(says), "{field}: {error}");
        assert!(
            !html.contains("<script>alert(1)"),
            "what was typed is shown as text: {html}"
        );
    }
    let metadata = [
        ("csrf", csrf.as_str()),
        ("slug", "metadata"),
        ("name", "Metadata"),
        ("auth_type", "oauth2"),
        ("authorize_url", "https://169.254.169.254/authorize"),
        ("token_url", "https://example.com/token"),
        ("client_id", "cid"),
    ];
    let refused = post_form(&app, &client, new, &metadata).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(field_error(&html, "authorize_url").is_some(), "{html}");
    assert!(
        html.contains(r#"value="https://169.254.169.254/authorize""#),
        "what was typed stays"
    );
    assert!(offered(&app, &acme).await.is_empty());

    let created = post_form(
        &app,
        &client,
        new,
        &own_app(&csrf, "acme-crm", "Acme CRM", FIELDS),
    )
    .await;
    assert_eq!(created.status(), 303);
    assert_eq!(
        created.headers()["location"],
        "/console/apps/acme-crm?done=offered"
    );
    assert_eq!(
        offered(&app, &acme).await,
        [("acme-crm".to_owned(), "Acme CRM".to_owned())]
    );
    let again = post_form(
        &app,
        &client,
        new,
        &own_app(&csrf, "acme-crm", "Acme CRM", FIELDS),
    )
    .await;
    assert_eq!(again.status(), 422);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("is taken by another of your apps here")
    );

    // Edited from its page, filled in from what is stored; unicode is a name like any other.
    let (_, html) = page(&app, &client, "/console/apps/acme-crm").await;
    assert!(
        html.contains("crm, sales") && html.contains(r#""name": "api_key""#),
        "{html}"
    );
    let edit = "/console/apps/acme-crm/edit";
    let renamed = own_app(&csrf, "ignored", "Zoë 東京 CRM", FIELDS);
    assert_eq!(post_form(&app, &client, edit, &renamed).await.status(), 303);
    assert_eq!(offered(&app, &acme).await[0].1, "Zoë 東京 CRM");
    let emptied = post_form(&app, &client, edit, &own_app(&csrf, "", "  ", FIELDS)).await;
    assert_eq!(emptied.status(), 422);
    assert_eq!(
        offered(&app, &acme).await[0].1,
        "Zoë 東京 CRM",
        "nothing changed"
    );

    // The API edits through the same call.
    let put = |org: &TestOrg, path: &str, body: Value| {
        app.client
            .put(app.url(path))
            .header("x-api-key", &org.key)
            .json(&body)
            .send()
    };
    let body = json!({
        "slug": "acme-crm", "name": "Acme CRM 2", "auth_type": "keybased",
        "auth_input_map": [{"name": "token", "label": "Token", "type": "password", "required": true}],
    });
    let answer = put(&acme, "/api/v2/public/custom-app/acme-crm", body.clone())
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let changed: Value = answer.json().await.unwrap();
    assert_eq!(
        (changed["name"].as_str(), changed["enabled"].as_bool()),
        (Some("Acme CRM 2"), Some(true))
    );
    let answer = put(&acme, "/api/v2/public/custom-app/slack", body.clone())
        .await
        .unwrap();
    assert_eq!(
        answer.status(),
        404,
        "a catalog app is not one of the org's own"
    );
    assert_eq!(offered(&app, &acme).await[0].1, "Acme CRM 2");
    let moved = json!({"slug": "other", "name": "X", "auth_type": "keybased", "auth_input_map": body["auth_input_map"]});
    let answer = put(&acme, "/api/v2/public/custom-app/acme-crm", moved)
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let answer = put(&globex, "/api/v2/public/custom-app/acme-crm", body)
        .await
        .unwrap();
    assert_eq!(answer.status(), 404, "another org's app is not there");

    // Globex's console cannot see, edit or delete it.
    let (other, other_csrf) = signed_in(&app, &globex).await;
    let (status, _) = page(&app, &other, "/console/apps/acme-crm").await;
    assert_eq!(status, 404);
    let edited = post_form(
        &app,
        &other,
        edit,
        &own_app(&other_csrf, "", "Taken", FIELDS),
    )
    .await;
    assert_eq!(edited.status(), 404);
    let deleted = post_form(
        &app,
        &other,
        "/console/apps/acme-crm/delete",
        &[("csrf", &other_csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(deleted.status(), 403);
    assert_eq!(offered(&app, &acme).await[0].1, "Acme CRM 2");

    // Deleting says how many connections it flags, and flags them once the box is ticked.
    app.upsert_account(&acme, "riley").await;
    let id = app
        .connection(&acme, "riley", "acme-crm", "Riley's CRM", None)
        .await;
    let delete = "/console/apps/acme-crm/delete";
    let unticked = post_form(&app, &client, delete, &[("csrf", &csrf)]).await;
    assert_eq!(unticked.status(), 422);
    assert_eq!(
        row(&app, &id).await.reauth_reason,
        None,
        "nothing was flagged"
    );
    assert_eq!(offered(&app, &acme).await[0].1, "Acme CRM 2", "nor deleted");
    let (_, html) = page(&app, &client, "/console/apps/acme-crm").await;
    assert!(
        html.contains(
            "Deleting Acme CRM 2 removes it and its settings, and flags 1 connection of it"
        ),
        "{html}"
    );
    let deleted = post_form(
        &app,
        &client,
        "/console/apps/acme-crm/delete",
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(deleted.headers()["location"], "/console/apps?done=deleted");
    assert!(
        offered(&app, &acme)
            .await
            .iter()
            .all(|(slug, _)| slug != "acme-crm")
    );
    assert_eq!(
        row(&app, &id).await.reauth_reason.map(|r| r.as_str()),
        Some("app_deleted")
    );
    assert_eq!(last_event(&app, &acme, &id).await["actor"], "console");
}

/// A `multipart/form-data` body as a browser sends a file form.
fn multipart(csrf: &str, file: &[u8], kind: &str) -> (String, Vec<u8>) {
    let boundary = "----portico-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo\"\r\nContent-Type: {kind}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    (kind, body): (String, Vec<u8>),
) -> reqwest::Response {
    client
        .post(app.url("/console/settings/logo"))
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn branding(app: &TestApp, org: &TestOrg) -> Value {
    app.get_json(org, "/api/v2/public/branding", None).await
}

#[tokio::test]
async fn branding_is_changed_from_settings_with_the_apis_checks_and_a_logo_file() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &["sandbox"]).await;
    let globex = app.org("Globex", &["sandbox"]).await;
    let (client, csrf) = signed_in(&app, &acme).await;
    let change = "/console/settings/branding";

    let refused = post_form(
        &app,
        &client,
        change,
        &[
            ("csrf", &csrf),
            ("name", "Acme Support"),
            ("accent", "#ffcc00"),
            ("secured_by", "yes"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    let error = field_error(&html, "accent").expect("the accent's error");
    assert!(
        error.contains("The nearest shade that passes is #8f7200"),
        "{error}"
    );
    assert!(
        html.contains(r#"value="Acme Support""#),
        "what was typed stays"
    );
    assert_eq!(
        branding(&app, &acme).await["name"],
        Value::Null,
        "nothing was saved"
    );
    for (field, value) in [
        ("name", "x".repeat(201)),
        ("accent", "red".to_owned()),
        ("name", "a\u{1b}[31m".to_owned()),
    ] {
        let refused = post_form(&app, &client, change, &[("csrf", &csrf), (field, &value)]).await;
        assert_eq!(refused.status(), 422, "{field}");
        assert!(
            field_error(&refused.text().await.unwrap(), field).is_some(),
            "{field}"
        );
    }
    let saved = post_form(
        &app,
        &client,
        change,
        &[
            ("csrf", &csrf),
            ("name", "Acme Support ✓"),
            ("accent", "#8f7200"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let shown = branding(&app, &acme).await;
    assert_eq!(
        (shown["name"].as_str(), shown["accent"].as_str()),
        (Some("Acme Support ✓"), Some("#8f7200"))
    );
    assert_eq!(
        shown["secured_by"], false,
        "an unticked box turns the line off"
    );
    assert_eq!(branding(&app, &globex).await["name"], Value::Null);

    // A logo as a file: SVG and nothing refused at the field, a PNG taken and shown.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let refused = upload(&app, &client, multipart(&csrf, svg, "image/svg+xml")).await;
    assert_eq!(refused.status(), 422);
    let error = field_error(&refused.text().await.unwrap(), "logo").unwrap();
    assert!(error.contains("SVG logos are not taken"), "{error}");
    let refused = upload(
        &app,
        &client,
        multipart(&csrf, b"", "application/octet-stream"),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let png = crate::branding::picture(image::ImageFormat::Png, 64, 64);
    let forged = upload(&app, &client, multipart("forged", &png, "image/png")).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(branding(&app, &acme).await["logo_url"], Value::Null);
    let taken = upload(&app, &client, multipart(&csrf, &png, "image/png")).await;
    assert_eq!(taken.status(), 303);
    let logo = branding(&app, &acme).await["logo_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, html) = page(&app, &client, "/console/settings?done=logo").await;
    assert!(html.contains(&logo), "the page shows the logo");
    let large = vec![0u8; 300 * 1024];
    assert_eq!(
        upload(&app, &client, multipart(&csrf, &large, "image/png"))
            .await
            .status(),
        413
    );

    let removed = post_form(
        &app,
        &client,
        "/console/settings/logo/remove",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(branding(&app, &acme).await["logo_url"], Value::Null);
}

#[tokio::test]
async fn webhooks_send_a_test_rotate_the_secret_once_and_send_a_range_again() {
    use crate::webhooks::{free_port, receiver, subscribe, verified, wait_for};

    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app().await;
    let acme = app.org("Acme", &["slack"]).await;
    let globex = app.org("Globex", &["slack"]).await;
    let subscription = subscribe(&app, &acme, &format!("http://127.0.0.1:{port}/hooks")).await;
    let (id, secret) = (
        subscription["id"].as_str().unwrap().to_owned(),
        subscription["secret"].as_str().unwrap().to_owned(),
    );
    let (client, csrf) = signed_in(&app, &acme).await;

    let tested = post_form(
        &app,
        &client,
        "/console/webhooks/test",
        &[("csrf", &csrf), ("subscription", &id)],
    )
    .await;
    assert_eq!(tested.status(), 200);
    assert!(
        tested
            .text()
            .await
            .unwrap()
            .contains("it was answered: HTTP 200")
    );
    let got = wait_for(&received, 1).await;
    assert_eq!(verified(&secret, &got[0])["event"], "Test");

    // Another org's console cannot use it.
    let (other, other_csrf) = signed_in(&app, &globex).await;
    for path in ["/console/webhooks/test", "/console/webhooks/rotate"] {
        let refused = post_form(
            &app,
            &other,
            path,
            &[("csrf", &other_csrf), ("subscription", &id)],
        )
        .await;
        assert_eq!(refused.status(), 403, "{path}");
    }

    let rotated = post_form(
        &app,
        &client,
        "/console/webhooks/rotate",
        &[("csrf", &csrf), ("subscription", &id)],
    )
    .await;
    assert_eq!(rotated.status(), 200);
    let html = rotated.text().await.unwrap();
    let new_secret =
        regex::Regex::new(r#"id="new-secret" type="text" readonly value="(whsec_[^"]+)""#)
            .unwrap()
            .captures(&html)
            .unwrap_or_else(|| panic!("no new secret in {html}"))[1]
            .to_owned();
    assert_ne!(new_secret, secret);
    let (_, html) = page(&app, &client, "/console/webhooks").await;
    assert!(!html.contains(&new_secret), "shown once");
    post_form(
        &app,
        &client,
        "/console/webhooks/test",
        &[("csrf", &csrf), ("subscription", &id)],
    )
    .await;
    let got = wait_for(&received, 2).await;
    verified(&new_secret, &got[1]);
    verified(&secret, &got[1]);

    // A range again: refused at its field when it is not one, queued when it is.
    app.upsert_account(&acme, "riley").await;
    app.connection(
        &acme,
        "riley",
        "slack",
        "Riley's",
        Some(ReauthReason::TokenRevoked),
    )
    .await;
    let sent = wait_for(&received, 4).await.len();
    let range = "/console/webhooks/replay-range";
    let now = app.services.clock.now();
    let week_ago = (now - chrono::Duration::days(8))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    for (since, until, field) in [
        ("", "", "since"),
        ("yesterday", "", "since"),
        (week_ago.as_str(), "", "until"),
        ("2026-12-06T09:00", "<b>", "until"),
    ] {
        let refused = post_form(
            &app,
            &client,
            range,
            &[
                ("csrf", &csrf),
                ("subscription", &id),
                ("since", since),
                ("until", until),
            ],
        )
        .await;
        assert_eq!(refused.status(), 422, "{since} {until}");
        let html = refused.text().await.unwrap();
        assert!(field_error(&html, field).is_some(), "{field}");
        let kept = format!(r#"id="since" name="since" type="text" value="{since}""#);
        assert!(html.contains(&kept), "what was typed stays: {html}");
    }
    let hour_ago = (now - chrono::Duration::hours(1)).to_rfc3339();
    let replayed = post_form(
        &app,
        &client,
        range,
        &[("csrf", &csrf), ("subscription", &id), ("since", &hour_ago)],
    )
    .await;
    assert_eq!(replayed.status(), 200);
    assert!(replayed.text().await.unwrap().contains("Queued 2 again"));
    let again = wait_for(&received, sent + 2).await;
    let first_ids: Vec<_> = again[2..4]
        .iter()
        .map(|(headers, _)| headers["webhook-id"].clone())
        .collect();
    let replay_ids: Vec<_> = again[sent..sent + 2]
        .iter()
        .map(|(headers, _)| headers["webhook-id"].clone())
        .collect();
    assert_eq!(
        first_ids, replay_ids,
        "sent again with their first webhook-ids"
    );
}

#[tokio::test]
async fn editing_an_own_oauth_app_in_the_console_keeps_what_its_form_does_not_show() {
    let app = spawn_app().await;
    let acme = app.org("Acme", &[]).await;
    let created = app
        .post_json(
            &acme,
            "/api/v2/public/custom-app",
            json!({
                "slug": "ledger", "name": "Ledger", "auth_type": "oauth2",
                "oauth": {
                    "authorize_url": "https://example.com/authorize",
                    "token_url": "https://example.com/token",
                    "client_id": "cid", "client_secret": "shh-ledger-secret",
                    "issuer": "https://example.com",
                    "refusals": [{"pointer": "/error", "value": "account_closed", "means": "app_uninstalled"}],
                },
            }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let (client, csrf) = signed_in(&app, &acme).await;
    let (_, html) = page(&app, &client, "/console/apps/ledger").await;
    assert!(
        html.contains(r#"value="https://example.com/token""#)
            && !html.contains("shh-ledger-secret")
    );
    let renamed = post_form(
        &app,
        &client,
        "/console/apps/ledger/edit",
        &[
            ("csrf", &csrf),
            ("name", "Ledger Pro"),
            ("authorize_url", "https://example.com/authorize"),
            ("token_url", "https://example.com/token"),
            ("client_id", "cid"),
            ("pkce", "yes"),
        ],
    )
    .await;
    assert_eq!(renamed.status(), 303);
    let ledger = portico::catalog::own_app(
        &app.db,
        &acme.id,
        portico::tenancy::Environment::Test,
        "ledger",
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ledger.name, "Ledger Pro");
    let oauth = ledger.oauth.unwrap();
    assert_eq!(oauth.issuer.as_deref(), Some("https://example.com"));
    assert_eq!(oauth.refusals.len(), 1);
    assert_eq!(oauth.refusals[0].value, "account_closed");
    let secret = stored(&app, &acme, "ledger").await.client_secret;
    assert!(
        secret.is_some(),
        "an empty secret field kept the stored secret"
    );
}
