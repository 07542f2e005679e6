//! Refreshing a connection's tokens: claim it, ask the provider, then store the new tokens,
//! flag the connection with its reason, or back off. Callers in one process share one
//! refresh per connection; callers in other processes wait on the claim.

use std::time::Duration as StdDuration;

use app::dto::ReauthReason;
use chrono::Duration;
use rand::Rng;
use sea_orm::EntityTrait;
use serde_json::Value;
use zeroize::Zeroizing;

use super::classify::{Answer, classify};
use super::revoke::with_client_auth;
use super::tokens::{expiry_after, open_tokens};
use super::{OAuthApp, OAuthError, Tokens, oauth_app};
use crate::catalog::{self, Refusal};
use crate::connections::{
    self, Due, Flag,
    credentials::{Credentials, OAuth2Tokens},
    refresh::{Refresh, RefreshError, Refreshed, release, release_unused, store},
};
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::services::Services;

impl From<OAuthError> for RefreshError {
    fn from(error: OAuthError) -> Self {
        match error {
            OAuthError::Db(error) => error.into(),
            other => Self::internal(other),
        }
    }
}

/// Refreshes a connection when it is due, under the lease protocol of
/// [`connections::refresh::run`]: this module supplies only the call to the provider.
pub async fn refresh(
    services: &Services,
    connection_id: &str,
    due: Due,
    actor: Actor,
) -> Result<Refresh, RefreshError> {
    let owned = services.clone();
    connections::refresh::run(
        &services.db,
        &services.clock,
        &services.refreshes,
        connection_id,
        due,
        move |claimed| async move { with_claim(&owned, &claimed, due, actor).await },
    )
    .await
}

impl connections::refresh::Refresher for Services {
    fn refresh(
        &self,
        connection_id: &str,
        due: Due,
        actor: Actor,
    ) -> impl std::future::Future<Output = connections::refresh::Outcome> + Send {
        refresh(self, connection_id, due, actor)
    }
}

/// The part of a refresh that runs while holding the claim: ask the provider, then store the
/// new tokens, flag the connection, or back off.
#[tracing::instrument(skip(services, due, actor), fields(slug = %claimed.slug))]
async fn with_claim(
    services: &Services,
    claimed: &connection::Model,
    due: Due,
    actor: Actor,
) -> Result<Refresh, RefreshError> {
    let db = &services.db;
    let account = linked_account::Entity::find_by_id(&claimed.linked_account_id)
        .one(db)
        .await?
        .ok_or_else(|| RefreshError::internal(anyhow::anyhow!("the linked account is gone")))?;
    let Some(definition) = catalog::definition(
        db,
        &services.catalog,
        &account.org_id,
        account.environment,
        &claimed.slug,
    )
    .await?
    .filter(|definition| definition.oauth.is_some()) else {
        return Ok(Refresh::NotRefreshable);
    };
    let tokens = open_tokens(&services.vault, &account, claimed).map_err(RefreshError::internal)?;
    let Some(tokens) = tokens.filter(|tokens| tokens.refresh_token.is_some()) else {
        return Ok(Refresh::NotRefreshable);
    };
    // The endpoints are filled with the values the connection was made with.
    let app = oauth_app(
        db,
        &services.vault,
        &services.public_url,
        &account.org_id,
        account.environment,
        &definition,
        &tokens.params,
    )
    .await?;
    let rules = definition
        .oauth
        .as_ref()
        .map(|oauth| oauth.refusals.as_slice())
        .unwrap_or_default();
    let answer = ask(services, &app, &tokens, rules).await;
    match answer {
        Answer::Tokens(json) => {
            store_new_tokens(services, &account, claimed, tokens, json, actor).await
        }
        Answer::Refused { refusal, detail } => {
            refused(services, &account, claimed, refusal, &detail).await
        }
        Answer::Transient { detail, .. } if matches!(due, Due::Probe) => {
            // A read's probe leaves the worker's backoff as it was; the next probe may come
            // one period from now.
            release_unused(db, claimed, claimed.retry_at).await?;
            let retry_at = services.clock.now() + services.refresh.probe;
            tracing::info!(connection = %claimed.id, %detail, "a read's probe found the provider still failing");
            Ok(Refresh::Transient { detail, retry_at })
        }
        Answer::Transient {
            detail,
            retry_after,
        } => {
            let now = services.clock.now();
            let retry_at = now + backoff(services, claimed.failures, retry_after);
            release(db, claimed, retry_at, now).await?;
            tracing::info!(connection = %claimed.id, %detail, %retry_at, "refresh failed for now");
            Ok(Refresh::Transient { detail, retry_at })
        }
    }
}

/// Sends the refresh request (RFC 6749 §6) and classifies the answer. Sent directly rather
/// than through the `oauth2` crate so that the status, `Retry-After` and providers' 200-with-
/// error bodies are seen as they are.
async fn ask(
    services: &Services,
    app: &OAuthApp,
    tokens: &OAuth2Tokens,
    rules: &[catalog::RefusalRule],
) -> Answer {
    let refresh_token = tokens.refresh_token.as_deref().map_or("", String::as_str);
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    let request = services
        .egress
        .client()
        .post(app.token_url.clone())
        .header(reqwest::header::ACCEPT, "application/json");
    let request = with_client_auth(request, &mut form, app);
    let sent = match request.form(&form).build() {
        Ok(request) => services.egress.execute(request).await,
        Err(error) => Err(crate::egress::EgressError::Request(error.without_url())),
    };
    match sent {
        Ok(answer) => classify(
            answer.status,
            answer
                .headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok()),
            &answer.body,
            rules,
        ),
        Err(error) => Answer::Transient {
            detail: error.to_string(),
            retry_after: None,
        },
    }
}

