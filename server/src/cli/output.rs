//! How a command prints what it made: sentences, `eval`-able lines or one JSON object.

use clap::ValueEnum;
use serde_json::Value;

/// How a command prints what it created.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Sentences for a person.
    Human,
    /// `PORTICO_NAME=value` lines for `eval`.
    Env,
    /// One JSON object.
    Json,
}

/// Prints `pairs` in the chosen format; `human` is the sentence for a person.
pub(super) fn print(format: Format, human: &str, pairs: &[(&str, Value)]) {
    match format {
        Format::Human => println!("{human}"),
        Format::Env => {
            for (name, value) in pairs {
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                println!("PORTICO_{}={}", name.to_uppercase(), shell_quote(&value));
            }
        }
        Format::Json => {
            let object: serde_json::Map<String, Value> = pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect();
            println!("{}", Value::Object(object));
        }
    }
}

/// Quotes a value for POSIX `eval` only when it needs it.
fn shell_quote(value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if plain && !value.is_empty() {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn env_values_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quote("http://127.0.0.1:3000/connect/pst_a-b_c"),
            "http://127.0.0.1:3000/connect/pst_a-b_c"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote(""), "''");
    }
}
