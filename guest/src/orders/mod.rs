//! Where the reseller's money moves: a paid WHMCS invoice becomes a HOSTKEY
//! server ordered exactly once, its HOSTKEY invoice paid from the reseller's
//! balance, and the server linked to the WHMCS service.
//!
//! Exactly once rests on two things: a named lock per service (one delivery
//! works on a service at a time, across PHP processes; a dead process's lock
//! goes with its connection) and a durable row per (service, purpose) in
//! `mod_hostkeyresellermod_orders` whose state is written before each call
//! that spends money. See docs/lifecycle.md.

pub mod cancel;
pub mod checkout;
pub mod client_area;
pub mod create;
pub mod custom_fields;
pub mod ended;
pub mod first_payment;
pub mod follow;
pub mod hostkey;
pub mod invoice_paid;
pub mod link;
pub mod order_request;
pub mod pending;
pub mod pending_api;
pub mod pending_store;
pub mod place;
pub mod related_invoices;
pub mod renewal;
pub mod secret;
pub mod server_of;
pub mod service;
pub mod signature;
pub mod state;
pub mod terms;
pub mod welcome;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pending;
