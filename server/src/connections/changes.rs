//! Word that a linked account's connections or sign-ins changed, so the widgets watching it
//! look at once instead of at their next scheduled look. It is said after the change is
//! committed. On PostgreSQL the word also travels to the other replicas (`NOTIFY` on one
//! channel); on SQLite, and for a change made by the command line, the widgets' scheduled
//! looks find it.

use std::collections::HashMap;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};

use crate::cache::Lookups;
use crate::entity::connection;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, sqlx::postgres::PgListener,
};
use tokio::sync::{Notify, mpsc};

/// How many changes may wait to be told to the other replicas.
const BACKLOG: usize = 256;

/// The PostgreSQL channel replicas tell each other on.
const CHANNEL: &str = "portico_changes";

/// What marks word of an org rather than of a linked account (ids never hold a colon).
const ORG_PREFIX: &str = "org:";

/// How long the relay waits after the database refused it, before it listens again.
const RELAY_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

/// One listener: its id, and how it is woken.
type Waiting = (u64, Arc<Notify>);

/// Who listens for which account. Word of one account reaches that account's listeners only:
/// a burst of changes to one account never makes another account's widgets look.
#[derive(Debug, Default)]
struct Registry {
    by_account: Mutex<HashMap<Arc<str>, Vec<Waiting>>>,
    next: AtomicU64,
}

impl Registry {
    /// Wakes the listeners of one account. Each holds at most one wake-up, so a thousand
    /// changes before a listener looks cost it one look.
    fn tell(&self, account: &str) {
        if let Some(listeners) = self.by_account.lock().expect("listeners").get(account) {
            for (_, notify) in listeners {
                notify.notify_one();
            }
        }
    }

    /// Wakes every listener: word may have been missed.
    fn tell_all(&self) {
        for listeners in self.by_account.lock().expect("listeners").values() {
            for (_, notify) in listeners {
                notify.notify_one();
            }
        }
    }

    fn leave(&self, account: &Arc<str>, id: u64) {
        let mut by_account = self.by_account.lock().expect("listeners");
        if let Some(listeners) = by_account.get_mut(account) {
            listeners.retain(|(listener, _)| *listener != id);
            if listeners.is_empty() {
                by_account.remove(account);
            }
        }
    }
}

/// The announcer every front door and worker of this process shares.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    here: Arc<Registry>,
    /// What this process holds of orgs, forgotten on word of their change.
    lookups: Arc<Lookups>,
    /// Word for the other replicas (account ids), when the database can carry it.
    replicas: Option<mpsc::Sender<Arc<str>>>,
    /// Where word of an org is said at once, and who says it, on PostgreSQL.
    notifier: Option<(DatabaseConnection, Arc<str>)>,
}

impl Changes {
    /// An announcer whose word also reaches the other replicas on the same PostgreSQL
    /// database, and which hears theirs. On SQLite it is this process's alone.
    /// The listening connection is its own, outside the pool.
    pub(crate) async fn across_replicas(db: &DatabaseConnection, url: &str) -> Result<Self, DbErr> {
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
        tokio::spawn(relay(
            listener,
            changes.here.clone(),
            changes.lookups.clone(),
            origin.clone(),
        ));
        tokio::spawn(tell_replicas(db.clone(), queued, origin.clone()));
        changes.replicas = Some(outbound);
        changes.notifier = Some((db.clone(), origin));
        Ok(changes)
    }

    /// Whether word crosses to other replicas.
    pub fn crosses_replicas(&self) -> bool {
        self.replicas.is_some()
    }

    /// What this process holds of orgs.
    pub fn lookups(&self) -> &Lookups {
        &self.lookups
    }

    /// An org's settings, keys or apps changed: this process forgets what it held of them at
    /// once, and the other replicas on hearing it. The word is said before this returns, so a
    /// command that exits next (revoking a key from the command line) still says it; word
    /// that cannot be said is left to the time limit of what replicas hold.
    pub async fn org(&self, org_id: &str) {
        self.lookups.forget_org(org_id);
        if let Some((db, origin)) = &self.notifier {
            notify(db, origin, &format!("{ORG_PREFIX}{org_id}")).await;
        }
    }

