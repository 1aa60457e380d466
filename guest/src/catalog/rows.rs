//! Rows as the sync compares and writes them: a table's managed columns with
//! a kind each, canonical text for comparing what the database returned
//! (`"12.50"`, `7`) with what the rules computed, and batched I/O.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Delete, Insert, Select, UpdateRows, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Money,
    Text,
}

/// A table and the columns the sync manages (besides `id`).
pub struct Spec {
    pub table: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

impl Spec {
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|(c, _)| c.to_string()).collect()
    }

    pub fn index(&self, column: &str) -> usize {
        self.columns
            .iter()
            .position(|(c, _)| *c == column)
            .unwrap_or(usize::MAX)
    }

    /// Whether two rows hold the same values, as WHMCS would show them.
    pub fn same(&self, a: &[Value], b: &[Value]) -> bool {
        a.len() == b.len()
            && self
                .columns
                .iter()
                .zip(a.iter().zip(b))
                .all(|((_, kind), (x, y))| {
                    // Most cells are already equal as stored: skip the canonical form then.
                    x == y || whole_money_equal(*kind, x, y) || canon(x, *kind) == canon(y, *kind)
                })
    }
}

/// A whole price written as an integer against the same price read back
/// ("12.00"), without formatting either.
fn whole_money_equal(kind: Kind, x: &Value, y: &Value) -> bool {
    match (kind, x, y) {
        (Kind::Money, Value::Int(i), Value::Text(t))
        | (Kind::Money, Value::Text(t), Value::Int(i)) => {
            t.strip_suffix(".00")
                .and_then(|whole| whole.parse::<i64>().ok())
                == Some(*i)
        }
        _ => false,
    }
}

pub fn canon(value: &Value, kind: Kind) -> String {
    match kind {
        Kind::Int => value
            .as_int()
            .map(|i| i.to_string())
            .unwrap_or_else(|| value.as_text()),
        Kind::Money => Decimal::from_str(value.as_text().trim())
            .map(|d| format!("{:.2}", super::pricing::cents(d)))
            .unwrap_or_else(|_| value.as_text()),
        Kind::Text => value.as_text(),
    }
}

pub fn int(i: i64) -> Value {
    Value::Int(i)
}

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn money(d: Decimal) -> Value {
    Value::Text(money_text(super::pricing::cents(d)))
}

/// `format!("{:.2}", d)` of a value rounded to cents, without the general
/// formatter: the first import writes a million of them.
fn money_text(d: Decimal) -> String {
    let scale = d.scale();
    let magnitude = d.mantissa().unsigned_abs();
    let cents = match scale {
        0 => magnitude * 100,
        1 => magnitude * 10,
        2 => magnitude,
        _ => return format!("{d:.2}"),
    };
    // 64-bit arithmetic: 128-bit division is a library call in wasm32.
    let Ok(cents) = u64::try_from(cents) else {
        return format!("{d:.2}");
    };
    let mut text = String::with_capacity(24);
    if d.is_sign_negative() {
        text.push('-');
    }
    // The digits from the right, in a buffer that holds any u64 and the point.
    let mut digits = [0u8; 24];
    let mut at = digits.len();
    let mut rest = cents;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if at == digits.len() - 2 {
            at -= 1;
            digits[at] = b'.';
        }
        if rest == 0 && at < digits.len() - 3 {
            break;
        }
    }
    text.extend(digits[at..].iter().map(|d| char::from(*d)));
    text
}

/// An existing row: its id and its managed columns in `Spec` order.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub id: i64,
    pub values: Vec<Value>,
}

impl Existing {
    pub fn get(&self, spec: &Spec, column: &str) -> &Value {
        self.values.get(spec.index(column)).unwrap_or(&Value::Null)
    }
}

/// How many ids go in one `IN (...)` list, and rows in one insert or update.
pub const CHUNK: usize = 1000;

/// Counts the statements and written rows of everything run through it.
pub struct Counting<'a> {
    pub db: &'a mut dyn Db,
    pub statements: u32,
    rows_written: u32,
}

impl<'a> Counting<'a> {
    pub fn new(db: &'a mut dyn Db) -> Self {
        Self {
            db,
            statements: 0,
            rows_written: 0,
        }
    }

