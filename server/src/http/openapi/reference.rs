//! `/docs`: the API reference, rendered on the server from the OpenAPI document: each
//! operation with its method and path, what it does, its parameters, its body and its answers.

use app::i18n::{Locale, T};
use axum::{http::StatusCode, response::Response};
use leptos::prelude::*;
use utoipa::openapi::{
    OpenApi, RefOr, path::Operation, path::ParameterIn, request_body::RequestBody,
};

use super::{DOCUMENT_PATH, Document, operations_of};
use crate::http::page;

/// One operation as the page shows it.
struct Entry {
    method: &'static str,
    path: String,
    summary: String,
    description: String,
    auth: &'static str,
    parameters: Vec<(String, &'static str, bool, String)>,
    body: Option<String>,
    answers: Vec<(String, String)>,
}

/// `GET /docs`.
pub(in crate::http) async fn docs(document: Document) -> Response {
    let t = T(Locale::En);
    let Some(document) = document.get() else {
        return page::message(
            t,
            StatusCode::SERVICE_UNAVAILABLE,
            "The API reference is not ready",
            &["Try again in a moment.".to_owned()],
            None,
        );
    };
    let description = document.info.description.clone().unwrap_or_default();
    let sections = sections(document);
    let contents: Vec<(String, String)> = sections
        .iter()
        .map(|(tag, _)| (format!("#{}", anchor(tag)), capitalized(tag)))
        .collect();
    let body = view! {
        <main class="reference">
            <h1>"Portico API"</h1>
            <p>{prose(&description)}</p>
            <p>
                "The same as an OpenAPI 3.1 document: " <a href=DOCUMENT_PATH>{DOCUMENT_PATH}</a>
            </p>
            <nav aria-label="Sections">
                <ul>
                    {contents
                        .into_iter()
                        .map(|(href, name)| view! { <li><a href=href>{name}</a></li> })
                        .collect_view()}
                </ul>
            </nav>
            {sections.into_iter().map(section_view).collect_view()}
        </main>
    };
    page::render(t, StatusCode::OK, "API reference", body)
}

fn section_view((tag, entries): (String, Vec<Entry>)) -> impl IntoView {
    let id = anchor(&tag);
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section id=id aria-labelledby=labelled_by>
            <h2 id=heading>{capitalized(&tag)}</h2>
            {entries.into_iter().map(operation_view).collect_view()}
        </section>
    }
}

