//! The embedded widget's bridge: it opens sign-ins in a popup, learns from the server (not from
//! the popup, which a provider's Cross-Origin-Opener-Policy may sever) when a connection
//! changes, updates the cards in place, and tells the host page, at its exact origin only.
//!
//! Without JavaScript the widget still works: sign-ins open in a new tab and the list shows
//! the outcome when reloaded.

use leptos::prelude::*;

use crate::dto::WidgetEvent;

#[cfg(feature = "hydrate")]
mod cards;

/// `allowed_origins` are the host pages that may frame the widget; `events_url` streams the
/// linked account's [`WidgetState`](crate::dto::WidgetState); `announce` is what the button
/// that led to this page changed, which the host has not heard of yet.
#[island]
pub fn EmbedBridge(
    allowed_origins: Vec<String>,
    events_url: String,
    announce: Vec<WidgetEvent>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| wire::start(allowed_origins.clone(), &events_url, announce.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = (allowed_origins, events_url, announce);
}

#[cfg(feature = "hydrate")]
mod wire;
