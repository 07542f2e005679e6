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
    /// A button was pressed on a hosted page opened for another link than the one this
    /// browser's session names now (409); nothing was done.
    #[error("this page is out of date")]
    OutOfDate,
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
            Self::OutOfDate => 409,
            Self::Unavailable | Self::Transport(_) => 503,
        }
    }
}

impl PortalError {
    /// The keys of the heading and the sentence a page shows for this error: the same words
    /// whether the page is the app's or one the server renders itself.
    pub fn words(&self) -> (&'static str, &'static str) {
        match self {
            Self::LinkExpired => ("link-expired-heading", "link-expired-body"),
            Self::LinkInvalid => ("link-invalid-heading", "link-invalid-body"),
            Self::NoSession => ("no-session-heading", "no-session-body"),
            Self::OutOfDate => ("out-of-date-heading", "out-of-date-body"),
            Self::Unavailable | Self::Transport(_) => ("unavailable-heading", "unavailable-body"),
        }
    }
}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value)
    }
}
