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

    /// The page's lightest background, which an accent is checked against.
    pub(crate) fn page() -> Self {
        Self(PAGE_BACKGROUND.to_owned())
    }

    /// The colour's red, green and blue.
    fn rgb(&self) -> [u8; 3] {
        let channel = |i: usize| u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0);
        [channel(1), channel(3), channel(5)]
    }

    fn from_rgb([r, g, b]: [u8; 3]) -> Self {
        Self(format!("#{r:02x}{g:02x}{b:02x}"))
    }

    /// WCAG relative luminance, from 0 (black) to 1 (white).
    pub(crate) fn luminance(&self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.rgb();
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// The WCAG contrast ratio of two colours, from 1 to 21.
    pub(crate) fn contrast(&self, other: &Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The shade of this colour nearest to it with at least `ratio` contrast against
    /// `background`: mixed towards black on a light background, towards white on a dark one.
    pub(crate) fn nearest_passing(&self, background: &Self, ratio: f64) -> Self {
        let toward: f64 = if background.luminance() > 0.179 {
            0.0
        } else {
            255.0
        };
        let rgb = self.rgb();
        (0..=100)
            .map(|step| {
                let t = f64::from(step) / 100.0;
                let mix = |c: u8| (f64::from(c) + (toward - f64::from(c)) * t).round() as u8;
                Self::from_rgb([mix(rgb[0]), mix(rgb[1]), mix(rgb[2])])
            })
            .find(|shade| shade.contrast(background) >= ratio)
            .unwrap_or_else(|| Self::from_rgb([toward as u8; 3]))
    }

    /// `#000000` or `#ffffff`, whichever contrasts more with this colour (WCAG luminance).
    pub(crate) fn ink(&self) -> &'static str {
        // Contrast with white is (1.05)/(L+0.05), with black (L+0.05)/0.05; equal at L≈0.179.
        if self.luminance() > 0.179 {
            "#000000"
        } else {
            "#ffffff"
        }
    }

    /// This colour as an accent on `background`: refused, naming the nearest shade that
    /// passes, when its contrast is under WCAG AA's 4.5:1.
    pub(crate) fn readable_on(self, field: &str, background: &Self) -> Result<Self, FieldError> {
        let ratio = self.contrast(background);
        if ratio >= AA_CONTRAST {
            return Ok(self);
        }
        let shade = self.nearest_passing(background, AA_CONTRAST);
        Err(FieldError::new(
            field,
            format!(
                "has a contrast of {:.2}:1 against the page's background {}; WCAG AA needs at least 4.5:1. The nearest shade that passes is {}",
                (ratio * 100.0).floor() / 100.0,
                background.as_str(),
                shade.as_str()
            ),
        ))
    }
}

/// The contrast WCAG AA asks of text and of an accent on its background.
pub(crate) const AA_CONTRAST: f64 = 4.5;

const PAGE_BACKGROUND: &str = "#ffffff";

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
