//! Turns `php/modules/addons/hostkeyresellermod/facts.json`, the one place the
//! module's shared facts are written, into Rust constants: the PHP bridge and
//! the Node host read the same file, so no language keeps a copy of its own.
//! A missing, extra or mistyped fact fails the build with its path.

use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

const FACTS: &str = "../php/modules/addons/hostkeyresellermod/facts.json";

fn main() {
    println!("cargo::rerun-if-changed={FACTS}");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FACTS);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    let facts: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let mut out = String::new();
    let root = object(
        &facts,
        "",
        &["about", "module", "service_statuses", "lock_name", "limits"],
    );
    let module = object(
        &root["module"],
        "module",
        &[
            "name",
            "display_name",
            "description",
            "author",
            "whmcs_api_version",
            "requires_server",
            "default_api_url",
        ],
    );
    for (key, constant) in [
        ("name", "MODULE_NAME"),
        ("display_name", "DISPLAY_NAME"),
        ("description", "DESCRIPTION"),
        ("author", "AUTHOR"),
        ("whmcs_api_version", "WHMCS_API_VERSION"),
        ("default_api_url", "DEFAULT_API_URL"),
    ] {
        let text = module[key]
            .as_str()
            .unwrap_or_else(|| panic!("module.{key} must be text"));
        writeln!(out, "pub const {constant}: &str = {text:?};").expect("write");
    }
    let requires = module["requires_server"]
        .as_bool()
        .unwrap_or_else(|| panic!("module.requires_server must be true or false"));
    writeln!(out, "pub const REQUIRES_SERVER: bool = {requires};").expect("write");
    let statuses: Vec<&str> = root["service_statuses"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .filter(|list: &Vec<&str>| {
            list.len() == root["service_statuses"].as_array().map_or(0, Vec::len)
                && list
                    .iter()
                    .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()))
        })
        .unwrap_or_else(|| panic!("facts.json: `service_statuses` must be a list of words"));
    writeln!(
        out,
        "pub const SERVICE_STATUSES: [&str; {}] = {statuses:?};",
        statuses.len()
    )
    .expect("write");
    let lock = object(
        &root["lock_name"],
        "lock_name",
        &["max_length", "punctuation"],
    );
    writeln!(
        out,
        "pub const LOCK_NAME_MAX_LENGTH: usize = {};",
        number(&lock["max_length"], "lock_name.max_length")
    )
    .expect("write");
    let punctuation = lock["punctuation"]
        .as_str()
        .filter(|p| p.chars().all(|c| c.is_ascii_punctuation()))
        .unwrap_or_else(|| panic!("lock_name.punctuation must be ASCII punctuation"));
    writeln!(
        out,
        "pub const LOCK_NAME_PUNCTUATION: &str = {punctuation:?};"
    )
    .expect("write");
    let limits = object(&root["limits"], "limits", &["call", "long_call"]);
    for (kind, keys) in [
        (
            "call",
            &["memory_mb", "fuel", "timeout_ms", "http_timeout_ms"][..],
        ),
        ("long_call", &["fuel", "timeout_ms"][..]),
    ] {
        let limit = object(&limits[kind], &format!("limits.{kind}"), keys);
        for key in keys {
            let value = number(&limit[*key], &format!("limits.{kind}.{key}"));
            let name = format!("{kind}_{key}").to_ascii_uppercase();
            writeln!(out, "pub const {name}: u64 = {value};").expect("write");
        }
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("facts.rs");
    std::fs::write(&dest, out)
        .unwrap_or_else(|e| panic!("{} cannot be written: {e}", dest.display()));
}

/// The object at `path`, which must have exactly `keys`.
fn object<'a>(value: &'a Value, path: &str, keys: &[&str]) -> &'a Map<String, Value> {
    let map = value
        .as_object()
        .unwrap_or_else(|| panic!("facts.json: `{path}` must be an object"));
    let mut found: Vec<&str> = map.keys().map(String::as_str).collect();
    let mut wanted = keys.to_vec();
    found.sort_unstable();
    wanted.sort_unstable();
    assert!(
        found == wanted,
        "facts.json: `{path}` must have exactly {wanted:?}, has {found:?}"
    );
    map
}

fn number(value: &Value, path: &str) -> u64 {
    value
        .as_u64()
        .filter(|n| *n > 0)
        .unwrap_or_else(|| panic!("facts.json: `{path}` must be a positive integer"))
}
