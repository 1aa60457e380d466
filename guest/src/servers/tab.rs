//! The admin's service tab: the server's facts with its key masked, and a
//! hand re-link to another server id, checked with HOSTKEY first (the
//! server must be in the reseller's account); and the admin's buttons.

use super::actions::linked_server;
use super::ops::{self, Hold};
use super::owner;
use super::refresh::power_of;
use crate::api::{ApiClient, ApiError};
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::orders::custom_fields::{self, API_KEY, INVOICE_ID, PRESET_ID};
use crate::orders::hostkey::{self, AddServerKey, KeysForServer, ShowServer, UpdateServers};
use crate::orders::server_of;
use crate::orders::service;
use crate::orders::state::{self, FIRST_ORDER};
use crate::schema::module_log;
use crate::schema::settings::Settings;

/// The last four characters, the rest hidden.
pub fn masked(key: &str) -> String {
    let chars: Vec<char> = key.trim().chars().collect();
    if chars.is_empty() {
        return "not set".into();
    }
    if chars.len() <= 8 {
        return "••••".into();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

pub fn fields(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
) -> ModuleResult<Vec<(String, String)>> {
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(
            "This service is not a HOSTKEY server.".into(),
        ));
    };
    let mut ops = ops::load(db, service_id)?;
    // A server HOSTKEY cannot name right now shows as not linked; the tab
    // still shows what WHMCS holds.
    let server = server_of::resolve_with(db, &mut *http, &mut *platform, &service, &mut ops)
        .ok()
        .flatten();
    let field =
        |db: &mut dyn Db, name| custom_fields::get(db, service.product_id, service_id, name);
    let invoice = field(db, INVOICE_ID)?;
    let key = field(db, API_KEY)?;
    let mut out = vec![
        (
            "HOSTKEY server id".to_string(),
            server.map_or_else(|| "not linked".to_string(), |id| id.to_string()),
        ),
        (
            "HOSTKEY invoice id".into(),
            if invoice.is_empty() {
                "none".into()
            } else {
                invoice
            },
        ),
        ("Preset".into(), service.preset.clone()),
    ];
    let mut live = vec![
        ("Location".to_string(), service.location.clone()),
        ("IP addresses".to_string(), String::new()),
        ("Status".to_string(), String::new()),
        ("Operating system".to_string(), String::new()),
    ];
    if let Some(server) = server {
        let settings = Settings::load(db)?;
        let read = ApiClient::new(http, platform, &settings.api_url, &settings.api_key)
            .and_then(|mut api| hostkey::send(&mut api, &ShowServer { id: server }));
        match read {
            Ok(facts) => {
                let data = &facts.server_data;
                if !data.location.is_empty() {
                    live[0].1 = data.location.clone();
                }
                live[1].1 = facts
                    .ips
                    .iter()
                    .map(|a| a.ip.as_str())
                    .filter(|ip| !ip.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                let power = power_of(&data.power, &data.condition).unwrap_or(ops.power.as_str());
                live[2].1 = format!("{} (power {power})", data.condition);
                live[3].1 = data.os_name.clone();
            }
            Err(error) => live[2].1 = format!("not read: {error}"),
        }
    }
    out.extend(live);
    out.push((
        "Last status sync".into(),
        if ops.synced_at.is_empty() {
            "never".into()
        } else {
            format!("{} UTC", ops.synced_at)
        },
    ));
    out.push(("Server API key".into(), masked(&key)));
    Ok(out)
}

/// Re-links the service to `server_id` once HOSTKEY shows it in the
/// reseller's account, under the service's named lock; a service the module
/// holds (suspended, terminated) is refused. The old server's key is replaced
/// by a new key for the new server (none when that server has keys already,
/// and the line says single sign-on needs one); the same id again changes
/// nothing.
pub fn save(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
    server_id: i64,
    now_unix: i64,
) -> ModuleResult<String> {
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(
            "This service is not a HOSTKEY server.".into(),
        ));
    };
    if server_id <= 0 {
        return Err(ModuleError::InvalidInput(
            "The HOSTKEY server id must be a positive number.".into(),
        ));
    }
    service::with_service_lock(db, service_id, service::WAIT_MS, |db| {
        relink(db, http, &mut *platform, &service, server_id, now_unix)
    })?
    .ok_or_else(|| {
        ModuleError::Busy(format!(
            "Service {service_id}: another action is working on it; try again in a moment."
        ))
    })?
}

