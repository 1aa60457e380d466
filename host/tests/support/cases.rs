//! The shared component cases (`tests/component-cases/README.md`) on the
//! Rust host: the fakes built from a case, its steps run, its expectations
//! checked. Used by `tests/component_cases.rs` and `examples/time_case.rs`.

use super::{Fakes, call};
use hostkey_host::Runtime;
use hostkey_host::db::DbBackend;
use hostkey_host::db_types::{InsertStatement, Value};
use hostkey_host::fakes::{MemoryDb, Reply, ScriptedHttp};
use hostkey_host::http_types::Error as HttpError;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/component-cases")
}

pub fn read(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn fixture(name: &str) -> Json {
    read(&cases_dir().join("fixtures").join(format!("{name}.json")))
}

fn db_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::String(s) => Value::Text(s.clone()),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().expect("a finite number")),
        },
        other => panic!("a db value must be null, a number or a string, not {other}"),
    }
}

fn plain(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Text(s) => json!(s),
    }
}

fn strings(json: &Json) -> Vec<String> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn build_db(spec: &Json) -> MemoryDb {
    let mut sources: Vec<Json> = strings(&spec["include"])
        .iter()
        .map(|n| fixture(n))
        .collect();
    sources.push(spec.get("tables").cloned().unwrap_or_else(|| json!({})));
    let mut db = MemoryDb::new();
    for tables in &sources {
        for (name, table) in tables.as_object().expect("tables are an object") {
            let columns = strings(&table["columns"]);
            if db.table(name).is_none() {
                let names: Vec<&str> = columns.iter().map(String::as_str).collect();
                db = db.with_table(name, &names);
            }
            let rows: Vec<Vec<Value>> = table["rows"]
                .as_array()
                .expect("rows are an array")
                .iter()
                .map(|row| {
                    row.as_array()
                        .expect("a row")
                        .iter()
                        .map(db_value)
                        .collect()
                })
                .collect();
            if !rows.is_empty() {
                db.clone()
                    .insert(InsertStatement {
                        table: name.clone(),
                        columns,
                        rows,
                    })
                    .expect("fixture rows fit their table");
            }
        }
    }
    db
}

fn http_error(fail: &Json) -> HttpError {
    let (case, payload) = match fail {
        Json::String(case) => (case.as_str(), String::new()),
        Json::Object(one) => {
            let (case, payload) = one.iter().next().expect("one case");
            (
                case.as_str(),
                payload.as_str().unwrap_or_default().to_string(),
            )
        }
        other => panic!("`fail` is a case of http.error, not {other}"),
    };
    match case {
        "timeout" => HttpError::Timeout,
        "too-large" => HttpError::TooLarge,
        "transport" => HttpError::Transport(payload),
        "host-not-allowed" => HttpError::HostNotAllowed(payload),
        "invalid-url" => HttpError::InvalidUrl(payload),
        _ => HttpError::Other(payload),
    }
}

fn replies(list: &Json) -> Vec<Reply> {
    let named = fixture("http");
    let Some(list) = list.as_array() else {
        return Vec::new();
    };
    list.iter()
        .map(|reply| {
            let found = match reply {
                Json::String(name) => named.get(name).unwrap_or_else(|| {
                    panic!("no HTTP reply named `{name}` in fixtures/http.json")
                }),
                other => other,
            };
            if let Some(fail) = found.get("fail") {
                return Reply::Fail(http_error(fail));
            }
            let body = match &found["body"] {
                Json::Array(parts) => parts.iter().filter_map(Json::as_str).collect(),
                other => other.as_str().expect("body is text").to_string(),
            };
            Reply::Answer {
                status: u16::try_from(found["status"].as_u64().expect("a status"))
                    .expect("a status fits u16"),
                body,
            }
        })
        .collect()
}

fn dump(db: &MemoryDb) -> BTreeMap<String, Json> {
    db.table_names()
        .into_iter()
        .filter_map(|name| {
            let table = db.table(&name)?;
            let rows: Vec<Json> = table
                .rows
                .iter()
                .map(|r| Json::Array(r.iter().map(plain).collect()))
                .collect();
            Some((name, json!({"columns": table.columns, "rows": rows})))
        })
        .collect()
}

/// Whether `actual` has everything `expected` has: objects by key, arrays
/// whole, numbers by value (the same rule as hosts/node/src/cases.js).
fn matches(expected: &Json, actual: &Json) -> bool {
    match (expected, actual) {
        (Json::Number(e), Json::Number(a)) => e.as_f64() == a.as_f64(),
        (Json::Array(e), Json::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| matches(e, a))
        }
        (Json::Object(e), Json::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|got| matches(v, got))),
        _ => expected == actual,
    }
}

fn equal(a: &Json, b: &Json) -> bool {
    matches(a, b) && matches(b, a)
}

