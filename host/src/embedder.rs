//! `db` and `platform` answered by the embedder (PHP) through one JSON
//! message protocol; the transport (FFI callback or JSON lines) is an `Embedder`.

use crate::bindings::db::{
    self, DeleteStatement, InsertStatement, Rows, SelectStatement, TableDef, UpdateRowsStatement,
    UpdateStatement,
};
use crate::bindings::platform::{self, ModuleLogEntry, SecretRef};
use crate::db::DbBackend;
use crate::platform::PlatformBackend;
use crate::wire::{self, Request, StatementArgs};
use serde::Serialize;
use serde_json::Value as Json;
use std::sync::{Arc, Mutex};

/// One request/answer exchange with the embedder.
pub trait Embedder: Send {
    /// Sends one request line and returns the embedder's answer line.
    fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, String>;
}

/// What the embedder answered, before it is mapped to an interface's error.
struct Refusal {
    kind: String,
    message: String,
}

/// Both backends over one embedder.
#[derive(Clone)]
pub struct EmbedderBackend {
    link: Arc<Mutex<Box<dyn Embedder>>>,
}

impl EmbedderBackend {
    /// Both backends over `embedder`.
    pub fn new(embedder: Box<dyn Embedder>) -> Self {
        Self {
            link: Arc::new(Mutex::new(embedder)),
        }
    }

    fn ask<A: Serialize>(&self, op: &str, args: A) -> Result<Json, Refusal> {
        let bytes = serde_json::to_vec(&Request { op, args }).map_err(|e| other(e.to_string()))?;
        let answer = {
            let mut link = self
                .link
                .lock()
                .map_err(|_| other("the embedder link is poisoned".into()))?;
            link.exchange(&bytes).map_err(other)?
        };
        let mut answer: Json = serde_json::from_slice(&answer)
            .map_err(|e| other(format!("the embedder answered {op} with invalid JSON: {e}")))?;
        if let Some(ok) = answer.get_mut("ok") {
            return Ok(ok.take());
        }
        let error = answer.get("error");
        Err(Refusal {
            kind: error
                .and_then(|e| e.get("kind"))
                .and_then(Json::as_str)
                .unwrap_or("other")
                .to_string(),
            message: error
                .and_then(|e| e.get("message"))
                .and_then(Json::as_str)
                .unwrap_or("the embedder gave no answer")
                .to_string(),
        })
    }
}

fn other(message: String) -> Refusal {
    Refusal {
        kind: "other".into(),
        message,
    }
}

fn db_error(refusal: Refusal) -> db::Error {
    match refusal.kind.as_str() {
        "table-not-allowed" => db::Error::TableNotAllowed(refusal.message),
        "invalid" => db::Error::Invalid(refusal.message),
        "constraint" => db::Error::Constraint(refusal.message),
        _ => db::Error::Other(refusal.message),
    }
}

fn platform_error(refusal: Refusal) -> platform::Error {
    match refusal.kind.as_str() {
        "failed" => platform::Error::Failed(refusal.message),
        _ => platform::Error::Other(refusal.message),
    }
}

