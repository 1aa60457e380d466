//! What the module did, for the admin: WHMCS's module log always (WHMCS
//! stores it when module logging is on), the module's own log table when the
//! `logging` setting is on. Secrets are masked before either sees the text.

use crate::capabilities::db::{Insert, Value};
use crate::capabilities::platform::ModuleLogEntry;
use crate::capabilities::{Db, Platform};
use crate::schema::module_tables::LOG_TABLE;
use crate::schema::settings::{MODULE, Settings};
use crate::secrets::{mask, mask_list};

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a Unix time.
pub fn datetime(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// One action's outcome.
pub struct Entry<'a> {
    pub action: &'a str,
    pub params: &'a str,
    pub outcome: &'a str,
    pub now_unix: i64,
    /// Keep it in the module's table even when `logging` is off (import outcomes).
    pub keep: bool,
}

/// Logs one action's outcome; a failure to log never fails the action.
pub fn record(db: &mut dyn Db, platform: &mut dyn Platform, settings: &Settings, entry: Entry) {
    let Entry {
        action,
        params,
        outcome,
        now_unix,
        keep,
    } = entry;
    let secrets = vec![settings.api_key.clone()];
    let (params, outcome) = (mask(params, &secrets), mask(outcome, &secrets));
    let secrets = mask_list(&secrets);
    platform.module_log(ModuleLogEntry {
        action: action.to_string(),
        request: params.clone(),
        response: outcome.clone(),
        processed: String::new(),
        mask: secrets,
    });
    if settings.logging || keep {
        let row = vec![
            Value::text(datetime(now_unix)),
            Value::text(MODULE),
            Value::text(action),
            Value::text(params),
            Value::text(outcome),
        ];
        let insert = Insert {
            table: LOG_TABLE.into(),
            columns: ["date", "module", "action", "params", "response"]
                .map(String::from)
                .to_vec(),
            rows: vec![row],
        };
        let _ = db.insert(&insert);
    }
}

#[cfg(test)]
mod tests {
    use super::datetime;

    #[test]
    fn formats_unix_times() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(datetime(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(datetime(1_795_545_296), "2026-11-24 18:34:56");
    }
}
