use crate::bindings::db::{
    ColumnKind, Comparison, Condition, DeleteStatement, Error, InsertStatement, Rows,
    SelectStatement, TableDef, UpdateRowsStatement, UpdateStatement, Value,
};
use crate::db::DbBackend;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// One table: its columns, its rows, the next id an insert gets.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, in insertion order.
    pub rows: Vec<Vec<Value>>,
    /// The next id.
    pub next_id: i64,
}

#[derive(Debug, Clone, Default)]
struct Store {
    tables: BTreeMap<String, Table>,
    snapshot: Option<BTreeMap<String, Table>>,
    statements: u64,
    /// Named locks held; every clone (a "session") sees them.
    locks: BTreeSet<String>,
}

/// A small relational store: enough of SQL's semantics for the component's
/// statements. Clones share the same data, so a test keeps one to inspect.
#[derive(Clone, Default)]
pub struct MemoryDb {
    store: Arc<Mutex<Store>>,
}

impl MemoryDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a WHMCS table; an `id` column, if listed, is auto-increment.
    pub fn with_table(self, name: &str, columns: &[&str]) -> Self {
        self.store().tables.insert(
            name.to_string(),
            Table {
                columns: columns.iter().map(|c| c.to_string()).collect(),
                rows: Vec::new(),
                next_id: 1,
            },
        );
        self
    }

    /// A copy of the table, if it exists.
    pub fn table(&self, name: &str) -> Option<Table> {
        self.store().tables.get(name).cloned()
    }

    /// The tables, by name.
    pub fn table_names(&self) -> Vec<String> {
        self.store().tables.keys().cloned().collect()
    }

    /// Statements executed so far (transactions included).
    /// Whether a named lock is held (by any clone).
    pub fn is_locked(&self, name: &str) -> bool {
        self.store().locks.contains(name)
    }

    /// Takes a named lock as another session would (a test's rival import).
    pub fn hold_lock(&self, name: &str) {
        self.store().locks.insert(name.to_string());
    }

    /// How many statements ran.
    pub fn statements(&self) -> u64 {
        self.store().statements
    }
}

fn column_index(table: &Table, name: &str) -> Result<usize, Error> {
    table
        .columns
        .iter()
        .position(|c| c == name)
        .ok_or_else(|| Error::Invalid(format!("unknown column `{name}`")))
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Text(s) => s.trim().parse().ok(),
        Value::Null => None,
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        _ => as_number(a)?.partial_cmp(&as_number(b)?),
    }
}

fn like(value: &Value, pattern: &Value) -> bool {
    let (Value::Text(v), Value::Text(p)) = (value, pattern) else {
        return false;
    };
    fn matches(v: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('%', rest)) => (0..=v.len()).any(|i| matches(&v[i..], rest)),
            Some(('_', rest)) => !v.is_empty() && matches(&v[1..], rest),
            Some((c, rest)) => {
                v.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && matches(&v[1..], rest)
            }
        }
    }
    let v: Vec<char> = v.chars().collect();
    let p: Vec<char> = p.chars().collect();
    matches(&v, &p)
}

