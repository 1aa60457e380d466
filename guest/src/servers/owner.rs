//! Who owns a HOSTKEY server: the one answer re-link, single sign-on and the
//! client's actions ask. A server belongs to the service linked to it by any
//! of the ways a server gets linked: our first order, our management row (a
//! re-link, or a server found through a service's `Invoice ID`), and the
//! public module's `Preset ID`. A service whose server is known only through
//! its `Invoice ID` is resolved (once, `orders::server_of`) by the paths that
//! can ask HOSTKEY; `resolve_unknown` does it for all of them before a re-link.

use super::actions::Requester;
use super::ops;
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::catalog::specs::MODULE_NAME;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::custom_fields::{INVOICE_ID, PRESET_ID};
use crate::orders::server_of;
use crate::orders::service::{self, Service};
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
            .filter(|(_, value)| server_of::id_in(value) == Some(server_id))
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

/// May `requester` use `server` as the server of `service`? A client only
/// his own service; nobody a server another service also holds (two
/// services on one server would let one client act on another's machine).
pub fn check(
    db: &mut dyn Db,
    requester: Requester,
    service: &Service,
    server: i64,
) -> ModuleResult<()> {
    if let Requester::Client(client) = requester
        && (client <= 0 || client != service.client_id)
    {
        return Err(ModuleError::InvalidInput(
            "Only the owner of this service may manage its server.".into(),
        ));
    }
    if let Some(other) = owned_elsewhere(db, server, service.id)? {
        return Err(ModuleError::InvalidInput(format!(
            "HOSTKEY server {server} is also linked to service {other}: an admin must settle which service it belongs to."
        )));
    }
    Ok(())
}

/// Resolves every service of this module known only by its `Invoice ID`
/// (the public module's services no page has shown yet), so that the owner of
/// each of their servers is known. Each is asked once: found, it is recorded.
pub fn resolve_unknown(db: &mut dyn Db, api: &mut ApiClient) -> ModuleResult<()> {
    for (service_id, _) in field_values(db, INVOICE_ID)? {
        let Some(service) = service::load(db, service_id)? else {
            continue;
        };
        let mut row = ops::load(db, service_id)?;
        if server_of::known(db, &service, &row)?.is_none() {
            server_of::resolve(db, api, &service, &mut row)?;
        }
    }
    Ok(())
}
