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
    /// Reads rows.
    fn select(&mut self, statement: SelectStatement) -> Result<Rows, DbError>;
    /// Inserts rows; returns their ids.
    fn insert(&mut self, statement: InsertStatement) -> Result<Vec<i64>, DbError>;
    /// Updates the rows the conditions match; returns how many matched.
    fn update(&mut self, statement: UpdateStatement) -> Result<u64, DbError>;
    /// Updates rows by their key, each with its own values; returns how many matched.
    fn update_rows(&mut self, statement: UpdateRowsStatement) -> Result<u64, DbError>;
    /// Deletes the rows the conditions match; returns how many.
    fn delete(&mut self, statement: DeleteStatement) -> Result<u64, DbError>;
    /// Takes a named lock (see the contract); the name passed the policy.
    fn lock(&mut self, name: String, timeout_ms: u32) -> Result<bool, DbError>;
    /// Releases a named lock; false when this call did not hold it.
    fn unlock(&mut self, name: String) -> Result<bool, DbError>;
    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), DbError>;
    /// Commits the transaction.
    fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls the transaction back.
    fn rollback(&mut self) -> Result<(), DbError>;
    /// Whether the table exists.
    fn table_exists(&mut self, table: String) -> Result<bool, DbError>;
    /// Creates a table of the module.
    fn create_table(&mut self, definition: TableDef) -> Result<(), DbError>;
}

/// Sends requests that passed the policy.
pub trait HttpBackend: Send {
    /// Sends one request, waiting at most `timeout` and reading at most `max_bytes`.
    fn send(
        &mut self,
        request: Request,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<Response, HttpError>;
}

/// WHMCS's own functions, supplied by the embedder.
pub trait PlatformBackend: Send {
    /// Decrypts one granted cell.
    fn decrypt(&mut self, secret: SecretRef) -> Result<String, PlatformError>;
    /// Writes WHMCS's module log (never fails a call).
    fn module_log(&mut self, entry: ModuleLogEntry);
    /// Writes WHMCS's activity log; `client_id` is the client the line is about, if any.
    fn activity_log(&mut self, message: String, client_id: Option<i64>);
    /// WHMCS's own URL.
    fn system_url(&mut self) -> String;
    /// Runs a granted WHMCS localAPI command; answers its JSON.
    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, PlatformError>;
}
