//! The in-memory WHMCS and the fixture catalogue the import tests share.

use super::import::{Mode, run as import};
use super::specs::{
    CONFIG_GROUPS, CONFIG_LINKS, CUSTOM_FIELDS, GROUPS, MODULE_RECORDS, OPTIONS, PRICING, PRODUCTS,
    SLUGS, SUBS,
};
use crate::capabilities::db::Value;
use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};
use serde_json::{Value as Json, json};

pub const LOGIN: &str = r#"{"result":{"token":"0123456789abcdef0123456789abcdef"}}"#;
pub const CLIENT: &str =
    r#"{"result":"success","client":{"email":"r@example.test","currency_code":"EUR"}}"#;

pub fn whmcs() -> MemoryDb {
    let mut db = MemoryDb::whmcs();
    for spec in [
        &GROUPS,
        &PRODUCTS,
        &MODULE_RECORDS,
        &CONFIG_GROUPS,
        &CONFIG_LINKS,
        &OPTIONS,
        &SUBS,
        &PRICING,
        &CUSTOM_FIELDS,
        &SLUGS,
    ] {
        let mut columns = vec!["id"];
        columns.extend(spec.columns.iter().map(|(c, _)| *c));
        db.add_table(spec.table, &columns);
    }
    db.add_table("tblcurrencies", &["id", "code", "rate", "default"]);
    db.add_table("tblhosting", &["id", "packageid", "domainstatus"]);
    db.add_table(
        "tblcustomfieldsvalues",
        &["id", "fieldid", "relid", "value"],
    );
    db.add_table(
        "tblhostingconfigoptions",
        &["id", "relid", "configid", "optionid"],
    );
    db.seed(
        "tblcurrencies",
        &["code", "rate", "default"],
        vec![
            vec![Value::text("EUR"), Value::text("1.00000"), Value::Int(1)],
            vec![Value::text("USD"), Value::text("1.08000"), Value::Int(0)],
            vec![Value::text("GBP"), Value::text("0.86000"), Value::Int(0)],
        ],
    );
    db.settings(&[("apikey", "k"), ("apiurl", "http://127.0.0.1:9/")]);
    crate::addon::activate::activate(&mut db).expect("activates");
    db
}

pub fn catalogue() -> Json {
    json!({"result": "OK", "presets": [
        {"id": 108, "name": "vm.nano", "active": 1, "cpu": 1, "ram": 2, "hdd": 30, "disk_type": "30 GB NVMe",
         "description": "small", "server_type": "vm",
         "price": {"NL": {"EUR": 4.0}, "FI": {"EUR": 4.5}, "RU": {"EUR": 3}},
         "OS": [{"id": 187, "name": "Ubuntu 22.04", "price": {"EUR": 0}}, {"id": 243, "name": "Windows", "price": {"EUR": 15}}],
         "soft": [{"id": 20, "name": "WordPress", "price": {"EUR": 1.5}}],
         "traffic_plans": {"NL": [{"id": 25, "name": "3 TB"}, {"id": 26, "name": "10 TB", "price": {"EUR": 5}}],
                           "FI": [{"id": 31, "name": "3 TB"}]}},
        {"id": 311, "name": "bm.v2-promo", "active": 1, "cpu": 8, "ram": 64, "hdd": "2x960",
         "price": {"NL": {"EUR": 89.0, "USD": 99.0}},
         "OS": [{"id": 187, "name": "Ubuntu 22.04"}], "soft": [], "traffic_plans": {"NL": [{"id": 4, "name": "50TB"}]}},
        {"id": 520, "name": "gpu.old", "active": 0, "cpu": 4, "ram": 16, "hdd": 100,
         "price": {"NL": {"EUR": 200}}, "OS": [], "soft": [], "traffic_plans": {}},
        {"id": 131, "name": "vm.soon", "active": 1, "price": {}},
        {"id": 901, "name": "stor.s1", "active": 1, "price": {"NL": {"EUR": 10}}}
    ]})
}

pub fn api(catalogue: &Json) -> ScriptedHttp {
    ScriptedHttp::default()
        .json(LOGIN)
        .json(CLIENT)
        .json(&catalogue.to_string())
}

/// The `tblhosting` columns the service tests seed.
pub const HOSTING_COLUMNS: [&str; 6] = [
    "id",
    "userid",
    "packageid",
    "domain",
    "billingcycle",
    "domainstatus",
];

/// A WHMCS with the fixture catalogue imported and an empty `tblhosting`
/// (`HOSTING_COLUMNS`), and the id of the product its services buy
/// (`HKP-vm.nano (NL)`).
pub fn imported_shop() -> (MemoryDb, i64) {
    let mut db = whmcs();
    import(
        &mut db,
        &mut api(&catalogue()),
        &mut RecordingPlatform::default(),
        Mode::Apply,
        None,
        false,
    )
    .expect("imports");
    db.add_table("tblhosting", &HOSTING_COLUMNS);
    let names = db.column("tblproducts", "name");
    let at = names
        .iter()
        .position(|n| n.as_text() == "HKP-vm.nano (NL)")
        .expect("product");
    let product = db.column("tblproducts", "id")[at].as_int().expect("id");
    (db, product)
}
