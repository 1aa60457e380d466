//! `db` import: the grants first (`policy.rs`), then a
//! backend (the embedder's database, or the in-memory store of the tests).

pub use crate::backends::DbBackend;
use crate::bindings::db::{
    self, DeleteStatement, Error, InsertStatement, Rows, SelectStatement, TableDef,
    UpdateRowsStatement, UpdateStatement,
};
use crate::grants::Grants;
use crate::policy::rows::{RowScope, ScopeCache};
use crate::policy::{self, PolicyError};
use crate::state::HostState;

/// Grants refusals are the contract's `table-not-allowed`; malformed shapes `invalid`.
fn refused(error: PolicyError) -> Error {
    if error.is_malformed() {
        Error::Invalid(error.to_string())
    } else {
        Error::TableNotAllowed(error.to_string())
    }
}

/// The grants check of one request.
fn allowed(check: impl FnOnce(&Grants) -> Result<(), PolicyError>) -> Result<(), Error> {
    policy::grants().and_then(check).map_err(refused)
}

fn same_width(rows: &[Vec<db::Value>], width: usize) -> Result<(), Error> {
    match rows.iter().position(|r| r.len() != width) {
        None => Ok(()),
        Some(i) => Err(Error::Invalid(format!(
            "row {i} has the wrong number of values (expected {width})"
        ))),
    }
}

/// The row filter of the grants, reading its scopes from `db` (once a call,
/// through `cache`).
fn rows<T>(
    db: &mut dyn DbBackend,
    cache: &mut ScopeCache,
    apply: impl FnOnce(&mut RowScope<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let grants = policy::grants().map_err(refused)?;
    apply(&mut RowScope::new(grants, db, cache))
}

/// A write to `table` (of `columns`; none: rows added or removed): the
/// scopes it may have changed are read again next time.
fn wrote(cache: &mut ScopeCache, table: &str, columns: Option<&[String]>) {
    if let Ok(grants) = policy::grants() {
        cache.changed(grants, table, columns);
    }
}

impl db::Host for HostState {
    fn select(&mut self, mut statement: SelectStatement) -> wasmtime::Result<Result<Rows, Error>> {
        Ok(allowed(|g| g.check_select(&statement))
            .and_then(|()| {
                rows(self.db.as_mut(), &mut self.scopes, |r| {
                    r.select(&mut statement)
                })
            })
            .and_then(|()| self.db.select(statement)))
    }

    fn insert(&mut self, statement: InsertStatement) -> wasmtime::Result<Result<Vec<i64>, Error>> {
        Ok(allowed(|g| g.check_insert(&statement))
            .and_then(|()| same_width(&statement.rows, statement.columns.len()))
            .and_then(|()| rows(self.db.as_mut(), &mut self.scopes, |r| r.insert(&statement)))
            .and_then(|()| {
                let table = statement.table.clone();
                let written = self.db.insert(statement);
                wrote(&mut self.scopes, &table, None);
                written
            }))
    }

    fn update(&mut self, mut statement: UpdateStatement) -> wasmtime::Result<Result<u64, Error>> {
        Ok(allowed(|g| g.check_update(&statement))
            .and_then(|()| {
                rows(self.db.as_mut(), &mut self.scopes, |r| {
                    r.update(&mut statement)
                })
            })
            .and_then(|()| {
                let table = statement.table.clone();
                let columns: Vec<String> = statement
                    .assignments
                    .iter()
                    .map(|(c, _)| c.clone())
                    .collect();
                let written = self.db.update(statement);
                wrote(&mut self.scopes, &table, Some(&columns));
                written
            }))
    }

    fn update_rows(
        &mut self,
        mut statement: UpdateRowsStatement,
    ) -> wasmtime::Result<Result<u64, Error>> {
        Ok(allowed(|g| g.check_update_rows(&statement))
            .and_then(|()| same_width(&statement.rows, statement.columns.len() + 1))
            .and_then(|()| {
                rows(self.db.as_mut(), &mut self.scopes, |r| {
                    r.update_rows(&mut statement)
                })
            })
            .and_then(|()| {
                // Every row was another module's: nothing of the module's to change.
                if statement.rows.is_empty() {
                    Ok(0)
                } else {
                    let table = statement.table.clone();
                    let columns = statement.columns.clone();
                    let written = self.db.update_rows(statement);
                    wrote(&mut self.scopes, &table, Some(&columns));
                    written
                }
            }))
    }

    fn delete(&mut self, mut statement: DeleteStatement) -> wasmtime::Result<Result<u64, Error>> {
        Ok(allowed(|g| g.check_delete(&statement))
            .and_then(|()| {
                rows(self.db.as_mut(), &mut self.scopes, |r| {
                    r.delete(&mut statement)
                })
            })
            .and_then(|()| {
                let table = statement.table.clone();
                let written = self.db.delete(statement);
                wrote(&mut self.scopes, &table, None);
                written
            }))
    }

    fn lock(&mut self, name: String, timeout_ms: u32) -> wasmtime::Result<Result<bool, Error>> {
        if let Err(refusal) = policy::check_lock_name(&name) {
            return Ok(Err(refused(refusal)));
        }
        // MariaDB's GET_LOCK nests within a session; the contract's locks do not.
        if self.locks.contains(&name) {
            return Ok(Ok(false));
        }
        let taken = self.db.lock(name.clone(), timeout_ms);
        if matches!(taken, Ok(true)) {
            self.locks.push(name);
        }
        Ok(taken)
    }

    fn unlock(&mut self, name: String) -> wasmtime::Result<Result<bool, Error>> {
        if let Err(refusal) = policy::check_lock_name(&name) {
            return Ok(Err(refused(refusal)));
        }
        self.locks.retain(|held| held != &name);
        Ok(self.db.unlock(name))
    }

    fn begin(&mut self) -> wasmtime::Result<Result<(), Error>> {
        Ok(self.db.begin())
    }

    fn commit(&mut self) -> wasmtime::Result<Result<(), Error>> {
        Ok(self.db.commit())
    }

    fn rollback(&mut self) -> wasmtime::Result<Result<(), Error>> {
        self.scopes.clear();
        Ok(self.db.rollback())
    }

    fn table_exists(&mut self, table: String) -> wasmtime::Result<Result<bool, Error>> {
        Ok(allowed(|g| g.check_table_exists(&table)).and_then(|()| self.db.table_exists(table)))
    }

    fn create_table(&mut self, definition: TableDef) -> wasmtime::Result<Result<(), Error>> {
        Ok(
            allowed(|g| g.check_create(&definition))
                .and_then(|()| self.db.create_table(definition)),
        )
    }
}