/// The re-link itself, under the service's lock (a power action or a hold
/// in flight would otherwise finish on the old server and record it on the
/// new one).
fn relink(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service: &service::Service,
    server_id: i64,
    now_unix: i64,
) -> ModuleResult<String> {
    let service_id = service.id;
    // A new server would get a key and a link the ended service must not have.
    crate::orders::ended::refuse_if_ended(db, service)?;
    let mut ops = ops::load(db, service_id)?;
    if linked_server(db, service, &ops)? == Some(server_id) {
        return Ok(format!(
            "Service {service_id} is already linked to HOSTKEY server {server_id}; nothing changed."
        ));
    }
    // A held server is powered off with its keys off; a new one would be
    // neither while WHMCS holds the service, so the hold is lifted first.
    match ops.hold {
        Hold::None => {}
        Hold::Suspended => {
            return Err(ModuleError::InvalidInput(format!(
                "Service {service_id} is suspended by this module: unsuspend it before re-linking its server; the link was not changed."
            )));
        }
        Hold::Terminated => {
            return Err(ModuleError::InvalidInput(format!(
                "Service {service_id} is terminated: a terminated service keeps its server; the link was not changed."
            )));
        }
    }
    let settings = Settings::load(db)?;
    let key = {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        // One server, one service: two services on one server would let one
        // client power off, reinstall or cancel another client's machine.
        // Every way a server is linked counts, the public module's included.
        owner::resolve_unknown(db, &mut api)?;
        if let Some(other) = super::linked::owned_elsewhere(db, server_id, service_id)? {
            return Err(ModuleError::InvalidInput(format!(
                "HOSTKEY server {server_id} is already linked to service {other}; the link was not changed."
            )));
        }
        // Resolving may have written this service's own row: work on that one.
        ops = ops::load(db, service_id)?;
        hostkey::send(&mut api, &UpdateServers)?;
        match hostkey::send(&mut api, &ShowServer { id: server_id }) {
            Ok(_) => {}
            Err(ApiError::Refused { .. }) => {
                return Err(ModuleError::InvalidInput(format!(
                    "HOSTKEY server {server_id} is not in the reseller's account; the link was not changed."
                )));
            }
            Err(other) => return Err(other.into()),
        }
        // The server's own key for single sign-on: made once; one that exists
        // already cannot be read back (HOSTKEY shows a key only when made).
        if hostkey::send(&mut api, &KeysForServer { server_id })?.is_empty() {
            let email = api.client_info()?.email;
            let added = hostkey::send(
                &mut api,
                &AddServerKey {
                    name: format!("Api key [{server_id}.{service_id}]"),
                    server_id,
                    notify_email: email,
                },
            )?;
            added.data.api_key
        } else {
            String::new()
        }
    };
    crate::capabilities::db::in_transaction(db, |db| -> ModuleResult<()> {
        custom_fields::set(
            db,
            service.product_id,
            service_id,
            PRESET_ID,
            &server_id.to_string(),
        )?;
        custom_fields::set(db, service.product_id, service_id, API_KEY, &key)?;
        if let Some(mut job) = state::find(db, service_id, FIRST_ORDER)? {
            job.server_id = Some(server_id);
            state::save(db, &mut job, &module_log::datetime(now_unix))?;
        }
        ops = ops::ServerOps {
            id: ops.id,
            server_id: Some(server_id),
            hold: ops.hold,
            ..ops::ServerOps::new(service_id)
        };
        ops::save(db, &mut ops)?;
        Ok(())
    })?;
    let line = if key.is_empty() {
        format!(
            "Service {service_id} re-linked to HOSTKEY server {server_id} by hand; single sign-on needs a new server key: the server has keys already and HOSTKEY shows a key only when it is made, so add one in HOSTKEY's panel and enter it in the service's Api key field."
        )
    } else {
        format!("Service {service_id} re-linked to HOSTKEY server {server_id} by hand.")
    };
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action: "relink",
            params: &format!("service {service_id} server {server_id}"),
            outcome: &line,
            now_unix,
            keep: true,
        },
    );
    Ok(line)
}

/// The admin's buttons for the service (`view::admin_buttons`): a service
/// this module does not know offers none; a failed read is an error, not an
/// empty list.
pub fn buttons(db: &mut dyn Db, service_id: i64) -> ModuleResult<Vec<super::view::Button>> {
    let ops = ops::load(db, service_id)?;
    let ended = match service::load(db, service_id)? {
        Some(service) => crate::orders::ended::is_ended(db, &service)?,
        None => true,
    };
    Ok(super::view::admin_buttons(&ops, ended))
}
