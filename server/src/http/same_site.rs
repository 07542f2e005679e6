//! Pages accept form posts only from Portico's own pages: a cross-site request (a form on
//! another site submitted in the user's browser) is refused before any handler runs.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::Response,
};

use super::AppState;
use super::page::{message, of_headers};
use app::i18n::T;

/// Paths whose state-changing requests must come from Portico's own pages.
const GUARDED: [&str; 6] = [
    "/_portal/",
    "/console",
    "/oauth/start/",
    "/oauth/pending/",
    "/sandbox",
    "/connect/",
];

/// Whether the browser says this request came from another site: `Sec-Fetch-Site` when it
/// sends one, else `Origin`. A request with neither comes from no browser page at all.
pub(super) fn is_cross_site(headers: &HeaderMap, own_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(axum::http::header::ORIGIN) {
        Some(origin) => origin.to_str().map_or(true, |origin| origin != own_origin),
        None => false,
    }
}

pub(super) async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    if changes_state
        && GUARDED.iter().any(|prefix| path.starts_with(prefix))
        && is_cross_site(request.headers(), &state.public_origin())
    {
        // The console speaks English, and its user goes back to the console, not to a link.
        let console = path.starts_with("/console");
        let path = super::surface::Surface::loggable(path);
        tracing::warn!(%path, "refused a cross-site request");
        let (t, again) = if console {
            let t = T(app::i18n::Locale::En);
            let again = "If you meant to do this, open the console again and use the page there.";
            (t, again.to_owned())
        } else {
            let t = T(of_headers(request.headers()));
            (t, t.s("cross-site-again"))
        };
        return message(
            t,
            StatusCode::FORBIDDEN,
            &t.s("cross-site-heading"),
            &[t.s("cross-site-body"), again],
            None,
        );
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let own = "https://connect.example.com";
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            own
        ));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")]), own));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            own
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            own
        ));
        assert!(is_cross_site(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://connect.example.com")
            ]),
            own
        ));
    }

    #[test]
    fn origin_decides_otherwise_and_no_browser_headers_pass() {
        let own = "https://connect.example.com";
        assert!(!is_cross_site(
            &headers(&[("origin", "https://connect.example.com")]),
            own
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://evil.example")]),
            own
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), own));
        assert!(!is_cross_site(&HeaderMap::new(), own));
    }
}
