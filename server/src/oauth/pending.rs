//! A reconnect signed in as another account than the connection's: nothing is overwritten.
//! The other account's tokens are held, sealed, for ten minutes while the person chooses to
//! keep them as another connection or to sign in again as the right account; unless kept,
//! they are revoked at the provider.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::authorize::{Begin, BrowserBinding, authorization_url};
use super::revoke::revoke_tokens;
use super::tokens::{SignedIn, app_for_connection, oauth2_tokens, same_account, store_tokens};
use super::{Mode, OAuthApp, OAuthError, ParamValues, Return, STATE_TTL, Tokens, oauth_app};
use crate::catalog;
use crate::entity::{connection, linked_account, pending_connection};
use crate::secrets;
use crate::services::Services;
use crate::vault::{Binding, RotationReport, Vault, VaultError};

/// What the row keeps sealed.
#[derive(Serialize, Deserialize)]
struct Held {
    tokens: Tokens,
    signed_in: SignedIn,
    params: ParamValues,
    popup: bool,
    return_to: Option<String>,
    app_name: String,
}

/// The choice page: who signed in, whom the connection is for, and where to post.
#[derive(Debug)]
pub struct OtherAccount {
    pub handle: String,
    /// The account the connection is for.
    pub expected: String,
    /// The account that signed in.
    pub signed_in: String,
    pub back: Return,
}

pub(super) fn binding(id: &str, linked_account_id: &str, slug: &str) -> Binding {
    Binding::new(
        "pending_connection",
        &[
            ("id", id),
            ("linked_account", linked_account_id),
            ("slug", slug),
            ("field", "secrets"),
        ],
    )
}

/// Holds another account's sign-in instead of storing it over `reconnect_of`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn hold(
    db: &impl ConnectionTrait,
    vault: &Vault,
    account: &linked_account::Model,
    reconnect_of: &connection::Model,
    nonce_digest: &str,
    signed_in: SignedIn,
    tokens: &Tokens,
    app: &OAuthApp,
    back: Return,
    now: DateTime<Utc>,
) -> Result<OtherAccount, DbErr> {
    let handle = secrets::random_secret("");
    let id = secrets::digest(&handle);
    let other = OtherAccount {
        handle,
        expected: reconnect_of
            .identifier
            .clone()
            .unwrap_or_else(|| "the account it was made with".to_owned()),
        signed_in: signed_in
            .identifier
            .clone()
            .unwrap_or_else(|| "another account".to_owned()),
        back: back.clone(),
    };
    let held = Held {
        tokens: tokens.clone(),
        signed_in,
        params: app.values.clone(),
        popup: back.mode == Mode::Popup,
        return_to: back.return_to,
        app_name: back.app_name,
    };
    let plaintext = zeroize::Zeroizing::new(serde_json::to_vec(&held).expect("held serializes"));
    pending_connection::ActiveModel {
        id: Set(id.clone()),
        linked_account_id: Set(account.id.clone()),
        slug: Set(app.slug.clone()),
        reconnect_of: Set(reconnect_of.id.clone()),
        secrets: Set(vault.seal(&plaintext, &binding(&id, &account.id, &app.slug))),
        nonce_digest: Set(nonce_digest.to_owned()),
        expires_at: Set(now + STATE_TTL),
    }
    .insert(db)
    .await?;
    tracing::info!(slug = %app.slug, connection = %reconnect_of.id, "another account signed in; held for a choice");
    Ok(other)
}

/// What the person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Keep the other account as another connection.
    Keep,
    /// Revoke it and sign in again, as the connection's account.
    SignInAgain,
}

/// What follows the choice.
#[derive(Debug)]
pub enum Decided {
    Kept {
        connection: Box<connection::Model>,
        back: Return,
    },
    /// Where to sign in again.
    SignInAgain(Url),
}

/// Why a choice could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PendingError {
    #[error("this choice has expired or was already made")]
    Unknown,
    #[error("this sign-in was started in another browser")]
    OtherBrowser,
    #[error("the app is no longer available")]
    AppGone,
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<VaultError> for PendingError {
    fn from(error: VaultError) -> Self {
        Self::OAuth(error.into())
    }
}

/// Carries out a choice, once, from the browser that signed in.
pub async fn decide(
    services: &Services,
    handle: &str,
    browser_nonce: Option<&str>,
    choice: Choice,
) -> Result<Decided, PendingError> {
    let db = &services.db;
    let id = secrets::digest(handle);
    let row = pending_connection::Entity::find_by_id(&id)
        .one(db)
        .await?
        .filter(|row| row.expires_at > services.clock.now())
        .ok_or(PendingError::Unknown)?;
    let same_browser = browser_nonce
        .is_some_and(|nonce| secrets::digests_match(&row.nonce_digest, &secrets::digest(nonce)));
    if !same_browser {
        return Err(PendingError::OtherBrowser);
    }
    let account = linked_account::Entity::find_by_id(&row.linked_account_id)
        .one(db)
        .await?
        .ok_or(PendingError::Unknown)?;
    let held = open(&services.vault, &row)?;
    let (definition, app) = held_app(services, &account, &row, &held)
        .await?
        .ok_or(PendingError::AppGone)?;
    let back = Return {
        mode: if held.popup { Mode::Popup } else { Mode::Page },
        return_to: held.return_to.clone(),
        app_name: held.app_name.clone(),
    };
    let sign_in = HeldSignIn {
        id,
        row,
        account,
        held,
        definition,
        app,
        back,
    };
    match choice {
        Choice::Keep => keep(services, sign_in).await,
        Choice::SignInAgain => sign_in_again(services, sign_in).await,
    }
}

