//! Connect / Reconnect: sends the browser to the provider's sign-in page.

use leptos::prelude::*;

use crate::PortalError;

#[server(prefix = "/_portal", endpoint = "connect")]
pub async fn start_connect(
    slug: String,
    another: Option<String>,
    #[server(default)] params: std::collections::HashMap<String, String>,
    embed: Option<String>,
    link: Option<String>,
) -> Result<(), PortalError> {
    let visit = crate::visit::Visit::from_form(embed, link);
    let target = super::portal()
        .begin_connect(&visit, &slug, another.is_some(), &params)
        .await;
    super::follow(&visit, target)
}
