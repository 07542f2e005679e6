//! Orgs, their environments, API keys and linked accounts.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};

use crate::cache::Lookups;
use crate::entity::{allowed_origin, api_key, org};
use crate::input::{FieldError, HexColor, text_line};
use crate::secrets;

pub use crate::entity::Environment;

/// How an API key of an environment begins.
fn key_prefix(environment: Environment) -> &'static str {
    match environment {
        Environment::Test => "pk_test_",
        Environment::Production => "pk_live_",
    }
}

/// Default accent colour of a new org.
pub const DEFAULT_BRAND_COLOR: &str = "#4338ca";

/// Creates an org.
pub async fn create_org(
    db: &impl ConnectionTrait,
    name: &str,
    brand_color: Option<&HexColor>,
    now: DateTime<Utc>,
) -> Result<org::Model, CreateOrgError> {
    let name = text_line("name", name, 200)?;
    let brand_color = brand_color.map_or(DEFAULT_BRAND_COLOR, HexColor::as_str);
    let org = org::ActiveModel {
        id: Set(secrets::random_id()),
        name: Set(name),
        brand_color: Set(brand_color.to_owned()),
        logo_url: Set(None),
        allowed_origins: Set("[]".to_owned()),
        created_at: Set(now),
        locale: Set(app::i18n::Locale::default().as_str().to_owned()),
    };
    Ok(org.insert(db).await?)
}

