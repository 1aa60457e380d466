//! One cron run of the status sync: the services due (`queue`) are read with
//! one API session until the run's share of the call is spent (`budget`);
//! each read or failure is marked at once (`store`), so a run stopped by
//! anything still leaves its progress, and the next run goes on from there.
//! The run ends with one bounded line in the module log (`summary`).

use super::budget::Budget;
use super::queue::{self, Candidate, Urgency};
use super::store;
use super::summary::{self, Tally};
use crate::api::{ApiClient, Handoff};
use crate::capabilities::db::{Comparison, Condition, Select, Value};
use crate::capabilities::{Db, Http, Platform};
use crate::error::ModuleResult;
use crate::orders::service;
use crate::orders::state::{ORDERS_TABLE, State};
use crate::schema::module_log;
use crate::schema::settings::Settings;
use crate::servers::ops::SERVERS_TABLE;
use crate::servers::status_sync::{linked_services, read_one};
use std::collections::BTreeMap;

/// Services loaded together for the reads of a run.
const LOAD_ROWS: usize = 50;

/// The runtime's default call limit (`timeout_ms`), for callers that do not say.
pub const DEFAULT_DEADLINE_MS: u32 = 30_000;

/// What a run works with; `elapsed_ms` is the time since the call started,
/// `session` the call's API session (the waiting orders' follow-up may have
/// opened it already).
pub struct Run<'a> {
    pub db: &'a mut dyn Db,
    pub http: &'a mut dyn Http,
    pub platform: &'a mut dyn Platform,
    pub elapsed_ms: &'a mut dyn FnMut() -> u64,
    pub session: &'a mut Handoff,
}

/// What the cron asks of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// The call's wall-clock limit, as the runtime sets it.
    pub deadline_ms: u32,
    /// WHMCS's daily cron: starts the day's round.
    pub daily: bool,
    pub now_unix: i64,
}

/// Why each service matters now, from the servers and orders tables.
fn urgencies(db: &mut dyn Db) -> ModuleResult<BTreeMap<i64, Urgency>> {
    let mut found = BTreeMap::new();
    let attention = db.select(&Select::from(ORDERS_TABLE, &["service_id"]).filter(
        Condition::eq("state", Value::text(State::NeedsAttention.key())),
    ))?;
    for i in 0..attention.len() {
        if let Some(id) = attention.get(i, "service_id").as_int() {
            found.insert(id, Urgency::NeedsAttention);
        }
    }
    let pending = db.select(
        &Select::from(SERVERS_TABLE, &["service_id"]).filter(Condition {
            column: "pending_action".into(),
            comparison: Comparison::Ne,
            values: vec![Value::text("")],
        }),
    )?;
    for i in 0..pending.len() {
        if let Some(id) = pending.get(i, "service_id").as_int() {
            found.insert(id, Urgency::PendingAction);
        }
    }
    Ok(found)
}

pub fn run(run: Run<'_>, request: Request) -> ModuleResult<String> {
    let Run {
        db,
        http,
        platform,
        elapsed_ms,
        session,
    } = run;
    let now = request.now_unix;
    let settings = Settings::load(db)?;
    let linked = linked_services(db)?;
    let mut marks = store::load(db)?;
    let mut round = marks.round.take().unwrap_or_default();
    if queue::new_round(round.read_at, request.daily, now) {
        store::start_round(db, &mut round, now)?;
    }
    let round_started = round.read_at.unwrap_or(now);
    let urgent = urgencies(db)?;
    let candidates = linked
        .iter()
        .map(|&service_id| {
            let mark = marks.services.remove(&service_id).unwrap_or_default();
            let urgency = urgent
                .get(&service_id)
                .copied()
                .or(mark.read_at.is_none().then_some(Urgency::NeverRead));
            Candidate {
                service_id,
                mark,
                urgency,
            }
        })
        .collect();
    // What is left belongs to services no longer linked.
    let gone: Vec<i64> = marks.services.keys().copied().collect();
    store::forget(db, &gone)?;
    let due = queue::due(candidates, round_started, now);
    let mut tally = Tally {
        linked: linked.len(),
        ..Tally::default()
    };
    if !due.is_empty() {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        api.resume(session);
        let read = read_due(db, &mut api, elapsed_ms, request, due, &mut tally);
        api.hand_off(session);
        read?;
    }
    let line = summary::line(&tally);
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action: "status-sync",
            params: &format!("{} services", linked.len()),
            outcome: &line,
            now_unix: now,
            keep: true,
        },
    );
    Ok(line)
}

/// Reads the due services in order while the budget allows, marking each.
fn read_due(
    db: &mut dyn Db,
    api: &mut ApiClient,
    elapsed_ms: &mut dyn FnMut() -> u64,
    request: Request,
    due: Vec<Candidate>,
    tally: &mut Tally,
) -> ModuleResult<()> {
    let mut budget = Budget::new(request.deadline_ms);
    let stamp = module_log::datetime(request.now_unix);
    let total = due.len();
    // One session for the whole call; without it no read can work.
    let before = elapsed_ms();
    api.set_timeout_ms(Some(budget.request_timeout_ms(before)));
    // The waiting orders' follow-up may have opened it already.
    let opened = if api.has_session() {
        Ok(())
    } else {
        api.login()
    };
    if let Err(error) = opened {
        tally.left = total;
        tally.stopped = Some(format!(
            "No server was read: the API session could not be opened ({}).",
            error.to_string().trim_end_matches('.')
        ));
        return Ok(());
    }
    budget.measured(elapsed_ms().saturating_sub(before));
    let ids: Vec<i64> = due.iter().map(|c| c.service_id).collect();
    let mut services = BTreeMap::new();
    let mut tried = 0;
    for Candidate {
        service_id,
        mut mark,
        ..
    } in due
    {
        if !budget.may_start(elapsed_ms()) {
            break;
        }
        // The services a few dozen at a time, not a handful of queries per read.
        if tried % LOAD_ROWS == 0 {
            let next = &ids[tried..(tried + LOAD_ROWS).min(total)];
            services = service::load_many(db, next)?;
        }
        let started = elapsed_ms();
        api.set_timeout_ms(Some(budget.request_timeout_ms(started)));
        let outcome = read_one(db, api, service_id, services.get(&service_id), &stamp);
        budget.measured(elapsed_ms().saturating_sub(started));
        tried += 1;
        mark.tried_at = Some(request.now_unix);
        match outcome {
            Ok(changed) => {
                tally.read += 1;
                tally.changed += usize::from(changed);
                mark.read_at = Some(request.now_unix);
                mark.failures = 0;
                mark.cause.clear();
            }
            Err(error) => {
                let cause = error.to_string();
                mark.failures = mark.failures.saturating_add(1);
                mark.cause.clone_from(&cause);
                tally.failures.push((service_id, cause));
            }
        }
        store::save(db, service_id, &mut mark)?;
    }
    tally.left = total - tried;
    Ok(())
}

/// A daily run with the default call deadline and a session of its own.
pub fn daily(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    now_unix: i64,
) -> ModuleResult<String> {
    let started = std::time::Instant::now();
    let mut elapsed = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    run(
        Run {
            db,
            http,
            platform,
            elapsed_ms: &mut elapsed,
            session: &mut Handoff::default(),
        },
        Request {
            deadline_ms: DEFAULT_DEADLINE_MS,
            daily: true,
            now_unix,
        },
    )
}
