//! Shared set-up of the component tests: the built `.wasm` files and a
//! runtime over in-memory capabilities.

#![allow(dead_code)]

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
    built("HOSTKEY_GUEST_WASM", "hostkey_guest.wasm")
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
