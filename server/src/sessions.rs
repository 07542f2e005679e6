//! Session tokens (SDK bearer tokens), hosted links and embed tokens: random, stored as
//! digests, expiring, scoped to one linked account, each good for one purpose only, and
//! revocable.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use serde::{Deserialize, Serialize};

use crate::entity::{linked_account, org, session_token};
use crate::input::{AA_CONTRAST, FieldError, HexColor, text_line, web_url};
use crate::secrets;
use crate::tenancy::{self, Environment, LinkedAccountInput};

mod options;

pub use options::LinkOptions;

/// Default lifetime of session tokens and hosted links.
pub(crate) const DEFAULT_TTL: Duration = Duration::hours(24);

/// Longest lifetime a caller may ask for.
pub const MAX_TTL: Duration = Duration::days(30);

const TOKEN_PREFIX: &str = "pst_";

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An SDK bearer token.
    Session,
    /// The token inside a hosted connect link.
    Hosted,
    /// The token of an embedded widget: in the frame's address and its forms, never a cookie.
    Embed,
}

impl Purpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Hosted => "hosted",
            Self::Embed => "embed",
        }
    }
}

/// Per-link branding overrides: `{name?, color?, bgColor?, logo?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(rename = "bgColor", skip_serializing_if = "Option::is_none")]
    pub bg_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

impl Branding {
    /// Checks each override: a name line, `#rrggbb` colours, an https logo URL. A link's
    /// accent that would not read on its background (WCAG AA) is taken as the nearest shade
    /// that does: links made before the check keep working, and every page stays readable.
    pub fn parse(
        name: Option<&str>,
        color: Option<&str>,
        bg_color: Option<&str>,
        logo: Option<&str>,
    ) -> Result<Self, FieldError> {
        let background = bg_color
            .map(|c| HexColor::parse("bgColor", c))
            .transpose()?;
        let page = HexColor::page();
        let on = background.as_ref().unwrap_or(&page);
        let color = color
            .map(|c| {
                let color = HexColor::parse("color", c)?;
                Ok::<_, FieldError>(if color.contrast(on) >= AA_CONTRAST {
                    color
                } else {
                    color.nearest_passing(on, AA_CONTRAST)
                })
            })
            .transpose()?;
        Ok(Self {
            name: name.map(|name| text_line("name", name, 200)).transpose()?,
            color: color.map(|c| c.as_str().to_owned()),
            bg_color: background.map(|c| c.as_str().to_owned()),
            logo: logo
                .map(|logo| web_url("logo", logo).map(String::from))
                .transpose()?,
        })
    }
}

/// What a new token is for and what the vendor asked of it.
#[derive(Debug, Clone)]
pub struct Issue {
    pub purpose: Purpose,
    pub ttl: Duration,
    /// Caps its expiry (a link minted with a session token lives no longer than that token).
    pub not_after: Option<DateTime<Utc>>,
    pub branding: Branding,
    pub options: LinkOptions,
}

impl Issue {
    /// A token of `purpose` with the org's own branding, showing every enabled app.
    pub fn plain(purpose: Purpose, ttl: Duration) -> Self {
        Self {
            purpose,
            ttl,
            not_after: None,
            branding: Branding::default(),
            options: LinkOptions::default(),
        }
    }
}

/// The lifetime a caller asked for in seconds (`expires_in`), or the default: between a
/// minute and [`MAX_TTL`].
pub(crate) fn lifetime(expires_in: Option<i64>) -> Result<Duration, FieldError> {
    match expires_in {
        None => Ok(DEFAULT_TTL),
        Some(seconds) if (60..=MAX_TTL.num_seconds()).contains(&seconds) => {
            Ok(Duration::seconds(seconds))
        }
        Some(_) => Err(FieldError::new(
            "expires_in",
            "must be between 60 seconds and 30 days",
        )),
    }
}

