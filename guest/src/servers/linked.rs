//! Which services a HOSTKEY server is linked to, by any of the ways a server
//! gets linked: our first order, our management row, and the public
//! module's `Preset ID`. Read from the records only, never from HOSTKEY, so
//! the one rule (`orders::server_of`) and the owner check (`owner`) can both
//! ask it.

use super::ops;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::catalog::specs::MODULE_NAME;
use crate::orders::custom_fields::{PRESET_ID, id_in};
use crate::orders::state;

/// The ids of this module's products.
fn our_products(db: &mut dyn Db) -> Result<Vec<i64>, DbError> {
    let rows = db.select(
        &Select::from("tblproducts", &["id"])
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    )?;
    Ok((0..rows.len())
        .filter_map(|i| rows.get(i, "id").as_int())
        .collect())
}

/// (service, value) of a custom field of our products, for every service
/// that has it filled.
pub fn field_values(db: &mut dyn Db, name: &str) -> Result<Vec<(i64, String)>, DbError> {
    let products = our_products(db)?;
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let fields = db.select(
        &Select::from("tblcustomfields", &["id"])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("fieldname", Value::text(name)))
            .filter(Condition::in_list(
                "relid",
                products.into_iter().map(Value::Int).collect(),
            )),
    )?;
    let ids: Vec<Value> = (0..fields.len())
        .filter_map(|i| fields.get(i, "id").as_int())
        .map(Value::Int)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let values = db.select(
        &Select::from("tblcustomfieldsvalues", &["relid", "value"])
            .filter(Condition::in_list("fieldid", ids)),
    )?;
    Ok((0..values.len())
        .filter_map(|i| {
            let value = values.get(i, "value").as_text();
            let service = values.get(i, "relid").as_int()?;
            (!value.trim().is_empty()).then_some((service, value))
        })
        .collect())
}

/// Every service linked to `server_id`, by any of the ways, each once.
pub fn services_of(db: &mut dyn Db, server_id: i64) -> Result<Vec<i64>, DbError> {
    let mut services = state::services_of_server(db, server_id)?;
    services.extend(ops::services_of_server(db, server_id)?);
    services.extend(
        field_values(db, PRESET_ID)?
            .into_iter()
            .filter(|(_, value)| id_in(value) == Some(server_id))
            .map(|(service, _)| service),
    );
    services.sort_unstable();
    services.dedup();
    Ok(services)
}

/// Another service than `service_id` that `server_id` is linked to.
pub fn owned_elsewhere(
    db: &mut dyn Db,
    server_id: i64,
    service_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(services_of(db, server_id)?
        .into_iter()
        .find(|id| *id != service_id))
}
