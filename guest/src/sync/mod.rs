//! The cron's status sync at any size: each run (WHMCS's five-minute
//! `AfterCronJob`; the `DailyCronJob` starts the day's round) reads the
//! linked servers that are due, in slices that fit the call's limits, and
//! resumes from where the last run stopped. See docs/lifecycle.md, "Status
//! sync".

pub mod budget;
pub mod overview;
pub mod queue;
pub mod slice;
pub mod store;
pub mod summary;

#[cfg(test)]
mod tests;
