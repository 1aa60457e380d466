//! `db` and `platform` answered by the embedder (PHP) through one JSON
//! message protocol; the transport (FFI callback or JSON lines) is an `Embedder`.

use crate::bindings::db::{
    self, Condition, DeleteStatement, InsertStatement, Rows, SelectStatement, TableDef,
    UpdateRowsStatement, UpdateStatement,
};
use crate::bindings::platform::{self, ModuleLogEntry, SecretRef};
use crate::db::DbBackend;
use crate::platform::PlatformBackend;
use serde::Serialize;
use serde_json::{Value as Json, json};
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

pub fn value_to_json(value: &db::Value) -> Json {
    match value {
        db::Value::Null => Json::Null,
        db::Value::Int(i) => json!(i),
        db::Value::Float(f) => json!(f),
        db::Value::Text(s) => json!(s),
    }
}

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

#[derive(Serialize)]
struct Request<'a, A> {
    op: &'a str,
    args: A,
}

/// A database value as a plain JSON scalar, written without building a tree
/// (an import sends hundreds of thousands of them).
struct Cell<'a>(&'a db::Value);

impl Serialize for Cell<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            db::Value::Null => out.serialize_unit(),
            db::Value::Int(i) => out.serialize_i64(*i),
            db::Value::Float(f) => out.serialize_f64(*f),
            db::Value::Text(t) => out.serialize_str(t),
        }
    }
}

struct Table<'a>(&'a [Vec<db::Value>]);

impl Serialize for Table<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.0.iter().map(|row| RowCells(row)))
    }
}

struct RowCells<'a>(&'a [db::Value]);

impl Serialize for RowCells<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.0.iter().map(Cell))
    }
}

#[derive(Serialize)]
struct RowsStatement<'a> {
    table: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    columns: &'a [String],
    rows: Table<'a>,
}

#[derive(Serialize)]
struct StatementArgs<S> {
    statement: S,
}

fn values(row: &[db::Value]) -> Json {
    Json::Array(row.iter().map(value_to_json).collect())
}

fn comparison(c: db::Comparison) -> &'static str {
    use db::Comparison as C;
    match c {
        C::Eq => "eq",
        C::Ne => "ne",
        C::Lt => "lt",
        C::Le => "le",
        C::Gt => "gt",
        C::Ge => "ge",
        C::Like => "like",
        C::InList => "in-list",
        C::NotInList => "not-in-list",
        C::IsNull => "is-null",
        C::NotNull => "not-null",
    }
}

fn conditions(list: &[Condition]) -> Json {
    list.iter()
        .map(|c| json!({"column": c.column, "comparison": comparison(c.comparison), "values": values(&c.values)}))
        .collect()
}

fn column_kind(kind: db::ColumnKind) -> &'static str {
    use db::ColumnKind as K;
    match kind {
        K::Id => "id",
        K::Integer => "integer",
        K::BigInteger => "big-integer",
        K::Money => "money",
        K::ShortText => "short-text",
        K::Text => "text",
        K::DateTime => "date-time",
    }
}

