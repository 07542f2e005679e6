//! Response headers per surface: the API is never cached; pages are never cached or framed and
//! run only their own scripts; the widget is framed only where its page allows (its
//! `frame-ancestors`, from the org's allowed origins), with no `X-Frame-Options` to contradict
//! that; built assets keep the defaults. HSTS when served over https.

use std::sync::LazyLock;

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

use super::AppState;
use super::surface::Surface;

/// The one inline script Portico's own small pages use (a finished popup closes itself).
pub(super) const CLOSE_WINDOW_SCRIPT: &str = "window.close();";

/// The policy of pages rendered outside Leptos, framed by `ancestors`: only the close script
/// above runs.
fn close_script_policy(ancestors: &str) -> HeaderValue {
    let hash = STANDARD.encode(Sha256::digest(CLOSE_WINDOW_SCRIPT.as_bytes()));
    HeaderValue::from_str(&app::framed_policy(&format!("'sha256-{hash}'"), ancestors))
        .expect("the policy is a valid header")
}

/// Never framed.
static PAGE_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| close_script_policy("'none'"));

/// For a page with nothing to click that any page may frame: a refusal the widget's frame
/// shows (a form too large, too many requests) rather than a blank "refused to connect".
static REFUSAL_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| close_script_policy("*"));

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    headers.entry(name).or_insert(value);
}

pub(super) async fn per_surface(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let surface = Surface::of(request.uri().path());
    // What the widget's frame loads: its page and the answers of its forms.
    let in_widget = Surface::in_widget(request.uri().path());
    let mut response = next.run(request).await;
    let refusal = in_widget
        && (response.status().is_client_error() || response.status().is_server_error())
        && !response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY);
    let headers = response.headers_mut();
    set_default(
        headers,
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set_default(
        headers,
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if state.secure_cookies() {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    match surface {
        Surface::Asset => {}
        Surface::VendorApi | Surface::Sdk => {
            set_default(
                headers,
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            );
        }
        Surface::Page | Surface::Embed if refusal => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(header::CONTENT_SECURITY_POLICY, REFUSAL_POLICY.clone());
        }
        Surface::Embed => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // The widget's own policy names who may frame it; anything else here is never framed.
            set_default(
                headers,
                header::CONTENT_SECURITY_POLICY,
                PAGE_POLICY.clone(),
            );
            headers.remove(header::X_FRAME_OPTIONS);
        }
        Surface::Page | Surface::Machine => {
            // Pages show a customer's apps and carry session cookies: never stored anywhere.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            set_default(
                headers,
                header::CONTENT_SECURITY_POLICY,
                PAGE_POLICY.clone(),
            );
            set_default(
                headers,
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            );
        }
    }
    response
}
