//! The service's admin-only custom fields the public module keeps its state
//! in (`Invoice ID`, `Preset ID`, `Api key`): kept filled the same way, so a
//! service stays readable by either module.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Insert, Select, Update, Value};

pub const INVOICE_ID: &str = "Invoice ID";
pub const PRESET_ID: &str = "Preset ID";
pub const API_KEY: &str = "Api key";

fn field_id(db: &mut dyn Db, product_id: i64, name: &str) -> Result<Option<i64>, DbError> {
    let rows = db.select(
        &Select::from("tblcustomfields", &["id"])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("relid", Value::Int(product_id)))
            .filter(Condition::eq("fieldname", Value::text(name))),
    )?;
    Ok((!rows.is_empty())
        .then(|| rows.get(0, "id").as_int())
        .flatten())
}

/// The field's value for the service ("" when unset or the field is missing).
pub fn get(
    db: &mut dyn Db,
    product_id: i64,
    service_id: i64,
    name: &str,
) -> Result<String, DbError> {
    let Some(field) = field_id(db, product_id, name)? else {
        return Ok(String::new());
    };
    let rows = db.select(
        &Select::from("tblcustomfieldsvalues", &["value"])
            .filter(Condition::eq("fieldid", Value::Int(field)))
            .filter(Condition::eq("relid", Value::Int(service_id))),
    )?;
    Ok(if rows.is_empty() {
        String::new()
    } else {
        rows.get(0, "value").as_text()
    })
}

/// Stores the field's value for the service: one value row, updated in place.
pub fn set(
    db: &mut dyn Db,
    product_id: i64,
    service_id: i64,
    name: &str,
    value: &str,
) -> Result<(), DbError> {
    let Some(field) = field_id(db, product_id, name)? else {
        return Err(DbError::Invalid(format!(
            "the product {product_id} has no custom field \"{name}\" (run the catalogue import to add it)"
        )));
    };
    let matched = db.update(&Update {
        table: "tblcustomfieldsvalues".into(),
        assignments: vec![("value".into(), Value::text(value))],
        conditions: vec![
            Condition::eq("fieldid", Value::Int(field)),
            Condition::eq("relid", Value::Int(service_id)),
        ],
    })?;
    if matched == 0 {
        db.insert(&Insert {
            table: "tblcustomfieldsvalues".into(),
            columns: vec!["fieldid".into(), "relid".into(), "value".into()],
            rows: vec![vec![
                Value::Int(field),
                Value::Int(service_id),
                Value::text(value),
            ]],
        })?;
    }
    Ok(())
}

/// A positive id written in a custom field ("" and junk are none).
pub fn id_in(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}
