//! The management state of each service's server, one row per service in
//! `mod_hostkeyresellermod_servers`: the power last seen, the hold WHMCS put
//! on it (suspended / terminated), the asynchronous action being tracked by
//! its eq_callback key, when the last power action was sent (the rate limit)
//! and when the status was last synced.

use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnDef, ColumnKind, Condition, DbError, Insert, Select, TableDef, Update, Value,
};

pub const SERVERS_TABLE: &str = "mod_hostkeyresellermod_servers";

const COLUMNS: [&str; 10] = [
    "id",
    "service_id",
    "server_id",
    "power",
    "hold",
    "pending_action",
    "pending_key",
    "action_at",
    "synced_at",
    "detail",
];

pub fn definition() -> TableDef {
    use ColumnKind::*;
    let column = ColumnDef::new;
    TableDef {
        name: SERVERS_TABLE.into(),
        columns: vec![
            column("id", Id, false),
            column("service_id", Integer, false),
            column("server_id", BigInteger, true),
            column("power", ShortText, true),
            column("hold", ShortText, true),
            column("pending_action", ShortText, true),
            column("pending_key", ShortText, true),
            column("action_at", BigInteger, true),
            column("synced_at", DateTime, true),
            column("detail", Text, true),
        ],
        indexes: vec![vec!["service_id".into()]],
    }
}

/// What WHMCS's automation or an admin put on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    None,
    Suspended,
    Terminated,
}

impl Hold {
    fn key(self) -> &'static str {
        match self {
            Hold::None => "",
            Hold::Suspended => "suspended",
            Hold::Terminated => "terminated",
        }
    }

    fn parse(key: &str) -> Self {
        match key {
            "suspended" => Hold::Suspended,
            "terminated" => Hold::Terminated,
            _ => Hold::None,
        }
    }
}

/// One row of the servers table.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOps {
    pub id: i64,
    pub service_id: i64,
    pub server_id: Option<i64>,
    /// on, off or unknown.
    pub power: String,
    pub hold: Hold,
    /// The tracked action (power-on, power-off, reboot, reinstall); empty for none.
    pub pending_action: String,
    /// Its eq_callback key; empty when HOSTKEY gave none.
    pub pending_key: String,
    /// Unix time of the last power action sent; 0 for none.
    pub action_at: i64,
    pub synced_at: String,
    pub detail: String,
}

impl ServerOps {
    pub fn new(service_id: i64) -> Self {
        ServerOps {
            id: 0,
            service_id,
            server_id: None,
            power: "unknown".into(),
            hold: Hold::None,
            pending_action: String::new(),
            pending_key: String::new(),
            action_at: 0,
            synced_at: String::new(),
            detail: String::new(),
        }
    }

    pub fn busy(&self) -> bool {
        !self.pending_action.is_empty()
    }
}

/// The row of a service, or a fresh unsaved one.
pub fn load(db: &mut dyn Db, service_id: i64) -> Result<ServerOps, DbError> {
    let rows = db.select(
        &Select::from(SERVERS_TABLE, &COLUMNS)
            .filter(Condition::eq("service_id", Value::Int(service_id))),
    )?;
    if rows.is_empty() {
        return Ok(ServerOps::new(service_id));
    }
    let text = |c: &str| rows.get(0, c).as_text();
    Ok(ServerOps {
        id: rows.get(0, "id").as_int().unwrap_or(0),
        service_id,
        server_id: rows.get(0, "server_id").as_int().filter(|v| *v > 0),
        power: match text("power").as_str() {
            "on" => "on".into(),
            "off" => "off".into(),
            _ => "unknown".into(),
        },
        hold: Hold::parse(&text("hold")),
        pending_action: text("pending_action"),
        pending_key: text("pending_key"),
        action_at: rows.get(0, "action_at").as_int().unwrap_or(0),
        synced_at: text("synced_at"),
        detail: text("detail"),
    })
}

/// The services whose management row names `server_id`.
pub fn services_of_server(db: &mut dyn Db, server_id: i64) -> Result<Vec<i64>, DbError> {
    let rows = db.select(
        &Select::from(SERVERS_TABLE, &["service_id"])
            .filter(Condition::eq("server_id", Value::Int(server_id))),
    )?;
    Ok((0..rows.len())
        .filter_map(|i| rows.get(i, "service_id").as_int())
        .collect())
}

/// Writes the row (inserts it the first time).
pub fn save(db: &mut dyn Db, ops: &mut ServerOps) -> Result<(), DbError> {
    let values = vec![
        ("server_id", ops.server_id.map_or(Value::Null, Value::Int)),
        ("power", Value::text(ops.power.clone())),
        ("hold", Value::text(ops.hold.key())),
        ("pending_action", Value::text(ops.pending_action.clone())),
        ("pending_key", Value::text(ops.pending_key.clone())),
        ("action_at", Value::Int(ops.action_at)),
        (
            "synced_at",
            if ops.synced_at.is_empty() {
                Value::Null
            } else {
                Value::text(ops.synced_at.clone())
            },
        ),
        ("detail", Value::text(ops.detail.clone())),
    ];
    if ops.id > 0 {
        db.update(&Update {
            table: SERVERS_TABLE.into(),
            assignments: values
                .into_iter()
                .map(|(c, v)| (c.to_string(), v))
                .collect(),
            conditions: vec![Condition::eq("id", Value::Int(ops.id))],
        })?;
        return Ok(());
    }
    let mut columns = vec!["service_id".to_string()];
    let mut row = vec![Value::Int(ops.service_id)];
    for (column, value) in values {
        columns.push(column.to_string());
        row.push(value);
    }
    let ids = db.insert(&Insert {
        table: SERVERS_TABLE.into(),
        columns,
        rows: vec![row],
    })?;
    ops.id = ids.first().copied().unwrap_or(0);
    Ok(())
}
