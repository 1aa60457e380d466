//! HOSTKEY's cost of a service as the imported catalogue says: the
//! product's price for the cycle with the import's markup and the options
//! taken back to HOSTKEY's price.

use super::money::{import_discount, months};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::catalog::group::ServerGroup;
use crate::catalog::pricing::{Currency, Markup};
use crate::catalog::settings::ImportSettings;
use crate::catalog::specs::MODULE_NAME;
use crate::error::ModuleResult;
use crate::orders::terms::BillingCycle;
use crate::schema::module_tables::PRODUCTS_TABLE;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

/// A product of the module as the Margins view needs it.
pub struct Product {
    pub name: String,
    /// HOSTKEY's preset name (the module's record of the product).
    pub preset: String,
    pub location: String,
    pub retired: bool,
    /// The default currency's prices by `tblpricing` column.
    pub prices: BTreeMap<&'static str, Decimal>,
}

/// A decimal column, none when it is not one.
pub fn decimal(value: &Value) -> Option<Decimal> {
    Decimal::from_str(value.as_text().trim()).ok()
}

pub fn ints(values: impl IntoIterator<Item = i64>) -> Vec<Value> {
    values.into_iter().map(Value::Int).collect()
}

/// The `tblpricing` column of a cycle.
pub fn price_column(cycle: BillingCycle) -> Option<&'static str> {
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

pub fn products(db: &mut dyn Db) -> ModuleResult<BTreeMap<i64, Product>> {
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
pub fn product_prices(
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
pub fn option_prices(
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

pub struct Context<'a> {
    pub default: &'a Currency,
    pub currencies: &'a [Currency],
    pub settings: &'a ImportSettings,
}

/// HOSTKEY's monthly cost of a service at the catalogue's current price:
/// the product's price for its cycle in the default currency, per month,
/// with the markup taken off (HOSTKEY's price for that cycle as the import
/// computes it: the monthly price with the cycle's discount), plus its
/// options' monthly prices (their markup taken off when options carry one).
pub fn estimate(
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

/// `HKP-vm.nano (NL)` -> `vm.nano`: the preset of a product without a record.
pub fn preset_of_name(name: &str) -> &str {
    let without_location = name.rsplit_once(" (").map_or(name, |(p, _)| p);
    without_location
        .split_once('-')
        .map_or(without_location, |(_, p)| p)
}
