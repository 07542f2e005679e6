//! What the pages show, built from the domain's answers: cards, branding, and the messages a
//! button leaves.

use app::dto::{
    AppCard, Branding, CardStatus, ConnectField, ConnectedAccount, Flash, Flow, KeyField,
    KeyFormState, Notice,
};
use app::i18n::{Arg, Locale, T};
use chrono::SecondsFormat;

use crate::connect::ConnectError;
use crate::connections::AppWithConnections;
use crate::input::HexColor;
use crate::sessions::Session;

pub(super) fn notice(error: ConnectError) -> Notice {
    match error {
        ConnectError::UnknownApp | ConnectError::NotOAuth => Notice::UnknownApp,
        ConnectError::NotConfigured(_) => Notice::NotConfigured,
        ConnectError::Invalid(_) => Notice::NeedsDetails,
        ConnectError::Unreachable(_) => Notice::Unavailable,
        ConnectError::Database(error) => {
            tracing::error!(%error, "hosted page: button failed");
            Notice::Unavailable
        }
        ConnectError::Internal(error) => {
            tracing::error!(error = %format!("{error:#}"), "hosted page: button failed");
            Notice::Unavailable
        }
    }
}

/// What the page shows after a key form was saved: a banner, or the form again with a message
/// per field and the non-secret values the user typed (secrets are never shown again).
pub(super) fn key_form_outcome(
    t: T,
    app: &crate::catalog::AppDefinition,
    values: &std::collections::BTreeMap<String, String>,
    outcome: Result<crate::entity::connection::Model, ConnectError>,
) -> Flash {
    let kept = || {
        app.auth_input_map
            .iter()
            .filter(|field| !field.secret)
            .filter_map(|field| {
                values
                    .get(&field.name)
                    .map(|value| (field.name.clone(), value.chars().take(1024).collect()))
            })
            .collect()
    };
    let form = |errors, problem| {
        Flash::KeyForm(KeyFormState {
            slug: app.slug.clone(),
            errors,
            values: kept(),
            problem,
        })
    };
    match outcome {
        Ok(_) => Flash::Connected(app.slug.clone()),
        Err(ConnectError::Invalid(fields)) => {
            // A message about a field the form does not have (a value a browser cannot send
            // from this form) is shown above the form.
            let (known, unknown): (Vec<_>, Vec<_>) = fields.into_iter().partition(|field| {
                app.auth_input_map
                    .iter()
                    .any(|input| input.name == field.field)
            });
            let problem = (!unknown.is_empty()).then(|| {
                unknown
                    .iter()
                    .map(|field| sentence(t, app, field))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            form(
                known
                    .iter()
                    .map(|field| (field.field.clone(), sentence(t, app, field)))
                    .collect(),
                problem,
            )
        }
        Err(ConnectError::Unreachable(name)) => form(
            Vec::new(),
            Some(t.a("keys-unreachable", &[("app", name.into())])),
        ),
        Err(other) => Flash::Notice(notice(other), app.slug.clone()),
    }
}

/// A field's refusal as one sentence in the page's language, naming the field by its label
/// there; in English from the API's words when there is no sentence for it.
fn sentence(t: T, app: &crate::catalog::AppDefinition, field: &crate::input::FieldError) -> String {
    let Some(words) = &field.words else {
        return format!("“{}” {}.", field.field, field.message);
    };
    let label = |english: &str| {
        app.auth_input_map
            .iter()
            .find(|input| input.name == field.field)
            .map(|input| catalog_text(t, &app.slug, "field", &input.name, "label", english))
            .unwrap_or_else(|| english.to_owned())
    };
    let args: Vec<(&str, Arg<'_>)> = words
        .args
        .iter()
        .map(|(name, value)| {
            let value = if *name == "label" {
                label(value)
            } else {
                value.clone()
            };
            (*name, Arg::from(value))
        })
        .collect();
    t.a(words.key, &args)
}

/// A key of the catalog's words: lower case, anything but letters and digits as `-`.
fn key_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// One of an app's texts in the page's language (`app-{slug}-{kind}-{name}-{what}` in the
/// language's `catalog.ftl`), or as the catalog (or the org's own app) says it.
fn catalog_text(t: T, slug: &str, kind: &str, name: &str, what: &str, given: &str) -> String {
    let key = if kind.is_empty() {
        format!("app-{}-{what}", key_part(slug))
    } else {
        format!("app-{}-{kind}-{}-{what}", key_part(slug), key_part(name))
    };
    t.find(&key).unwrap_or_else(|| given.to_owned())
}

/// A category's name in the page's language.
fn tag_label(t: T, tag: &str) -> String {
    t.find(&format!("tag-{}", key_part(tag)))
        .unwrap_or_else(|| tag.to_owned())
}

/// A day in words in the page's language: `6 Dec 2026`, `6. Dez. 2026`, `2026年12月6日`.
pub(super) fn day(at: chrono::DateTime<chrono::Utc>, locale: Locale) -> String {
    use chrono::Locale as Language;
    let (pattern, language) = match locale {
        Locale::En => ("%-d %b %Y", Language::en_GB),
        Locale::De => ("%-d. %b %Y", Language::de_DE),
        Locale::Fr => ("%-d %b %Y", Language::fr_FR),
        Locale::Es => ("%-d %b %Y", Language::es_ES),
        Locale::Ja => ("%Y年%-m月%-d日", Language::ja_JP),
        Locale::PtBr => ("%-d de %b de %Y", Language::pt_BR),
    };
    at.format_localized(pattern, language).to_string()
}

/// How the page looks: the link's own choices, else the environment's branding, else the
/// org's name and colour.
pub(super) fn branding(
    session: &Session,
    brand: Option<&crate::entity::branding::Model>,
) -> Branding {
    let look = crate::branding::look(&session.org, brand);
    let accent = session
        .branding
        .color
        .as_deref()
        .and_then(|color| HexColor::parse("color", color).ok())
        .unwrap_or(look.accent);
    Branding {
        secured_by: look.secured_by,
        name: session.branding.name.clone().unwrap_or(look.name),
        accent_ink: accent.ink().to_owned(),
        accent: accent.as_str().to_owned(),
        background: session.branding.bg_color.clone(),
        background_dark: session
            .branding
            .bg_color
            .as_deref()
            .and_then(|color| HexColor::parse("bgColor", color).ok())
            .is_some_and(|color| color.ink() == "#ffffff"),
        logo_url: session.branding.logo.clone().or(look.logo),
    }
}

pub(super) fn card(
    t: T,
    entry: &AppWithConnections<'_>,
    warn_ahead: chrono::Duration,
    flow: Option<Flow>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppCard {
    let app = &*entry.app;
    let accounts: Vec<ConnectedAccount> = entry
        .connections
        .iter()
        .map(|connection| ConnectedAccount {
            identifier: crate::connections::display_identifier(connection, app),
            connected_at: connection
                .connected_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
            connected_on: day(connection.connected_at, t.locale()),
            // A known expiry that is near: a refresh token's, or a key's the vendor set.
            expires_in_days: connection
                .refresh_expires_at
                .filter(|at| {
                    connection.status == crate::entity::connection::State::Active
                        && *at <= now + warn_ahead
                })
                .map(|at| ((at - now).num_seconds().max(0) + 86_399) / 86_400),
        })
        .collect();
    let status = match (entry.reauth_reason(), accounts.is_empty()) {
        _ if !entry.enabled => CardStatus::TurnedOff(accounts),
        (Some(reason), _) => CardStatus::ReauthRequired { reason, accounts },
        (None, true) => CardStatus::NotConnected,
        (None, false) => CardStatus::Connected(accounts),
    };
    // A sign-in in flight is news only on a card that is not connected (yet, or any more).
    let flow = flow.filter(|_| {
        matches!(
            status,
            CardStatus::NotConnected | CardStatus::ReauthRequired { .. }
        )
    });
    AppCard {
        flow,
        slug: app.slug.clone(),
        name: app.name.clone(),
        icon_url: app.icon_url(""),
        description: catalog_text(t, &app.slug, "", "", "description", &app.description),
        tags: app.tags.clone(),
        tag_labels: app.tags.iter().map(|tag| tag_label(t, tag)).collect(),
        auth_type: app.auth_type.into(),
        status,
        connect_fields: connect_fields(t, app),
        key_fields: key_fields(t, app),
    }
}

/// What an OAuth2 app asks before sign-in, in the page's language.
fn connect_fields(t: T, app: &crate::catalog::AppDefinition) -> Vec<ConnectField> {
    app.oauth
        .iter()
        .flat_map(|oauth| &oauth.params)
        .map(|param| {
            let text = |what: &str, given: &str| {
                catalog_text(t, &app.slug, "param", &param.name, what, given)
            };
            ConnectField {
                name: param.name.clone(),
                label: text("label", &param.label),
                placeholder: text("placeholder", &param.placeholder),
                help: param.help.as_deref().map(|help| text("help", help)),
            }
        })
        .collect()
}

/// A key-based app's form fields, in the page's language.
fn key_fields(t: T, app: &crate::catalog::AppDefinition) -> Vec<KeyField> {
    app.auth_input_map
        .iter()
        .map(|field| {
            let text = |what: &str, given: &str| {
                catalog_text(t, &app.slug, "field", &field.name, what, given)
            };
            KeyField {
                name: field.name.clone(),
                label: text("label", &field.label),
                input_type: if field.secret {
                    "password".to_owned()
                } else {
                    field.kind.as_str().to_owned()
                },
                required: field.required,
                placeholder: text("placeholder", &field.placeholder),
                help: field.help.as_deref().map(|help| text("help", help)),
                secret: field.secret,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::key_part;
    use crate::catalog::Catalog;
    use app::i18n::Locale;

    /// The catalog texts a language translates: each app's description, its fields' and
    /// sign-in values' labels and help, and every category. Placeholders are examples, mostly
    /// left as they are; one translated in a language must be in all of them.
    fn wanted(catalog: &Catalog) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for app in catalog.apps() {
            let slug = key_part(&app.slug);
            keys.insert(format!("app-{slug}-description"));
            let fields = app
                .auth_input_map
                .iter()
                .map(|field| ("field", &field.name, field.help.is_some()));
            let params = app
                .oauth
                .iter()
                .flat_map(|oauth| &oauth.params)
                .map(|param| ("param", &param.name, param.help.is_some()));
            for (kind, name, help) in fields.chain(params) {
                let name = key_part(name);
                keys.insert(format!("app-{slug}-{kind}-{name}-label"));
                if help {
                    keys.insert(format!("app-{slug}-{kind}-{name}-help"));
                }
            }
            for tag in &app.tags {
                keys.insert(format!("tag-{}", key_part(tag)));
            }
        }
        keys
    }

    fn keys_of(locale: Locale) -> BTreeSet<String> {
        let path = format!(
            "{}/../app/locales/{}/catalog.ftl",
            env!("CARGO_MANIFEST_DIR"),
            locale.as_str()
        );
        std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{path}: {error}"))
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_language_translates_every_catalog_text_and_nothing_else() {
        let wanted = wanted(&Catalog::builtin().unwrap());
        let others: Vec<Locale> = Locale::ALL
            .into_iter()
            .filter(|locale| *locale != Locale::En)
            .collect();
        let placeholders: BTreeSet<String> = others
            .iter()
            .flat_map(|locale| keys_of(*locale))
            .filter(|key| key.ends_with("-placeholder"))
            .collect();
        let mut problems = Vec::new();
        for locale in others {
            let theirs = keys_of(locale);
            let tag = locale.as_str();
            for key in wanted.union(&placeholders) {
                if !theirs.contains(key) {
                    problems.push(format!("{tag}/catalog.ftl: `{key}` is missing"));
                }
            }
            for key in theirs.difference(&wanted) {
                if !placeholders.contains(key) {
                    problems.push(format!("{tag}/catalog.ftl: `{key}` names no catalog text"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
