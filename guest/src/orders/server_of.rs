//! Which HOSTKEY server is a service's: one rule for every path (InvoicePaid,
//! renewal, suspend / unsuspend / terminate, power, client area, single
//! sign-on, re-link, cancellation, status sync), so a service the public
//! module ordered is managed exactly like one of ours. See docs/lifecycle.md.
//!
//! The sources, first match wins:
//! 1. our own records: the management row (`mod_hostkeyresellermod_servers`),
//!    else the first order's job (`mod_hostkeyresellermod_orders`);
//! 2. the public module's `Preset ID` (it writes the server id there on the
//!    first client-area view, and we do on every link);
//! 3. its `Invoice ID` (the HOSTKEY invoice of the order) read with
//!    `whmcs/get_invoice`: the item whose `relid` is the service, else the
//!    first item, as the public module reads it. Found this way, the server is
//!    written to our management row, so HOSTKEY is asked once per service.

use super::custom_fields::{self, INVOICE_ID, PRESET_ID, id_in};
use super::hostkey::{self, GetInvoice, Invoice};
use super::place::server_on_invoice;
use super::service::Service;
use super::state::{self, FIRST_ORDER};
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::error::ModuleResult;
use crate::servers::ops::{self, ServerOps};

/// The server from what the module and the public module wrote, without
/// asking HOSTKEY (sources 1 and 2).
pub fn known(db: &mut dyn Db, service: &Service, ops: &ServerOps) -> ModuleResult<Option<i64>> {
    if let Some(id) = ops.server_id {
        return Ok(Some(id));
    }
    if let Some(id) = state::find(db, service.id, FIRST_ORDER)?.and_then(|j| j.server_id) {
        return Ok(Some(id));
    }
    let preset = custom_fields::get(db, service.product_id, service.id, PRESET_ID)?;
    Ok(id_in(&preset))
}

/// The public module's reading of a HOSTKEY invoice: the item whose `relid`
/// is the service, else the first item.
pub fn public_module_reading(invoice: &Invoice, service_id: i64) -> Option<i64> {
    let items = &invoice.items.item;
    items
        .iter()
        .find(|i| i.relid == Some(service_id))
        .or_else(|| items.first())
        .and_then(|i| i.inv_id)
}

/// The service's server by the whole rule; `ops` is the service's
/// management row, updated (and saved) when the server is found through the
/// `Invoice ID`. `None`: the service has no server anyone could determine.
pub fn resolve(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    ops: &mut ServerOps,
) -> ModuleResult<Option<i64>> {
    if let Some(id) = known(db, service, ops)? {
        return Ok(Some(id));
    }
    let Some(invoice_id) = id_in(&custom_fields::get(
        db,
        service.product_id,
        service.id,
        INVOICE_ID,
    )?) else {
        return Ok(None);
    };
    let ours = state::find(db, service.id, FIRST_ORDER)?.is_some();
    let invoice = hostkey::send(api, &GetInvoice { invoice_id })?;
    if ours {
        // Our own order: the link records its server; until then only an
        // invoice that names one server says which it is.
        return Ok(server_on_invoice(&invoice, service.id));
    }
    let Some(server) = public_module_reading(&invoice, service.id) else {
        return Ok(None);
    };
    // A server another service already holds is never taken over.
    if crate::servers::linked::owned_elsewhere(db, server, service.id)?.is_some() {
        return Ok(None);
    }
    ops.server_id = Some(server);
    ops::save(db, ops)?;
    Ok(Some(server))
}

/// `resolve` for a path that does not hold the management row itself.
pub fn server_of(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
) -> ModuleResult<Option<i64>> {
    let mut ops = ops::load(db, service.id)?;
    resolve(db, api, service, &mut ops)
}

/// `resolve` for a path that has no API session yet: HOSTKEY is asked (a
/// session opened) only when neither record nor field names the server.
pub fn resolve_with(
    db: &mut dyn Db,
    http: &mut dyn crate::capabilities::Http,
    platform: &mut dyn crate::capabilities::Platform,
    service: &Service,
    ops: &mut ServerOps,
) -> ModuleResult<Option<i64>> {
    if let Some(id) = known(db, service, ops)? {
        return Ok(Some(id));
    }
    let settings = crate::schema::settings::Settings::load(db)?;
    let mut api = ApiClient::new(http, platform, &settings.api_url, &settings.api_key)?;
    resolve(db, &mut api, service, ops)
}
