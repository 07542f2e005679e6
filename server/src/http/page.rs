//! Portico's own small pages outside the connect list (sign-in outcomes, the start and choice
//! pages, the sandbox provider), rendered on the server by Leptos like the portal: the shared
//! stylesheet, and every value escaped by the framework.

use app::i18n::{Locale, T};
use axum::{
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Response},
};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

/// The words of the page a request gets: in the first language of the browser's
/// `Accept-Language` that Portico speaks, else English.
pub(super) struct Words(pub T);

impl<S: Send + Sync> FromRequestParts<S> for Words {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(T(of_headers(&parts.headers))))
    }
}

/// The language a request's `Accept-Language` asks for, of those Portico speaks.
pub(super) fn of_headers(headers: &axum::http::HeaderMap) -> Locale {
    browser_locale(headers).unwrap_or_default()
}

/// The language a request's `Accept-Language` asks for, when it names one Portico speaks.
pub(super) fn browser_locale(headers: &axum::http::HeaderMap) -> Option<Locale> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Locale::from_accept_language)
}

/// A page in `t`'s language with `title` around `body`, never stored by a cache.
pub(super) fn render(
    t: T,
    status: StatusCode,
    title: &str,
    body: impl IntoView + 'static,
) -> Response {
    let title = format!("{title} · Portico");
    let lang = t.locale().as_str();
    let html = Owner::new().with(|| {
        view! {
            <html lang=lang>
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <meta name="color-scheme" content="light dark" />
                    <title>{title}</title>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                    <link rel="stylesheet" href="/pkg/portico.css" />
                </head>
                <body>
                    <div class="page">{body}</div>
                </body>
            </html>
        }
        .to_html()
    });
    let html = format!("<!DOCTYPE html>{html}");
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// The centred panel every such page shows: Portico's mark, a heading, then `children`.
// The props struct the macro makes is as public as the component.
#[allow(unreachable_pub)]
#[component]
pub(super) fn Status(
    heading: String,
    /// The vendor's logo instead of Portico's mark, with its words for screen readers.
    #[prop(default = None)]
    mark: Option<String>,
    #[prop(optional)] mark_alt: String,
    children: Children,
) -> impl IntoView {
    let (src, alt) = match mark {
        Some(logo) => (logo, mark_alt),
        None => ("/favicon.svg".to_owned(), String::new()),
    };
    view! {
        <main class="status" id="main">
            <img class="status__mark" src=src alt=alt width="48" height="48" />
            <h1>{heading}</h1>
            {children()}
        </main>
    }
}

/// A centred message in `t`'s language: heading, paragraphs of text, and an optional link (its
/// address and words).
pub(super) fn message(
    t: T,
    status: StatusCode,
    heading: &str,
    paragraphs: &[String],
    link: Option<(&str, String)>,
) -> Response {
    let paragraphs = paragraphs.to_vec();
    let link = link.map(|(href, label)| (href.to_owned(), label));
    let body = view! {
        <Status heading=heading.to_owned()>
            {paragraphs.into_iter().map(|text| view! { <p>{text}</p> }).collect_view()}
            {link
                .map(|(href, label)| {
                    view! {
                        <p>
                            <a class="button" href=href>
                                {label}
                            </a>
                        </p>
                    }
                })}
        </Status>
    };
    render(t, status, heading, body)
}

/// The status of a portal refusal, as an HTTP status.
pub(super) fn status_of(error: &app::PortalError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

/// The page for a link or widget that cannot be used, in the portal's own words, with `more`
/// paragraphs after them.
pub(super) fn refused(t: T, error: &app::PortalError, more: &[String]) -> Response {
    let (heading, sentence) = error.words();
    let paragraphs: Vec<String> = std::iter::once(t.s(sentence))
        .chain(more.iter().cloned())
        .collect();
    message(t, status_of(error), &t.s(heading), &paragraphs, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn every_value_is_escaped_by_the_renderer() {
        let hostile = r#"<script>alert("x")</script>"#;
        let page = message(
            T(Locale::En),
            StatusCode::OK,
            hostile,
            &[hostile.to_owned()],
            Some(("/x\"onmouseover=\"alert(1)", hostile.to_owned())),
        );
        assert_eq!(
            page.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store"
        );
        let html = body_of(page).await;
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("\"onmouseover"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
