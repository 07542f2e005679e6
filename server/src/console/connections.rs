//! The console's connections: a page of them filtered by state, reason, app and the customer's
//! id or name; and one of them with its customer and audit trail. Every query is bounded by
//! the org's environment: another org's connection is not found.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::entity::connection::{Reason, State};
use crate::entity::{connection, connection_event, linked_account};
use crate::tenancy::Environment;

/// The most connections one page lists.
pub const PAGE: u64 = 100;

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub state: Option<State>,
    pub reason: Option<Reason>,
    pub slug: Option<String>,
    /// Part of the customer's id or name, any case.
    pub search: Option<String>,
}

/// A connection with its customer.
#[derive(Debug, Clone)]
pub struct Listed {
    pub connection: connection::Model,
    pub account: linked_account::Model,
}

/// The newest-changed connections that pass `filter`, at most [`PAGE`].
pub async fn list(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    filter: &Filter,
) -> Result<Vec<Listed>, DbErr> {
    let mut accounts = crate::tenancy::account_ids(org_id, environment);
    if let Some(search) = filter.search.as_deref().filter(|search| !search.is_empty()) {
        let pattern =
            LikeExpr::new(format!("%{}%", escape_like(&search.to_lowercase()))).escape('\\');
        accounts.cond_where(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(linked_account::Column::ExternalId)))
                        .like(pattern.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(linked_account::Column::Name))).like(pattern),
                ),
        );
    }
    let mut query = connection::Entity::find()
        .filter(connection::Column::LinkedAccountId.in_subquery(accounts));
    if let Some(state) = filter.state {
        query = query.filter(connection::Column::Status.eq(state));
    }
    if let Some(reason) = filter.reason {
        query = query.filter(connection::Column::ReauthReason.eq(reason));
    }
    if let Some(slug) = &filter.slug {
        query = query.filter(connection::Column::Slug.eq(slug));
    }
    let rows = query
        .order_by_desc(connection::Column::UpdatedAt)
        .limit(PAGE)
        .all(db)
        .await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        db,
        rows.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|connection| {
            let account = accounts.get(&connection.linked_account_id)?.clone();
            Some(Listed {
                connection,
                account,
            })
        })
        .collect())
}

/// `%`, `_` and `\` taken literally in a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// One connection, its customer and its audit trail.
#[derive(Debug, Clone)]
pub struct Detail {
    pub connection: connection::Model,
    pub account: linked_account::Model,
    pub trail: Vec<connection_event::Model>,
}

/// The connection `id` of the org's environment, or `None` (another org's is not found).
pub async fn detail(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    id: &str,
) -> Result<Option<Detail>, DbErr> {
    let Some(connection) = connection::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let Some(account) = linked_account::Entity::find_by_id(&connection.linked_account_id)
        .filter(linked_account::Column::OrgId.eq(org_id))
        .filter(linked_account::Column::Environment.eq(environment))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let trail = crate::connections::events::trail(db, org_id, environment, id).await?;
    Ok(Some(Detail {
        connection,
        account,
        trail,
    }))
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_a_search_are_taken_literally() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("riley"), "riley");
    }
}
