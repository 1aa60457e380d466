//! `eq/order_instance` built from WHMCS's facts of the service.

use super::hostkey::OrderInstance;
use super::service::Service;
use super::terms::BillingCycle;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::error::{ModuleError, ModuleResult};

/// HOSTKEY's `deploy_period` for a WHMCS billing cycle; the module's
/// products offer only these four.
pub fn deploy_period(service_id: i64, cycle: &str) -> ModuleResult<&'static str> {
    match BillingCycle::from_whmcs(cycle) {
        Some(BillingCycle::Monthly) => Ok("monthly"),
        Some(BillingCycle::Quarterly) => Ok("quarterly"),
        Some(BillingCycle::SemiAnnually) => Ok("semi-annually"),
        Some(BillingCycle::Annually) => Ok("annually"),
        _ => Err(ModuleError::InvalidInput(format!(
            "Service {service_id} is billed \"{}\", which HOSTKEY does not sell (monthly, quarterly, semi-annually or annually).",
            cycle.trim().to_ascii_lowercase()
        ))),
    }
}

/// The client's WHMCS currency code (the public module sends it), else WHMCS's default.
pub fn client_currency(db: &mut dyn Db, client_id: i64) -> Result<String, DbError> {
    let client = db.select(
        &Select::from("tblclients", &["currency"])
            .filter(Condition::eq("id", Value::Int(client_id))),
    )?;
    let currency = if client.is_empty() {
        None
    } else {
        client.get(0, "currency").as_int()
    };
    let mut select = Select::from("tblcurrencies", &["code"]);
    select = match currency {
        Some(id) => select.filter(Condition::eq("id", Value::Int(id))),
        None => select.filter(Condition::eq("default", Value::Int(1))),
    };
    let rows = db.select(&select)?;
    Ok(if rows.is_empty() {
        String::new()
    } else {
        rows.get(0, "code").as_text().to_ascii_uppercase()
    })
}

pub struct OrderFacts {
    pub root_pass: String,
    pub reseller_email: String,
    pub currency_code: String,
    pub callback_url: String,
}

pub fn build(service: &Service, facts: OrderFacts) -> ModuleResult<OrderInstance> {
    let os = service.os.clone().ok_or_else(|| {
        ModuleError::InvalidInput(format!(
            "Service {} has no operating system chosen, so it cannot be ordered.",
            service.id
        ))
    })?;
    if facts.root_pass.is_empty() {
        return Err(ModuleError::InvalidInput(format!(
            "Service {} has no password to set as the server's root password.",
            service.id
        )));
    }
    if service.location.is_empty() || service.preset.is_empty() {
        return Err(ModuleError::InvalidInput(format!(
            "The product of service {} names no HOSTKEY preset or location (configoption1 and 2).",
            service.id
        )));
    }
    Ok(OrderInstance {
        preset: service.preset.clone(),
        location: service.location.clone(),
        os_id: os.id,
        os_name: os.name,
        soft: service.soft.clone().map(|s| (s.id, s.name)),
        traffic_plan: service.traffic.as_ref().map(|t| t.id),
        root_pass: facts.root_pass,
        hostname: service.hostname.clone(),
        deploy_period: deploy_period(service.id, &service.billing_cycle)?.to_string(),
        email: facts.reseller_email,
        currency_code: facts.currency_code,
        post_install_callback: facts.callback_url,
    })
}
