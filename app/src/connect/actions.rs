//! The hosted page's buttons: server functions that end in a redirect, so they work as plain
//! HTML forms without JavaScript.

use leptos::prelude::*;

use crate::PortalError;

/// Builds `/connect/{token}?key=value…`, the page a button returns to.
#[cfg(any(feature = "ssr", test))]
fn page_url(token: &str, query: &[(&str, &str)]) -> String {
    let mut url = format!("/connect/{}", encode(token));
    for (index, (key, value)) in query.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(key);
        url.push('=');
        url.push_str(&encode(value));
    }
    url
}

#[cfg(any(feature = "ssr", test))]
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Connect / Reconnect: sends the browser to the provider's sign-in page.
#[server(prefix = "/_portal", endpoint = "connect")]
pub async fn start_connect(
    token: String,
    slug: String,
    another: Option<String>,
    #[server(default)] params: std::collections::HashMap<String, String>,
) -> Result<(), PortalError> {
    use crate::portal::{ConnectRefusal, Portal};
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let target = match portal
        .begin_connect(&token, &slug, another.is_some(), &params)
        .await
    {
        Ok(url) => url,
        Err(ConnectRefusal::Notice(notice)) => {
            page_url(&token, &[("notice", notice.as_str()), ("app", &slug)])
        }
        Err(ConnectRefusal::Link(_)) => page_url(&token, &[]),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// Disconnect: removes the app's connections and returns to the page.
#[server(prefix = "/_portal", endpoint = "disconnect")]
pub async fn disconnect(token: String, slug: String) -> Result<(), PortalError> {
    use crate::portal::{ConnectRefusal, Portal};
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let target = match portal.disconnect(&token, &slug).await {
        Ok(()) => page_url(&token, &[("disconnected", &slug)]),
        Err(ConnectRefusal::Notice(notice)) => {
            page_url(&token, &[("notice", notice.as_str()), ("app", &slug)])
        }
        Err(ConnectRefusal::Link(_)) => page_url(&token, &[]),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_encode_their_values() {
        assert_eq!(page_url("pst_a-b", &[]), "/connect/pst_a-b");
        assert_eq!(
            page_url("pst_x", &[("notice", "unknown_app"), ("app", "a b&c")]),
            "/connect/pst_x?notice=unknown_app&app=a%20b%26c"
        );
    }
}
