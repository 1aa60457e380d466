//! Cost, income and margin per live service (Active or Suspended), read
//! from what WHMCS and the module already hold; no HOSTKEY call.

use super::costs::{self, Paid};
use super::money::{import_discount, months, to_default};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::catalog::group::ServerGroup;
use crate::catalog::pricing::{Currency, Markup};
use crate::catalog::settings::ImportSettings;
use crate::catalog::specs::MODULE_NAME;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::custom_fields::PRESET_ID;
use crate::orders::state;
use crate::orders::terms::BillingCycle;
use crate::schema::module_tables::PRODUCTS_TABLE;
use crate::servers::ops;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

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

struct Product {
    name: String,
    preset: String,
    location: String,
    retired: bool,
    /// The default currency's prices: monthly, quarterly, semi-annually, annually.
    prices: BTreeMap<&'static str, Decimal>,
}

fn decimal(value: &Value) -> Option<Decimal> {
    Decimal::from_str(value.as_text().trim()).ok()
}

fn ints(values: impl IntoIterator<Item = i64>) -> Vec<Value> {
    values.into_iter().map(Value::Int).collect()
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

/// The `tblpricing` column of a cycle.
fn price_column(cycle: BillingCycle) -> Option<&'static str> {
    match cycle {
        BillingCycle::Monthly => Some("monthly"),
        BillingCycle::Quarterly => Some("quarterly"),
        BillingCycle::SemiAnnually => Some("semiannually"),
        BillingCycle::Annually => Some("annually"),
        BillingCycle::Biennially => Some("biennially"),
        BillingCycle::Triennially => Some("triennially"),
        _ => None,
    }
}

const PRICE_COLUMNS: [&str; 6] = [
    "monthly",
    "quarterly",
    "semiannually",
    "annually",
    "biennially",
    "triennially",
];

fn products(db: &mut dyn Db) -> ModuleResult<BTreeMap<i64, Product>> {
    let rows = db.select(
        &Select::from("tblproducts", &["id", "name", "configoption2", "retired"])
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    )?;
    let mut products = BTreeMap::new();
    for i in 0..rows.len() {
        let Some(id) = rows.get(i, "id").as_int() else {
            continue;
        };
        products.insert(
            id,
            Product {
                name: rows.get(i, "name").as_text(),
                preset: String::new(),
                location: rows.get(i, "configoption2").as_text(),
                retired: rows.get(i, "retired").as_int().unwrap_or(0) != 0,
                prices: BTreeMap::new(),
            },
        );
    }
    if products.is_empty() {
        return Ok(products);
    }
    let ids: Vec<i64> = products.keys().copied().collect();
    if db.table_exists(PRODUCTS_TABLE)? {
        let records = db.select(
            &Select::from(PRODUCTS_TABLE, &["relid", "name"])
                .filter(Condition::eq("type", Value::text("product")))
                .filter(Condition::in_list("relid", ints(ids.clone()))),
        )?;
        for i in 0..records.len() {
            if let Some(p) = records
                .get(i, "relid")
                .as_int()
                .and_then(|id| products.get_mut(&id))
            {
                p.preset = records.get(i, "name").as_text();
            }
        }
    }
    Ok(products)
}

/// The default currency's prices of the products in use (only those: a
/// shop without live services reads no price).
fn product_prices(
    db: &mut dyn Db,
    products: &mut BTreeMap<i64, Product>,
    used: &std::collections::BTreeSet<i64>,
    default: &Currency,
) -> ModuleResult<()> {
    if used.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = used.iter().copied().collect();
    let mut columns = vec!["relid"];
    columns.extend(PRICE_COLUMNS);
    let prices = db.select(
        &Select::from("tblpricing", &columns)
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("currency", Value::Int(default.id)))
            .filter(Condition::in_list("relid", ints(ids))),
    )?;
    for i in 0..prices.len() {
        if let Some(p) = prices
            .get(i, "relid")
            .as_int()
            .and_then(|id| products.get_mut(&id))
        {
            for column in PRICE_COLUMNS {
                if let Some(price) = decimal(prices.get(i, column)) {
                    p.prices.insert(column, price);
                }
            }
        }
    }
    Ok(())
}

