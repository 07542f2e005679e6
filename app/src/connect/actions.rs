//! The hosted page's buttons: server functions that end in a redirect, so they work as plain
//! HTML forms without JavaScript. Who presses them comes from the browser's session cookie, and
//! what happened travels back in that session, so no address ever carries a token or a value.

use leptos::prelude::*;

use crate::PortalError;

/// The hosted page every button returns to.
#[cfg(feature = "ssr")]
const PAGE: &str = "/connect";

/// Connect / Reconnect: sends the browser to the provider's sign-in page.
#[server(prefix = "/_portal", endpoint = "connect")]
pub async fn start_connect(
    slug: String,
    another: Option<String>,
    #[server(default)] params: std::collections::HashMap<String, String>,
) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let target = portal
        .begin_connect(&slug, another.is_some(), &params)
        .await
        .unwrap_or_else(|_| PAGE.to_owned());
    leptos_axum::redirect(&target);
    Ok(())
}

/// Disconnect: removes the app's connections and returns to the page.
#[server(prefix = "/_portal", endpoint = "disconnect")]
pub async fn disconnect(slug: String) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    // The outcome, good or bad, is waiting in the session for the page.
    let _ = portal.disconnect(&slug).await;
    leptos_axum::redirect(PAGE);
    Ok(())
}

/// Save on a key-based app's form. Success returns to the page with a banner; a refusal returns
/// to the open form with a message per field and the non-secret values kept.
#[server(prefix = "/_portal", endpoint = "save-keys")]
pub async fn save_keys(
    slug: String,
    #[server(default)] values: std::collections::BTreeMap<String, String>,
) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let _ = portal.save_keys(&slug, &values).await;
    leptos_axum::redirect(PAGE);
    Ok(())
}
