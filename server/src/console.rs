//! The vendor's console: who may sign in (a one-time link from `portico console link`, or an
//! API key pasted in), and what its pages read. Its pages and forms are in `http::console`;
//! what they change goes through the same domain functions as the API.

pub mod apps;
pub mod connections;
pub mod overview;
pub mod webhooks;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use crate::entity::console_link;
use crate::secrets;
use crate::tenancy::Environment;

/// How long a sign-in link works.
pub const LINK_TTL: Duration = Duration::minutes(10);

/// The prefix of a sign-in link's token.
const LINK_PREFIX: &str = "pcl_";

/// A sign-in link as made: its token is shown once and stored only as a digest.
pub struct IssuedLink {
    pub id: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Makes a one-time sign-in link to an org's console in one environment.
pub async fn issue_link(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    now: DateTime<Utc>,
) -> Result<IssuedLink, DbErr> {
    let token = secrets::random_secret(LINK_PREFIX);
    let link = console_link::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        digest: Set(secrets::digest(&token)),
        expires_at: Set(now + LINK_TTL),
        used_at: Set(None),
        created_at: Set(now),
    };
    let link = console_link::Entity::insert(link)
        .exec_with_returning(db)
        .await?;
    Ok(IssuedLink {
        id: link.id,
        token,
        expires_at: link.expires_at,
    })
}

/// Whether `token` looks like a sign-in link's token at all (checked before any lookup).
pub fn looks_like_link(token: &str) -> bool {
    token
        .strip_prefix(LINK_PREFIX)
        .is_some_and(secrets::is_secret_body)
}

/// Whom a sign-in link signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub link_id: String,
    pub org_id: String,
    pub environment: Environment,
}

/// Uses a sign-in link: it works once, before it expires. Two browsers racing with one link
/// cannot both win: the row is marked used only where it was not yet. `None` for an unknown,
/// used or expired link alike.
pub async fn redeem(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Redeemed>, DbErr> {
    if !looks_like_link(token) {
        return Ok(None);
    }
    let digest = secrets::digest(token);
    let Some(link) = console_link::Entity::find()
        .filter(console_link::Column::Digest.eq(&digest))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let claimed = console_link::Entity::update_many()
        .col_expr(console_link::Column::UsedAt, Expr::value(now))
        .filter(console_link::Column::Id.eq(&link.id))
        .filter(console_link::Column::UsedAt.is_null())
        .filter(console_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(Redeemed {
        link_id: link.id,
        org_id: link.org_id,
        environment: link.environment,
    }))
}

/// Whether a sign-in link would still work (shown before the button that uses it), without
/// using it.
pub async fn link_usable(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if !looks_like_link(token) {
        return Ok(false);
    }
    let found = console_link::Entity::find()
        .filter(console_link::Column::Digest.eq(secrets::digest(token)))
        .filter(console_link::Column::UsedAt.is_null())
        .filter(console_link::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(found.is_some())
}
