//! One import run as the addon page, the `import` exports and cron ask for
//! it: the daily-sync switch, the catalogue lock, the withdrawal consent and
//! the log row, in one place whoever started it.

use super::clear::{self, ClearReport};
use super::exclusive::exclusive;
use super::import::{self, ImportReport, Mode};
use super::outcome;
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::settings::Settings;

pub use super::run_kind::Kind;

/// Who started the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// WHMCS's daily cron: skipped while the daily sync is off; never confirms
    /// a large withdrawal.
    Scheduled,
    /// A person who did not confirm a large withdrawal.
    Manual,
    /// A person who confirmed that this run may take more than the set share
    /// of the products on sale off sale.
    ManualAllowingWithdrawal,
}

/// Removes the imported catalogue under the catalogue lock (the `clear`
/// export and the admin page's form alike).
pub fn remove_all(db: &mut dyn Db, now_unix: i64) -> ModuleResult<ClearReport> {
    exclusive(db, "clear", now_unix, clear::clear)
}

/// The summary of a scheduled run while the admin switched the daily sync off.
pub const DAILY_SYNC_OFF: &str =
    "The daily price sync is switched off in the addon settings; nothing was done.";

/// Runs one import: a preview without the lock, a writing run under it; the
/// outcome is logged unless another run held the lock (that run writes nothing,
/// not even a log row).
pub fn run(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    kind: Kind,
    trigger: Trigger,
    ini: Option<&str>,
    now_unix: i64,
) -> ModuleResult<ImportReport> {
    if trigger == Trigger::Scheduled && !Settings::load(db)?.daily_sync {
        return Ok(ImportReport {
            summary: DAILY_SYNC_OFF.into(),
            ..ImportReport::default()
        });
    }
    let allow_withdrawal = trigger == Trigger::ManualAllowingWithdrawal;
    let mode = kind.mode();
    // Margins before the prices move, to warn about what the sync changes.
    let margins_before = (mode != Mode::Preview).then(|| crate::margins::warn::snapshot(db));
    let result = if mode == Mode::Preview {
        import::run(db, http, &mut *platform, mode, ini, allow_withdrawal)
    } else {
        exclusive(db, kind.action(), now_unix, |db| {
            import::run(db, http, &mut *platform, mode, ini, allow_withdrawal)
        })
    };
    if !matches!(result, Err(ModuleError::Busy(_))) {
        outcome::log(db, platform, kind.action(), &result, now_unix);
    }
    if let (Some(before), Ok(_)) = (&margins_before, &result) {
        crate::margins::warn::after_sync(db, platform, before, now_unix);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests_support::{api, catalogue, whmcs};
    use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};

    fn switch_daily_sync_off(db: &mut MemoryDb) {
        db.settings(&[("dailysync", "")]);
    }

    #[test]
    fn a_scheduled_run_with_the_daily_sync_off_does_nothing() {
        let mut db = whmcs();
        switch_daily_sync_off(&mut db);
        let before = db.dump();
        let mut http = ScriptedHttp::default();
        let report = run(
            &mut db,
            &mut http,
            &mut RecordingPlatform::default(),
            Kind::CronSync,
            Trigger::Scheduled,
            None,
            1_795_545_296,
        )
        .expect("skipped");
        assert_eq!(report.summary, DAILY_SYNC_OFF);
        assert_eq!(db.dump(), before);
        assert!(http.bodies().is_empty(), "no API call");
    }

    #[test]
    fn a_manual_run_ignores_the_daily_sync_switch() {
        let mut db = whmcs();
        switch_daily_sync_off(&mut db);
        let report = run(
            &mut db,
            &mut api(&catalogue()),
            &mut RecordingPlatform::default(),
            Kind::CronSync,
            Trigger::Manual,
            None,
            1_795_545_296,
        )
        .expect("imported");
        assert_eq!(report.changes.products_created, 4);
    }
}
