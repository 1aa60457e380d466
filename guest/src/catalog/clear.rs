//! Remove all: the original's "clear". Products that ever had a service are
//! retired (their history stays valid); the rest go with their options,
//! prices, custom fields and slugs; the module's groups go once empty.

use super::rows::{Counting, Writer, distinct_in, int, read, text};
use super::specs::{
    CONFIG_LINKS, CUSTOM_FIELDS, GROUP_VISIBILITY, MODULE_NAME, MODULE_RECORDS, OPTIONS, PRODUCTS,
    SLUGS, SUBS,
};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value, in_transaction};
use crate::error::{ModuleError, ModuleResult};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClearReport {
    pub products_deleted: u32,
    pub products_retired: u32,
    pub groups_deleted: u32,
    pub summary: String,
}

fn values(ids: &BTreeSet<i64>) -> Vec<i64> {
    ids.iter().copied().collect()
}

fn clear_in(db: &mut dyn Db) -> Result<ClearReport, DbError> {
    let mut counting = Counting::new(db);
    let mut w = Writer::new(&mut counting, false);
    let products = read(
        w.db,
        &PRODUCTS,
        &[Condition::eq("servertype", text(MODULE_NAME))],
        None,
    )?;
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let used = distinct_in(w.db, "tblhosting", "packageid", ("packageid", &ids), &[])?;
    let retire: Vec<(i64, Vec<Value>)> = products
        .iter()
        .filter(|p| used.contains(&p.id))
        .map(|p| {
            let mut v = p.values.clone();
            v[PRODUCTS.index("hidden")] = int(0);
            v[PRODUCTS.index("retired")] = int(1);
            (p.id, v)
        })
        .collect();
    let remove: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !used.contains(id))
        .collect();
    let product_type = [Condition::eq("type", text("product"))];

    let fields = distinct_in(
        w.db,
        CUSTOM_FIELDS.table,
        "id",
        ("relid", &remove),
        &product_type,
    )?;
    w.delete_ids("tblcustomfieldsvalues", "fieldid", &values(&fields), &[])?;
    w.delete_ids(CUSTOM_FIELDS.table, "id", &values(&fields), &[])?;

    let linked = distinct_in(w.db, CONFIG_LINKS.table, "gid", ("pid", &remove), &[])?;
    w.delete_ids(CONFIG_LINKS.table, "pid", &remove, &[])?;
    let shared = distinct_in(
        w.db,
        CONFIG_LINKS.table,
        "gid",
        ("gid", &values(&linked)),
        &[],
    )?;
    let groups: Vec<i64> = linked.difference(&shared).copied().collect();
    let options = distinct_in(w.db, OPTIONS.table, "id", ("gid", &groups), &[])?;
    let subs = distinct_in(w.db, SUBS.table, "id", ("configid", &values(&options)), &[])?;
    w.delete_ids(
        "tblpricing",
        "relid",
        &values(&subs),
        &[Condition::eq("type", text("configoptions"))],
    )?;
    w.delete_ids(SUBS.table, "id", &values(&subs), &[])?;
    w.delete_ids(OPTIONS.table, "id", &values(&options), &[])?;
    w.delete_ids("tblproductconfiggroups", "id", &groups, &[])?;

    w.delete_ids("tblpricing", "relid", &remove, &product_type)?;
    if w.db.table_exists(SLUGS.table)? {
        w.delete_ids(SLUGS.table, "product_id", &remove, &[])?;
    }
    w.delete_ids(PRODUCTS.table, "id", &remove, &[])?;
    w.delete_ids(MODULE_RECORDS.table, "relid", &remove, &product_type)?;
    // Fingerprints describe catalogue rows that are gone or retired: the next
    // import diffs those products in full.
    w.delete_ids(
        MODULE_RECORDS.table,
        "relid",
        &ids,
        &[Condition::eq("type", text("sync"))],
    )?;
    w.update(&PRODUCTS, retire.clone())?;

    let recorded = read(
        w.db,
        &MODULE_RECORDS,
        &[Condition::eq("type", text("group"))],
        None,
    )?;
    let group_ids: Vec<i64> = recorded
        .iter()
        .filter_map(|r| r.get(&MODULE_RECORDS, "relid").as_int())
        .collect();
    let mut occupied: std::collections::BTreeMap<i64, bool> = Default::default();
    let retired: BTreeSet<i64> = retire.iter().map(|(id, _)| *id).collect();
    for chunk in group_ids.chunks(super::rows::CHUNK) {
        let select = Select::from("tblproducts", &["id", "gid"]).filter(Condition::in_list(
            "gid",
            chunk.iter().map(|g| Value::Int(*g)).collect(),
        ));
        let rows = w.db.select(&select)?;
        for i in 0..rows.len() {
            let (Some(id), Some(gid)) = (rows.get(i, "id").as_int(), rows.get(i, "gid").as_int())
            else {
                continue;
            };
            let only_retired = occupied.entry(gid).or_insert(true);
            *only_retired &= retired.contains(&id);
        }
    }
    let empty: Vec<i64> = group_ids
        .iter()
        .copied()
        .filter(|g| !occupied.contains_key(g))
        .collect();
    w.delete_ids("tblproductgroups", "id", &empty, &[])?;
    w.delete_ids(
        MODULE_RECORDS.table,
        "relid",
        &empty,
        &[Condition::eq("type", text("group"))],
    )?;
    // A group left holding only retired products has nothing to sell: hide it.
    let hide: Vec<(i64, Vec<Value>)> = occupied
        .iter()
        .filter(|(_, only_retired)| **only_retired)
        .map(|(g, _)| (*g, vec![int(1)]))
        .collect();
    w.update(&GROUP_VISIBILITY, hide)?;

    let report = ClearReport {
        products_deleted: remove.len() as u32,
        products_retired: retire.len() as u32,
        groups_deleted: empty.len() as u32,
        summary: String::new(),
    };
    Ok(ClearReport {
        summary: format!(
            "Removed {} products and {} groups; {} products with services were retired instead.",
            report.products_deleted, report.groups_deleted, report.products_retired
        ),
        ..report
    })
}

pub fn clear(db: &mut dyn Db) -> ModuleResult<ClearReport> {
    in_transaction(db, |db| clear_in(db).map_err(ModuleError::from))
}
