//! Connections: their state machine, their stored credentials, the single writer of flags,
//! and how they are listed.

pub mod credentials;
mod listing;
mod reauth;
mod status;

pub use listing::{AppWithConnections, apps_for_linked_account, of_linked_account};
pub use reauth::{flag_all_of_app, flag_reauth_required};
pub use status::{Connect, Status, display_identifier, record_connected, store_active};
