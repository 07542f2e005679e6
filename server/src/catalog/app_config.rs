//! Which catalog apps an org has enabled per environment, with its OAuth client and signing
//! secrets sealed by the vault.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use zeroize::Zeroizing;

use super::Slug;
use crate::cache::Lookups;
use crate::entity::app_config;
use crate::input::{FieldError, text_line};
use crate::secrets;
use crate::tenancy::Environment;
use crate::vault::{Binding, RotationReport, Vault};

/// What an org sets when it enables a catalog app. Fields left out keep their stored values.
#[derive(Clone, Default)]
pub struct AppConfigInput {
    pub client_id: Option<String>,
    pub client_secret: Option<Zeroizing<String>>,
    pub scopes: Option<Vec<String>>,
    /// What the provider signs its events with (Slack's signing secret).
    pub signing_secret: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for AppConfigInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfigInput")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("scopes", &self.scopes)
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "…"))
            .finish()
    }
}

impl AppConfigInput {
    pub fn parse(
        client_id: Option<&str>,
        client_secret: Option<&str>,
        scopes: Option<Vec<String>>,
    ) -> Result<Self, FieldError> {
        let client_id = client_id
            .map(|id| text_line("client_id", id, 512))
            .transpose()?;
        // Checked without echoing the value in any message.
        let client_secret = client_secret
            .map(|secret| text_line("client_secret", secret, 1024).map(Zeroizing::new))
            .transpose()?;
        let scopes = scopes
            .map(|scopes| {
                if scopes.len() > 100 {
                    return Err(FieldError::new("scopes", "must list at most 100 scopes"));
                }
                scopes
                    .iter()
                    .map(|scope| {
                        let scope = text_line("scopes", scope, 200)?;
                        if scope.contains(char::is_whitespace) {
                            return Err(FieldError::new(
                                "scopes",
                                "a scope must not contain spaces",
                            ));
                        }
                        Ok(scope)
                    })
                    .collect()
            })
            .transpose()?;
        Ok(Self {
            client_id,
            client_secret,
            scopes,
            signing_secret: None,
        })
    }

    /// Adds the secret the provider signs its events with.
    pub(crate) fn with_signing_secret(mut self, secret: Option<&str>) -> Result<Self, FieldError> {
        self.signing_secret = secret
            .map(|secret| text_line("signing_secret", secret, 1024).map(Zeroizing::new))
            .transpose()?;
        Ok(self)
    }
}

/// Where an org's OAuth client secret for an app is sealed.
pub fn client_secret_binding(org_id: &str, environment: Environment, slug: &str) -> Binding {
    config_binding(org_id, environment, slug, "client_secret")
}

/// Where an org's signing secret for an app's events is sealed.
pub fn signing_secret_binding(org_id: &str, environment: Environment, slug: &str) -> Binding {
    config_binding(org_id, environment, slug, "signing_secret")
}

fn config_binding(org_id: &str, environment: Environment, slug: &str, field: &str) -> Binding {
    Binding::new(
        "app_config",
        &[
            ("org", org_id),
            ("environment", environment.as_str()),
            ("slug", slug),
            ("field", field),
        ],
    )
}

