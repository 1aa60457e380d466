//! Cost, income and margin per live service (Active or Suspended), read
//! from what WHMCS and the module already hold; no HOSTKEY call.

use super::catalogue::{
    self, Context, decimal, ints, option_prices, preset_of_name, product_prices, products,
};
use super::costs::{self, Paid};
use super::known::{clients, servers};
use super::money::{months, to_default};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::catalog::group::ServerGroup;
use crate::catalog::pricing::Currency;
use crate::catalog::settings::ImportSettings;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::terms::BillingCycle;
use rust_decimal::Decimal;

/// Where a cost comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The latest HOSTKEY invoice the module paid for the server.
    Exact,
    /// The current catalogue price, before markup.
    Estimated,
}

impl Basis {
    pub fn key(self) -> &'static str {
        match self {
            Basis::Exact => "exact",
            Basis::Estimated => "estimated",
        }
    }
}

/// One live service.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub service_id: i64,
    pub client_id: i64,
    /// The client's e-mail (or `client <id>`).
    pub client: String,
    /// The HOSTKEY server id; empty when none is known.
    pub server: String,
    pub product_id: i64,
    pub product: String,
    pub group: Option<ServerGroup>,
    pub status: String,
    /// WHMCS's spelling of the cycle.
    pub cycle: String,
    /// The client's currency code.
    pub currency: String,
    /// `tblhosting.amount` as stored.
    pub amount: Decimal,
    pub next_due: String,
    /// Income per month in the default currency.
    pub income: Option<Decimal>,
    /// HOSTKEY's cost per month in the default currency, and its basis.
    pub cost: Option<(Decimal, Basis)>,
    /// The catalogue's cost per month (what a renewal at HOSTKEY's current
    /// price costs), or why it cannot be known.
    pub estimate: Result<Decimal, String>,
    /// Why no margin is shown; none when it is.
    pub reason: Option<String>,
}

impl Line {
    pub fn margin(&self) -> Option<Decimal> {
        if self.reason.is_some() {
            return None;
        }
        Some(self.income? - self.cost?.0)
    }

    /// The margin as a share of the income; none without income.
    pub fn percent(&self) -> Option<Decimal> {
        let income = self.income?;
        if income.is_zero() {
            return None;
        }
        Some(self.margin()? / income * Decimal::ONE_HUNDRED)
    }

    /// The margin at the catalogue's current price, as a share of the income.
    pub fn estimated_percent(&self) -> Option<Decimal> {
        let income = self.income.filter(|i| !i.is_zero())?;
        let estimate = self.estimate.as_ref().ok()?;
        Some((income - estimate) / income * Decimal::ONE_HUNDRED)
    }
}

/// Every live service of the module and the default currency's code.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub currency: String,
    pub lines: Vec<Line>,
}

/// WHMCS's currencies as stored: a rate of 0 stays 0 (that currency cannot
/// be converted; its services say so).
pub fn currencies(db: &mut dyn Db) -> ModuleResult<Vec<Currency>> {
    let rows = db.select(&Select::from(
        "tblcurrencies",
        &["id", "code", "rate", "default"],
    ))?;
    Ok((0..rows.len())
        .map(|i| Currency {
            id: rows.get(i, "id").as_int().unwrap_or(0),
            code: rows.get(i, "code").as_text().trim().to_ascii_uppercase(),
            rate: decimal(rows.get(i, "rate")).unwrap_or(Decimal::ZERO),
            default: rows.get(i, "default").as_int() == Some(1),
        })
        .collect())
}

/// Reads every live service of the module with its income, cost and margin.
pub fn read(db: &mut dyn Db) -> ModuleResult<Book> {
    read_with(db, true)
}

