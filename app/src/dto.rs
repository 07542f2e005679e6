//! Data the backend hands to pages. Plain, owned and serializable, so islands may take it as props.

use serde::{Deserialize, Serialize};

/// Everything the hosted connect page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedPage {
    pub branding: Branding,
    /// The end customer's display name, when the vendor gave one.
    pub linked_account_name: Option<String>,
    pub apps: Vec<AppCard>,
    /// What the last button did, shown once (it travels in the browser session, never in
    /// the address).
    pub flash: Option<Flash>,
}

/// The outcome of the last button press, kept in the browser's session for the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flash {
    Connected(String),
    Disconnected(String),
    /// A refusal about an app (by slug).
    Notice(Notice, String),
    /// A key form that did not save: its messages and non-secret values.
    KeyForm(KeyFormState),
}

/// How the vendor's page looks: its name, colours and logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    pub name: String,
    /// Accent colour as `#rrggbb`.
    pub accent: String,
    /// Text colour that reads well on the accent (`#000000` or `#ffffff`).
    pub accent_ink: String,
    /// Page background as `#rrggbb`, when the vendor set one.
    pub background: Option<String>,
    pub logo_url: Option<String>,
}

/// One application as a card on the hosted page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppCard {
    pub slug: String,
    pub name: String,
    pub icon_url: String,
    pub description: String,
    pub tags: Vec<String>,
    pub auth_type: AuthType,
    pub status: CardStatus,
    /// What the end customer types before an OAuth2 sign-in, e.g. a Zendesk subdomain.
    pub connect_fields: Vec<ConnectField>,
    /// A key-based app's form fields.
    pub key_fields: Vec<KeyField>,
}

/// One field of a key-based app's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyField {
    pub name: String,
    pub label: String,
    /// The HTML input type: `text`, `password`, `email`, `url`, `tel` or `number`.
    pub input_type: String,
    pub required: bool,
    pub placeholder: String,
    pub help: Option<String>,
    /// Masked, and never sent back to the page.
    pub secret: bool,
}

/// A key form sent back to the page after a failed save: which app, the message for each
/// field, and the non-secret values the user typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyFormState {
    pub slug: String,
    pub errors: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
    /// A message about the whole form, e.g. the provider could not be reached.
    pub problem: Option<String>,
}

impl KeyFormState {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.as_str())
    }
}

/// One value asked on the card before signing in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectField {
    pub name: String,
    pub label: String,
    pub placeholder: String,
    pub help: Option<String>,
}

impl AppCard {
    /// Lower-case text the search box matches against: name, slug, description and tags.
    pub fn search_text(&self) -> String {
        let mut text = format!("{} {} {}", self.name, self.slug, self.description);
        for tag in &self.tags {
            text.push(' ');
            text.push_str(tag);
        }
        text.to_lowercase()
    }
}

/// How an end customer authenticates to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthType {
    #[serde(rename = "oauth2")]
    OAuth2,
    #[serde(rename = "keybased")]
    KeyBased,
}

/// Where the linked account stands with an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CardStatus {
    NotConnected,
    Connected(Vec<ConnectedAccount>),
    ReauthRequired {
        reason: ReauthReason,
        accounts: Vec<ConnectedAccount>,
    },
    /// The vendor turned the app off: its connections wait until it is on again, and no
    /// reconnect is offered meanwhile.
    TurnedOff(Vec<ConnectedAccount>),
}

/// One connected account of an application, as shown on a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedAccount {
    pub identifier: String,
    /// RFC 3339, for `<time datetime>`.
    pub connected_at: String,
    /// The same instant in words, e.g. `31 May 2023`.
    pub connected_on: String,
    /// Whole days left before the credentials stop working, when that is soon.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// Why Portico can no longer authenticate a connection: exactly one per cause the product knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReauthReason {
    CredentialsExpired,
    TokenRevoked,
    RefreshTokenExpired,
    AppUninstalled,
    AppDeleted,
}

impl ReauthReason {
    pub const ALL: [Self; 5] = [
        Self::CredentialsExpired,
        Self::TokenRevoked,
        Self::RefreshTokenExpired,
        Self::AppUninstalled,
        Self::AppDeleted,
    ];

    /// The wire value used in the API, the database and webhooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CredentialsExpired => "credentials_expired",
            Self::TokenRevoked => "token_revoked",
            Self::RefreshTokenExpired => "refresh_token_expired",
            Self::AppUninstalled => "app_uninstalled",
            Self::AppDeleted => "app_deleted",
        }
    }

    /// Parses the wire value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }

    /// The reason in plain words for the end customer.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::CredentialsExpired => {
                "The credentials you entered have expired. Enter new ones to keep this app working."
            }
            Self::TokenRevoked => {
                "Access to your account was revoked. Reconnect to grant access again."
            }
            Self::RefreshTokenExpired => {
                "Your sign-in has expired. Reconnect to keep this app working."
            }
            Self::AppUninstalled => {
                "The app was uninstalled from your account. Reconnect to install it again."
            }
            Self::AppDeleted => "This app was removed and set up again. Reconnect to use it.",
        }
    }
}

/// Why a Connect or Disconnect button did not go through, shown as a banner on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The app is not offered to this linked account.
    UnknownApp,
    /// The org has not finished setting the app up (no OAuth client id).
    NotConfigured,
    /// Something failed on Portico's side.
    Unavailable,
    /// A detail the app needs before sign-in (such as a subdomain) was missing or invalid.
    NeedsDetails,
}

impl Notice {
    /// The notice in words, about the app named `app`.
    pub fn explanation(self, app: &str) -> String {
        match self {
            Self::UnknownApp => format!("{app} is not offered here any more."),
            Self::NotConfigured => format!(
                "{app} is not set up yet. Ask the team that sent you this link to finish setting it up."
            ),
            Self::Unavailable => {
                format!("Portico could not reach {app} just now. Please try again in a minute.")
            }
            Self::NeedsDetails => format!(
                "{app} needs a detail before you sign in. Check what you entered and choose Connect again."
            ),
        }
    }
}

/// Whether a card is shown for a search: every word of `query` must appear in the card's search
/// text, and `tag`, when set, must be one of its tags. The server and the search island both use it.
pub fn card_matches(search_text: &str, tags: &[&str], query: &str, tag: &str) -> bool {
    let query = query.to_lowercase();
    let words_match = query
        .split_whitespace()
        .all(|word| search_text.contains(word));
    let tag_matches = tag.is_empty() || tags.contains(&tag);
    words_match && tag_matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reauth_reasons_round_trip_through_their_wire_values() {
        for reason in ReauthReason::ALL {
            assert_eq!(ReauthReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(ReauthReason::parse("expired"), None);
    }

    #[test]
    fn search_needs_every_word_and_the_tag() {
        let text = "slack slack team chat communication";
        assert!(card_matches(text, &["Communication"], "", ""));
        assert!(card_matches(text, &["Communication"], "TEAM chat", ""));
        assert!(!card_matches(text, &["Communication"], "team crm", ""));
        assert!(card_matches(
            text,
            &["Communication"],
            "slack",
            "Communication"
        ));
        assert!(!card_matches(text, &["Communication"], "slack", "CRM"));
    }
}
