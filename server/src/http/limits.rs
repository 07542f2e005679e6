//! Rate limits per surface (GCRA, the `governor` crate): per API key on the vendor API, per
//! token on the SDK routes, per client address on pages, the callback and form posts. Past a
//! limit the answer is 429 with `Retry-After`: JSON on the API, a readable page elsewhere.

use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{
    DefaultKeyedRateLimiter, Quota,
    clock::{Clock, DefaultClock},
};

use super::surface::Surface;
use super::{ApiError, AppState, page::message};
use crate::config::RateLimits;
use crate::secrets;

/// Who a request counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    ApiKey(String),
    Token(String),
    Address(IpAddr),
}

/// The limiters of one running server.
pub struct Limits {
    api: DefaultKeyedRateLimiter<Caller>,
    sdk: DefaultKeyedRateLimiter<Caller>,
    pages: DefaultKeyedRateLimiter<Caller>,
    clock: DefaultClock,
    checks: AtomicU32,
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
            clock: DefaultClock::default(),
            checks: AtomicU32::new(0),
        })
    }

    /// `Ok` to go on, or how many seconds to wait.
    fn check(&self, limiter: &DefaultKeyedRateLimiter<Caller>, caller: &Caller) -> Result<(), u64> {
        // Forget idle callers now and then, so the table stays as small as the active set.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for limiter in [&self.api, &self.sdk, &self.pages] {
                limiter.retain_recent();
            }
        }
        limiter.check_key(caller).map_err(|not_until| {
            not_until
                .wait_time_from(self.clock.now())
                .as_secs()
                .saturating_add(1)
        })
    }
}

fn header_digest(request: &Request, name: &str) -> Option<String> {
    let value = request.headers().get(name)?.to_str().ok()?;
    Some(secrets::digest(value.trim()))
}

pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.limits;
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let by_address = || address.map(Caller::Address);
    let surface = Surface::of(request.uri().path());
    let (limiter, caller) = match surface {
        Surface::Asset | Surface::Machine => return next.run(request).await,
        Surface::VendorApi => (
            &limits.api,
            header_digest(&request, "x-api-key")
                .map(Caller::ApiKey)
                .or_else(|| header_digest(&request, "authorization").map(Caller::Token))
                .or_else(by_address),
        ),
        Surface::Sdk => (
            &limits.sdk,
            header_digest(&request, "authorization")
                .map(Caller::Token)
                .or_else(by_address),
        ),
        Surface::Page | Surface::Embed => (&limits.pages, by_address()),
    };
    let Some(caller) = caller else {
        return next.run(request).await;
    };
    let Err(wait) = limits.check(limiter, &caller) else {
        return next.run(request).await;
    };
    // The surface, not the path: a widget's or a link's path holds its token.
    tracing::warn!(?surface, wait, "rate limited");
    let mut response = if surface.is_api() {
        ApiError::RateLimited(wait).into_response()
    } else {
        message(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &[&format!(
                "This address has made more requests than Portico allows in a minute. Wait {wait} seconds, then try again."
            )],
            None,
        )
    };
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&wait.to_string()).expect("digits"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_past_its_quota_waits_and_others_do_not() {
        let limits = Limits::new(RateLimits {
            api_per_minute: 2,
            sdk_per_minute: 2,
            pages_per_minute: 2,
        });
        let one = Caller::ApiKey("one".into());
        let two = Caller::ApiKey("two".into());
        assert!(limits.check(&limits.api, &one).is_ok());
        assert!(limits.check(&limits.api, &one).is_ok());
        let wait = limits.check(&limits.api, &one).unwrap_err();
        assert!((1..=31).contains(&wait), "{wait}");
        assert!(limits.check(&limits.api, &two).is_ok());
        assert!(
            limits.check(&limits.sdk, &one).is_ok(),
            "each surface counts apart"
        );
    }
}
