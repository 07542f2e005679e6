//! Building and running the server: `Portico::build` binds its own listener (port 0 in tests).

use std::{net::SocketAddr, sync::Arc};

use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::http::{self, AppState, Site};
use crate::sandbox::Sandbox;
use crate::services::{OpenError, Services};
use crate::vault;

/// A bound, migrated, ready-to-serve Portico.
pub struct Portico {
    listener: TcpListener,
    /// `/metrics`, when `PORTICO_METRICS_BIND` asks for it.
    metrics: Option<TcpListener>,
    router: axum::Router,
    public_url: String,
    state: AppState,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Metrics(#[from] crate::telemetry::metrics::InstallError),
}

impl Portico {
    /// Connects and migrates the database, loads the catalog and binds the listener.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let listener =
            TcpListener::bind(config.bind)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.bind,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
        let metrics = match config.metrics_bind {
            Some(addr) => {
                crate::telemetry::metrics::install()?;
                let listener = TcpListener::bind(addr)
                    .await
                    .map_err(|source| StartupError::Bind { addr, source })?;
                Some(listener)
            }
            None => None,
        };
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let site = Site::choose(config.site_root.as_deref());
        if site.is_built() {
            tracing::info!(site = site.describe(), "serving the site");
        } else {
            tracing::warn!(
                site = site.describe(),
                "no built site here: pages render, but styles and islands are missing (run the build first)"
            );
        }
        let leptos_options = LeptosOptions::builder()
            .output_name("portico")
            .site_root(match &site {
                Site::Disk(root) => root.display().to_string(),
                Site::Embedded(_) => String::new(),
            })
            .site_pkg_dir(site.pkg_dir())
            .site_addr(addr)
            .build();
        let state = AppState::new(http::Shared {
            services: Services::open(config, &public_url).await?,
            leptos_options,
            limits: http::Limits::new(config.limits),
            sandbox: config
                .sandbox
                .map(|settings| Arc::new(Sandbox::new(settings))),
            stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
            trusted_proxies: config.trusted_proxies.clone().into(),
            streams: http::StreamSlots::new(config.streams),
            site,
        });
        Ok(Self {
            listener,
            metrics,
            router: http::router(state.clone()),
            public_url,
            state,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    /// Where `/metrics` is served, when it is.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .map(|listener| listener.local_addr().expect("bound listener"))
    }

    /// The base URL links and icons use.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// What the domain flows of this server run on.
    pub fn services(&self) -> crate::services::Services {
        self.state.services.clone()
    }

    /// The vault this server seals secrets with.
    pub fn vault(&self) -> Arc<vault::Vault> {
        self.state.vault.clone()
    }

    /// The widgets' open state streams of this server.
    pub fn streams(&self) -> Arc<http::StreamSlots> {
        self.state.streams.clone()
    }

    /// This server's rate limits.
    pub fn limits(&self) -> Arc<http::Limits> {
        self.state.limits.clone()
    }

    /// The sandbox provider, when it runs.
    pub fn sandbox(&self) -> Option<Arc<Sandbox>> {
        self.state.sandbox.clone()
    }

    /// The database this server uses, for tests that arrange state through the domain layer.
    pub fn db(&self) -> sea_orm::DatabaseConnection {
        self.state.db.clone()
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests (streams that would
    /// never finish, like the widget's, end first). The background workers run beside the
    /// server and end with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let services = self.state.services.clone();
        let stopping = self.state.stopping.clone();
        crate::workers::spawn(&services);
        if let Some(listener) = self.metrics {
            let routes = http::scrape::router(self.state.clone());
            let mut stopped = self.state.stopping.subscribe();
            tokio::spawn(async move {
                let served = axum::serve(listener, routes)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stopping| *stopping).await;
                    })
                    .await;
                if let Err(error) = served {
                    tracing::error!(%error, "the metrics listener stopped");
                }
            });
        }
        // Client addresses feed the per-address rate limits.
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            stopping.send_replace(true);
        })
        .await;
        crate::workers::finish(&services).await;
        served
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
