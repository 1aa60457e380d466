//! What WHMCS knows of a service that this module sells: read from its
//! tables, never from what a hook or a request claims.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::catalog::specs::{MODULE_NAME, MODULE_RECORDS};
use crate::catalog::sync::options::hk_id;
use std::collections::{BTreeMap, BTreeSet};

/// A service of one of the module's products.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: i64,
    pub client_id: i64,
    pub product_id: i64,
    /// The hostname the client gave (WHMCS's `domain`).
    pub hostname: String,
    pub billing_cycle: String,
    pub status: String,
    /// HOSTKEY's preset: its name (what the public module sends), else its id.
    pub preset: String,
    pub location: String,
    pub os: Option<Choice>,
    pub soft: Option<Choice>,
    pub traffic: Option<Choice>,
}

/// A sub-option the client chose: HOSTKEY's id and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// The services on a WHMCS invoice that use this module, in invoice order.
pub fn on_invoice(db: &mut dyn Db, invoice_id: i64) -> Result<Vec<i64>, DbError> {
    let items = db.select(
        &Select::from("tblinvoiceitems", &["relid", "type"])
            .filter(Condition::eq("invoiceid", Value::Int(invoice_id)))
            .filter(Condition::eq("type", Value::text("Hosting"))),
    )?;
    let mut ids: Vec<i64> = (0..items.len())
        .filter_map(|i| items.get(i, "relid").as_int())
        .filter(|id| *id > 0)
        .collect();
    ids.dedup();
    if ids.is_empty() {
        return Ok(ids);
    }
    let services = db.select(&Select::from("tblhosting", &["id", "packageid"]).filter(
        Condition::in_list("id", ids.iter().map(|i| Value::Int(*i)).collect()),
    ))?;
    let packages: Vec<(i64, i64)> = (0..services.len())
        .filter_map(|i| {
            Some((
                services.get(i, "id").as_int()?,
                services.get(i, "packageid").as_int()?,
            ))
        })
        .collect();
    if packages.is_empty() {
        return Ok(Vec::new());
    }
    let products = db.select(
        &Select::from("tblproducts", &["id"])
            .filter(Condition::in_list(
                "id",
                packages.iter().map(|(_, p)| Value::Int(*p)).collect(),
            ))
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    )?;
    let ours: Vec<i64> = (0..products.len())
        .filter_map(|i| products.get(i, "id").as_int())
        .collect();
    Ok(ids
        .into_iter()
        .filter(|id| {
            packages
                .iter()
                .any(|(service, product)| service == id && ours.contains(product))
        })
        .collect())
}

/// The service and the product facts an order needs; `None` when it is not
/// a service of this module.
pub fn load(db: &mut dyn Db, service_id: i64) -> Result<Option<Service>, DbError> {
    Ok(load_many(db, &[service_id])?.remove(&service_id))
}

fn ints(ids: impl IntoIterator<Item = i64>) -> Vec<Value> {
    ids.into_iter().map(Value::Int).collect()
}

