//! How much of a call a status-sync run may spend. The host stops a call at
//! its deadline (`timeout_ms`, 30 s by default); a stopped call writes no
//! summary and loses the marks of the server it was reading. So a run starts
//! another read only while the slowest read seen so far, twice over, still
//! fits in `SHARE_PERCENT` of the deadline, and no single HTTP request may
//! wait past `LAST_PERCENT` of it. The slice size is what fits, measured on
//! the run's own reads, not a fixed count.
//!
//! Time, not fuel, is what runs out: a read is a handful of DB statements and
//! one small answer to decode, and no slice of the benchmark ran out of the
//! default fuel (docs/benchmarks.md, "Status sync at scale"); one that did
//! would stop with the marks of its finished reads written.

/// Reads start only while the estimate ends within this share of the deadline.
pub const SHARE_PERCENT: u64 = 70;
/// No request may still wait after this share of the deadline.
pub const LAST_PERCENT: u64 = 85;
/// The estimate before any read was measured: a read is taken to cost as much
/// as the session's login, and never less than this.
pub const MIN_ESTIMATE_MS: u64 = 250;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    deadline_ms: u64,
    slowest_ms: u64,
}

impl Budget {
    pub fn new(deadline_ms: u32) -> Self {
        Self {
            deadline_ms: u64::from(deadline_ms),
            slowest_ms: MIN_ESTIMATE_MS,
        }
    }

    /// One measured read (or the login): the estimate follows the slowest.
    pub fn measured(&mut self, took_ms: u64) {
        self.slowest_ms = self.slowest_ms.max(took_ms);
    }

    /// Whether another read may start `elapsed_ms` into the call.
    pub fn may_start(&self, elapsed_ms: u64) -> bool {
        self.may_start_within(elapsed_ms, SHARE_PERCENT)
    }

    /// Whether work may start that must end within `share_percent` of the
    /// deadline (the waiting orders, which leave the sync the rest).
    pub fn may_start_within(&self, elapsed_ms: u64, share_percent: u64) -> bool {
        let estimate = self.slowest_ms.saturating_mul(2);
        elapsed_ms.saturating_add(estimate) <= self.deadline_ms * share_percent / 100
    }

    /// The longest a request started now may wait for its answer.
    pub fn request_timeout_ms(&self, elapsed_ms: u64) -> u32 {
        let last = self.deadline_ms * LAST_PERCENT / 100;
        u32::try_from(last.saturating_sub(elapsed_ms))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_while_twice_the_slowest_still_fits_the_share() {
        let mut budget = Budget::new(30_000);
        assert!(budget.may_start(0));
        budget.measured(150);
        // 70 % of 30 s is 21 s; the estimate is at least 2 x 250 ms.
        assert!(budget.may_start(20_500));
        assert!(!budget.may_start(20_501));
        budget.measured(4_000);
        assert!(budget.may_start(13_000));
        assert!(!budget.may_start(13_001));
    }

    #[test]
    fn a_slow_answer_cannot_outlast_the_call() {
        let budget = Budget::new(30_000);
        assert_eq!(budget.request_timeout_ms(0), 25_500);
        assert_eq!(budget.request_timeout_ms(20_000), 5_500);
        assert_eq!(budget.request_timeout_ms(29_000), 1);
    }

    #[test]
    fn a_short_deadline_gives_a_short_slice() {
        let mut budget = Budget::new(2_000);
        budget.measured(300);
        assert!(budget.may_start(800));
        assert!(!budget.may_start(801));
    }
}
