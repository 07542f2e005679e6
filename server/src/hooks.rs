//! Events providers send Portico (`POST /hooks/{slug}`), starting with Slack's: an app
//! uninstalled from a workspace, or its tokens revoked, flags that workspace's connections at
//! once. Each request is checked with the org's signing secret and a timestamp no older than
//! five minutes (Slack's v0 signature), so events cannot be forged or replayed.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use serde_json::Value;
use sha2::Sha256;

use crate::catalog::signing_secret_binding;
use crate::connections::{self, Flag};
use crate::entity::{app_config, connection_event::Actor, hook_receipt};
use crate::services::Services;
use crate::tenancy::Environment;

/// The header carrying the signature, `v0=<hex HMAC-SHA256>`.
pub(crate) const SIGNATURE_HEADER: &str = "x-slack-signature";
/// The header carrying the request's Unix time.
pub(crate) const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// How old a signed request may be.
const MAX_AGE_SECONDS: i64 = 5 * 60;
/// What the sandbox signs its events with, derived from the keyring.
pub const SANDBOX_SECRET_LABEL: &str = "sandbox/signing-secret";

/// Signs a request body as Slack does: `v0=` + hex(HMAC-SHA256(secret, "v0:{ts}:{body}")).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// The HMAC of Slack's v0 base string, `v0:{timestamp}:{body}`.
fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    mac
}

/// Whether `signature` signs `body` at `timestamp` with `secret`, recently.
pub fn verify(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> bool {
    let Ok(timestamp) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    if (now.timestamp() - timestamp).abs() > MAX_AGE_SECONDS {
        return false;
    }
    let Some(presented) = signature
        .trim()
        .strip_prefix("v0=")
        .and_then(|hex| hex::decode(hex).ok())
    else {
        return false;
    };
    mac(secret, timestamp, body)
        .verify_slice(&presented)
        .is_ok()
}

/// What an event asks of Portico.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Slack's URL check when the events URL is set up: answer with the challenge.
    Challenge(String),
    /// The account's grants are gone, for this reason.
    Lost {
        account_id: String,
        reason: ReauthReason,
        what: &'static str,
    },
    /// Anything else: acknowledged and ignored.
    Other,
}

/// Reads a Slack-style event body.
pub fn parse(body: &[u8]) -> Option<Event> {
    let json: Value = serde_json::from_slice(body).ok()?;
    match json.get("type").and_then(Value::as_str)? {
        "url_verification" => Some(Event::Challenge(
            json.get("challenge")?.as_str()?.chars().take(200).collect(),
        )),
        "event_callback" => {
            let team = json.get("team_id").and_then(Value::as_str);
            let (reason, what) = match json.pointer("/event/type").and_then(Value::as_str) {
                Some("app_uninstalled") => (ReauthReason::AppUninstalled, "app_uninstalled"),
                Some("tokens_revoked") => (ReauthReason::TokenRevoked, "tokens_revoked"),
                _ => return Some(Event::Other),
            };
            Some(Event::Lost {
                account_id: team?.chars().take(255).collect(),
                reason,
                what,
            })
        }
        _ => Some(Event::Other),
    }
}

/// Why an event was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HookError {
    #[error("the signature does not match any signing secret for this app")]
    BadSignature,
    #[error("the body is not an event")]
    Malformed,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What receiving an event did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Receipt {
    Challenge(String),
    /// This many connections were flagged.
    Flagged(u64),
    Ignored,
}

/// Whose connections a verified event speaks for.
enum Scope {
    /// One org's environment: the org whose signing secret matched.
    Org(String, Environment),
    /// The sandbox, which every org in a local trial shares.
    Sandbox,
}

/// Checks a provider's event and flags the connections it concerns.
pub(crate) async fn receive(
    services: &Services,
    slug: &str,
    timestamp: &str,
    signature: &str,
    body: &[u8],
) -> Result<Receipt, HookError> {
    let now = services.clock.now();
    let scope = signer(services, slug, timestamp, signature, body, now)
        .await?
        .ok_or(HookError::BadSignature)?;
    let event = parse(body).ok_or(HookError::Malformed)?;
    let (account_id, reason, what) = match event {
        Event::Challenge(challenge) => return Ok(Receipt::Challenge(challenge)),
        Event::Other => return Ok(Receipt::Ignored),
        Event::Lost {
            account_id,
            reason,
            what,
        } => (account_id, reason, what),
    };
    let flag = Flag::new(reason, Actor::Provider, format!("{slug} sent {what}"), now);
    let org = match &scope {
        Scope::Org(org, environment) => Some((org.as_str(), *environment)),
        Scope::Sandbox => None,
    };
    let txn = crate::db::begin_write(&services.db).await?;
    // The same signed event again within its window is a replay: someone who saw it once
    // could otherwise flag a connection the customer has since reconnected.
    if !first_sight(&txn, slug, timestamp, signature, now).await? {
        tracing::info!(%slug, what, "a provider event seen before was ignored");
        return Ok(Receipt::Ignored);
    }
    let flagged = connections::flag_all_of_account(&txn, org, slug, &account_id, &flag).await?;
    txn.commit().await?;
    services.changes.connections(&flagged);
    let flagged = flagged.len() as u64;
    tracing::info!(%slug, what, flagged, "provider event received");
    Ok(Receipt::Flagged(flagged))
}

