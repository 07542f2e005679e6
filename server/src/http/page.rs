//! Portico's own small pages outside the connect list (sign-in outcomes, the start and choice
//! pages, the sandbox provider), rendered on the server by Leptos like the portal: the shared
//! stylesheet, and every value escaped by the framework.

use axum::{
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

/// A page with `title` around `body`, never stored by a cache.
pub(super) fn render(status: StatusCode, title: &str, body: impl IntoView + 'static) -> Response {
    let title = format!("{title} · Portico");
    let html = Owner::new().with(|| {
        view! {
            <html lang="en">
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
pub(super) fn Status(heading: String, children: Children) -> impl IntoView {
    view! {
        <main class="status" id="main">
            <img class="status__mark" src="/favicon.svg" alt="" width="48" height="48" />
            <h1>{heading}</h1>
            {children()}
        </main>
    }
}

/// A centred message: heading, paragraphs of text, and an optional link.
pub(super) fn message(
    status: StatusCode,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Response {
    let paragraphs: Vec<String> = paragraphs.iter().map(|&text| text.to_owned()).collect();
    let link = link.map(|(href, label)| (href.to_owned(), label.to_owned()));
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
    render(status, heading, body)
}

/// The status of a portal refusal, as an HTTP status.
pub(super) fn status_of(error: &app::PortalError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

/// The page for a link or widget that cannot be used, in the portal's own words, with `more`
/// paragraphs after them.
pub(super) fn refused(error: &app::PortalError, more: &[&str]) -> Response {
    let (heading, sentence) = error.words();
    let paragraphs: Vec<&str> = std::iter::once(sentence)
        .chain(more.iter().copied())
        .collect();
    message(status_of(error), heading, &paragraphs, None)
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
            StatusCode::OK,
            hostile,
            &[hostile],
            Some(("/x\"onmouseover=\"alert(1)", hostile)),
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
