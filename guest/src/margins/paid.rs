//! What the order path records after it paid a HOSTKEY invoice (apart from
//! `costs.rs`, whose table definition the schema reads: the schema must not
//! reach the order path through it).

use super::costs::record_total;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};

/// Records a HOSTKEY invoice the module just paid for a service: its total,
/// in the currency the order was placed in (the client's, which the order
/// sends HOSTKEY as `currency_code`), for the months of the service's cycle.
/// Reading what is needed may fail; the payment stands and nothing is recorded.
pub fn record_paid(db: &mut dyn Db, service_id: i64, hostkey_invoice: i64, total: &str, now: &str) {
    let Ok(rows) = db.select(
        &Select::from("tblhosting", &["userid", "billingcycle"])
            .filter(Condition::eq("id", Value::Int(service_id))),
    ) else {
        return;
    };
    if rows.is_empty() {
        return;
    }
    let client = rows.get(0, "userid").as_int().unwrap_or(0);
    let months =
        crate::orders::terms::BillingCycle::from_whmcs(&rows.get(0, "billingcycle").as_text())
            .and_then(super::money::months);
    let Ok(currency) = crate::orders::order_request::client_currency(db, client) else {
        return;
    };
    record_total(
        db,
        service_id,
        hostkey_invoice,
        total,
        &currency,
        months,
        now,
    );
}
