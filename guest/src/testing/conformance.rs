//! The shared db conformance table (tests/db-conformance/cases.json) against
//! the guest's in-memory database: the same statements, the same rows, as
//! the host's fake and the PHP bridge over MariaDB.

use super::MemoryDb;
use crate::capabilities::Db;
use crate::capabilities::db::{Comparison, Condition, DbError, Insert, OrderBy, Select, Value};
use serde_json::Value as Json;

const CASES: &str = include_str!("../../../tests/db-conformance/cases.json");

fn value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Number(n) if n.is_i64() => Value::Int(n.as_i64().unwrap_or_default()),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or_default()),
        Json::String(s) => Value::text(s.clone()),
        other => Value::text(other.to_string()),
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

fn list(json: &Json) -> &Vec<Json> {
    json.as_array().expect("a list")
}

#[test]
fn the_guest_database_keeps_the_contracts_meaning() {
    let spec: Json = serde_json::from_str(CASES).expect("cases.json");
    let table = &spec["table"];
    let name = table["name"].as_str().expect("name");
    let columns: Vec<&str> = list(&table["columns"])
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let mut db = MemoryDb::default();
    db.add_table(name, &columns);
    db.insert(&Insert {
        table: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: list(&table["rows"])
            .iter()
            .map(|r| list(r).iter().map(value).collect())
            .collect(),
    })
    .expect("rows fit");
    for case in list(&spec["cases"]) {
        let what = case["name"].as_str().unwrap_or("?");
        let select = Select {
            table: name.into(),
            columns: vec!["id".into()],
            conditions: case
                .get("conditions")
                .map(list)
                .into_iter()
                .flatten()
                .map(|c| Condition {
                    column: c[0].as_str().unwrap_or_default().into(),
                    comparison: comparison(c[1].as_str().unwrap_or_default()),
                    values: list(&c[2]).iter().map(value).collect(),
                })
                .collect(),
            order: case
                .get("order")
                .map(list)
                .into_iter()
                .flatten()
                .map(|o| OrderBy {
                    column: o[0].as_str().unwrap_or_default().into(),
                    descending: o[1].as_bool().unwrap_or(false),
                })
                .collect(),
            limit: case.get("limit").and_then(Json::as_u64).map(|l| l as u32),
            for_update: false,
        };
        let got = db.select(&select);
        match &case["ids"] {
            Json::String(s) if s == "invalid" => {
                assert!(matches!(got, Err(DbError::Invalid(_))), "{what}: {got:?}");
            }
            ids => {
                let rows = got.unwrap_or_else(|e| panic!("{what}: {e}"));
                let got: Vec<i64> = (0..rows.len())
                    .filter_map(|i| rows.get(i, "id").as_int())
                    .collect();
                let want: Vec<i64> = list(ids).iter().filter_map(Json::as_i64).collect();
                assert_eq!(got, want, "{what}");
            }
        }
    }
}