/// `load` for many services in a fixed handful of queries (the status sync
/// reads a slice of them); those not of this module are left out.
pub fn load_many(db: &mut dyn Db, ids: &[i64]) -> Result<BTreeMap<i64, Service>, DbError> {
    let mut found = BTreeMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let rows = db.select(
        &Select::from(
            "tblhosting",
            &[
                "id",
                "userid",
                "packageid",
                "domain",
                "billingcycle",
                "domainstatus",
            ],
        )
        .filter(Condition::in_list("id", ints(ids.iter().copied()))),
    )?;
    if rows.is_empty() {
        return Ok(found);
    }
    let packages: BTreeSet<i64> = (0..rows.len())
        .map(|i| rows.get(i, "packageid").as_int().unwrap_or(0))
        .collect();
    let product = db.select(
        &Select::from("tblproducts", &["id", "configoption1", "configoption2"])
            .filter(Condition::in_list("id", ints(packages.iter().copied())))
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    )?;
    let mut products = BTreeMap::new();
    for i in 0..product.len() {
        if let Some(id) = product.get(i, "id").as_int() {
            products.entry(id).or_insert_with(|| {
                (
                    product.get(i, "configoption1").as_text(),
                    product.get(i, "configoption2").as_text(),
                )
            });
        }
    }
    if products.is_empty() {
        return Ok(found);
    }
    let record = db.select(
        &Select::from(MODULE_RECORDS.table, &["relid", "name"])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::in_list("relid", ints(products.keys().copied()))),
    )?;
    let mut names = BTreeMap::new();
    for i in 0..record.len() {
        if let Some(relid) = record.get(i, "relid").as_int() {
            names
                .entry(relid)
                .or_insert_with(|| record.get(i, "name").as_text());
        }
    }
    let ours: Vec<(usize, i64, i64)> = (0..rows.len())
        .filter_map(|i| {
            let id = rows.get(i, "id").as_int()?;
            let product_id = rows.get(i, "packageid").as_int().unwrap_or(0);
            products
                .contains_key(&product_id)
                .then_some((i, id, product_id))
        })
        .collect();
    let mut chosen = choices(db, ours.iter().map(|(_, id, _)| *id))?;
    for (i, id, product_id) in ours {
        let (configoption1, location) = &products[&product_id];
        let preset = match names.get(&product_id) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => configoption1.clone(),
        };
        let (os, soft, traffic) = chosen.remove(&id).unwrap_or_default();
        found.entry(id).or_insert_with(|| Service {
            id,
            client_id: rows.get(i, "userid").as_int().unwrap_or(0),
            product_id,
            hostname: rows.get(i, "domain").as_text(),
            billing_cycle: rows.get(i, "billingcycle").as_text(),
            status: rows.get(i, "domainstatus").as_text(),
            preset,
            location: location.clone(),
            os,
            soft,
            traffic,
        });
    }
    Ok(found)
}

type Chosen = (Option<Choice>, Option<Choice>, Option<Choice>);

/// The clients' OS / Soft / Traffic choices of each service, from
/// `name (#id)`; "Do not install" (id 0) is no choice.
fn choices(
    db: &mut dyn Db,
    services: impl Iterator<Item = i64>,
) -> Result<BTreeMap<i64, Chosen>, DbError> {
    let mut chosen = BTreeMap::new();
    let services = ints(services);
    if services.is_empty() {
        return Ok(chosen);
    }
    let picked = db.select(
        &Select::from(
            "tblhostingconfigoptions",
            &["relid", "configid", "optionid"],
        )
        .filter(Condition::in_list("relid", services)),
    )?;
    let triples: Vec<(i64, i64, i64)> = (0..picked.len())
        .filter_map(|i| {
            Some((
                picked.get(i, "relid").as_int()?,
                picked.get(i, "configid").as_int()?,
                picked.get(i, "optionid").as_int()?,
            ))
        })
        .collect();
    if triples.is_empty() {
        return Ok(chosen);
    }
    let options = db.select(
        &Select::from("tblproductconfigoptions", &["id", "optionname"]).filter(Condition::in_list(
            "id",
            ints(triples.iter().map(|(_, c, _)| *c).collect::<BTreeSet<_>>()),
        )),
    )?;
    let subs = db.select(
        &Select::from("tblproductconfigoptionssub", &["id", "optionname"]).filter(
            Condition::in_list(
                "id",
                ints(triples.iter().map(|(_, _, o)| *o).collect::<BTreeSet<_>>()),
            ),
        ),
    )?;
    let name_of = |rows: &crate::capabilities::db::Rows, id: i64| {
        (0..rows.len())
            .find(|i| rows.get(*i, "id").as_int() == Some(id))
            .map(|i| rows.get(i, "optionname").as_text())
    };
    for (service, config, option) in triples {
        let (Some(kind), Some(sub)) = (name_of(&options, config), name_of(&subs, option)) else {
            continue;
        };
        let Some(id) = hk_id(&sub).filter(|id| *id > 0) else {
            continue;
        };
        let name = sub
            .rfind(" (#")
            .map_or(sub.as_str(), |at| &sub[..at])
            .trim()
            .to_string();
        let choice = Some(Choice { id, name });
        let entry: &mut Chosen = chosen.entry(service).or_default();
        if kind.starts_with("OS ") {
            entry.0 = choice;
        } else if kind.starts_with("Soft ") {
            entry.1 = choice;
        } else if kind.starts_with("Traffic ") {
            entry.2 = choice;
        }
    }
    Ok(chosen)
}

