//! Word, within this process, that a linked account's connections or sign-ins changed, so the
//! widgets watching it look at once instead of at their next scheduled look. It is said after
//! the change is committed. A change made by another process (a replica, the command line) is
//! not heard here; the widgets' scheduled looks find it.

use std::sync::Arc;

use tokio::sync::broadcast::{self, error::RecvError};

/// How many changes may wait for a slow listener before it is told it missed some.
const BACKLOG: usize = 256;

/// What changed.
#[derive(Debug, Clone)]
enum Changed {
    /// One linked account's connections or sign-ins, by Portico's id.
    Account(Arc<str>),
    /// Possibly any account's: a flag over many connections at once.
    Any,
}

/// The announcer every front door and worker of this process shares.
#[derive(Debug, Clone)]
pub struct Changes(broadcast::Sender<Changed>);

impl Default for Changes {
    fn default() -> Self {
        Self(broadcast::channel(BACKLOG).0)
    }
}

impl Changes {
    /// One linked account changed.
    pub fn account(&self, linked_account_id: &str) {
        // Nobody listening is not an error.
        let _ = self.0.send(Changed::Account(linked_account_id.into()));
    }

    /// Connections of many accounts may have changed.
    pub fn any(&self) {
        let _ = self.0.send(Changed::Any);
    }

    /// A listener for one linked account's changes.
    pub fn listen(&self, linked_account_id: &str) -> Listener {
        Listener {
            account: linked_account_id.into(),
            changes: self.0.subscribe(),
        }
    }
}

/// Hears the changes of one linked account.
pub struct Listener {
    account: Arc<str>,
    changes: broadcast::Receiver<Changed>,
}

impl Listener {
    /// Waits until this account may have changed: a change of it, a change of any, or changes
    /// missed because they came faster than they were heard. Never returns once the
    /// announcer is gone.
    pub async fn changed(&mut self) {
        loop {
            match self.changes.recv().await {
                Ok(Changed::Account(id)) if id == self.account => return,
                Ok(Changed::Account(_)) => {}
                Ok(Changed::Any) | Err(RecvError::Lagged(_)) => return,
                Err(RecvError::Closed) => std::future::pending().await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[tokio::test]
    async fn a_listener_hears_its_own_account_and_any_but_not_another() {
        let changes = Changes::default();
        let mut listener = changes.listen("la_1");
        changes.account("la_2");
        assert!(
            listener.changed().now_or_never().is_none(),
            "another account's change is not heard"
        );
        changes.account("la_2");
        changes.account("la_1");
        assert!(listener.changed().now_or_never().is_some());
        changes.any();
        assert!(listener.changed().now_or_never().is_some());
        assert!(
            listener.changed().now_or_never().is_none(),
            "each change once"
        );
    }

    #[tokio::test]
    async fn a_listener_that_fell_behind_looks_again() {
        let changes = Changes::default();
        let mut listener = changes.listen("la_1");
        for _ in 0..BACKLOG + 1 {
            changes.account("la_2");
        }
        assert!(listener.changed().now_or_never().is_some());
    }
}
