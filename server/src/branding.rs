//! How an org's pages look in each environment: its name, an accent colour that reads on the
//! page, a logo Portico re-encoded itself, and whether the pages say "Secured by Portico".
//! Anything left unset falls back to the org's own name and colour.

use std::io::Cursor;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use sha2::{Digest, Sha256};

use crate::cache::Lookups;
use crate::entity::{Environment, brand_logo, branding, org};
use crate::input::{FieldError, HexColor, text_line};
use crate::tenancy::DEFAULT_BRAND_COLOR;

/// The largest logo taken, in bytes.
pub const LOGO_MOST_BYTES: usize = 256 * 1024;

/// A logo is shown at most this many pixels on a side (larger ones are scaled down).
const LOGO_SIDE: u32 = 512;

/// The largest picture decoded, so a small file cannot unpack into a huge one.
const DECODE_SIDE: u32 = 4096;

/// What a vendor changes: each `Some` is set (an inner `None` clears it).
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<Option<String>>,
    pub accent: Option<Option<String>>,
    pub secured_by: Option<bool>,
}

/// Why a logo was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogoError {
    #[error("the logo is larger than 256 KB")]
    TooLarge,
    #[error("SVG logos are not taken (they can carry scripts); send a PNG, JPEG or WebP")]
    Svg,
    #[error("the logo must be a PNG, JPEG or WebP image")]
    NotAnImage,
    #[error("the logo could not be read: {0}")]
    Unreadable(String),
    #[error("the logo must be at least 16 × 16 pixels")]
    TooSmall,
}

/// The environment's branding row, as held for a few seconds or else as stored.
pub(crate) async fn of(
    db: &impl ConnectionTrait,
    lookups: &Lookups,
    org_id: &str,
    environment: Environment,
) -> Result<Option<branding::Model>, DbErr> {
    if let Some(held) = lookups.branding(org_id, environment) {
        return Ok(held);
    }
    let reading = lookups.reading();
    let row = branding::Entity::find_by_id((org_id.to_owned(), environment))
        .one(db)
        .await?;
    lookups.keep_branding(reading, org_id, environment, row.clone());
    Ok(row)
}

/// How an org's pages look in an environment: its branding's choices over the org's own.
#[derive(Debug, Clone)]
pub(crate) struct Look {
    pub name: String,
    pub accent: HexColor,
    /// Where the logo is served (Portico's own path, or the org's older URL).
    pub logo: Option<String>,
    pub secured_by: bool,
}

pub(crate) fn look(org: &org::Model, brand: Option<&branding::Model>) -> Look {
    let accent = brand
        .and_then(|brand| brand.accent.as_deref())
        .and_then(|color| HexColor::parse("accent", color).ok())
        .or_else(|| HexColor::parse("accent", &org.brand_color).ok())
        .unwrap_or_else(|| HexColor::parse("accent", DEFAULT_BRAND_COLOR).expect("valid"));
    Look {
        name: brand
            .and_then(|brand| brand.name.clone())
            .unwrap_or_else(|| org.name.clone()),
        accent,
        logo: brand
            .and_then(|brand| brand.logo.as_deref())
            .map(logo_path)
            .or_else(|| org.logo_url.clone()),
        secured_by: brand.is_none_or(|brand| brand.secured_by),
    }
}

/// Checks a name and an accent colour: a line of at most 200 characters, and a colour that
/// reads on the page's background (refused with the nearest shade that does).
pub fn check(changes: &Changes) -> Result<(), FieldError> {
    if let Some(Some(name)) = &changes.name {
        text_line("name", name, 200)?;
    }
    if let Some(Some(accent)) = &changes.accent {
        HexColor::parse("accent", accent)?.readable_on("accent", &HexColor::page())?;
    }
    Ok(())
}

/// Applies checked changes to the environment's branding; the row is made when it is new.
/// Only the values changed are written, so two changes at once never undo each other.
pub async fn change(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    changes: Changes,
    now: DateTime<Utc>,
) -> Result<branding::Model, ChangeError> {
    check(&changes)?;
    let accent = match changes.accent {
        Some(Some(accent)) => Some(Some(
            HexColor::parse("accent", &accent)?.as_str().to_owned(),
        )),
        other => other,
    };
    let name = changes
        .name
        .map(|name| name.map(|name| name.trim().to_owned()));
    let mut update =
        branding::Entity::update_many().col_expr(branding::Column::UpdatedAt, Expr::value(now));
    if let Some(name) = name {
        update = update.col_expr(branding::Column::Name, Expr::value(name));
    }
    if let Some(accent) = accent {
        update = update.col_expr(branding::Column::Accent, Expr::value(accent));
    }
    if let Some(secured_by) = changes.secured_by {
        update = update.col_expr(branding::Column::SecuredBy, Expr::value(secured_by));
    }
    write(db, org_id, environment, update, now).await
}

