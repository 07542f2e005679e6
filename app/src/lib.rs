//! Portico's user interface: server-rendered pages with a few Leptos islands.
//!
//! Pages are plain HTML from the server; the islands (instant search today) only add comfort.
//! Server functions reach the backend through the [`portal::Portal`] port, so this crate never
//! depends on the database, crypto or HTTP clients.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

mod connect;
pub mod dto;
mod error;
#[cfg(feature = "ssr")]
pub mod portal;
mod status_page;

pub use error::PortalError;

/// Text for `<Title>`, escaped here because the title element's server rendering writes its text
/// verbatim: a vendor-chosen name like `</title><script>` must stay text.
pub(crate) fn title_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A page's Content-Security-Policy, with `scripts` (a nonce or hashes) allowed to run: nothing
/// from elsewhere, never framed. The server's own small pages use it too.
pub fn page_policy(scripts: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// Sets the page's Content-Security-Policy: only scripts carrying this render's nonce (the
/// hydration scripts) run, and the page is never framed.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&format!("'nonce-{nonce}'"))) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The page router.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="portico" href="/pkg/portico.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="referrer" content="same-origin" />
        <Title text="Portico" />
        <Router>
            <Routes fallback=status_page::NotFound>
                <Route path=StaticSegment("") view=status_page::Home />
                <Route path=StaticSegment("connect") view=connect::ConnectPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Entry point of the wasm bundle: hydrates the islands only.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
