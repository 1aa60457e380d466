//! "Refresh status" and the page's poll, throttled per service: a tracked
//! action is followed with HOSTKEY's public `eq_callback/check` (no session);
//! the server itself is read (`auth/login` + `eq/show`, the reseller's
//! master key) at most once per `READ_INTERVAL_SECS`, whoever clicks and
//! however often. Within the interval the answer is the state last read.

use super::calls::{self, Progress};
use super::ops::{self, ServerOps};
use super::view::Action;
use crate::api::{ApiClient, ApiError};
use crate::capabilities::Db;
use crate::error::ModuleResult;
use crate::orders::hostkey::{self, ShowServer};
use crate::schema::module_log;

/// One read of a server per service in this many seconds.
pub const READ_INTERVAL_SECS: i64 = 30;

/// Unix time of a `YYYY-MM-DD HH:MM:SS` (UTC) stamp; none for anything else.
pub fn unix_of(stamp: &str) -> Option<i64> {
    let stamp = stamp.trim();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = stamp.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if stamp.len() != 19 {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Whether the server was read less than the interval ago.
pub fn read_recently(ops: &ServerOps, now_unix: i64) -> bool {
    unix_of(&ops.synced_at).is_some_and(|at| (0..READ_INTERVAL_SECS).contains(&(now_unix - at)))
}

/// Follows, then reads unless throttled; a failed call leaves the row as it
/// was and returns its sentence.
pub fn refresh(
    db: &mut dyn Db,
    api: &mut ApiClient,
    server: i64,
    ops: &mut ServerOps,
    now_unix: i64,
) -> ModuleResult<Result<(), String>> {
    let before = ops.clone();
    if let Err(error) = follow(api, ops) {
        *ops = before;
        return Ok(Err(error.to_string()));
    }
    if !ops.busy() && !read_recently(ops, now_unix) {
        if let Err(error) = read_power(api, server, ops) {
            *ops = before;
            return Ok(Err(error.to_string()));
        }
        ops.synced_at = module_log::datetime(now_unix);
    }
    if *ops != before {
        ops::save(db, ops)?;
    }
    Ok(Ok(()))
}

/// Follows a tracked action: when HOSTKEY says it is done (or failed), the
/// row forgets it and takes the power it left.
pub fn follow(api: &mut ApiClient, ops: &mut ServerOps) -> Result<bool, ApiError> {
    if !ops.busy() {
        return Ok(false);
    }
    if ops.pending_key.is_empty() {
        ops.pending_action.clear();
        return Ok(true);
    }
    match calls::check(api, &ops.pending_key)? {
        Progress::Running => Ok(false),
        Progress::Done => {
            if let Some(power) = Action::power_after(&ops.pending_action) {
                ops.power = power.into();
            }
            ops.detail = format!("{} done", ops.pending_action);
            ops.pending_action.clear();
            ops.pending_key.clear();
            Ok(true)
        }
        Progress::Failed(message) => {
            ops.detail = format!("{} failed: {message}", ops.pending_action);
            ops.pending_action.clear();
            ops.pending_key.clear();
            Ok(true)
        }
    }
}

/// Reads the power HOSTKEY reports (`server_data.power`, else the rental
/// state); unknown leaves the last seen value.
pub fn read_power(api: &mut ApiClient, server: i64, ops: &mut ServerOps) -> Result<(), ApiError> {
    let facts = hostkey::send(api, &ShowServer { id: server })?;
    if let Some(power) = power_of(&facts.server_data.power, &facts.server_data.condition) {
        ops.power = power.into();
    }
    Ok(())
}

pub fn power_of(power: &str, condition: &str) -> Option<&'static str> {
    match power.trim().to_ascii_lowercase().as_str() {
        "on" | "up" | "running" => return Some("on"),
        "off" | "down" | "stopped" => return Some("off"),
        _ => {}
    }
    // No HOSTKEY source has a power field: the terraform provider derives
    // power from the rental state (eq_power.go PowerStateFromStatus).
    match condition.trim().to_ascii_lowercase().as_str() {
        "power_off" | "poweroff" | "off" | "stopped" => Some("off"),
        "rent" | "active" | "on" | "running" => Some("on"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_back_as_the_unix_time_they_were_written_from() {
        for unix in [0, 951_782_400, 1_795_545_296, 4_102_444_799] {
            assert_eq!(unix_of(&module_log::datetime(unix)), Some(unix));
        }
        assert_eq!(unix_of(""), None);
        assert_eq!(unix_of("2026-13-01 00:00:00"), None);
        assert_eq!(unix_of("2026-01-01T00:00:00Z"), None);
    }

    #[test]
    fn a_read_inside_the_interval_is_recent() {
        let mut row = ServerOps::new(1);
        assert!(!read_recently(&row, 1_000_000));
        row.synced_at = module_log::datetime(1_000_000);
        assert!(read_recently(&row, 1_000_000 + READ_INTERVAL_SECS - 1));
        assert!(!read_recently(&row, 1_000_000 + READ_INTERVAL_SECS));
        assert!(
            !read_recently(&row, 1_000_000 - 5),
            "a stamp from the future"
        );
    }
}
