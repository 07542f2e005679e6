//! `GET /metrics` in Prometheus's text format, served on its own listener
//! (`PORTICO_METRICS_BIND`) and never on the public address. The gauges that are levels rather
//! than events (the outbox, the widgets' streams) are read at each scrape.

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::AppState;
use crate::telemetry::metrics::{self, Levels};

/// The metrics listener's routes.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    let (outbox_pending, oldest) = match crate::webhooks::outbox::backlog(&state.db, None).await {
        Ok(backlog) => backlog,
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot read the outbox; its gauges read 0");
            (0, None)
        }
    };
    let outbox_oldest = oldest
        .and_then(|queued| (state.clock.now() - queued).to_std().ok())
        .unwrap_or_default();
    let levels = Levels {
        outbox_pending,
        outbox_oldest,
        streams_open: u64::from(state.streams.open()),
    };
    match metrics::render(&levels) {
        Some(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
