//! Data the backend hands to pages. Plain, owned and serializable, so islands may take it as props.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Everything the hosted connect page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedPage {
    pub branding: Branding,
    /// The end customer's display name, when the vendor gave one.
    pub linked_account_name: Option<String>,
    pub apps: Vec<AppCard>,
    /// What the last button did, shown once (it travels in the browser session, or sealed
    /// in the embedded widget's address).
    pub flash: Option<Flash>,
    /// Set when the list is shown as the embedded widget.
    pub embed: Option<EmbedView>,
    /// The language the page is written in.
    #[serde(default)]
    pub locale: crate::i18n::Locale,
    /// On the hosted page: the id of the link the list is shown for, which its forms carry.
    pub link_id: Option<String>,
    /// The app the link or widget opens on (its card alone, with a way to the others when
    /// there are any).
    #[serde(default)]
    pub focus: Option<String>,
}

/// What the embedded widget needs beyond the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbedView {
    pub token: String,
    /// The host pages that may frame the widget and receive its events (exact origins).
    pub allowed_origins: Vec<String>,
    /// What the last button changed, when the page follows one: news for the host page.
    pub announce: Vec<WidgetEvent>,
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
    /// With a background: whether it is dark, which then picks the page's light or dark
    /// colours instead of the reader's setting.
    #[serde(default)]
    pub background_dark: bool,
    pub logo_url: Option<String>,
    /// Whether the page says "Secured by Portico".
    #[serde(default)]
    pub secured_by: bool,
}

/// One application as a card on the hosted page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppCard {
    pub slug: String,
    pub name: String,
    pub icon_url: String,
    pub description: String,
    /// Category values (what the filter sends), in the catalog's words.
    pub tags: Vec<String>,
    /// The same categories in the page's language, in the same order.
    #[serde(default)]
    pub tag_labels: Vec<String>,
    pub auth_type: AuthType,
    pub status: CardStatus,
    /// What the end customer types before an OAuth2 sign-in, e.g. a Zendesk subdomain.
    pub connect_fields: Vec<ConnectField>,
    /// A key-based app's form fields.
    pub key_fields: Vec<KeyField>,
    /// A sign-in started for this app and not finished.
    #[serde(default)]
    pub flow: Option<Flow>,
}

/// A sign-in that was started but has not come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// The provider's page is open somewhere and may still come back.
    Waiting,
    /// It ran out of time (the window was closed, say) without connecting anything.
    NotFinished,
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
        for tag in self.tags.iter().chain(&self.tag_labels) {
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
    /// The same instant in words in the page's language, e.g. `31 May 2023`.
    pub connected_on: String,
    /// Whole days left before the credentials stop working, when that is soon.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

pub use crate::reason::{ReasonRow, ReauthAction, ReauthReason};

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
    pub fn explanation(self, app: &str, t: crate::i18n::T) -> String {
        let key = match self {
            Self::UnknownApp => "notice-unknown-app",
            Self::NotConfigured => "notice-not-configured",
            Self::Unavailable => "notice-unavailable",
            Self::NeedsDetails => "notice-needs-details",
        };
        t.a(key, &[("app", app.into())])
    }
}

/// What the widget watches, as the server streams it: every connection of the linked account
/// and the sign-ins in flight.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetState {
    pub connections: Vec<WidgetConnection>,
    /// Sign-ins started and not back, by app slug.
    pub flows: Vec<(String, Flow)>,
}

/// One connection as the widget sees it: never a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetConnection {
    pub id: String,
    pub slug: String,
    pub identifier: Option<String>,
    /// Why it needs reconnecting; `None` while it works.
    pub reason: Option<ReauthReason>,
}

/// A message the widget posts to its host page. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetEvent {
    /// `portico:connected`, `portico:reauth_required`, `portico:disconnected` or `portico:error`.
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    pub slug: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReauthReason>,
    /// With `reason`: what the customer should do, from the reason table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauth_action: Option<ReauthAction>,
    /// With `reason`: whether a reconnect can fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
    /// What went wrong, for `portico:error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Cow<'static, str>>,
}