/// A token just issued: its secret exists only here and in the caller's response.
pub struct IssuedToken {
    /// The id to revoke it by.
    pub id: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A token for one of the org's linked accounts, which is created when it is new (a vendor
/// asks for the customer signed in to its own app).
pub(crate) async fn issue_for(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    input: &LinkedAccountInput,
    asked: &Issue,
    now: DateTime<Utc>,
) -> Result<IssuedToken, DbErr> {
    let account = tenancy::upsert_linked_account(db, org_id, environment, input, now).await?;
    issue(db, &account, asked, now).await
}

/// Issues a token for a linked account.
pub async fn issue(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    asked: &Issue,
    now: DateTime<Utc>,
) -> Result<IssuedToken, DbErr> {
    let token = secrets::random_secret(TOKEN_PREFIX);
    let mut expires_at = now + asked.ttl.clamp(Duration::seconds(1), MAX_TTL);
    if let Some(limit) = asked.not_after {
        expires_at = expires_at.min(limit);
    }
    let json = |value: Result<String, serde_json::Error>| value.unwrap_or_else(|_| "{}".to_owned());
    let id = secrets::random_id();
    session_token::ActiveModel {
        id: Set(id.clone()),
        digest: Set(secrets::digest(&token)),
        linked_account_id: Set(linked_account.id.clone()),
        purpose: Set(asked.purpose.as_str().to_owned()),
        branding: Set(json(serde_json::to_string(&asked.branding))),
        options: Set(json(serde_json::to_string(&asked.options))),
        expires_at: Set(expires_at),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(IssuedToken {
        id,
        token,
        expires_at,
    })
}

/// Whom a valid token speaks for.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The token's id (what revocation names).
    pub token_id: String,
    pub expires_at: DateTime<Utc>,
    pub org: org::Model,
    pub environment: Environment,
    pub linked_account: linked_account::Model,
    pub branding: Branding,
    pub options: LinkOptions,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    /// Malformed, altered or never issued.
    #[error("unknown token")]
    Unknown,
    /// Issued by Portico but past its expiry.
    #[error("expired token")]
    Expired,
    /// Issued by Portico for another surface (a hosted link used as an SDK token, say).
    #[error("token for another purpose")]
    WrongPurpose,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Resolves a presented token to its session. A token issued for another purpose is unknown
/// here: a hosted link never works as an SDK token, nor the other way round.
pub(crate) async fn resolve(
    db: &impl ConnectionTrait,
    presented: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Session, SessionError> {
    let well_formed = presented
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(secrets::is_secret_body);
    if !well_formed {
        return Err(SessionError::Unknown);
    }
    // The digest of a 256-bit random token is itself unguessable, so an indexed equality
    // lookup on it reveals nothing useful through timing.
    let found = session_token::Entity::find()
        .filter(session_token::Column::Digest.eq(secrets::digest(presented)))
        .find_also_related(linked_account::Entity)
        .and_also_related(org::Entity)
        .one(db)
        .await?;
    if found
        .as_ref()
        .is_some_and(|(token, _, _)| token.purpose != purpose.as_str())
    {
        return Err(SessionError::WrongPurpose);
    }
    session_of(found, now)
}

/// Resolves a token by its id, as a hosted-page session remembers it; a revoked (deleted)
/// token is unknown at once.
pub(crate) async fn resolve_by_id(
    db: &impl ConnectionTrait,
    id: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Session, SessionError> {
    let found = session_token::Entity::find_by_id(id)
        .filter(session_token::Column::Purpose.eq(purpose.as_str()))
        .find_also_related(linked_account::Entity)
        .and_also_related(org::Entity)
        .one(db)
        .await?;
    session_of(found, now)
}

/// A token, its linked account and its org, read in one query.
type Found = (
    session_token::Model,
    Option<linked_account::Model>,
    Option<org::Model>,
);

fn session_of(found: Option<Found>, now: DateTime<Utc>) -> Result<Session, SessionError> {
    let (token, linked_account, org) = found.ok_or(SessionError::Unknown)?;
    let linked_account = linked_account.ok_or(SessionError::Unknown)?;
    let org = org.ok_or(SessionError::Unknown)?;
    if token.expires_at <= now {
        return Err(SessionError::Expired);
    }
    let environment = linked_account.environment;
    // What a link may show limits what it may do: options that cannot be read (written by a
    // newer Portico, say) refuse the token rather than widen it to every app.
    let options = serde_json::from_str(&token.options).map_err(|error| {
        tracing::warn!(%error, "a token's options could not be read; refusing it");
        SessionError::Unknown
    })?;
    Ok(Session {
        token_id: token.id,
        expires_at: token.expires_at,
        org,
        environment,
        branding: serde_json::from_str(&token.branding).unwrap_or_default(),
        options,
        linked_account,
    })
}

/// Revokes a token of one of the org's linked accounts at once. `false` when there is no such
/// token in this org and environment.
pub async fn revoke(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    id: &str,
) -> Result<bool, DbErr> {
    let Some((token, Some(account))) = session_token::Entity::find_by_id(id)
        .find_also_related(linked_account::Entity)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if account.org_id != org_id || account.environment != environment {
        return Ok(false);
    }
    revoke_by_id(db, &token.id).await
}

/// Revokes any token by id (for operators); `false` when there is none.
pub(crate) async fn revoke_by_id(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    let result = session_token::Entity::delete_by_id(id).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// Deletes tokens that expired before `now`.
pub(crate) async fn purge_expired(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = session_token::Entity::delete_many()
        .filter(session_token::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
