//! The one owner of a connection's stored credentials: what they hold, and how they are sealed.
//!
//! A connection's `credentials` column holds one value sealed by the vault, bound to the
//! connection's org, environment, linked account, app and id. Inside is [`Credentials`] as JSON,
//! tagged by kind. Key-based connections saved before this format sealed each field on its own
//! in a JSON envelope; they still open, and `portico keys rotate` rewrites them in this format.

use std::collections::BTreeMap;

use base64::Engine;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::entity::{connection, linked_account};
use crate::vault::{Binding, RotationReport, Vault, VaultError};

/// What a connection authenticates with.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Credentials {
    #[serde(rename = "oauth2")]
    OAuth2(OAuth2Tokens),
    #[serde(rename = "keybased")]
    Fields { fields: Fields },
}

/// An OAuth2 connection's tokens and the connect parameters its endpoints were filled with.
#[derive(Serialize, Deserialize)]
pub struct OAuth2Tokens {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Option<Zeroizing<String>>,
    pub token_type: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// What the end customer entered into a key-based app's form, by field name.
#[derive(Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fields(pub BTreeMap<String, Zeroizing<String>>);

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OAuth2(_) => f.write_str("OAuth2(..)"),
            Self::Fields { fields } => f.debug_tuple("Fields").field(fields).finish(),
        }
    }
}

/// Where a connection's credentials are sealed.
pub(crate) fn binding(account: &linked_account::Model, slug: &str, connection_id: &str) -> Binding {
    Binding::new(
        "connection",
        &[
            ("org", account.org_id.as_str()),
            ("environment", account.environment.as_str()),
            ("linked_account", account.id.as_str()),
            ("slug", slug),
            ("connection", connection_id),
            ("field", "credentials"),
        ],
    )
}

impl Credentials {
    /// Seals these credentials for connection `connection_id` of `slug`.
    pub(crate) fn seal(
        &self,
        vault: &Vault,
        account: &linked_account::Model,
        slug: &str,
        connection_id: &str,
    ) -> Vec<u8> {
        let plaintext = Zeroizing::new(serde_json::to_vec(self).expect("credentials serialize"));
        vault.seal(&plaintext, &binding(account, slug, connection_id))
    }

    /// Opens a connection's credentials; `None` for a connection recorded without any.
    pub(crate) fn open(
        vault: &Vault,
        account: &linked_account::Model,
        record: &connection::Model,
    ) -> Result<Option<Self>, VaultError> {
        let Some(stored) = record.credentials.as_deref() else {
            return Ok(None);
        };
        if let Some(envelope) = legacy::Envelope::parse(stored) {
            return envelope.open(vault, account, record).map(Some);
        }
        let plaintext = vault.open(stored, &binding(account, &record.slug, &record.id))?;
        serde_json::from_slice(&plaintext)
            .map(Some)
            .map_err(|_| VaultError::Malformed)
    }

    /// The tokens of an OAuth2 connection.
    pub(crate) fn into_oauth2(self) -> Option<OAuth2Tokens> {
        match self {
            Self::OAuth2(tokens) => Some(tokens),
            Self::Fields { .. } => None,
        }
    }

    /// The values of a key-based connection.
    pub(crate) fn into_fields(self) -> Option<Fields> {
        match self {
            Self::Fields { fields } => Some(fields),
            Self::OAuth2(_) => None,
        }
    }
}

