//! Connections: their state machine, their stored credentials, the single writer of flags,
//! and how they are listed.

mod app_gone;
mod changes;
pub mod check;
mod context;
pub mod credentials;
mod due;
pub(crate) mod events;
pub(crate) mod expiry;
mod in_flight;
mod keys;
mod listing;
pub mod read;
mod reauth;
pub mod refresh;
mod status;
pub mod usage;

pub use app_gone::{AppGone, app_gone};
pub use changes::{Changes, Listener};
pub use context::Context;
pub(crate) use due::due_soon;
pub use due::{Due, failing};
pub use in_flight::InFlight;
pub use keys::{SaveError, save_keys};
pub use listing::{
    AppWithConnections, apps_for_linked_account, of_app, of_linked_account, to_refresh,
};
pub use reauth::{Flag, flag, flag_all_of_account, flag_all_of_app, flagged_if_gone};
pub use status::{Connect, Status, display_identifier, record_connected, remove, store_active};
