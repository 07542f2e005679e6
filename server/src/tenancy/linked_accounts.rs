//! Linked accounts: the vendor's end customers, by the vendor's own id.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{OnConflict, Query, SelectStatement},
};
use serde_json::Value;

use super::Environment;
use crate::entity::linked_account;
use crate::input::{FieldError, text_line};
use crate::secrets;

/// A vendor's id for its end customer: 1 to 255 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedAccountId(String);

impl LinkedAccountId {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        text_line("linked_account_id", value, 255).map(Self)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Most bytes a linked account's `udf` object may take as JSON.
pub(crate) const MAX_UDF_BYTES: usize = 16 * 1024;

/// What a vendor may say about a linked account.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkedAccountInput {
    pub id: LinkedAccountId,
    pub name: Option<String>,
    pub udf: Option<serde_json::Map<String, Value>>,
}

impl LinkedAccountInput {
    /// Parses the fields of an upsert; `name` and `udf` are kept as they are when absent.
    pub(crate) fn parse(
        id: &str,
        name: Option<&str>,
        udf: Option<Value>,
    ) -> Result<Self, FieldError> {
        let id = LinkedAccountId::parse(id)?;
        let name = name.map(|name| text_line("name", name, 255)).transpose()?;
        let udf = match udf {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => {
                if serde_json::to_string(&map).map_or(true, |json| json.len() > MAX_UDF_BYTES) {
                    return Err(FieldError::new("udf", "must be at most 16 KiB of JSON"));
                }
                Some(map)
            }
            Some(_) => return Err(FieldError::new("udf", "must be a JSON object")),
        };
        Ok(Self { id, name, udf })
    }
}

/// Creates the linked account or updates the fields given; safe against concurrent upserts.
pub(crate) async fn upsert_linked_account(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    input: &LinkedAccountInput,
    now: DateTime<Utc>,
) -> Result<linked_account::Model, DbErr> {
    let udf = input
        .udf
        .as_ref()
        .map(|map| Value::Object(map.clone()).to_string());
    let record = linked_account::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        external_id: Set(input.id.as_str().to_owned()),
        name: Set(input.name.clone()),
        udf: Set(udf.clone().unwrap_or_else(|| "{}".to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut update = vec![linked_account::Column::UpdatedAt];
    if input.name.is_some() {
        update.push(linked_account::Column::Name);
    }
    if udf.is_some() {
        update.push(linked_account::Column::Udf);
    }
    linked_account::Entity::insert(record)
        .on_conflict(
            OnConflict::columns([
                linked_account::Column::OrgId,
                linked_account::Column::Environment,
                linked_account::Column::ExternalId,
            ])
            .update_columns(update)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find_linked_account(db, org_id, environment, &input.id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("linked account after upsert".to_owned()))
}

/// The org's linked account with this vendor id in this environment, if any.
pub async fn find_linked_account(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    id: &LinkedAccountId,
) -> Result<Option<linked_account::Model>, DbErr> {
    linked_account::Entity::find()
        .filter(linked_account::Column::OrgId.eq(org_id))
        .filter(linked_account::Column::Environment.eq(environment))
        .filter(linked_account::Column::ExternalId.eq(id.as_str()))
        .one(db)
        .await
}

/// The linked accounts with these ids, by id, read a few hundred at a time (a database takes
/// only so many bound values in one query). An id deleted since is missing from the map.
pub(crate) async fn linked_accounts_by_id<'a>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<std::collections::HashMap<String, linked_account::Model>, DbErr> {
    let ids: Vec<&str> = ids
        .into_iter()
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let accounts = linked_account::Entity::find()
            .filter(linked_account::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(
            accounts
                .into_iter()
                .map(|account| (account.id.clone(), account)),
        );
    }
    Ok(found)
}

/// Deletes a linked account with its connections and tokens. Returns whether it existed.
/// The ids of an org's linked accounts in one environment, as a subquery: what bounds every
/// query of connections to one tenant.
pub(crate) fn account_ids(org_id: &str, environment: Environment) -> SelectStatement {
    Query::select()
        .column(linked_account::Column::Id)
        .from(linked_account::Entity)
        .and_where(linked_account::Column::OrgId.eq(org_id))
        .and_where(linked_account::Column::Environment.eq(environment))
        .to_owned()
}

pub(crate) async fn delete_linked_account(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    id: &LinkedAccountId,
) -> Result<bool, DbErr> {
    let result = linked_account::Entity::delete_many()
        .filter(linked_account::Column::OrgId.eq(org_id))
        .filter(linked_account::Column::Environment.eq(environment))
        .filter(linked_account::Column::ExternalId.eq(id.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
