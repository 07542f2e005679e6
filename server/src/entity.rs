//! sea-orm entities, one per table; `migrations/` defines the schema they map.

pub mod allowed_origin;
pub mod api_key;
pub mod app_config;
pub mod brand_logo;
pub mod branding;
pub mod connection;
pub mod connection_event;
pub mod console_link;
pub mod custom_app;
mod environment;
pub mod hook_receipt;
pub mod hosted_session;
pub mod linked_account;
pub mod oauth_state;
pub mod org;
pub mod pending_connection;
pub mod sandbox_grant;
pub mod session_token;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_subscription;

pub use environment::Environment;
