//! SuspendAccount, UnsuspendAccount and TerminateAccount (WHMCS's overdue
//! automation and the admin's buttons). HOSTKEY has no suspension, so a
//! suspension is a power off and the hold is recorded; termination is an
//! immediate cancellation request (once, `orders::cancel`) and a power off.
//! While held, the server's own API keys are switched off (they open
//! HOSTKEY's panel, which could power the server back on), after the power
//! call succeeded: a failed call changes nothing at HOSTKEY.
//! Each is idempotent: a service already in the state succeeds without a call.

use super::actions::Context;
use super::calls::{Power, PowerOff, PowerOn, set_server_keys};
use super::ops::{self, Hold};
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::cancel::{self, Kind};
use crate::orders::hostkey;
use crate::orders::server_of;
use crate::orders::service;
use crate::schema::module_log;
use crate::schema::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Suspend,
    Unsuspend,
    Terminate,
}

impl Change {
    fn key(self) -> &'static str {
        match self {
            Change::Suspend => "suspend",
            Change::Unsuspend => "unsuspend",
            Change::Terminate => "terminate",
        }
    }
}

/// Applies the change and logs it; returns the log line, or the sentence of
/// why nothing changed.
pub fn apply(cx: Context, service_id: i64, change: Change) -> ModuleResult<String> {
    let Context {
        db,
        http,
        platform,
        now_unix,
    } = cx;
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(
            "This service is not a HOSTKEY server.".into(),
        ));
    };
    let mut ops = ops::load(db, service_id)?;
    let settings = Settings::load(db)?;
    let work = |db: &mut dyn Db| -> ModuleResult<String> {
        // An ended service is never released: unsuspending would power it
        // on and switch its keys on.
        if change == Change::Unsuspend {
            crate::orders::ended::refuse_if_ended(db, &service)?;
        }
        let Some(server) =
            server_of::resolve_with(db, &mut *http, &mut *platform, &service, &mut ops)?
        else {
            if change == Change::Terminate && ops.hold != Hold::Terminated {
                // Held even without a server, so one HOSTKEY deploys later
                // is cancelled instead of linked (`orders::ended`).
                ops.hold = Hold::Terminated;
                ops.detail = format!("terminate at {}", module_log::datetime(now_unix));
                ops::save(db, &mut ops)?;
            }
            return Ok(format!(
                "Service {service_id} has no HOSTKEY server: {} in WHMCS only, nothing sent to HOSTKEY.",
                change.key()
            ));
        };
        ops.server_id = Some(server);
        let wanted = match change {
            Change::Suspend => Hold::Suspended,
            Change::Unsuspend => Hold::None,
            Change::Terminate => Hold::Terminated,
        };
        let done = match change {
            Change::Suspend => matches!(ops.hold, Hold::Suspended | Hold::Terminated),
            Change::Unsuspend => ops.hold != Hold::Suspended,
            Change::Terminate => ops.hold == Hold::Terminated,
        };
        if done {
            return Ok(format!(
                "Service {service_id}: HOSTKEY server {server} needs no {}; nothing was sent.",
                change.key()
            ));
        }
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        let power = Power { server_id: server };
        let stamp = module_log::datetime(now_unix);
        let sent = match change {
            Change::Suspend => hostkey::send(&mut api, &PowerOff(power)),
            Change::Unsuspend => hostkey::send(&mut api, &PowerOn(power)),
            Change::Terminate => {
                cancel::cancel(
                    db,
                    &mut api,
                    &service,
                    Kind::Immediate,
                    "Terminated in WHMCS",
                    &stamp,
                )?;
                hostkey::send(&mut api, &PowerOff(power))
            }
        }?;
        // The server's own keys open HOSTKEY's panel (which can power it on):
        // off while held, on again when released. Switched after the power
        // call, so a refused power call leaves the keys as they were.
        let keys = set_server_keys(&mut api, server, change == Change::Unsuspend)?;
        ops.hold = wanted;
        ops.power = if change == Change::Unsuspend {
            "on"
        } else {
            "off"
        }
        .into();
        ops.pending_action.clear();
        ops.pending_key.clear();
        if !sent.callback.trim().is_empty() {
            ops.pending_action = if change == Change::Unsuspend {
                "power-on"
            } else {
                "power-off"
            }
            .into();
            ops.pending_key = sent.callback.trim().to_string();
        }
        ops.detail = format!("{} at {stamp}", change.key());
        ops::save(db, &mut ops)?;
        Ok(format!(
            "Service {service_id}: {} of HOSTKEY server {server} done ({}; {keys} server key(s) {}).",
            change.key(),
            match change {
                Change::Suspend => "powered off",
                Change::Unsuspend => "powered on",
                Change::Terminate => "cancellation requested and powered off",
            },
            if change == Change::Unsuspend {
                "switched on"
            } else {
                "switched off"
            }
        ))
    };
    let result =
        service::with_service_lock(db, service_id, service::WAIT_MS, work)?.ok_or_else(|| {
            ModuleError::Busy(format!(
                "Service {service_id}: another action is working on it; try again in a moment."
            ))
        })?;
    let line = match &result {
        Ok(line) => line.clone(),
        Err(error) => format!("Service {service_id}: {} failed: {error}", change.key()),
    };
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action: change.key(),
            params: &format!("service {service_id}"),
            outcome: &line,
            now_unix,
            keep: true,
        },
    );
    result
}
