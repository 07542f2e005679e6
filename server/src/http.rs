//! The axum application: the vendor API, health probes and the pages.

use std::sync::Arc;

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRef},
    http::header,
    routing::get,
};
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};

use crate::oauth;
use crate::sandbox::Sandbox;
use crate::services::Services;
use portal::PortalBackend;
pub(crate) use site::Site;

mod api;
mod application;
mod brand;
mod callback;
mod client;
mod console;
mod embed;
mod error;
mod extract;
mod headers;
mod health;
mod hooks;
mod limits;
mod link;
mod observe;
pub(crate) mod openapi;
mod page;
mod portal;
mod same_site;
mod sandbox;
pub(crate) mod scrape;
mod sdk;
mod site;
mod start;
mod surface;

pub use application::timestamp;
pub use embed::StreamSlots;
pub use error::ApiError;
pub use limits::Limits;

/// Largest request body the API reads.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

/// What every handler may use, behind one `Arc`: each layer and extractor that takes the
/// state clones a pointer.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

impl AppState {
    pub(crate) fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The services, the Leptos options and what only the HTTP side holds.
pub(crate) struct Shared {
    pub services: Services,
    pub leptos_options: LeptosOptions,
    /// The built-in practice provider, when it is turned on.
    pub sandbox: Option<Arc<Sandbox>>,
    pub limits: Arc<limits::Limits>,
    /// Set once the server is shutting down: long-lived answers (the widget's state stream) end.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// The widgets' open state streams.
    pub streams: Arc<embed::StreamSlots>,
    /// The built site the pages load.
    pub site: site::Site,
}

impl std::ops::Deref for Shared {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

impl AppState {
    /// Whether cookies get `Secure` and the `__Host-` prefix: when served over https.
    pub(crate) fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The cookie that binds OAuth flows to the browser that started them.
    pub(crate) fn flow_cookie(&self) -> crate::flow_cookie::FlowCookie {
        crate::flow_cookie::FlowCookie::new(self.secure_cookies())
    }

    /// `scheme://host[:port]` of the public URL, as browsers send it in `Origin`.
    pub(crate) fn public_origin(&self) -> String {
        url::Url::parse(&self.public_url)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The routes of the sign-in flows, the links and the widget's own pages, the providers'
/// events and the health checks.
fn flows() -> Router<AppState> {
    Router::new()
        .route(oauth::CALLBACK_PATH, get(callback::callback))
        .route(
            "/oauth/pending/{handle}",
            axum::routing::post(callback::choose),
        )
        .route(
            "/connect/{token}",
            get(link::open_link).post(link::confirm_link),
        )
        .route(app::visit::OUT_OF_DATE_PATH, get(link::out_of_date))
        .route("/embed/{token}/events", get(embed::events))
        .route("/embed/sign-in", get(embed::sign_in_refused))
        .route(
            "/oauth/start/{handle}",
            get(start::show).post(start::continue_to_provider),
        )
        .route("/hooks/{slug}", axum::routing::post(hooks::receive))
        .route("/brand/{file}", get(brand::logo))
        .route("/health", get(health::live))
        .route("/ready", get(health::ready))
}

/// The hosted page's browser sessions: a cookie naming a row of the session table.
fn browser_sessions(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<crate::hosted::DbSessionStore> {
    let store = crate::hosted::DbSessionStore::new(state.db.clone(), state.clock.clone());
    tower_sessions::SessionManagerLayer::new(store)
        .with_name(crate::hosted::cookie_name(state.secure_cookies()))
        .with_secure(state.secure_cookies())
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_path("/")
}

/// The whole HTTP application.
pub(crate) fn router(state: AppState) -> Router {
    let portal: Arc<dyn app::portal::Portal> = Arc::new(PortalBackend::new(state.clone()));
    let pages = generate_route_list(app::App);
    let shell_options = state.leptos_options.clone();
    let (api, collected) = utoipa_axum::router::OpenApiRouter::new()
        .nest("/api", api::router().merge(sdk::router(state.clone())))
        .split_for_parts();
    let document = openapi::Document::default();
    document.keep(collected);
    let (served, shown) = (document.clone(), document);
    let routes = Router::new()
        .merge(api)
        .route(
            openapi::DOCUMENT_PATH,
            get(move || openapi::serve(served.clone())),
        )
        .route("/docs", get(move || openapi::docs(shown.clone())))
        .merge(sandbox::router())
        .merge(console::router(&state))
        .merge(flows())
        .leptos_routes_with_context(
            &state,
            pages,
            move || {
                provide_context(portal.clone());
                // Every page render gets its own CSP nonce; the shell puts it in the header.
                leptos::nonce::provide_nonce();
            },
            move || app::shell(shell_options.clone()),
        )
        // Served here rather than by the Leptos file handler, which builds each response
        // inside a reactive owner that can inherit another request's response options; only
        // unknown paths reach the app's not-found page.
        .merge(state.site.routes())
        .route_layer(axum::middleware::from_fn(observe::note_route))
        .fallback(file_and_error_handler::<AppState, _>(app::shell));
    guard_panics(routes)
        .layer(site::compress_pages())
        .layer(axum::middleware::from_fn(link::clear_shown_flash))
        .layer(axum::middleware::from_fn(limit_bodies))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_site::refuse_cross_site,
        ))
        .layer(browser_sessions(&state))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::rate_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::per_surface,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client::identify,
        ))
        .layer(axum::middleware::from_fn(observe::observe))
        .with_state(state)
}

/// A handler that panics answers 500 — JSON on the API, a page elsewhere — and the
/// connection and the server go on serving.
fn guard_panics<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    routes
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(answer_panics))
}

