//! A link or widget made with `app` opens on that app alone, with a way to the others when it
//! allows more.

use crate::dto::HostedPage;

/// Whether the page shows one app alone (a link or widget made with `app`), and whether it may
/// lead on to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Focus {
    /// The whole list (the link shows every app it allows).
    None,
    /// The list, reached from an app's own view: its search keeps `all`.
    All,
    /// One app; `more` when the link allows others.
    One { more: bool },
}

impl Focus {
    /// Narrows `page` to the app it opens on, unless the visitor asked for all of them or
    /// the page is `about` another app (its form, or what its button did).
    pub(super) fn of(page: &mut HostedPage, show_all: bool, about: Option<&str>) -> Self {
        let Some(slug) = page.focus.clone() else {
            return Self::None;
        };
        if !page.apps.iter().any(|card| card.slug == slug) {
            return Self::None;
        }
        let more = page.apps.len() > 1;
        let elsewhere = about.is_some_and(|about| about != slug);
        if more && (show_all || elsewhere) {
            return Self::All;
        }
        page.apps.retain(|card| card.slug == slug);
        Self::One { more }
    }
}
