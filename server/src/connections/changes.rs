//! Word that a linked account's connections or sign-ins changed, so the widgets watching it
//! look at once instead of at their next scheduled look. It is said after the change is
//! committed. On PostgreSQL the word also travels to the other replicas (`NOTIFY` on one
//! channel); on SQLite, and for a change made by the command line, the widgets' scheduled
//! looks find it.

use std::sync::Arc;

use crate::entity::connection;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, sqlx::postgres::PgListener,
};
use tokio::sync::{
    broadcast::{self, error::RecvError},
    mpsc,
};

/// How many changes may wait for a slow listener before it is told it missed some.
const BACKLOG: usize = 256;

/// The PostgreSQL channel replicas tell each other on.
const CHANNEL: &str = "portico_changes";

/// How long the relay waits after the database refused it, before it listens again.
const RELAY_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

/// What changed.
#[derive(Debug, Clone)]
enum Changed {
    /// One linked account's connections or sign-ins, by Portico's id.
    Account(Arc<str>),
    /// Possibly any account's: word from the other replicas may have been missed.
    Any,
}

/// The announcer every front door and worker of this process shares.
#[derive(Debug, Clone)]
pub struct Changes {
    here: broadcast::Sender<Changed>,
    /// Word for the other replicas (account ids), when the database can carry it.
    replicas: Option<mpsc::Sender<Arc<str>>>,
}

impl Default for Changes {
    fn default() -> Self {
        Self {
            here: broadcast::channel(BACKLOG).0,
            replicas: None,
        }
    }
}

impl Changes {
    /// An announcer whose word also reaches the other replicas on the same PostgreSQL
    /// database, and which hears theirs. On SQLite it is this process's alone.
    /// The listening connection is its own, outside the pool.
    pub async fn across_replicas(db: &DatabaseConnection, url: &str) -> Result<Self, DbErr> {
        let mut changes = Self::default();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(changes);
        }
        let mut listener = PgListener::connect(url)
            .await
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        // This process's own word comes back on the channel too; the origin tells it apart.
        let origin: Arc<str> = crate::secrets::random_id().into();
        let (outbound, queued) = mpsc::channel(BACKLOG);
        tokio::spawn(relay(listener, changes.here.clone(), origin.clone()));
        tokio::spawn(tell_replicas(db.clone(), queued, origin));
        changes.replicas = Some(outbound);
        Ok(changes)
    }

    /// Whether word crosses to other replicas.
    pub fn crosses_replicas(&self) -> bool {
        self.replicas.is_some()
    }

    /// One linked account changed.
    pub fn account(&self, linked_account_id: &str) {
        let id: Arc<str> = linked_account_id.into();
        if let Some(replicas) = &self.replicas {
            // Word that cannot be queued is left to the other replicas' scheduled looks.
            let _ = replicas.try_send(id.clone());
        }
        // Nobody listening is not an error.
        let _ = self.here.send(Changed::Account(id));
    }

    /// These connections changed: each of their accounts did.
    pub fn connections(&self, records: &[connection::Model]) {
        let accounts: std::collections::BTreeSet<&str> = records
            .iter()
            .map(|record| record.linked_account_id.as_str())
            .collect();
        for account in accounts {
            self.account(account);
        }
    }

    /// A listener for one linked account's changes.
    pub fn listen(&self, linked_account_id: &str) -> Listener {
        Listener {
            account: linked_account_id.into(),
            changes: self.here.subscribe(),
        }
    }
}

/// Sends this process's word to the other replicas, one `NOTIFY` each.
async fn tell_replicas(
    db: DatabaseConnection,
    mut queued: mpsc::Receiver<Arc<str>>,
    origin: Arc<str>,
) {
    while let Some(account) = queued.recv().await {
        // Our ids never hold a space.
        let payload = format!("{origin} {account}");
        let notify = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(error) = db.execute_raw(notify).await {
            tracing::debug!(%error, "cannot tell the other replicas of a change");
        }
    }
}

/// Passes the other replicas' word on to this process's listeners. Word may be lost while
/// the connection is down, so every listener looks again once it is back.
async fn relay(mut listener: PgListener, here: broadcast::Sender<Changed>, origin: Arc<str>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let Some((from, account)) = notification.payload().split_once(' ') else {
                    continue;
                };
                if from != &*origin {
                    let _ = here.send(Changed::Account(account.into()));
                }
            }
            // The connection was lost; it is made again on the next call.
            Ok(None) => {
                let _ = here.send(Changed::Any);
            }
            Err(sea_orm::sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::debug!(%error, "cannot hear the other replicas; listening again shortly");
                tokio::time::sleep(RELAY_PAUSE).await;
                let _ = here.send(Changed::Any);
            }
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
        let _ = changes.here.send(Changed::Any);
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
