//! One catalogue writer at a time. Import, cron sync and remove-all take one
//! named lock (the contract's `db.lock`, MariaDB's `GET_LOCK` under WHMCS); a
//! second run does not wait: it says since when the first one runs and writes
//! nothing. The start time is a `catalogue-lock` row of the module's log table,
//! written once the lock is taken, so the second run can read it.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Insert, OrderBy, Select, Value};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_log::datetime;
use crate::schema::module_tables::LOG_TABLE;
use crate::schema::settings::MODULE;

/// The lock every catalogue writer takes.
pub const CATALOGUE_LOCK: &str = "hostkeyresellermod_catalogue";
/// The log action of the row that records when the holder started.
pub const LOCK_ACTION: &str = "catalogue-lock";

/// Runs `work` holding the catalogue lock; `action` names the run in the log.
pub fn exclusive<T>(
    db: &mut dyn Db,
    action: &str,
    now_unix: i64,
    work: impl FnOnce(&mut dyn Db) -> ModuleResult<T>,
) -> ModuleResult<T> {
    if !db.lock(CATALOGUE_LOCK, 0)? {
        return Err(ModuleError::Busy(busy_sentence(db)));
    }
    let started = Insert {
        table: LOG_TABLE.into(),
        columns: ["date", "module", "action", "params", "response"]
            .map(String::from)
            .to_vec(),
        rows: vec![vec![
            Value::text(datetime(now_unix)),
            Value::text(MODULE),
            Value::text(LOCK_ACTION),
            Value::text(action),
            Value::text("started"),
        ]],
    };
    // Only the busy sentence's time depends on it: a missing table costs no run.
    let _ = db.insert(&started);
    let result = work(db);
    // The host releases it at the end of the call anyway (also after a trap).
    let _ = db.unlock(CATALOGUE_LOCK);
    result
}

/// "An import is already running since HH:MM UTC." (the module's times are UTC) from the holder's row.
fn busy_sentence(db: &mut dyn Db) -> String {
    let mut select = Select::from(LOG_TABLE, &["date"])
        .filter(Condition::eq("action", Value::text(LOCK_ACTION)));
    select.order = vec![OrderBy {
        column: "id".into(),
        descending: true,
    }];
    select.limit = Some(1);
    let date = db
        .select(&select)
        .ok()
        .map(|rows| rows.get(0, "date").as_text())
        .unwrap_or_default();
    match date.get(11..16) {
        Some(time) if time.len() == 5 => {
            format!("An import is already running since {time} UTC.")
        }
        _ => "An import is already running.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::db::Value;
    use crate::testing::MemoryDb;

    fn db_with_log() -> MemoryDb {
        let mut db = MemoryDb::whmcs();
        db.add_table(
            LOG_TABLE,
            &["id", "date", "module", "action", "params", "response"],
        );
        db
    }

    #[test]
    fn the_lock_is_held_while_the_work_runs_and_released_after() {
        let mut db = db_with_log();
        let out = exclusive(&mut db, "import", 1_795_545_296, |db| {
            assert!(!db.lock(CATALOGUE_LOCK, 0)?, "held during the work");
            Ok(7)
        })
        .expect("runs");
        assert_eq!(out, 7);
        assert!(!db.is_locked(CATALOGUE_LOCK));
        assert_eq!(
            db.column(LOG_TABLE, "date"),
            [Value::text("2026-11-24 18:34:56")]
        );
    }

    #[test]
    fn a_second_run_says_since_when_and_does_nothing() {
        let mut db = db_with_log();
        exclusive(&mut db, "cron-sync", 1_795_545_296, |db| {
            let before = db_dump(db);
            let second = exclusive(db, "import", 1_795_545_400, |_| -> ModuleResult<()> {
                panic!("the second run must not work")
            });
            assert_eq!(
                second.expect_err("busy").to_string(),
                "An import is already running since 18:34 UTC."
            );
            assert_eq!(db_dump(db), before, "the second run wrote nothing");
            Ok(())
        })
        .expect("first run");
    }

    #[test]
    fn a_rival_without_a_start_row_still_gets_a_sentence() {
        let mut db = db_with_log();
        db.hold_lock(CATALOGUE_LOCK);
        let error = exclusive(&mut db, "import", 0, |_| Ok(())).expect_err("busy");
        assert_eq!(error.to_string(), "An import is already running.");
        assert!(db.column(LOG_TABLE, "id").is_empty());
    }

    fn db_dump(db: &mut dyn Db) -> String {
        format!(
            "{:?}",
            db.select(&Select::from(LOG_TABLE, &[])).expect("log")
        )
    }
}
