//! `/api/v2/public/branding`: how the org's pages look in the key's environment: name, accent
//! colour (refused when it does not read on the page), the "Secured by Portico" line, and a
//! logo uploaded as PNG, JPEG or WebP (`PUT …/branding/logo` with the image as the body).

use axum::{
    Json,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::branding::{self, ChangeError, Changes, LogoError};
use crate::entity::branding as row;
use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState};
use crate::input::FieldError;

/// Where a logo is uploaded; its body may be larger than other routes'.
pub(crate) const LOGO_PATH: &str = "/api/v2/public/branding/logo";

pub(super) fn router() -> OpenApiRouter<AppState> {
    let (schemas, paths, logo) = routes!(upload, remove);
    OpenApiRouter::new().routes(routes!(show, change)).routes((
        schemas,
        paths,
        logo.layer(DefaultBodyLimit::max(branding::LOGO_MOST_BYTES)),
    ))
}

/// A field that may be absent (unchanged), `null` (cleared) or a value.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Each field may be left out (unchanged), `null` (cleared) or a value.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BrandingBody {
    /// The name the pages show.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    name: Option<Option<String>>,
    /// `#rrggbb`, refused (with the nearest shade that passes) when it has a contrast under
    /// 4.5:1 against the page's background.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    accent: Option<Option<String>>,
    /// Whether the pages say "Secured by Portico".
    secured_by: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct BrandingView {
    #[schema(value_type = String)]
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

/// The pages' branding in this environment
#[utoipa::path(get, path = "/v2/public/branding", tag = "branding",
    responses((status = 200, description = "The branding", body = BrandingView)))]
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

/// Change the pages' name, accent or "Secured by" line
#[utoipa::path(put, path = "/v2/public/branding", tag = "branding",
    request_body = BrandingBody,
    responses((status = 200, description = "The branding", body = BrandingView),
        (status = 422, description = "A field is invalid (an accent that does not read proposes a shade)", body = crate::http::error::ErrorBody)))]
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

/// Upload a logo
///
/// PNG, JPEG or WebP up to 256 KB as the body; it is decoded, scaled and served again as a PNG
/// under a name made of its digest. SVG is refused.
#[utoipa::path(put, path = "/v2/public/branding/logo", tag = "branding",
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (PNG, JPEG or WebP)"),
    responses((status = 200, description = "The branding, with `logo_url`", body = BrandingView),
        (status = 413, description = "Larger than 256 KB", body = crate::http::error::ErrorBody),
        (status = 422, description = "Not an image taken", body = crate::http::error::ErrorBody)))]
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

/// Remove the logo
#[utoipa::path(delete, path = "/v2/public/branding/logo", tag = "branding",
    responses((status = 200, description = "The branding, without a logo", body = BrandingView)))]
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
