//! The shared db conformance table (tests/db-conformance/cases.json) against
//! the host's in-memory database: the same meaning as the guest's fake and
//! the PHP bridge over MariaDB.

use hostkey_host::db::DbBackend;
use hostkey_host::db_types::{
    Comparison, Condition, Error, InsertStatement, OrderBy, SelectStatement, Value,
};
use hostkey_host::fakes::MemoryDb;
use serde_json::Value as Json;

const CASES: &str = include_str!("../../tests/db-conformance/cases.json");

fn value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Number(n) if n.is_i64() => Value::Int(n.as_i64().unwrap_or_default()),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or_default()),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

fn comparison(name: &str) -> Comparison {
    match name {
        "eq" => Comparison::Eq,
        "ne" => Comparison::Ne,
        "lt" => Comparison::Lt,
        "le" => Comparison::Le,
        "gt" => Comparison::Gt,
        "ge" => Comparison::Ge,
        "like" => Comparison::Like,
        "in-list" => Comparison::InList,
        "not-in-list" => Comparison::NotInList,
        "is-null" => Comparison::IsNull,
        "not-null" => Comparison::NotNull,
        other => panic!("unknown comparison {other}"),
    }
}

fn list(json: &Json) -> Vec<Json> {
    json.as_array().cloned().unwrap_or_default()
}

#[test]
fn the_host_database_keeps_the_contracts_meaning() {
    let spec: Json = serde_json::from_str(CASES).expect("cases.json");
    let table = &spec["table"];
    let name = table["name"].as_str().expect("name").to_string();
    let columns: Vec<String> = list(&table["columns"])
        .iter()
        .filter_map(|c| c.as_str().map(String::from))
        .collect();
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut db = MemoryDb::new().with_table(&name, &names);
    db.insert(InsertStatement {
        table: name.clone(),
        columns: columns.clone(),
        rows: list(&table["rows"])
            .iter()
            .map(|r| list(r).iter().map(value).collect())
            .collect(),
    })
    .expect("rows fit");
    for case in list(&spec["cases"]) {
        let what = case["name"].as_str().unwrap_or("?").to_string();
        let select = SelectStatement {
            table: name.clone(),
            columns: vec!["id".into()],
            conditions: list(&case["conditions"])
                .iter()
                .map(|c| Condition {
                    column: c[0].as_str().unwrap_or_default().into(),
                    comparison: comparison(c[1].as_str().unwrap_or_default()),
                    values: list(&c[2]).iter().map(value).collect(),
                })
                .collect(),
            order: list(&case["order"])
                .iter()
                .map(|o| OrderBy {
                    column: o[0].as_str().unwrap_or_default().into(),
                    descending: o[1].as_bool().unwrap_or(false),
                })
                .collect(),
            limit: case["limit"].as_u64().map(|l| l as u32),
            for_update: false,
        };
        let got = db.select(select);
        match &case["ids"] {
            Json::String(s) if s == "invalid" => {
                assert!(matches!(got, Err(Error::Invalid(_))), "{what}: {got:?}");
            }
            ids => {
                let rows = got.unwrap_or_else(|e| panic!("{what}: {e:?}"));
                let got: Vec<i64> = rows
                    .rows
                    .iter()
                    .filter_map(|r| match r.first() {
                        Some(Value::Int(i)) => Some(*i),
                        _ => None,
                    })
                    .collect();
                let want: Vec<i64> = list(ids).iter().filter_map(Json::as_i64).collect();
                assert_eq!(got, want, "{what}");
            }
        }
    }
}
