//! Vendor API resources beyond the seed's: one file per resource.

mod connection;

pub use connection::router;
