//! Tokens in and out of a connection's sealed credentials.

use chrono::{DateTime, Duration, Utc};
use oauth2::TokenResponse;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{OAuthApp, OAuthError, Tokens, oauth_app};
use crate::catalog::AppDefinition;
use crate::connections::{
    self,
    credentials::{Credentials, OAuth2Tokens},
};
use crate::entity::connection_event::Actor;
use crate::entity::{connection, linked_account};
use crate::secrets;
use crate::vault::{Vault, VaultError};

/// Who signed in, as the provider names them.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct SignedIn {
    /// The name people know the account by.
    pub identifier: Option<String>,
    /// The provider's stable id of the account.
    pub account_id: Option<String>,
}

/// The linked account's connection of the account that signed in, if it has one: matched on
/// the provider's stable account id when the app names one (two accounts with the same name
/// stay two connections), else on the account's name.
pub(super) async fn same_account(
    db: &impl ConnectionTrait,
    linked_account_id: &str,
    slug: &str,
    signed_in: &SignedIn,
) -> Result<Option<connection::Model>, DbErr> {
    let mine = connection::Entity::find()
        .filter(connection::Column::LinkedAccountId.eq(linked_account_id))
        .filter(connection::Column::Slug.eq(slug));
    if let Some(account_id) = &signed_in.account_id {
        let by_id = mine
            .clone()
            .filter(connection::Column::AccountId.eq(account_id))
            .one(db)
            .await?;
        if by_id.is_some() {
            return Ok(by_id);
        }
        // A connection made before its id was known is adopted by name, once.
        return match &signed_in.identifier {
            Some(identifier) => {
                mine.filter(connection::Column::AccountId.is_null())
                    .filter(connection::Column::Identifier.eq(identifier))
                    .one(db)
                    .await
            }
            None => Ok(None),
        };
    }
    match &signed_in.identifier {
        Some(identifier) => {
            mine.filter(connection::Column::Identifier.eq(identifier))
                .one(db)
                .await
        }
        None => Ok(None),
    }
}

/// A token response as a connection stores it.
pub(super) fn oauth2_tokens(tokens: &Tokens, params: &super::ParamValues) -> OAuth2Tokens {
    OAuth2Tokens {
        access_token: Zeroizing::new(tokens.access_token().secret().clone()),
        refresh_token: tokens
            .refresh_token()
            .map(|token| Zeroizing::new(token.secret().clone())),
        token_type: tokens.token_type().as_ref().to_owned(),
        scopes: tokens
            .scopes()
            .map(|scopes| scopes.iter().map(|scope| scope.to_string()).collect())
            .unwrap_or_default(),
        params: params.clone(),
    }
}

/// Seals new tokens into a connection: a new one, or `existing` updated in place (same id,
/// same `connected_at`, flag cleared).
#[allow(clippy::too_many_arguments)]
pub(super) async fn store_tokens(
    db: &impl ConnectionTrait,
    vault: &Vault,
    account: &linked_account::Model,
    existing: Option<connection::Model>,
    signed_in: &SignedIn,
    tokens: &Tokens,
    app: &OAuthApp,
    now: DateTime<Utc>,
) -> Result<connection::Model, DbErr> {
    let id = existing
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_else(secrets::random_id);
    let stored = Credentials::OAuth2(oauth2_tokens(tokens, &app.values));
    let sealed = stored.seal(vault, account, &app.slug, &id);
    let access_expires_at = tokens
        .expires_in()
        .and_then(|lifetime| expiry_after(now, lifetime.as_secs()));
    let refresh_expires_at = tokens
        .extra_fields()
        .extra
        .get("refresh_token_expires_in")
        .and_then(Value::as_u64)
        .and_then(|seconds| expiry_after(now, seconds));
    let connect = connections::Connect {
        identifier: signed_in.identifier.as_deref(),
        account_id: signed_in.account_id.as_deref(),
        credentials: Some(sealed),
        key_id: Some(vault.active_key_id()),
        access_expires_at,
        refresh_expires_at,
        actor: Actor::EndCustomer,
        at: now,
    };
    connections::store_active(db, account, &app.slug, id, existing, connect).await
}

/// Resolves the app for an existing connection, with the parameter values it was made with.
pub async fn app_for_connection(
    db: &impl ConnectionTrait,
    vault: &Vault,
    public_url: &str,
    definition: &AppDefinition,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<OAuthApp, OAuthError> {
    let values = open_tokens(vault, account, record)?
        .map(|tokens| tokens.params.clone())
        .unwrap_or_default();
    let environment = account.environment;
    oauth_app(
        db,
        vault,
        public_url,
        &account.org_id,
        environment,
        definition,
        &values,
    )
    .await
}

/// Opens a connection's sealed OAuth2 tokens (none for any other kind of connection).
pub fn open_tokens(
    vault: &Vault,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<Option<OAuth2Tokens>, VaultError> {
    Ok(Credentials::open(vault, account, record)?.and_then(Credentials::into_oauth2))
}

/// The instant a provider's lifetime in seconds ends, or `None` when it is absurd: a provider
/// cannot make Portico overflow a date, and lifetimes past ten years mean "no expiry".
pub(super) fn expiry_after(now: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    const TEN_YEARS: u64 = 10 * 366 * 24 * 3600;
    let seconds = i64::try_from(seconds)
        .ok()
        .filter(|s| *s as u64 <= TEN_YEARS)?;
    now.checked_add_signed(Duration::try_seconds(seconds)?)
}

#[cfg(test)]
mod lifetime_tests {
    use super::*;

    #[test]
    fn provider_lifetimes_cannot_overflow_a_date() {
        let now = Utc::now();
        assert_eq!(expiry_after(now, 3600), Some(now + Duration::hours(1)));
        assert_eq!(expiry_after(now, u64::MAX), None);
        assert_eq!(expiry_after(now, i64::MAX as u64), None);
        assert_eq!(expiry_after(now, 20 * 366 * 24 * 3600), None);
    }
}
