//! Parsing untrusted input into domain values; every parser fails with a [`FieldError`] that
//! names the field and says why in plain words.

use std::fmt;

/// A rejected input value: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    /// Why, in English, as the API says it.
    pub message: String,
    /// Why, as a whole sentence of the pages' words, for a form shown to an end customer.
    pub words: Option<Worded>,
}

/// A sentence of the pages' words (`app/locales`) and the values put into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            words: None,
        }
    }

    /// The same refusal with its sentence for the pages.
    pub fn worded(mut self, key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        self.words = Some(Worded { key, args });
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Trims `value` and checks it is a non-empty line of at most `max_chars` characters without
/// control characters. Any other Unicode is accepted as is.
pub(crate) fn text_line(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// A colour as `#rrggbb` (lower case); `#rgb` is expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexColor(String);

impl HexColor {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        let digits = value.strip_prefix('#').unwrap_or(value);
        let valid = matches!(digits.len(), 3 | 6) && digits.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(FieldError::new(field, "must be a colour like #1a73e8"));
        }
        let digits = digits.to_ascii_lowercase();
        let full = if digits.len() == 3 {
            digits.chars().flat_map(|c| [c, c]).collect()
        } else {
            digits
        };
        Ok(Self(format!("#{full}")))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// `#000000` or `#ffffff`, whichever contrasts more with this colour (WCAG luminance).
    pub(crate) fn ink(&self) -> &'static str {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        // Contrast with white is (1.05)/(L+0.05), with black (L+0.05)/0.05; equal at L≈0.179.
        if luminance > 0.179 {
            "#000000"
        } else {
            "#ffffff"
        }
    }
}

/// An absolute `https` URL (or `http` on localhost) of at most 2048 characters.
pub(crate) fn web_url(field: &str, value: &str) -> Result<url::Url, FieldError> {
    let value = value.trim();
    if value.len() > 2048 {
        return Err(FieldError::new(field, "must be at most 2048 characters"));
    }
    let url = url::Url::parse(value).map_err(|_| {
        FieldError::new(
            field,
            "must be an absolute URL like https://example.com/logo.png",
        )
    })?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if local => Ok(url),
        _ => Err(FieldError::new(field, "must use https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            text_line("name", "  Zoë 東京 🚀 ", 20).unwrap(),
            "Zoë 東京 🚀"
        );
        assert_eq!(
            text_line("name", "   ", 20).unwrap_err().message,
            "must not be empty"
        );
        assert!(text_line("name", "a\u{0}b", 20).is_err());
        assert!(text_line("name", "a\nb", 20).is_err());
        assert!(text_line("name", &"é".repeat(21), 20).is_err());
        assert!(text_line("name", &"é".repeat(20), 20).is_ok());
    }

    #[test]
    fn colours_are_normalised_and_get_a_readable_ink() {
        assert_eq!(HexColor::parse("c", "#ABC").unwrap().as_str(), "#aabbcc");
        assert_eq!(HexColor::parse("c", "1a73e8").unwrap().as_str(), "#1a73e8");
        assert!(HexColor::parse("c", "red").is_err());
        assert!(HexColor::parse("c", "#12345g").is_err());
        assert!(HexColor::parse("c", "#fff; background:url(x)").is_err());
        assert_eq!(HexColor::parse("c", "#ffffff").unwrap().ink(), "#000000");
        assert_eq!(HexColor::parse("c", "#1e3a8a").unwrap().ink(), "#ffffff");
        assert_eq!(HexColor::parse("c", "#fde047").unwrap().ink(), "#000000");
    }

    #[test]
    fn urls_must_be_https_except_on_localhost() {
        assert!(web_url("logo", "https://cdn.example.com/a.png").is_ok());
        assert!(web_url("logo", "http://localhost:3000/a.png").is_ok());
        assert!(web_url("logo", "http://example.com/a.png").is_err());
        assert!(web_url("logo", "javascript:alert(1)").is_err());
        assert!(web_url("logo", "/relative.png").is_err());
    }
}
