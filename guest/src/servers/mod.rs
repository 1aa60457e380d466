//! Managing a linked server from WHMCS: suspend, unsuspend, terminate, power,
//! reinstall, single sign-on, the admin's service tab and the status sync.
//! What each action may do and when is decided here; PHP only checks the
//! transport (the CSRF token) and renders. See docs/management.md.

pub mod actions;
pub mod calls;
pub mod hold;
pub mod linked;
pub mod ops;
pub mod os_choices;
pub mod owner;
pub mod page;
pub mod refresh;
pub mod sso;
pub mod status_sync;
pub mod tab;
pub mod view;

#[cfg(test)]
mod tests;
