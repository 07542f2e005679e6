//! Canary secrets — org client secrets, the tokens providers issue, and the keys end customers
//! enter — are planted in the OAuth flows (the built-in sandbox and a separate
//! oauth2-mock-server process) and the key-based flows (SDK save and the hosted form), which run
//! with every log at TRACE level, and the widget's form and stream. None may appear in a log
//! line, a response body, a page or the database file; nor may the widget's token appear in a
//! log line or the database file.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use portico::oauth;
use serde_json::json;

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use helpers::{TestApp, consent, integrate, mock_provider, session_token, spawn_app};

/// Everything logged by this test process.
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(Default::default)
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        logs().lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every body Portico answered the browser or the vendor with.
#[derive(Default)]
struct Bodies(Vec<String>);

impl Bodies {
    async fn get(&mut self, app: &TestApp, url: &str, bearer: Option<&str>) -> reqwest::Response {
        let mut request = app.client.get(url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        self.keep(request.send().await.unwrap()).await
    }

    /// Saves Twilio's keys through the form of the hosted page, or of the widget with its
    /// token, and keeps the answer and the page it leads to.
    async fn save_keys(&mut self, app: &TestApp, embed: Option<&str>, number: &str, sid: &str) {
        let mut form = vec![
            ("slug", "twilio"),
            ("values[number]", number),
            ("values[sid]", sid),
        ];
        let link = match embed {
            Some(_) => None,
            None => Some(app.page_link(&app.client).await),
        };
        form.extend(embed.map(|token| ("embed", token)));
        form.extend(link.as_deref().map(|link| ("link", link)));
        let response = app
            .client
            .post(app.url("/_portal/save-keys"))
            .header("origin", app.base.as_str())
            .header("accept", "text/html")
            .form(&form)
            .send()
            .await
            .unwrap();
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        self.0.push(location.clone());
        self.keep(response).await;
        let shown = self.get(app, &app.url(&location), None).await;
        assert_eq!(shown.status(), 200, "{location}");
    }

    /// Reads the body, keeps a copy, and hands back an equivalent response.
    async fn keep(&mut self, response: reqwest::Response) -> reqwest::Response {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        for value in headers.values() {
            self.0
                .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        self.0.push(body.clone());
        let mut rebuilt = http::Response::builder().status(status);
        for (name, value) in &headers {
            rebuilt = rebuilt.header(name, value);
        }
        reqwest::Response::from(rebuilt.body(body).unwrap())
    }
}

#[tokio::test]
async fn canary_secrets_appear_in_no_log_line_response_or_page() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(|| Capture)
        .init();

    let app = spawn_app().await;
    let org = app.org("Canary Co", &["sandbox"]).await;
    let mut bodies = Bodies::default();
    let mut canaries = Vec::new();

    // The sandbox, with a client secret the org configured.
    let sandbox_secret = format!("canary-sandbox-secret-{}", portico::secrets::random_id());
    canaries.push(sandbox_secret.clone());
    let response = app
        .configure(
            &org,
            "sandbox",
            json!({"client_id": "portico-sandbox", "client_secret": sandbox_secret}),
        )
        .await;
    assert_eq!(bodies.keep(response).await.status(), 200);
    let token = session_token(&app, &org, "cust").await;
    let auth_url = integrate(&app, &token, "sandbox").await;
    bodies.get(&app, auth_url.as_str(), None).await;
    let callback = consent(&app, &auth_url, "approve", "Canary user").await;
    assert_eq!(
        bodies.get(&app, callback.as_str(), None).await.status(),
        200
    );

    let account = app.linked_account(&org, "cust").await;
    let record = |app: &TestApp| {
        let db = app.db.clone();
        let id = account.id.clone();
        async move {
            portico::connections::of_linked_account(&db, &id)
                .await
                .unwrap()
        }
    };
    let connection = record(&app).await.remove(0);
    let tokens = oauth::open_tokens(&app.vault, &account, &connection)
        .unwrap()
        .unwrap();
    canaries.push(tokens.access_token.to_string());
    canaries.push(tokens.refresh_token.as_deref().unwrap().to_string());

    // A refresh sends the refresh token and receives new ones.
    let outcome = oauth::refresh(
        &app.services,
        &connection.id,
        portico::connections::Due::Now,
        helpers::OPERATOR,
    )
    .await
    .unwrap();
    assert_eq!(outcome, portico::connections::refresh::Refresh::Refreshed);
    let refreshed = oauth::open_tokens(&app.vault, &account, &record(&app).await[0])
        .unwrap()
        .unwrap();
    assert_ne!(refreshed.access_token, tokens.access_token);
    canaries.push(refreshed.access_token.to_string());
    canaries.push(refreshed.refresh_token.as_deref().unwrap().to_string());

    // Everything a browser or the vendor sees afterwards.
    let hosted = app.hosted_url(&org, "cust").await;
    bodies.get(&app, &hosted, None).await;
    bodies.get(&app, &app.url("/connect"), None).await;
    bodies
        .get(&app, &app.url("/api/v2/f-sdk/application"), Some(&token))
        .await;
    bodies.get(&app, &app.url("/sandbox"), None).await;

    // A separate provider process and an org's own app with its own client secret.
    let provider = mock_provider().await;
    let mock_secret = format!("canary-mock-secret-{}", portico::secrets::random_id());
    canaries.push(mock_secret.clone());
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            json!({
                "slug": "mockauth",
                "name": "Mock Auth",
                "auth_type": "oauth2",
                "oauth": {
                    "authorize_url": format!("{}/authorize", provider.base),
                    "token_url": format!("{}/token", provider.base),
                    "revoke_url": format!("{}/revoke", provider.base),
                    "scopes": ["openid"],
                    "client_id": "portico-canary",
                    "client_secret": mock_secret,
                }
            }),
        )
        .await;
    assert_eq!(bodies.keep(response).await.status(), 201);
    let auth_url = integrate(&app, &token, "mockauth").await;
    let redirect = app.client.get(auth_url.as_str()).send().await.unwrap();
    let callback = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(bodies.get(&app, &callback, None).await.status(), 200);
    let mock_connection = record(&app)
        .await
        .into_iter()
        .find(|c| c.slug == "mockauth")
        .unwrap();
    let mock_tokens = oauth::open_tokens(&app.vault, &account, &mock_connection)
        .unwrap()
        .unwrap();
    canaries.push(mock_tokens.access_token.to_string());
    bodies
        .get(
            &app,
            &app.url("/api/v2/f-sdk/application/mockauth"),
            Some(&token),
        )
        .await;

