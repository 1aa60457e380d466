//! A paid WHMCS renewal invoice of a linked service pays HOSTKEY's open
//! invoice for that server: the oldest one, one per paid WHMCS renewal (both
//! bill the same cycle, as the server was ordered with the service's cycle).
//! The chosen HOSTKEY invoice is recorded before it is paid and HOSTKEY is
//! asked whether it is paid before paying, so no invoice is paid twice.

use super::hostkey::{self, ProductInvoices, ServerFacts, ShowServer};
use super::related_invoices::RelatedInvoices;
use super::server_of::server_of;
use super::service::Service;
use super::state::{self, State};
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};

pub fn purpose(whmcs_invoice: i64) -> String {
    format!("renewal:{whmcs_invoice}")
}

pub fn renew(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    whmcs_invoice: i64,
    now: &str,
) -> ModuleResult<String> {
    let id = service.id;
    let purpose = purpose(whmcs_invoice);
    let mut job = state::find(db, id, &purpose)?
        .unwrap_or_else(|| state::new_job(id, &purpose, whmcs_invoice));
    if job.state == State::Done {
        return Ok(format!(
            "Service {id}: the renewal paid by invoice {whmcs_invoice} was already passed on (HOSTKEY invoice {}).",
            job.hostkey_invoice.unwrap_or(0)
        ));
    }
    let Some(server) = server_of(db, api, service)? else {
        // Nothing is bought on a guess: the admin links the server (the
        // service tab's re-link) and the next delivery pays the renewal.
        let why = format!(
            "the renewal paid by invoice {whmcs_invoice} was not passed on: no HOSTKEY server could be determined for service {id} (none recorded, no Preset ID, and its Invoice ID names none); link its server in the service's HOSTKEY tab, then pay HOSTKEY's invoice in HOSTKEY's panel or deliver the invoice again; if it never had a server, set it back to Pending and deliver the invoice again to order one."
        );
        job.state = State::NeedsAttention;
        job.detail = why.clone();
        state::save(db, &mut job, now)?;
        return Ok(format!("Service {id} needs attention: {why}"));
    };
    job.server_id = Some(server);
    let invoice_id = match job.hostkey_invoice {
        Some(chosen) => chosen,
        None => {
            let open = open_invoices(api, server)?;
            let taken = paid_by_other_renewals(db, id, &purpose)?;
            let Some(oldest) = open.into_iter().find(|i| !taken.contains(i)) else {
                return Ok(format!(
                    "Service {id}: HOSTKEY has no open invoice for server {server} yet; nothing was paid (pay it in HOSTKEY's panel when it appears)."
                ));
            };
            job.hostkey_invoice = Some(oldest);
            job.state = State::Ordered;
            state::save(db, &mut job, now)?;
            oldest
        }
    };
    let (invoice, paid) = hostkey::pay_once(api, invoice_id)?;
    if !paid {
        return Err(ModuleError::InvalidInput(format!(
            "HOSTKEY invoice {invoice_id} (renewal of service {id}) is not paid: the reseller balance does not cover it; top it up and pay it in HOSTKEY's panel."
        )));
    }
    crate::margins::paid::record_paid(db, id, invoice_id, &invoice.total, now);
    job.state = State::Done;
    state::save(db, &mut job, now)?;
    Ok(format!(
        "Service {id}: renewal passed on, HOSTKEY invoice {invoice_id} of server {server} paid."
    ))
}

/// The server's unpaid HOSTKEY invoices, oldest first: asked by the server's
/// id (`whmcs/get_related_invoices`, HOSTKEY's MCP server), else through its
/// billing account (`eq/show` + `whmcs/get_product_invoice`, the public
/// module). Neither answer shape is shown by HOSTKEY's own clients, so the
/// first path that names an invoice decides; nothing named is "none yet".
fn open_invoices(api: &mut ApiClient, server: i64) -> ModuleResult<Vec<i64>> {
    // A refusal or an unknown action is not the end: the second path may know.
    if let Ok(related) = hostkey::send(api, &RelatedInvoices { server_id: server })
        && !related.invoices().is_empty()
    {
        return Ok(related.unpaid());
    }
    let facts = hostkey::send(api, &ShowServer { id: server })?;
    let (account_id, location) = billing_account(&facts).ok_or_else(|| {
        ModuleError::InvalidInput(format!(
            "HOSTKEY did not say which billing account server {server} belongs to (eq/show account_id)."
        ))
    })?;
    let mut open: Vec<i64> = hostkey::send(
        api,
        &ProductInvoices {
            account_id,
            location,
        },
    )?
    .invoices
    .into_iter()
    .filter(|i| i.status.eq_ignore_ascii_case("unpaid"))
    .filter_map(|i| i.invoiceid)
    .collect();
    open.sort_unstable();
    Ok(open)
}

/// The server's billing account and its billing location, as `eq/show`
/// gives them: at the top of the answer (where the public module reads them)
/// or inside `server_data` (where HOSTKEY's own clients find the server's
/// fields); the top wins where both are filled.
pub fn billing_account(facts: &ServerFacts) -> Option<(i64, String)> {
    let data = &facts.server_data;
    let account = facts.account_id.or(data.account_id)?;
    let location = [&facts.type_billing, &data.type_billing]
        .into_iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string();
    Some((account, location))
}

/// HOSTKEY invoices other renewals of the service already took.
fn paid_by_other_renewals(
    db: &mut dyn Db,
    service_id: i64,
    purpose: &str,
) -> ModuleResult<Vec<i64>> {
    use crate::capabilities::db::{Comparison, Condition, Select, Value};
    let rows = db.select(
        &Select::from(state::ORDERS_TABLE, &["hostkey_invoice", "purpose"])
            .filter(Condition::eq("service_id", Value::Int(service_id)))
            .filter(Condition {
                column: "purpose".into(),
                comparison: Comparison::Ne,
                values: vec![Value::text(purpose)],
            }),
    )?;
    Ok((0..rows.len())
        .filter(|i| rows.get(*i, "purpose").as_text().starts_with("renewal:"))
        .filter_map(|i| rows.get(i, "hostkey_invoice").as_int())
        .collect())
}
