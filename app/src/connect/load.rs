use leptos::prelude::*;

use crate::{PortalError, dto::HostedPage};

/// Loads the hosted page for a link token and sets the page status for a bad link.
#[server(prefix = "/_portal", endpoint = "hosted-page")]
pub async fn load_hosted_page(token: String) -> Result<HostedPage, PortalError> {
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn crate::portal::Portal>>();
    let page = portal.hosted_page(&token).await;
    if let Err(error) = &page {
        crate::portal::set_page_status(error.status());
    }
    page
}
