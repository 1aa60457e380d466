use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnKind, Comparison, Condition, DbError, Delete, Insert, Rows, Select, TableDef, Update,
    UpdateRows, Value,
};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
    next_id: i64,
}

/// Tables as vectors of rows; enough SQL semantics for the rules' statements.
#[derive(Debug, Default)]
pub struct MemoryDb {
    tables: BTreeMap<String, Table>,
    snapshot: Option<BTreeMap<String, Table>>,
    failing_inserts: Vec<String>,
    /// Named locks held, by this test's call or (see `hold_lock`) a rival.
    locks: std::collections::BTreeSet<String>,
    /// SELECTs run, by table: what a rule costs in statements.
    selects: BTreeMap<String, usize>,
}

/// Numbers compare as numbers, text as text; NULL compares with nothing.
fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Text(t) => t.trim().parse::<f64>().ok(),
        Value::Null => None,
    };
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

fn like(value: &Value, pattern: &str) -> bool {
    fn go(v: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('%', rest)) => (0..=v.len()).any(|i| go(&v[i..], rest)),
            Some(('_', rest)) => !v.is_empty() && go(&v[1..], rest),
            Some((c, rest)) => {
                v.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && go(&v[1..], rest)
            }
        }
    }
    if matches!(value, Value::Null) {
        return false;
    }
    let v: Vec<char> = value.as_text().chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&v, &p)
}

/// The contract's meaning (tests/db-conformance/cases.json): a NULL column
/// matches no comparison; comparing with null is refused.
fn matches(value: &Value, c: &Condition) -> Result<bool, DbError> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let operand = || match c.values.first() {
        None => Err(DbError::Invalid(format!(
            "condition on `{}` needs a value",
            c.column
        ))),
        Some(Value::Null) => Err(DbError::Invalid(format!(
            "condition on `{}` compares with null: use is-null or not-null",
            c.column
        ))),
        Some(v) => Ok(v),
    };
    let equal = |v: &Value| compare(value, v) == Some(Equal);
    Ok(match c.comparison {
        Comparison::Eq => compare(value, operand()?) == Some(Equal),
        Comparison::Ne => matches!(compare(value, operand()?), Some(Less | Greater)),
        Comparison::Lt => compare(value, operand()?) == Some(Less),
        Comparison::Le => matches!(compare(value, operand()?), Some(Less | Equal)),
        Comparison::Gt => compare(value, operand()?) == Some(Greater),
        Comparison::Ge => matches!(compare(value, operand()?), Some(Greater | Equal)),
        Comparison::Like => like(value, &operand()?.as_text()),
        Comparison::InList => c.values.iter().any(equal),
        Comparison::NotInList => {
            c.values.is_empty() || (!matches!(value, Value::Null) && !c.values.iter().any(equal))
        }
        Comparison::IsNull => matches!(value, Value::Null),
        Comparison::NotNull => !matches!(value, Value::Null),
    })
}

impl MemoryDb {
    /// The WHMCS tables the rules read, empty.
    pub fn whmcs() -> Self {
        let mut db = Self::default();
        db.add_table("tbladdonmodules", &["id", "module", "setting", "value"]);
        db
    }

    /// How many SELECTs have read `table` so far.
    pub fn selects_from(&self, table: &str) -> usize {
        self.selects.get(table).copied().unwrap_or(0)
    }

    /// Another session holds the named lock (a rival import).
    pub fn hold_lock(&mut self, name: &str) {
        self.locks.insert(name.to_string());
    }

    pub fn is_locked(&self, name: &str) -> bool {
        self.locks.contains(name)
    }