fn holds(table: &Table, row: &[Value], conditions: &[Condition]) -> Result<bool, Error> {
    for c in conditions {
        let value = &row[column_index(table, &c.column)?];
        let first = c.values.first();
        // Comparing with NULL is refused, as in the contract: is-null says it.
        let operand = || match first {
            None => Err(Error::Invalid(format!(
                "condition on `{}` needs a value",
                c.column
            ))),
            Some(Value::Null) => Err(Error::Invalid(format!(
                "condition on `{}` compares with null: use is-null or not-null",
                c.column
            ))),
            Some(v) => Ok(v),
        };
        let ok = match c.comparison {
            Comparison::Eq => compare(value, operand()?) == Some(Ordering::Equal),
            Comparison::Ne => matches!(compare(value, operand()?), Some(o) if o != Ordering::Equal),
            Comparison::Lt => compare(value, operand()?) == Some(Ordering::Less),
            Comparison::Le => matches!(
                compare(value, operand()?),
                Some(Ordering::Less | Ordering::Equal)
            ),
            Comparison::Gt => compare(value, operand()?) == Some(Ordering::Greater),
            Comparison::Ge => matches!(
                compare(value, operand()?),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Comparison::Like => like(value, operand()?),
            Comparison::InList => c
                .values
                .iter()
                .any(|v| compare(value, v) == Some(Ordering::Equal)),
            // An empty list excludes nothing; otherwise NULL matches no comparison.
            Comparison::NotInList => {
                c.values.is_empty()
                    || (!matches!(value, Value::Null)
                        && !c
                            .values
                            .iter()
                            .any(|v| compare(value, v) == Some(Ordering::Equal)))
            }
            Comparison::IsNull => matches!(value, Value::Null),
            Comparison::NotNull => !matches!(value, Value::Null),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Store {
    fn table(&mut self, name: &str) -> Result<&mut Table, Error> {
        self.statements += 1;
        self.tables
            .get_mut(name)
            .ok_or_else(|| Error::Other(format!("table `{name}` does not exist")))
    }
}

impl DbBackend for MemoryDb {
    fn select(&mut self, s: SelectStatement) -> Result<Rows, Error> {
        let mut store = self.store();
        let table = store.table(&s.table)?;
        let columns = if s.columns.is_empty() {
            table.columns.clone()
        } else {
            s.columns.clone()
        };
        let picks = columns
            .iter()
            .map(|c| column_index(table, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut matched = Vec::new();
        for row in &table.rows {
            if holds(table, row, &s.conditions)? {
                matched.push(row.clone());
            }
        }
        for order in s.order.iter().rev() {
            let i = column_index(table, &order.column)?;
            matched.sort_by(|a, b| {
                // NULL first ascending (MariaDB's order), last descending.
                let o = match (&a[i], &b[i]) {
                    (Value::Null, Value::Null) => Ordering::Equal,
                    (Value::Null, _) => Ordering::Less,
                    (_, Value::Null) => Ordering::Greater,
                    (x, y) => compare(x, y).unwrap_or(Ordering::Equal),
                };
                if order.descending { o.reverse() } else { o }
            });
        }
        if let Some(limit) = s.limit {
            matched.truncate(limit as usize);
        }
        let rows = matched
            .into_iter()
            .map(|r| picks.iter().map(|&i| r[i].clone()).collect())
            .collect();
        Ok(Rows { columns, rows })
    }

    fn insert(&mut self, s: InsertStatement) -> Result<Vec<i64>, Error> {
        let mut store = self.store();
        let table = store.table(&s.table)?;
        let picks = s
            .columns
            .iter()
            .map(|c| column_index(table, c))
            .collect::<Result<Vec<_>, _>>()?;
        let id_column = table.columns.iter().position(|c| c == "id");
        let mut ids = Vec::with_capacity(s.rows.len());
        for values in s.rows {
            let mut row = vec![Value::Null; table.columns.len()];
            for (&i, v) in picks.iter().zip(values) {
                row[i] = v;
            }
            let id = match id_column {
                Some(i) => match row[i] {
                    Value::Int(given) => given,
                    _ => {
                        row[i] = Value::Int(table.next_id);
                        table.next_id
                    }
                },
                None => 0,
            };
            table.next_id = table.next_id.max(id + 1);
            table.rows.push(row);
            ids.push(id);
        }
        Ok(ids)
    }

    fn update(&mut self, s: UpdateStatement) -> Result<u64, Error> {
        let mut store = self.store();
        let table = store.table(&s.table)?;
        let sets = s
            .assignments
            .iter()
            .map(|(c, v)| Ok((column_index(table, c)?, v.clone())))
            .collect::<Result<Vec<_>, Error>>()?;
        let mut matched = 0;
        for r in 0..table.rows.len() {
            if holds(table, &table.rows[r], &s.conditions)? {
                matched += 1;
                for (i, v) in &sets {
                    table.rows[r][*i] = v.clone();
                }
            }
        }
        Ok(matched)
    }

    fn update_rows(&mut self, s: UpdateRowsStatement) -> Result<u64, Error> {
        let mut store = self.store();
        let table = store.table(&s.table)?;
        let key = column_index(table, &s.key)?;
        let picks = s
            .columns
            .iter()
            .map(|c| column_index(table, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut matched = 0;
        for update in &s.rows {
            let Some((key_value, values)) = update.split_first() else {
                continue;
            };
            for row in table.rows.iter_mut() {
                if compare(&row[key], key_value) == Some(Ordering::Equal) {
                    matched += 1;
                    for (&i, v) in picks.iter().zip(values) {
                        row[i] = v.clone();
                    }
                }
            }
        }
        Ok(matched)
    }

    fn delete(&mut self, s: DeleteStatement) -> Result<u64, Error> {
        let mut store = self.store();
        let table = store.table(&s.table)?;
        let before = table.rows.len();
        let mut kept = Vec::with_capacity(before);
        for row in std::mem::take(&mut table.rows) {
            if !holds(table, &row, &s.conditions)? {
                kept.push(row);
            }
        }
        table.rows = kept;
        Ok((before - table.rows.len()) as u64)
    }

    /// Never waits: a held lock is reported at once (the tests run one call at a time).
    fn lock(&mut self, name: String, _timeout_ms: u32) -> Result<bool, Error> {
        Ok(self.store().locks.insert(name))
    }

    fn unlock(&mut self, name: String) -> Result<bool, Error> {
        Ok(self.store().locks.remove(&name))
    }

    fn begin(&mut self) -> Result<(), Error> {
        let mut store = self.store();
        if store.snapshot.is_some() {
            return Err(Error::Invalid("a transaction is already open".into()));
        }
        store.statements += 1;
        store.snapshot = Some(store.tables.clone());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), Error> {
        let mut store = self.store();
        store.statements += 1;
        store
            .snapshot
            .take()
            .map(|_| ())
            .ok_or_else(|| Error::Invalid("no transaction is open".into()))
    }

    fn rollback(&mut self) -> Result<(), Error> {
        let mut store = self.store();
        store.statements += 1;
        let snapshot = store
            .snapshot
            .take()
            .ok_or_else(|| Error::Invalid("no transaction is open".into()))?;
        store.tables = snapshot;
        Ok(())
    }

    fn table_exists(&mut self, table: String) -> Result<bool, Error> {
        let mut store = self.store();
        store.statements += 1;
        Ok(store.tables.contains_key(&table))
    }

    fn create_table(&mut self, d: TableDef) -> Result<(), Error> {
        let mut store = self.store();
        store.statements += 1;
        if store.tables.contains_key(&d.name) {
            return Err(Error::Constraint(format!(
                "table `{}` already exists",
                d.name
            )));
        }
        let has_id = d.columns.iter().any(|c| c.kind == ColumnKind::Id);
        store.tables.insert(
            d.name,
            Table {
                columns: d.columns.into_iter().map(|c| c.name).collect(),
                rows: Vec::new(),
                next_id: i64::from(has_id),
            },
        );
        Ok(())
    }
}
