//! Completing the link once HOSTKEY deployed the server: its id in
//! `Preset ID`, a per-server API key in `Api key` (created once), the
//! service Active, the welcome email. Safe to run again: a linked service
//! makes no call. An ended service is never linked (`ended`).

use super::custom_fields::{self, API_KEY, PRESET_ID};
use super::hostkey::{self, AddServerKey, GetInvoice, KeysForServer};
use super::place::server_on_invoice;
use super::service::{self, Service};
use super::state::{self, FIRST_ORDER, State};
use super::terms::ServiceStatus;
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::capabilities::db::in_transaction;
use crate::error::{ModuleError, ModuleResult};

#[derive(Debug, Clone, PartialEq)]
pub enum Linked {
    /// Linked by this call (server id).
    Now(i64),
    /// Was linked before: nothing changed.
    Already(i64),
    /// Cannot be linked yet; the sentence says what it waits for.
    Waiting(String),
    /// The service has ended: nothing linked, its server cancelled once known.
    Ended(String),
}

pub fn link(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    reseller_email: &mut dyn FnMut(&mut ApiClient) -> ModuleResult<String>,
    now: &str,
) -> ModuleResult<Linked> {
    if super::ended::is_ended(db, service)? {
        return super::ended::cancel_server(db, api, service, now).map(Linked::Ended);
    }
    let Some(mut job) = state::find(db, service.id, FIRST_ORDER)? else {
        return Ok(Linked::Waiting(format!(
            "Service {} has not been ordered at HOSTKEY yet: that happens when its invoice is paid.",
            service.id
        )));
    };
    match job.state {
        State::Linked | State::Done => return Ok(Linked::Already(job.server_id.unwrap_or(0))),
        State::Paid => {}
        State::Ordered => {
            return Ok(Linked::Waiting(format!(
                "HOSTKEY invoice {} of service {} is not paid yet.",
                job.hostkey_invoice.unwrap_or(0),
                service.id
            )));
        }
        State::NeedsAttention => return Ok(Linked::Waiting(job.detail.clone())),
        State::Sending | State::Refused => {
            return Ok(Linked::Waiting(format!(
                "The order of service {} has not been confirmed by HOSTKEY yet.",
                service.id
            )));
        }
    }
    let server_id = match job.server_id {
        Some(id) => id,
        None => {
            let invoice_id = job.hostkey_invoice.unwrap_or(0);
            let invoice = hostkey::send(api, &GetInvoice { invoice_id })?;
            server_on_invoice(&invoice, service.id).ok_or_else(|| {
                ModuleError::InvalidInput(format!(
                    "HOSTKEY invoice {invoice_id} does not say which server belongs to service {}.",
                    service.id
                ))
            })?
        }
    };
    let stored = custom_fields::get(db, service.product_id, service.id, API_KEY)?;
    let key = if !stored.is_empty() {
        None
    } else if hostkey::send(api, &KeysForServer { server_id })?.is_empty() {
        let email = reseller_email(api)?;
        let added = hostkey::send(
            api,
            &AddServerKey {
                name: format!("Api key [{server_id}.{}]", job.whmcs_invoice),
                server_id,
                notify_email: email,
            },
        )?;
        Some(added.data.api_key)
    } else {
        return Ok(Linked::Waiting(format!(
            "Server {server_id} already has a HOSTKEY API key the module did not create; enter it in the Api key field of service {} to finish the link.",
            service.id
        )));
    };
    job.server_id = Some(server_id);
    job.state = State::Linked;
    job.detail = String::new();
    in_transaction(db, |db| {
        if let Some(key) = &key {
            custom_fields::set(db, service.product_id, service.id, API_KEY, key)?;
        }
        custom_fields::set(
            db,
            service.product_id,
            service.id,
            PRESET_ID,
            &server_id.to_string(),
        )?;
        service::set_status(db, service.id, ServiceStatus::Active.whmcs())?;
        state::save(db, &mut job, now)?;
        Ok::<(), ModuleError>(())
    })?;
    Ok(Linked::Now(server_id))
}
