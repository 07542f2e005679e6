//! Which surface a request belongs to, by its path. Headers, rate limits and body limits each
//! decide per surface, from this one classification.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Surface {
    /// `/api/v2/public/*`, authenticated by an API key.
    VendorApi,
    /// The other `/api/*` routes, which the SDK calls with a session token.
    Sdk,
    /// Built files: `/pkg/*`, `/icons/*`, the favicon, the host-page script `/portico.js`.
    Asset,
    /// The embedded widget, `/embed/*`: a page that the org's allowed origins may frame.
    Embed,
    /// Called by machines, not people: health probes, providers' events, and the sandbox's
    /// token and revocation endpoints (which Portico itself calls).
    Machine,
    /// What a person's browser shows or posts: pages, form posts, the OAuth callback.
    Page,
}

impl Surface {
    /// The surface's name in metrics.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::VendorApi => "vendor_api",
            Self::Sdk => "sdk",
            Self::Asset => "asset",
            Self::Embed => "embed",
            Self::Machine => "machine",
            Self::Page => "page",
        }
    }

    pub(super) fn of(path: &str) -> Self {
        if path.starts_with("/api/v2/public/") {
            Self::VendorApi
        } else if path.starts_with("/api/") {
            Self::Sdk
        } else if path.starts_with("/pkg/")
            || path.starts_with("/icons/")
            || path.starts_with("/brand/")
            || path == "/favicon.svg"
            || path == "/portico.js"
        {
            Self::Asset
        } else if path.starts_with("/embed/") {
            Self::Embed
        } else if path == "/health"
            || path == "/ready"
            || path.starts_with("/sandbox/oauth/token")
            || path.starts_with("/sandbox/oauth/revoke")
            || path.starts_with("/hooks/")
        {
            Self::Machine
        } else {
            Self::Page
        }
    }

    /// Whether the widget's frame loads this path: its page and the answers of its forms
    /// (which stay `Page` for limits).
    pub(super) fn in_widget(path: &str) -> bool {
        Self::of(path) == Self::Embed || path.starts_with("/_portal/")
    }

    /// What a log line may show of `path`: paths that hold a secret (a link, an embed token,
    /// a sign-in's handle) only by their prefix.
    pub(super) fn loggable(path: &str) -> &str {
        const SECRET_TAILS: [&str; 5] = [
            "/connect/",
            "/embed/",
            "/oauth/start/",
            "/oauth/pending/",
            "/console/sign-in/",
        ];
        SECRET_TAILS
            .iter()
            .find(|prefix| path.starts_with(**prefix) && path.len() > prefix.len())
            .map_or(path, |prefix| prefix)
    }

    /// JSON answers, errors included.
    pub(super) fn is_api(self) -> bool {
        matches!(self, Self::VendorApi | Self::Sdk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_surface() {
        assert_eq!(
            Surface::of("/api/v2/public/application"),
            Surface::VendorApi
        );
        assert_eq!(Surface::of("/api/v2/f-sdk/application"), Surface::Sdk);
        assert_eq!(Surface::of("/api/v1/slack/integrate"), Surface::Sdk);
        assert_eq!(Surface::of("/pkg/portico.wasm"), Surface::Asset);
        assert_eq!(Surface::of("/favicon.svg"), Surface::Asset);
        assert_eq!(Surface::of("/portico.js"), Surface::Asset);
        assert_eq!(Surface::of("/embed/pst_x"), Surface::Embed);
        assert_eq!(Surface::of("/embed/pst_x/events"), Surface::Embed);
        assert!(Surface::in_widget("/embed/pst_x"));
        assert!(Surface::in_widget("/_portal/save-keys"));
        assert!(!Surface::in_widget("/connect"));
        assert_eq!(Surface::of("/ready"), Surface::Machine);
        assert_eq!(Surface::of("/sandbox/oauth/token"), Surface::Machine);
        assert_eq!(Surface::of("/hooks/slack"), Surface::Machine);
        assert_eq!(Surface::loggable("/connect/pst_secret"), "/connect/");
        assert_eq!(Surface::loggable("/embed/pst_secret/events"), "/embed/");
        assert_eq!(Surface::loggable("/oauth/start/handle"), "/oauth/start/");
        assert_eq!(
            Surface::loggable("/oauth/pending/handle"),
            "/oauth/pending/"
        );
        assert_eq!(Surface::loggable("/connect"), "/connect");
        assert_eq!(Surface::loggable("/_portal/connect"), "/_portal/connect");
        for page in [
            "/connect",
            "/_portal/save-keys",
            "/oauth/callback",
            "/sandbox",
            "/",
        ] {
            assert_eq!(Surface::of(page), Surface::Page, "{page}");
        }
    }
}
