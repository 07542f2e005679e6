//! The server functions the pages call, one per file: the hosted page and the widget load
//! their list, and the list's buttons act and redirect, so they work as plain HTML forms
//! without JavaScript. Who presses them comes from the browser's session cookie on the hosted
//! page, and from the `embed` field (the widget's token) in the embedded widget.

mod connect;
mod disconnect;
mod embed_page;
mod hosted_page;
mod save_keys;

pub use connect::StartConnect;
pub use disconnect::Disconnect;
pub use embed_page::load_embed_page;
pub use hosted_page::load_hosted_page;
pub use save_keys::SaveKeys;

#[cfg(feature = "ssr")]
use crate::{PortalError, portal::Portal, visit::Visit};

/// The backend the server functions ask, provided by the server.
#[cfg(feature = "ssr")]
fn portal() -> std::sync::Arc<dyn Portal> {
    leptos::prelude::expect_context()
}

/// Sends the browser where a button's action leads: its target, or, when it was refused, a
/// page that says why (the list when there is nothing more to say).
#[cfg(feature = "ssr")]
fn follow(visit: &Visit, target: Result<String, PortalError>) -> Result<(), PortalError> {
    let target = target.unwrap_or_else(|error| visit.after_refusal(&error));
    leptos_axum::redirect(&target);
    Ok(())
}

/// Loads a list for a visit and sets the page status when there is none or its link has gone;
/// `done` is the sealed message the last button left.
#[cfg(feature = "ssr")]
async fn load(visit: Visit, done: Option<String>) -> Result<crate::dto::HostedPage, PortalError> {
    let page = portal().page(&visit, done.as_deref()).await;
    if let Err(error) = &page {
        crate::portal::set_page_status(error.status());
    }
    page
}