    // Key-based credentials: through the SDK, and through the hosted form (a refused save first).
    let response = app.configure(&org, "twilio", json!({})).await;
    assert_eq!(bodies.keep(response).await.status(), 200);
    let sid = format!("AC{}{}", portico::secrets::random_id(), "0123abcd");
    canaries.push(sid.clone());
    let response = app
        .client
        .post(app.url("/api/v2/app/twilio/save"))
        .bearer_auth(&token)
        .json(&json!({"number": "+14155550100", "sid": sid}))
        .send()
        .await
        .unwrap();
    assert_eq!(bodies.keep(response).await.status(), 200);
    let form_secret = format!("AC{}{}", portico::secrets::random_id(), "4567cdef");
    canaries.push(form_secret.clone());
    for number in ["not a number", "+14155550111"] {
        bodies.save_keys(&app, None, number, &form_secret).await;
    }
    bodies.get(&app, &app.url("/connect"), None).await;

    // The widget: its token is in its own page by design, so it is a canary for the logs and
    // the database file only; a key typed into the widget's form is a canary everywhere.
    let embed_token = helpers::widget_token(&app, &org, "widget-cust").await;
    let widget_secret = format!("AC{}{}", portico::secrets::random_id(), "89ab0123");
    canaries.push(widget_secret.clone());
    let widget = app.url(&format!("/embed/{embed_token}"));
    let page = app.client.get(&widget).send().await.unwrap();
    assert_eq!(page.status(), 200);
    for number in ["not a number", "+14155550122"] {
        bodies
            .save_keys(&app, Some(&embed_token), number, &widget_secret)
            .await;
    }
    let mut stream = app
        .client
        .get(format!("{widget}/events"))
        .send()
        .await
        .unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), stream.chunk())
        .await
        .expect("the widget's first state")
        .unwrap()
        .unwrap();
    let first = String::from_utf8_lossy(&first).into_owned();
    assert!(first.contains("twilio"), "{first}");
    bodies.0.push(first);
    drop(stream);

    // Disconnecting revokes: the refresh tokens travel to the providers once more.
    for slug in ["sandbox", "mockauth"] {
        let response = app
            .client
            .delete(app.url(&format!("/api/v1/linked-acc/integration/{slug}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(bodies.keep(response).await.status(), 204);
    }

    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).into_owned();
    assert!(
        logged.contains("TRACE") && logged.lines().count() > 100,
        "the flows were logged at trace level ({} lines)",
        logged.lines().count()
    );
    for canary in &canaries {
        assert!(canary.len() >= 20, "canary {canary:?} is distinctive");
        assert!(!logged.contains(canary.as_str()), "a canary is in the logs");
        for body in &bodies.0 {
            assert!(!body.contains(canary.as_str()), "a canary is in a response");
        }
    }
    assert!(
        !logged.contains(embed_token.as_str()),
        "the widget's token is in the logs"
    );
    let mut planted: Vec<&str> = canaries.iter().map(String::as_str).collect();
    planted.push(embed_token.as_str());
    app.assert_absent_from_database_file(&planted);
    eprintln!(
        "canary: {} secrets, {} log lines, {} response bodies and headers checked",
        canaries.len(),
        logged.lines().count(),
        bodies.0.len()
    );
}
