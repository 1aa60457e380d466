//! Order or renew: a paid invoice orders a server only for a service's first
//! payment. Everything else is a renewal of the server the service has (or
//! may have): buying a second server for a live service is the one mistake a
//! reseller cannot take back.

use super::custom_fields::{self, API_KEY, INVOICE_ID, PRESET_ID};
use super::service::Service;
use super::state::{Job, ORDERS_TABLE, State};
use super::terms::ServiceStatus;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::error::ModuleResult;
use crate::servers::ops;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// Place (or carry on with) the service's first order.
    Order,
    /// Pay the renewal of the server it has.
    Renew,
}

/// `first_order` is the service's first-order job, if any. A job of ours
/// that is not linked yet is our own first order carrying on. Without one, a
/// service orders only while it is Pending and nothing says it has a server:
/// no `Invoice ID`, `Preset ID` or `Api key` (the public module's marks), no
/// job of ours of any kind and no management row naming a server.
pub fn decide(db: &mut dyn Db, service: &Service, first_order: Option<&Job>) -> ModuleResult<Path> {
    if let Some(job) = first_order {
        return Ok(match job.state {
            State::Linked | State::Done => Path::Renew,
            _ => Path::Order,
        });
    }
    if !ServiceStatus::Pending.is(&service.status) {
        return Ok(Path::Renew);
    }
    for field in [INVOICE_ID, PRESET_ID, API_KEY] {
        if !custom_fields::get(db, service.product_id, service.id, field)?
            .trim()
            .is_empty()
        {
            return Ok(Path::Renew);
        }
    }
    let jobs = db.select(
        &Select::from(ORDERS_TABLE, &["purpose", "state", "server_id"])
            .filter(Condition::eq("service_id", Value::Int(service.id))),
    )?;
    let evidence = (0..jobs.len()).any(|i| {
        !is_blind_renewal(
            &jobs.get(i, "purpose").as_text(),
            &jobs.get(i, "state").as_text(),
            jobs.get(i, "server_id").as_int(),
        )
    });
    if evidence || ops::load(db, service.id)?.server_id.is_some() {
        return Ok(Path::Renew);
    }
    Ok(Path::Order)
}

/// A renewal that stopped because no server could be determined says
/// nothing about a server: once the admin sets such a service back to
/// Pending (it never had one), its paid invoice may order it. Every other
/// job of ours is evidence of a server.
fn is_blind_renewal(purpose: &str, state: &str, server: Option<i64>) -> bool {
    purpose.starts_with("renewal:")
        && state == State::NeedsAttention.key()
        && server.is_none_or(|id| id <= 0)
}
