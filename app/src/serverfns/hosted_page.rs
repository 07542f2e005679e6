//! The hosted page's list, for this browser's session.

use leptos::prelude::*;

use crate::{PortalError, dto::HostedPage};

#[server(prefix = "/_portal", endpoint = "hosted-page")]
pub async fn load_hosted_page() -> Result<HostedPage, PortalError> {
    super::load(crate::visit::Visit::Hosted(None), None).await
}
