//! Events as vendors see them: the webhook payload, and the event log read from a cursor.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use serde_json::{Value, json};

use crate::entity::{
    connection_event::{self, Kind, WEBHOOK_EVENTS},
    webhook_attempt, webhook_delivery,
};
use crate::tenancy::Environment;

/// `createdAt` as the seed writes it: RFC 1123, `Tue, 07 Nov 2023 08:38:33 GMT`.
pub(crate) fn rfc1123(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The payload of an event: exactly the seed's fields, plus `connection_id`, `identifier`,
/// and for `Connection Expired` the `reason` with its `reauth_action` and `retryable`.
pub(crate) fn payload(event: &connection_event::Model, linked_account_id: &str) -> Value {
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
        let reason = event.reason.map(app::dto::ReauthReason::from);
        body["reason"] = json!(reason.map(|reason| reason.as_str()));
        body["reauth_action"] = json!(reason.map(|reason| reason.action().as_str()));
        body["retryable"] = json!(reason.map(|reason| reason.retryable()));
    }
    body
}

/// The vendor's ids of the linked accounts `events` are about, read in one query, by
/// Portico's id. A linked account deleted since is missing: callers use Portico's id instead.
pub(crate) async fn external_ids(
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
pub(crate) fn vendor_id<'a>(
    ids: &'a HashMap<String, String>,
    event: &'a connection_event::Model,
) -> &'a str {
    ids.get(&event.linked_account_id)
        .map_or(event.linked_account_id.as_str(), String::as_str)
}

/// The org's events after `cursor`, oldest first, at most `limit`.
pub(crate) async fn after(
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

/// Deliveries the event log lists per event, the newest.
pub(crate) const DELIVERIES_LISTED: i64 = 10;
/// Attempts the event log lists per delivery, the newest (`attempt_count` says how many).
pub(crate) const ATTEMPTS_LISTED: i64 = 10;

/// The newest [`DELIVERIES_LISTED`] deliveries of each of `events`, oldest first.
pub(crate) async fn latest_deliveries(
    db: &impl ConnectionTrait,
    events: &[i64],
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    latest_per::<webhook_delivery::Entity>(
        db,
        "webhook_delivery",
        "event_id",
        events,
        DELIVERIES_LISTED,
    )
    .await
}

/// The newest [`ATTEMPTS_LISTED`] attempts of each of `deliveries`, oldest first.
pub(crate) async fn latest_attempts(
    db: &impl ConnectionTrait,
    deliveries: &[i64],
) -> Result<Vec<webhook_attempt::Model>, DbErr> {
    latest_per::<webhook_attempt::Entity>(
        db,
        "webhook_attempt",
        "delivery_id",
        deliveries,
        ATTEMPTS_LISTED,
    )
    .await
}

/// The newest `most` rows of `table` for each of `parents` (by `parent` column), oldest
/// first. The ids are numbers Portico read itself, written into the statement as such.
async fn latest_per<E: EntityTrait>(
    db: &impl ConnectionTrait,
    table: &str,
    parent: &str,
    parents: &[i64],
    most: i64,
) -> Result<Vec<E::Model>, DbErr> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = parents.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT * FROM {table} WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER \
         (PARTITION BY {parent} ORDER BY id DESC) AS newest FROM {table} \
         WHERE {parent} IN ({})) ranked WHERE newest <= {most}) ORDER BY id",
        list.join(",")
    );
    E::find()
        .from_raw_sql(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await
}

/// One page of the event log after a cursor: the events, their latest deliveries, those
/// deliveries' latest attempts, and the vendor's ids of the linked accounts (replays add
/// deliveries and retries add attempts: each list is bounded, newest kept).
pub(crate) struct Page {
    pub events: Vec<connection_event::Model>,
    pub deliveries: Vec<webhook_delivery::Model>,
    pub attempts: Vec<webhook_attempt::Model>,
    pub vendor_ids: HashMap<String, String>,
}

/// The page of the org's event log after `cursor`, at most `limit` events.
pub(crate) async fn page(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    cursor: i64,
    limit: u64,
) -> Result<Page, DbErr> {
    let events = after(db, org_id, environment, cursor, limit).await?;
    let ids: Vec<i64> = events.iter().map(|event| event.id).collect();
    let deliveries = latest_deliveries(db, &ids).await?;
    let delivery_ids: Vec<i64> = deliveries.iter().map(|delivery| delivery.id).collect();
    let attempts = latest_attempts(db, &delivery_ids).await?;
    let vendor_ids = external_ids(db, &events).await?;
    Ok(Page {
        events,
        deliveries,
        attempts,
        vendor_ids,
    })
}
