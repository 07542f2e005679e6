//! The languages Portico's pages speak, and their words (Fluent files under `app/locales`,
//! read on the server only: islands get their few words from the page).
//!
//! A page's language is the one its link or widget was made with (`locale`), else the first
//! of the browser's `Accept-Language` that Portico speaks, else the org's default.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A language of the pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "ja")]
    Ja,
    #[serde(rename = "pt-BR")]
    PtBr,
}

impl Locale {
    pub const ALL: [Self; 6] = [Self::En, Self::De, Self::Fr, Self::Es, Self::Ja, Self::PtBr];

    /// The BCP 47 tag, as `lang` and the API say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::Ja => "ja",
            Self::PtBr => "pt-BR",
        }
    }

    /// Exactly one of the tags above (any case), as the API takes it.
    pub fn parse(tag: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|locale| locale.as_str().eq_ignore_ascii_case(tag))
    }

    /// The language a browser's tag asks for: its primary language, so `de-AT` is German and
    /// any Portuguese is Brazilian Portuguese.
    fn of_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.trim();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "de" => Some(Self::De),
            "fr" => Some(Self::Fr),
            "es" => Some(Self::Es),
            "ja" => Some(Self::Ja),
            "pt" => Some(Self::PtBr),
            _ => None,
        }
    }

    /// The most preferred language of an `Accept-Language` header that Portico speaks (by
    /// `q`, then order); none when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut asked: Vec<(f32, usize, Self)> = header
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(order, item)| {
                let mut parts = item.split(';');
                let locale = Self::of_tag(parts.next()?)?;
                let quality = parts
                    .find_map(|part| part.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (quality > 0.0).then_some((quality, order, locale))
            })
            .collect();
        asked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        asked.first().map(|(_, _, locale)| *locale)
    }
}

/// A value put into a sentence.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Self::Text(Cow::Owned(text))
    }
}

impl From<i64> for Arg<'_> {
    fn from(number: i64) -> Self {
        Self::Number(number)
    }
}

impl From<usize> for Arg<'_> {
    fn from(number: usize) -> Self {
        Self::Number(i64::try_from(number).unwrap_or(i64::MAX))
    }
}

/// The words of one language: `t.s("key")`, `t.a("key", &[("name", value.into())])`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct T(pub Locale);

#[cfg(feature = "ssr")]
mod words {
    use std::collections::HashMap;
    use std::sync::LazyLock;

    use fluent_templates::{LanguageIdentifier, Loader, fluent_bundle::FluentValue, static_loader};

    use super::{Arg, Locale};

    static_loader! {
        static WORDS = {
            locales: "./locales",
            fallback_language: "en",
            // No invisible isolation marks around values put into sentences: the pages are
            // left-to-right, and the marks would end up in attributes and titles.
            customise: |bundle| bundle.set_use_isolating(false),
        };
    }

    static IDS: LazyLock<Vec<(Locale, LanguageIdentifier)>> = LazyLock::new(|| {
        Locale::ALL
            .into_iter()
            .map(|locale| (locale, locale.as_str().parse().expect("a valid tag")))
            .collect()
    });

    fn id(locale: Locale) -> &'static LanguageIdentifier {
        &IDS.iter()
            .find(|(known, _)| *known == locale)
            .expect("every locale has an id")
            .1
    }

    type Args<'a> = HashMap<std::borrow::Cow<'static, str>, FluentValue<'a>>;

    fn fluent_args<'a>(args: &'a [(&str, Arg<'_>)]) -> Args<'a> {
        args.iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => FluentValue::from(text.to_string()),
                    Arg::Number(number) => FluentValue::from(*number),
                };
                (std::borrow::Cow::Owned((*name).to_owned()), value)
            })
            .collect()
    }

    pub fn lookup(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let args = fluent_args(args);
        // A missing key shows as itself; the key tests keep that from shipping.
        WORDS
            .try_lookup_complete(id(locale), key, Some(&args))
            .unwrap_or_else(|| key.to_owned())
    }

    /// `key` read in `locale` alone: `None` when it is missing there or does not read (an
    /// unknown variable, say), where a page would fall back to English.
    #[cfg(test)]
    pub fn exact(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
        WORDS
            .lookup_single_language(id(locale), key, Some(&fluent_args(args)))
            .ok()
    }

    /// `key` in `locale`'s own files, without falling back to English.
    pub fn find(locale: Locale, key: &str) -> Option<String> {
        WORDS.lookup_no_default_fallback::<&str>(id(locale), key, None)
    }
}

#[cfg(all(test, feature = "ssr"))]
use words::{exact, find};

#[cfg(all(test, feature = "ssr"))]
mod keys;

impl T {
    /// The words of `key`.
    pub fn s(self, key: &str) -> String {
        self.a(key, &[])
    }

    /// The words of `key` with values put in.
    #[cfg(feature = "ssr")]
    pub fn a(self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        words::lookup(self.0, key, args)
    }

    /// Pages are only written on the server; the islands never look words up.
    #[cfg(not(feature = "ssr"))]
    pub fn a(self, key: &str, _args: &[(&str, Arg<'_>)]) -> String {
        key.to_owned()
    }

    pub fn locale(self) -> Locale {
        self.0
    }

    /// The words of `key` in this language's own files only (no falling back to English): for
    /// texts whose English lives elsewhere, such as the catalog's.
    #[cfg(feature = "ssr")]
    pub fn find(self, key: &str) -> Option<String> {
        words::find(self.0, key)
    }
}

/// The words of the page being written: its language is provided by the page.
pub fn use_t() -> T {
    T(leptos::prelude::use_context::<Locale>().unwrap_or_default())
}

/// The language this request's browser prefers (its `Accept-Language`), for pages that have
/// no link to say one.
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)?
                .to_str()
                .ok()
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_exactly_and_browsers_by_their_primary_language() {
        assert_eq!(Locale::parse("pt-br"), Some(Locale::PtBr));
        assert_eq!(Locale::parse("pt"), None);
        assert_eq!(Locale::parse("de-AT"), None);
        for (header, want) in [
            ("de-AT,de;q=0.9,en;q=0.8", Some(Locale::De)),
            ("nl, fr;q=0.5, en;q=0.7", Some(Locale::En)),
            ("pt-PT", Some(Locale::PtBr)),
            ("ja;q=0, es", Some(Locale::Es)),
            ("xx, zz;q=1", None),
            ("", None),
            ("*", None),
        ] {
            assert_eq!(Locale::from_accept_language(header), want, "{header}");
        }
    }
}
