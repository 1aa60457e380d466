//! The module's shared facts: its name and what WHMCS shows of it, the rule of
//! its lock names, and the default limits per call kind. They are written once,
//! in `php/modules/addons/hostkeyresellermod/facts.json`, which the PHP bridge
//! and the Node host read too; these constants are generated from it by
//! `build.rs`, so no copy can drift (docs/decisions.md, "One home for the facts").

include!(concat!(env!("OUT_DIR"), "/facts.rs"));

/// Whether `name` is one of the module's named locks: MariaDB's named locks are
/// server-wide, so a foreign name could block another application.
pub fn lock_name_fits(name: &str) -> bool {
    name.starts_with(MODULE_NAME)
        && name.len() <= LOCK_NAME_MAX_LENGTH
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCK_NAME_PUNCTUATION.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_modules_own_names_fit_and_others_do_not() {
        assert!(lock_name_fits(&format!("{MODULE_NAME}_catalogue")));
        assert!(lock_name_fits(&format!("{MODULE_NAME}.service.4294967295")));
        assert!(!lock_name_fits("other_app_lock"));
        assert!(!lock_name_fits(&format!("{MODULE_NAME}') OR 1")));
        let longest = format!(
            "{MODULE_NAME}{}",
            "x".repeat(LOCK_NAME_MAX_LENGTH - MODULE_NAME.len())
        );
        assert!(lock_name_fits(&longest));
        assert!(!lock_name_fits(&format!("{longest}x")));
    }

    #[test]
    fn a_long_call_gets_more_than_a_call() {
        assert!(LONG_CALL_FUEL > CALL_FUEL);
        assert!(LONG_CALL_TIMEOUT_MS > CALL_TIMEOUT_MS);
        assert!(CALL_HTTP_TIMEOUT_MS < CALL_TIMEOUT_MS);
    }
}
