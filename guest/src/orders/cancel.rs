//! CancellationRequest and ServiceDelete: HOSTKEY's `request_cancellation`
//! for the service's server, once per service whatever is retried; an
//! immediate one also suspends the service in WHMCS. A service that never
//! got a server is cancelled locally only.

use super::hostkey::{self, Call, Retry};
use super::server_of::server_of;
use super::service::{self, Service};
use super::state::{self, CANCELLATION, State};
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

pub fn cancel(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    kind: Kind,
    reason: &str,
    now: &str,
) -> ModuleResult<String> {
    let id = service.id;
    if passed_on(db, id)? {
        return Ok(format!(
            "Service {id}: its cancellation was already passed on to HOSTKEY; nothing was sent again."
        ));
    }
    let Some(server) = server_of(db, api, service)? else {
        let mut job = state::find(db, id, CANCELLATION)?
            .unwrap_or_else(|| state::new_job(id, CANCELLATION, 0));
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
    request_once(db, api, id, server, kind, reason, now)?;
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

/// Whether the service's cancellation is recorded as passed on.
pub fn passed_on(db: &mut dyn Db, service_id: i64) -> ModuleResult<bool> {
    Ok(state::find(db, service_id, CANCELLATION)?.is_some_and(|job| job.state == State::Done))
}

/// `request_cancellation` of `server` unless the service's cancellation was
/// passed on before; recorded as done only once HOSTKEY took it. True when
/// sent by this call. The service's WHMCS status is left as it is.
pub fn request_once(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service_id: i64,
    server: i64,
    kind: Kind,
    reason: &str,
    now: &str,
) -> ModuleResult<bool> {
    let mut job = state::find(db, service_id, CANCELLATION)?
        .unwrap_or_else(|| state::new_job(service_id, CANCELLATION, 0));
    if job.state == State::Done {
        return Ok(false);
    }
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
    Ok(true)
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
    let stamp = module_log::datetime(now_unix);
    let Some(outcome) = service::with_service_lock(db, service_id, service::WAIT_MS, |db| {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        cancel(db, &mut api, &service, kind, reason, &stamp)
    })?
    else {
        return Ok(format!(
            "Service {service_id}: another delivery is already working on it; nothing was done."
        ));
    };
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
