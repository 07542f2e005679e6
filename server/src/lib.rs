//! Portico: a self-hostable connect portal. This crate holds the server: configuration, CLI,
//! storage, the domain modules and the HTTP application that serves the `app` pages.
//!
//! # Inside Portico
//!
//! The modules stand in layers; each uses only the ones below it (no module, and no file,
//! imports one that imports it back: `../shared/tools/module-cycles` checks).
//!
//! | layer | modules | what each owns |
//! |---|---|---|
//! | entry | [`cli`], [`startup`], [`doctor`] | the `portico` command (one file per command group over one `Ctx`); building and running the server; checking a deployment |
//! | HTTP | `http` | routes, extractors, [`http::ApiError`] and every `From` into it; the vendor API one file per resource under `http/api`; the server's own pages as Leptos components. Handlers parse, call a use-case, shape the answer |
//! | loops | [`workers`] | the background loops, one per file over `workers::every`, and the webhook delivery loop |
//! | front doors | `connect`, [`oauth`], [`hooks`], `embed`, `hosted`, `flow_cookie`, [`sandbox`], [`rotation`], [`console`] | beginning sign-ins, saving key forms and disconnecting for the page, the widget and the SDK; the OAuth2 flows and the provider's side of a refresh; providers' signed events; the widget's and the hosted page's sessions; the built-in practice provider; re-sealing under a new key; the vendor console's sign-in links and what its pages read |
//! | services | [`services`] | [`services::Services`]: the database, vault, catalog, egress client, settings, clock and word of changes every flow runs on, opened once by the server and the command line alike |
//! | connections | [`connections`] | the connection state machine and the only writer of the connection table: reads (`read`), checks (`check`), expiries (`expiry`), the refresh lease protocol ([`connections::refresh::run`]) and [`connections::Due`], flags (the single writer of `reauth_required`), the audit trail, and word of changes to widgets |
//! | outbox | [`webhooks`] | subscriptions, the durable outbox, signing, claiming fairly across receivers, sending and recording |
//! | definitions | [`catalog`], [`keyauth`] | app definitions (built-in and the org's own) and which an org enabled; key forms and their verification request |
//! | tenants | [`tenancy`], [`sessions`] | orgs, API keys, linked accounts; session tokens, hosted links and widget tokens |
//! | edges | [`egress`], [`config`], [`vault`] | every outbound request and the policy it passes; the settings; sealing secrets at rest |
//! | leaves | [`cache`], [`clock`], [`db`], [`entity`], [`input`], [`secrets`], [`telemetry`] | what hot requests look up, held for seconds; what time it is; connecting and migrating; the tables; checked input; random ids and digests; log lines, request ids and metrics |
//!
//! Arrows point down: `http` calls `connections::read` and shapes what it returns; `oauth`
//! supplies the provider call that `connections::refresh::run` makes while holding the lease;
//! `connections` queues webhooks in the same transaction as the change; nothing below
//! `services` knows it, and what a lower module needs it is handed (`connections::Context`,
//! `webhooks::Outbound`).

#![warn(unreachable_pub)]

pub mod branding;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub(crate) mod connect;
pub mod connections;
pub mod console;
pub mod db;
pub mod doctor;
pub mod egress;
pub(crate) mod embed;
pub mod entity;
pub(crate) mod flow_cookie;
pub mod hooks;
pub(crate) mod hosted;
pub mod http;
pub mod input;
pub mod keyauth;
pub mod oauth;
pub mod rotation;
pub mod sandbox;
pub mod secrets;
pub mod services;
pub mod sessions;
pub mod startup;
pub mod telemetry;
pub mod tenancy;
pub mod vault;
pub mod webhooks;
pub mod workers;
