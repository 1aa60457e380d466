//! The requests of the embedder protocol (docs/architecture.md), serde-derived
//! from the contract's statements. Fields are declared in alphabetical order
//! where the protocol always wrote them so (bytes unchanged for PHP); rows are
//! written cell by cell without building a JSON tree (an import sends hundreds
//! of thousands of them).

use crate::bindings::db::{self, ColumnDefault, ColumnKind, Comparison};
use crate::bindings::platform::{ModuleLogEntry, SecretRef};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// One request: the operation's name and its arguments.
#[derive(Serialize)]
pub struct Request<'a, A> {
    /// `db.select`, `platform.decrypt`...
    pub op: &'a str,
    /// The operation's arguments.
    pub args: A,
}

/// An operation without arguments (`{}`).
#[derive(Serialize)]
pub struct NoArgs {}

/// `{"statement": ...}`.
#[derive(Serialize)]
pub struct StatementArgs<S> {
    /// The statement.
    pub statement: S,
}

/// A database value as a plain JSON scalar.
pub struct Cell<'a>(pub &'a db::Value);

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            db::Value::Null => out.serialize_unit(),
            db::Value::Int(i) => out.serialize_i64(*i),
            db::Value::Float(f) => out.serialize_f64(*f),
            db::Value::Text(t) => out.serialize_str(t),
        }
    }
}

/// A row of cells.
pub struct Cells<'a>(pub &'a [db::Value]);

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.0.iter().map(Cell))
    }
}

/// Rows of cells.
pub struct Table<'a>(pub &'a [Vec<db::Value>]);

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.0.iter().map(|row| Cells(row)))
    }
}

/// A comparison by its contract name (`in-list`, `is-null`...).
pub struct ComparisonName(pub Comparison);

impl Serialize for ComparisonName {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        use Comparison as C;
        out.serialize_str(match self.0 {
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
        })
    }
}

/// One condition of a where clause.
#[derive(Serialize)]
pub struct Condition<'a> {
    /// The column compared.
    pub column: &'a str,
    /// How.
    pub comparison: ComparisonName,
    /// With what.
    pub values: Cells<'a>,
}

/// The conditions of a statement.
pub fn conditions(list: &[db::Condition]) -> Vec<Condition<'_>> {
    list.iter()
        .map(|c| Condition {
            column: &c.column,
            comparison: ComparisonName(c.comparison),
            values: Cells(&c.values),
        })
        .collect()
}

/// One `order by` column.
#[derive(Serialize)]
pub struct Order<'a> {
    /// The column.
    pub column: &'a str,
    /// Highest first.
    pub descending: bool,
}

/// `db.select`'s statement.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Select<'a> {
    /// The columns read.
    pub columns: &'a [String],
    /// The where clause.
    pub conditions: Vec<Condition<'a>>,
    /// Whether the rows are locked for the transaction.
    pub for_update: bool,
    /// The most rows.
    pub limit: Option<u32>,
    /// The order.
    pub order: Vec<Order<'a>>,
    /// The table.
    pub table: &'a str,
}

impl<'a> From<&'a db::SelectStatement> for Select<'a> {
    fn from(s: &'a db::SelectStatement) -> Self {
        Self {
            columns: &s.columns,
            conditions: conditions(&s.conditions),
            for_update: s.for_update,
            limit: s.limit,
            order: s
                .order
                .iter()
                .map(|o| Order {
                    column: &o.column,
                    descending: o.descending,
                })
                .collect(),
            table: &s.table,
        }
    }
}

/// `db.insert`'s and `db.update-rows`' statement (rows of values; for
/// update-rows each row starts with the key's value).
#[derive(Serialize)]
pub struct RowsStatement<'a> {
    /// The table.
    pub table: &'a str,
    /// The key column of update-rows; absent for an insert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
    /// The columns written.
    pub columns: &'a [String],
    /// The rows.
    pub rows: Table<'a>,
}

/// A (column, value) assignment, written as a two-item array.
pub struct Assignment<'a>(pub &'a (String, db::Value));

impl Serialize for Assignment<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        (&self.0.0, Cell(&self.0.1)).serialize(out)
    }
}

/// `db.update`'s statement.
#[derive(Serialize)]
pub struct Update<'a> {
    /// What is set.
    pub assignments: Vec<Assignment<'a>>,
    /// The where clause.
    pub conditions: Vec<Condition<'a>>,
    /// The table.
    pub table: &'a str,
}

impl<'a> From<&'a db::UpdateStatement> for Update<'a> {
    fn from(s: &'a db::UpdateStatement) -> Self {
        Self {
            assignments: s.assignments.iter().map(Assignment).collect(),
            conditions: conditions(&s.conditions),
            table: &s.table,
        }
    }
}

