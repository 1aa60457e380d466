//! Which HOSTKEY server or invoice is this order's, found as HOSTKEY's own
//! client finds it (terraform provider `LookupPendingServer`,
//! `matchPendingIDs`): newcomers are what the account holds now and did not
//! hold before the order (a set, never a highest id), minus what other
//! services of the module already own. One candidate is adopted; several,
//! or a newcomer whose name does not show yet, mean look again later.

use super::hostkey::Servers;
use super::pending_api::{self, Deploy};
use super::pending_store::Snapshot;
use super::state::ORDERS_TABLE;
use crate::api::{ApiClient, ApiError};
use crate::capabilities::Db;
use crate::capabilities::db::{Comparison, Condition, DbError, Select, Value};
use crate::servers::ops::SERVERS_TABLE;
use std::collections::BTreeSet;

/// Invoices and servers other services of the module own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Taken {
    pub invoices: BTreeSet<i64>,
    pub servers: BTreeSet<i64>,
}

pub fn taken_by_others(db: &mut dyn Db, service_id: i64) -> Result<Taken, DbError> {
    let others = || Condition {
        column: "service_id".into(),
        comparison: Comparison::Ne,
        values: vec![Value::Int(service_id)],
    };
    let mut taken = Taken::default();
    let jobs =
        db.select(&Select::from(ORDERS_TABLE, &["hostkey_invoice", "server_id"]).filter(others()))?;
    for i in 0..jobs.len() {
        taken
            .invoices
            .extend(jobs.get(i, "hostkey_invoice").as_int().filter(|v| *v > 0));
        taken
            .servers
            .extend(jobs.get(i, "server_id").as_int().filter(|v| *v > 0));
    }
    if db.table_exists(SERVERS_TABLE)? {
        let servers = db.select(&Select::from(SERVERS_TABLE, &["server_id"]).filter(others()))?;
        for i in 0..servers.len() {
            taken
                .servers
                .extend(servers.get(i, "server_id").as_int().filter(|v| *v > 0));
        }
    }
    Ok(taken)
}

/// Invoices with a deploy key that appeared since the order was sent.
pub fn new_invoices(snapshot: &Snapshot, account: &Servers, taken: &Taken) -> Vec<(i64, String)> {
    account
        .deploy_keys_by_invoice()
        .into_iter()
        .filter(|(invoice, _)| {
            !snapshot.known_invoices.contains(invoice) && !taken.invoices.contains(invoice)
        })
        .collect()
}

/// A server id that may be this order's: new since the order, not owned.
pub fn is_newcomer(snapshot: &Snapshot, taken: &Taken, id: i64) -> bool {
    id > 0 && !snapshot.known_servers.contains(&id) && !taken.servers.contains(&id)
}

/// What the newcomer search found.
#[derive(Debug, Clone, PartialEq)]
pub enum Newcomer {
    /// Exactly one server, confirmed by its name (ours, or HOSTKEY's
    /// placeholder `hostkey<id>` for a sole newcomer).
    Server(i64),
    /// No new server yet.
    Nothing,
    /// New servers whose names do not tell (lagging, or several): wait.
    Unclear(Vec<i64>),
}

pub fn newcomer(
    api: &mut ApiClient,
    snapshot: &Snapshot,
    account: &Servers,
    taken: &Taken,
    hostname: &str,
) -> Result<Newcomer, ApiError> {
    let ids: Vec<i64> = account
        .ids()
        .into_iter()
        .filter(|id| is_newcomer(snapshot, taken, *id))
        .collect();
    let hostname = hostname.trim();
    let mut matched = Vec::new();
    for &id in &ids {
        let live = match pending_api::show_name(api, id) {
            Ok(live) => live,
            // An unreadable newcomer is not evidence either way.
            Err(error) if error.is_retryable() || matches!(error, ApiError::Refused { .. }) => {
                continue;
            }
            Err(error) => return Err(error),
        };
        let named = !hostname.is_empty() && live.eq_ignore_ascii_case(hostname);
        // HOSTKEY often keeps `hostkey<id>` until renamed: that is a sole
        // newcomer's "hostname not applied yet", never a tie-breaker.
        if named || (ids.len() == 1 && pending_api::is_placeholder(&live, id)) {
            matched.push(id);
        }
    }
    Ok(match (ids.as_slice(), matched.as_slice()) {
        ([], _) => Newcomer::Nothing,
        (_, [one]) => Newcomer::Server(*one),
        _ => Newcomer::Unclear(ids),
    })
}

/// Among several new orders, the one whose deployed server already carries
/// the service's hostname (the provider's hostname match): (invoice, deploy
/// key, server). None when no single one does.
pub fn named_order(
    api: &mut ApiClient,
    snapshot: &Snapshot,
    taken: &Taken,
    orders: &[(i64, String)],
    hostname: &str,
) -> Result<Option<(i64, String, i64)>, ApiError> {
    let hostname = hostname.trim();
    if hostname.is_empty() {
        return Ok(None);
    }
    let mut matched = Vec::new();
    for (invoice, key) in orders {
        let Deploy::Done { server: Some(id) } = pending_api::check_deploy(api, key)? else {
            continue;
        };
        if is_newcomer(snapshot, taken, id)
            && pending_api::show_name(api, id).is_ok_and(|live| live.eq_ignore_ascii_case(hostname))
        {
            matched.push((*invoice, key.clone(), id));
        }
    }
    Ok(match matched.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

pub fn list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
