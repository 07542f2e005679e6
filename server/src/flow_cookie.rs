//! The browser nonce that binds each OAuth flow to the browser that started it (RFC 9700
//! §4.7). Starting a flow sets it as a cookie on Portico's origin and stores its digest with
//! the state; the callback completes only for a browser that presents it. A browser keeps one
//! nonce for all its flows, so two tabs can sign in side by side.

use axum::http::{HeaderMap, HeaderValue, header};
use tower_sessions::cookie::{Cookie, SameSite, time::Duration};

use crate::secrets;

/// How long the nonce outlives the last flow started with it (a state's lifetime).
const LIFETIME_MINUTES: i64 = 10;

/// The cookie as this deployment sets it: `Secure` and `__Host-` when served over https.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowCookie {
    secure: bool,
}

/// A nonce to bind a flow with, and the `Set-Cookie` that gives it to the browser.
pub(crate) struct Issued {
    pub nonce_digest: String,
    pub set_cookie: HeaderValue,
}

impl FlowCookie {
    pub(crate) fn new(secure: bool) -> Self {
        Self { secure }
    }

    pub(crate) fn name(self) -> &'static str {
        if self.secure {
            "__Host-portico_flow"
        } else {
            "portico_flow"
        }
    }

    /// The nonce this browser presents, if any.
    pub(crate) fn read(self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == self.name())
            .map(|cookie| cookie.value().to_owned())
            .filter(|nonce| secrets::is_secret_body(nonce))
    }

    /// The browser's nonce (a new one when it has none) and the cookie that keeps it for the
    /// next ten minutes.
    pub(crate) fn issue(self, headers: &HeaderMap) -> Issued {
        let nonce = self
            .read(headers)
            .unwrap_or_else(|| secrets::random_secret(""));
        let cookie = Cookie::build((self.name(), nonce.clone()))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(Duration::minutes(LIFETIME_MINUTES))
            .build();
        Issued {
            nonce_digest: secrets::digest(&nonce),
            set_cookie: HeaderValue::from_str(&cookie.to_string())
                .expect("cookie values are URL-safe"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_keeps_its_nonce_across_flows() {
        let cookie = FlowCookie::new(false);
        let first = cookie.issue(&HeaderMap::new());
        let text = first.set_cookie.to_str().unwrap();
        assert!(text.starts_with("portico_flow="), "{text}");
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax"),
            "{text}"
        );
        assert!(!text.contains("Secure"), "{text}");
        let pair = text.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {pair}")).unwrap(),
        );
        let again = cookie.issue(&headers);
        assert_eq!(again.nonce_digest, first.nonce_digest);
        assert_eq!(
            secrets::digest(&cookie.read(&headers).unwrap()),
            first.nonce_digest
        );
    }

    #[test]
    fn over_https_the_cookie_is_host_only_and_secure() {
        let issued = FlowCookie::new(true).issue(&HeaderMap::new());
        let text = issued.set_cookie.to_str().unwrap();
        assert!(text.starts_with("__Host-portico_flow="), "{text}");
        assert!(text.contains("Secure") && text.contains("Path=/"), "{text}");
        assert!(!text.contains("Domain"), "{text}");
    }

    #[test]
    fn a_malformed_nonce_is_no_nonce() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("portico_flow=short"),
        );
        assert_eq!(FlowCookie::new(false).read(&headers), None);
    }
}
