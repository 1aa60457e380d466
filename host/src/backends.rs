//! What the host hands a request to once it passed the policy: the
//! embedder's database and WHMCS functions, and an HTTP client. The
//! interface files implement the contract on top of these; `state` holds
//! them, so neither depends on the other.

use crate::bindings::db::{
    DeleteStatement, Error as DbError, InsertStatement, Rows, SelectStatement, TableDef,
    UpdateRowsStatement, UpdateStatement,
};
use crate::bindings::http::{Error as HttpError, Request, Response};
use crate::bindings::platform::{Error as PlatformError, ModuleLogEntry, SecretRef};
use std::time::Duration;

/// A store that executes statements that passed the policy.
pub trait DbBackend: Send {
    fn select(&mut self, statement: SelectStatement) -> Result<Rows, DbError>;
    fn insert(&mut self, statement: InsertStatement) -> Result<Vec<i64>, DbError>;
    fn update(&mut self, statement: UpdateStatement) -> Result<u64, DbError>;
    fn update_rows(&mut self, statement: UpdateRowsStatement) -> Result<u64, DbError>;
    fn delete(&mut self, statement: DeleteStatement) -> Result<u64, DbError>;
    /// Takes a named lock (see the contract); the name passed the policy.
    fn lock(&mut self, name: String, timeout_ms: u32) -> Result<bool, DbError>;
    fn unlock(&mut self, name: String) -> Result<bool, DbError>;
    fn begin(&mut self) -> Result<(), DbError>;
    fn commit(&mut self) -> Result<(), DbError>;
    fn rollback(&mut self) -> Result<(), DbError>;
    fn table_exists(&mut self, table: String) -> Result<bool, DbError>;
    fn create_table(&mut self, definition: TableDef) -> Result<(), DbError>;
}

/// Sends requests that passed the policy.
pub trait HttpBackend: Send {
    fn send(
        &mut self,
        request: Request,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<Response, HttpError>;
}

/// WHMCS's own functions, supplied by the embedder.
pub trait PlatformBackend: Send {
    fn decrypt(&mut self, secret: SecretRef) -> Result<String, PlatformError>;
    fn module_log(&mut self, entry: ModuleLogEntry);
    fn activity_log(&mut self, message: String, client_id: i64);
    fn system_url(&mut self) -> String;
    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, PlatformError>;
}
