//! The WIT imports as implementations of the capability traits.

use super::hostkey::reseller::{db as wdb, http as whttp, platform as wplatform};
use crate::capabilities::db::{
    ColumnDefault, ColumnKind, Comparison, Condition, DbError, Delete, Insert, Rows, Select,
    TableDef, Update, UpdateRows, Value,
};
use crate::capabilities::http::{HttpError, Method, Request, Response};
use crate::capabilities::platform::{ModuleLogEntry, PlatformError, SecretRef};
use crate::capabilities::{Db, Http, Platform};

pub struct WitDb;
pub struct WitHttp;
pub struct WitPlatform;

fn to_wit_value(v: &Value) -> wdb::Value {
    match v {
        Value::Null => wdb::Value::Null,
        Value::Int(i) => wdb::Value::Int(*i),
        Value::Float(f) => wdb::Value::Float(*f),
        Value::Text(s) => wdb::Value::Text(s.clone()),
    }
}

fn to_wit_default(d: &ColumnDefault) -> wdb::ColumnDefault {
    match d {
        ColumnDefault::Integer(i) => wdb::ColumnDefault::Integer(*i),
        ColumnDefault::Decimal(s) => wdb::ColumnDefault::Decimal(s.clone()),
        ColumnDefault::ShortText(s) => wdb::ColumnDefault::ShortText(s.clone()),
    }
}

fn from_wit_value(v: wdb::Value) -> Value {
    match v {
        wdb::Value::Null => Value::Null,
        wdb::Value::Int(i) => Value::Int(i),
        wdb::Value::Float(f) => Value::Float(f),
        wdb::Value::Text(s) => Value::Text(s),
    }
}

fn into_wit_value(v: Value) -> wdb::Value {
    match v {
        Value::Null => wdb::Value::Null,
        Value::Int(i) => wdb::Value::Int(i),
        Value::Float(f) => wdb::Value::Float(f),
        Value::Text(s) => wdb::Value::Text(s),
    }
}

fn values(row: &[Value]) -> Vec<wdb::Value> {
    row.iter().map(to_wit_value).collect()
}

fn rows(rows: &[Vec<Value>]) -> Vec<Vec<wdb::Value>> {
    rows.iter().map(|r| values(r)).collect()
}

fn comparison(c: Comparison) -> wdb::Comparison {
    match c {
        Comparison::Eq => wdb::Comparison::Eq,
        Comparison::Ne => wdb::Comparison::Ne,
        Comparison::Lt => wdb::Comparison::Lt,
        Comparison::Le => wdb::Comparison::Le,
        Comparison::Gt => wdb::Comparison::Gt,
        Comparison::Ge => wdb::Comparison::Ge,
        Comparison::Like => wdb::Comparison::Like,
        Comparison::InList => wdb::Comparison::InList,
        Comparison::NotInList => wdb::Comparison::NotInList,
        Comparison::IsNull => wdb::Comparison::IsNull,
        Comparison::NotNull => wdb::Comparison::NotNull,
    }
}

fn conditions(list: &[Condition]) -> Vec<wdb::Condition> {
    list.iter()
        .map(|c| wdb::Condition {
            column: c.column.clone(),
            comparison: comparison(c.comparison),
            values: values(&c.values),
        })
        .collect()
}

fn db_error(e: wdb::Error) -> DbError {
    match e {
        wdb::Error::TableNotAllowed(m) => DbError::TableNotAllowed(m),
        wdb::Error::Invalid(m) => DbError::Invalid(m),
        wdb::Error::Constraint(m) => DbError::Constraint(m),
        wdb::Error::Other(m) => DbError::Other(m),
    }
}

fn kind(k: ColumnKind) -> wdb::ColumnKind {
    match k {
        ColumnKind::Id => wdb::ColumnKind::Id,
        ColumnKind::Integer => wdb::ColumnKind::Integer,
        ColumnKind::BigInteger => wdb::ColumnKind::BigInteger,
        ColumnKind::Money => wdb::ColumnKind::Money,
        ColumnKind::ShortText => wdb::ColumnKind::ShortText,
        ColumnKind::Text => wdb::ColumnKind::Text,
        ColumnKind::DateTime => wdb::ColumnKind::DateTime,
    }
}

impl Db for WitDb {
    fn select(&mut self, s: &Select) -> Result<Rows, DbError> {
        let statement = wdb::SelectStatement {
            table: s.table.clone(),
            columns: s.columns.clone(),
            conditions: conditions(&s.conditions),
            order: s
                .order
                .iter()
                .map(|o| wdb::OrderBy {
                    column: o.column.clone(),
                    descending: o.descending,
                })
                .collect(),
            limit: s.limit,
            for_update: s.for_update,
        };
        let answer = wdb::select(&statement).map_err(db_error)?;
        Ok(Rows {
            columns: answer.columns,
            rows: answer
                .rows
                .into_iter()
                .map(|r| r.into_iter().map(from_wit_value).collect())
                .collect(),
        })
    }

