//! A tower-sessions store on Portico's own database (SQLite or PostgreSQL, through sea-orm).
//! Rows are keyed by the SHA-256 digest of the session id, so the table alone opens no session.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use tower_sessions::{
    SessionStore,
    cookie::time::OffsetDateTime,
    session::{Id, Record},
    session_store,
};

use crate::entity::hosted_session;
use crate::secrets;

#[derive(Debug, Clone)]
pub(crate) struct DbSessionStore {
    db: DatabaseConnection,
    clock: crate::clock::Clock,
}

impl DbSessionStore {
    pub(crate) fn new(db: DatabaseConnection, clock: crate::clock::Clock) -> Self {
        Self { db, clock }
    }
}

fn key(id: &Id) -> String {
    secrets::digest(&id.to_string())
}

fn backend(error: DbErr) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn to_chrono(at: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), 0).unwrap_or_default()
}

/// The row for a record. It ends when the link that opened the session does (kept in the
/// session's data), not at the default expiry a later request's session would carry.
fn row(record: &Record) -> session_store::Result<hosted_session::ActiveModel> {
    let data = serde_json::to_string(&record.data)
        .map_err(|error| session_store::Error::Encode(error.to_string()))?;
    let ends = record
        .data
        .get(super::UNTIL_KEY)
        .and_then(serde_json::Value::as_i64)
        .and_then(|until| DateTime::from_timestamp(until, 0))
        .unwrap_or_else(|| to_chrono(record.expiry_date));
    Ok(hosted_session::ActiveModel {
        id: Set(key(&record.id)),
        data: Set(data),
        expires_at: Set(ends),
    })
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    /// A new session never takes over an existing row: on the (astronomically unlikely) clash
    /// of ids it draws another.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        for _ in 0..3 {
            let inserted = hosted_session::Entity::insert(row(record)?)
                .on_conflict(
                    OnConflict::column(hosted_session::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(
            "no free session id after three tries".to_owned(),
        ))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        hosted_session::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(hosted_session::Column::Id)
                    .update_columns([
                        hosted_session::Column::Data,
                        hosted_session::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = hosted_session::Entity::find_by_id(key(id))
            .filter(hosted_session::Column::ExpiresAt.gt(self.clock.now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> = serde_json::from_str(&row.data)
            .map_err(|error| session_store::Error::Decode(error.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
                .map_err(|error| session_store::Error::Decode(error.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        hosted_session::Entity::delete_by_id(key(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Deletes sessions that ended before `now`.
pub(super) async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = hosted_session::Entity::delete_many()
        .filter(hosted_session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
