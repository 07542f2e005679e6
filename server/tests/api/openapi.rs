//! The OpenAPI document: served, OpenAPI 3.1, and every operation in it is a route the server
//! answers (without credentials: 401, never 404 or 405). Its validation against the OpenAPI
//! schema, and the frontend SDK's routes, are checked by the browser suite's Node side.

use serde_json::Value;

use crate::helpers::spawn_app;

/// `{name}` segments filled with a plain value.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "x1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_operation_of_the_document_is_routed_and_asks_for_credentials() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = app
                .client
                .request(method.clone(), app.url(&concrete(path)))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(
                answer.status(),
                401,
                "{method} {path} is not routed as documented"
            );
            let security = operation["security"].as_array().expect("security");
            let scheme = security[0]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap()
                .clone();
            let expected = if path.starts_with("/api/v2/public/") {
                "api_key"
            } else {
                "session_token"
            };
            assert_eq!(scheme, expected, "{method} {path}");
            for status in ["401", "429"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} {status}"
                );
            }
            operations += 1;
        }
    }
    // The vendor API's and the SDK's routes: a route cannot be added without its operation
    // (see `http::openapi`'s test), so this count moves only with the API.
    assert_eq!(operations, 36, "{:#?}", paths.keys().collect::<Vec<_>>());
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in [
        "Application",
        "ErrorBody",
        "SubscriptionView",
        "CustomAppInput",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    let error = &schemas["ErrorDetail"]["properties"];
    for field in ["code", "message", "fields"] {
        assert!(error[field].is_object(), "{field}");
    }
}

#[tokio::test]
async fn the_reference_page_lists_every_operation() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = page.text().await.unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let id = format!("{method}-{}", path.trim_start_matches('/'))
                .replace(['/', '{', '}', '-', '_'], "-");
            let id: String = id
                .split('-')
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("-")
                .to_lowercase();
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "{method} {path}: no #{id}"
            );
        }
    }
    assert!(html.contains("href=\"/api/openapi.json\""));
}