fn operation_view(entry: Entry) -> impl IntoView {
    let Entry {
        method,
        path,
        summary,
        description,
        auth,
        parameters,
        body,
        answers,
    } = entry;
    let id = anchor(&format!("{method} {path}"));
    let title = format!("{id}-title");
    let labelled_by = title.clone();
    view! {
        <article class="operation" id=id aria-labelledby=labelled_by>
            <h3 id=title>
                <code class="method">{method}</code>
                " "
                <code>{path}</code>
            </h3>
            <p class="summary">{prose(&summary)}</p>
            {(!description.is_empty()).then(|| view! { <p>{prose(&description)}</p> })}
            <p class="auth">"Authenticated by " {auth} "."</p>
            {(!parameters.is_empty()).then(|| parameters_view(parameters))}
            {body.map(|body| view! { <h4>"Body"</h4> <p>{prose(&body)}</p> })}
            <h4>"Answers"</h4>
            <ul>
                {answers
                    .into_iter()
                    .map(|(status, about)| {
                        view! { <li><code>{status}</code> " " {prose(&about)}</li> }
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}

fn parameters_view(parameters: Vec<(String, &'static str, bool, String)>) -> impl IntoView {
    view! {
        <h4>"Parameters"</h4>
        <ul>
            {parameters
                .into_iter()
                .map(|(name, place, required, about)| {
                    let place = if required { format!("{place}, required") } else { place.to_owned() };
                    view! { <li><code>{name}</code> " (" {place} ") " {prose(&about)}</li> }
                })
                .collect_view()}
        </ul>
    }
}

/// Text with `code` in backticks, as the document's descriptions write it.
fn prose(text: &str) -> impl IntoView + use<> {
    text.split('`')
        .enumerate()
        .map(|(index, part)| {
            let part = part.to_owned();
            if index % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// The order sections are shown in: the vendor's resources as a first integration meets
/// them, then the SDK's routes.
const SECTION_ORDER: [&str; 8] = [
    "linked accounts",
    "tokens and links",
    "applications",
    "connections",
    "apps",
    "branding",
    "webhooks",
    "frontend SDK",
];

/// The operations by tag.
fn sections(document: &OpenApi) -> Vec<(String, Vec<Entry>)> {
    let mut sections: Vec<(String, Vec<Entry>)> = Vec::new();
    for (path, item) in &document.paths.paths {
        for (method, operation) in operations_of(item) {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|tags| tags.first().cloned())
                .unwrap_or_else(|| "other".to_owned());
            let entry = entry(path, method_name(&method), operation);
            match sections.iter_mut().find(|(known, _)| *known == tag) {
                Some((_, entries)) => entries.push(entry),
                None => sections.push((tag, vec![entry])),
            }
        }
    }
    sections.sort_by_key(|(tag, _)| {
        SECTION_ORDER
            .iter()
            .position(|known| known == tag)
            .unwrap_or(SECTION_ORDER.len())
    });
    sections
}

fn entry(path: &str, method: &'static str, operation: &Operation) -> Entry {
    let auth = if path == "/api/v2/public/connect-url" {
        "an API key (x-api-key) or a session token (Bearer)"
    } else if path.starts_with("/api/v2/public/") {
        "an API key (x-api-key)"
    } else {
        "a session token (Authorization: Bearer)"
    };
    let parameters = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some((
                parameter.name.clone(),
                match parameter.parameter_in {
                    ParameterIn::Path => "path",
                    ParameterIn::Query => "query",
                    ParameterIn::Header => "header",
                    _ => "cookie",
                },
                matches!(parameter.required, utoipa::openapi::Required::True),
                parameter.description.clone().unwrap_or_default(),
            )),
            RefOr::Ref(_) => None,
        })
        .collect();
    let answers = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let about = match response {
                RefOr::T(response) => response.description.clone(),
                RefOr::Ref(reference) => reference.ref_location.clone(),
            };
            (status.clone(), about)
        })
        .collect();
    Entry {
        method,
        path: path.to_owned(),
        summary: operation.summary.clone().unwrap_or_default(),
        description: operation.description.clone().unwrap_or_default(),
        auth,
        parameters,
        body: operation.request_body.as_ref().map(describe_body),
        answers,
    }
}

/// A request body in words: its type and its schema's name.
fn describe_body(body: &RefOr<RequestBody>) -> String {
    let RefOr::T(body) = body else {
        return "See the document.".to_owned();
    };
    let kinds: Vec<String> = body
        .content
        .iter()
        .map(|(kind, content)| match content {
            RefOr::T(utoipa::openapi::Content {
                schema: Some(RefOr::Ref(reference)),
                ..
            }) => format!(
                "{kind}: {}",
                reference
                    .ref_location
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
            ),
            _ => kind.clone(),
        })
        .collect();
    let mut said = kinds.join("; ");
    if let Some(description) = &body.description {
        said = format!("{said}. {description}");
    }
    if !matches!(body.required, Some(utoipa::openapi::Required::True)) {
        said.push_str(" (optional)");
    }
    said
}

fn method_name(method: &utoipa::openapi::HttpMethod) -> &'static str {
    use utoipa::openapi::HttpMethod;
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Put => "PUT",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Head => "HEAD",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Trace => "TRACE",
    }
}

/// `linked accounts` → `linked-accounts`; `GET /api/v1/{slug}` → `get-api-v1-slug`.
fn anchor(text: &str) -> String {
    let mut out = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            out.push(character.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn capitalized(text: &str) -> String {
    let mut characters = text.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}
