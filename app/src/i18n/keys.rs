//! Every language has every key of the pages, and every key is used: a key missing from one
//! language, left over in one, or no longer used anywhere fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::Locale;
use crate::reason::{ReauthAction, ReauthReason};

const LOCALES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");

/// The files of the pages' words, by name (the catalog's texts have a test of their own).
const FILES: [&str; 2] = ["portico.ftl", "pages.ftl"];

/// The message keys a Fluent file defines, in order.
fn keys_in(path: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    text.lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_owned()))
        .collect()
}

fn file(locale: Locale, name: &str) -> PathBuf {
    Path::new(LOCALES).join(locale.as_str()).join(name)
}

#[test]
fn every_language_has_exactly_the_english_keys() {
    let mut problems = Vec::new();
    for name in FILES {
        let english: BTreeSet<String> = keys_in(&file(Locale::En, name)).into_iter().collect();
        for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
            let keys = keys_in(&file(locale, name));
            let mut seen = BTreeMap::new();
            for key in &keys {
                *seen.entry(key.clone()).or_insert(0) += 1;
            }
            let theirs: BTreeSet<String> = keys.into_iter().collect();
            for key in english.difference(&theirs) {
                problems.push(format!("{}/{name}: `{key}` is missing", locale.as_str()));
            }
            for key in theirs.difference(&english) {
                problems.push(format!(
                    "{}/{name}: `{key}` is not an English key",
                    locale.as_str()
                ));
            }
            for (key, count) in seen.into_iter().filter(|(_, count)| *count > 1) {
                problems.push(format!(
                    "{}/{name}: `{key}` is there {count} times",
                    locale.as_str()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Keys the code builds from a value rather than writing out.
fn built_keys() -> BTreeSet<String> {
    let actions = [
        ReauthAction::RenewCredentials,
        ReauthAction::Reconnect,
        ReauthAction::SignInAgain,
        ReauthAction::Reinstall,
    ];
    ReauthReason::ALL
        .into_iter()
        .map(|reason| format!("reason-{}", reason.as_str()))
        .chain(
            actions
                .into_iter()
                .map(|action| format!("action-{}", action.as_str().replace('_', "-"))),
        )
        .collect()
}

/// The Rust sources of the pages and the server.
fn sources() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut text = String::new();
    let mut dirs = vec![root.join("app/src"), root.join("server/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    text
}

#[test]
fn every_english_key_is_used_by_the_code() {
    let sources = sources();
    let built = built_keys();
    let unused: Vec<String> = FILES
        .into_iter()
        .flat_map(|name| keys_in(&file(Locale::En, name)))
        .filter(|key| !built.contains(key) && !sources.contains(&format!("\"{key}\"")))
        .collect();
    assert!(unused.is_empty(), "keys no code uses: {unused:?}");
}

#[test]
fn the_reason_table_and_the_english_words_agree() {
    for row in crate::reason::REASONS {
        let key = format!("reason-{}", row.reason.as_str());
        assert_eq!(
            super::find(Locale::En, &key).as_deref(),
            Some(row.sentence),
            "{key}"
        );
    }
}

/// A value for every variable the sentences use: numbers where they count something.
fn sample_values() -> Vec<(&'static str, super::Arg<'static>)> {
    let numbers = ["total", "shown", "days", "most", "length", "seconds"];
    let texts = [
        "app",
        "vendor",
        "name",
        "label",
        "example",
        "field",
        "org",
        "account",
        "reason",
        "signed_in",
        "expected",
        "whom",
        "action",
    ];
    numbers
        .into_iter()
        .map(|name| (name, 3_i64.into()))
        .chain(texts.into_iter().map(|name| (name, "X".into())))
        .collect()
}

/// Every sentence of every language reads with its values put in: a broken variable or
/// selector fails here, as an unknown key does.
#[test]
fn every_key_reads_in_every_language() {
    for locale in Locale::ALL {
        for name in FILES {
            for key in keys_in(&file(locale, name)) {
                let text = super::exact(locale, &key, &sample_values()).unwrap_or_default();
                assert!(
                    !text.is_empty() && !text.contains('{'),
                    "{}: {key} reads “{text}”",
                    locale.as_str()
                );
            }
        }
    }
}

/// The keys the code names where it looks words up (`t.s("…")`, `t.a("…", …)`,
/// `.worded("…", …)`).
fn named_in(sources: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for opener in [".s(\"", ".a(\"", ".worded(\"", ".a(\n        \""] {
        for (at, _) in sources.match_indices(opener) {
            let rest = &sources[at + opener.len()..];
            let Some(end) = rest.find('"') else { continue };
            let key = &rest[..end];
            // `key` itself is the placeholder of the examples in the documentation.
            let word = key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
            if !key.is_empty() && key != "key" && word {
                keys.insert(key.to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_code_names_is_in_english() {
    let english: BTreeSet<String> = FILES
        .into_iter()
        .flat_map(|name| keys_in(&file(Locale::En, name)))
        .collect();
    let named = named_in(&sources());
    assert!(
        named.len() > 50,
        "found only {} keys in the code",
        named.len()
    );
    let missing: Vec<&String> = named.difference(&english).collect();
    assert!(
        missing.is_empty(),
        "keys the code names that English lacks: {missing:?}"
    );
}