/// `db.delete`'s statement.
#[derive(Serialize)]
pub struct Delete<'a> {
    /// The where clause.
    pub conditions: Vec<Condition<'a>>,
    /// The table.
    pub table: &'a str,
}

/// `db.lock`'s arguments.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Lock<'a> {
    /// The lock's name.
    pub name: &'a str,
    /// How long to wait.
    pub timeout_ms: u32,
}

/// `db.unlock`'s arguments.
#[derive(Serialize)]
pub struct Unlock<'a> {
    /// The lock's name.
    pub name: &'a str,
}

/// `db.table-exists`' arguments.
#[derive(Serialize)]
pub struct TableName<'a> {
    /// The table.
    pub table: &'a str,
}

/// A column kind by its contract name.
pub struct KindName(pub ColumnKind);

impl Serialize for KindName {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        use ColumnKind as K;
        out.serialize_str(match self.0 {
            K::Id => "id",
            K::Integer => "integer",
            K::BigInteger => "big-integer",
            K::Money => "money",
            K::ShortText => "short-text",
            K::Text => "text",
            K::DateTime => "date-time",
        })
    }
}

/// A column default as a one-key object (`{"decimal": "1.50"}`).
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Default<'a> {
    /// An integer.
    Integer(i64),
    /// A decimal, as text.
    Decimal(&'a str),
    /// A short text.
    ShortText(&'a str),
}

/// One column of a table definition.
#[derive(Serialize)]
pub struct Column<'a> {
    /// Its default; null for none.
    pub default: Option<Default<'a>>,
    /// Its kind.
    pub kind: KindName,
    /// Its name.
    pub name: &'a str,
    /// Whether it takes NULL.
    pub nullable: bool,
}

/// `db.create-table`'s definition.
#[derive(Serialize)]
pub struct Definition<'a> {
    /// The columns.
    pub columns: Vec<Column<'a>>,
    /// The indexes, each a list of columns.
    pub indexes: &'a [Vec<String>],
    /// The table.
    pub name: &'a str,
}

impl<'a> From<&'a db::TableDef> for Definition<'a> {
    fn from(d: &'a db::TableDef) -> Self {
        Self {
            columns: d
                .columns
                .iter()
                .map(|c| Column {
                    default: c.default.as_ref().map(|d| match d {
                        ColumnDefault::Integer(i) => Default::Integer(*i),
                        ColumnDefault::Decimal(t) => Default::Decimal(t),
                        ColumnDefault::ShortText(t) => Default::ShortText(t),
                    }),
                    kind: KindName(c.kind),
                    name: &c.name,
                    nullable: c.nullable,
                })
                .collect(),
            indexes: &d.indexes,
            name: &d.name,
        }
    }
}

/// `{"definition": ...}`.
#[derive(Serialize)]
pub struct DefinitionArgs<'a> {
    /// The table definition.
    pub definition: Definition<'a>,
}

/// `platform.decrypt`'s secret.
#[derive(Serialize)]
pub struct Secret<'a> {
    /// The column.
    pub column: &'a str,
    /// The row's id.
    pub id: i64,
    /// The table.
    pub table: &'a str,
}

impl<'a> From<&'a SecretRef> for Secret<'a> {
    fn from(s: &'a SecretRef) -> Self {
        Self {
            column: &s.column,
            id: s.id,
            table: &s.table,
        }
    }
}

/// `{"secret": ...}`.
#[derive(Serialize)]
pub struct SecretArgs<'a> {
    /// The secret's cell.
    pub secret: Secret<'a>,
}

/// `platform.module-log`'s entry.
#[derive(Serialize)]
pub struct LogEntry<'a> {
    /// The call logged.
    pub action: &'a str,
    /// Values WHMCS masks.
    pub mask: &'a [String],
    /// The outcome.
    pub processed: &'a str,
    /// The request.
    pub request: &'a str,
    /// The answer.
    pub response: &'a str,
}

impl<'a> From<&'a ModuleLogEntry> for LogEntry<'a> {
    fn from(e: &'a ModuleLogEntry) -> Self {
        Self {
            action: &e.action,
            mask: &e.mask,
            processed: &e.processed,
            request: &e.request,
            response: &e.response,
        }
    }
}

/// `{"entry": ...}`.
#[derive(Serialize)]
pub struct LogArgs<'a> {
    /// The log entry.
    pub entry: LogEntry<'a>,
}

/// `platform.activity-log`'s arguments.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Activity<'a> {
    /// The client the entry is about; none (`null`) for none.
    pub client_id: Option<i64>,
    /// The line.
    pub message: &'a str,
}

/// `platform.local-api`'s arguments; the parameters are an object (a later
/// parameter of the same name wins, as in PHP's array).
#[derive(Serialize)]
pub struct LocalApi<'a> {
    /// The command.
    pub command: &'a str,
    /// Its parameters.
    pub params: BTreeMap<&'a str, &'a str>,
}
