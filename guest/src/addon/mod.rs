//! The addon module: settings form, activation, deactivation.

pub mod activate;
pub mod admin_page;
pub mod config;
pub mod lists;
pub mod view;
pub mod waiting_orders;

/// The addon's version as WHMCS records it: the workspace version (also in
/// `whmcs.json` and the zip's name), above the original's 1.0.x so WHMCS runs
/// `upgrade` when this module replaces it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    use super::VERSION;

    #[test]
    fn the_version_is_above_the_public_modules_so_whmcs_upgrades_it() {
        let major: u32 = VERSION
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        assert!(major >= 2, "version {VERSION} must be above 1.0.x");
    }
}
