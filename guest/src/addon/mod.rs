//! The addon module: settings form, activation, deactivation.

pub mod activate;
pub mod admin_page;
pub mod config;

/// The addon's version as WHMCS records it; above the original's 1.0.x so
/// WHMCS runs `upgrade` when this module replaces it.
pub const VERSION: &str = "2.0.0";
