//! The one table of reasons a connection needs the end customer again: what the customer is
//! told, what the button says, and what the vendor's code can rely on (a stable action and
//! whether a reconnect can help). The API, the webhook body, the widget's events, the cards and
//! the README all read it from here.

use serde::{Deserialize, Serialize};

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

/// What the end customer should do about a flagged connection, as a stable code for the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReauthAction {
    /// Enter new credentials (a new API key, or sign in again for an OAuth2 app).
    RenewCredentials,
    /// Grant access again: sign in with the provider.
    Reconnect,
    /// The sign-in itself expired: sign in with the provider again.
    SignInAgain,
    /// Install the app in the provider's account again, by signing in.
    Reinstall,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonRow {
    pub reason: ReauthReason,
    /// The reason in plain words for the end customer, on the card.
    pub sentence: &'static str,
    pub action: ReauthAction,
    /// Whether sending the end customer through Connect again can restore the connection as
    /// soon as it is flagged. `false` for `app_deleted`: the vendor must offer the app again
    /// first (`enabled` in the API says when it is).
    pub retryable: bool,
}

/// Every reason, in the order the README lists them.
pub const REASONS: [ReasonRow; 5] = [
    ReasonRow {
        reason: ReauthReason::CredentialsExpired,
        sentence: "The credentials you entered have expired. Enter new ones to keep this app working.",
        action: ReauthAction::RenewCredentials,
        retryable: true,
    },
    ReasonRow {
        reason: ReauthReason::TokenRevoked,
        sentence: "Access to your account was revoked. Reconnect to grant access again.",
        action: ReauthAction::Reconnect,
        retryable: true,
    },
    ReasonRow {
        reason: ReauthReason::RefreshTokenExpired,
        sentence: "Your sign-in has expired. Sign in again to keep this app working.",
        action: ReauthAction::SignInAgain,
        retryable: true,
    },
    ReasonRow {
        reason: ReauthReason::AppUninstalled,
        sentence: "The app was uninstalled from your account. Reinstall it to keep it working.",
        action: ReauthAction::Reinstall,
        retryable: true,
    },
    ReasonRow {
        reason: ReauthReason::AppDeleted,
        sentence: "This app was turned off or removed, and has been set up again since. Reconnect to use it.",
        action: ReauthAction::Reconnect,
        retryable: false,
    },
];

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

    /// This reason's row of the table.
    pub fn row(self) -> &'static ReasonRow {
        REASONS
            .iter()
            .find(|row| row.reason == self)
            .expect("the table has a row for every reason")
    }

    /// The reason in plain words for the end customer.
    pub fn explanation(self) -> &'static str {
        self.row().sentence
    }

    /// What the customer should do.
    pub fn action(self) -> ReauthAction {
        self.row().action
    }

    /// Whether a reconnect can restore the connection now.
    pub fn retryable(self) -> bool {
        self.row().retryable
    }
}

impl ReauthAction {
    /// The stable code vendors read as `reauth_action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RenewCredentials => "renew_credentials",
            Self::Reconnect => "reconnect",
            Self::SignInAgain => "sign_in_again",
            Self::Reinstall => "reinstall",
        }
    }

    /// The words of the button that does it.
    pub fn label(self) -> &'static str {
        match self {
            Self::RenewCredentials => "Renew access",
            Self::Reconnect => "Reconnect",
            Self::SignInAgain => "Sign in again",
            Self::Reinstall => "Reinstall",
        }
    }
}

/// The table as the README shows it (a test keeps the README's copy the same).
#[cfg(test)]
fn markdown_table() -> String {
    let mut table = String::from(
        "| `reauth_reason` | the customer reads | the button | `reauth_action` | `retryable` |\n|---|---|---|---|---|\n",
    );
    for row in REASONS {
        table.push_str(&format!(
            "| `{}` | {} | {} | `{}` | `{}` |\n",
            row.reason.as_str(),
            row.sentence,
            row.action.label(),
            row.action.as_str(),
            row.retryable,
        ));
    }
    table
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
    fn the_table_has_one_row_per_reason_in_order() {
        let reasons: Vec<_> = REASONS.iter().map(|row| row.reason).collect();
        assert_eq!(reasons, ReauthReason::ALL);
    }

    #[test]
    fn the_readme_carries_the_table_as_it_is() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown_table()),
            "README.md's reason table is out of date; it should read:\n{}",
            markdown_table()
        );
    }
}
