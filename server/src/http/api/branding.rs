//! `/api/v2/public/branding`: how the org's pages look in the key's environment: name, accent
//! colour (refused when it does not read on the page), the "Secured by Portico" line, and a
//! logo uploaded as PNG, JPEG or WebP (`PUT …/branding/logo` with the image as the body).

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    routing::{get, put},
};
use serde::{Deserialize, Deserializer, Serialize};

use crate::branding::{self, ChangeError, Changes, LogoError};
use crate::entity::branding as row;
use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState};
use crate::input::FieldError;

/// Where a logo is uploaded; its body may be larger than other routes'.
pub(crate) const LOGO_PATH: &str = "/api/v2/public/branding/logo";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/branding", get(show).put(change))
        .route(
            "/v2/public/branding/logo",
            put(upload)
                .layer(DefaultBodyLimit::max(branding::LOGO_MOST_BYTES))
                .delete(remove),
        )
}

/// A field that may be absent (unchanged), `null` (cleared) or a value.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandingBody {
    #[serde(default, deserialize_with = "present")]
    name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    accent: Option<Option<String>>,
    secured_by: Option<bool>,
}

#[derive(Serialize)]
struct BrandingView {
    environment: &'static str,
    name: Option<String>,
    accent: Option<String>,
    logo_url: Option<String>,
    secured_by: bool,
}

fn view(
    state: &AppState,
    environment: crate::entity::Environment,
    row: Option<row::Model>,
) -> BrandingView {
    BrandingView {
        environment: environment.as_str(),
        logo_url: row
            .as_ref()
            .and_then(|row| row.logo.as_deref())
            .map(|digest| format!("{}{}", state.public_url, branding::logo_path(digest))),
        name: row.as_ref().and_then(|row| row.name.clone()),
        accent: row.as_ref().and_then(|row| row.accent.clone()),
        secured_by: row.as_ref().is_none_or(|row| row.secured_by),
    }
}

async fn show(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
) -> Result<Json<BrandingView>, ApiError> {
    let row = branding::of(
        &state.db,
        state.changes.lookups(),
        &key.org_id,
        key.environment,
    )
    .await?;
    Ok(Json(view(&state, key.environment, row)))
}

async fn change(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<BrandingBody>,
) -> Result<Json<BrandingView>, ApiError> {
    let changes = Changes {
        name: body.name,
        accent: body.accent,
        secured_by: body.secured_by,
    };
    let row = state
        .change_branding(&key.org_id, key.environment, changes)
        .await?;
    Ok(Json(view(&state, key.environment, Some(row))))
}

async fn upload(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    body: Bytes,
) -> Result<Json<BrandingView>, ApiError> {
    let row = state
        .change_logo(&key.org_id, key.environment, Some(body.to_vec()))
        .await?;
    Ok(Json(view(&state, key.environment, Some(row))))
}

async fn remove(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
) -> Result<Json<BrandingView>, ApiError> {
    let row = state
        .change_logo(&key.org_id, key.environment, None)
        .await?;
    Ok(Json(view(&state, key.environment, Some(row))))
}

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::Invalid(field) => field.into(),
            ChangeError::Logo(LogoError::TooLarge) => {
                Self::PayloadTooLarge(branding::LOGO_MOST_BYTES)
            }
            ChangeError::Logo(refused) => FieldError::new("logo", refused.to_string()).into(),
            ChangeError::Db(error) => Self::Database(error),
        }
    }
}
