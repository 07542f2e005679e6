//! Rate limits (GCRA, the `governor` crate). The API and SDK routes count per authenticated
//! caller — the API key or the session token, whatever its header looked like — once the
//! extractors have authenticated it; before that, a client address that keeps failing to
//! authenticate (401s) waits, so guessing keys costs the guesser and not the database. Pages,
//! the callback, form posts and providers' events count per [`ClientAddress`]. Past a limit
//! the answer is 429 with `Retry-After`: JSON on the API, a readable page elsewhere.

use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, AtomicU64, Ordering},
    },
};

use app::i18n::T;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{
    DefaultKeyedRateLimiter, Quota,
    clock::{Clock, DefaultClock, QuantaInstant, Reference},
};

use super::client::ClientAddress;
use super::surface::Surface;
use super::{
    ApiError, AppState,
    page::{message, of_headers},
};
use crate::config::RateLimits;

/// Who a request counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    /// An API key, by its id.
    ApiKey(String),
    /// A session token, by its id.
    Token(String),
    Address(ClientAddress),
}

/// The limiters of one running server.
pub struct Limits {
    api: DefaultKeyedRateLimiter<Caller>,
    sdk: DefaultKeyedRateLimiter<Caller>,
    pages: DefaultKeyedRateLimiter<Caller>,
    hooks: DefaultKeyedRateLimiter<Caller>,
    failures: DefaultKeyedRateLimiter<Caller>,
    /// Addresses that used up their failed authentications, and until when they wait.
    refused: Mutex<HashMap<ClientAddress, QuantaInstant>>,
    clock: DefaultClock,
    checks: AtomicU32,
    lookups: AtomicU64,
}

fn per_minute(count: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(count.max(1)).expect("at least one"))
}

impl Limits {
    pub fn new(settings: RateLimits) -> Arc<Self> {
        Arc::new(Self {
            api: DefaultKeyedRateLimiter::keyed(per_minute(settings.api_per_minute)),
            sdk: DefaultKeyedRateLimiter::keyed(per_minute(settings.sdk_per_minute)),
            pages: DefaultKeyedRateLimiter::keyed(per_minute(settings.pages_per_minute)),
            hooks: DefaultKeyedRateLimiter::keyed(per_minute(settings.hooks_per_minute)),
            failures: DefaultKeyedRateLimiter::keyed(per_minute(settings.auth_failures_per_minute)),
            refused: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
            checks: AtomicU32::new(0),
            lookups: AtomicU64::new(0),
        })
    }

    /// `Ok` to go on, or how many seconds to wait.
    fn check(&self, limiter: &DefaultKeyedRateLimiter<Caller>, caller: &Caller) -> Result<(), u64> {
        // Forget idle callers now and then, so the tables stay as small as the active set.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for limiter in [
                &self.api,
                &self.sdk,
                &self.pages,
                &self.hooks,
                &self.failures,
            ] {
                limiter.retain_recent();
            }
            let now = self.clock.now();
            self.refused
                .lock()
                .expect("refused addresses")
                .retain(|_, until| *until > now);
        }
        limiter
            .check_key(caller)
            .map_err(|not_until| self.seconds_until(not_until.earliest_possible()))
    }

    fn seconds_until(&self, at: QuantaInstant) -> u64 {
        std::time::Duration::from(at.duration_since(self.clock.now()))
            .as_secs()
            .saturating_add(1)
    }

    /// Counts a request of an authenticated API key.
    pub(super) fn api_key(&self, key_id: &str) -> Result<(), ApiError> {
        self.check(&self.api, &Caller::ApiKey(key_id.to_owned()))
            .map_err(ApiError::RateLimited)
    }

    /// Counts a request of an authenticated session token.
    pub(super) fn session(&self, token_id: &str) -> Result<(), ApiError> {
        self.check(&self.sdk, &Caller::Token(token_id.to_owned()))
            .map_err(ApiError::RateLimited)
    }

    /// Notes that a credential is about to be looked up in the database.
    pub(super) fn looking_up(&self) {
        self.lookups.fetch_add(1, Ordering::Relaxed);
    }

    /// How many presented API keys and session tokens were looked up in the database.
    pub fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }

    /// How long `address` must wait after failing to authenticate too often, if it must.
    fn failing(&self, address: ClientAddress) -> Option<u64> {
        let until = *self
            .refused
            .lock()
            .expect("refused addresses")
            .get(&address)?;
        (until > self.clock.now()).then(|| self.seconds_until(until))
    }

    /// Counts a failed authentication from `address`.
    fn failed(&self, address: ClientAddress) {
        if let Err(not_until) = self.failures.check_key(&Caller::Address(address)) {
            self.refused
                .lock()
                .expect("refused addresses")
                .insert(address, not_until.earliest_possible());
        }
    }
}

