//! Opening the database and applying migrations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, Statement, TransactionTrait,
};

/// How many statements a database connection has run, for counting the queries a request
/// makes. Clones share the count.
#[derive(Clone, Debug, Default)]
pub struct Queries(Arc<AtomicU64>);

impl Queries {
    /// The statements run so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens the database, creating the SQLite file and its directory when needed.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_counting(url, &Queries::default()).await
}

/// Opens the database as [`connect`] does, adding each statement it runs to `queries`.
pub async fn connect_counting(url: &str, queries: &Queries) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|error| DbErr::Custom(format!("cannot create {}: {error}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    if sqlite_path(url).is_some() {
        // sea-orm gives SQLite a single connection by default, which serialises every request;
        // in WAL mode readers run side by side and writers queue on the busy timeout.
        options
            .max_connections(8)
            .min_connections(2)
            .map_sqlx_sqlite_opts(|sqlite| {
                // WAL: readers never wait for the writer (the setting persists in the file).
                // NORMAL: a commit syncs the log, not the database, at each checkpoint; in WAL
                // mode that keeps every committed transaction through a crash of Portico, and
                // loses at most the last ones on a power cut.
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
            });
    }
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    let mut db = Database::connect(options).await?;
    let count = queries.0.clone();
    db.set_metric_callback(move |_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

/// How long a writer waits for its turn on SQLite before the database counts as unavailable.
/// Writers queue here in order, holding no pooled connection, so a burst of them (a hundred
/// token refreshes at once) is served in turn rather than refused.
const WRITE_TURN: Duration = Duration::from_secs(30);

/// A transaction that writes. On SQLite it holds this process's one turn to write on that
/// database file until it ends, so writers queue for the turn without holding a pooled
/// connection, and readers always find one.
pub struct Writing {
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Writing {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Writing {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// The turn to write on each SQLite file this process opened.
fn turn_of(file: &std::path::Path) -> Arc<tokio::sync::Semaphore> {
    static TURNS: std::sync::OnceLock<
        std::sync::Mutex<
            std::collections::HashMap<std::path::PathBuf, Arc<tokio::sync::Semaphore>>,
        >,
    > = std::sync::OnceLock::new();
    TURNS
        .get_or_init(Default::default)
        .lock()
        .expect("write turns")
        .entry(file.to_owned())
        .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(1)))
        .clone()
}

/// Begins a transaction that writes. On SQLite it first waits for this process's turn to
/// write, then takes the write lock with its first statement: a transaction that read first
/// can only start writing if nobody wrote since, and otherwise fails at once ("database is
/// locked") instead of waiting its turn. Another process (the command line) still queues on
/// the busy timeout. On PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<Writing, DbErr> {
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let file = db
                .get_sqlite_connection_pool()
                .connect_options()
                .get_filename()
                .to_owned();
            let waiting = turn_of(&file).acquire_owned();
            let turn = tokio::time::timeout(WRITE_TURN, waiting)
                .await
                .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?
                .map_err(|error| DbErr::Custom(error.to_string()))?;
            Some(turn)
        }
        _ => None,
    };
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // Any write statement takes the lock, even one that changes nothing.
        txn.execute_unprepared("UPDATE org SET id = id WHERE 0")
            .await?;
    }
    Ok(Writing { txn, _turn: turn })
}

/// Whether a database error means the database cannot be reached (for now), rather than a
/// query that failed.
pub(crate) fn is_unavailable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, SqlxError};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
            matches!(
                **inner,
                SqlxError::Io(_)
                    | SqlxError::PoolTimedOut
                    | SqlxError::PoolClosed
                    | SqlxError::WorkerCrashed
                    | SqlxError::Tls(_)
            )
        }
        _ => false,
    }
}

/// Applies every pending migration.
pub(crate) async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite://data/portico.db?mode=rwc"),
            Some("data/portico.db")
        );
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
