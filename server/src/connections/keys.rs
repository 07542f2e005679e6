//! Saving a key-based app's form: validated, verified when the app says how, and stored
//! sealed (each field on its own).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::credentials::{Credentials, Fields};
use super::{Connect, Status, store_active};
use crate::catalog::AppDefinition;
use crate::egress::Egress;
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::input::FieldError;
use crate::keyauth::{self, Values, Verdict};
use crate::secrets;
use crate::vault::Vault;

/// How a key-based connection is named: its first non-secret value, else the app's name.
fn identifier(app: &AppDefinition, values: &Values) -> Option<String> {
    app.auth_input_map
        .iter()
        .filter(|field| !field.secret)
        .find_map(|field| values.get(&field.name))
        .map(|value| value.chars().take(512).collect())
}

/// Why a save stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("some fields are invalid")]
    Invalid(Vec<FieldError>),
    #[error("{0} could not be reached")]
    Unreachable(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Validates, verifies (when the app says how) and stores key-based credentials. A connection
/// that needs reauthentication, or one with the same identifier, is updated in place.
pub async fn save_keys(
    db: &DatabaseConnection,
    vault: &Vault,
    egress: &Egress,
    app: &AppDefinition,
    account: &linked_account::Model,
    given: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<connection::Model, SaveError> {
    let values = keyauth::validate(app, given).map_err(SaveError::Invalid)?;
    if let Some(check) = &app.verify {
        match keyauth::verify(egress, check, &values).await {
            Verdict::Valid => {}
            Verdict::Rejected => {
                let field = app
                    .auth_input_map
                    .iter()
                    .find(|field| field.secret)
                    .or(app.auth_input_map.first())
                    .map(|field| field.name.clone())
                    .unwrap_or_default();
                return Err(SaveError::Invalid(vec![
                    FieldError::new(field, format!("{} rejected these credentials", app.name))
                        .worded("field-rejected", vec![("app", app.name.clone())]),
                ]));
            }
            Verdict::Unreachable => return Err(SaveError::Unreachable(app.name.clone())),
        }
    }
    let identifier = identifier(app, &values);
    let txn = crate::db::begin_write(db).await?;
    let mine = connection::Entity::find()
        .filter(connection::Column::LinkedAccountId.eq(&account.id))
        .filter(connection::Column::Slug.eq(&app.slug))
        .all(&txn)
        .await?;
    let existing = mine
        .iter()
        .find(|record| matches!(Status::of(record), Status::ReauthRequired(_)))
        .or_else(|| {
            mine.iter()
                .find(|record| record.identifier.is_some() && record.identifier == identifier)
        })
        .cloned();
    let id = existing
        .as_ref()
        .map_or_else(secrets::random_id, |record| record.id.clone());
    let connect = Connect {
        identifier: identifier.as_deref(),
        credentials: Some(
            Credentials::Fields {
                fields: Fields(values),
            }
            .seal(vault, account, &app.slug, &id),
        ),
        key_id: Some(vault.active_key_id()),
        ..Connect::by(Actor::EndCustomer, now)
    };
    let record = store_active(&txn, account, &app.slug, id, existing, connect).await?;
    txn.commit().await?;
    tracing::info!(slug = %app.slug, connection = %record.id, "key-based connection saved");
    Ok(record)
}
