//! Shared set-up of the component tests: the built `.wasm` files and a
//! runtime over in-memory capabilities.

#![allow(dead_code)]

pub mod cases;

use hostkey_host::fakes::{MemoryDb, RecordingPlatform, ScriptedHttp};
use hostkey_host::{Capabilities, Runtime, RuntimeOptions};
use serde_json::{Value as Json, json};
use std::path::PathBuf;

fn built(env: &str, file: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../build")
            .join(file)
    });
    assert!(
        path.exists(),
        "{} is missing: run `make build` first",
        path.display()
    );
    path
}

/// The component WHMCS runs.
pub fn shipped() -> PathBuf {
    built("HOSTKEY_GUEST_WASM", "bin/hostkey_guest.wasm")
}

/// The same component built with the `sandbox-probes` feature.
pub fn probes() -> PathBuf {
    built("HOSTKEY_PROBES_WASM", "hostkey_guest_probes.wasm")
}

pub fn options(component: PathBuf) -> RuntimeOptions {
    let mut options = RuntimeOptions::for_component(component);
    options.http_allow = vec!["127.0.0.1".into()];
    options
}

/// A WHMCS database as the module finds it: settings pointing at a local API.
pub fn whmcs_db(api_key: &str) -> MemoryDb {
    let db = MemoryDb::new().with_table("tbladdonmodules", &["id", "module", "setting", "value"]);
    let mut seed = db.clone();
    use hostkey_host::db::DbBackend;
    use hostkey_host::db_types::{InsertStatement, Value};
    let rows = [("apiurl", "http://127.0.0.1:9/"), ("apikey", api_key)]
        .iter()
        .map(|(k, v)| {
            vec![
                Value::Text("hostkeyresellermod".into()),
                Value::Text((*k).into()),
                Value::Text((*v).into()),
            ]
        })
        .collect();
    seed.insert(InsertStatement {
        table: "tbladdonmodules".into(),
        columns: vec!["module".into(), "setting".into(), "value".into()],
        rows,
    })
    .expect("seed settings");
    db
}

pub struct Fakes {
    pub db: MemoryDb,
    pub http: ScriptedHttp,
    pub platform: RecordingPlatform,
}

impl Fakes {
    pub fn new(db: MemoryDb, http: ScriptedHttp) -> Self {
        Self {
            db,
            http,
            platform: RecordingPlatform::default(),
        }
    }

    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            http: Box::new(self.http.clone()),
            db: Box::new(self.db.clone()),
            platform: Box::new(self.platform.clone()),
        }
    }
}

pub fn call(runtime: &Runtime, fakes: &Fakes, name: &str, args: Json) -> Result<Json, String> {
    runtime
        .invoke(name, &args, fakes.capabilities())
        .map_err(|fault| fault.to_string())
}

pub fn server(username: &str, hostname: &str) -> Json {
    json!({"server": {"id": 1, "hostname": hostname, "ip-address": "", "username": username, "password": "",
                      "access-hash": "", "secure": false, "port": null}})
}

/// A WHMCS database with the catalogue tables and three currencies.
pub fn catalogue_db(api_key: &str) -> MemoryDb {
    use hostkey_host::db::DbBackend;
    use hostkey_host::db_types::{InsertStatement, Value};
    let tables: &[(&str, &[&str])] = &[
        ("tblcurrencies", &["id", "code", "rate", "default"]),
        (
            "tblproductgroups",
            &[
                "id",
                "name",
                "slug",
                "headline",
                "tagline",
                "orderfrmtpl",
                "disabledgateways",
                "hidden",
                "order",
            ],
        ),
        (
            "tblproducts",
            &[
                "id",
                "type",
                "gid",
                "name",
                "slug",
                "description",
                "hidden",
                "showdomainoptions",
                "welcomeemail",
                "paytype",
                "autosetup",
                "servertype",
                "configoption1",
                "configoption2",
                "configoption3",
                "configoption4",
                "configoption5",
                "configoption6",
                "configoption7",
                "order",
                "retired",
                "tagline",
                "short_description",
            ],
        ),
        ("tblproductconfiggroups", &["id", "name", "description"]),
        ("tblproductconfiglinks", &["id", "gid", "pid"]),
        (
            "tblproductconfigoptions",
            &[
                "id",
                "gid",
                "optionname",
                "optiontype",
                "qtyminimum",
                "qtymaximum",
                "order",
                "hidden",
            ],
        ),
        (
            "tblproductconfigoptionssub",
            &["id", "configid", "optionname", "sortorder", "hidden"],
        ),
        (
            "tblpricing",
            &[
                "id",
                "type",
                "currency",
                "relid",
                "msetupfee",
                "qsetupfee",
                "ssetupfee",
                "asetupfee",
                "bsetupfee",
                "tsetupfee",
                "monthly",
                "quarterly",
                "semiannually",
                "annually",
                "biennially",
                "triennially",
            ],
        ),
        (
            "tblcustomfields",
            &[
                "id",
                "type",
                "relid",
                "fieldname",
                "fieldtype",
                "description",
                "fieldoptions",
                "regexpr",
                "adminonly",
                "required",
                "showorder",
                "showinvoice",
                "sortorder",
            ],
        ),
        (
            "tblcustomfieldsvalues",
            &["id", "fieldid", "relid", "value"],
        ),
        ("tblhosting", &["id", "packageid", "domainstatus"]),
        (
            "tblhostingconfigoptions",
            &["id", "relid", "configid", "optionid"],
        ),
    ];
    let mut db = whmcs_db(api_key);
    for (name, columns) in tables {
        db = db.with_table(name, columns);
    }
    let mut seed = db.clone();
    let currencies = [
        ("EUR", "1.00000", 1),
        ("USD", "1.08000", 0),
        ("GBP", "0.86000", 0),
    ]
    .iter()
    .map(|(code, rate, default)| {
        vec![
            Value::Text((*code).into()),
            Value::Text((*rate).into()),
            Value::Int(*default),
        ]
    })
    .collect();
    seed.insert(InsertStatement {
        table: "tblcurrencies".into(),
        columns: vec!["code".into(), "rate".into(), "default".into()],
        rows: currencies,
    })
    .expect("seed currencies");
    db
}
