//! The id a request is known by in the logs: the caller's `x-request-id` when it is a short
//! run of safe characters (a proxy's or the vendor's own id), otherwise a new UUID. It is
//! echoed in the answer, so a vendor can quote it in a support request.

/// The header the id is read from and echoed in.
pub(crate) const HEADER: &str = "x-request-id";

/// The longest id taken from a caller; a longer one is replaced.
const MOST_CHARS: usize = 128;

/// The id for a request that came with `given` (its `x-request-id`, if any).
pub(crate) fn of(given: Option<&str>) -> String {
    given
        .filter(|id| acceptable(id))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Letters, digits and `-_.:/+=` only, at most 128 of them: nothing a log reader or a
/// terminal could take for something else.
fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MOST_CHARS
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:/+=".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callers_id_is_kept_when_it_is_short_and_plain() {
        assert_eq!(of(Some("req-42_a.b")), "req-42_a.b");
        let uuid = "0b3a7c2e-9f4d-4e51-8a35-2d6f1c9e8b70";
        assert_eq!(of(Some(uuid)), uuid);
    }

    #[test]
    fn an_empty_long_or_strange_id_is_replaced_by_a_uuid() {
        for given in [
            None,
            Some(""),
            Some("has space"),
            Some("line\nbreak"),
            Some("\u{1b}[31mred"),
            Some("ünïcode"),
            Some("{\"json\":1}"),
        ] {
            let id = of(given);
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{given:?} gave {id}");
        }
        let long = "a".repeat(MOST_CHARS + 1);
        assert!(uuid::Uuid::parse_str(&of(Some(&long))).is_ok());
        assert_eq!(of(Some(&"a".repeat(MOST_CHARS))).len(), MOST_CHARS);
    }
}
