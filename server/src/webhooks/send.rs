//! Sending one signed delivery through the egress policy, and saying what came back.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use zeroize::Zeroizing;

use super::Outbound;
use super::sign::sign;
use crate::entity::{webhook_delivery, webhook_subscription};
use crate::vault::VaultError;

/// What one attempt came to.
#[derive(Debug)]
pub(super) struct Attempted {
    pub status: Option<u16>,
    pub latency: StdDuration,
    pub error: Option<String>,
    pub retry_after: Option<Duration>,
}

/// Sends one signed delivery.
pub(super) async fn send(
    outbound: &Outbound,
    subscription: &webhook_subscription::Model,
    keys: &[Zeroizing<Vec<u8>>],
    delivery: &webhook_delivery::Model,
    body: &str,
) -> Attempted {
    let started = Instant::now();
    let failed = |error: String| Attempted {
        status: None,
        latency: started.elapsed(),
        error: Some(error),
        retry_after: None,
    };
    // The policy can be stricter now than when the subscription was made.
    let url = match allowed_url(outbound, &subscription.url) {
        Ok(url) => url,
        Err(why) => return failed(why),
    };
    if keys.is_empty() {
        return failed("cannot open the signing secret".into());
    }
    let signed = sign(
        &delivery.message_id,
        outbound.clock.now().timestamp(),
        body,
        keys,
    );
    let sent = post_signed(outbound, url, &signed, body).await;
    match sent {
        Ok(answer) => Attempted {
            status: Some(answer.status.as_u16()),
            latency: started.elapsed(),
            error: None,
            retry_after: answer
                .headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<i64>().ok())
                .map(|seconds| Duration::seconds(seconds.clamp(0, 24 * 3600))),
        },
        Err(error) => failed(error.to_string()),
    }
}

/// A receiver's URL, if it parses and the egress policy allows it now; otherwise why not.
fn allowed_url(outbound: &Outbound, url: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(url).map_err(|_| "the receiver's URL is not valid".to_owned())?;
    outbound
        .egress
        .policy()
        .check_url(&url)
        .map_err(|why| format!("{}: the URL {why}", crate::egress::OUTBOUND_REFUSAL))?;
    Ok(url)
}

/// POSTs a signed message through the egress client.
async fn post_signed(
    outbound: &Outbound,
    url: url::Url,
    signed: &super::sign::Signed,
    body: &str,
) -> Result<crate::egress::Answer, crate::egress::EgressError> {
    let request = outbound
        .egress
        .client()
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "Portico-Webhooks/1")
        .header("webhook-id", &signed.id)
        .header("webhook-timestamp", signed.timestamp.to_string())
        .header("webhook-signature", &signed.signature)
        .body(body.to_owned())
        .build();
    match request {
        Ok(request) => outbound.egress.execute(request).await,
        Err(error) => Err(crate::egress::EgressError::Request(error.without_url())),
    }
}

/// Sends a signed test message to a subscription now and says what came back, for
/// `portico webhook test`.
pub async fn send_test(
    outbound: &Outbound,
    subscription: &webhook_subscription::Model,
    now: DateTime<Utc>,
) -> Result<String, VaultError> {
    let body = serde_json::json!({
        "type": "General",
        "event": "Test",
        "org_id": subscription.org_id,
        "environment": subscription.environment.as_str(),
        "createdAt": super::log::rfc1123(now),
    })
    .to_string();
    let keys = super::subscriptions::signing_secrets(&outbound.vault, subscription, now)?;
    let signed = sign(
        &format!("msg_test_{}", crate::secrets::random_id()),
        now.timestamp(),
        &body,
        &keys,
    );
    let url = match allowed_url(outbound, &subscription.url) {
        Ok(url) => url,
        Err(why) => return Ok(format!("nothing: {why}")),
    };
    let sent = post_signed(outbound, url, &signed, &body).await;
    Ok(match sent {
        Ok(answer) => format!("HTTP {}", answer.status),
        Err(error) => format!("nothing: {error}"),
    })
}
