use leptos::prelude::*;

use crate::{PortalError, dto::HostedPage};

/// Loads the hosted page for this browser's session and sets the page status when there is
/// none or its link has gone.
#[server(prefix = "/_portal", endpoint = "hosted-page")]
pub async fn load_hosted_page() -> Result<HostedPage, PortalError> {
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn crate::portal::Portal>>();
    let page = portal.hosted_page().await;
    if let Err(error) = &page {
        crate::portal::set_page_status(error.status());
    }
    page
}
