//! An app gone for an org's environment: turned off, or the org's own app deleted. Its
//! connections ask to be reconnected with reason `app_deleted`, committed with the removal.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use super::{Changes, Flag, flag_all_of_app};
use crate::catalog::{self, Slug};
use crate::entity::connection_event::Actor;
use crate::tenancy::Environment;

/// How the app went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppGone {
    /// The org turned a catalog app (or its own) off.
    TurnedOff,
    /// The org deleted one of its own apps.
    Deleted,
}

/// Takes the app away and flags every connection of it, in one transaction, then tells the
/// widgets watching them. `false` when there was nothing to take away (nothing is flagged).
/// `by` is who took it away, as the trail records it.
pub async fn app_gone(
    db: &DatabaseConnection,
    changes: &Changes,
    (org_id, environment): (&str, Environment),
    slug: &Slug,
    (how, by): (AppGone, Actor),
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let removed = match how {
        AppGone::TurnedOff => catalog::disable_app(&txn, org_id, environment, slug, now).await?,
        AppGone::Deleted => {
            catalog::delete_custom_app(&txn, org_id, environment, slug, now).await?
        }
    };
    if !removed {
        txn.rollback().await?;
        return Ok(false);
    }
    let detail = match how {
        AppGone::TurnedOff => "the vendor turned the app off",
        AppGone::Deleted => "the vendor deleted the app",
    };
    let flag = Flag::new(ReauthReason::AppDeleted, by, detail, now);
    let flagged = flag_all_of_app(&txn, org_id, environment, slug.as_str(), &flag).await?;
    txn.commit().await?;
    changes.connections(&flagged);
    Ok(true)
}