/// The monthly price per chosen sub-option of each service, default currency.
fn option_prices(
    db: &mut dyn Db,
    services: &[i64],
    default: &Currency,
) -> ModuleResult<BTreeMap<i64, Vec<Decimal>>> {
    let mut chosen: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    if services.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows = db.select(
        &Select::from("tblhostingconfigoptions", &["relid", "optionid"])
            .filter(Condition::in_list("relid", ints(services.iter().copied()))),
    )?;
    for i in 0..rows.len() {
        if let (Some(service), Some(option)) = (
            rows.get(i, "relid").as_int(),
            rows.get(i, "optionid").as_int(),
        ) {
            chosen.entry(service).or_default().push(option);
        }
    }
    let options: Vec<i64> = chosen.values().flatten().copied().collect();
    if options.is_empty() {
        return Ok(BTreeMap::new());
    }
    let prices = db.select(
        &Select::from("tblpricing", &["relid", "monthly"])
            .filter(Condition::eq("type", Value::text("configoptions")))
            .filter(Condition::eq("currency", Value::Int(default.id)))
            .filter(Condition::in_list("relid", ints(options))),
    )?;
    let mut monthly = BTreeMap::new();
    for i in 0..prices.len() {
        if let (Some(id), Some(price)) = (
            prices.get(i, "relid").as_int(),
            decimal(prices.get(i, "monthly")),
        ) {
            monthly.insert(id, price);
        }
    }
    Ok(chosen
        .into_iter()
        .map(|(service, options)| {
            let prices = options
                .iter()
                .filter_map(|o| monthly.get(o).copied())
                .filter(|p| *p > Decimal::ZERO)
                .collect();
            (service, prices)
        })
        .collect())
}

/// A sale price with the import's markup taken off; a free price stays free.
fn before_markup(
    price: Decimal,
    markup: &Markup,
    default: &Currency,
    currencies: &[Currency],
) -> Option<Decimal> {
    if price.is_zero() {
        return Some(price);
    }
    match markup {
        Markup::Percent(p) => {
            let factor = Decimal::ONE + *p / Decimal::ONE_HUNDRED;
            (factor > Decimal::ZERO).then(|| price / factor)
        }
        Markup::Fixed { amount, currency } => {
            let from = currencies.iter().find(|c| &c.code == currency)?;
            Some(price - crate::catalog::pricing::convert(*amount, from, default)?)
        }
    }
}

struct Context<'a> {
    default: &'a Currency,
    currencies: &'a [Currency],
    settings: &'a ImportSettings,
}

/// HOSTKEY's monthly cost of a service at the catalogue's current price:
/// the product's price for its cycle in the default currency, per month,
/// with the markup taken off (HOSTKEY's price for that cycle as the import
/// computes it: the monthly price with the cycle's discount), plus its
/// options' monthly prices (their markup taken off when options carry one).
fn estimate(
    ctx: &Context,
    product: &Product,
    group: Option<ServerGroup>,
    cycle: BillingCycle,
    options: &[Decimal],
) -> Result<Decimal, String> {
    if product.retired {
        return Err(format!(
            "HOSTKEY's catalogue no longer lists preset {} in {}, so its cost cannot be estimated.",
            if product.preset.is_empty() {
                &product.name
            } else {
                &product.preset
            },
            product.location
        ));
    }
    let (Some(months), Some(discount), Some(column)) =
        (months(cycle), import_discount(cycle), price_column(cycle))
    else {
        return Err(format!(
            "The catalogue has no {} price from HOSTKEY, so its cost cannot be estimated.",
            cycle_text(cycle)
        ));
    };
    let price = product
        .prices
        .get(column)
        .copied()
        .filter(|p| *p >= Decimal::ZERO)
        .ok_or_else(|| {
            format!(
                "Its product has no {} price in {}, so its cost cannot be estimated.",
                cycle_text(cycle),
                ctx.default.code
            )
        })?;
    let group = group.ok_or_else(|| {
        "Its product names no VPS, bare metal or GPU preset, so its markup is unknown.".to_string()
    })?;
    let markup = ctx
        .settings
        .groups
        .get(&group)
        .map(|g| g.markup.clone())
        .unwrap_or(Markup::Percent(Decimal::ZERO));
    let unmarked = |price: Decimal| {
        before_markup(price, &markup, ctx.default, ctx.currencies).ok_or_else(|| {
            "The markup's currency has no exchange rate, so the cost cannot be estimated."
                .to_string()
        })
    };
    // The sale price is the marked-up monthly price times the months with
    // the cycle's discount; HOSTKEY's share keeps that discount.
    let per_month = price / (Decimal::from(months) * discount);
    let mut cost = unmarked(per_month)? * discount;
    for option in options {
        cost += if ctx.settings.option_markup {
            unmarked(*option)?
        } else {
            *option
        };
    }
    Ok(cost)
}