    /// One linked account changed.
    pub fn account(&self, linked_account_id: &str) {
        if let Some(replicas) = &self.replicas {
            // Word that cannot be queued is left to the other replicas' scheduled looks.
            let _ = replicas.try_send(linked_account_id.into());
        }
        self.here.tell(linked_account_id);
    }

    /// These connections changed: each of their accounts did.
    pub(crate) fn connections(&self, records: &[connection::Model]) {
        let accounts: std::collections::BTreeSet<&str> = records
            .iter()
            .map(|record| record.linked_account_id.as_str())
            .collect();
        for account in accounts {
            self.account(account);
        }
    }

    /// A listener for one linked account's changes; it stops listening when dropped.
    pub fn listen(&self, linked_account_id: &str) -> Listener {
        let account: Arc<str> = linked_account_id.into();
        let id = self.here.next.fetch_add(1, Ordering::Relaxed);
        let notify = Arc::new(Notify::new());
        self.here
            .by_account
            .lock()
            .expect("listeners")
            .entry(account.clone())
            .or_default()
            .push((id, notify.clone()));
        Listener {
            account,
            id,
            notify,
            registry: self.here.clone(),
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
        notify(&db, &origin, &account).await;
    }
}

/// One `NOTIFY` of `subject` (an account id, or an org's) from this process.
async fn notify(db: &DatabaseConnection, origin: &str, subject: &str) {
    // Our ids never hold a space.
    let payload = format!("{origin} {subject}");
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    );
    if let Err(error) = db.execute_raw(statement).await {
        tracing::debug!(%error, "cannot tell the other replicas of a change");
    }
}

/// Passes the other replicas' word on to this process's listeners. Word may be lost while
/// the connection is down, so every listener looks again once it is back.
async fn relay(
    mut listener: PgListener,
    here: Arc<Registry>,
    lookups: Arc<Lookups>,
    origin: Arc<str>,
) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let Some((from, subject)) = notification.payload().split_once(' ') else {
                    continue;
                };
                if from == &*origin {
                    continue;
                }
                match subject.strip_prefix(ORG_PREFIX) {
                    Some(org_id) => lookups.forget_org(org_id),
                    None => here.tell(subject),
                }
            }
            // The connection was lost; it is made again on the next call.
            Ok(None) => {
                here.tell_all();
                lookups.forget_all();
            }
            Err(sea_orm::sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::debug!(%error, "cannot hear the other replicas; listening again shortly");
                tokio::time::sleep(RELAY_PAUSE).await;
                here.tell_all();
                lookups.forget_all();
            }
        }
    }
}

/// Hears the changes of one linked account.
pub struct Listener {
    account: Arc<str>,
    id: u64,
    notify: Arc<Notify>,
    registry: Arc<Registry>,
}

impl Listener {
    /// Waits until this account may have changed: a change of it, or word that changes may
    /// have been missed. Changes told while nobody waited are kept as one.
    pub async fn changed(&mut self) {
        self.notify.notified().await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.registry.leave(&self.account, self.id);
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
        changes.here.tell_all();
        assert!(listener.changed().now_or_never().is_some());
        assert!(
            listener.changed().now_or_never().is_none(),
            "each change once"
        );
    }

    #[tokio::test]
    async fn a_thousand_changes_of_one_account_wake_only_its_listeners_once() {
        let changes = Changes::default();
        let mut mine = changes.listen("la_1");
        let mut also_mine = changes.listen("la_1");
        let mut other = changes.listen("la_2");
        for _ in 0..1000 {
            changes.account("la_1");
        }
        for listener in [&mut mine, &mut also_mine] {
            assert!(listener.changed().now_or_never().is_some());
            assert!(
                listener.changed().now_or_never().is_none(),
                "a burst costs one look"
            );
        }
        assert!(other.changed().now_or_never().is_none());
    }

    #[tokio::test]
    async fn a_listener_that_goes_leaves_nothing_behind() {
        let changes = Changes::default();
        let first = changes.listen("la_1");
        let second = changes.listen("la_1");
        drop(first);
        assert_eq!(changes.here.by_account.lock().unwrap()["la_1"].len(), 1);
        drop(second);
        assert!(changes.here.by_account.lock().unwrap().is_empty());
        changes.account("la_1");
    }
}
