//! The list's buttons: server functions that end in a redirect, so they work as plain HTML
//! forms without JavaScript. Who presses them comes from the browser's session cookie on the
//! hosted page, and from the `embed` field (the widget's token) in the embedded widget.

use leptos::prelude::*;

use crate::PortalError;

/// Connect / Reconnect: sends the browser to the provider's sign-in page.
#[server(prefix = "/_portal", endpoint = "connect")]
pub async fn start_connect(
    slug: String,
    another: Option<String>,
    #[server(default)] params: std::collections::HashMap<String, String>,
    embed: Option<String>,
) -> Result<(), PortalError> {
    use crate::dto::Visit;
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed);
    let target = portal
        .begin_connect(&visit, &slug, another.is_some(), &params)
        .await
        .unwrap_or_else(|_| visit.home());
    leptos_axum::redirect(&target);
    Ok(())
}

/// Disconnect: removes the app's connections and returns to the list.
#[server(prefix = "/_portal", endpoint = "disconnect")]
pub async fn disconnect(slug: String, embed: Option<String>) -> Result<(), PortalError> {
    use crate::dto::Visit;
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed);
    // The outcome, good or bad, is waiting for the list.
    let target = portal
        .disconnect(&visit, &slug)
        .await
        .unwrap_or_else(|_| visit.home());
    leptos_axum::redirect(&target);
    Ok(())
}

/// Save on a key-based app's form. Success returns to the list with a banner; a refusal returns
/// to the open form with a message per field and the non-secret values kept.
#[server(prefix = "/_portal", endpoint = "save-keys")]
pub async fn save_keys(
    slug: String,
    #[server(default)] values: std::collections::BTreeMap<String, String>,
    embed: Option<String>,
) -> Result<(), PortalError> {
    use crate::dto::Visit;
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed);
    let target = portal
        .save_keys(&visit, &slug, &values)
        .await
        .unwrap_or_else(|_| visit.home());
    leptos_axum::redirect(&target);
    Ok(())
}

/// The widget's token in a form (nothing on the hosted page, whose session is a cookie).
#[component]
pub fn EmbedField(embed: Option<String>) -> impl IntoView {
    embed.map(|token| view! { <input type="hidden" name="embed" value=token /> })
}
