//! The embedded widget's side of things: its token (in the frame's address and its forms, as
//! third-party frames get no cookies), the one-time message a button leaves for the next page
//! (sealed into that page's address, since there is no session to keep it in), and the state
//! the widget watches.

use app::dto::{Flash, WidgetConnection, WidgetState};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

use crate::connections::{self, Status};
use crate::entity::linked_account;
use crate::oauth;
use crate::sessions::{self, Purpose, Session, SessionError};
use crate::vault::{Binding, Vault};

/// How long a button's message may be shown after the button was pressed.
const MESSAGE_TTL: Duration = Duration::minutes(5);

/// The widget's session for a presented token; a hosted link or an SDK token opens no widget.
pub async fn visitor(db: &impl ConnectionTrait, token: &str) -> Result<Session, SessionError> {
    sessions::resolve(db, token, Purpose::Embed).await
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    flash: Flash,
    /// The state before the button was pressed, so the page that follows can tell the host
    /// what the button changed.
    before: WidgetState,
    until: DateTime<Utc>,
}

/// What a button left for the page that follows it.
#[derive(Debug, PartialEq)]
pub struct Message {
    pub flash: Flash,
    pub before: WidgetState,
}

fn binding(token_id: &str) -> Binding {
    Binding::new("embed_message", &[("token", token_id)])
}

/// Where a button's message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// In the widget's list.
    InList,
    /// In the sign-in window a Connect opened: a sign-in that cannot start says why there,
    /// where the customer is looking.
    InSignInWindow,
}

/// The address that shows `flash` once: the message is sealed for this token, so the address
/// reveals nothing typed into a form and works for no other widget.
pub fn page_with(
    vault: &Vault,
    token: &str,
    session: &Session,
    flash: &Flash,
    before: &WidgetState,
    shown: Shown,
) -> String {
    let sealed = Sealed {
        flash: flash.clone(),
        before: before.clone(),
        until: Utc::now() + MESSAGE_TTL,
    };
    let plain = serde_json::to_vec(&sealed).expect("messages serialize");
    let done = URL_SAFE_NO_PAD.encode(vault.seal(&plain, &binding(&session.token_id)));
    match shown {
        Shown::InList => format!("/embed/{token}?done={done}"),
        Shown::InSignInWindow => format!("/embed/{token}/sign-in?done={done}"),
    }
}

/// The message a button left, if `done` is one sealed for this token and still fresh.
pub fn message(vault: &Vault, session: &Session, done: &str) -> Option<Message> {
    let sealed = URL_SAFE_NO_PAD.decode(done).ok()?;
    let plain = vault.open(&sealed, &binding(&session.token_id)).ok()?;
    let message: Sealed = serde_json::from_slice(&plain).ok()?;
    (message.until > Utc::now()).then_some(Message {
        flash: message.flash,
        before: message.before,
    })
}

/// What the widget watches: the linked account's connections and its sign-ins in flight.
pub async fn state(
    db: &impl ConnectionTrait,
    account: &linked_account::Model,
) -> Result<WidgetState, DbErr> {
    let connections = connections::of_linked_account(db, &account.id)
        .await?
        .into_iter()
        .map(|record| WidgetConnection {
            reason: match Status::of(&record) {
                Status::Active => None,
                Status::ReauthRequired(reason) => Some(reason),
            },
            id: record.id,
            slug: record.slug,
            identifier: record.identifier,
        })
        .collect();
    Ok(WidgetState {
        connections,
        flows: oauth::flows_in_flight(db, &account.id, Utc::now()).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::org;
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
        let before = WidgetState {
            connections: vec![],
            flows: vec![("twilio".to_owned(), app::dto::Flow::Waiting)],
        };
        let address = page_with(&vault, "pst_abc", &mine, &flash, &before, Shown::InList);
        assert!(address.starts_with("/embed/pst_abc?done="), "{address}");
        assert!(!address.contains("4155550123"), "{address}");
        let done = address.split("done=").nth(1).unwrap();
        assert_eq!(
            message(&vault, &mine, done),
            Some(Message { flash, before })
        );
        assert_eq!(message(&vault, &session("t2"), done), None);
        assert_eq!(message(&vault, &mine, "not-sealed"), None);
    }
}
