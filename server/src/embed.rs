//! The embedded widget's side of things: its token (in the frame's address and its forms, as
//! third-party frames get no cookies), the one-time message a button leaves for the next page
//! (sealed into that page's address, since there is no session to keep it in), and the state
//! the widget watches.

use app::dto::{Flash, WidgetConnection, WidgetEvent, WidgetState};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

use crate::connections::{self, Status};
use crate::oauth;
use crate::sessions::{self, Purpose, Session, SessionError};
use crate::vault::{Binding, Vault};

/// How long a button's message may be shown after the button was pressed.
const MESSAGE_TTL: Duration = Duration::minutes(5);

/// The widget's session for a presented token; a hosted link or an SDK token opens no widget.
pub(crate) async fn visitor(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Session, SessionError> {
    sessions::resolve(db, token, Purpose::Embed, now).await
}

/// Where a button's message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// In the widget's list.
    InList,
    /// In the sign-in window a Connect opened: a sign-in that cannot start says why there,
    /// where the customer is looking. Its address is a top-level one, so it holds no token.
    InSignInWindow,
}

impl Shown {
    fn binding(self) -> Binding {
        let shown = match self {
            Self::InList => "list",
            Self::InSignInWindow => "sign_in_window",
        };
        Binding::new("embed_message", &[("shown", shown)])
    }
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    token_id: String,
    flash: Flash,
    announce: Vec<WidgetEvent>,
    until: DateTime<Utc>,
}

/// What a button left for the page that follows it.
#[derive(Debug, PartialEq)]
pub(crate) struct Message {
    /// The widget's token (by id) the button was pressed in.
    pub token_id: String,
    pub flash: Flash,
    /// What the button changed, for the host page.
    pub announce: Vec<WidgetEvent>,
}

/// The address that shows `flash` once, with what the button changed. The message is sealed,
/// so the address reveals nothing typed into a form, and names the token it belongs to.
pub(crate) fn page_with(
    vault: &Vault,
    token: &str,
    session: &Session,
    flash: &Flash,
    announce: Vec<WidgetEvent>,
    shown: Shown,
    now: DateTime<Utc>,
) -> String {
    let sealed = Sealed {
        token_id: session.token_id.clone(),
        flash: flash.clone(),
        announce,
        until: now + MESSAGE_TTL,
    };
    let plain = serde_json::to_vec(&sealed).expect("messages serialize");
    let done = URL_SAFE_NO_PAD.encode(vault.seal(&plain, &shown.binding()));
    match shown {
        Shown::InList => format!("/embed/{token}?done={done}"),
        Shown::InSignInWindow => format!("/embed/sign-in?done={done}"),
    }
}

/// The message in `done`, if it was sealed for where it is shown and is still fresh.
pub(crate) fn message(
    vault: &Vault,
    done: &str,
    shown: Shown,
    now: DateTime<Utc>,
) -> Option<Message> {
    let sealed = URL_SAFE_NO_PAD.decode(done).ok()?;
    let plain = vault.open(&sealed, &shown.binding()).ok()?;
    let message: Sealed = serde_json::from_slice(&plain).ok()?;
    (message.until > now).then_some(Message {
        token_id: message.token_id,
        flash: message.flash,
        announce: message.announce,
    })
}

/// The message a button left for this widget's list: one sealed for another token is none.
pub(crate) fn message_for(
    vault: &Vault,
    session: &Session,
    done: &str,
    now: DateTime<Utc>,
) -> Option<Message> {
    message(vault, done, Shown::InList, now).filter(|message| message.token_id == session.token_id)
}

/// What the widget watches: the linked account's connections and its sign-ins in flight, of
/// the apps its token shows.
pub(crate) async fn state(
    db: &impl ConnectionTrait,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<WidgetState, DbErr> {
    let account = &session.linked_account;
    let shown = |slug: &str| session.options.allows(slug);
    let connections = connections::of_linked_account(db, &account.id)
        .await?
        .into_iter()
        .filter(|record| shown(&record.slug))
        .map(|record| WidgetConnection {
            reason: Status::reauth_reason(&record),
            id: record.id,
            slug: record.slug,
            identifier: record.identifier,
        })
        .collect();
    Ok(WidgetState {
        connections,
        flows: oauth::flows_in_flight(db, &account.id, now)
            .await?
            .into_iter()
            .filter(|(slug, _)| shown(slug))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{linked_account, org};
    use crate::tenancy::Environment;

    fn session(token_id: &str) -> Session {
        let now = Utc::now();
        Session {
            token_id: token_id.to_owned(),
            expires_at: now + Duration::hours(1),
            org: org::Model {
                id: "org".to_owned(),
                name: "Acme".to_owned(),
                brand_color: "#4f46e5".to_owned(),
                logo_url: None,
                allowed_origins: "[]".to_owned(),
                created_at: now,
                locale: "en".to_owned(),
            },
            environment: Environment::Test,
            linked_account: linked_account::Model {
                id: "la".to_owned(),
                org_id: "org".to_owned(),
                environment: Environment::Test,
                external_id: "riley".to_owned(),
                name: None,
                udf: "{}".to_owned(),
                created_at: now,
                updated_at: now,
            },
            branding: Default::default(),
            options: Default::default(),
        }
    }

    #[test]
    fn a_message_opens_only_for_its_own_token_and_hides_what_was_typed() {
        let vault = Vault::from_keyring(&Vault::generate_key("k1")).unwrap();
        let flash = Flash::KeyForm(app::dto::KeyFormState {
            slug: "twilio".to_owned(),
            errors: vec![],
            values: vec![("number".to_owned(), "+14155550123".to_owned())],
            problem: None,
        });
        let mine = session("t1");
        let address = page_with(
            &vault,
            "pst_abc",
            &mine,
            &flash,
            vec![],
            Shown::InList,
            Utc::now(),
        );
        assert!(address.starts_with("/embed/pst_abc?done="), "{address}");
        assert!(!address.contains("4155550123"), "{address}");
        let done = address.split("done=").nth(1).unwrap();
        let opened = message_for(&vault, &mine, done, Utc::now()).unwrap();
        assert_eq!(
            (opened.flash, opened.token_id.as_str()),
            (flash.clone(), "t1")
        );
        assert_eq!(message_for(&vault, &session("t2"), done, Utc::now()), None);
        assert_eq!(message_for(&vault, &mine, "not-sealed", Utc::now()), None);
        // A list's message is not a sign-in window's, nor the other way round.
        assert_eq!(
            message(&vault, done, Shown::InSignInWindow, Utc::now()),
            None
        );
        let window = page_with(
            &vault,
            "pst_abc",
            &mine,
            &flash,
            vec![],
            Shown::InSignInWindow,
            Utc::now(),
        );
        assert!(window.starts_with("/embed/sign-in?done="), "{window}");
        assert!(!window.contains("pst_abc"), "{window}");
        let done = window.split("done=").nth(1).unwrap();
        assert_eq!(message_for(&vault, &mine, done, Utc::now()), None);
        assert!(message(&vault, done, Shown::InSignInWindow, Utc::now()).is_some());
    }
}
