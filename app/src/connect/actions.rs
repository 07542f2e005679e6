//! The list's buttons: server functions that end in a redirect, so they work as plain HTML
//! forms without JavaScript. Who presses them comes from the browser's session cookie on the
//! hosted page, and from the `embed` field (the widget's token) in the embedded widget.

use leptos::{either::Either, prelude::*};

use crate::PortalError;
use crate::dto::Visit;

/// Connect / Reconnect: sends the browser to the provider's sign-in page.
#[server(prefix = "/_portal", endpoint = "connect")]
pub async fn start_connect(
    slug: String,
    another: Option<String>,
    #[server(default)] params: std::collections::HashMap<String, String>,
    embed: Option<String>,
    link: Option<String>,
) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed, link);
    let target = portal
        .begin_connect(&visit, &slug, another.is_some(), &params)
        .await
        .unwrap_or_else(|error| visit.after_refusal(&error));
    leptos_axum::redirect(&target);
    Ok(())
}

/// Disconnect: removes the app's connections and returns to the list.
#[server(prefix = "/_portal", endpoint = "disconnect")]
pub async fn disconnect(
    slug: String,
    embed: Option<String>,
    link: Option<String>,
) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed, link);
    // The outcome, good or bad, is waiting for the list.
    let target = portal
        .disconnect(&visit, &slug)
        .await
        .unwrap_or_else(|error| visit.after_refusal(&error));
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
    link: Option<String>,
) -> Result<(), PortalError> {
    use crate::portal::Portal;
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let visit = Visit::from_form(embed, link);
    let target = portal
        .save_keys(&visit, &slug, &values)
        .await
        .unwrap_or_else(|error| visit.after_refusal(&error));
    leptos_axum::redirect(&target);
    Ok(())
}

/// Who the form is for: the widget's token in the widget, the id of the link the page was
/// opened for on the hosted page (whose session is a cookie that another tab may move on).
#[component]
pub fn VisitFields(visit: Visit) -> impl IntoView {
    match visit {
        Visit::Embed(token) => {
            Either::Left(view! { <input type="hidden" name="embed" value=token /> })
        }
        Visit::Hosted(link) => Either::Right(
            view! { <input type="hidden" name="link" value=link.unwrap_or_default() /> },
        ),
    }
}