fn check_requests(expected: &[Json], seen: &[(String, String)], fail: &mut dyn FnMut(String)) {
    if seen.len() != expected.len() {
        let urls: Vec<&str> = seen.iter().map(|(u, _)| u.as_str()).collect();
        fail(format!(
            "expected {} HTTP requests, the component sent {}: {urls:?}",
            expected.len(),
            seen.len()
        ));
        return;
    }
    for (i, (want, (url, body))) in expected.iter().zip(seen).enumerate() {
        if let Some(u) = want["url"].as_str().filter(|u| u != url) {
            fail(format!("request {i}: URL {url}, expected {u}"));
        }
        if let Some(part) = want["url-contains"].as_str().filter(|p| !url.contains(p)) {
            fail(format!("request {i}: URL {url} does not contain {part}"));
        }
        for part in strings(&want["body-contains"]) {
            if !body.contains(&part) {
                fail(format!("request {i}: body does not contain {part:?}"));
            }
        }
    }
}

fn check_db(expected: &Map<String, Json>, db: &MemoryDb, fail: &mut dyn FnMut(String)) {
    for (name, want) in expected {
        let Some(table) = db.table(name) else {
            fail(format!("table {name} does not exist"));
            continue;
        };
        let rows: Vec<Json> = table
            .rows
            .iter()
            .map(|r| {
                Json::Object(
                    table
                        .columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| (c.clone(), plain(v)))
                        .collect(),
                )
            })
            .collect();
        if let Some(count) = want["count"].as_u64().filter(|&c| c != rows.len() as u64) {
            fail(format!(
                "table {name}: {} rows, expected {count}",
                rows.len()
            ));
        }
        for row in want["rows-include"].as_array().into_iter().flatten() {
            if !rows.iter().any(|r| matches(row, r)) {
                fail(format!("table {name}: no row matches {row}"));
            }
        }
    }
}

pub fn run_case(rt: &Runtime, case: &Json) -> Vec<String> {
    let mut failures = Vec::new();
    let db = build_db(&case["db"]);
    for (index, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
        let name = step["call"].as_str().expect("call");
        let mut fail =
            |message: String| failures.push(format!("step {} ({name}): {message}", index + 1));
        let scripted = replies(&step["http"]);
        let given = scripted.len();
        let fakes = Fakes::new(db.clone(), ScriptedHttp::new(scripted));
        let before = dump(&db);
        let args = step.get("args").cloned().unwrap_or_else(|| json!({}));
        let answer = call(rt, &fakes, name, args);
        let expect = &step["expect"];
        let value = match (answer, expect["fault"].as_str()) {
            (Err(fault), Some(part)) if fault.contains(part) => Json::Null,
            (Err(fault), None) => {
                fail(format!("fault: {fault}"));
                continue;
            }
            (answer, Some(part)) => {
                fail(format!(
                    "expected a fault containing {part:?}, got {answer:?}"
                ));
                Json::Null
            }
            (Ok(value), None) => value,
        };
        if let Some(want) = expect.get("value").filter(|w| !equal(w, &value)) {
            fail(format!("value {value}, expected {want}"));
        }
        if let Some(want) = expect.get("value-matches").filter(|w| !matches(w, &value)) {
            fail(format!("value {value} does not match {want}"));
        }
        let seen = fakes.http.requests();
        if let Some(want) = expect["requests"].as_array() {
            check_requests(want, &seen, &mut fail);
        }
        if let Some(want) = expect["db"].as_object() {
            check_db(want, &db, &mut fail);
        }
        if expect.get("db-unchanged-except").is_some() {
            let except = strings(&expect["db-unchanged-except"]);
            let after = dump(&db);
            let names: std::collections::BTreeSet<&String> =
                before.keys().chain(after.keys()).collect();
            for table in names {
                if !except.contains(table)
                    && !equal(
                        before.get(table).unwrap_or(&Json::Null),
                        after.get(table).unwrap_or(&Json::Null),
                    )
                {
                    fail(format!("table {table} changed"));
                }
            }
        }
        let log = fakes.platform.module_log();
        if let Some(count) = expect["module-log-count"]
            .as_u64()
            .filter(|&c| c != log.len() as u64)
        {
            fail(format!(
                "{} module log entries, expected {count}",
                log.len()
            ));
        }
        let text: String = log
            .iter()
            .map(|e| format!("{}{}{}\n", e.request, e.response, e.processed))
            .collect();
        for secret in strings(&expect["module-log-excludes"]) {
            if text.contains(&secret) {
                fail(format!("the module log contains {secret:?}"));
            }
        }
        if given > seen.len() {
            fail(format!(
                "{} scripted HTTP replies were not asked for",
                given - seen.len()
            ));
        }
    }
    failures
}

/// The case files, in name order.
pub fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/component-cases exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}
