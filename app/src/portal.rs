//! The port between pages and the backend (server builds only).

use crate::{PortalError, dto::HostedPage};

/// What the pages need from the backend. The server crate implements it and provides it to
/// every render as `Arc<dyn Portal>`.
#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    /// The hosted connect page for a link token: branding plus every enabled app with its status.
    async fn hosted_page(&self, token: &str) -> Result<HostedPage, PortalError>;
}

/// Sets the HTTP status of the page being rendered.
pub fn set_page_status(status: u16) {
    if let (Some(options), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
}
