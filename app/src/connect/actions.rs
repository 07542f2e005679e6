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
        url.push_str(&encode(key));
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

/// Save on a key-based app's form. Success returns to the page with a banner; a refusal returns
/// to the open form with a message per field and the non-secret values kept.
#[server(prefix = "/_portal", endpoint = "save-keys")]
pub async fn save_keys(
    token: String,
    slug: String,
    #[server(default)] values: std::collections::BTreeMap<String, String>,
) -> Result<(), PortalError> {
    use crate::portal::{ConnectRefusal, KeyFormRefusal, Portal};
    use std::sync::Arc;

    let portal = expect_context::<Arc<dyn Portal>>();
    let target = match portal.save_keys(&token, &slug, &values).await {
        Ok(()) => page_url(&token, &[("connected", &slug)]),
        Err(KeyFormRefusal::Invalid { errors, kept }) => {
            form_url(&token, &slug, &errors, &kept, None)
        }
        Err(KeyFormRefusal::Unreachable { message, kept }) => {
            form_url(&token, &slug, &[], &kept, Some(&message))
        }
        Err(KeyFormRefusal::Refused(ConnectRefusal::Notice(notice))) => {
            page_url(&token, &[("notice", notice.as_str()), ("app", &slug)])
        }
        Err(KeyFormRefusal::Refused(ConnectRefusal::Link(_))) => page_url(&token, &[]),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// The page with a key form open again: `e.<field>` messages, `v.<field>` kept values.
#[cfg(any(feature = "ssr", test))]
fn form_url(
    token: &str,
    slug: &str,
    errors: &[(String, String)],
    kept: &[(String, String)],
    problem: Option<&str>,
) -> String {
    let mut query: Vec<(String, String)> = vec![("connect".into(), slug.into())];
    query.extend(
        errors
            .iter()
            .map(|(name, message)| (format!("e.{name}"), message.clone())),
    );
    query.extend(
        kept.iter()
            .map(|(name, value)| (format!("v.{name}"), value.clone())),
    );
    if let Some(problem) = problem {
        query.push(("problem".into(), problem.into()));
    }
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    // No `#fragment`: a page opened at a fragment skips `autofocus`, which must reach the first
    // invalid field.
    page_url(token, &pairs)
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
