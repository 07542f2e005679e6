//! The only writer of flags: a connection that can no longer authenticate is marked
//! `reauth_required` with its reason here and nowhere else, and each flag records one
//! `flagged` event in the same transaction.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::events::{self, Transition};
use crate::entity::{
    connection,
    connection_event::{Actor, Kind},
    linked_account,
};
use crate::tenancy::Environment;
use crate::webhooks::outbox::Subscribers;

/// Why, and on whose word, a connection is flagged.
#[derive(Debug, Clone)]
pub struct Flag {
    pub reason: ReauthReason,
    pub actor: Actor,
    /// What was seen, in words; never a secret.
    pub detail: String,
    pub at: DateTime<Utc>,
}

impl Flag {
    pub fn new(
        reason: ReauthReason,
        actor: Actor,
        detail: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            reason,
            actor,
            detail: detail.into(),
            at,
        }
    }
}

/// Which rows a flag may change: active ones. `app_deleted` also replaces another reason,
/// because no reconnect can work while the app is off.
fn flaggable(reason: ReauthReason) -> Condition {
    let active = connection::Column::Status.eq(connection::State::Active);
    if reason == ReauthReason::AppDeleted {
        Condition::any().add(active).add(
            connection::Column::ReauthReason
                .ne(connection::Reason::AppDeleted)
                .or(connection::Column::ReauthReason.is_null()),
        )
    } else {
        Condition::all().add(active)
    }
}

/// Flags one connection inside the caller's transaction, queuing its webhooks for the
/// subscriptions in `subscribers` (read on first need). With `version`, only while the row is
/// still at that version (a refresher that lost its claim flags nothing). Returns the flagged
/// row, or `None` when nothing changed.
async fn flag_in(
    txn: &impl ConnectionTrait,
    connection_id: &str,
    version: Option<i64>,
    flag: &Flag,
    subscribers: &mut Subscribers,
) -> Result<Option<connection::Model>, DbErr> {
    let mut update = connection::Entity::update_many()
        .col_expr(
            connection::Column::Status,
            Expr::value(connection::State::ReauthRequired),
        )
        .col_expr(
            connection::Column::ReauthReason,
            Expr::value(connection::Reason::from(flag.reason)),
        )
        .col_expr(
            connection::Column::Version,
            Expr::col(connection::Column::Version).add(1),
        )
        .col_expr(
            connection::Column::LeaseUntil,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(flag.at))
        .filter(connection::Column::Id.eq(connection_id))
        .filter(flaggable(flag.reason));
    if let Some(version) = version {
        update = update.filter(connection::Column::Version.eq(version));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Ok(None);
    }
    let record = connection::Entity::find_by_id(connection_id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(connection_id.to_owned()))?;
    let account = linked_account::Entity::find_by_id(&record.linked_account_id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(record.linked_account_id.clone()))?;
    let transition = Transition {
        reason: Some(flag.reason),
        ..Transition::new(Kind::Flagged, flag.actor, flag.at).because(flag.detail.clone())
    };
    events::record_with(txn, &account, &record, transition, subscribers).await?;
    tracing::info!(
        connection = %record.id,
        slug = %record.slug,
        reason = flag.reason.as_str(),
        actor = flag.actor.as_str(),
        "connection needs reauthentication"
    );
    crate::telemetry::metrics::flag(flag.reason.as_str());
    Ok(Some(record))
}

/// Flags one connection in a transaction of its own; see `flag_in`.
pub async fn flag(
    db: &DatabaseConnection,
    connection_id: &str,
    version: Option<i64>,
    flag: &Flag,
) -> Result<Option<connection::Model>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let flagged = flag_in(
        &txn,
        connection_id,
        version,
        flag,
        &mut Subscribers::default(),
    )
    .await?;
    txn.commit().await?;
    Ok(flagged)
}

/// Flags every connection of `slug` in an org's environment (the org removed the app, or its
/// client secret no longer works), each with its own event. Returns the rows it flagged.
pub async fn flag_all_of_app(
    txn: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &str,
    flag: &Flag,
) -> Result<Vec<connection::Model>, DbErr> {
    flag_matching(txn, Some((org_id, environment)), slug, None, flag).await
}

/// How many connections of `slug` in an org's environment taking the app away would flag:
/// what the console warns of before it does.
pub async fn flagged_if_gone(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &str,
) -> Result<u64, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Slug.eq(slug))
        .filter(flaggable(ReauthReason::AppDeleted))
        .filter(
            connection::Column::LinkedAccountId
                .in_subquery(crate::tenancy::account_ids(org_id, environment)),
        )
        .count(db)
        .await
}

/// Flags every connection of `slug` to one provider account (a workspace that uninstalled
/// the app), in one org's environment or, with `None`, in every org. Returns the rows it
/// flagged.
pub async fn flag_all_of_account(
    txn: &impl ConnectionTrait,
    org: Option<(&str, Environment)>,
    slug: &str,
    account_id: &str,
    flag: &Flag,
) -> Result<Vec<connection::Model>, DbErr> {
    flag_matching(txn, org, slug, Some(account_id), flag).await
}

async fn flag_matching(
    txn: &impl ConnectionTrait,
    org: Option<(&str, Environment)>,
    slug: &str,
    account_id: Option<&str>,
    flag: &Flag,
) -> Result<Vec<connection::Model>, DbErr> {
    let mut query = connection::Entity::find()
        .select_only()
        .column(connection::Column::Id)
        .filter(connection::Column::Slug.eq(slug))
        .filter(flaggable(flag.reason));
    if let Some((org_id, environment)) = org {
        let accounts = crate::tenancy::account_ids(org_id, environment);
        query = query.filter(connection::Column::LinkedAccountId.in_subquery(accounts));
    }
    if let Some(account_id) = account_id {
        query = query.filter(connection::Column::AccountId.eq(account_id));
    }
    let ids: Vec<String> = query.into_tuple().all(txn).await?;
    let mut subscribers = Subscribers::default();
    let mut flagged = Vec::new();
    for id in ids {
        flagged.extend(flag_in(txn, &id, None, flag, &mut subscribers).await?);
    }
    Ok(flagged)
}