    fn count(&mut self, rows: u64) {
        self.statements += 1;
        self.rows_written = self
            .rows_written
            .saturating_add(u32::try_from(rows).unwrap_or(u32::MAX));
    }

    /// Rows inserted, updated or deleted.
    pub fn rows_written_by_writes(&self) -> u32 {
        self.rows_written
    }
}

impl Db for Counting<'_> {
    fn select(&mut self, s: &Select) -> Result<crate::capabilities::db::Rows, DbError> {
        self.count(0);
        self.db.select(s)
    }
    fn insert(&mut self, s: &Insert) -> Result<Vec<i64>, DbError> {
        self.count(s.rows.len() as u64);
        self.db.insert(s)
    }
    fn insert_owned(&mut self, s: Insert) -> Result<Vec<i64>, DbError> {
        self.count(s.rows.len() as u64);
        self.db.insert_owned(s)
    }
    fn update(&mut self, s: &crate::capabilities::db::Update) -> Result<u64, DbError> {
        let n = self.db.update(s)?;
        self.count(n);
        Ok(n)
    }
    fn update_rows(&mut self, s: &UpdateRows) -> Result<u64, DbError> {
        self.count(s.rows.len() as u64);
        self.db.update_rows(s)
    }
    fn delete(&mut self, s: &Delete) -> Result<u64, DbError> {
        let n = self.db.delete(s)?;
        self.count(n);
        Ok(n)
    }
    fn lock(&mut self, name: &str, timeout_ms: u32) -> Result<bool, DbError> {
        self.db.lock(name, timeout_ms)
    }
    fn unlock(&mut self, name: &str) -> Result<bool, DbError> {
        self.db.unlock(name)
    }
    fn begin(&mut self) -> Result<(), DbError> {
        self.count(0);
        self.db.begin()
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.count(0);
        self.db.commit()
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        self.count(0);
        self.db.rollback()
    }
    fn table_exists(&mut self, table: &str) -> Result<bool, DbError> {
        self.count(0);
        self.db.table_exists(table)
    }
    fn create_table(&mut self, d: &crate::capabilities::db::TableDef) -> Result<(), DbError> {
        self.count(0);
        self.db.create_table(d)
    }
}

/// `SELECT id, <managed> FROM spec.table WHERE conditions AND column IN (keys)`,
/// in chunks; with no `column`, one select.
pub fn read(
    db: &mut dyn Db,
    spec: &Spec,
    conditions: &[Condition],
    within: Option<(&str, &[i64])>,
) -> Result<Vec<Existing>, DbError> {
    let mut columns = vec!["id".to_string()];
    columns.extend(spec.names());
    let mut out = Vec::new();
    let mut run = |extra: Option<Condition>| -> Result<(), DbError> {
        let mut select = Select {
            table: spec.table.into(),
            columns: columns.clone(),
            ..Select::default()
        };
        select.conditions = conditions.to_vec();
        select.conditions.extend(extra);
        let rows = db.select(&select)?;
        for row in rows.rows {
            let mut values = row.into_iter();
            let id = values.next().and_then(|v| v.as_int()).unwrap_or(0);
            out.push(Existing {
                id,
                values: values.collect(),
            });
        }
        Ok(())
    };
    match within {
        None => run(None)?,
        Some((column, keys)) => {
            for chunk in keys.chunks(CHUNK) {
                run(Some(Condition::in_list(
                    column,
                    chunk.iter().map(|k| Value::Int(*k)).collect(),
                )))?;
            }
        }
    }
    out.sort_by_key(|e| e.id);
    Ok(out)
}

/// The distinct integer values of `column` in the rows of `table` whose
/// `within` is one of `ids` (and that meet `extra`), in chunked selects.
pub fn distinct_in(
    db: &mut dyn Db,
    table: &str,
    column: &str,
    (within, ids): (&str, &[i64]),
    extra: &[Condition],
) -> Result<std::collections::BTreeSet<i64>, DbError> {
    let mut out = std::collections::BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        let mut select = Select::from(table, &[column]);
        select.conditions = extra.to_vec();
        select.conditions.push(Condition::in_list(
            within,
            chunk.iter().map(|i| Value::Int(*i)).collect(),
        ));
        let rows = db.select(&select)?;
        out.extend((0..rows.len()).filter_map(|i| rows.get(i, column).as_int()));
    }
    Ok(out)
}

