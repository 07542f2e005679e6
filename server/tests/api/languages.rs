//! The pages' language: the link's `locale`, else the browser's `Accept-Language`, else the
//! org's default; `lang`, dates, form errors and the server's own pages follow it.

use serde_json::{Value, json};

use crate::helpers::{assert_error, browser, spawn_app};

/// The `lang` of a page's `<html>`.
fn lang(html: &str) -> &str {
    let at = html.find("<html").expect("an html element");
    let rest = &html[at..at + html[at..].find('>').unwrap()];
    let start = rest.find("lang=\"").expect("a lang attribute") + 6;
    &rest[start..start + rest[start..].find('"').unwrap()]
}

#[tokio::test]
async fn a_link_speaks_its_locale_else_the_browsers_else_the_orgs() {
    let app = spawn_app().await;
    let org = app.org("Sprachen GmbH", &["slack", "twilio"]).await;
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "slack", "Acme", None).await;

    // An unknown language is a field error, and issues nothing.
    for locale in ["xx", "", "de-DE", "<b>", "日本語"] {
        let response = app
            .post_json(
                &org,
                "/api/v2/public/connect-url",
                json!({ "linked_account_id": "cust", "locale": locale }),
            )
            .await;
        let body = assert_error(response, 422, "validation_failed").await;
        assert!(
            body["error"]["fields"]["locale"].is_string(),
            "{locale}: {body}"
        );
    }

    let link = |locale: Option<&str>| {
        let app = &app;
        let org = &org;
        let mut body = json!({ "linked_account_id": "cust" });
        if let Some(locale) = locale {
            body["locale"] = json!(locale);
        }
        async move {
            let answer: Value = app
                .post_json(org, "/api/v2/public/connect-url", body)
                .await
                .json()
                .await
                .unwrap();
            answer["hosted_url"].as_str().unwrap().to_owned()
        }
    };
    let page = |url: String, accept: Option<&'static str>| {
        let app = &app;
        async move {
            let client = browser();
            let mut request = client.get(&url);
            if let Some(accept) = accept {
                request = request.header("accept-language", accept);
            }
            let first = request.send().await.unwrap();
            let next = first.headers()["location"].to_str().unwrap().to_owned();
            let mut request = client.get(app.url(&next));
            if let Some(accept) = accept {
                request = request.header("accept-language", accept);
            }
            request.send().await.unwrap().text().await.unwrap()
        }
    };

    // The link's own language, whatever the browser prefers.
    let german = page(link(Some("de")).await, Some("ja")).await;
    assert_eq!(lang(&german), "de");
    let words = |locale, key: &str| app::i18n::T(locale).s(key);
    let heading = words(app::i18n::Locale::De, "heading-connect-apps");
    assert_ne!(
        heading,
        words(app::i18n::Locale::En, "heading-connect-apps")
    );
    assert!(german.contains(&format!("<h1>{heading}</h1>")), "{german}");
    // The date of the connection, in German ("6. Dez 2026"), not in English ("6 Dec 2026").
    let day = app
        .services
        .clock
        .now()
        .format_localized("%-d. %b %Y", chrono::Locale::de_DE)
        .to_string();
    assert!(german.contains(&day), "{day}");

    // Else the browser's first language Portico speaks.
    let japanese = page(link(None).await, Some("nl, ja;q=0.9, en;q=0.5")).await;
    assert_eq!(lang(&japanese), "ja");
    let heading = words(app::i18n::Locale::Ja, "heading-connect-apps");
    assert!(japanese.contains(&format!("<h1>{heading}</h1>")));
    // Else the org's default.
    portico::tenancy::set_default_locale(&app.db, &org.id, app::i18n::Locale::Fr)
        .await
        .unwrap();
    let french = page(link(None).await, Some("nl")).await;
    assert_eq!(lang(&french), "fr");
    let english = page(link(Some("en")).await, None).await;
    assert_eq!(lang(&english), "en");

    // The server's own pages follow the browser.
    let expired = browser()
        .get(app.url("/connect/pst_forged"))
        .header("accept-language", "pt-BR")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(lang(&expired), "pt-BR");

    // The sign-in start page: the browser's language, else the org's.
    let org = app.org("Start GmbH", &["sandbox"]).await;
    portico::tenancy::set_default_locale(&app.db, &org.id, app::i18n::Locale::De)
        .await
        .unwrap();
    let token = crate::helpers::session_token(&app, &org, "starter").await;
    for (accept, want) in [(None, "de"), (Some("ja"), "ja"), (Some("nl"), "de")] {
        let start = crate::helpers::integrate_start(&app, &token, "sandbox").await;
        let mut request = browser().get(start.as_str());
        if let Some(accept) = accept {
            request = request.header("accept-language", accept);
        }
        let page = request.send().await.unwrap().text().await.unwrap();
        assert_eq!(lang(&page), want, "{accept:?}");
    }
}
