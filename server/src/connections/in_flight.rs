//! One refresh future per connection inside this process, shared by its callers.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures_util::future::{BoxFuture, FutureExt, Shared};

/// One refresh future per connection inside this process: concurrent callers share it, and
/// it runs to its end even when every caller has gone.
pub struct InFlight<T: Clone> {
    running: Mutex<HashMap<String, Shared<BoxFuture<'static, T>>>>,
}

impl<T: Clone> Default for InFlight<T> {
    fn default() -> Self {
        Self {
            running: Mutex::new(HashMap::new()),
        }
    }
}

/// Takes a finished refresh out of the map however its future ends, a panic included, so the
/// next caller starts afresh instead of joining a future that can never answer.
struct Leave<T: Clone + Send + Sync + 'static> {
    running: Arc<InFlight<T>>,
    key: String,
}

impl<T: Clone + Send + Sync + 'static> Drop for Leave<T> {
    fn drop(&mut self) {
        // A poisoned map only means another caller panicked while holding it: the map itself
        // is whole.
        let mut running = self
            .running
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.remove(&self.key);
    }
}

impl<T: Clone + Send + Sync + 'static> InFlight<T> {
    /// Joins the future running for `key`, or starts `make()` as it. A task that panics
    /// answers `failed(why)` to everyone waiting on it.
    pub async fn run<F>(
        self: &Arc<Self>,
        key: &str,
        make: impl FnOnce() -> F,
        failed: fn(String) -> T,
    ) -> T
    where
        F: Future<Output = T> + Send + 'static,
    {
        let shared = {
            let mut running = self
                .running
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match running.get(key) {
                Some(shared) => shared.clone(),
                None => {
                    let leave = Leave {
                        running: Arc::clone(self),
                        key: key.to_owned(),
                    };
                    // Spawned, so a caller that goes away never leaves rotated tokens unsaved.
                    let work = tokio::spawn(make());
                    let shared = async move {
                        let output = match work.await {
                            Ok(output) => output,
                            Err(error) => {
                                tracing::error!(%error, "a refresh task failed");
                                failed(error.to_string())
                            }
                        };
                        drop(leave);
                        output
                    }
                    .boxed()
                    .shared();
                    running.insert(key.to_owned(), shared.clone());
                    shared
                }
            }
        };
        shared.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refresh_that_panics_answers_an_error_and_the_next_one_runs() {
        let running: Arc<InFlight<Result<u32, String>>> = Arc::default();
        let failed = |why: String| Err(why);
        let first = running
            .run(
                "conn_1",
                || async {
                    panic!("the provider's answer broke something");
                },
                failed,
            )
            .await;
        assert!(first.is_err(), "{first:?}");
        let second = running.run("conn_1", || async { Ok(7) }, failed).await;
        assert_eq!(second, Ok(7));
        assert!(running.running.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn callers_of_one_connection_share_one_run() {
        let running: Arc<InFlight<u32>> = Arc::default();
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let first = running.run(
            "conn_1",
            || async move {
                let _ = hold.await;
                1
            },
            |_| 0,
        );
        let second = running.run("conn_1", || async { 2 }, |_| 0);
        let both = async {
            tokio::task::yield_now().await;
            let _ = release.send(());
        };
        let (first, second, ()) = tokio::join!(first, second, both);
        assert_eq!((first, second), (1, 1));
    }
}
