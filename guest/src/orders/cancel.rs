//! CancellationRequest and ServiceDelete: HOSTKEY's `request_cancellation`
//! for the service's server, once per service whatever is retried; an
//! immediate one also suspends the service in WHMCS. A service that never
//! got a server is cancelled locally only.

use super::custom_fields::{self, INVOICE_ID, PRESET_ID};
use super::hostkey::{self, Call, GetInvoice, Retry};
use super::place::server_on_invoice;
use super::service::{self, Service};
use super::state::{self, CANCELLATION, FIRST_ORDER, State};
use super::terms::ServiceStatus;
use crate::api::{ApiClient, ApiError};
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};
use serde_json::Value as Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Immediate,
    EndOfBillingPeriod,
}

/// `whmcs/request_cancellation`.
pub struct RequestCancellation {
    pub server_id: i64,
    pub kind: Kind,
    pub reason: String,
}

impl Call for RequestCancellation {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "request_cancellation";
    const RETRY: Retry = Retry::Never;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        let kind = match self.kind {
            Kind::Immediate => "1",
            Kind::EndOfBillingPeriod => "0",
        };
        vec![
            ("id".into(), self.server_id.to_string()),
            ("pin".into(), "not_set".into()),
            ("cancellation_type".into(), kind.into()),
            ("cancellation_reason".into(), self.reason.clone()),
        ]
    }
}

/// The HOSTKEY server of a service: from its order, else the public
/// module's `Preset ID`, else its HOSTKEY invoice.
pub fn server_id(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
) -> ModuleResult<Option<i64>> {
    if let Some(id) = state::find(db, service.id, FIRST_ORDER)?.and_then(|j| j.server_id) {
        return Ok(Some(id));
    }
    let preset = custom_fields::get(db, service.product_id, service.id, PRESET_ID)?;
    if let Ok(id) = preset.trim().parse::<i64>()
        && id > 0
    {
        return Ok(Some(id));
    }
    let invoice = custom_fields::get(db, service.product_id, service.id, INVOICE_ID)?;
    let Ok(invoice_id) = invoice.trim().parse::<i64>() else {
        return Ok(None);
    };
    let invoice = hostkey::send(api, &GetInvoice { invoice_id })?;
    Ok(server_on_invoice(&invoice, service.id))
}

pub fn cancel(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    kind: Kind,
    reason: &str,
    now: &str,
) -> ModuleResult<String> {
    let id = service.id;
    let mut job =
        state::find(db, id, CANCELLATION)?.unwrap_or_else(|| state::new_job(id, CANCELLATION, 0));
    if job.state == State::Done {
        return Ok(format!(
            "Service {id}: its cancellation was already passed on to HOSTKEY; nothing was sent again."
        ));
    }
    let Some(server) = server_id(db, api, service)? else {
        job.state = State::Done;
        job.detail = "no HOSTKEY server: cancelled locally".into();
        state::save(db, &mut job, now)?;
        if kind == Kind::Immediate {
            service::set_status(db, id, ServiceStatus::Cancelled.whmcs())?;
        }
        return Ok(format!(
            "Service {id} never got a HOSTKEY server: cancelled in WHMCS only, nothing sent to HOSTKEY."
        ));
    };
    job.server_id = Some(server);
    let sent = hostkey::send(
        api,
        &RequestCancellation {
            server_id: server,
            kind,
            reason: reason.to_string(),
        },
    );
    match sent {
        Ok(_) => {}
        // A request that arrived before (its answer lost) is what we wanted.
        Err(ApiError::Refused { message, .. })
            if message
                .to_ascii_lowercase()
                .contains("existing cancellation") => {}
        // A refusal (`{"code":1,"error":..}` included) cancelled nothing:
        // the job stays open, so the next request sends it again.
        Err(ApiError::Refused { message, .. }) => {
            let why = format!(
                "HOSTKEY refused to cancel server {server} ({message}), so nothing is cancelled yet."
            );
            job.state = State::Refused;
            job.detail = why.clone();
            state::save(db, &mut job, now)?;
            return Err(ModuleError::InvalidInput(why));
        }
        Err(error) => {
            job.state = State::Refused;
            job.detail = error.to_string();
            state::save(db, &mut job, now)?;
            return Err(error.into());
        }
    }
    job.state = State::Done;
    job.detail = String::new();
    state::save(db, &mut job, now)?;
    if kind == Kind::Immediate {
        service::set_status(db, id, ServiceStatus::Suspended.whmcs())?;
    }
    Ok(format!(
        "Service {id}: cancellation ({}) of HOSTKEY server {server} requested.",
        match kind {
            Kind::Immediate => "immediate",
            Kind::EndOfBillingPeriod => "end of billing period",
        }
    ))
}

/// The hooks' entry: a service of this module gets its cancellation passed
/// on under the service's lock and logged; any other service is ignored.
pub fn on_request(
    db: &mut dyn Db,
    http: &mut dyn crate::capabilities::Http,
    platform: &mut dyn crate::capabilities::Platform,
    service_id: i64,
    kind: Kind,
    reason: &str,
    now_unix: i64,
) -> ModuleResult<String> {
    use crate::schema::module_log;
    use crate::schema::settings::Settings;
    let Some(service) = service::load(db, service_id)? else {
        return Ok(format!(
            "Service {service_id} is not a service of this module."
        ));
    };
    let settings = Settings::load(db)?;
    let lock = super::invoice_paid::lock_name(service_id);
    if !db.lock(&lock, 10_000)? {
        return Ok(format!(
            "Service {service_id}: another delivery is already working on it; nothing was done."
        ));
    }
    let stamp = module_log::datetime(now_unix);
    let outcome = {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        cancel(db, &mut api, &service, kind, reason, &stamp)
    };
    let _ = db.unlock(&lock);
    let line = match &outcome {
        Ok(line) => line.clone(),
        Err(error) => format!("Service {service_id}: the cancellation was not passed on: {error}"),
    };
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action: "cancellation",
            params: &format!("service {service_id}"),
            outcome: &line,
            now_unix,
            keep: true,
        },
    );
    outcome
}
