//! Where the status sync keeps its place: `mod_hostkeyresellermod_sync`, one
//! row per service read (when it was last read, when it was last tried, how
//! many tries failed in a row and why) and one row for the day's round
//! (`service_id` 0, `read_at` = when the round started). A table of its own
//! rather than columns of the servers table: activation creates missing
//! tables, so an upgraded install gets it without altering a table.

use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnDef, ColumnDefault, ColumnKind, Condition, DbError, Delete, Insert, Select, TableDef,
    Update, Value,
};
use std::collections::BTreeMap;

pub const SYNC_TABLE: &str = "mod_hostkeyresellermod_sync";

/// The row that holds the round, not a service.
const ROUND_ROW: i64 = 0;

/// A failure sentence kept for the admin page is cut at this many bytes.
const CAUSE_BYTES: usize = 250;

pub fn definition() -> TableDef {
    use ColumnKind::*;
    TableDef {
        name: SYNC_TABLE.into(),
        columns: vec![
            ColumnDef::new("id", Id, false),
            ColumnDef::new("service_id", Integer, false),
            ColumnDef::new("read_at", BigInteger, true),
            ColumnDef::new("tried_at", BigInteger, true),
            ColumnDef {
                default: Some(ColumnDefault::Integer(0)),
                ..ColumnDef::new("failures", Integer, false)
            },
            ColumnDef::new("cause", Text, true),
        ],
        indexes: vec![vec!["service_id".into()], vec!["read_at".into()]],
    }
}

/// Where one service stands in the sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    /// The row's id; 0 before it is first written.
    pub id: i64,
    /// Unix time of the last successful read.
    pub read_at: Option<i64>,
    /// Unix time of the last try, successful or not.
    pub tried_at: Option<i64>,
    /// Failed tries since the last successful read.
    pub failures: u32,
    pub cause: String,
}

/// Every service's mark, and the round's start (none before the first round).
pub struct Marks {
    pub services: BTreeMap<i64, Mark>,
    pub round: Option<Mark>,
}

const COLUMNS: [&str; 6] = [
    "id",
    "service_id",
    "read_at",
    "tried_at",
    "failures",
    "cause",
];

fn positive(value: &Value) -> Option<i64> {
    value.as_int().filter(|v| *v > 0)
}

pub fn load(db: &mut dyn Db) -> Result<Marks, DbError> {
    let rows = db.select(&Select::from(SYNC_TABLE, &COLUMNS))?;
    let mut marks = Marks {
        services: BTreeMap::new(),
        round: None,
    };
    for i in 0..rows.len() {
        let Some(service) = rows.get(i, "service_id").as_int() else {
            continue;
        };
        let mark = Mark {
            id: rows.get(i, "id").as_int().unwrap_or(0),
            read_at: positive(rows.get(i, "read_at")),
            tried_at: positive(rows.get(i, "tried_at")),
            failures: rows
                .get(i, "failures")
                .as_int()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            cause: rows.get(i, "cause").as_text(),
        };
        if service == ROUND_ROW {
            marks.round = Some(mark);
        } else {
            marks.services.insert(service, mark);
        }
    }
    Ok(marks)
}

fn clipped(cause: &str) -> String {
    if cause.len() <= CAUSE_BYTES {
        return cause.to_string();
    }
    let mut end = CAUSE_BYTES;
    while !cause.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &cause[..end])
}

/// Writes a service's mark (inserts it the first time).
pub fn save(db: &mut dyn Db, service_id: i64, mark: &mut Mark) -> Result<(), DbError> {
    let time = |t: Option<i64>| t.map_or(Value::Null, Value::Int);
    let values = vec![
        ("read_at", time(mark.read_at)),
        ("tried_at", time(mark.tried_at)),
        ("failures", Value::Int(i64::from(mark.failures))),
        ("cause", Value::text(clipped(&mark.cause))),
    ];
    if mark.id > 0 {
        db.update(&Update {
            table: SYNC_TABLE.into(),
            assignments: values
                .into_iter()
                .map(|(c, v)| (c.to_string(), v))
                .collect(),
            conditions: vec![Condition::eq("id", Value::Int(mark.id))],
        })?;
        return Ok(());
    }
    let mut columns = vec!["service_id".to_string()];
    let mut row = vec![Value::Int(service_id)];
    for (column, value) in values {
        columns.push(column.to_string());
        row.push(value);
    }
    let ids = db.insert(&Insert {
        table: SYNC_TABLE.into(),
        columns,
        rows: vec![row],
    })?;
    mark.id = ids.first().copied().unwrap_or(0);
    Ok(())
}

/// When the current round started; none before the first.
pub fn load_round(db: &mut dyn Db) -> Result<Option<i64>, DbError> {
    let rows = db.select(
        &Select::from(SYNC_TABLE, &["read_at"])
            .filter(Condition::eq("service_id", Value::Int(ROUND_ROW))),
    )?;
    Ok((!rows.is_empty())
        .then(|| positive(rows.get(0, "read_at")))
        .flatten())
}

/// Starts a new round now: every service read before it is due again.
pub fn start_round(db: &mut dyn Db, round: &mut Mark, now_unix: i64) -> Result<(), DbError> {
    round.read_at = Some(now_unix);
    round.tried_at = Some(now_unix);
    save(db, ROUND_ROW, round)
}

/// Drops the marks of services no longer linked (unlinked, ended, deleted):
/// they are neither read nor counted any more. Never the round's row.
pub fn forget(db: &mut dyn Db, services: &[i64]) -> Result<u64, DbError> {
    let ids: Vec<Value> = services
        .iter()
        .filter(|s| **s != ROUND_ROW)
        .map(|s| Value::Int(*s))
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    db.delete(&Delete {
        table: SYNC_TABLE.into(),
        conditions: vec![Condition::in_list("service_id", ids)],
    })
}
