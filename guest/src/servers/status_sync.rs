//! What the cron's status sync reads: which services are linked, and one
//! server's read with `eq/show`; the power and the sync time go to the
//! servers table; the rental state may lower the service's status, never
//! raise it (`status_after_read`; not at all while the module holds it).
//! Which services a run reads, and when it stops, is `crate::sync`'s.

use super::ops::{self, Hold, SERVERS_TABLE};
use super::refresh::power_of;
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::capabilities::db::Select;
use crate::error::ModuleResult;
use crate::orders::client_area::status_after_read;
use crate::orders::custom_fields::{INVOICE_ID, PRESET_ID};
use crate::orders::hostkey::{self, ShowServer};
use crate::orders::server_of;
use crate::orders::service::{self, Service};
use crate::orders::state::{FIRST_ORDER, ORDERS_TABLE};

/// Services with a server: from the orders table, the servers table and
/// the public module's fields.
pub fn linked_services(db: &mut dyn Db) -> ModuleResult<Vec<i64>> {
    let mut ids = Vec::new();
    let mut ordered_by_us = Vec::new();
    let orders = db.select(&Select::from(
        ORDERS_TABLE,
        &["service_id", "purpose", "server_id"],
    ))?;
    for i in 0..orders.len() {
        let Some(id) = orders.get(i, "service_id").as_int() else {
            continue;
        };
        if orders.get(i, "purpose").as_text() == FIRST_ORDER {
            ordered_by_us.push(id);
            if orders.get(i, "server_id").as_int().unwrap_or(0) > 0 {
                ids.push(id);
            }
        }
    }
    let servers = db.select(&Select::from(SERVERS_TABLE, &["service_id", "server_id"]))?;
    for i in 0..servers.len() {
        if servers.get(i, "server_id").as_int().unwrap_or(0) > 0
            && let Some(id) = servers.get(i, "service_id").as_int()
        {
            ids.push(id);
        }
    }
    // The public module's services: linked by its `Preset ID`, or only by
    // its `Invoice ID` (resolved once, on the first sync). An order of ours
    // that is not linked yet is the order lifecycle's, not the sync's.
    for field in [PRESET_ID, INVOICE_ID] {
        ids.extend(
            super::linked::field_values(db, field)?
                .into_iter()
                .map(|(service, _)| service)
                .filter(|service| !ordered_by_us.contains(service)),
        );
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Reads one service's server with `eq/show`: the power and the read time
/// go to the servers table; the rental state may lower the service's status,
/// never raise it. True when the status changed. A service with nothing to
/// read (gone, ended before the upgrade, no server found) counts as read.
/// `service` is what `service::load_many` found for `service_id` (loaded
/// with the rest of its slice); the management row is read here, just before
/// it is written, as every other path that writes it does.
pub fn read_one(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service_id: i64,
    service: Option<&Service>,
    stamp: &str,
) -> ModuleResult<bool> {
    let Some(service) = service else {
        return Ok(false);
    };
    let mut ops = ops::load(db, service_id)?;
    // A public module's service that ended before the upgrade is
    // history: its server is gone, reading it would only fail.
    let ended = crate::orders::terms::ServiceStatus::ENDED
        .iter()
        .any(|s| s.is(&service.status));
    if ended && ops.id == 0 {
        return Ok(false);
    }
    let Some(server) = server_of::resolve(db, api, service, &mut ops)? else {
        return Ok(false);
    };
    let facts = hostkey::send(api, &ShowServer { id: server })?;
    let data = &facts.server_data;
    if let Some(power) = power_of(&data.power, &data.condition) {
        ops.power = power.into();
    }
    ops.server_id = Some(server);
    ops.synced_at = stamp.to_string();
    ops::save(db, &mut ops)?;
    if ops.hold == Hold::None
        && let Some(status) = status_after_read(&service.status, &data.condition)
    {
        service::set_status(db, service_id, status)?;
        return Ok(true);
    }
    Ok(false)
}