/// `{"integer": 0}`, `{"decimal": "1.50"}` or `{"short-text": "x"}`, as the
/// protocol writes a variant with a payload.
fn column_default(default: &db::ColumnDefault) -> Json {
    match default {
        db::ColumnDefault::Integer(i) => json!({ "integer": i }),
        db::ColumnDefault::Decimal(d) => json!({ "decimal": d }),
        db::ColumnDefault::ShortText(t) => json!({ "short-text": t }),
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
        let order: Json = s
            .order
            .iter()
            .map(|o| json!({"column": o.column, "descending": o.descending}))
            .collect();
        let answer = self
            .ask(
                "db.select",
                json!({"statement": {"table": s.table, "columns": s.columns, "conditions": conditions(&s.conditions),
                "order": order, "limit": s.limit, "for-update": s.for_update}}),
            )
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
        let statement = RowsStatement {
            table: &s.table,
            key: None,
            columns: &s.columns,
            rows: Table(&s.rows),
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
        let assignments: Json = s
            .assignments
            .iter()
            .map(|(column, value)| json!([column, value_to_json(value)]))
            .collect();
        let answer = self.ask(
            "db.update",
            json!({"statement": {"table": s.table, "assignments": assignments, "conditions": conditions(&s.conditions)}}),
        );
        count(&answer.map_err(db_error)?)
    }

    fn update_rows(&mut self, s: UpdateRowsStatement) -> Result<u64, db::Error> {
        let statement = RowsStatement {
            table: &s.table,
            key: Some(&s.key),
            columns: &s.columns,
            rows: Table(&s.rows),
        };
        let answer = self.ask("db.update-rows", StatementArgs { statement });
        count(&answer.map_err(db_error)?)
    }

    fn delete(&mut self, s: DeleteStatement) -> Result<u64, db::Error> {
        let answer = self.ask(
            "db.delete",
            json!({"statement": {"table": s.table, "conditions": conditions(&s.conditions)}}),
        );
        count(&answer.map_err(db_error)?)
    }

    fn lock(&mut self, name: String, timeout_ms: u32) -> Result<bool, db::Error> {
        let answer = self
            .ask("db.lock", json!({"name": name, "timeout-ms": timeout_ms}))
            .map_err(db_error)?;
        answer
            .as_bool()
            .ok_or_else(|| db::Error::Other("the embedder answered lock without a boolean".into()))
    }

    fn unlock(&mut self, name: String) -> Result<bool, db::Error> {
        let answer = self
            .ask("db.unlock", json!({"name": name}))
            .map_err(db_error)?;
        answer.as_bool().ok_or_else(|| {
            db::Error::Other("the embedder answered unlock without a boolean".into())
        })
    }

    fn begin(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.begin", json!({})))
    }

    fn commit(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.commit", json!({})))
    }

    fn rollback(&mut self) -> Result<(), db::Error> {
        unit(self.ask("db.rollback", json!({})))
    }

    fn table_exists(&mut self, table: String) -> Result<bool, db::Error> {
        let answer = self
            .ask("db.table-exists", json!({"table": table}))
            .map_err(db_error)?;
        answer.as_bool().ok_or_else(|| {
            db::Error::Other("the embedder answered table-exists without a boolean".into())
        })
    }

    fn create_table(&mut self, d: TableDef) -> Result<(), db::Error> {
        let columns: Json = d
            .columns
            .iter()
            .map(|c| {
                json!({"name": c.name, "kind": column_kind(c.kind), "nullable": c.nullable,
                       "default": c.default.as_ref().map(column_default)})
            })
            .collect();
        unit(self.ask(
            "db.create-table",
            json!({"definition": {"name": d.name, "columns": columns, "indexes": d.indexes}}),
        ))
    }
}

impl PlatformBackend for EmbedderBackend {
    fn decrypt(&mut self, s: SecretRef) -> Result<String, platform::Error> {
        let secret = json!({"table": s.table, "column": s.column, "id": s.id});
        let answer = self
            .ask("platform.decrypt", json!({ "secret": secret }))
            .map_err(platform_error)?;
        answer
            .as_str()
            .map(String::from)
            .ok_or_else(|| platform::Error::Other("decrypt answered no text".into()))
    }

    fn module_log(&mut self, e: ModuleLogEntry) {
        // Logging must never fail a business call; a broken log is visible in WHMCS.
        let _ = self.ask(
            "platform.module-log",
            json!({"entry": {"action": e.action, "request": e.request, "response": e.response,
                             "processed": e.processed, "mask": e.mask}}),
        );
    }

    fn activity_log(&mut self, message: String, client_id: i64) {
        let _ = self.ask(
            "platform.activity-log",
            json!({"message": message, "client-id": client_id}),
        );
    }

    fn system_url(&mut self) -> String {
        self.ask("platform.system-url", json!({}))
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, platform::Error> {
        let params: serde_json::Map<String, Json> = params
            .into_iter()
            .map(|(k, v)| (k, Json::String(v)))
            .collect();
        let answer = self
            .ask(
                "platform.local-api",
                json!({"command": command, "params": params}),
            )
            .map_err(platform_error)?;
        Ok(answer.to_string())
    }
}