/// Marks the answer to a request whose handler panicked.
#[derive(Clone, Copy)]
struct Panicked;

fn panicked(_payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;

    // The panic hook has printed where; the payload may quote values, so it is not logged.
    tracing::error!("a request handler panicked");
    let mut response = axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(Panicked);
    response
}

/// Gives a panicked request the answer of its surface.
async fn answer_panics(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;

    let api = surface::Surface::of(request.uri().path()).is_api();
    let t = app::i18n::T(page::of_headers(request.headers()));
    let response = next.run(request).await;
    if response.extensions().get::<Panicked>().is_none() {
        return response;
    }
    if api {
        return ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response();
    }
    let (heading, sentence) = app::PortalError::Unavailable.words();
    page::message(
        t,
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        &t.s(heading),
        &[t.s(sentence)],
        None,
    )
}

/// One body limit for every route (server functions read bodies without one of their own):
/// 64 KiB, 16 KiB for key forms and 256 KiB for a logo (a little more for the console's
/// upload form around it). A larger body reaches no handler: the API answers with its JSON
/// 413, pages with a readable one.
async fn limit_bodies(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;

    // The routes whose bodies may be smaller or larger than the rest's.
    const OWN_LIMITS: [(&str, usize); 3] = [
        (KEY_FORM_PATH, crate::keyauth::BODY_LIMIT),
        (api::branding::LOGO_PATH, crate::branding::LOGO_MOST_BYTES),
        (console::LOGO_FORM_PATH, console::LOGO_FORM_MOST_BYTES),
    ];
    const KEY_FORM_PATH: &str = "/_portal/save-keys";

    let path = request.uri().path();
    let key_form = path == KEY_FORM_PATH;
    let api = surface::Surface::of(path).is_api();
    let limit = OWN_LIMITS
        .iter()
        .find(|(route, _)| *route == path)
        .map_or(BODY_LIMIT, |(_, limit)| *limit);
    let t = app::i18n::T(page::of_headers(request.headers()));
    let too_large = move || {
        if api {
            return ApiError::PayloadTooLarge(limit).into_response();
        }
        let advice = if key_form {
            "page-too-large-key-form"
        } else {
            "page-too-large-body"
        };
        page::message(
            t,
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            &t.s("page-too-large-heading"),
            &[t.s(advice), t.s("page-too-large-again")],
            None,
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(parts, bytes.into()))
                .await
        }
        Err(_) => too_large(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn status_and_body(routes: &Router, path: &str) -> (u16, String) {
        let response = routes
            .clone()
            .oneshot(
                axum::http::Request::get(path)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_next_request_is_served() {
        let boom = || async {
            if true {
                panic!("a handler bug");
            }
            "never"
        };
        let routes = guard_panics(
            Router::new()
                .route("/api/v2/public/boom", get(boom))
                .route("/connect/boom", get(boom))
                .route("/api/v2/public/fine", get(|| async { "fine" })),
        );
        let (status, body) = status_and_body(&routes, "/api/v2/public/boom").await;
        assert_eq!(status, 500);
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["error"]["code"], "internal");
        assert!(!body.contains("a handler bug"));
        let (status, body) = status_and_body(&routes, "/connect/boom").await;
        assert_eq!(status, 500);
        assert!(body.contains("Something went wrong on our side"), "{body}");
        assert!(!body.contains("a handler bug"));
        assert_eq!(
            status_and_body(&routes, "/api/v2/public/fine").await,
            (200, "fine".to_owned())
        );
    }
}
