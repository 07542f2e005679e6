//! The only writer of flags: a connection that can no longer authenticate is marked
//! `reauth_required` with its reason here, and nowhere else.

use app::dto::ReauthReason;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::entity::{connection, linked_account};
use crate::tenancy::Environment;

/// Flags a connection `reauth_required` with a reason. Returns whether the connection existed.
pub async fn flag_reauth_required(
    db: &impl ConnectionTrait,
    connection_id: &str,
    reason: ReauthReason,
) -> Result<bool, DbErr> {
    let Some(record) = connection::Entity::find_by_id(connection_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let version = record.version;
    let mut active: connection::ActiveModel = record.into();
    active.status = Set(connection::State::ReauthRequired);
    active.reauth_reason = Set(Some(reason.into()));
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(true)
}

/// Flags every connection of `slug` in an org's environment, e.g. when the org removes the app.
pub async fn flag_all_of_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &str,
    reason: ReauthReason,
) -> Result<u64, DbErr> {
    let accounts = Query::select()
        .column(linked_account::Column::Id)
        .from(linked_account::Entity)
        .and_where(linked_account::Column::OrgId.eq(org_id))
        .and_where(linked_account::Column::Environment.eq(environment))
        .to_owned();
    let result = connection::Entity::update_many()
        .col_expr(
            connection::Column::Status,
            Expr::value(connection::State::ReauthRequired),
        )
        .col_expr(
            connection::Column::ReauthReason,
            Expr::value(connection::Reason::from(reason)),
        )
        .col_expr(
            connection::Column::Version,
            Expr::col(connection::Column::Version).add(1),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(connection::Column::Slug.eq(slug))
        .filter(connection::Column::LinkedAccountId.in_subquery(accounts))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
