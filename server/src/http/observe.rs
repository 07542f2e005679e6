//! Every request's span (its id, method and, once routed, its route template), the id echoed
//! in `x-request-id`, a debug line when it is answered (`PORTICO_LOG=portico::access=debug`),
//! and its count and latency for `/metrics`.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

use crate::telemetry::{metrics, request_id};

/// The route a request never reached: refused before routing (a rate limit, a body too
/// large), or no route has its path.
const UNROUTED: &str = "unrouted";

/// Hands the matched route template out to [`observe`], which runs before routing and so
/// cannot see it on the request.
pub(super) async fn note_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(matched);
    }
    response
}

/// Runs the request in its span and accounts for its answer.
pub(super) async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id::of(
        request
            .headers()
            .get(request_id::HEADER)
            .and_then(|value| value.to_str().ok()),
    );
    let method = request.method().clone();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = tracing::field::Empty
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNROUTED, MatchedPath::as_str);
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    span.record("route", route);
    span.in_scope(|| {
        tracing::debug!(
            target: "portico::access",
            status,
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "answered"
        );
    });
    metrics::request(route, method.as_str(), status, elapsed);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(request_id::HEADER, value);
    }
    response
}
