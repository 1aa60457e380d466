//! The durable record of each money-moving job: one row per (service,
//! purpose) in `mod_hostkeyresellermod_orders`, with the state it reached.

use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnDef, ColumnKind, Condition, DbError, Insert, Select, TableDef, Update, Value,
};

pub const ORDERS_TABLE: &str = "mod_hostkeyresellermod_orders";

/// The first order of a service; renewals are `renewal:<WHMCS invoice id>`.
pub const FIRST_ORDER: &str = "order";
/// The cancellation request passed on to HOSTKEY.
pub const CANCELLATION: &str = "cancel";

/// Where a job stands. Each state is written before the next call that
/// spends money, so a retry knows what already happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// `order_instance` is being sent, or was sent and its answer is unknown.
    Sending,
    /// A definite refusal from HOSTKEY: nothing was ordered; the next
    /// delivery may try again.
    Refused,
    /// HOSTKEY took the order: its invoice id is recorded.
    Ordered,
    /// HOSTKEY's invoice is paid.
    Paid,
    /// The server is linked to the service (server id, API key stored).
    Linked,
    /// Nothing more happens on its own: the admin must look (see `detail`).
    NeedsAttention,
    /// A one-step job (a cancellation request) is done.
    Done,
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Sending => "sending",
            State::Refused => "refused",
            State::Ordered => "ordered",
            State::Paid => "paid",
            State::Linked => "linked",
            State::NeedsAttention => "needs-attention",
            State::Done => "done",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [
            State::Sending,
            State::Refused,
            State::Ordered,
            State::Paid,
            State::Linked,
            State::NeedsAttention,
            State::Done,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// One row of the orders table.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub service_id: i64,
    pub purpose: String,
    pub state: State,
    pub whmcs_invoice: i64,
    pub hostkey_invoice: Option<i64>,
    pub server_id: Option<i64>,
    /// The highest HOSTKEY server id of the account before the order was
    /// sent: a server above it with our hostname and preset is ours.
    pub servers_before: i64,
    pub detail: String,
    pub updated_at: String,
}

const COLUMNS: [&str; 10] = [
    "id",
    "service_id",
    "purpose",
    "state",
    "whmcs_invoice",
    "hostkey_invoice",
    "server_id",
    "servers_before",
    "detail",
    "updated_at",
];

pub fn definition() -> TableDef {
    use ColumnKind::*;
    let column = ColumnDef::new;
    TableDef {
        name: ORDERS_TABLE.into(),
        columns: vec![
            column("id", Id, false),
            column("service_id", Integer, false),
            column("purpose", ShortText, false),
            column("state", ShortText, false),
            column("whmcs_invoice", Integer, false),
            column("hostkey_invoice", BigInteger, true),
            column("server_id", BigInteger, true),
            column("servers_before", BigInteger, false),
            column("detail", Text, true),
            column("updated_at", DateTime, true),
        ],
        // (state, purpose): the cron's follow-up, the status sync's urgent
        // services and the addon page's waiting orders look orders up by state.
        indexes: vec![
            vec!["service_id".into(), "purpose".into()],
            vec!["state".into(), "purpose".into()],
        ],
    }
}

fn optional(value: &Value) -> Option<i64> {
    value.as_int().filter(|v| *v > 0)
}

/// The job of (service, purpose), if any.
pub fn find(db: &mut dyn Db, service_id: i64, purpose: &str) -> Result<Option<Job>, DbError> {
    let rows = db.select(
        &Select::from(ORDERS_TABLE, &COLUMNS)
            .filter(Condition::eq("service_id", Value::Int(service_id)))
            .filter(Condition::eq("purpose", Value::text(purpose))),
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    let state = rows.get(0, "state").as_text();
    Ok(Some(Job {
        id: rows.get(0, "id").as_int().unwrap_or(0),
        service_id,
        purpose: purpose.to_string(),
        state: State::parse(&state).ok_or_else(|| {
            DbError::Invalid(format!(
                "unknown order state \"{state}\" of service {service_id}"
            ))
        })?,
        whmcs_invoice: rows.get(0, "whmcs_invoice").as_int().unwrap_or(0),
        hostkey_invoice: optional(rows.get(0, "hostkey_invoice")),
        server_id: optional(rows.get(0, "server_id")),
        servers_before: rows.get(0, "servers_before").as_int().unwrap_or(0),
        detail: rows.get(0, "detail").as_text(),
        updated_at: rows.get(0, "updated_at").as_text(),
    }))
}

/// The services whose first order linked `server_id` (one, normally).
pub fn services_of_server(db: &mut dyn Db, server_id: i64) -> Result<Vec<i64>, DbError> {
    let rows = db.select(
        &Select::from(ORDERS_TABLE, &["service_id"])
            .filter(Condition::eq("server_id", Value::Int(server_id)))
            .filter(Condition::eq("purpose", Value::text(FIRST_ORDER))),
    )?;
    Ok((0..rows.len())
        .filter_map(|i| rows.get(i, "service_id").as_int())
        .collect())
}

/// The first-order job of a service (its server, once linked).
pub fn server_of(db: &mut dyn Db, service_id: i64) -> Result<Option<Job>, DbError> {
    find(db, service_id, FIRST_ORDER)
}

/// Writes a job: a new row, or the existing one's state and facts.
/// A new, unsaved job of (service, purpose).
pub fn new_job(service_id: i64, purpose: &str, whmcs_invoice: i64) -> Job {
    Job {
        id: 0,
        service_id,
        purpose: purpose.to_string(),
        state: State::Refused,
        whmcs_invoice,
        hostkey_invoice: None,
        server_id: None,
        servers_before: 0,
        detail: String::new(),
        updated_at: String::new(),
    }
}

pub fn save(db: &mut dyn Db, job: &mut Job, now: &str) -> Result<(), DbError> {
    job.updated_at = now.to_string();
    let values = vec![
        ("state", Value::text(job.state.key())),
        ("whmcs_invoice", Value::Int(job.whmcs_invoice)),
        (
            "hostkey_invoice",
            job.hostkey_invoice.map_or(Value::Null, Value::Int),
        ),
        ("server_id", job.server_id.map_or(Value::Null, Value::Int)),
        ("servers_before", Value::Int(job.servers_before)),
        ("detail", Value::text(job.detail.clone())),
        ("updated_at", Value::text(now)),
    ];
    if job.id > 0 {
        db.update(&Update {
            table: ORDERS_TABLE.into(),
            assignments: values
                .into_iter()
                .map(|(c, v)| (c.to_string(), v))
                .collect(),
            conditions: vec![Condition::eq("id", Value::Int(job.id))],
        })?;
        return Ok(());
    }
    let mut columns = vec!["service_id".to_string(), "purpose".to_string()];
    let mut row = vec![Value::Int(job.service_id), Value::text(job.purpose.clone())];
    for (column, value) in values {
        columns.push(column.to_string());
        row.push(value);
    }
    let ids = db.insert(&Insert {
        table: ORDERS_TABLE.into(),
        columns,
        rows: vec![row],
    })?;
    job.id = ids.first().copied().unwrap_or(0);
    Ok(())
}
