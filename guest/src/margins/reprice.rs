//! Optional repricing of existing services, never automatic: the preview
//! shows each selected service's recurring amount next to its product's
//! current price for the service's cycle and currency; the apply writes
//! exactly those amounts in one transaction, one module-log line each.

use super::report::{self, Line, currencies};
use super::view::RepriceLine;
use crate::capabilities::db::{Condition, Select, Update, Value, in_transaction};
use crate::capabilities::{Db, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_log;
use crate::schema::settings::Settings;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The form field of a selected service (`service[]` posts `service[0]`, ...).
pub const FIELD: &str = "service";

/// The service ids the admin ticked, in order, once each; junk is refused.
pub fn selected(form: &[(String, String)]) -> ModuleResult<Vec<i64>> {
    let mut ids = Vec::new();
    for (name, value) in form {
        if name != FIELD && !name.starts_with("service[") {
            continue;
        }
        let id = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                ModuleError::InvalidInput(format!(
                    "\"{}\" is not a service id; nothing was changed.",
                    value.trim()
                ))
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(ModuleError::InvalidInput(
            "No service was selected; tick the services to reprice in the Margins table.".into(),
        ));
    }
    Ok(ids)
}

/// The selected services' new amounts; any service that is not a live
/// service of this module, or whose product has no price for its cycle and
/// currency, refuses the whole selection.
pub fn preview(db: &mut dyn Db, ids: &[i64]) -> ModuleResult<Vec<RepriceLine>> {
    let book = report::read(db)?;
    let currencies = currencies(db)?;
    let mut lines = Vec::new();
    for id in ids {
        let line = book
            .lines
            .iter()
            .find(|l| l.service_id == *id)
            .ok_or_else(|| {
                ModuleError::InvalidInput(format!(
                    "Service {id} is not an Active or Suspended service of this module; nothing was changed."
                ))
            })?;
        let currency = currencies
            .iter()
            .find(|c| c.code == line.currency)
            .map(|c| c.id)
            .unwrap_or(0);
        let proposed = product_price(db, line, currency)?;
        lines.push(RepriceLine {
            service_id: line.service_id,
            client: line.client.clone(),
            product: line.product.clone(),
            cycle: line.cycle.clone(),
            currency: line.currency.clone(),
            current: super::money::shown(line.amount),
            proposed: super::money::shown(proposed),
        });
    }
    Ok(lines)
}

fn product_price(db: &mut dyn Db, line: &Line, currency: i64) -> ModuleResult<Decimal> {
    let column = crate::orders::terms::BillingCycle::from_whmcs(&line.cycle)
        .and_then(super::catalogue::price_column);
    let missing = || {
        ModuleError::InvalidInput(format!(
            "Service {}: its product has no {} price in {}, so nothing was changed.",
            line.service_id,
            line.cycle.to_ascii_lowercase(),
            line.currency
        ))
    };
    let column = column.ok_or_else(missing)?;
    let rows = db.select(
        &Select::from("tblpricing", &[column])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("relid", Value::Int(line.product_id)))
            .filter(Condition::eq("currency", Value::Int(currency))),
    )?;
    if rows.is_empty() {
        return Err(missing());
    }
    Decimal::from_str(rows.get(0, column).as_text().trim())
        .ok()
        .filter(|p| *p >= Decimal::ZERO)
        .map(crate::catalog::pricing::cents)
        .ok_or_else(missing)
}

/// Writes the previewed amounts in one transaction, then one module-log
/// line per service. Nothing is written when any service refuses.
pub fn apply(
    db: &mut dyn Db,
    platform: &mut dyn Platform,
    ids: &[i64],
    now_unix: i64,
) -> ModuleResult<Vec<RepriceLine>> {
    let lines = preview(db, ids)?;
    in_transaction(db, |db| -> ModuleResult<()> {
        for line in &lines {
            let changed = db.update(&Update {
                table: "tblhosting".into(),
                assignments: vec![("amount".into(), Value::text(line.proposed.clone()))],
                conditions: vec![Condition::eq("id", Value::Int(line.service_id))],
            })?;
            if changed == 0 && line.current != line.proposed {
                return Err(ModuleError::InvalidInput(format!(
                    "WHMCS did not change service {}; nothing was changed.",
                    line.service_id
                )));
            }
        }
        Ok(())
    })?;
    let settings = Settings::load(db).unwrap_or_default();
    for line in &lines {
        module_log::record(
            db,
            platform,
            &settings,
            module_log::Entry {
                action: "reprice",
                params: &format!("service {}", line.service_id),
                outcome: &format!(
                    "Recurring amount of service {} ({}, {}) set from {} to {} {}.",
                    line.service_id,
                    line.product,
                    line.cycle,
                    line.current,
                    line.proposed,
                    line.currency
                ),
                now_unix,
                keep: true,
            },
        );
    }
    Ok(lines)
}