/// Makes the environment's row when it is new, applies `update` to it, and reads it back.
async fn write(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    update: sea_orm::UpdateMany<branding::Entity>,
    now: DateTime<Utc>,
) -> Result<branding::Model, ChangeError> {
    branding::Entity::insert(branding::ActiveModel {
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        name: Set(None),
        accent: Set(None),
        logo: Set(None),
        secured_by: Set(true),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([branding::Column::OrgId, branding::Column::Environment])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    update
        .filter(branding::Column::OrgId.eq(org_id))
        .filter(branding::Column::Environment.eq(environment))
        .exec(db)
        .await?;
    branding::Entity::find_by_id((org_id.to_owned(), environment))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("branding".to_owned()).into())
}

/// Why branding could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Logo(#[from] LogoError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Takes an uploaded logo: checks its size and type, decodes it (within bounds), scales it
/// to fit [`LOGO_SIDE`] and re-encodes it as a PNG with nothing of the original's metadata.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, LogoError> {
    if bytes.len() > LOGO_MOST_BYTES {
        return Err(LogoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        if head.contains("<svg") || head.trim_start().starts_with("<?xml") {
            LogoError::Svg
        } else {
            LogoError::NotAnImage
        }
    })?;
    if !matches!(
        format,
        image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::WebP
    ) {
        return Err(LogoError::NotAnImage);
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(DECODE_SIDE);
    limits.max_image_height = Some(DECODE_SIDE);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|error| LogoError::Unreadable(error.to_string()))?;
    if picture.width() < 16 || picture.height() < 16 {
        return Err(LogoError::TooSmall);
    }
    let picture = if picture.width() > LOGO_SIDE || picture.height() > LOGO_SIDE {
        picture.resize(LOGO_SIDE, LOGO_SIDE, image::imageops::FilterType::Triangle)
    } else {
        picture
    };
    let mut png = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|error| LogoError::Unreadable(error.to_string()))?;
    Ok(png)
}

/// Stores a logo [`reencode`] made under the digest of its bytes and makes it the
/// environment's (`None` removes the environment's logo).
pub async fn set_logo(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    png: Option<Vec<u8>>,
    now: DateTime<Utc>,
) -> Result<branding::Model, ChangeError> {
    let digest = match png {
        Some(png) => {
            let digest = hex::encode(Sha256::digest(&png));
            brand_logo::Entity::insert(brand_logo::ActiveModel {
                digest: Set(digest.clone()),
                png: Set(png),
                created_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(brand_logo::Column::Digest)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            Some(digest)
        }
        None => None,
    };
    let update = branding::Entity::update_many()
        .col_expr(branding::Column::Logo, Expr::value(digest))
        .col_expr(branding::Column::UpdatedAt, Expr::value(now));
    write(db, org_id, environment, update, now).await
}

/// A stored logo's PNG by its digest.
pub(crate) async fn logo(
    db: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<Vec<u8>>, DbErr> {
    Ok(brand_logo::Entity::find_by_id(digest.to_owned())
        .one(db)
        .await?
        .map(|logo| logo.png))
}

/// Where a logo is served: named by its digest, so it can be cached for good.
pub(crate) fn logo_path(digest: &str) -> String {
    format!("/brand/{digest}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 255]));
        let mut bytes = Vec::new();
        image::DynamicImage::ImageRgba8(picture)
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn logos_are_checked_and_reencoded() {
        let good = reencode(&png(64, 32)).unwrap();
        assert_eq!(image::guess_format(&good).unwrap(), image::ImageFormat::Png);
        let big = reencode(&png(2000, 1000)).unwrap();
        let decoded = image::load_from_memory(&big).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (512, 256));

        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(reencode(svg), Err(LogoError::Svg));
        assert_eq!(reencode(b"<svg onload=alert(1)>"), Err(LogoError::Svg));
        assert_eq!(reencode(b"GIF89a......"), Err(LogoError::NotAnImage));
        assert_eq!(reencode(b"just text"), Err(LogoError::NotAnImage));
        assert_eq!(reencode(&png(8, 8)), Err(LogoError::TooSmall));
        assert_eq!(
            reencode(&vec![0; LOGO_MOST_BYTES + 1]),
            Err(LogoError::TooLarge)
        );
        // A PNG cut short.
        let whole = png(64, 64);
        assert!(matches!(
            reencode(&whole[..whole.len() / 2]),
            Err(LogoError::Unreadable(_))
        ));
    }

    #[test]
    fn an_accent_that_does_not_read_is_refused_with_the_nearest_shade_that_does() {
        let yellow = Changes {
            accent: Some(Some("#ffcc00".to_owned())),
            ..Changes::default()
        };
        let refused = check(&yellow).unwrap_err();
        assert_eq!(refused.field, "accent");
        assert!(refused.message.contains("WCAG AA"), "{}", refused.message);
        let proposed = refused.message.rsplit(' ').next().unwrap();
        let white = HexColor::parse("x", "#ffffff").unwrap();
        let shade = HexColor::parse("x", proposed).unwrap();
        assert!(shade.contrast(&white) >= 4.5, "{proposed}");
        let yellow = HexColor::parse("x", "#ffcc00").unwrap();
        assert!(yellow.contrast(&white) < 4.5);
        let good = Changes {
            accent: Some(Some("#4338ca".to_owned())),
            ..Changes::default()
        };
        assert!(check(&good).is_ok());
    }
}