/// Records a signed event; `false` when it was seen before.
async fn first_sight(
    db: &impl ConnectionTrait,
    slug: &str,
    timestamp: &str,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let id = crate::secrets::digest(&format!(
        "{slug}\n{}\n{}",
        timestamp.trim(),
        signature.trim()
    ));
    let inserted = hook_receipt::Entity::insert(hook_receipt::ActiveModel {
        id: Set(id),
        seen_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(hook_receipt::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Forgets events older than any signature still accepted (its window either side of now).
pub(crate) async fn purge_receipts(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let before = now - chrono::Duration::seconds(2 * MAX_AGE_SECONDS);
    Ok(hook_receipt::Entity::delete_many()
        .filter(hook_receipt::Column::SeenAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// The scope whose signing secret signed the request, if any.
async fn signer(
    services: &Services,
    slug: &str,
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Scope>, DbErr> {
    if slug == "sandbox" {
        let secret = services.vault.derive(SANDBOX_SECRET_LABEL);
        return Ok(
            verify(secret.as_ref(), timestamp, signature, body, now).then_some(Scope::Sandbox)
        );
    }
    let configs = app_config::Entity::find()
        .filter(app_config::Column::Slug.eq(slug))
        .filter(app_config::Column::Enabled.eq(true))
        .filter(app_config::Column::SigningSecret.is_not_null())
        .all(&services.db)
        .await?;
    for config in configs {
        let Some(sealed) = &config.signing_secret else {
            continue;
        };
        let binding = signing_secret_binding(&config.org_id, config.environment, slug);
        let secret = match services
            .signing_secrets
            .open(&services.vault, sealed, &binding)
        {
            Ok(secret) => secret,
            Err(error) => {
                tracing::warn!(org = %config.org_id, %error, "cannot open a signing secret");
                continue;
            }
        };
        if verify(&secret, timestamp, signature, body, now) {
            return Ok(Some(Scope::Org(config.org_id, config.environment)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_signatures_verify_only_fresh_and_unaltered() {
        // Slack's documented example: secret, timestamp, body and signature.
        let secret = b"8f742231b10e8888abcd99yyyzzz85a5";
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        let at = DateTime::from_timestamp(1_531_420_618, 0).unwrap();
        assert_eq!(sign(secret, 1_531_420_618, body), expected);
        assert!(verify(secret, "1531420618", expected, body, at));
        assert!(!verify(
            secret,
            "1531420618",
            expected,
            b"token=altered",
            at
        ));
        assert!(!verify(b"another secret", "1531420618", expected, body, at));
        let later = at + chrono::Duration::minutes(6);
        assert!(!verify(secret, "1531420618", expected, body, later));
        assert!(!verify(secret, "soon", expected, body, at));
        assert!(!verify(secret, "1531420618", "v1=00", body, at));
    }

    #[test]
    fn events_say_which_account_lost_access_and_why() {
        let uninstalled =
            br#"{"type":"event_callback","team_id":"T1","event":{"type":"app_uninstalled"}}"#;
        assert_eq!(
            parse(uninstalled),
            Some(Event::Lost {
                account_id: "T1".into(),
                reason: ReauthReason::AppUninstalled,
                what: "app_uninstalled"
            })
        );
        let revoked = br#"{"type":"event_callback","team_id":"T2","event":{"type":"tokens_revoked","tokens":{"oauth":["U1"]}}}"#;
        assert!(matches!(
            parse(revoked),
            Some(Event::Lost {
                reason: ReauthReason::TokenRevoked,
                ..
            })
        ));
        assert_eq!(
            parse(br#"{"type":"url_verification","challenge":"abc"}"#),
            Some(Event::Challenge("abc".into()))
        );
        assert_eq!(
            parse(br#"{"type":"event_callback","team_id":"T1","event":{"type":"message"}}"#),
            Some(Event::Other)
        );
        assert_eq!(parse(b"not json"), None);
        assert_eq!(
            parse(br#"{"type":"event_callback","event":{"type":"app_uninstalled"}}"#),
            None
        );
    }
}
