//! The OpenAPI 3.1 document of the vendor API and the frontend SDK's routes, collected from the
//! handlers' annotations as they are routed (a route cannot be added without its operation),
//! served at `/api/openapi.json`, and its reference page `/docs`, rendered here from the
//! document with nothing fetched from elsewhere.

mod reference;

use std::sync::{Arc, OnceLock};

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa::openapi::{
    ContentBuilder, HttpMethod, InfoBuilder, OpenApi, PathItem, RefOr, ResponseBuilder,
    path::Operation,
    security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    },
};

pub(super) use reference::docs;

/// Where the document is served.
pub(crate) const DOCUMENT_PATH: &str = "/api/openapi.json";

/// The document once the routes are assembled; the handlers read it from here.
#[derive(Clone, Default)]
pub(crate) struct Document(Arc<OnceLock<OpenApi>>);

impl Document {
    /// Keeps the document the routes made, completed with what no single handler says.
    pub(super) fn keep(&self, collected: OpenApi) {
        let _ = self.0.set(complete(collected));
    }

    pub(crate) fn get(&self) -> Option<&OpenApi> {
        self.0.get()
    }
}

/// `GET /api/openapi.json`.
pub(super) async fn serve(document: Document) -> Response {
    match document.get() {
        Some(document) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Json(document.clone()),
        )
            .into_response(),
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The security scheme of the vendor API.
const API_KEY: &str = "api_key";
/// The security scheme of the SDK routes.
const SESSION_TOKEN: &str = "session_token";

/// What the document says of itself.
const ABOUT: &str = include_str!("openapi/about.md");

/// Title, version and description; the two ways to authenticate and which operation takes
/// which; and the answers every operation may give (401, 429, 500).
fn complete(mut document: OpenApi) -> OpenApi {
    document.info = InfoBuilder::new()
        .title("Portico API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(ABOUT))
        .build();
    add_security_schemes(&mut document);
    for (path, item) in document.paths.paths.iter_mut() {
        let vendor = path.starts_with("/api/v2/public/");
        let mut security = vec![SecurityRequirement::new(
            if vendor { API_KEY } else { SESSION_TOKEN },
            Vec::<String>::new(),
        )];
        // A hosted link may be asked for with either.
        if path == "/api/v2/public/connect-url" {
            security.push(SecurityRequirement::new(
                SESSION_TOKEN,
                Vec::<String>::new(),
            ));
        }
        for operation in operations(item) {
            operation.security = Some(security.clone());
            add_common_answers(operation);
        }
    }
    document
}

/// The answers any operation may give.
fn add_common_answers(operation: &mut Operation) {
    for (status, description) in [
        (
            "401",
            "No key or token, or one that is unknown, revoked or expired",
        ),
        ("429", "Rate limited; try again after `Retry-After` seconds"),
        (
            "500",
            "Portico's own trouble, logged; nothing of it is shown",
        ),
    ] {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description));
    }
}

fn add_security_schemes(document: &mut OpenApi) {
    let components = document.components.get_or_insert_with(Default::default);
    let mut api_key = ApiKeyValue::new("x-api-key");
    api_key.description = Some(
        "An API key of one org and one environment (`portico api-key create`), shown once.".into(),
    );
    components.add_security_scheme(API_KEY, SecurityScheme::ApiKey(ApiKey::Header(api_key)));
    components.add_security_scheme(
        SESSION_TOKEN,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A session token of one linked account (`POST /api/v2/public/session-token`).",
                ))
                .build(),
        ),
    );
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

/// Each operation of a path, with its method.
pub(crate) fn operations_of(item: &PathItem) -> Vec<(HttpMethod, &Operation)> {
    [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Patch, &item.patch),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|operation| (method, operation)))
    .collect()
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    /// The vendor API's and the SDK's modules add routes only with `routes!`, which puts each
    /// in the document: a `.route(` there would serve a path the document does not list.
    #[test]
    fn api_and_sdk_routes_are_added_only_through_their_operations() {
        let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
        let mut files = vec![http.join("sdk.rs"), http.join("api.rs")];
        for entry in std::fs::read_dir(http.join("api")).expect("src/http/api") {
            files.push(entry.expect("a file").path());
        }
        assert!(files.len() > 10, "{files:?}");
        for file in files {
            let source = std::fs::read_to_string(&file).expect("readable");
            for forbidden in [".route(", "axum::Router", "routing::"] {
                assert!(
                    !source.contains(forbidden),
                    "{} uses `{forbidden}`: route it with `routes!` and a `#[utoipa::path]`",
                    file.display()
                );
            }
        }
    }
}
