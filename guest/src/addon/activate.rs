//! Activation creates the module's tables and default rows; running it again
//! changes nothing. Deactivation keeps them: the product mapping and import
//! settings must survive a deactivate/activate cycle.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Insert, Select, Value, in_transaction};
use crate::error::ModuleResult;
use crate::schema::module_tables::{IMPORT_SETTING_DEFAULTS, IMPORT_SETTINGS_TABLE, definitions};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivationReport {
    pub tables_created: Vec<String>,
    pub rows_seeded: u32,
    pub summary: String,
}

pub fn activate(db: &mut dyn Db) -> ModuleResult<ActivationReport> {
    let mut report = ActivationReport::default();
    // DDL commits implicitly in MariaDB, so tables are created one by one
    // (each only if missing); the seed rows then go in one transaction.
    for definition in definitions() {
        if !db.table_exists(&definition.name)? {
            db.create_table(&definition)?;
            report.tables_created.push(definition.name);
        }
    }
    report.rows_seeded = in_transaction(db, |db| seed_import_settings(db))?;
    report.summary = match (report.tables_created.len(), report.rows_seeded) {
        (0, 0) => "The module was already set up; nothing changed.".to_string(),
        (tables, rows) => {
            format!("The module is set up: {tables} tables created, {rows} default settings added.")
        }
    };
    Ok(report)
}

/// Adds the default row of every import-settings group that has none.
fn seed_import_settings(db: &mut dyn Db) -> ModuleResult<u32> {
    let groups: Vec<Value> = IMPORT_SETTING_DEFAULTS
        .iter()
        .map(|d| Value::text(d.group))
        .collect();
    let mut query =
        Select::from(IMPORT_SETTINGS_TABLE, &["group"]).filter(Condition::in_list("group", groups));
    query.for_update = true;
    let existing = db.select(&query)?;
    let present: Vec<String> = (0..existing.len())
        .map(|i| existing.get(i, "group").as_text())
        .collect();
    let rows: Vec<Vec<Value>> = IMPORT_SETTING_DEFAULTS
        .iter()
        .filter(|d| !present.iter().any(|g| g == d.group))
        .map(|d| {
            vec![
                Value::text(d.group),
                Value::text(d.name),
                Value::text(d.currency),
                Value::Int(d.amount),
                Value::Int(d.active),
            ]
        })
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    db.insert(&Insert {
        table: IMPORT_SETTINGS_TABLE.into(),
        columns: ["group", "name", "currency", "amount", "active"]
            .map(String::from)
            .to_vec(),
        rows,
    })?;
    Ok(count)
}

/// An upgrade (from the public module's 1.0.x or an earlier release of ours)
/// sets up what is missing, exactly as activation does: the existing tables
/// and rows are adopted as they are. `from_version` is empty when WHMCS named none.
pub fn upgrade(db: &mut dyn Db, from_version: &str) -> ModuleResult<String> {
    let report = activate(db)?;
    let from = if from_version.is_empty() {
        "an earlier version"
    } else {
        from_version
    };
    Ok(format!("Upgraded from {from}: {}", report.summary))
}

pub fn deactivate() -> String {
    "The module is deactivated; its tables and settings are kept for the next activation.".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::state::ORDERS_TABLE;
    use crate::schema::module_tables::{LOG_TABLE, PRODUCTS_TABLE};
    use crate::servers::ops::SERVERS_TABLE;
    use crate::testing::MemoryDb;

    #[test]
    fn creates_its_tables_with_default_rows() {
        let mut db = MemoryDb::whmcs();
        let report = activate(&mut db).expect("activates");
        assert_eq!(
            report.tables_created,
            vec![
                PRODUCTS_TABLE,
                LOG_TABLE,
                IMPORT_SETTINGS_TABLE,
                ORDERS_TABLE,
                SERVERS_TABLE,
                crate::orders::pending_store::PENDING_TABLE,
                crate::margins::costs::COSTS_TABLE,
                crate::sync::store::SYNC_TABLE
            ]
        );
        assert_eq!(report.rows_seeded, 6);
        let groups = db.column(IMPORT_SETTINGS_TABLE, "group");
        assert_eq!(
            groups,
            ["vps", "bm", "gpu", "round", "template", "sort"]
                .map(Value::text)
                .to_vec()
        );
    }

    #[test]
    fn second_activation_changes_nothing() {
        let mut db = MemoryDb::whmcs();
        activate(&mut db).expect("first");
        let before = db.dump();
        let report = activate(&mut db).expect("second");
        assert!(report.tables_created.is_empty());
        assert_eq!(report.rows_seeded, 0);
        assert_eq!(db.dump(), before);
        assert_eq!(
            report.summary,
            "The module was already set up; nothing changed."
        );
    }

    #[test]
    fn keeps_settings_the_original_module_left() {
        let mut db = MemoryDb::whmcs();
        activate(&mut db).expect("first");
        db.delete_where(IMPORT_SETTINGS_TABLE, "group", "gpu");
        db.update_where(
            IMPORT_SETTINGS_TABLE,
            "group",
            "vps",
            "amount",
            Value::Int(15),
        );
        let report = activate(&mut db).expect("again");
        assert_eq!(report.rows_seeded, 1);
        assert_eq!(
            db.column(IMPORT_SETTINGS_TABLE, "amount")[0],
            Value::Int(15)
        );
    }

    #[test]
    fn a_failed_seed_leaves_no_partial_rows() {
        let mut db = MemoryDb::whmcs();
        db.fail_inserts_into(IMPORT_SETTINGS_TABLE);
        let error = activate(&mut db).expect_err("insert fails");
        assert!(
            error
                .to_string()
                .starts_with("The WHMCS database refused a request")
        );
        assert!(db.column(IMPORT_SETTINGS_TABLE, "group").is_empty());
        assert!(!db.in_transaction());
    }
}
