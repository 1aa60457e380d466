//! Structured statements over named tables (the `db` interface).

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Self {
        Value::Text(s.into())
    }

    /// The value as WHMCS's text columns hold it.
    pub fn as_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Text(s) => s.clone(),
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    InList,
    NotInList,
    IsNull,
    NotNull,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub column: String,
    pub comparison: Comparison,
    pub values: Vec<Value>,
}

impl Condition {
    pub fn eq(column: &str, value: Value) -> Self {
        Self {
            column: column.into(),
            comparison: Comparison::Eq,
            values: vec![value],
        }
    }

    pub fn in_list(column: &str, values: Vec<Value>) -> Self {
        Self {
            column: column.into(),
            comparison: Comparison::InList,
            values,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub column: String,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    pub table: String,
    pub columns: Vec<String>,
    pub conditions: Vec<Condition>,
    pub order: Vec<OrderBy>,
    pub limit: Option<u32>,
    pub for_update: bool,
}

impl Select {
    pub fn from(table: &str, columns: &[&str]) -> Self {
        Self {
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Self::default()
        }
    }

    pub fn filter(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    /// The value of `column` in row `row`, Null when absent.
    pub fn get(&self, row: usize, column: &str) -> &Value {
        const NULL: &Value = &Value::Null;
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.rows.get(row).and_then(|r| r.get(i)))
            .unwrap_or(NULL)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub assignments: Vec<(String, Value)>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRows {
    pub table: String,
    pub key: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: String,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Id,
    Integer,
    BigInteger,
    Money,
    ShortText,
    Text,
    DateTime,
}

/// A column default, typed because it ends up inside DDL (the contract's
/// `column-default`): the host refuses anything outside these shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnDefault {
    Integer(i64),
    /// `-?digits(.d{1,2})?`, for money columns.
    Decimal(String),
    /// At most 64 of `A-Z a-z 0-9 space _ . , : % -`.
    ShortText(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub kind: ColumnKind,
    pub nullable: bool,
    pub default: Option<ColumnDefault>,
}

impl ColumnDef {
    /// A column without a default.
    pub fn new(name: &str, kind: ColumnKind, nullable: bool) -> Self {
        Self {
            name: name.into(),
            kind,
            nullable,
            default: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub indexes: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DbError {
    #[error("the table is not allowed: {0}")]
    TableNotAllowed(String),
    #[error("the statement is invalid: {0}")]
    Invalid(String),
    #[error("the database refused the change: {0}")]
    Constraint(String),
    #[error("{0}")]
    Other(String),
}

pub trait Db {
    fn select(&mut self, statement: &Select) -> Result<Rows, DbError>;
    fn insert(&mut self, statement: &Insert) -> Result<Vec<i64>, DbError>;
    /// `insert`, handing the rows over: an engine that copies them out anyway
    /// moves them instead (the first import's 168,000 price rows are 2.5
    /// million strings).
    fn insert_owned(&mut self, statement: Insert) -> Result<Vec<i64>, DbError> {
        self.insert(&statement)
    }
    fn update(&mut self, statement: &Update) -> Result<u64, DbError>;
    fn update_rows(&mut self, statement: &UpdateRows) -> Result<u64, DbError>;
    fn delete(&mut self, statement: &Delete) -> Result<u64, DbError>;
    /// Takes a named lock (`hostkeyresellermod...`), waiting at most
    /// `timeout_ms`: false when another session holds it. Held until `unlock`
    /// or the end of the call, outside any transaction.
    fn lock(&mut self, name: &str, timeout_ms: u32) -> Result<bool, DbError>;
    fn unlock(&mut self, name: &str) -> Result<bool, DbError>;
    fn begin(&mut self) -> Result<(), DbError>;
    fn commit(&mut self) -> Result<(), DbError>;
    fn rollback(&mut self) -> Result<(), DbError>;
    fn table_exists(&mut self, table: &str) -> Result<bool, DbError>;
    fn create_table(&mut self, definition: &TableDef) -> Result<(), DbError>;
}

/// Runs `work` in one transaction: committed if it returns Ok, rolled back
/// otherwise (and the rollback's own failure does not hide the first error).
pub fn in_transaction<T, E: From<DbError>>(
    db: &mut dyn Db,
    work: impl FnOnce(&mut dyn Db) -> Result<T, E>,
) -> Result<T, E> {
    db.begin()?;
    match work(db) {
        Ok(value) => {
            db.commit()?;
            Ok(value)
        }
        Err(error) => {
            let _ = db.rollback();
            Err(error)
        }
    }
}
