//! What a vendor asks of a hosted link or widget beyond its branding: which apps, the one it
//! opens on, and its language.

use serde::{Deserialize, Deserializer, Serialize};

use crate::input::FieldError;

/// What a hosted link or widget shows beyond its branding: only `apps` (every enabled app when
/// `None`), opening on `app`. Only these apps may be connected, changed or disconnected
/// through the token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apps: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// The language of the page or widget, whatever the browser prefers. One this version of
    /// Portico does not speak reads as none (the browser's then).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "spoken"
    )]
    pub locale: Option<app::i18n::Locale>,
}

/// At most this many apps in `apps`.
const MOST_APPS: usize = 100;

impl LinkOptions {
    /// Checks `apps` and `app` against the slugs the org has enabled: each must be one, `app`
    /// must be among `apps` when both are given, and `app` alone shows just that app.
    pub fn parse(
        apps: Option<&[String]>,
        app: Option<&str>,
        enabled: &[String],
    ) -> Result<Self, FieldError> {
        let offered = |field: &str, slug: &str| -> Result<String, FieldError> {
            if enabled.iter().any(|enabled| enabled == slug) {
                return Ok(slug.to_owned());
            }
            let shown: String = slug.chars().take(64).collect();
            Err(FieldError::new(
                field,
                format!("“{shown}” is not an app enabled in this environment"),
            ))
        };
        let apps = match apps {
            None => None,
            Some([]) => return Err(FieldError::new("apps", "must name at least one app")),
            Some(apps) if apps.len() > MOST_APPS => {
                return Err(FieldError::new("apps", "may name at most 100 apps"));
            }
            Some(apps) => {
                let mut checked: Vec<String> = Vec::with_capacity(apps.len());
                for slug in apps {
                    let slug = offered("apps", slug)?;
                    if !checked.contains(&slug) {
                        checked.push(slug);
                    }
                }
                Some(checked)
            }
        };
        let app = app.map(|slug| offered("app", slug)).transpose()?;
        let apps = match (apps, &app) {
            (Some(apps), Some(app)) if !apps.contains(app) => {
                return Err(FieldError::new("app", "must be one of `apps`"));
            }
            (None, Some(app)) => Some(vec![app.clone()]),
            (apps, _) => apps,
        };
        Ok(Self {
            apps,
            app,
            locale: None,
        })
    }

    /// Checks the `locale` a vendor asked for: one of the languages Portico speaks.
    pub fn with_locale(mut self, locale: Option<&str>) -> Result<Self, FieldError> {
        self.locale = locale
            .map(|tag| {
                app::i18n::Locale::parse(tag).ok_or_else(|| {
                    FieldError::new("locale", "must be one of en, de, fr, es, ja, pt-BR")
                })
            })
            .transpose()?;
        Ok(self)
    }

    /// Whether the token may show and act on `slug`.
    pub fn allows(&self, slug: &str) -> bool {
        self.apps
            .as_ref()
            .is_none_or(|apps| apps.iter().any(|app| app == slug))
    }
}

/// A stored language tag, or none when it is not one Portico speaks.
fn spoken<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<app::i18n::Locale>, D::Error> {
    let tag = Option::<String>::deserialize(deserializer)?;
    Ok(tag.as_deref().and_then(app::i18n::Locale::parse))
}

#[cfg(test)]
mod tests {
    use super::LinkOptions;

    #[test]
    fn stored_options_keep_their_apps_whatever_the_language() {
        let read: LinkOptions =
            serde_json::from_str(r#"{"apps":["slack"],"locale":"tlh"}"#).unwrap();
        assert_eq!(read.apps.as_deref(), Some(&["slack".to_owned()][..]));
        assert_eq!(read.locale, None);
        let read: LinkOptions = serde_json::from_str(r#"{"locale":"pt-BR"}"#).unwrap();
        assert_eq!(read.locale, Some(app::i18n::Locale::PtBr));
        assert!(serde_json::from_str::<LinkOptions>(r#"{"apps":"slack"}"#).is_err());
    }
}
