//! The cron's follow-up of every first order that has not reached its
//! server, so a paid order is linked even when HOSTKEY's post-install call
//! never arrives (a firewall, a WAF, a changed System URL): a `sending`
//! order is looked for again (`place`: ordered again only when HOSTKEY's
//! answers prove it never arrived), an `ordered` one paid, and a `paid` one
//! linked exactly as the callback links it (`link::link`) once
//! `eq_callback/check` says its deploy is done, as HOSTKEY's own client
//! waits for it. The callback stays the fast path.
//!
//! It runs first in the cron's status-sync call and shares that call: one API
//! session (handed on to the sync) and one clock. It follows orders only
//! while `FOLLOW_SHARE_PERCENT` of the call's deadline allows, least recently
//! followed first, so many deploying orders never leave the sync no time and
//! none waits behind the others for ever.

use super::invoice_paid::{self, Now};
use super::link::{self, Linked};
use super::pending::{self, Newcomer};
use super::pending_api::{self, Deploy};
use super::pending_store;
use super::place::server_on_invoice;
use super::service::{self, Service};
use super::state::{self, FIRST_ORDER, Job, ORDERS_TABLE, State};
use super::welcome::send_welcome;
use crate::api::{ApiClient, Handoff};
use crate::capabilities::db::{Condition, Select, Value};
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::orders::hostkey::{self, GetInvoice};
use crate::schema::module_log;
use crate::schema::settings::Settings;
use crate::sync::budget::Budget;

/// Orders are followed only while the estimate ends within this share of the
/// call's deadline; the status sync after them has the rest.
pub const FOLLOW_SHARE_PERCENT: u64 = 35;

/// What the cron's call gives the follow-up: its API session, taken up and
/// handed on, and its clock (`elapsed_ms` since the call started).
pub struct Shared<'a> {
    pub session: &'a mut Handoff,
    pub deadline_ms: u32,
    pub elapsed_ms: &'a mut dyn FnMut() -> u64,
}

/// What following one paid order came to.
enum Outcome {
    Linked(i64, String),
    Waiting(String),
    Attention(String),
}

/// Follows every waiting first order; returns one summary sentence, empty
/// when there was none.
pub fn follow_orders(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    now: Now,
    shared: Shared<'_>,
) -> ModuleResult<String> {
    if !db.table_exists(ORDERS_TABLE)? {
        return Ok(String::new());
    }
    let rows = db.select(
        &Select::from(ORDERS_TABLE, &["service_id", "updated_at"])
            .filter(Condition::eq("purpose", Value::text(FIRST_ORDER)))
            .filter(Condition::in_list(
                "state",
                [State::Sending, State::Ordered, State::Paid]
                    .map(|s| Value::text(s.key()))
                    .to_vec(),
            )),
    )?;
    // Least recently followed first ("" for never): a bounded run reaches
    // every order in turn.
    let mut queue: Vec<(String, i64)> = (0..rows.len())
        .filter_map(|i| {
            let id = rows.get(i, "service_id").as_int()?;
            Some((rows.get(i, "updated_at").as_text(), id))
        })
        .collect();
    queue.sort();
    if queue.is_empty() {
        return Ok(String::new());
    }
    let settings = Settings::load(db)?;
    let Shared {
        session,
        deadline_ms,
        elapsed_ms,
    } = shared;
    let mut budget = Budget::new(deadline_ms);
    let total = queue.len();
    let (mut linked, mut waiting, mut failed, mut tried) = (0u32, 0u32, 0u32, 0usize);
    for (_, service_id) in queue {
        let started = elapsed_ms();
        if !budget.may_start_within(started, FOLLOW_SHARE_PERCENT) {
            break;
        }
        tried += 1;
        session.set_timeout_ms(Some(budget.request_timeout_ms(started)));
        let outcome = service::with_service_lock(db, service_id, service::NO_WAIT, |db| {
            follow_one(
                db,
                http,
                platform,
                &settings,
                &mut *session,
                service_id,
                now,
            )
        });
        budget.measured(elapsed_ms().saturating_sub(started));
        let Some(outcome) = outcome? else {
            waiting += 1;
            continue;
        };
        let line = match outcome {
            Ok(Outcome::Linked(server, welcome)) => {
                linked += 1;
                format!(
                    "Service {service_id} is linked to HOSTKEY server {server} by the cron. {welcome}"
                )
            }
            Ok(Outcome::Waiting(why)) => {
                waiting += 1;
                format!("Service {service_id}: {why}")
            }
            Ok(Outcome::Attention(why)) => {
                failed += 1;
                format!("Service {service_id} needs attention: {why}")
            }
            Err(error) => {
                failed += 1;
                format!(
                    "Service {service_id}: {} (the next cron run tries again).",
                    error.to_string().trim_end_matches('.')
                )
            }
        };
        module_log::record(
            db,
            platform,
            &settings,
            module_log::Entry {
                action: "cron-follow-order",
                params: &format!("service {service_id}"),
                outcome: &line,
                now_unix: now.unix,
                keep: true,
            },
        );
    }
    let left = match total - tried {
        0 => String::new(),
        left => format!(
            " {left} more are followed in the next runs (this run's time for them is spent)."
        ),
    };
    Ok(format!(
        "Waiting orders followed: {linked} linked, {waiting} still waiting, {failed} need attention or failed.{left}"
    ))
}