/// Seals and stores what the provider answered. A provider that sends no new refresh token
/// keeps the old one working, so it is kept.
async fn store_new_tokens(
    services: &Services,
    account: &linked_account::Model,
    claimed: &connection::Model,
    old: OAuth2Tokens,
    json: Value,
    actor: Actor,
) -> Result<Refresh, RefreshError> {
    let db = &services.db;
    let now = services.clock.now();
    let Ok(answer) = serde_json::from_value::<Tokens>(json) else {
        let retry_at = now + backoff(services, claimed.failures, None);
        release(db, claimed, retry_at, now).await?;
        return Ok(Refresh::Transient {
            detail: "the provider's token response could not be read".into(),
            retry_at,
        });
    };
    use oauth2::TokenResponse;
    let rotated = answer.refresh_token().is_some();
    let refresh_expires_at = answer
        .extra_fields()
        .extra
        .get("refresh_token_expires_in")
        .and_then(Value::as_u64)
        .and_then(|seconds| expiry_after(now, seconds))
        .or(if rotated {
            None
        } else {
            claimed.refresh_expires_at
        });
    let credentials = Credentials::OAuth2(OAuth2Tokens {
        access_token: Zeroizing::new(answer.access_token().secret().clone()),
        refresh_token: answer
            .refresh_token()
            .map(|token| Zeroizing::new(token.secret().clone()))
            .or(old.refresh_token.clone()),
        token_type: answer.token_type().as_ref().to_owned(),
        scopes: answer
            .scopes()
            .map(|scopes| scopes.iter().map(|scope| scope.to_string()).collect())
            .unwrap_or_else(|| old.scopes.clone()),
        params: old.params.clone(),
    });
    let refreshed = Refreshed {
        credentials: credentials.seal(&services.vault, account, &claimed.slug, &claimed.id),
        key_id: services.vault.active_key_id().to_owned(),
        access_expires_at: answer
            .expires_in()
            .and_then(|lifetime| expiry_after(now, lifetime.as_secs())),
        refresh_expires_at,
    };
    match store(db, account, claimed, refreshed, actor, now).await? {
        Some(_) => {
            tracing::info!(connection = %claimed.id, "tokens refreshed");
            Ok(Refresh::Refreshed)
        }
        None => {
            tracing::warn!(
                connection = %claimed.id,
                "the refresh claim ran out before the provider answered; its tokens are dropped"
            );
            Ok(Refresh::Fresh)
        }
    }
}

/// A refusal for good. `invalid_grant` is only believed after re-reading: another replica may
/// have rotated the tokens in the meantime, and then this refusal says nothing.
async fn refused(
    services: &Services,
    account: &linked_account::Model,
    claimed: &connection::Model,
    refusal: Refusal,
    detail: &str,
) -> Result<Refresh, RefreshError> {
    let db = &services.db;
    let now = services.clock.now();
    let detail = format!("the provider refused to refresh: {detail}");
    let reason = match refusal {
        Refusal::InvalidGrant => {
            let expired = claimed.refresh_expires_at.is_some_and(|at| at <= now);
            if expired {
                ReauthReason::RefreshTokenExpired
            } else {
                ReauthReason::TokenRevoked
            }
        }
        Refusal::TokenRevoked => ReauthReason::TokenRevoked,
        Refusal::RefreshTokenExpired => ReauthReason::RefreshTokenExpired,
        Refusal::AppUninstalled => ReauthReason::AppUninstalled,
        Refusal::InvalidClient => {
            // The org's client credentials are gone: every connection of the app is stuck.
            let txn = crate::db::begin_write(db).await?;
            let flag = Flag::new(
                ReauthReason::CredentialsExpired,
                Actor::Provider,
                detail,
                now,
            );
            let flagged = connections::flag_all_of_app(
                &txn,
                &account.org_id,
                account.environment,
                &claimed.slug,
                &flag,
            )
            .await?;
            txn.commit().await?;
            services.changes.connections(&flagged);
            return Ok(Refresh::Flagged(ReauthReason::CredentialsExpired));
        }
        Refusal::Transient => unreachable!("classify answers transient refusals as Transient"),
    };
    let flag = Flag::new(reason, Actor::Provider, detail, now);
    match services
        .connections()
        .flag(&claimed.id, Some(claimed.version), &flag)
        .await?
    {
        Some(_) => Ok(Refresh::Flagged(reason)),
        None => Ok(Refresh::Fresh),
    }
}

/// How long to wait after a transient failure: at least the retry floor (a minute by default)
/// and what the provider asked for, doubling with each failure in a row up to an hour, with
/// a tenth of jitter so that many connections do not come back at once.
fn backoff(services: &Services, failures: i32, retry_after: Option<StdDuration>) -> Duration {
    let floor = services.refresh.retry_floor;
    let doubled = floor * 2i32.saturating_pow(failures.clamp(0, 6) as u32);
    let base = doubled.min(Duration::hours(1).max(floor));
    let asked = retry_after
        .and_then(|after| Duration::from_std(after).ok())
        .unwrap_or_else(Duration::zero);
    let base = base.max(asked);
    let jitter_ms = base.num_milliseconds() / 10;
    let jitter = if jitter_ms > 0 {
        rand::rng().random_range(0..=jitter_ms)
    } else {
        0
    };
    base + Duration::milliseconds(jitter)
}