/// Re-seals one connection's credentials under the active key; `None` when they already use it.
fn reseal(
    vault: &Vault,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<Option<Vec<u8>>, VaultError> {
    let Some(stored) = record.credentials.as_deref() else {
        return Ok(None);
    };
    if legacy::Envelope::parse(stored).is_some() {
        let credentials =
            Credentials::open(vault, account, record)?.ok_or(VaultError::Malformed)?;
        return Ok(Some(credentials.seal(
            vault,
            account,
            &record.slug,
            &record.id,
        )));
    }
    vault.reseal(stored, &binding(account, &record.slug, &record.id))
}

/// Opens a key-based connection's fields (none for any other kind of connection).
pub fn open_fields(
    vault: &Vault,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<Fields, VaultError> {
    Ok(Credentials::open(vault, account, record)?
        .and_then(Credentials::into_fields)
        .unwrap_or_default())
}

/// Re-seals every connection's credentials under the active key. Each update applies only if
/// the row still holds the value read, so a concurrent refresh is never overwritten.
pub async fn reseal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    let rows = connection::Entity::find()
        .filter(connection::Column::Credentials.is_not_null())
        .all(db)
        .await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        rows.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    for row in rows {
        let (Some(sealed), Some(account)) =
            (&row.credentials, accounts.get(&row.linked_account_id))
        else {
            continue;
        };
        let resealed = report
            .count(reseal(vault, account, &row))
            .map_err(|error| DbErr::Custom(format!("connection {}: {error}", row.id)))?;
        if let Some(resealed) = resealed {
            connection::Entity::update_many()
                .col_expr(connection::Column::Credentials, Expr::value(resealed))
                .col_expr(
                    connection::Column::KeyId,
                    Expr::value(vault.active_key_id().to_owned()),
                )
                .filter(connection::Column::Id.eq(&row.id))
                .filter(connection::Column::Credentials.eq(sealed.clone()))
                .exec(db)
                .await?;
        }
    }
    Ok(report)
}

/// The earlier key-based format: a JSON envelope of fields, each sealed on its own.
mod legacy {
    use super::*;

    #[derive(Deserialize)]
    pub(super) struct Envelope {
        fields: BTreeMap<String, String>,
    }

    impl Envelope {
        /// A sealed value starts with its format byte, never with `{`.
        pub(super) fn parse(stored: &[u8]) -> Option<Self> {
            if stored.first() != Some(&b'{') {
                return None;
            }
            serde_json::from_slice(stored).ok()
        }

        pub(super) fn open(
            self,
            vault: &Vault,
            account: &linked_account::Model,
            record: &connection::Model,
        ) -> Result<Credentials, VaultError> {
            let engine = base64::engine::general_purpose::STANDARD;
            let mut fields = BTreeMap::new();
            for (name, sealed) in self.fields {
                let sealed = engine.decode(sealed).map_err(|_| VaultError::Malformed)?;
                let field = format!("input:{name}");
                let binding = Binding::new(
                    "connection",
                    &[
                        ("org", account.org_id.as_str()),
                        ("environment", account.environment.as_str()),
                        ("linked_account", account.id.as_str()),
                        ("slug", record.slug.as_str()),
                        ("connection", record.id.as_str()),
                        ("field", field.as_str()),
                    ],
                );
                fields.insert(name, vault.open_string(&sealed, &binding)?);
            }
            Ok(Credentials::Fields {
                fields: Fields(fields),
            })
        }
    }
}

/// Tries to open the credentials of up to `limit` connections, the most recently changed
/// first: whether the keyring still opens what is stored.
pub async fn try_open_sample(
    db: &impl ConnectionTrait,
    vault: &Vault,
    limit: u64,
) -> Result<crate::vault::Tried, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};

    let rows = connection::Entity::find()
        .filter(connection::Column::Credentials.is_not_null())
        .order_by_desc(connection::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        rows.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    let mut tried = crate::vault::Tried::default();
    for row in &rows {
        if let Some(account) = accounts.get(&row.linked_account_id) {
            tried.count(
                format_args!("connection {}", row.id),
                Credentials::open(vault, account, row),
            );
        }
    }
    Ok(tried)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn account() -> linked_account::Model {
        linked_account::Model {
            id: "la1".into(),
            org_id: "org1".into(),
            environment: crate::tenancy::Environment::Test,
            external_id: "cust".into(),
            name: None,
            udf: "{}".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn record(id: &str, credentials: Vec<u8>) -> connection::Model {
        connection::Model {
            id: id.into(),
            linked_account_id: "la1".into(),
            slug: "twilio".into(),
            identifier: None,
            status: connection::State::Active,
            reauth_reason: None,
            credentials: Some(credentials),
            key_id: None,
            access_expires_at: None,
            refresh_expires_at: None,
            version: 1,
            connected_at: Utc::now(),
            updated_at: Utc::now(),
            account_id: None,
            lease_until: None,
            last_used_at: None,
            retry_at: None,
            failures: 0,
            checked_at: None,
            expiring_sent_at: None,
            probed_at: None,
        }
    }

    fn vault() -> Vault {
        Vault::from_keyring(&Vault::generate_key("k1")).unwrap()
    }

    #[test]
    fn sealed_credentials_open_only_for_their_connection() {
        let vault = vault();
        let fields = Fields([("sid".to_owned(), Zeroizing::new("AC1".to_owned()))].into());
        let sealed = Credentials::Fields { fields }.seal(&vault, &account(), "twilio", "c1");
        let opened = Credentials::open(&vault, &account(), &record("c1", sealed.clone()))
            .unwrap()
            .and_then(Credentials::into_fields)
            .unwrap();
        assert_eq!(opened.0["sid"].as_str(), "AC1");
        assert_eq!(
            Credentials::open(&vault, &account(), &record("c2", sealed)).unwrap_err(),
            VaultError::Tampered
        );
    }

    #[test]
    fn fields_sealed_one_by_one_still_open_and_reseal_into_one_value() {
        let vault = vault();
        let binding = Binding::new(
            "connection",
            &[
                ("org", "org1"),
                ("environment", "test"),
                ("linked_account", "la1"),
                ("slug", "twilio"),
                ("connection", "c1"),
                ("field", "input:sid"),
            ],
        );
        let engine = base64::engine::general_purpose::STANDARD;
        let envelope = serde_json::json!({
            "kind": "keybased",
            "fields": {"sid": engine.encode(vault.seal(b"AC1", &binding))},
        });
        let old = record("c1", serde_json::to_vec(&envelope).unwrap());
        let opened = Credentials::open(&vault, &account(), &old)
            .unwrap()
            .and_then(Credentials::into_fields)
            .unwrap();
        assert_eq!(opened.0["sid"].as_str(), "AC1");

        let resealed = reseal(&vault, &account(), &old)
            .unwrap()
            .expect("rewritten");
        assert_ne!(resealed.first(), Some(&b'{'));
        let new = record("c1", resealed);
        let opened = Credentials::open(&vault, &account(), &new)
            .unwrap()
            .and_then(Credentials::into_fields)
            .unwrap();
        assert_eq!(opened.0["sid"].as_str(), "AC1");
        assert_eq!(reseal(&vault, &account(), &new).unwrap(), None);
    }
}