/// A database value from the embedder's JSON scalar.
pub fn value_from_json(json: &Json) -> db::Value {
    match json {
        Json::Null => db::Value::Null,
        Json::Bool(b) => db::Value::Int(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(db::Value::Int)
            .unwrap_or_else(|| db::Value::Float(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => db::Value::Text(s.clone()),
        other => db::Value::Text(other.to_string()),
    }
}

fn count(json: &Json) -> Result<u64, db::Error> {
    json.as_u64().ok_or_else(|| {
        db::Error::Other("the embedder answered a count that is not a number".into())
    })
}

fn unit(json: Result<Json, Refusal>) -> Result<(), db::Error> {
    json.map(|_| ()).map_err(db_error)
}

impl DbBackend for EmbedderBackend {
    fn select(&mut self, s: SelectStatement) -> Result<Rows, db::Error> {
        let statement = wire::Select::from(&s);
        let answer = self
            .ask("db.select", StatementArgs { statement })
            .map_err(db_error)?;
        let columns = answer
            .get("columns")
            .and_then(Json::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(Json::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let rows = answer
            .get("rows")
            .and_then(Json::as_array)
            .ok_or_else(|| db::Error::Other("the embedder answered a select without rows".into()))?
            .iter()
            .map(|row| {
                row.as_array()
                    .map(|r| r.iter().map(value_from_json).collect())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Rows { columns, rows })
    }

    fn insert(&mut self, s: InsertStatement) -> Result<Vec<i64>, db::Error> {
        let statement = wire::RowsStatement {
            table: &s.table,
            key: None,
            columns: &s.columns,
            rows: wire::Table(&s.rows),
        };
        let answer = self
            .ask("db.insert", StatementArgs { statement })
            .map_err(db_error)?;
        let ids = answer.as_array().ok_or_else(|| {
            db::Error::Other("the embedder answered an insert without ids".into())
        })?;
        Ok(ids.iter().map(|id| id.as_i64().unwrap_or(0)).collect())
    }

    fn update(&mut self, s: UpdateStatement) -> Result<u64, db::Error> {
        let statement = wire::Update::from(&s);
        let answer = self.ask("db.update", StatementArgs { statement });
        count(&answer.map_err(db_error)?)
    }

    fn update_rows(&mut self, s: UpdateRowsStatement) -> Result<u64, db::Error> {
        let statement = wire::RowsStatement {
            table: &s.table,
            key: Some(&s.key),
            columns: &s.columns,
            rows: wire::Table(&s.rows),
        };
        let answer = self.ask("db.update-rows", StatementArgs { statement });
        count(&answer.map_err(db_error)?)
    }

    fn delete(&mut self, s: DeleteStatement) -> Result<u64, db::Error> {
        let statement = wire::Delete {
            conditions: wire::conditions(&s.conditions),
            table: &s.table,
        };
        let answer = self.ask("db.delete", StatementArgs { statement });
        count(&answer.map_err(db_error)?)
    }

    fn lock(&mut self, name: String, timeout_ms: u32) -> Result<bool, db::Error> {
        let answer = self
            .ask(
                "db.lock",
                wire::Lock {
                    name: &name,
                    timeout_ms,
                },
            )
            .map_err(db_error)?;
        answer
            .as_bool()
            .ok_or_else(|| db::Error::Other("the embedder answered lock without a boolean".into()))
    }

    fn unlock(&mut self, name: String) -> Result<bool, db::Error> {
        let answer = self
            .ask("db.unlock", wire::Unlock { name: &name })
            .map_err(db_error)?;
        answer.as_bool().ok_or_else(|| {
            db::Error::Other("the embedder answered unlock without a boolean".into())
        })
    }

    fn begin(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.begin", wire::NoArgs {}))
    }

    fn commit(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.commit", wire::NoArgs {}))
    }

    fn rollback(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.rollback", wire::NoArgs {}))
    }

    fn table_exists(&mut self, table: String) -> Result<bool, db::Error> {
        let answer = self
            .ask("db.table-exists", wire::TableName { table: &table })
            .map_err(db_error)?;
        answer.as_bool().ok_or_else(|| {
            db::Error::Other("the embedder answered table-exists without a boolean".into())
        })
    }

    fn create_table(&mut self, d: TableDef) -> Result<(), db::Error> {
        let definition = wire::Definition::from(&d);
        unit(self.ask("db.create-table", wire::DefinitionArgs { definition }))
    }
}

impl PlatformBackend for EmbedderBackend {
    fn decrypt(&mut self, s: SecretRef) -> Result<String, platform::Error> {
        let secret = wire::Secret::from(&s);
        let answer = self
            .ask("platform.decrypt", wire::SecretArgs { secret })
            .map_err(platform_error)?;
        answer
            .as_str()
            .map(String::from)
            .ok_or_else(|| platform::Error::Other("decrypt answered no text".into()))
    }

    fn module_log(&mut self, e: ModuleLogEntry) {
        // Logging must never fail a business call; a broken log is visible in WHMCS.
        let entry = wire::LogEntry::from(&e);
        let _ = self.ask("platform.module-log", wire::LogArgs { entry });
    }

    fn activity_log(&mut self, message: String, client_id: Option<i64>) {
        let _ = self.ask(
            "platform.activity-log",
            wire::Activity {
                client_id,
                message: &message,
            },
        );
    }

    fn system_url(&mut self) -> String {
        self.ask("platform.system-url", wire::NoArgs {})
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, platform::Error> {
        let request = wire::LocalApi {
            command: &command,
            params: params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        };
        let answer = self
            .ask("platform.local-api", request)
            .map_err(platform_error)?;
        Ok(answer.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::db::{
        ColumnDef, ColumnDefault, ColumnKind, Comparison, Condition, OrderBy, Value,
    };

    /// Records every request and answers what each operation expects.
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Embedder for Recorder {
        fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
            let text = String::from_utf8_lossy(request).into_owned();
            let answer = if text.contains("\"db.select\"") {
                r#"{"ok":{"columns":["a"],"rows":[[1]]}}"#
            } else if text.contains("\"db.insert\"") {
                r#"{"ok":[7]}"#
            } else if text.contains("\"db.update") || text.contains("\"db.delete\"") {
                r#"{"ok":1}"#
            } else if text.contains("\"db.lock\"")
                || text.contains("\"db.unlock\"")
                || text.contains("\"db.table-exists\"")
            {
                r#"{"ok":true}"#
            } else if text.contains("\"platform.decrypt\"") || text.contains("system-url") {
                r#"{"ok":"x"}"#
            } else {
                r#"{"ok":null}"#
            };
            self.0.lock().expect("log").push(text);
            Ok(answer.as_bytes().to_vec())
        }
    }

    fn condition(column: &str, comparison: Comparison, values: Vec<Value>) -> Condition {
        Condition {
            column: column.into(),
            comparison,
            values,
        }
    }

    /// The exact bytes PHP's CapabilityHandler reads, one line per operation.
    #[test]
    fn every_request_is_written_exactly_as_the_embedder_reads_it() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut backend = EmbedderBackend::new(Box::new(Recorder(log.clone())));
        let conditions = vec![
            condition(
                "id",
                Comparison::InList,
                vec![Value::Int(1), Value::Text("2".into())],
            ),
            condition("note", Comparison::IsNull, vec![]),
            condition("price", Comparison::Ge, vec![Value::Float(1.5)]),
            condition("x", Comparison::Eq, vec![Value::Null]),
        ];
        backend
            .select(SelectStatement {
                table: "tblproducts".into(),
                columns: vec!["id".into(), "name".into()],
                conditions: conditions.clone(),
                order: vec![OrderBy {
                    column: "id".into(),
                    descending: true,
                }],
                limit: Some(5),
                for_update: false,
            })
            .expect("select");
        backend
            .select(SelectStatement {
                table: "t".into(),
                columns: vec![],
                conditions: vec![],
                order: vec![],
                limit: None,
                for_update: true,
            })
            .expect("select");
        backend
            .insert(InsertStatement {
                table: "t".into(),
                columns: vec!["a".into(), "b".into()],
                rows: vec![
                    vec![Value::Int(1), Value::Text("é\"".into())],
                    vec![Value::Null, Value::Float(2.25)],
                ],
            })
            .expect("insert");
        backend
            .update(UpdateStatement {
                table: "t".into(),
                assignments: vec![("a".into(), Value::Int(3)), ("b".into(), Value::Null)],
                conditions: conditions.clone(),
            })
            .expect("update");
        backend
            .update_rows(UpdateRowsStatement {
                table: "t".into(),
                key: "id".into(),
                columns: vec!["a".into()],
                rows: vec![vec![Value::Int(1), Value::Text("x".into())]],
            })
            .expect("update rows");
        backend
            .delete(DeleteStatement {
                table: "t".into(),
                conditions: vec![condition("a", Comparison::NotInList, vec![Value::Int(1)])],
            })
            .expect("delete");
        backend.lock("n".into(), 10).expect("lock");
        backend.unlock("n".into()).expect("unlock");
        backend.begin().expect("begin");
        backend.commit().expect("commit");
        backend.rollback().expect("rollback");
        backend.table_exists("t".into()).expect("exists");
        backend
            .create_table(TableDef {
                name: "mod_x".into(),
                columns: vec![
                    ColumnDef {
                        name: "id".into(),
                        kind: ColumnKind::Id,
                        nullable: false,
                        default: None,
                    },
                    ColumnDef {
                        name: "amount".into(),
                        kind: ColumnKind::Money,
                        nullable: true,
                        default: Some(ColumnDefault::Decimal("1.50".into())),
                    },
                    ColumnDef {
                        name: "n".into(),
                        kind: ColumnKind::BigInteger,
                        nullable: false,
                        default: Some(ColumnDefault::Integer(0)),
                    },
                    ColumnDef {
                        name: "s".into(),
                        kind: ColumnKind::ShortText,
                        nullable: false,
                        default: Some(ColumnDefault::ShortText("x".into())),
                    },
                ],
                indexes: vec![vec!["n".into(), "s".into()]],
            })
            .expect("create");
        backend
            .decrypt(SecretRef {
                table: "tblhosting".into(),
                column: "password".into(),
                id: 4,
            })
            .expect("decrypt");
        backend.module_log(ModuleLogEntry {
            action: "a".into(),
            request: "q".into(),
            response: "r".into(),
            processed: "p".into(),
            mask: vec!["k".into()],
        });
        backend.activity_log("m".into(), Some(3));
        backend.activity_log("n".into(), None);
        backend.system_url();
        backend
            .local_api(
                "SendEmail".into(),
                vec![("id".into(), "1".into()), ("a".into(), "b".into())],
            )
            .expect("local api");
        let expected = [
            r#"{"op":"db.select","args":{"statement":{"columns":["id","name"],"conditions":[{"column":"id","comparison":"in-list","values":[1,"2"]},{"column":"note","comparison":"is-null","values":[]},{"column":"price","comparison":"ge","values":[1.5]},{"column":"x","comparison":"eq","values":[null]}],"for-update":false,"limit":5,"order":[{"column":"id","descending":true}],"table":"tblproducts"}}}"#,
            r#"{"op":"db.select","args":{"statement":{"columns":[],"conditions":[],"for-update":true,"limit":null,"order":[],"table":"t"}}}"#,
            r#"{"op":"db.insert","args":{"statement":{"table":"t","columns":["a","b"],"rows":[[1,"é\""],[null,2.25]]}}}"#,
            r#"{"op":"db.update","args":{"statement":{"assignments":[["a",3],["b",null]],"conditions":[{"column":"id","comparison":"in-list","values":[1,"2"]},{"column":"note","comparison":"is-null","values":[]},{"column":"price","comparison":"ge","values":[1.5]},{"column":"x","comparison":"eq","values":[null]}],"table":"t"}}}"#,
            r#"{"op":"db.update-rows","args":{"statement":{"table":"t","key":"id","columns":["a"],"rows":[[1,"x"]]}}}"#,
            r#"{"op":"db.delete","args":{"statement":{"conditions":[{"column":"a","comparison":"not-in-list","values":[1]}],"table":"t"}}}"#,
            r#"{"op":"db.lock","args":{"name":"n","timeout-ms":10}}"#,
            r#"{"op":"db.unlock","args":{"name":"n"}}"#,
            r#"{"op":"db.begin","args":{}}"#,
            r#"{"op":"db.commit","args":{}}"#,
            r#"{"op":"db.rollback","args":{}}"#,
            r#"{"op":"db.table-exists","args":{"table":"t"}}"#,
            r#"{"op":"db.create-table","args":{"definition":{"columns":[{"default":null,"kind":"id","name":"id","nullable":false},{"default":{"decimal":"1.50"},"kind":"money","name":"amount","nullable":true},{"default":{"integer":0},"kind":"big-integer","name":"n","nullable":false},{"default":{"short-text":"x"},"kind":"short-text","name":"s","nullable":false}],"indexes":[["n","s"]],"name":"mod_x"}}}"#,
            r#"{"op":"platform.decrypt","args":{"secret":{"column":"password","id":4,"table":"tblhosting"}}}"#,
            r#"{"op":"platform.module-log","args":{"entry":{"action":"a","mask":["k"],"processed":"p","request":"q","response":"r"}}}"#,
            r#"{"op":"platform.activity-log","args":{"client-id":3,"message":"m"}}"#,
            r#"{"op":"platform.activity-log","args":{"client-id":null,"message":"n"}}"#,
            r#"{"op":"platform.system-url","args":{}}"#,
            r#"{"op":"platform.local-api","args":{"command":"SendEmail","params":{"a":"b","id":"1"}}}"#,
        ];
        let written = log.lock().expect("log").clone();
        assert_eq!(written.len(), expected.len());
        for (line, want) in written.iter().zip(expected) {
            assert_eq!(line, want);
        }
    }
}
