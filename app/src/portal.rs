//! The port between pages and the backend (server builds only).

use crate::{PortalError, dto::HostedPage, visit::Visit};

/// What the pages need from the backend. The server crate implements it and provides it to
/// every render as `Arc<dyn Portal>`. Whose page it is comes from the request itself: the
/// browser's session on the hosted page, the embed token in the widget's address and forms.
/// Each action answers with the address to send the browser to next.
#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    /// The app list: branding, every enabled app with its status, and the one-time message the
    /// last button left (`done` carries it sealed in the widget's address).
    async fn page(&self, visit: &Visit, done: Option<&str>) -> Result<HostedPage, PortalError>;

    /// Starts connecting an OAuth2 app: the provider's sign-in page, or the list with a message
    /// saying why not. A connection that needs reauthentication is reconnected in place unless
    /// `another` asks for an additional account. `params` holds what the user typed for the
    /// app's connect parameters.
    async fn begin_connect(
        &self,
        visit: &Visit,
        slug: &str,
        another: bool,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String, PortalError>;

    /// Disconnects every connection of an app; the outcome is left for the next page.
    async fn disconnect(&self, visit: &Visit, slug: &str) -> Result<String, PortalError>;

    /// Checks, verifies and stores a key-based app's credentials from its form; the outcome
    /// (or the form with its messages) is left for the next page.
    async fn save_keys(
        &self,
        visit: &Visit,
        slug: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<String, PortalError>;
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
