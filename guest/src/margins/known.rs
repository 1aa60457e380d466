//! What WHMCS and the module recorded about the services: their servers
//! and their clients, read in batches.

use super::catalogue::ints;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::error::ModuleResult;
use crate::orders::custom_fields::PRESET_ID;
use crate::orders::state;
use crate::servers::ops;
use std::collections::BTreeMap;

/// The servers recorded for the services, without asking HOSTKEY: the
/// management row, else the first order, else the public module's
/// `Preset ID` (the same sources as `orders::server_of::known`, read in batches).
pub fn servers(db: &mut dyn Db, services: &[(i64, i64)]) -> ModuleResult<BTreeMap<i64, i64>> {
    let mut found = BTreeMap::new();
    if services.is_empty() {
        return Ok(found);
    }
    let ids = || ints(services.iter().map(|(s, _)| *s));
    for (table, purpose) in [
        (ops::SERVERS_TABLE, None),
        (state::ORDERS_TABLE, Some(state::FIRST_ORDER)),
    ] {
        if !db.table_exists(table)? {
            continue;
        }
        let mut select = Select::from(table, &["service_id", "server_id"])
            .filter(Condition::in_list("service_id", ids()));
        if let Some(purpose) = purpose {
            select = select.filter(Condition::eq("purpose", Value::text(purpose)));
        }
        let rows = db.select(&select)?;
        for i in 0..rows.len() {
            if let (Some(service), Some(server)) = (
                rows.get(i, "service_id").as_int(),
                rows.get(i, "server_id").as_int().filter(|s| *s > 0),
            ) {
                found.entry(service).or_insert(server);
            }
        }
    }
    let rest: Vec<(i64, i64)> = services
        .iter()
        .filter(|(s, _)| !found.contains_key(s))
        .copied()
        .collect();
    if rest.is_empty() {
        return Ok(found);
    }
    // The public module's `Preset ID` of the rest: their products' fields,
    // then those fields' values of the rest, in two selects.
    let fields = db.select(
        &Select::from("tblcustomfields", &["id", "relid"])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("fieldname", Value::text(PRESET_ID)))
            .filter(Condition::in_list(
                "relid",
                ints(rest.iter().map(|(_, p)| *p)),
            )),
    )?;
    let field_of: BTreeMap<i64, i64> = (0..fields.len())
        .filter_map(|i| {
            Some((
                fields.get(i, "relid").as_int()?,
                fields.get(i, "id").as_int()?,
            ))
        })
        .collect();
    if field_of.is_empty() {
        return Ok(found);
    }
    let values = db.select(
        &Select::from("tblcustomfieldsvalues", &["fieldid", "relid", "value"])
            .filter(Condition::in_list(
                "fieldid",
                ints(field_of.values().copied()),
            ))
            .filter(Condition::in_list(
                "relid",
                ints(rest.iter().map(|(s, _)| *s)),
            )),
    )?;
    for i in 0..values.len() {
        let (Some(field), Some(service)) = (
            values.get(i, "fieldid").as_int(),
            values.get(i, "relid").as_int(),
        ) else {
            continue;
        };
        let own_field = rest
            .iter()
            .any(|(s, p)| *s == service && field_of.get(p) == Some(&field));
        if let (true, Some(server)) = (
            own_field,
            crate::orders::custom_fields::id_in(&values.get(i, "value").as_text()),
        ) {
            found.entry(service).or_insert(server);
        }
    }
    Ok(found)
}

/// Each client's e-mail and currency id.
pub fn clients(
    db: &mut dyn Db,
    ids: impl Iterator<Item = i64>,
) -> ModuleResult<BTreeMap<i64, (String, i64)>> {
    let ids: std::collections::BTreeSet<i64> = ids.collect();
    let mut clients = BTreeMap::new();
    if ids.is_empty() {
        return Ok(clients);
    }
    let rows = db.select(
        &Select::from("tblclients", &["id", "email", "currency"])
            .filter(Condition::in_list("id", ints(ids))),
    )?;
    for i in 0..rows.len() {
        if let Some(id) = rows.get(i, "id").as_int() {
            clients.insert(
                id,
                (
                    rows.get(i, "email").as_text(),
                    rows.get(i, "currency").as_int().unwrap_or(0),
                ),
            );
        }
    }
    Ok(clients)
}
