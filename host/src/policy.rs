//! What the component may touch, checked before any backend sees a request.

/// The WHMCS and module tables the component may read and write.
pub const ALLOWED_TABLES: &[&str] = &[
    "mod_hostkeyresellermod",
    "mod_hostkeyresellermod_log",
    "mod_hostkeyresellermodimportsettings",
    "tbladdonmodules",
    "tblcancelrequests",
    "tblclients",
    "tblcurrencies",
    "tblcustomfields",
    "tblcustomfieldsvalues",
    "tblemailtemplates",
    "tblhosting",
    "tblhostingconfigoptions",
    "tblinvoiceitems",
    "tblinvoices",
    "tblorders",
    "tblpricing",
    "tblproductconfiggroups",
    "tblproductconfiglinks",
    "tblproductconfigoptions",
    "tblproductconfigoptionssub",
    "tblproductgroups",
    "tblproducts",
    "tblproducts_slugs",
];

/// Prefix of the tables the module owns and may create.
pub const OWN_TABLE_PREFIX: &str = "mod_hostkeyresellermod";

/// A refused request, as one sentence.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("the table `{0}` is not one this module may use")]
    TableNotAllowed(String),
    #[error("`{0}` is not a valid column or table name")]
    BadIdentifier(String),
    #[error("the host `{0}` is not on the HTTP allow-list")]
    HostNotAllowed(String),
    #[error(
        "`{0}` is not a lock name of this module (hostkeyresellermod..., at most 40 letters, digits, `_`, `.`, `:` or `-`)"
    )]
    BadLockName(String),
}

pub fn check_table(table: &str) -> Result<(), PolicyError> {
    if ALLOWED_TABLES.contains(&table) {
        Ok(())
    } else {
        Err(PolicyError::TableNotAllowed(table.to_string()))
    }
}

pub fn check_own_table(table: &str) -> Result<(), PolicyError> {
    check_table(table)?;
    if table.starts_with(OWN_TABLE_PREFIX) {
        Ok(())
    } else {
        Err(PolicyError::TableNotAllowed(table.to_string()))
    }
}

/// Identifiers are plain names: letters, digits and underscores.
pub fn check_identifier(name: &str) -> Result<(), PolicyError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && name.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(PolicyError::BadIdentifier(name.to_string()))
    }
}

/// Prefix of every named lock the module may take.
pub const LOCK_PREFIX: &str = "hostkeyresellermod";

/// Lock names are the module's own: MariaDB's named locks are server-wide, so
/// a foreign name could block another application. The embedder may qualify
/// the name (with its database name), hence the length bound below 64.
pub fn check_lock_name(name: &str) -> Result<(), PolicyError> {
    let fits = name.starts_with(LOCK_PREFIX)
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if fits {
        Ok(())
    } else {
        Err(PolicyError::BadLockName(name.to_string()))
    }
}

/// The host part of an allow-list entry or URL, lower-cased.
pub fn check_host(host: &str, allow: &[String]) -> Result<(), PolicyError> {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if allow.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        Ok(())
    } else {
        Err(PolicyError::HostNotAllowed(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whmcs_admin_table_is_refused() {
        assert_eq!(
            check_table("tbladmins"),
            Err(PolicyError::TableNotAllowed("tbladmins".into()))
        );
        assert!(check_table("tblproducts").is_ok());
    }

    #[test]
    fn only_own_tables_may_be_created() {
        assert!(check_own_table("mod_hostkeyresellermod_log").is_ok());
        assert!(check_own_table("tblproducts").is_err());
    }

    #[test]
    fn identifiers_cannot_carry_sql() {
        assert!(check_identifier("configoption1").is_ok());
        assert!(check_identifier("id; DROP TABLE x").is_err());
        assert!(check_identifier("a`b").is_err());
        assert!(check_identifier("").is_err());
        assert!(check_identifier("1abc").is_err());
    }

    #[test]
    fn only_the_modules_own_lock_names_are_taken() {
        assert!(check_lock_name("hostkeyresellermod_catalogue").is_ok());
        assert!(check_lock_name("other_app_lock").is_err());
        assert!(check_lock_name("hostkeyresellermod') OR 1").is_err());
        assert!(check_lock_name(&format!("hostkeyresellermod{}", "x".repeat(40))).is_err());
    }

    #[test]
    fn hosts_match_case_insensitively_and_exactly() {
        let allow = vec!["invapi.hostkey.com".to_string(), "127.0.0.1".to_string()];
        assert!(check_host("INVAPI.hostkey.com", &allow).is_ok());
        assert!(check_host("127.0.0.1", &allow).is_ok());
        assert!(check_host("evil.hostkey.com.example", &allow).is_err());
        assert!(check_host("hostkey.com", &allow).is_err());
    }
}