/// Sets the service's WHMCS status (Active, Suspended, ...).
pub fn set_status(db: &mut dyn Db, service_id: i64, status: &str) -> Result<(), DbError> {
    db.update(&crate::capabilities::db::Update {
        table: "tblhosting".into(),
        assignments: vec![("domainstatus".into(), Value::text(status))],
        conditions: vec![Condition::eq("id", Value::Int(service_id))],
    })?;
    Ok(())
}

/// The one place guest code reads a service's WHMCS status as a rule: may
/// its owner act on it?
pub fn is_active(service: &Service) -> bool {
    super::terms::ServiceStatus::Active.is(&service.status)
}

/// The named lock of one service: every path that orders, links, holds,
/// cancels or acts on a service's server holds it, so two of them never
/// work on one service at once.
pub fn lock_name(service_id: i64) -> String {
    format!("hostkeyresellermod.service.{service_id}")
}

/// Do not wait for the lock: someone else's work on the service already
/// does what the caller would (a delivery, the cron, a poll).
pub const NO_WAIT: u32 = 0;
/// Wait for the lock this long: the caller (a click, a callback) wants its
/// own work done once the other holder finishes.
pub const WAIT_MS: u32 = 10_000;

/// Runs `work` holding the service's lock, waiting at most `wait_ms` for it.
/// `None`: another holder kept it, and nothing ran. The lock is given back
/// whatever `work` returns.
pub fn with_service_lock<T>(
    db: &mut dyn Db,
    service_id: i64,
    wait_ms: u32,
    work: impl FnOnce(&mut dyn Db) -> T,
) -> Result<Option<T>, DbError> {
    let name = lock_name(service_id);
    if !db.lock(&name, wait_ms)? {
        return Ok(None);
    }
    let done = work(&mut *db);
    // A lock that fails to come back is freed when the connection ends.
    let _ = db.unlock(&name);
    Ok(Some(done))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ModuleError, ModuleResult};
    use crate::testing::MemoryDb;

    #[test]
    fn the_work_runs_once_under_the_lock_and_the_lock_comes_back_even_on_error() {
        let mut db = MemoryDb::default();
        let mut runs = 0;
        let done = with_service_lock(&mut db, 7, NO_WAIT, |db| {
            runs += 1;
            assert_eq!(db.lock(&lock_name(7), 0), Ok(false), "held while working");
            ModuleResult::<()>::Err(ModuleError::InvalidInput("refused".into()))
        })
        .expect("the lock is readable");
        assert!(
            matches!(done, Some(Err(_))),
            "the work's own error comes back"
        );
        assert_eq!(runs, 1);
        assert!(!db.is_locked(&lock_name(7)), "given back after an error");
    }

    #[test]
    fn a_lock_held_elsewhere_runs_nothing() {
        let mut db = MemoryDb::default();
        db.hold_lock(&lock_name(7));
        let mut ran = false;
        let done = with_service_lock(&mut db, 7, WAIT_MS, |_| ran = true).expect("readable");
        assert_eq!(done, None);
        assert!(!ran, "nothing ran");
        assert!(
            db.is_locked(&lock_name(7)),
            "the rival's lock is left alone"
        );
        assert_eq!(lock_name(7), "hostkeyresellermod.service.7");
    }
}