/// `servers` false skips the server lookups (the sync's warnings need only
/// the catalogue's estimate and the income).
pub fn read_with(db: &mut dyn Db, with_servers: bool) -> ModuleResult<Book> {
    let currencies = currencies(db)?;
    let default = currencies
        .iter()
        .find(|c| c.default)
        .cloned()
        .ok_or_else(|| {
            ModuleError::InvalidInput(
                "WHMCS has no default currency: set one under System Settings, Currencies.".into(),
            )
        })?;
    let settings = ImportSettings::load(db, &currencies).unwrap_or_default();
    let mut products = products(db)?;
    let mut book = Book {
        currency: default.code.clone(),
        lines: Vec::new(),
    };
    if products.is_empty() {
        return Ok(book);
    }
    let services = db.select(
        &Select::from(
            "tblhosting",
            &[
                "id",
                "userid",
                "packageid",
                "amount",
                "billingcycle",
                "domainstatus",
                "nextduedate",
            ],
        )
        .filter(Condition::in_list(
            "packageid",
            ints(products.keys().copied()),
        ))
        .filter(Condition::in_list(
            "domainstatus",
            vec![Value::text("Active"), Value::text("Suspended")],
        )),
    )?;
    let ids: Vec<i64> = (0..services.len())
        .filter_map(|i| services.get(i, "id").as_int())
        .collect();
    let used = (0..services.len())
        .filter_map(|i| services.get(i, "packageid").as_int())
        .collect();
    product_prices(db, &mut products, &used, &default)?;
    let clients = clients(
        db,
        (0..services.len()).filter_map(|i| services.get(i, "userid").as_int()),
    )?;
    let options = option_prices(db, &ids, &default)?;
    let paid = costs::latest(db, &ids)?;
    let servers = if with_servers {
        let pairs: Vec<(i64, i64)> = (0..services.len())
            .filter_map(|i| {
                Some((
                    services.get(i, "id").as_int()?,
                    services.get(i, "packageid").as_int()?,
                ))
            })
            .collect();
        Some(servers(db, &pairs)?)
    } else {
        None
    };
    let ctx = Context {
        default: &default,
        currencies: &currencies,
        settings: &settings,
    };
    for i in 0..services.len() {
        let Some(service_id) = services.get(i, "id").as_int() else {
            continue;
        };
        let product_id = services.get(i, "packageid").as_int().unwrap_or(0);
        let Some(product) = products.get(&product_id) else {
            continue;
        };
        let client_id = services.get(i, "userid").as_int().unwrap_or(0);
        let (email, currency_id) = clients.get(&client_id).cloned().unwrap_or_default();
        let currency = currencies
            .iter()
            .find(|c| c.id == currency_id)
            .unwrap_or(&default);
        let cycle_text = services.get(i, "billingcycle").as_text();
        let cycle = BillingCycle::from_whmcs(&cycle_text);
        let amount = decimal(services.get(i, "amount")).unwrap_or(Decimal::ZERO);
        let server = match &servers {
            Some(known) => known.get(&service_id).map(|s| s.to_string()),
            None => Some(String::new()),
        };
        let group = ServerGroup::of_preset(&product.preset)
            .or_else(|| ServerGroup::of_preset(preset_of_name(&product.name)));
        let mut line = Line {
            service_id,
            client_id,
            client: if email.is_empty() {
                format!("client {client_id}")
            } else {
                email
            },
            server: server.clone().unwrap_or_default(),
            product_id,
            product: product.name.clone(),
            group,
            status: services.get(i, "domainstatus").as_text(),
            cycle: cycle_text.trim().to_string(),
            currency: currency.code.clone(),
            amount,
            next_due: services.get(i, "nextduedate").as_text(),
            income: None,
            cost: None,
            estimate: Err(String::new()),
            reason: None,
        };
        let no_options = Vec::new();
        line.estimate = match cycle {
            Some(c) => catalogue::estimate(
                &ctx,
                product,
                group,
                c,
                options.get(&service_id).unwrap_or(&no_options),
            ),
            None => Err(String::new()),
        };
        line.reason = judge(
            &mut line,
            cycle,
            currency,
            server.is_some(),
            paid.get(&service_id),
            &currencies,
        );
        book.lines.push(line);
    }
    Ok(book)
}

/// Fills income and cost; returns why the margin cannot be shown.
fn judge(
    line: &mut Line,
    cycle: Option<BillingCycle>,
    currency: &Currency,
    has_server: bool,
    paid: Option<&Paid>,
    currencies: &[Currency],
) -> Option<String> {
    let Some(cycle) = cycle else {
        return Some(format!(
            "Its billing cycle \"{}\" is not one WHMCS documents.",
            line.cycle
        ));
    };
    let Some(months) = months(cycle) else {
        return Some(format!(
            "It is billed \"{}\", which does not recur, so it has no monthly income.",
            line.cycle
        ));
    };
    let Some(income) = to_default(line.amount / Decimal::from(months), currency) else {
        return Some(format!(
            "Its client pays in {}, which has no exchange rate in WHMCS.",
            currency.code
        ));
    };
    line.income = Some(income);
    if !has_server {
        return Some("No HOSTKEY server is known for it (none recorded, no Preset ID).".into());
    }
    if let Some(paid) = paid {
        let Some(from) = currencies.iter().find(|c| c.code == paid.currency) else {
            return Some(format!(
                "HOSTKEY invoice {} is in {}, which WHMCS has no rate for.",
                paid.hostkey_invoice, paid.currency
            ));
        };
        let Some(cost) = to_default(paid.amount / Decimal::from(paid.months), from) else {
            return Some(format!(
                "HOSTKEY invoice {} is in {}, which has no exchange rate in WHMCS.",
                paid.hostkey_invoice, paid.currency
            ));
        };
        line.cost = Some((cost, Basis::Exact));
        return None;
    }
    match &line.estimate {
        Ok(cost) => {
            line.cost = Some((*cost, Basis::Estimated));
            None
        }
        Err(why) => Some(why.clone()),
    }
}
