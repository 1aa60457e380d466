//! What the module knew of the HOSTKEY account when it sent a service's
//! order: the SET of server ids and of invoices with a deploy key (stock
//! servers already have ids, and a new server may get one below them, so a
//! highest id says nothing), the order's deploy key once known, and when
//! the order was sent. One row per service in `mod_hostkeyresellermod_pending`.

use super::hostkey::Servers;
use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnDef, ColumnKind, Condition, DbError, Insert, Select, TableDef, Update, Value,
};
use std::collections::BTreeSet;

pub const PENDING_TABLE: &str = "mod_hostkeyresellermod_pending";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub id: i64,
    pub service_id: i64,
    pub known_servers: BTreeSet<i64>,
    pub known_invoices: BTreeSet<i64>,
    /// The order's deploy key (`callback` of the answer, or `deploy_keys`).
    pub callback: String,
    pub sent_at: i64,
}

impl Snapshot {
    /// The account as it stood just before the order of `service_id`.
    pub fn before_order(service_id: i64, account: &Servers, now_unix: i64) -> Self {
        Self {
            id: 0,
            service_id,
            known_servers: account.ids(),
            known_invoices: account.deploy_keys_by_invoice().into_keys().collect(),
            callback: String::new(),
            sent_at: now_unix,
        }
    }
}

const COLUMNS: [&str; 6] = [
    "id",
    "service_id",
    "known_servers",
    "known_invoices",
    "callback",
    "sent_at",
];

pub fn definition() -> TableDef {
    use ColumnKind::*;
    TableDef {
        name: PENDING_TABLE.into(),
        columns: vec![
            ColumnDef::new("id", Id, false),
            ColumnDef::new("service_id", Integer, false),
            ColumnDef::new("known_servers", Text, true),
            ColumnDef::new("known_invoices", Text, true),
            ColumnDef::new("callback", ShortText, true),
            ColumnDef::new("sent_at", BigInteger, false),
        ],
        indexes: vec![vec!["service_id".into()]],
    }
}

fn ids(text: &str) -> BTreeSet<i64> {
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn join(ids: &BTreeSet<i64>) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub fn find(db: &mut dyn Db, service_id: i64) -> Result<Option<Snapshot>, DbError> {
    let rows = db.select(
        &Select::from(PENDING_TABLE, &COLUMNS)
            .filter(Condition::eq("service_id", Value::Int(service_id))),
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(Snapshot {
        id: rows.get(0, "id").as_int().unwrap_or(0),
        service_id,
        known_servers: ids(&rows.get(0, "known_servers").as_text()),
        known_invoices: ids(&rows.get(0, "known_invoices").as_text()),
        callback: rows.get(0, "callback").as_text(),
        sent_at: rows.get(0, "sent_at").as_int().unwrap_or(0),
    }))
}

/// Writes the service's snapshot (one per service: a new order replaces it).
pub fn save(db: &mut dyn Db, snapshot: &mut Snapshot) -> Result<(), DbError> {
    if snapshot.id == 0
        && let Some(old) = find(db, snapshot.service_id)?
    {
        snapshot.id = old.id;
    }
    let values = vec![
        ("known_servers", Value::text(join(&snapshot.known_servers))),
        (
            "known_invoices",
            Value::text(join(&snapshot.known_invoices)),
        ),
        ("callback", Value::text(snapshot.callback.clone())),
        ("sent_at", Value::Int(snapshot.sent_at)),
    ];
    if snapshot.id > 0 {
        db.update(&Update {
            table: PENDING_TABLE.into(),
            assignments: values
                .into_iter()
                .map(|(c, v)| (c.to_string(), v))
                .collect(),
            conditions: vec![Condition::eq("id", Value::Int(snapshot.id))],
        })?;
        return Ok(());
    }
    let mut columns = vec!["service_id".to_string()];
    let mut row = vec![Value::Int(snapshot.service_id)];
    for (column, value) in values {
        columns.push(column.to_string());
        row.push(value);
    }
    let inserted = db.insert(&Insert {
        table: PENDING_TABLE.into(),
        columns,
        rows: vec![row],
    })?;
    snapshot.id = inserted.first().copied().unwrap_or(0);
    Ok(())
}
