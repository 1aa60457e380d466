//! An ended service stays ended: Terminated, Cancelled or Fraud in WHMCS,
//! or held by the module as terminated. Whatever arrives later (HOSTKEY's
//! post-install call, the cron, a click) links, keys, powers and signs on
//! nothing for it; its server, once known, is cancelled at HOSTKEY once.

use super::cancel::{self, Kind};
use super::server_of::server_of;
use super::service::Service;
use super::terms::ServiceStatus;
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};
use crate::servers::ops::{self, Hold};

/// The one rule: has this service ended?
pub fn is_ended(db: &mut dyn Db, service: &Service) -> ModuleResult<bool> {
    let by_whmcs = matches!(
        ServiceStatus::from_whmcs(&service.status),
        Some(ServiceStatus::Terminated | ServiceStatus::Cancelled | ServiceStatus::Fraud)
    );
    Ok(by_whmcs || ops::load(db, service.id)?.hold == Hold::Terminated)
}

/// The refusal every action on an ended service gets, before any call.
pub fn refuse_if_ended(db: &mut dyn Db, service: &Service) -> ModuleResult<()> {
    if is_ended(db, service)? {
        return Err(ModuleError::InvalidInput(format!(
            "Service {} has ended ({}): its server is no longer managed from WHMCS.",
            service.id,
            ended_as(db, service)?
        )));
    }
    Ok(())
}

fn ended_as(db: &mut dyn Db, service: &Service) -> ModuleResult<String> {
    Ok(if ops::load(db, service.id)?.hold == Hold::Terminated {
        "terminated".to_string()
    } else {
        service.status.trim().to_string()
    })
}

/// For an ended service: its server, when known, cancelled at HOSTKEY once
/// (recorded, so a second call sends nothing); nothing else is touched. The
/// sentence says what happened.
pub fn cancel_server(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    now: &str,
) -> ModuleResult<String> {
    let id = service.id;
    let ended = ended_as(db, service)?;
    if cancel::passed_on(db, id)? {
        return Ok(format!(
            "Service {id} has ended ({ended}): nothing was linked, and its server's cancellation was passed on to HOSTKEY before."
        ));
    }
    let Some(server) = server_of(db, api, service)? else {
        return Ok(format!(
            "Service {id} has ended ({ended}): nothing was linked; HOSTKEY has not named its server yet, so it is cancelled once it does."
        ));
    };
    cancel::request_once(
        db,
        api,
        id,
        server,
        Kind::Immediate,
        &format!("Service ended in WHMCS ({ended})"),
        now,
    )?;
    Ok(format!(
        "Service {id} has ended ({ended}): nothing was linked, and the cancellation of HOSTKEY server {server} was requested."
    ))
}
