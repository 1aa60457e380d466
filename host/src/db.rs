//! `db` import: the table allow-list and identifier checks first, then a
//! backend (the embedder's database, or the in-memory store of the tests).

use crate::bindings::db::{
    self, Condition, DeleteStatement, Error, InsertStatement, Rows, SelectStatement, TableDef,
    UpdateRowsStatement, UpdateStatement,
};
use crate::policy::{self, PolicyError};
use crate::state::HostState;

/// A store that executes statements that passed the policy.
pub trait DbBackend: Send {
    fn select(&mut self, statement: SelectStatement) -> Result<Rows, Error>;
    fn insert(&mut self, statement: InsertStatement) -> Result<Vec<i64>, Error>;
    fn update(&mut self, statement: UpdateStatement) -> Result<u64, Error>;
    fn update_rows(&mut self, statement: UpdateRowsStatement) -> Result<u64, Error>;
    fn delete(&mut self, statement: DeleteStatement) -> Result<u64, Error>;
    /// Takes a named lock (see the contract); the name passed the policy.
    fn lock(&mut self, name: String, timeout_ms: u32) -> Result<bool, Error>;
    fn unlock(&mut self, name: String) -> Result<bool, Error>;
    fn begin(&mut self) -> Result<(), Error>;
    fn commit(&mut self) -> Result<(), Error>;
    fn rollback(&mut self) -> Result<(), Error>;
    fn table_exists(&mut self, table: String) -> Result<bool, Error>;
    fn create_table(&mut self, definition: TableDef) -> Result<(), Error>;
}

fn refused(error: PolicyError) -> Error {
    match error {
        PolicyError::TableNotAllowed(_) => Error::TableNotAllowed(error.to_string()),
        other => Error::Invalid(other.to_string()),
    }
}

fn check<'a>(table: &str, columns: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
    policy::check_table(table).map_err(refused)?;
    for column in columns {
        policy::check_identifier(column).map_err(refused)?;
    }
    Ok(())
}

fn condition_columns(conditions: &[Condition]) -> impl Iterator<Item = &str> {
    conditions.iter().map(|c| c.column.as_str())
}

fn same_width(rows: &[Vec<db::Value>], width: usize) -> Result<(), Error> {
    match rows.iter().position(|r| r.len() != width) {
        None => Ok(()),
        Some(i) => Err(Error::Invalid(format!(
            "row {i} has the wrong number of values (expected {width})"
        ))),
    }
}

impl db::Host for HostState {
    fn select(&mut self, statement: SelectStatement) -> wasmtime::Result<Result<Rows, Error>> {
        let columns = statement.columns.iter().map(String::as_str);
        let ordered = statement.order.iter().map(|o| o.column.as_str());
        Ok(check(
            &statement.table,
            columns
                .chain(ordered)
                .chain(condition_columns(&statement.conditions)),
        )
        .and_then(|()| self.db.select(statement)))
    }

    fn insert(&mut self, statement: InsertStatement) -> wasmtime::Result<Result<Vec<i64>, Error>> {
        Ok(check(
            &statement.table,
            statement.columns.iter().map(String::as_str),
        )
        .and_then(|()| same_width(&statement.rows, statement.columns.len()))
        .and_then(|()| self.db.insert(statement)))
    }

    fn update(&mut self, statement: UpdateStatement) -> wasmtime::Result<Result<u64, Error>> {
        let assigned = statement.assignments.iter().map(|(c, _)| c.as_str());
        Ok(check(
            &statement.table,
            assigned.chain(condition_columns(&statement.conditions)),
        )
        .and_then(|()| self.db.update(statement)))
    }

    fn update_rows(
        &mut self,
        statement: UpdateRowsStatement,
    ) -> wasmtime::Result<Result<u64, Error>> {
        let columns = statement.columns.iter().map(String::as_str);
        Ok(
            check(&statement.table, columns.chain([statement.key.as_str()]))
                .and_then(|()| same_width(&statement.rows, statement.columns.len() + 1))
                .and_then(|()| self.db.update_rows(statement)),
        )
    }

    fn delete(&mut self, statement: DeleteStatement) -> wasmtime::Result<Result<u64, Error>> {
        if statement.conditions.is_empty() {
            return Ok(Err(Error::Invalid(
                "a delete needs at least one condition".into(),
            )));
        }
        Ok(
            check(&statement.table, condition_columns(&statement.conditions))
                .and_then(|()| self.db.delete(statement)),
        )
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
        Ok(self.db.rollback())
    }

    fn table_exists(&mut self, table: String) -> wasmtime::Result<Result<bool, Error>> {
        Ok(check(&table, []).and_then(|()| self.db.table_exists(table)))
    }

    fn create_table(&mut self, definition: TableDef) -> wasmtime::Result<Result<(), Error>> {
        let checked = policy::check_own_table(&definition.name)
            .map_err(refused)
            .and_then(|()| {
                check(
                    &definition.name,
                    definition.columns.iter().map(|c| c.name.as_str()),
                )
            });
        Ok(checked.and_then(|()| self.db.create_table(definition)))
    }
}
