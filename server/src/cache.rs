//! What hot requests look up again and again, held for a few seconds: API keys by their
//! lookup prefix, which apps an org enabled and how its pages look. Nothing here is a secret in the
//! clear (a key is kept as its digest, an app's settings are not kept at all).
//!
//! A change through this process forgets the org's entries at once, and word of it reaches
//! the other replicas on PostgreSQL (see `connections::Changes::org`). The time limit bounds
//! what a change nobody was told of (the command line on SQLite) can leave behind.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::entity::{Environment, api_key, branding};

/// How long an entry is trusted without word of a change.
pub const HELD_FOR: Duration = Duration::from_secs(5);

/// How many entries each kind holds; a full map starts over rather than grow.
const CAPACITY: usize = 4096;

/// One kind of entry, each held until [`HELD_FOR`] has passed.
#[derive(Debug)]
struct Held<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K, V> Default for Held<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Held<K, V> {
    fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        let entries = self.entries.lock().expect("cache");
        let (since, value) = entries.get(key)?;
        (since.elapsed() < HELD_FOR).then(|| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().expect("cache");
        if entries.len() >= CAPACITY {
            entries.retain(|_, (since, _)| since.elapsed() < HELD_FOR);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }

    fn retain(&self, keep: impl Fn(&K, &V) -> bool) {
        self.entries
            .lock()
            .expect("cache")
            .retain(|key, (_, value)| keep(key, value));
    }

    fn clear(&self) {
        self.entries.lock().expect("cache").clear();
    }
}

/// The lookups one process shares.
///
/// A value read from the database is kept only if nothing was forgotten since the read began
/// ([`Lookups::reading`]), so a read that raced a change never keeps what the change replaced.
#[derive(Debug, Default)]
pub struct Lookups {
    api_keys: Held<String, api_key::Model>,
    enabled: Held<(String, Environment), Arc<[String]>>,
    branding: Held<(String, Environment), Option<branding::Model>>,
    forgotten: AtomicU64,
}

/// When a read from the database began, in forgettings.
#[derive(Clone, Copy, Debug)]
pub struct Reading(u64);

impl Lookups {
    /// Marks the start of a read whose result may be kept.
    pub(crate) fn reading(&self) -> Reading {
        Reading(self.forgotten.load(Ordering::Acquire))
    }

    fn still(&self, reading: Reading) -> bool {
        self.forgotten.load(Ordering::Acquire) == reading.0
    }

    /// An API key by its lookup prefix.
    pub(crate) fn api_key(&self, prefix: &str) -> Option<api_key::Model> {
        self.api_keys.get(prefix)
    }

    pub(crate) fn keep_api_key(&self, since: Reading, prefix: &str, record: api_key::Model) {
        if self.still(since) {
            self.api_keys.put(prefix.to_owned(), record);
        }
    }

    /// The slugs an org enabled in an environment.
    pub(crate) fn enabled(&self, org_id: &str, environment: Environment) -> Option<Arc<[String]>> {
        self.enabled.get(&(org_id.to_owned(), environment))
    }

    pub(crate) fn keep_enabled(
        &self,
        since: Reading,
        org_id: &str,
        environment: Environment,
        slugs: Arc<[String]>,
    ) {
        if self.still(since) {
            self.enabled.put((org_id.to_owned(), environment), slugs);
        }
    }

    /// How an org's pages look in an environment (`Some(None)`: it set nothing).
    pub(crate) fn branding(
        &self,
        org_id: &str,
        environment: Environment,
    ) -> Option<Option<branding::Model>> {
        self.branding.get(&(org_id.to_owned(), environment))
    }

    pub(crate) fn keep_branding(
        &self,
        since: Reading,
        org_id: &str,
        environment: Environment,
        row: Option<branding::Model>,
    ) {
        if self.still(since) {
            self.branding.put((org_id.to_owned(), environment), row);
        }
    }

    /// Forgets everything held for one org.
    pub fn forget_org(&self, org_id: &str) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        self.api_keys.retain(|_, key| key.org_id != org_id);
        self.enabled.retain(|(org, _), _| org != org_id);
        self.branding.retain(|(org, _), _| org != org_id);
    }

    /// Forgets everything: word of changes may have been missed.
    pub fn forget_all(&self) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        self.api_keys.clear();
        self.enabled.clear();
        self.branding.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{Held, Lookups};
    use crate::entity::Environment;

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let lookups = Lookups::default();
        let before = lookups.reading();
        lookups.forget_org("org_1");
        lookups.keep_enabled(
            before,
            "org_1",
            Environment::Test,
            vec!["slack".to_owned()].into(),
        );
        assert!(lookups.enabled("org_1", Environment::Test).is_none());
        let after = lookups.reading();
        lookups.keep_enabled(
            after,
            "org_1",
            Environment::Test,
            vec!["slack".to_owned()].into(),
        );
        assert!(lookups.enabled("org_1", Environment::Test).is_some());
        lookups.forget_org("org_1");
        assert!(lookups.enabled("org_1", Environment::Test).is_none());
    }

    #[test]
    fn held_entries_are_forgotten_on_word_and_a_full_map_starts_over() {
        let held = Held::<String, u32>::default();
        held.put("a".to_owned(), 1);
        held.put("b".to_owned(), 2);
        assert_eq!(held.get(&"a".to_owned()), Some(1));
        held.retain(|key, _| key != "a");
        assert_eq!(held.get(&"a".to_owned()), None);
        assert_eq!(held.get(&"b".to_owned()), Some(2));
        for index in 0..super::CAPACITY + 1 {
            held.put(index.to_string(), 0);
        }
        assert!(held.entries.lock().unwrap().len() <= super::CAPACITY);
    }
}
