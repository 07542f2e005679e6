//! Counters, gauges and one latency histogram in Prometheus's text format, through the
//! `metrics` crate. Off unless `PORTICO_METRICS_BIND` is set: the recorder is installed once per
//! process when a server asks for it, and until then each count below costs one check of a flag.
//!
//! Labels are bounded: a route is its template (`/connect/{token}`, never the token), a status
//! a number, an outcome, reason or surface one of a few fixed words.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests answered, by route template, method and status.
pub const REQUESTS: &str = "portico_http_requests_total";
/// Seconds from a request's arrival to its answer's headers, by route template and method.
pub const REQUEST_SECONDS: &str = "portico_http_request_duration_seconds";
/// Token refreshes Portico attempted, by outcome.
pub const REFRESHES: &str = "portico_refreshes_total";
/// Connections flagged `reauth_required`, by reason.
pub const FLAGS: &str = "portico_flags_total";
/// Webhook delivery attempts, by outcome.
pub const DELIVERIES: &str = "portico_webhook_deliveries_total";
/// Webhook deliveries waiting to be sent.
pub const OUTBOX_PENDING: &str = "portico_outbox_pending";
/// Age in seconds of the oldest webhook delivery waiting to be sent (0 when none waits).
pub const OUTBOX_OLDEST_SECONDS: &str = "portico_outbox_oldest_pending_seconds";
/// The widgets' state streams open in this process.
pub const STREAMS_OPEN: &str = "portico_widget_streams_open";
/// Requests refused by a rate limit, by surface.
pub const RATE_LIMITED: &str = "portico_rate_limit_refusals_total";

/// Latency buckets: a millisecond up to ten seconds.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// A recorder could not be installed (another was, by something else in this process).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the metrics recorder: {0}")]
pub struct InstallError(String);

/// Installs the process's recorder (once; later calls share it) and describes every metric.
pub fn install() -> Result<PrometheusHandle, InstallError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &BUCKETS)
        .and_then(|builder| builder.install_recorder())
        .map_err(|error| InstallError(error.to_string()))?;
    let handle = HANDLE.get_or_init(|| handle).clone();
    describe();
    Ok(handle)
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        REQUESTS,
        "Requests answered, by route template, method and status"
    );
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer a request, by route template and method"
    );
    describe_counter!(REFRESHES, "Token refreshes attempted, by outcome");
    describe_counter!(FLAGS, "Connections flagged reauth_required, by reason");
    describe_counter!(DELIVERIES, "Webhook delivery attempts, by outcome");
    describe_gauge!(OUTBOX_PENDING, "Webhook deliveries waiting to be sent");
    describe_gauge!(
        OUTBOX_OLDEST_SECONDS,
        Unit::Seconds,
        "Age of the oldest webhook delivery waiting to be sent"
    );
    describe_gauge!(STREAMS_OPEN, "Widget state streams open in this process");
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by surface");
}

/// Whether counts are kept (a server asked for metrics).
pub(crate) fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// Counts one answered request. `route` is a template, never a path with its values.
pub(crate) fn request(route: &str, method: &str, status: u16, elapsed: Duration) {
    if !enabled() {
        return;
    }
    let (route, method) = (route.to_owned(), method.to_owned());
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route, "method" => method)
        .record(elapsed.as_secs_f64());
}

/// Counts one refresh attempt's `outcome`.
pub(crate) fn refresh(outcome: &'static str) {
    count(REFRESHES, "outcome", outcome);
}

/// Counts one connection flagged for `reason`.
pub(crate) fn flag(reason: &'static str) {
    count(FLAGS, "reason", reason);
}

/// Counts one delivery attempt's `outcome`.
pub(crate) fn delivery(outcome: &'static str) {
    count(DELIVERIES, "outcome", outcome);
}

/// Counts one request a rate limit refused on `surface`.
pub(crate) fn rate_limited(surface: &'static str) {
    count(RATE_LIMITED, "surface", surface);
}

fn count(name: &'static str, label: &'static str, value: &'static str) {
    if enabled() {
        metrics::counter!(name, label => value).increment(1);
    }
}

/// What is read at each scrape rather than counted as it happens.
pub(crate) struct Levels {
    pub outbox_pending: u64,
    pub outbox_oldest: Duration,
    pub streams_open: u64,
}

/// The text a scrape answers, after setting the gauges to `levels`; `None` when metrics are off.
pub(crate) fn render(levels: &Levels) -> Option<String> {
    let handle = HANDLE.get()?;
    metrics::gauge!(OUTBOX_PENDING).set(levels.outbox_pending as f64);
    metrics::gauge!(OUTBOX_OLDEST_SECONDS).set(levels.outbox_oldest.as_secs_f64());
    metrics::gauge!(STREAMS_OPEN).set(levels.streams_open as f64);
    Some(handle.render())
}
