//! Which linked services a status-sync run reads, in which order. A day's
//! round makes every service due once; within it the services whose state
//! matters now go first (a pending action, an order needing attention), then
//! a server whose last try failed (retried on the next run, at most
//! `RETRIES` runs in a row), then servers never read yet (fresh deployments),
//! then the rest oldest-tried first. A failure moves a server to the back instead of holding up the
//! ones after it, so every server is reached whatever keeps failing.

use super::store::Mark;

/// A service whose state matters now is read again after this many seconds,
/// even when the round already read it.
pub const URGENT_INTERVAL_SECS: i64 = 10 * 60;
/// A round is due again after a day; one more hour of grace lets the daily
/// cron start it before a five-minute run does.
pub const ROUND_SECS: i64 = 25 * 60 * 60;
/// Runs in a row a failed server goes first before it waits its turn.
pub const RETRIES: u32 = 3;

/// Why a service's state matters now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// A power action or a reinstall is being followed.
    PendingAction,
    /// An order of the service waits for the admin.
    NeedsAttention,
    /// Never read since it was linked (a fresh deployment or an upgrade).
    NeverRead,
}

/// A linked service as the queue sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub service_id: i64,
    pub mark: Mark,
    pub urgency: Option<Urgency>,
}

/// Whether a new round starts: the daily cron starts one; so does any run
/// when none ever started or the last is older than `ROUND_SECS`.
pub fn new_round(round_started: Option<i64>, daily: bool, now_unix: i64) -> bool {
    daily || round_started.is_none_or(|at| now_unix - at >= ROUND_SECS || at > now_unix)
}

/// The services due in this run, in the order they are read.
pub fn due(candidates: Vec<Candidate>, round_started: i64, now_unix: i64) -> Vec<Candidate> {
    let recently_tried = |mark: &Mark| {
        mark.tried_at
            .is_some_and(|at| (0..URGENT_INTERVAL_SECS).contains(&(now_unix - at)))
    };
    let mut due: Vec<(u8, Option<i64>, Candidate)> = candidates
        .into_iter()
        .filter_map(|c| {
            let unread = c.mark.read_at.is_none_or(|at| at < round_started);
            // A never-read service goes early once; the others each interval.
            let (urgent, fresh) = match c.urgency {
                None => (false, false),
                Some(Urgency::NeverRead) => (false, c.mark.tried_at.is_none()),
                Some(_) => (!recently_tried(&c.mark), false),
            };
            let retry = unread && (1..=RETRIES).contains(&c.mark.failures);
            let tier = if urgent {
                0
            } else if retry {
                1
            } else if fresh {
                2
            } else if unread {
                3
            } else {
                return None;
            };
            Some((tier, c.mark.tried_at, c))
        })
        .collect();
    // Never tried sorts first (None < Some); ties by service id keep it stable.
    due.sort_by(|a, b| {
        (a.0, a.1, a.2.urgency, a.2.service_id).cmp(&(b.0, b.1, b.2.urgency, b.2.service_id))
    });
    due.into_iter().map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const ROUND: i64 = NOW - 3_600;

    fn service(id: i64, read_at: Option<i64>, tried_at: Option<i64>, failures: u32) -> Candidate {
        Candidate {
            service_id: id,
            mark: Mark {
                read_at,
                tried_at,
                failures,
                ..Mark::default()
            },
            urgency: None,
        }
    }

    fn order(candidates: Vec<Candidate>) -> Vec<i64> {
        due(candidates, ROUND, NOW)
            .into_iter()
            .map(|c| c.service_id)
            .collect()
    }

    #[test]
    fn the_round_reads_each_service_once_oldest_tried_first() {
        let read_this_round = service(1, Some(ROUND + 10), Some(ROUND + 10), 0);
        let yesterday = service(2, Some(ROUND - 86_400), Some(ROUND - 86_400), 0);
        let two_days = service(3, Some(ROUND - 172_800), Some(ROUND - 172_800), 0);
        let never_tried = service(4, Some(ROUND - 100), None, 0);
        assert_eq!(
            order(vec![read_this_round, yesterday, two_days, never_tried]),
            vec![4, 3, 2]
        );
    }

    #[test]
    fn a_failed_server_is_retried_next_run_then_waits_its_turn() {
        let failed_once = service(9, Some(ROUND - 86_400), Some(NOW - 300), 1);
        let waiting = service(2, Some(ROUND - 86_400), Some(ROUND - 86_400), 0);
        assert_eq!(order(vec![waiting.clone(), failed_once]), vec![9, 2]);
        // After RETRIES failures in a row it goes behind everyone tried earlier.
        let failing = service(9, Some(ROUND - 86_400), Some(NOW - 300), RETRIES + 1);
        assert_eq!(order(vec![failing, waiting]), vec![2, 9]);
    }

    #[test]
    fn a_retry_goes_before_servers_never_read_and_those_before_the_rest() {
        let mut fresh = service(5, None, None, 0);
        fresh.urgency = Some(Urgency::NeverRead);
        let mut failed = service(6, None, Some(NOW - 300), 1);
        failed.urgency = Some(Urgency::NeverRead);
        let old = service(1, Some(ROUND - 86_400), Some(ROUND - 86_400), 0);
        assert_eq!(order(vec![old, fresh, failed]), vec![6, 5, 1]);
    }

    #[test]
    fn urgent_services_go_first_and_again_after_the_interval() {
        let mut pending = service(7, Some(NOW - 60), Some(NOW - 60), 0);
        pending.urgency = Some(Urgency::PendingAction);
        let mut attention = service(
            8,
            Some(NOW - URGENT_INTERVAL_SECS),
            Some(NOW - URGENT_INTERVAL_SECS),
            0,
        );
        attention.urgency = Some(Urgency::NeedsAttention);
        let old = service(1, None, None, 0);
        // The pending action was read a minute ago: not again yet.
        assert_eq!(order(vec![old, pending.clone(), attention]), vec![8, 1]);
        pending.mark.tried_at = Some(NOW - URGENT_INTERVAL_SECS - 1);
        assert_eq!(order(vec![pending]), vec![7]);
    }

    #[test]
    fn the_daily_run_or_a_missed_day_starts_a_round() {
        assert!(new_round(None, false, NOW));
        assert!(new_round(Some(NOW - 60), true, NOW));
        assert!(!new_round(Some(NOW - 60), false, NOW));
        assert!(new_round(Some(NOW - ROUND_SECS), false, NOW));
        assert!(
            new_round(Some(NOW + 3_600), false, NOW),
            "a start in the future"
        );
    }
}