    pub fn add_table(&mut self, name: &str, columns: &[&str]) {
        let table = Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            next_id: 1,
        };
        self.tables.insert(name.to_string(), table);
    }

    pub fn seed(&mut self, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
        let insert = Insert {
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        };
        self.insert(&insert).expect("seed rows fit the table");
    }

    /// Stores this module's addon settings as WHMCS does (`tbladdonmodules`).
    pub fn settings(&mut self, pairs: &[(&str, &str)]) {
        let module = crate::schema::settings::MODULE;
        let rows = pairs
            .iter()
            .map(|(k, v)| vec![Value::text(module), Value::text(*k), Value::text(*v)])
            .collect();
        self.seed("tbladdonmodules", &["module", "setting", "value"], rows);
    }

    pub fn column(&self, table: &str, column: &str) -> Vec<Value> {
        let Some(t) = self.tables.get(table) else {
            return Vec::new();
        };
        let i = t
            .columns
            .iter()
            .position(|c| c == column)
            .expect("known column");
        t.rows.iter().map(|r| r[i].clone()).collect()
    }

    /// Everything, for before/after comparisons.
    pub fn dump(&self) -> String {
        format!("{:?}", self.tables)
    }

    pub fn delete_where(&mut self, table: &str, column: &str, value: &str) {
        let condition = Condition::eq(column, Value::text(value));
        self.delete(&Delete {
            table: table.into(),
            conditions: vec![condition],
        })
        .expect("delete");
    }

    pub fn update_where(&mut self, table: &str, column: &str, value: &str, set: &str, to: Value) {
        let condition = Condition::eq(column, Value::text(value));
        let update = Update {
            table: table.into(),
            assignments: vec![(set.into(), to)],
            conditions: vec![condition],
        };
        self.update(&update).expect("update");
    }

    pub fn fail_inserts_into(&mut self, table: &str) {
        self.failing_inserts.push(table.to_string());
    }

    pub fn in_transaction(&self) -> bool {
        self.snapshot.is_some()
    }

    fn table(&mut self, name: &str) -> Result<&mut Table, DbError> {
        self.tables
            .get_mut(name)
            .ok_or_else(|| DbError::Other(format!("no table {name}")))
    }
}

fn index(table: &Table, column: &str) -> Result<usize, DbError> {
    table
        .columns
        .iter()
        .position(|c| c == column)
        .ok_or_else(|| DbError::Invalid(format!("no column {column}")))
}

