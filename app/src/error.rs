//! The error type server functions return to pages.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What can go wrong behind a page, in terms a page can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PortalError {
    /// The link's token is unknown or was altered (401).
    #[error("this link is not valid")]
    LinkInvalid,
    /// The link's token was real but has expired (410).
    #[error("this link has expired")]
    LinkExpired,
    /// This browser has not opened a connect link, or its session ended (401).
    #[error("open your connect link again")]
    NoSession,
    /// The database or another dependency is down (503).
    #[error("Portico is temporarily unavailable")]
    Unavailable,
    /// The server function call itself failed (transport, decoding).
    #[error("request failed: {0}")]
    Transport(ServerFnErrorErr),
}

impl PortalError {
    /// The HTTP status a page showing this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::LinkInvalid | Self::NoSession => 401,
            Self::LinkExpired => 410,
            Self::Unavailable | Self::Transport(_) => 503,
        }
    }
}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value)
    }
}
