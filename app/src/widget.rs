//! What the embedded widget tells its host page: the events between two of its states.

use std::borrow::Cow;

use crate::dto::{Flow, ReauthReason, WidgetConnection, WidgetEvent, WidgetState};

impl WidgetEvent {
    fn about(kind: &'static str, connection: &WidgetConnection) -> Self {
        Self {
            kind: Cow::Borrowed(kind),
            slug: connection.slug.clone(),
            connection_id: Some(connection.id.clone()),
            identifier: connection.identifier.clone(),
            reason: connection.reason,
            reauth_action: connection.reason.map(ReauthReason::action),
            retryable: connection.reason.map(ReauthReason::retryable),
            code: None,
        }
    }
}

impl WidgetState {
    /// What happened between two states, as the events the host page receives: a connection
    /// that appeared or works again is `connected`, one flagged is `reauth_required`, one gone
    /// is `disconnected`, and a sign-in that ran out of time is an `error` (`not_finished`).
    pub fn changes_since(&self, before: &Self) -> Vec<WidgetEvent> {
        let mut events = Vec::new();
        for now in &self.connections {
            let was = before.connections.iter().find(|was| was.id == now.id);
            if was.is_some_and(|was| was.reason == now.reason) {
                continue;
            }
            let kind = match now.reason {
                None => "portico:connected",
                Some(_) => "portico:reauth_required",
            };
            events.push(WidgetEvent::about(kind, now));
        }
        for was in &before.connections {
            if !self.connections.iter().any(|now| now.id == was.id) {
                let gone = WidgetEvent::about(
                    "portico:disconnected",
                    &WidgetConnection {
                        reason: None,
                        ..was.clone()
                    },
                );
                events.push(gone);
            }
        }
        for (slug, flow) in &self.flows {
            let new = !before.flows.contains(&(slug.clone(), *flow));
            if *flow == Flow::NotFinished && new {
                events.push(WidgetEvent {
                    kind: Cow::Borrowed("portico:error"),
                    slug: slug.clone(),
                    connection_id: None,
                    identifier: None,
                    reason: None,
                    reauth_action: None,
                    retryable: None,
                    code: Some(Cow::Borrowed("not_finished")),
                });
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(id: &str, reason: Option<ReauthReason>) -> WidgetConnection {
        WidgetConnection {
            id: id.to_owned(),
            slug: "sandbox".to_owned(),
            identifier: Some(format!("account {id}")),
            reason,
        }
    }

    #[test]
    fn widget_events_follow_each_transition() {
        let empty = WidgetState::default();
        let connected = WidgetState {
            connections: vec![connection("c1", None)],
            flows: vec![],
        };
        let kinds = |events: Vec<WidgetEvent>| -> Vec<String> {
            events
                .into_iter()
                .map(|event| event.kind.into_owned())
                .collect()
        };
        assert_eq!(
            kinds(connected.changes_since(&empty)),
            ["portico:connected"]
        );
        assert!(connected.changes_since(&connected).is_empty());

        let flagged = WidgetState {
            connections: vec![connection("c1", Some(ReauthReason::TokenRevoked))],
            flows: vec![],
        };
        let events = flagged.changes_since(&connected);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "portico:reauth_required");
        assert_eq!(events[0].reason, Some(ReauthReason::TokenRevoked));
        assert_eq!(
            events[0].reauth_action,
            Some(ReauthReason::TokenRevoked.action())
        );
        assert_eq!(events[0].retryable, Some(true));
        assert_eq!(events[0].connection_id.as_deref(), Some("c1"));
        assert_eq!(
            kinds(connected.changes_since(&flagged)),
            ["portico:connected"]
        );

        let gone = empty.changes_since(&flagged);
        assert_eq!(kinds(gone.clone()), ["portico:disconnected"]);
        assert_eq!(gone[0].reason, None);
        assert_eq!(gone[0].reauth_action, None);
        assert_eq!(gone[0].identifier.as_deref(), Some("account c1"));

        let waiting = WidgetState {
            connections: vec![],
            flows: vec![("sandbox".to_owned(), Flow::Waiting)],
        };
        assert!(waiting.changes_since(&empty).is_empty());
        let lapsed = WidgetState {
            connections: vec![],
            flows: vec![("sandbox".to_owned(), Flow::NotFinished)],
        };
        let events = lapsed.changes_since(&waiting);
        assert_eq!(kinds(events.clone()), ["portico:error"]);
        assert_eq!(events[0].code.as_deref(), Some("not_finished"));
        assert!(lapsed.changes_since(&lapsed).is_empty());
    }

    #[test]
    fn widget_events_carry_no_secret_fields() {
        let event = WidgetEvent::about("portico:connected", &connection("c1", None));
        let json = serde_json::to_value(&event).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(keys, ["connection_id", "identifier", "slug", "type"]);
    }
}
