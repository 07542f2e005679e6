//! An org's own applications (`POST /api/v2/public/custom-app`): stored as a definition beside
//! the catalog, with their OAuth client in `app_config` like any enabled catalog app.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, sea_query::Expr,
};

mod input;

pub use input::{CheckedApp, CustomAppInput};

use super::app_config::{Settings, configure};
use super::{AppDefinition, Slug, enable_app};
use crate::entity::custom_app;
use crate::input::FieldError;
use crate::secrets;
use crate::tenancy::Environment;
use crate::vault::Vault;

/// Why a custom app was not created.
#[derive(Debug, thiserror::Error)]
pub enum CustomAppError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("an app with this slug already exists")]
    Exists,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Creates an org's own app in an environment and enables it there.
pub async fn create_custom_app(
    db: &DatabaseConnection,
    vault: &Vault,
    org_id: &str,
    environment: Environment,
    app: CheckedApp,
    now: DateTime<Utc>,
) -> Result<AppDefinition, CustomAppError> {
    let CheckedApp { definition, config } = app;
    let slug = Slug::parse(&definition.slug)?;
    let txn = crate::db::begin_write(db).await?;
    if own_app(&txn, org_id, environment, slug.as_str())
        .await?
        .is_some()
    {
        return Err(CustomAppError::Exists);
    }
    custom_app::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        slug: Set(slug.as_str().to_owned()),
        definition: Set(serde_json::to_string(&definition).expect("definitions serialize")),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    enable_app(&txn, vault, org_id, environment, &slug, &config, now).await?;
    txn.commit().await?;
    Ok(definition)
}

/// Replaces one of an org's own apps with a new definition and client settings (a client
/// secret left out keeps the stored one); whether it is offered stays as it was. `false` when
/// the org has no app with that slug here.
pub async fn update_custom_app(
    db: &DatabaseConnection,
    vault: &Vault,
    org_id: &str,
    environment: Environment,
    app: CheckedApp,
    now: DateTime<Utc>,
) -> Result<bool, CustomAppError> {
    let CheckedApp { definition, config } = app;
    let slug = Slug::parse(&definition.slug)?;
    let txn = crate::db::begin_write(db).await?;
    let updated = custom_app::Entity::update_many()
        .col_expr(
            custom_app::Column::Definition,
            Expr::value(serde_json::to_string(&definition).expect("definitions serialize")),
        )
        .col_expr(custom_app::Column::UpdatedAt, Expr::value(now))
        .filter(custom_app::Column::OrgId.eq(org_id))
        .filter(custom_app::Column::Environment.eq(environment))
        .filter(custom_app::Column::Slug.eq(slug.as_str()))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    let settings = Settings {
        input: &config,
        enable: false,
    };
    configure(&txn, vault, (org_id, environment), &slug, settings, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Deletes one of an org's own apps and disables its client; `false` when there is none. The
/// caller flags its connections.
pub async fn delete_custom_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = custom_app::Entity::delete_many()
        .filter(custom_app::Column::OrgId.eq(org_id))
        .filter(custom_app::Column::Environment.eq(environment))
        .filter(custom_app::Column::Slug.eq(slug.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    super::disable_app(db, org_id, environment, slug, now).await?;
    Ok(true)
}

/// One of an org's own apps.
pub async fn own_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &str,
) -> Result<Option<AppDefinition>, DbErr> {
    let row = custom_app::Entity::find()
        .filter(custom_app::Column::OrgId.eq(org_id))
        .filter(custom_app::Column::Environment.eq(environment))
        .filter(custom_app::Column::Slug.eq(slug))
        .one(db)
        .await?;
    Ok(row.and_then(|row| serde_json::from_str(&row.definition).ok()))
}

/// All of an org's own apps in an environment.
pub(super) async fn all(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<AppDefinition>, DbErr> {
    let rows = custom_app::Entity::find()
        .filter(custom_app::Column::OrgId.eq(org_id))
        .filter(custom_app::Column::Environment.eq(environment))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| serde_json::from_str(&row.definition).ok())
        .collect())
}
