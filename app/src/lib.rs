//! Portico's user interface: server-rendered pages with a few Leptos islands.
//!
//! Pages are plain HTML from the server; the islands (instant search today) only add comfort.
//! Server functions reach the backend through the [`portal::Portal`] port, so this crate never
//! depends on the database, crypto or HTTP clients.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

mod connect;
pub mod dto;
mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod portal;
mod reason;
mod serverfns;
mod status_page;
pub mod visit;
mod widget;

pub use error::PortalError;

/// Text for `<Title>`, escaped here because the title element's server rendering writes its text
/// verbatim: a vendor-chosen name like `</title><script>` must stay text.
pub(crate) fn title_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Islands hydrate in an idle callback. A frame on another site may get no idle time until
/// someone touches it (Chromium schedules little for such frames), which would leave the
/// widget unable to talk to its host: idle callbacks here run within 300 ms in any case.
const HYDRATE_SOON: &str = "if(window.requestIdleCallback){const idle=window.requestIdleCallback.bind(window);window.requestIdleCallback=(run,options)=>idle(run,Object.assign({timeout:300},options));}";

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" id="portico" href=format!("/{}/portico.css", options.site_pkg_dir) />
                <script nonce=leptos::nonce::use_nonce() inner_html=HYDRATE_SOON></script>
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A page's Content-Security-Policy, with `scripts` (a nonce or hashes) allowed to run and
/// nothing from elsewhere, framed only by `ancestors` (`'none'`, or a list of origins). The
/// server's own small pages use it too.
pub fn framed_policy(scripts: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; \
         frame-ancestors {ancestors}; base-uri 'none'; object-src 'none'"
    )
}

/// Sets the page's Content-Security-Policy: only scripts carrying this render's nonce (the
/// hydration scripts) run, and the page is never framed.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    set_policy("'none'");
}

/// Lets the widget be framed by the org's allowed origins (none when the org allowed none). A
/// widget that cannot be shown (an unknown or expired token) may be framed anywhere: it only
/// says so, with nothing to click.
#[cfg(feature = "ssr")]
pub(crate) fn allow_framing(embed: Option<&dto::EmbedView>) {
    match embed {
        Some(embed) if embed.allowed_origins.is_empty() => set_policy("'none'"),
        Some(embed) => set_policy(&embed.allowed_origins.join(" ")),
        None => set_policy("*"),
    }
}

#[cfg(feature = "ssr")]
fn set_policy(ancestors: &str) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = framed_policy(&format!("'nonce-{nonce}'"), ancestors);
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The page router.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="referrer" content="same-origin" />
        <Title text="Portico" />
        <Router>
            <Routes fallback=status_page::NotFound>
                <Route path=StaticSegment("") view=status_page::Home />
                <Route path=StaticSegment("connect") view=connect::ConnectPage ssr=SsrMode::Async />
                <Route
                    path=(StaticSegment("embed"), ParamSegment("token"))
                    view=connect::EmbedPage
                    ssr=SsrMode::Async
                />
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
