//! Disconnect: removes the app's connections and returns to the list, where the outcome waits.

use leptos::prelude::*;

use crate::PortalError;

#[server(prefix = "/_portal", endpoint = "disconnect")]
pub async fn disconnect(
    slug: String,
    embed: Option<String>,
    link: Option<String>,
) -> Result<(), PortalError> {
    let visit = crate::visit::Visit::from_form(embed, link);
    let target = super::portal().disconnect(&visit, &slug).await;
    super::follow(&visit, target)
}
