//! `last_used_at` without a write per credential read: reads are noted in memory and written
//! in one statement per batch.

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::entity::connection;

/// Connections read since the last flush.
#[derive(Debug, Default)]
pub struct Usage {
    pending: Mutex<HashSet<String>>,
}

impl Usage {
    /// Notes that a connection's credentials were handed out.
    pub(crate) fn touch(&self, connection_id: &str) {
        let mut pending = self.pending.lock().expect("usage set");
        if !pending.contains(connection_id) {
            pending.insert(connection_id.to_owned());
        }
    }

    /// Writes the noted reads as `last_used_at = now`. On failure they are kept for the next
    /// flush. Returns how many connections were written.
    pub(crate) async fn flush(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<usize, DbErr> {
        let ids: Vec<String> = std::mem::take(&mut *self.pending.lock().expect("usage set"))
            .into_iter()
            .collect();
        for (done, chunk) in ids.chunks(500).enumerate() {
            let written = connection::Entity::update_many()
                .col_expr(connection::Column::LastUsedAt, Expr::value(now))
                .filter(connection::Column::Id.is_in(chunk.iter().cloned()))
                .exec(db)
                .await;
            if let Err(error) = written {
                let mut pending = self.pending.lock().expect("usage set");
                pending.extend(ids[done * 500..].iter().cloned());
                return Err(error);
            }
        }
        Ok(ids.len())
    }
}