/// Sets the language of an org's pages when neither the link nor the browser names one;
/// `false` when there is no such org.
pub async fn set_default_locale(
    db: &impl ConnectionTrait,
    org_id: &str,
    locale: app::i18n::Locale,
) -> Result<bool, DbErr> {
    let result = org::Entity::update_many()
        .col_expr(
            org::Column::Locale,
            sea_orm::sea_query::Expr::value(locale.as_str()),
        )
        .filter(org::Column::Id.eq(org_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The language of an org's pages when nothing else names one.
pub(crate) fn default_locale(org: &org::Model) -> app::i18n::Locale {
    app::i18n::Locale::parse(&org.locale).unwrap_or_default()
}

/// An org by its id.
pub(crate) async fn find_org(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find_by_id(id).one(db).await
}

/// The first org of a name (names are not unique; the demo finds its org by its name).
pub(crate) async fn find_org_named(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::Name.eq(name))
        .one(db)
        .await
}

/// The origins an org allows to call the SDK routes and embed its widget.
pub(crate) fn allowed_origins(org: &org::Model) -> Vec<String> {
    serde_json::from_str(&org.allowed_origins).unwrap_or_default()
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing else.
pub(crate) fn parse_origin(value: &str) -> Result<String, FieldError> {
    let invalid = || {
        FieldError::new(
            "origin",
            "must be an origin such as https://app.example.com",
        )
    };
    let url = url::Url::parse(value.trim()).map_err(|_| invalid())?;
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || !bare {
        return Err(invalid());
    }
    Ok(url.origin().ascii_serialization())
}

/// An org's API keys in one environment, newest first, revoked ones too.
pub(crate) async fn api_keys(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<api_key::Model>, DbErr> {
    use sea_orm::QueryOrder;

    api_key::Entity::find()
        .filter(api_key::Column::OrgId.eq(org_id))
        .filter(api_key::Column::Environment.eq(environment))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await
}

/// How an API key is shown once made: its environment's prefix and the first characters.
pub(crate) fn key_shown(key: &api_key::Model) -> String {
    format!("{}{}…", key_prefix(key.environment), key.prefix)
}

/// Adds an origin to an org's allowed origins (kept once). Returns the new list.
pub async fn allow_origin(
    db: &impl ConnectionTrait,
    org_id: &str,
    origin: &str,
) -> Result<Option<Vec<String>>, DbErr> {
    let Some(record) = org::Entity::find_by_id(org_id).one(db).await? else {
        return Ok(None);
    };
    let mut origins = allowed_origins(&record);
    if !origins.iter().any(|known| known == origin) {
        origins.push(origin.to_owned());
    }
    let mut active: org::ActiveModel = record.into();
    active.allowed_origins = Set(serde_json::to_string(&origins).expect("strings serialize"));
    active.update(db).await?;
    allowed_origin::Entity::insert(allowed_origin::ActiveModel {
        origin: Set(origin.to_owned()),
        org_id: Set(org_id.to_owned()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            allowed_origin::Column::Origin,
            allowed_origin::Column::OrgId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(Some(origins))
}

/// Whether any org allows an origin: enough to answer a CORS preflight, which has no token.
pub async fn origin_allowed_anywhere(
    db: &impl ConnectionTrait,
    origin: &str,
) -> Result<bool, DbErr> {
    // One indexed lookup, however many orgs there are.
    Ok(allowed_origin::Entity::find()
        .filter(allowed_origin::Column::Origin.eq(origin))
        .one(db)
        .await?
        .is_some())
}

#[derive(Debug, thiserror::Error)]
pub enum CreateOrgError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A new API key: the only time its secret exists outside the caller's hands.
pub struct IssuedApiKey {
    pub id: String,
    pub environment: Environment,
    pub key: String,
}

impl std::fmt::Debug for IssuedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedApiKey")
            .field("id", &self.id)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

/// Characters of an API key's random part stored in the clear for lookup.
const KEY_LOOKUP_PREFIX_LEN: usize = 12;

/// Creates an API key for one environment of an org. The key is returned once and stored as a digest.
pub async fn create_api_key(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    now: DateTime<Utc>,
) -> Result<IssuedApiKey, DbErr> {
    let key = secrets::random_secret(key_prefix(environment));
    let body = &key[key_prefix(environment).len()..];
    let record = api_key::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        prefix: Set(body[..KEY_LOOKUP_PREFIX_LEN].to_owned()),
        digest: Set(secrets::digest(&key)),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(IssuedApiKey {
        id: record.id,
        environment,
        key,
    })
}

/// Who an accepted API key speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiKeyPrincipal {
    pub key_id: String,
    pub org_id: String,
    pub environment: Environment,
}

/// Checks a presented API key: found by its prefix (as `lookups` holds it, or else as
/// stored), compared by digest in constant time, not revoked. `None` for anything else,
/// without saying which.
pub(crate) async fn authenticate_api_key(
    db: &impl ConnectionTrait,
    lookups: &Lookups,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Option<ApiKeyPrincipal>, DbErr> {
    let Some((environment, body)) = [Environment::Test, Environment::Production]
        .into_iter()
        .find_map(|env| Some((env, presented.strip_prefix(key_prefix(env))?)))
    else {
        return Ok(None);
    };
    if !secrets::is_secret_body(body) {
        return Ok(None);
    }
    let prefix = &body[..KEY_LOOKUP_PREFIX_LEN];
    let record = match lookups.api_key(prefix) {
        Some(record) => record,
        None => {
            let reading = lookups.reading();
            let Some(record) = api_key::Entity::find()
                .filter(api_key::Column::Prefix.eq(prefix))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            lookups.keep_api_key(reading, prefix, record.clone());
            record
        }
    };
    let matches = secrets::digests_match(&record.digest, &secrets::digest(presented));
    if !matches || record.revoked_at.is_some() || record.environment != environment {
        return Ok(None);
    }
    // Record use at most once a minute, so authentication stays a read on the hot path. The
    // held key is marked used first, so a burst of requests records it once, not once each.
    if record
        .last_used_at
        .is_none_or(|last| now - last > Duration::minutes(1))
    {
        let mut used = record.clone();
        used.last_used_at = Some(now);
        lookups.keep_api_key(lookups.reading(), prefix, used);
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(&record.id))
            .exec(db)
            .await?;
    }
    Ok(Some(ApiKeyPrincipal {
        key_id: record.id,
        org_id: record.org_id,
        environment,
    }))
}

/// Whether an API key exists and is not revoked (a console session opened with it lasts only
/// as long as the key).
pub(crate) async fn key_active(db: &impl ConnectionTrait, key_id: &str) -> Result<bool, DbErr> {
    let found = api_key::Entity::find_by_id(key_id).one(db).await?;
    Ok(found.is_some_and(|key| key.revoked_at.is_none()))
}

/// Revokes an API key; it is refused from then on by whoever reads it from the database
/// ([`crate::services::Services::revoke_api_key`] also tells the replicas holding it).
/// Returns the org whose key it was, if it existed.
pub(crate) async fn revoke_api_key(
    db: &impl ConnectionTrait,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let Some(record) = api_key::Entity::find_by_id(key_id).one(db).await? else {
        return Ok(None);
    };
    let org_id = record.org_id.clone();
    let mut active: api_key::ActiveModel = record.into();
    active.revoked_at = Set(Some(now));
    active.update(db).await?;
    Ok(Some(org_id))
}

mod linked_accounts;

pub use linked_accounts::{LinkedAccountId, find_linked_account};
pub(crate) use linked_accounts::{
    LinkedAccountInput, account_ids, delete_linked_account, linked_accounts_by_id,
    upsert_linked_account,
};
