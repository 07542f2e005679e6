//! Small server-rendered pages outside the Leptos app: OAuth callback outcomes and the sandbox
//! provider. They share the portal's stylesheet and escape every value they show.

use std::borrow::Cow;

use axum::{
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> Cow<'_, str> {
    html_escape::encode_quoted_attribute(text)
}

/// A page: `body` is HTML that the caller built with [`esc`] around every value.
pub fn render(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Portico</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/pkg/portico.css">
</head>
<body>
<div class="page">
{body}
</div>
</body>
</html>"#,
        title = esc(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// A centred message: heading, paragraphs of text, and an optional link.
pub fn message(
    status: StatusCode,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Response {
    let mut body = format!(
        r#"<main class="status" id="main">
<img class="status__mark" src="/favicon.svg" alt="" width="48" height="48">
<h1>{}</h1>
"#,
        esc(heading)
    );
    for paragraph in paragraphs {
        body.push_str(&format!("<p>{}</p>\n", esc(paragraph)));
    }
    if let Some((href, label)) = link {
        body.push_str(&format!(
            r#"<p><a class="button" href="{}">{}</a></p>
"#,
            esc(href),
            esc(label)
        ));
    }
    body.push_str("</main>");
    render(status, heading, &body)
}

/// The status of a portal refusal, as an HTTP status.
pub fn status_of(error: &app::PortalError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

/// The page for a link or widget that cannot be used, in the portal's own words, with `more`
/// paragraphs after them.
pub fn refused(error: &app::PortalError, more: &[&str]) -> Response {
    let (heading, sentence) = error.words();
    let paragraphs: Vec<&str> = std::iter::once(sentence)
        .chain(more.iter().copied())
        .collect();
    message(status_of(error), heading, &paragraphs, None)
}
