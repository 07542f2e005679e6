use leptos::prelude::*;

use crate::{PortalError, dto::HostedPage};

/// Loads the hosted page for this browser's session and sets the page status when there is
/// none or its link has gone.
#[server(prefix = "/_portal", endpoint = "hosted-page")]
pub async fn load_hosted_page() -> Result<HostedPage, PortalError> {
    load(crate::dto::Visit::Hosted(None), None).await
}

/// Loads the embedded widget for its token; `done` is the sealed message the last button left.
#[server(prefix = "/_portal", endpoint = "embed-page")]
pub async fn load_embed_page(
    token: String,
    done: Option<String>,
) -> Result<HostedPage, PortalError> {
    load(crate::dto::Visit::Embed(token), done).await
}

#[cfg(feature = "ssr")]
async fn load(visit: crate::dto::Visit, done: Option<String>) -> Result<HostedPage, PortalError> {
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn crate::portal::Portal>>();
    let page = portal.page(&visit, done.as_deref()).await;
    if let Err(error) = &page {
        crate::portal::set_page_status(error.status());
    }
    page
}
