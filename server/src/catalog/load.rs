//! The built-in catalog: data files under `server/catalog/`, compiled into the binary, checked
//! and indexed by slug when Portico starts.

use std::collections::HashMap;

use include_dir::{Dir, include_dir};

use super::AppDefinition;

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// The catalog could not be loaded: a data file is wrong.
#[derive(Debug, thiserror::Error)]
#[error("catalog file {file}: {message}")]
pub struct CatalogError {
    file: String,
    message: String,
}

/// All application definitions, sorted by name, with lookup by slug.
#[derive(Debug)]
pub struct Catalog {
    apps: Vec<AppDefinition>,
    by_slug: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog compiled into the binary.
    pub fn builtin() -> Result<Self, CatalogError> {
        let files = BUILTIN
            .files()
            .filter(|file| file.path().extension().is_some_and(|ext| ext == "toml"))
            .map(|file| {
                (
                    file.path().display().to_string(),
                    file.contents_utf8().unwrap_or_default(),
                )
            });
        Self::from_files(files)
    }

    fn from_files<'a>(
        files: impl Iterator<Item = (String, &'a str)>,
    ) -> Result<Self, CatalogError> {
        let mut apps = Vec::new();
        for (file, text) in files {
            let app: AppDefinition = toml::from_str(text).map_err(|error| CatalogError {
                file: file.clone(),
                message: error.message().to_owned(),
            })?;
            app.check()
                .map_err(|message| CatalogError { file, message })?;
            apps.push(app);
        }
        apps.sort_by_key(|app| app.name.to_lowercase());
        let mut by_slug = HashMap::new();
        for (index, app) in apps.iter().enumerate() {
            if by_slug.insert(app.slug.clone(), index).is_some() {
                return Err(CatalogError {
                    file: app.slug.clone(),
                    message: "slug defined twice".to_owned(),
                });
            }
        }
        Ok(Self { apps, by_slug })
    }

    pub fn get(&self, slug: &str) -> Option<&AppDefinition> {
        self.by_slug.get(slug).map(|&index| &self.apps[index])
    }

    pub(crate) fn apps(&self) -> &[AppDefinition] {
        &self.apps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::AuthKind;

    #[test]
    fn the_builtin_catalog_loads_with_a_dozen_apps_of_both_kinds() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let apps = catalog.apps();
        assert!(apps.len() >= 13, "{} apps", apps.len());
        let oauth = apps
            .iter()
            .filter(|app| app.auth_type == AuthKind::OAuth2)
            .count();
        let keyed = apps
            .iter()
            .filter(|app| app.auth_type == AuthKind::KeyBased)
            .count();
        assert!(oauth >= 8 && keyed >= 4, "{oauth} oauth2, {keyed} keybased");
        assert!(catalog.get("sandbox").is_some());
        let twilio = catalog.get("twilio").expect("twilio");
        let names: Vec<_> = twilio
            .auth_input_map
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["number", "sid"]);
    }

    #[test]
    fn every_icon_exists_and_every_oauth_url_is_https_or_local() {
        let icons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/icons");
        for app in Catalog::builtin().unwrap().apps() {
            assert!(icons.join(&app.icon).is_file(), "missing icon {}", app.icon);
            if let Some(oauth) = &app.oauth {
                for url in [&oauth.authorize_url, &oauth.token_url] {
                    assert!(url.starts_with("https://") || url.starts_with('/'), "{url}");
                }
            }
        }
    }

    #[test]
    fn a_broken_data_file_is_refused_with_its_name() {
        let text = "slug = \"x\"\nname = \"X\"\n";
        let error = Catalog::from_files([("x.toml".to_owned(), text)].into_iter()).unwrap_err();
        assert!(
            error.to_string().starts_with("catalog file x.toml:"),
            "{error}"
        );
        let text = r#"slug = "Bad Slug"
name = "X"
description = "d"
tags = []
version = "1.0.0"
auth_type = "oauth2"
icon = "x.svg"
[oauth]
authorize_url = "https://x/a"
token_url = "https://x/t"
"#;
        assert!(Catalog::from_files([("y.toml".to_owned(), text)].into_iter()).is_err());
    }
}