fn follow_one(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    settings: &Settings,
    session: &mut Handoff,
    service_id: i64,
    now: Now,
) -> ModuleResult<Outcome> {
    let Some(service) = service::load(db, service_id)? else {
        return Ok(Outcome::Attention(
            "the service is no longer one of this module.".into(),
        ));
    };
    let Some(job) = state::find(db, service_id, FIRST_ORDER)? else {
        return Ok(Outcome::Waiting("it has not been ordered yet.".into()));
    };
    if matches!(job.state, State::Sending | State::Ordered) {
        let to = invoice_paid::Delivery {
            service_id,
            invoice_id: job.whmcs_invoice,
        };
        let line = invoice_paid::deliver(db, http, platform, settings, session, to, now)?;
        let after = state::find(db, service_id, FIRST_ORDER)?;
        if after.as_ref().is_none_or(|j| j.state != State::Paid) {
            let why = line
                .strip_prefix(&format!("Service {service_id}: "))
                .unwrap_or(&line)
                .to_string();
            return Ok(Outcome::Waiting(why));
        }
    }
    let Some(mut job) = state::find(db, service_id, FIRST_ORDER)? else {
        return Ok(Outcome::Waiting("it has not been ordered yet.".into()));
    };
    if job.state != State::Paid {
        return Ok(Outcome::Waiting(job.detail.clone()));
    }
    let stamp = module_log::datetime(now.unix);
    let outcome = {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        api.resume(session);
        let linked = link_paid(db, &mut api, &service, &mut job, &stamp);
        api.hand_off(session);
        linked?
    };
    Ok(match outcome {
        Outcome::Linked(server, renamed) => {
            let welcome = send_welcome(db, platform, service_id);
            Outcome::Linked(server, format!("{renamed}{welcome}"))
        }
        other => other,
    })
}

/// A paid order: its server and whether its deploy is done, then the link.
fn link_paid(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    job: &mut Job,
    now: &str,
) -> ModuleResult<Outcome> {
    let snapshot = pending_store::find(db, service.id)?.unwrap_or_default();
    let taken = pending::taken_by_others(db, service.id)?;
    let mut account = None;
    let mut key = snapshot.callback.clone();
    if key.is_empty()
        && let Some(invoice) = job.hostkey_invoice
    {
        let seen = pending_api::look_at_account(api)?;
        key = seen.deploy_key(invoice).unwrap_or_default().to_string();
        account = Some(seen);
    }
    let mut server = job.server_id;
    if !key.is_empty() {
        match pending_api::check_deploy(api, &key)? {
            Deploy::Running(hint) => {
                let why = format!(
                    "HOSTKEY is still deploying its server ({hint}); the cron looks again at its next run."
                );
                return wait(db, job, why, now);
            }
            Deploy::Failed(reason) => {
                let why = format!(
                    "HOSTKEY reports the deploy of service {} cancelled or failed ({reason}); check the order in the HOSTKEY account, nothing more is ordered.",
                    service.id
                );
                return attention(db, job, why, now);
            }
            Deploy::Done { server: Some(id) } if !pending::is_newcomer(&snapshot, &taken, id) => {
                if server != Some(id) {
                    let why = format!(
                        "HOSTKEY's deploy of service {} names server {id}, which existed before the order or belongs to another service; link the right server by hand.",
                        service.id
                    );
                    return attention(db, job, why, now);
                }
            }
            Deploy::Done { server: named } => server = server.or(named),
            // Deployed and cleaned up, or cancelled: the account tells which.
            Deploy::Gone(_) => {}
        }
    }
    if server.is_none() && snapshot.id > 0 {
        let seen = match account {
            Some(seen) => seen,
            None => pending_api::look_at_account(api)?,
        };
        if let Newcomer::Server(id) =
            pending::newcomer(api, &snapshot, &seen, &taken, &service.hostname)?
        {
            server = Some(id);
        }
    }
    if server.is_none()
        && let Some(invoice_id) = job.hostkey_invoice
    {
        let invoice = hostkey::send(api, &GetInvoice { invoice_id })?;
        server = server_on_invoice(&invoice, service.id);
    }
    let Some(server) = server else {
        let why = "HOSTKEY has not named its server yet; the cron looks again at its next run.";
        return wait(db, job, why.into(), now);
    };
    if job.server_id != Some(server) {
        job.server_id = Some(server);
        state::save(db, job, now)?;
    }
    match link::link(
        db,
        api,
        service,
        &mut |api| Ok(api.client_info()?.email),
        now,
    )? {
        Linked::Now(server) | Linked::Already(server) => {
            let renamed = match pending_api::rename_if_placeholder(api, server, &service.hostname) {
                Ok(true) => format!(
                    "HOSTKEY's placeholder name was replaced by {}. ",
                    service.hostname
                ),
                Ok(false) => String::new(),
                Err(error) => format!(
                    "Its HOSTKEY name could not be set ({}). ",
                    error.to_string().trim_end_matches('.')
                ),
            };
            Ok(Outcome::Linked(server, renamed))
        }
        Linked::Waiting(why) => wait(db, job, why, now),
        // Final once HOSTKEY has the cancellation; until HOSTKEY names the
        // server, the cron keeps looking so it can be cancelled then.
        Linked::Ended(line) => {
            if super::cancel::passed_on(db, service.id)? {
                attention(db, job, line, now)
            } else {
                wait(db, job, line, now)
            }
        }
    }
}

/// Records what a paid order waits for, for the admin's list.
fn wait(db: &mut dyn Db, job: &mut Job, why: String, now: &str) -> ModuleResult<Outcome> {
    if let Some(mut fresh) = state::find(db, job.service_id, FIRST_ORDER)?
        && fresh.state == job.state
    {
        fresh.detail = why.clone();
        state::save(db, &mut fresh, now)?;
    }
    Ok(Outcome::Waiting(why))
}

fn attention(db: &mut dyn Db, job: &mut Job, why: String, now: &str) -> ModuleResult<Outcome> {
    job.state = State::NeedsAttention;
    job.detail = why.clone();
    state::save(db, job, now).map_err(ModuleError::from)?;
    Ok(Outcome::Attention(why))
}