    fn insert(&mut self, s: &Insert) -> Result<Vec<i64>, DbError> {
        let statement = wdb::InsertStatement {
            table: s.table.clone(),
            columns: s.columns.clone(),
            rows: rows(&s.rows),
        };
        wdb::insert(&statement).map_err(db_error)
    }

    fn insert_owned(&mut self, s: Insert) -> Result<Vec<i64>, DbError> {
        let statement = wdb::InsertStatement {
            table: s.table,
            columns: s.columns,
            rows: s
                .rows
                .into_iter()
                .map(|r| r.into_iter().map(into_wit_value).collect())
                .collect(),
        };
        wdb::insert(&statement).map_err(db_error)
    }

    fn update(&mut self, s: &Update) -> Result<u64, DbError> {
        let statement = wdb::UpdateStatement {
            table: s.table.clone(),
            assignments: s
                .assignments
                .iter()
                .map(|(c, v)| (c.clone(), to_wit_value(v)))
                .collect(),
            conditions: conditions(&s.conditions),
        };
        wdb::update(&statement).map_err(db_error)
    }

    fn update_rows(&mut self, s: &UpdateRows) -> Result<u64, DbError> {
        let statement = wdb::UpdateRowsStatement {
            table: s.table.clone(),
            key: s.key.clone(),
            columns: s.columns.clone(),
            rows: rows(&s.rows),
        };
        wdb::update_rows(&statement).map_err(db_error)
    }

    fn delete(&mut self, s: &Delete) -> Result<u64, DbError> {
        let statement = wdb::DeleteStatement {
            table: s.table.clone(),
            conditions: conditions(&s.conditions),
        };
        wdb::delete(&statement).map_err(db_error)
    }

    fn lock(&mut self, name: &str, timeout_ms: u32) -> Result<bool, DbError> {
        wdb::lock(name, timeout_ms).map_err(db_error)
    }

    fn unlock(&mut self, name: &str) -> Result<bool, DbError> {
        wdb::unlock(name).map_err(db_error)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        wdb::begin().map_err(db_error)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        wdb::commit().map_err(db_error)
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        wdb::rollback().map_err(db_error)
    }

    fn table_exists(&mut self, table: &str) -> Result<bool, DbError> {
        wdb::table_exists(table).map_err(db_error)
    }

    fn create_table(&mut self, d: &TableDef) -> Result<(), DbError> {
        let definition = wdb::TableDef {
            name: d.name.clone(),
            columns: d
                .columns
                .iter()
                .map(|c| wdb::ColumnDef {
                    name: c.name.clone(),
                    kind: kind(c.kind),
                    nullable: c.nullable,
                    default: c.default.as_ref().map(to_wit_default),
                })
                .collect(),
            indexes: d.indexes.clone(),
        };
        wdb::create_table(&definition).map_err(db_error)
    }
}

impl Http for WitHttp {
    fn send(&mut self, request: Request) -> Result<Response, HttpError> {
        let wit_request = whttp::Request {
            method: match request.method {
                Method::Get => whttp::Method::Get,
                Method::Post => whttp::Method::Post,
            },
            url: request.url,
            headers: request.headers,
            body: request.body,
            timeout_ms: request.timeout_ms,
        };
        match whttp::send(&wit_request) {
            Ok(r) => Ok(Response {
                status: r.status,
                body: r.body,
            }),
            Err(whttp::Error::HostNotAllowed(h)) => Err(HttpError::HostNotAllowed(h)),
            Err(whttp::Error::InvalidUrl(u)) => Err(HttpError::InvalidUrl(u)),
            Err(whttp::Error::Timeout) => Err(HttpError::Timeout),
            Err(whttp::Error::Transport(t)) => Err(HttpError::Transport(t)),
            Err(whttp::Error::TooLarge) => Err(HttpError::TooLarge),
            Err(whttp::Error::Other(o)) => Err(HttpError::Other(o)),
        }
    }
}

fn platform_error(e: wplatform::Error) -> PlatformError {
    match e {
        wplatform::Error::Failed(m) | wplatform::Error::Other(m) => PlatformError(m),
    }
}

impl Platform for WitPlatform {
    fn decrypt(&mut self, secret: &SecretRef) -> Result<String, PlatformError> {
        let secret = wplatform::SecretRef {
            table: secret.table.clone(),
            column: secret.column.clone(),
            id: secret.id,
        };
        wplatform::decrypt(&secret).map_err(platform_error)
    }

    fn module_log(&mut self, e: ModuleLogEntry) {
        wplatform::module_log(&wplatform::ModuleLogEntry {
            action: e.action,
            request: e.request,
            response: e.response,
            processed: e.processed,
            mask: e.mask,
        });
    }

    fn activity_log(&mut self, message: &str, client_id: Option<i64>) {
        wplatform::activity_log(message, client_id);
    }

    fn system_url(&mut self) -> String {
        wplatform::system_url()
    }

    fn local_api(
        &mut self,
        command: &str,
        params: &[(String, String)],
    ) -> Result<String, PlatformError> {
        wplatform::local_api(command, params).map_err(platform_error)
    }
}
