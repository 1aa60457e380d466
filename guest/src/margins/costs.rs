//! What the module paid HOSTKEY per service: one row per paid HOSTKEY
//! invoice (`mod_hostkeyresellermod_costs`), written where the module pays
//! (first order and renewals), read as the service's exact cost.

use crate::capabilities::Db;
use crate::capabilities::db::{
    ColumnDef, ColumnKind, Condition, DbError, Insert, OrderBy, Select, TableDef, Value,
};
use rust_decimal::Decimal;
use std::str::FromStr;

pub const COSTS_TABLE: &str = "mod_hostkeyresellermod_costs";

pub fn definition() -> TableDef {
    use ColumnKind::*;
    let column = ColumnDef::new;
    TableDef {
        name: COSTS_TABLE.into(),
        columns: vec![
            column("id", Id, false),
            column("service_id", Integer, false),
            column("hostkey_invoice", BigInteger, false),
            column("amount", Money, false),
            column("currency", ShortText, false),
            column("months", Integer, false),
            column("paid_at", DateTime, true),
        ],
        indexes: vec![vec!["service_id".into(), "hostkey_invoice".into()]],
    }
}

/// One paid HOSTKEY invoice of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Paid {
    pub service_id: i64,
    pub hostkey_invoice: i64,
    /// The invoice's total as HOSTKEY stated it.
    pub amount: Decimal,
    /// The currency code the order was placed in (the client's, as sent to HOSTKEY).
    pub currency: String,
    /// The months the invoice pays for (the service's cycle).
    pub months: u32,
}

/// Records a paid invoice once: a second call for the same invoice (a retry,
/// a second delivery) adds nothing. A missing table (module not upgraded yet)
/// or an amount that is not a decimal records nothing; paying never fails
/// for want of this record.
pub fn record(db: &mut dyn Db, paid: &Paid, now: &str) -> Result<bool, DbError> {
    if !db.table_exists(COSTS_TABLE)? {
        return Ok(false);
    }
    let known = db.select(
        &Select::from(COSTS_TABLE, &["id"])
            .filter(Condition::eq("service_id", Value::Int(paid.service_id)))
            .filter(Condition::eq(
                "hostkey_invoice",
                Value::Int(paid.hostkey_invoice),
            )),
    )?;
    if !known.is_empty() {
        return Ok(false);
    }
    db.insert(&Insert {
        table: COSTS_TABLE.into(),
        columns: [
            "service_id",
            "hostkey_invoice",
            "amount",
            "currency",
            "months",
            "paid_at",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![vec![
            Value::Int(paid.service_id),
            Value::Int(paid.hostkey_invoice),
            Value::text(paid.amount.round_dp(2).to_string()),
            Value::text(paid.currency.clone()),
            Value::Int(i64::from(paid.months)),
            Value::text(now),
        ]],
    })?;
    Ok(true)
}

/// Records the invoice when its total reads as a positive decimal; the
/// caller's payment stands whatever happens here.
pub fn record_total(
    db: &mut dyn Db,
    service_id: i64,
    hostkey_invoice: i64,
    total: &str,
    currency: &str,
    months: Option<u32>,
    now: &str,
) {
    let (Ok(amount), Some(months)) = (Decimal::from_str(total.trim()), months) else {
        return;
    };
    if amount <= Decimal::ZERO || currency.trim().is_empty() {
        return;
    }
    let _ = record(
        db,
        &Paid {
            service_id,
            hostkey_invoice,
            amount,
            currency: currency.trim().to_ascii_uppercase(),
            months,
        },
        now,
    );
}

/// The latest paid invoice of each of `services` (highest invoice id).
pub fn latest(
    db: &mut dyn Db,
    services: &[i64],
) -> Result<std::collections::BTreeMap<i64, Paid>, DbError> {
    let mut latest = std::collections::BTreeMap::new();
    if services.is_empty() || !db.table_exists(COSTS_TABLE)? {
        return Ok(latest);
    }
    let mut select = Select::from(
        COSTS_TABLE,
        &[
            "service_id",
            "hostkey_invoice",
            "amount",
            "currency",
            "months",
        ],
    )
    .filter(Condition::in_list(
        "service_id",
        services.iter().map(|s| Value::Int(*s)).collect(),
    ));
    select.order = vec![OrderBy {
        column: "hostkey_invoice".into(),
        descending: false,
    }];
    let rows = db.select(&select)?;
    for i in 0..rows.len() {
        let (Some(service_id), Ok(amount)) = (
            rows.get(i, "service_id").as_int(),
            Decimal::from_str(rows.get(i, "amount").as_text().trim()),
        ) else {
            continue;
        };
        let months = rows
            .get(i, "months")
            .as_int()
            .and_then(|m| u32::try_from(m).ok())
            .filter(|m| *m > 0);
        let Some(months) = months else { continue };
        latest.insert(
            service_id,
            Paid {
                service_id,
                hostkey_invoice: rows.get(i, "hostkey_invoice").as_int().unwrap_or(0),
                amount,
                currency: rows
                    .get(i, "currency")
                    .as_text()
                    .trim()
                    .to_ascii_uppercase(),
                months,
            },
        );
    }
    Ok(latest)
}
