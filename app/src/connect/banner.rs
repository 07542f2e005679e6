//! The banner above the list: what the last button did, said once.

use leptos::prelude::*;

use crate::dto::{Flash, HostedPage, Notice};
use crate::i18n::T;

/// What the last button did, from the session's one-time message.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Banner {
    None,
    Connected(String),
    Disconnected(String),
    Notice(Notice, String),
}

impl Banner {
    /// The app the banner is about.
    pub(super) fn slug(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Connected(slug) | Self::Disconnected(slug) | Self::Notice(_, slug) => Some(slug),
        }
    }

    pub(super) fn from_flash(flash: Flash) -> Self {
        match flash {
            Flash::Connected(slug) => Self::Connected(slug),
            Flash::Disconnected(slug) => Self::Disconnected(slug),
            Flash::Notice(notice, slug) => Self::Notice(notice, slug),
            Flash::KeyForm(_) => Self::None,
        }
    }

    /// The banner's text and whether it is good news, naming the app by its display name.
    pub(super) fn text(&self, page: &HostedPage, t: T) -> Option<(String, bool)> {
        let name_of = |slug: &str| {
            page.apps
                .iter()
                .find(|app| app.slug == slug)
                .map(|app| app.name.clone())
        };
        match self {
            Self::None => None,
            Self::Connected(slug) => {
                name_of(slug).map(|name| (t.a("banner-connected", &[("app", name.into())]), true))
            }
            Self::Disconnected(slug) => name_of(slug)
                .map(|name| (t.a("banner-disconnected", &[("app", name.into())]), true)),
            Self::Notice(notice, slug) => {
                let name = name_of(slug).unwrap_or_else(|| t.s("this-app"));
                Some((notice.explanation(&name, t), false))
            }
        }
    }
}

/// What the last button press came to, above the list.
#[component]
pub(super) fn BannerView(text: String, good: bool, framed: bool) -> impl IntoView {
    let class = if good {
        "banner banner--ok"
    } else {
        "banner banner--warn"
    };
    // The page came back after a button: focus starts at what it did, so a screen reader
    // reads it and Tab goes on from there. Browsers refuse `autofocus` in a frame from another
    // site; the widget tells its host through its live region instead.
    view! {
        <p class=class role="status" data-banner tabindex="-1" autofocus=!framed>
            {text}
        </p>
    }
}
