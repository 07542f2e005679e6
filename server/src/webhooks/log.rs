//! Events as vendors see them: the webhook payload, and the event log read from a cursor.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};

use crate::entity::{
    connection::Reason,
    connection_event::{self, Kind, WEBHOOK_EVENTS},
};
use crate::tenancy::Environment;

/// `createdAt` as the seed writes it: RFC 1123, `Tue, 07 Nov 2023 08:38:33 GMT`.
pub fn rfc1123(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The payload of an event: exactly the seed's fields, plus `connection_id`, `identifier`,
/// and for `Connection Expired` the `reason`.
pub fn payload(event: &connection_event::Model, linked_account_id: &str) -> Value {
    let mut body = json!({
        "linked_account_id": linked_account_id,
        "org_id": event.org_id,
        "environment": event.environment.as_str(),
        "type": "General",
        "event": event.kind.event_name().unwrap_or_default(),
        "slug": event.slug,
        "createdAt": rfc1123(event.created_at),
        "connection_id": event.connection_id,
        "identifier": event.identifier,
    });
    if event.kind == Kind::Flagged {
        body["reason"] = json!(event.reason.map(Reason::as_str));
    }
    body
}

/// The vendor's ids of the linked accounts `events` are about, read in one query, by
/// Portico's id. A linked account deleted since is missing: callers use Portico's id instead.
pub async fn external_ids(
    db: &impl ConnectionTrait,
    events: &[connection_event::Model],
) -> Result<HashMap<String, String>, DbErr> {
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        events.iter().map(|e| e.linked_account_id.as_str()),
    )
    .await?;
    Ok(accounts
        .into_iter()
        .map(|(id, account)| (id, account.external_id))
        .collect())
}

/// The id an event names its linked account by: the vendor's, or Portico's for one deleted.
pub fn vendor_id<'a>(
    ids: &'a HashMap<String, String>,
    event: &'a connection_event::Model,
) -> &'a str {
    ids.get(&event.linked_account_id)
        .map_or(event.linked_account_id.as_str(), String::as_str)
}

/// The org's events after `cursor`, oldest first, at most `limit`.
pub async fn after(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    cursor: i64,
    limit: u64,
) -> Result<Vec<connection_event::Model>, DbErr> {
    connection_event::Entity::find()
        .filter(connection_event::Column::OrgId.eq(org_id))
        .filter(connection_event::Column::Environment.eq(environment))
        .filter(connection_event::Column::Kind.is_in(WEBHOOK_EVENTS.map(|(kind, _)| kind)))
        .filter(connection_event::Column::Id.gt(cursor))
        .order_by_asc(connection_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