/// Writes, or in a dry run only counts what it would write; inserted rows
/// then get negative stand-in ids so later phases can refer to them.
pub struct Writer<'a, 'b> {
    pub db: &'a mut Counting<'b>,
    pub dry_run: bool,
    next_stand_in: i64,
    pub planned_rows: u32,
}

impl<'a, 'b> Writer<'a, 'b> {
    pub fn new(db: &'a mut Counting<'b>, dry_run: bool) -> Self {
        Self {
            db,
            dry_run,
            next_stand_in: -1,
            planned_rows: 0,
        }
    }

    pub fn insert(&mut self, spec: &Spec, rows: Vec<Vec<Value>>) -> Result<Vec<i64>, DbError> {
        self.planned_rows += rows.len() as u32;
        if self.dry_run {
            let ids = (0..rows.len()).map(|_| {
                self.next_stand_in -= 1;
                self.next_stand_in
            });
            return Ok(ids.collect());
        }
        let mut ids = Vec::with_capacity(rows.len());
        // Each row moved once: splitting the front off moved the rest on every chunk.
        let mut rows = rows.into_iter();
        loop {
            let chunk: Vec<Vec<Value>> = rows.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            ids.extend(self.db.insert_owned(Insert {
                table: spec.table.into(),
                columns: spec.names(),
                rows: chunk,
            })?);
        }
        Ok(ids)
    }

    /// Rewrites the managed columns of rows by id.
    pub fn update(&mut self, spec: &Spec, rows: Vec<(i64, Vec<Value>)>) -> Result<(), DbError> {
        self.planned_rows += rows.len() as u32;
        if self.dry_run || rows.is_empty() {
            return Ok(());
        }
        for chunk in rows.chunks(CHUNK) {
            let rows = chunk
                .iter()
                .map(|(id, values)| {
                    std::iter::once(Value::Int(*id))
                        .chain(values.iter().cloned())
                        .collect()
                })
                .collect();
            self.db.update_rows(&UpdateRows {
                table: spec.table.into(),
                key: "id".into(),
                columns: spec.names(),
                rows,
            })?;
        }
        Ok(())
    }

    pub fn delete_ids(
        &mut self,
        table: &str,
        column: &str,
        ids: &[i64],
        extra: &[Condition],
    ) -> Result<(), DbError> {
        let real: Vec<i64> = ids.iter().copied().filter(|i| *i > 0).collect();
        for chunk in real.chunks(CHUNK) {
            let mut conditions = extra.to_vec();
            conditions.push(Condition::in_list(
                column,
                chunk.iter().map(|i| Value::Int(*i)).collect(),
            ));
            if self.dry_run {
                // Count what would go: one id may stand for several rows (a
                // sub-option's prices, one per currency).
                let select = Select {
                    table: table.into(),
                    columns: vec!["id".into()],
                    conditions,
                    ..Select::default()
                };
                self.planned_rows += self.db.select(&select)?.len() as u32;
                continue;
            }
            self.db.delete(&Delete {
                table: table.into(),
                conditions,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod money_tests {
    use super::*;

    #[test]
    fn money_text_matches_the_general_formatter() {
        let mut samples: Vec<Decimal> = [
            "0",
            "-0",
            "0.5",
            "-0.5",
            "0.005",
            "-0.005",
            "1.994",
            "1.995",
            "12.5",
            "100",
            "1373.625",
            "-1373.624",
            "79228162514264337593543950335",
            "0.0000000001",
        ]
        .iter()
        .map(|s| Decimal::from_str(s).expect("a decimal"))
        .collect();
        samples.extend((-2_000..2_000).map(|i| Decimal::new(i * 7919, 3)));
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        samples.push(negative_zero);
        for d in samples {
            let rounded = super::super::pricing::cents(d);
            assert_eq!(money_text(rounded), format!("{rounded:.2}"), "{d}");
        }
    }
}