pub(super) async fn rate_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &state.limits;
    let path = request.uri().path();
    let surface = Surface::of(path);
    let address = request.extensions().get::<ClientAddress>().copied();
    let limiter = match surface {
        Surface::Asset => return next.run(request).await,
        Surface::Machine if path.starts_with("/hooks/") => &limits.hooks,
        Surface::Machine => return next.run(request).await,
        // The caller is counted once authenticated; an address that keeps failing waits.
        Surface::VendorApi | Surface::Sdk => {
            let refused = [StatusCode::UNAUTHORIZED];
            return authenticating(limits, surface, address, &refused, request, next).await;
        }
        // A console sign-in that fails (a wrong key, or a link that does not work) counts
        // against the address like a bad API key; the page's own limit applies too.
        Surface::Page if path.starts_with("/console/sign-in") => {
            if let Some(address) = address
                && let Err(wait) = limits.check(&limits.pages, &Caller::Address(address))
            {
                return too_many(surface, wait, request.headers());
            }
            let refused = [StatusCode::UNAUTHORIZED, StatusCode::NOT_FOUND];
            return authenticating(limits, surface, address, &refused, request, next).await;
        }
        Surface::Page | Surface::Embed => &limits.pages,
    };
    let Some(address) = address else {
        return next.run(request).await;
    };
    match limits.check(limiter, &Caller::Address(address)) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(surface, wait, request.headers()),
    }
}

/// Runs a request that presents a credential: an address that has failed too often waits,
/// and an answer with one of the `refused` statuses counts as a failure of its address.
async fn authenticating(
    limits: &Limits,
    surface: Surface,
    address: Option<ClientAddress>,
    refused: &[StatusCode],
    request: Request,
    next: Next,
) -> Response {
    if let Some(wait) = address.and_then(|address| limits.failing(address)) {
        return too_many(surface, wait, request.headers());
    }
    let response = next.run(request).await;
    if refused.contains(&response.status())
        && let Some(address) = address
    {
        limits.failed(address);
    }
    response
}

/// The 429 of `surface`, a page in the language of the request's `headers` off the API.
fn too_many(surface: Surface, wait: u64, headers: &HeaderMap) -> Response {
    // The surface, not the path: a widget's or a link's path holds its token.
    tracing::warn!(?surface, wait, "rate limited");
    crate::telemetry::metrics::rate_limited(surface.label());
    if surface.is_api() {
        return ApiError::RateLimited(wait).into_response();
    }
    let t = T(of_headers(headers));
    let seconds = i64::try_from(wait).unwrap_or(i64::MAX);
    let mut response = message(
        t,
        StatusCode::TOO_MANY_REQUESTS,
        &t.s("limit-heading"),
        &[t.a("limit-body", &[("seconds", seconds.into())])],
        None,
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&wait.to_string()).expect("digits"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32) -> Arc<Limits> {
        Limits::new(RateLimits {
            api_per_minute: per_minute,
            sdk_per_minute: per_minute,
            pages_per_minute: per_minute,
            auth_failures_per_minute: per_minute,
            hooks_per_minute: per_minute,
        })
    }

    #[test]
    fn a_caller_past_its_quota_waits_and_others_do_not() {
        let limits = limits(2);
        assert!(limits.api_key("one").is_ok());
        assert!(limits.api_key("one").is_ok());
        let Err(ApiError::RateLimited(wait)) = limits.api_key("one") else {
            panic!("the third request waits");
        };
        assert!((1..=31).contains(&wait), "{wait}");
        assert!(limits.api_key("two").is_ok());
        assert!(limits.session("one").is_ok(), "each surface counts apart");
    }

    #[test]
    fn an_address_that_keeps_failing_waits_and_another_does_not() {
        let limits = limits(3);
        let guesser = ClientAddress::of("203.0.113.9".parse().unwrap());
        let other = ClientAddress::of("203.0.113.10".parse().unwrap());
        for _ in 0..3 {
            assert_eq!(limits.failing(guesser), None);
            limits.failed(guesser);
        }
        assert_eq!(limits.failing(guesser), None, "three failures are allowed");
        limits.failed(guesser);
        let wait = limits
            .failing(guesser)
            .expect("the fourth failure makes it wait");
        assert!((1..=21).contains(&wait), "{wait}");
        assert_eq!(limits.failing(other), None);
    }
}