fn holds(table: &Table, row: &[Value], conditions: &[Condition]) -> Result<bool, DbError> {
    for c in conditions {
        if !matches(&row[index(table, &c.column)?], c)? {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Db for MemoryDb {
    fn select(&mut self, s: &Select) -> Result<Rows, DbError> {
        *self.selects.entry(s.table.clone()).or_default() += 1;
        let table = self.table(&s.table)?;
        let columns = if s.columns.is_empty() {
            table.columns.clone()
        } else {
            s.columns.clone()
        };
        let picks = columns
            .iter()
            .map(|c| index(table, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut matched = Vec::new();
        for row in &table.rows {
            if holds(table, row, &s.conditions)? {
                matched.push(row.clone());
            }
        }
        // Stable sorts, last key first; NULL first ascending, last descending.
        for order in s.order.iter().rev() {
            let i = index(table, &order.column)?;
            matched.sort_by(|a: &Vec<Value>, b: &Vec<Value>| {
                let o = match (&a[i], &b[i]) {
                    (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
                    (Value::Null, _) => std::cmp::Ordering::Less,
                    (_, Value::Null) => std::cmp::Ordering::Greater,
                    (x, y) => compare(x, y).unwrap_or(std::cmp::Ordering::Equal),
                };
                if order.descending { o.reverse() } else { o }
            });
        }
        matched.truncate(s.limit.map_or(usize::MAX, |l| l as usize));
        let rows = matched
            .iter()
            .map(|row| picks.iter().map(|&i| row[i].clone()).collect())
            .collect();
        Ok(Rows { columns, rows })
    }

    fn insert(&mut self, s: &Insert) -> Result<Vec<i64>, DbError> {
        if self.failing_inserts.contains(&s.table) {
            return Err(DbError::Constraint("scripted failure".into()));
        }
        let table = self.table(&s.table)?;
        let picks = s
            .columns
            .iter()
            .map(|c| index(table, c))
            .collect::<Result<Vec<_>, _>>()?;
        let id_at = table.columns.iter().position(|c| c == "id");
        let mut ids = Vec::new();
        for values in &s.rows {
            let mut row = vec![Value::Null; table.columns.len()];
            for (&i, v) in picks.iter().zip(values) {
                row[i] = v.clone();
            }
            if let Some(i) = id_at {
                // An explicit id is kept, as a database keeps it.
                let id = row[i].as_int().unwrap_or(table.next_id);
                row[i] = Value::Int(id);
                ids.push(id);
                table.next_id = table.next_id.max(id + 1);
            } else {
                ids.push(0);
            }
            table.rows.push(row);
        }
        Ok(ids)
    }

    fn update(&mut self, s: &Update) -> Result<u64, DbError> {
        let table = self.table(&s.table)?;
        let sets = s
            .assignments
            .iter()
            .map(|(c, v)| Ok((index(table, c)?, v.clone())))
            .collect::<Result<Vec<_>, DbError>>()?;
        let mut n = 0;
        for r in 0..table.rows.len() {
            if holds(table, &table.rows[r], &s.conditions)? {
                n += 1;
                for (i, v) in &sets {
                    table.rows[r][*i] = v.clone();
                }
            }
        }
        Ok(n)
    }

    fn update_rows(&mut self, s: &UpdateRows) -> Result<u64, DbError> {
        let mut n = 0;
        for row in &s.rows {
            let Some((key, values)) = row.split_first() else {
                continue;
            };
            let assignments = s
                .columns
                .iter()
                .cloned()
                .zip(values.iter().cloned())
                .collect();
            let conditions = vec![Condition::eq(&s.key, key.clone())];
            n += self.update(&Update {
                table: s.table.clone(),
                assignments,
                conditions,
            })?;
        }
        Ok(n)
    }

    fn delete(&mut self, s: &Delete) -> Result<u64, DbError> {
        let table = self.table(&s.table)?;
        let before = table.rows.len();
        let mut kept = Vec::new();
        for row in std::mem::take(&mut table.rows) {
            if !holds(table, &row, &s.conditions)? {
                kept.push(row);
            }
        }
        table.rows = kept;
        Ok((before - table.rows.len()) as u64)
    }

    fn lock(&mut self, name: &str, _timeout_ms: u32) -> Result<bool, DbError> {
        foreign_lock(name)?;
        Ok(self.locks.insert(name.to_string()))
    }

    fn unlock(&mut self, name: &str) -> Result<bool, DbError> {
        foreign_lock(name)?;
        Ok(self.locks.remove(name))
    }

    fn begin(&mut self) -> Result<(), DbError> {
        if self.snapshot.is_some() {
            return Err(DbError::Invalid("nested transaction".into()));
        }
        self.snapshot = Some(self.tables.clone());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.snapshot
            .take()
            .map(|_| ())
            .ok_or_else(|| DbError::Invalid("no transaction".into()))
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.tables = self
            .snapshot
            .take()
            .ok_or_else(|| DbError::Invalid("no transaction".into()))?;
        Ok(())
    }

    fn table_exists(&mut self, table: &str) -> Result<bool, DbError> {
        Ok(self.tables.contains_key(table))
    }

    fn create_table(&mut self, d: &TableDef) -> Result<(), DbError> {
        if self.tables.contains_key(&d.name) {
            return Err(DbError::Constraint(format!("{} exists", d.name)));
        }
        let columns: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
        debug_assert!(d.columns.iter().any(|c| c.kind == ColumnKind::Id));
        self.add_table(&d.name, &columns);
        Ok(())
    }
}

/// Every host refuses a lock name outside facts.json's rule; so does this fake,
/// so a rule whose lock name no host would take fails its own tests.
fn foreign_lock(name: &str) -> Result<(), DbError> {
    if hostkey_facts::lock_name_fits(name) {
        Ok(())
    } else {
        Err(DbError::TableNotAllowed(format!(
            "`{name}` is not a lock name of this module"
        )))
    }
}
