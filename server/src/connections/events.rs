//! The audit trail: one row per transition of a connection, written in the same transaction
//! as the change it describes.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::entity::{
    connection,
    connection_event::{self, Actor, Kind},
    linked_account,
};
use crate::tenancy::Environment;
use crate::webhooks::outbox::Subscribers;

/// What happened, who caused it and why.
#[derive(Debug, Clone)]
pub(crate) struct Transition {
    pub kind: Kind,
    pub reason: Option<ReauthReason>,
    pub actor: Actor,
    /// Why, in words; never a secret.
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

impl Transition {
    pub(crate) fn new(kind: Kind, actor: Actor, at: DateTime<Utc>) -> Self {
        Self {
            kind,
            reason: None,
            actor,
            detail: None,
            at,
        }
    }

    pub(crate) fn because(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into().chars().take(500).collect());
        self
    }
}

/// Writes the row for one transition of `record`, and queues its webhooks in the same
/// transaction.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    account: &linked_account::Model,
    record: &connection::Model,
    transition: Transition,
) -> Result<connection_event::Model, DbErr> {
    record_with(db, account, record, transition, &mut Subscribers::default()).await
}

/// [`record`], for a transaction that records many: each org's subscriptions are read once.
pub(crate) async fn record_with(
    db: &impl ConnectionTrait,
    account: &linked_account::Model,
    record: &connection::Model,
    transition: Transition,
    subscribers: &mut Subscribers,
) -> Result<connection_event::Model, DbErr> {
    let event = connection_event::ActiveModel {
        org_id: Set(account.org_id.clone()),
        environment: Set(account.environment),
        linked_account_id: Set(account.id.clone()),
        connection_id: Set(record.id.clone()),
        slug: Set(record.slug.clone()),
        identifier: Set(record.identifier.clone()),
        kind: Set(transition.kind),
        reason: Set(transition.reason.map(Into::into)),
        actor: Set(transition.actor),
        detail: Set(transition.detail),
        created_at: Set(transition.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::webhooks::outbox::enqueue_with(db, &event, subscribers).await?;
    Ok(event)
}

/// Every transition of one of an org's connections in an environment, oldest first; kept after
/// the connection is deleted.
pub(crate) async fn trail(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    connection_id: &str,
) -> Result<Vec<connection_event::Model>, DbErr> {
    connection_event::Entity::find()
        .filter(connection_event::Column::ConnectionId.eq(connection_id))
        .filter(connection_event::Column::OrgId.eq(org_id))
        .filter(connection_event::Column::Environment.eq(environment))
        .order_by_asc(connection_event::Column::Id)
        .all(db)
        .await
}
