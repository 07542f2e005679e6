//! The port between pages and the backend (server builds only).

use crate::{
    PortalError,
    dto::{HostedPage, Notice},
};

/// What the pages need from the backend. The server crate implements it and provides it to
/// every render as `Arc<dyn Portal>`.
#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    /// The hosted connect page for a link token: branding plus every enabled app with its status.
    async fn hosted_page(&self, token: &str) -> Result<HostedPage, PortalError>;

    /// Starts connecting an OAuth2 app for the link's linked account: the provider URL to send
    /// the browser to. A connection that needs reauthentication is reconnected in place unless
    /// `another` asks for an additional account. `params` holds what the user typed for the
    /// app's connect parameters (e.g. a Zendesk subdomain).
    async fn begin_connect(
        &self,
        token: &str,
        slug: &str,
        another: bool,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String, ConnectRefusal>;

    /// Disconnects every connection of an app for the link's linked account.
    async fn disconnect(&self, token: &str, slug: &str) -> Result<(), ConnectRefusal>;

    /// Checks, verifies and stores a key-based app's credentials from its form.
    async fn save_keys(
        &self,
        token: &str,
        slug: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), KeyFormRefusal>;
}

/// Why a key form did not save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFormRefusal {
    Refused(ConnectRefusal),
    /// Field messages, and the non-secret values to show again.
    Invalid {
        errors: Vec<(String, String)>,
        kept: Vec<(String, String)>,
    },
    /// The provider could not be reached; nothing was stored.
    Unreachable {
        message: String,
        kept: Vec<(String, String)>,
    },
}

/// Why a button on the hosted page did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectRefusal {
    /// The link itself is bad: the page will explain it.
    Link(PortalError),
    /// A banner on the page explains it.
    Notice(Notice),
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