/// Re-seals every org's client secrets under the active key. Each update applies only if the
/// row still holds the value read, so a concurrent change is never overwritten.
pub async fn reseal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    let rows = app_config::Entity::find().all(db).await?;
    for row in rows {
        let sealed = [
            (
                app_config::Column::ClientSecret,
                &row.client_secret,
                client_secret_binding(&row.org_id, row.environment, &row.slug),
            ),
            (
                app_config::Column::SigningSecret,
                &row.signing_secret,
                signing_secret_binding(&row.org_id, row.environment, &row.slug),
            ),
        ];
        for (column, value, binding) in sealed {
            let Some(value) = value else {
                continue;
            };
            let resealed = report
                .count(vault.reseal(value, &binding))
                .map_err(|error| DbErr::Custom(format!("app_config {}: {error}", row.id)))?;
            if let Some(resealed) = resealed {
                app_config::Entity::update_many()
                    .col_expr(column, Expr::value(resealed))
                    .filter(app_config::Column::Id.eq(&row.id))
                    .filter(column.eq(value.clone()))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(report)
}

/// Enables an app for an org's environment (or updates its settings); a client secret is
/// sealed by the vault before it is stored.
pub async fn enable_app(
    db: &impl ConnectionTrait,
    vault: &Vault,
    org_id: &str,
    environment: Environment,
    slug: &Slug,
    input: &AppConfigInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let settings = Settings {
        input,
        enable: true,
    };
    configure(db, vault, (org_id, environment), slug, settings, now).await
}

/// What [`configure`] stores: the settings given, and whether to offer the app as well (or
/// leave it as it is).
pub(super) struct Settings<'a> {
    pub input: &'a AppConfigInput,
    pub enable: bool,
}

/// Stores an app's settings for an org's environment; fields left out keep their values.
pub(super) async fn configure(
    db: &impl ConnectionTrait,
    vault: &Vault,
    (org_id, environment): (&str, Environment),
    slug: &Slug,
    Settings { input, enable }: Settings<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let client_secret = input.client_secret.as_ref().map(|secret| {
        vault.seal(
            secret.as_bytes(),
            &client_secret_binding(org_id, environment, slug.as_str()),
        )
    });
    let signing_secret = input.signing_secret.as_ref().map(|secret| {
        vault.seal(
            secret.as_bytes(),
            &signing_secret_binding(org_id, environment, slug.as_str()),
        )
    });
    let record = app_config::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        slug: Set(slug.as_str().to_owned()),
        enabled: Set(enable),
        client_id: Set(input.client_id.clone()),
        client_secret: Set(client_secret.clone()),
        signing_secret: Set(signing_secret.clone()),
        scopes: Set(input.scopes.as_ref().map(|scopes| scopes.join(" "))),
        updated_at: Set(now),
    };
    let mut update = vec![app_config::Column::UpdatedAt];
    for (given, column) in [
        (enable, app_config::Column::Enabled),
        (input.client_id.is_some(), app_config::Column::ClientId),
        (client_secret.is_some(), app_config::Column::ClientSecret),
        (signing_secret.is_some(), app_config::Column::SigningSecret),
        (input.scopes.is_some(), app_config::Column::Scopes),
    ] {
        if given {
            update.push(column);
        }
    }
    app_config::Entity::insert(record)
        .on_conflict(
            OnConflict::columns([
                app_config::Column::OrgId,
                app_config::Column::Environment,
                app_config::Column::Slug,
            ])
            .update_columns(update)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Disables an app for an org's environment. Returns whether it was enabled.
pub async fn disable_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = app_config::Entity::update_many()
        .col_expr(app_config::Column::Enabled, Expr::value(false))
        .col_expr(app_config::Column::UpdatedAt, Expr::value(now))
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .filter(app_config::Column::Slug.eq(slug.as_str()))
        .filter(app_config::Column::Enabled.eq(true))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The settings of every app an org has set up in an environment, offered or turned off.
pub async fn configs(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<app_config::Model>, DbErr> {
    app_config::Entity::find()
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .all(db)
        .await
}

/// Slugs of the apps an org has enabled in an environment, as `lookups` holds them or else
/// as stored.
pub async fn enabled_slugs(
    db: &impl ConnectionTrait,
    lookups: &Lookups,
    org_id: &str,
    environment: Environment,
) -> Result<Arc<[String]>, DbErr> {
    if let Some(slugs) = lookups.enabled(org_id, environment) {
        return Ok(slugs);
    }
    let reading = lookups.reading();
    let slugs: Arc<[String]> = app_config::Entity::find()
        .select_only()
        .column(app_config::Column::Slug)
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .filter(app_config::Column::Enabled.eq(true))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into();
    lookups.keep_enabled(reading, org_id, environment, slugs.clone());
    Ok(slugs)
}

/// Tries to open the client and signing secrets of up to `limit` app configurations, the most
/// recently changed first.
pub async fn try_open_sample(
    db: &impl ConnectionTrait,
    vault: &Vault,
    limit: u64,
) -> Result<crate::vault::Tried, DbErr> {
    use sea_orm::{QueryOrder, sea_query::ExprTrait};

    let rows = app_config::Entity::find()
        .filter(
            app_config::Column::ClientSecret
                .is_not_null()
                .or(app_config::Column::SigningSecret.is_not_null()),
        )
        .order_by_desc(app_config::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut tried = crate::vault::Tried::default();
    for row in rows {
        if let Some(value) = &row.client_secret {
            let binding = client_secret_binding(&row.org_id, row.environment, &row.slug);
            let row_name = format_args!("{} client secret of org {}", row.slug, row.org_id);
            tried.count(row_name, vault.open(value, &binding));
        }
        if let Some(value) = &row.signing_secret {
            let binding = signing_secret_binding(&row.org_id, row.environment, &row.slug);
            let row_name = format_args!("{} signing secret of org {}", row.slug, row.org_id);
            tried.count(row_name, vault.open(value, &binding));
        }
    }
    Ok(tried)
}