/// A held sign-in, opened, with the app it is for.
struct HeldSignIn {
    id: String,
    row: pending_connection::Model,
    account: linked_account::Model,
    held: Held,
    definition: catalog::AppDefinition,
    app: OAuthApp,
    back: Return,
}

/// Stores the held tokens as the connection. Taken and stored together: a failure leaves the
/// held sign-in for the purge.
async fn keep(services: &Services, sign_in: HeldSignIn) -> Result<Decided, PendingError> {
    let HeldSignIn { account, held, .. } = &sign_in;
    let txn = crate::db::begin_write(&services.db).await?;
    take(&txn, &sign_in.id).await?;
    let existing = same_account(&txn, &account.id, &sign_in.row.slug, &held.signed_in).await?;
    let connection = store_tokens(
        &txn,
        &services.vault,
        account,
        existing,
        &held.signed_in,
        &held.tokens,
        &sign_in.app,
        services.clock.now(),
    )
    .await?;
    txn.commit().await?;
    services.changes.account(&account.id);
    Ok(Decided::Kept {
        connection: Box::new(connection),
        back: sign_in.back,
    })
}

/// Drops the held tokens (revoked at the provider) and begins a new sign-in in this browser.
async fn sign_in_again(services: &Services, sign_in: HeldSignIn) -> Result<Decided, PendingError> {
    let HeldSignIn {
        id,
        row,
        account,
        held,
        definition,
        app,
        back,
    } = sign_in;
    let db = &services.db;
    take(db, &id).await?;
    revoke_tokens(
        &services.egress,
        &app,
        &oauth2_tokens(&held.tokens, &held.params),
    )
    .await;
    let original = connection::Entity::find_by_id(&row.reconnect_of)
        .one(db)
        .await?
        .ok_or(PendingError::Unknown)?;
    let reconnect_app = app_for_connection(
        db,
        &services.vault,
        &services.public_url,
        &definition,
        &account,
        &original,
    )
    .await?;
    let url = authorization_url(
        db,
        &services.vault,
        &services.public_url,
        &reconnect_app,
        Begin {
            linked_account: &account,
            reconnect: Some(&original),
            mode: back.mode,
            return_to: back.return_to,
            binding: BrowserBinding::Nonce(row.nonce_digest.clone()),
        },
        services.clock.now(),
    )
    .await?;
    // A new sign-in is in flight.
    services.changes.account(&account.id);
    Ok(Decided::SignInAgain(url))
}

/// The app a held sign-in was made with, as its org uses it; `None` when the app is gone.
async fn held_app(
    services: &Services,
    account: &linked_account::Model,
    row: &pending_connection::Model,
    held: &Held,
) -> Result<Option<(catalog::AppDefinition, OAuthApp)>, PendingError> {
    let db = &services.db;
    let Some(definition) = catalog::definition(
        db,
        &services.catalog,
        &account.org_id,
        account.environment,
        &row.slug,
    )
    .await?
    else {
        return Ok(None);
    };
    let app = oauth_app(
        db,
        &services.vault,
        &services.public_url,
        &account.org_id,
        account.environment,
        &definition,
        &held.params,
    )
    .await?;
    Ok(Some((definition, app)))
}

/// Single use: whoever deletes the held sign-in makes the choice.
async fn take(db: &impl ConnectionTrait, id: &str) -> Result<(), PendingError> {
    let taken = pending_connection::Entity::delete_many()
        .filter(pending_connection::Column::Id.eq(id))
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        Ok(())
    } else {
        Err(PendingError::Unknown)
    }
}

fn open(vault: &Vault, row: &pending_connection::Model) -> Result<Held, VaultError> {
    let plaintext = vault.open(
        &row.secrets,
        &binding(&row.id, &row.linked_account_id, &row.slug),
    )?;
    serde_json::from_slice(&plaintext).map_err(|_| VaultError::Malformed)
}

/// Revokes and deletes held sign-ins nobody chose to keep in time. Returns how many.
pub async fn purge(services: &Services, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let db = &services.db;
    let expired = pending_connection::Entity::find()
        .filter(pending_connection::Column::ExpiresAt.lte(now))
        .all(db)
        .await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        expired.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    let mut purged = 0;
    for row in expired {
        match take(db, &row.id).await {
            Ok(()) => {}
            Err(PendingError::Db(error)) => return Err(error),
            Err(_) => continue,
        }
        purged += 1;
        let Ok(held) = open(&services.vault, &row) else {
            continue;
        };
        let Some(account) = accounts.get(&row.linked_account_id) else {
            continue;
        };
        if let Ok(Some((_, app))) = held_app(services, account, &row, &held).await {
            revoke_tokens(
                &services.egress,
                &app,
                &oauth2_tokens(&held.tokens, &held.params),
            )
            .await;
        }
    }
    Ok(purged)
}

/// Re-seals every held sign-in under the active key.
pub async fn reseal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    for row in pending_connection::Entity::find().all(db).await? {
        let binding = binding(&row.id, &row.linked_account_id, &row.slug);
        let resealed = report
            .count(vault.reseal(&row.secrets, &binding))
            .map_err(|error| DbErr::Custom(format!("pending_connection {}: {error}", row.id)))?;
        if let Some(resealed) = resealed {
            pending_connection::Entity::update_many()
                .col_expr(pending_connection::Column::Secrets, Expr::value(resealed))
                .filter(pending_connection::Column::Id.eq(&row.id))
                .filter(pending_connection::Column::Secrets.eq(row.secrets.clone()))
                .exec(db)
                .await?;
        }
    }
    Ok(report)
}