fn cycle_text(cycle: BillingCycle) -> String {
    format!("{cycle:?}").to_ascii_lowercase()
}

/// The servers recorded for the services, without asking HOSTKEY: the
/// management row, else the first order, else the public module's
/// `Preset ID` (the same sources as `orders::server_of::known`, read in batches).
fn servers(db: &mut dyn Db, services: &[(i64, i64)]) -> ModuleResult<BTreeMap<i64, i64>> {
    let mut found = BTreeMap::new();
    if services.is_empty() {
        return Ok(found);
    }
    let ids = || ints(services.iter().map(|(s, _)| *s));
    for (table, purpose) in [
        (ops::SERVERS_TABLE, None),
        (state::ORDERS_TABLE, Some(state::FIRST_ORDER)),
    ] {
        if !db.table_exists(table)? {
            continue;
        }
        let mut select = Select::from(table, &["service_id", "server_id"])
            .filter(Condition::in_list("service_id", ids()));
        if let Some(purpose) = purpose {
            select = select.filter(Condition::eq("purpose", Value::text(purpose)));
        }
        let rows = db.select(&select)?;
        for i in 0..rows.len() {
            if let (Some(service), Some(server)) = (
                rows.get(i, "service_id").as_int(),
                rows.get(i, "server_id").as_int().filter(|s| *s > 0),
            ) {
                found.entry(service).or_insert(server);
            }
        }
    }
    let rest: Vec<(i64, i64)> = services
        .iter()
        .filter(|(s, _)| !found.contains_key(s))
        .copied()
        .collect();
    if rest.is_empty() {
        return Ok(found);
    }
    // The public module's `Preset ID` of the rest: their products' fields,
    // then those fields' values of the rest, in two selects.
    let fields = db.select(
        &Select::from("tblcustomfields", &["id", "relid"])
            .filter(Condition::eq("type", Value::text("product")))
            .filter(Condition::eq("fieldname", Value::text(PRESET_ID)))
            .filter(Condition::in_list(
                "relid",
                ints(rest.iter().map(|(_, p)| *p)),
            )),
    )?;
    let field_of: BTreeMap<i64, i64> = (0..fields.len())
        .filter_map(|i| {
            Some((
                fields.get(i, "relid").as_int()?,
                fields.get(i, "id").as_int()?,
            ))
        })
        .collect();
    if field_of.is_empty() {
        return Ok(found);
    }
    let values = db.select(
        &Select::from("tblcustomfieldsvalues", &["fieldid", "relid", "value"])
            .filter(Condition::in_list(
                "fieldid",
                ints(field_of.values().copied()),
            ))
            .filter(Condition::in_list(
                "relid",
                ints(rest.iter().map(|(s, _)| *s)),
            )),
    )?;
    for i in 0..values.len() {
        let (Some(field), Some(service)) = (
            values.get(i, "fieldid").as_int(),
            values.get(i, "relid").as_int(),
        ) else {
            continue;
        };
        let own_field = rest
            .iter()
            .any(|(s, p)| *s == service && field_of.get(p) == Some(&field));
        if let (true, Some(server)) = (
            own_field,
            crate::orders::server_of::id_in(&values.get(i, "value").as_text()),
        ) {
            found.entry(service).or_insert(server);
        }
    }
    Ok(found)
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
            Some(c) => estimate(
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

/// `HKP-vm.nano (NL)` -> `vm.nano`: the preset of a product without a record.
fn preset_of_name(name: &str) -> &str {
    let without_location = name.rsplit_once(" (").map_or(name, |(p, _)| p);
    without_location
        .split_once('-')
        .map_or(without_location, |(_, p)| p)
}

fn clients(
    db: &mut dyn Db,
    ids: impl Iterator<Item = i64>,
) -> ModuleResult<BTreeMap<i64, (String, i64)>> {
    let ids: std::collections::BTreeSet<i64> = ids.collect();
    let mut clients = BTreeMap::new();
    if ids.is_empty() {
        return Ok(clients);
    }
    let rows = db.select(
        &Select::from("tblclients", &["id", "email", "currency"])
            .filter(Condition::in_list("id", ints(ids))),
    )?;
    for i in 0..rows.len() {
        if let Some(id) = rows.get(i, "id").as_int() {
            clients.insert(
                id,
                (
                    rows.get(i, "email").as_text(),
                    rows.get(i, "currency").as_int().unwrap_or(0),
                ),
            );
        }
    }
    Ok(clients)
}
