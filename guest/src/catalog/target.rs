//! The catalogue WHMCS should hold, computed in memory from the presets, the
//! import settings and WHMCS's currencies. Pure: no I/O.

use super::group::ServerGroup;
use super::preset::{Choice, Preset};
use super::pricing::{self, Currency, CyclePrices, Markup};
use super::settings::{ImportSettings, SortOrder};
use rust_decimal::Decimal;

/// Products are found again by (preset id, location).
pub type ProductKey = (i64, String);

#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    /// `<LOC> <title>`, e.g. "NL VPS products": how groups are found again.
    pub name: String,
    pub location: String,
    pub group: ServerGroup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptionKind {
    Os,
    Soft,
    Traffic,
}

impl OptionKind {
    pub const ALL: [OptionKind; 3] = [OptionKind::Os, OptionKind::Soft, OptionKind::Traffic];

    pub fn label(self) -> &'static str {
        match self {
            OptionKind::Os => "OS",
            OptionKind::Soft => "Soft",
            OptionKind::Traffic => "Traffic",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetSub {
    /// HOSTKEY's id of the OS / soft / traffic plan; 0 for "Do not install".
    pub hk_id: i64,
    /// `<name> (#<id>)`
    pub name: String,
    pub sort_order: i64,
    /// (currency id, prices)
    pub prices: Vec<(i64, CyclePrices)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetOption {
    pub kind: OptionKind,
    /// `OS <preset> (<LOC>)`
    pub name: String,
    pub subs: Vec<TargetSub>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetProduct {
    pub key: ProductKey,
    pub group_name: String,
    pub preset_name: String,
    pub server_type: String,
    pub name: String,
    pub description: String,
    pub tagline: String,
    pub short_description: String,
    pub active: bool,
    pub order: i64,
    pub welcome_email: i64,
    /// configoption1..7: hkid, location, priceusd, cpu, ram, hdd, gpu; an empty
    /// priceusd keeps the stored one ("0" for a new product).
    pub config_options: [String; 7],
    pub prices: Vec<(i64, CyclePrices)>,
    /// `<preset> (<LOC>) server options`
    pub config_group_name: String,
    pub options: Vec<TargetOption>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetCatalogue {
    pub groups: Vec<TargetGroup>,
    pub products: Vec<TargetProduct>,
    pub warnings: Vec<String>,
}

fn sub_name(choice: &Choice) -> String {
    format!("{} (#{})", choice.name, choice.id)
}

fn description(p: &Preset) -> String {
    let mut lines = Vec::new();
    let mut cpu = vec![];
    if !p.cpu_name.is_empty() {
        cpu.push(p.cpu_name.clone());
    }
    if !p.cpu.is_empty() {
        cpu.push(format!("{} cores", p.cpu));
    }
    if !p.cpu_ghz.is_empty() {
        cpu.push(format!("{} GHz", p.cpu_ghz));
    }
    if !cpu.is_empty() {
        lines.push(format!("CPU: {}", cpu.join(", ")));
    }
    if !p.ram.is_empty() {
        lines.push(format!("RAM: {} GB", p.ram));
    }
    lines.push(format!("Disk: {}", disk(p)));
    if !p.gpu.is_empty() {
        lines.push(format!("GPU: {}", p.gpu));
    }
    lines.join("\n")
}

fn disk(p: &Preset) -> String {
    if p.disk_type.is_empty() {
        format!("{} GB", p.hdd)
    } else {
        p.disk_type.clone()
    }
}

fn tagline(p: &Preset) -> String {
    let mut parts = Vec::new();
    if !p.cpu.is_empty() {
        parts.push(format!("{} CPU", p.cpu));
    }
    if !p.ram.is_empty() {
        parts.push(format!("{} GB RAM", p.ram));
    }
    parts.push(disk(p));
    if !p.gpu.is_empty() {
        parts.push(p.gpu.clone());
    }
    parts.join(" / ")
}

/// Everything the computation needs besides the presets.
pub struct Inputs<'a> {
    pub settings: &'a ImportSettings,
    pub currencies: &'a [Currency],
    /// The currency the presets were asked in.
    pub reseller_currency: &'a Currency,
    pub name_prefix: &'a str,
}

fn prices_for(
    monthly: &std::collections::BTreeMap<String, Decimal>,
    inputs: &Inputs,
    markup: Option<&Markup>,
    product: bool,
) -> Option<Vec<(i64, CyclePrices)>> {
    let mut rows = Vec::with_capacity(inputs.currencies.len());
    for currency in inputs.currencies {
        let base = if monthly.is_empty() {
            Decimal::ZERO
        } else {
            pricing::base_price(
                monthly,
                currency,
                inputs.reseller_currency,
                inputs.currencies,
            )?
        };
        let marked = match markup {
            Some(m) => pricing::with_markup(base, m, currency, inputs.currencies)?,
            None => base,
        };
        let cycles = if product {
            pricing::product_cycles(marked, inputs.settings.rounding)
        } else {
            pricing::option_cycles(marked)
        };
        rows.push((currency.id, cycles));
    }
    Some(rows)
}

fn option(
    kind: OptionKind,
    label: &str,
    choices: &[Choice],
    inputs: &Inputs,
    markup: Option<&Markup>,
) -> Option<TargetOption> {
    let mut subs = Vec::new();
    if kind == OptionKind::Soft {
        let none = Choice {
            id: 0,
            name: "Do not install".into(),
            price: Default::default(),
        };
        subs.push((none, 0));
    }
    let offset = subs.len() as i64;
    subs.extend(choices.iter().cloned().zip(offset..));
    let subs = subs
        .into_iter()
        .map(|(choice, sort_order)| {
            Some(TargetSub {
                hk_id: choice.id,
                name: sub_name(&choice),
                sort_order,
                prices: prices_for(&choice.price, inputs, markup, false)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(TargetOption {
        kind,
        name: format!("{} {label}", kind.label()),
        subs,
    })
}

/// The target catalogue. Presets of other prefixes, without prices, or (by
/// setting) in RU are left out; so are groups the settings do not import.
pub fn build(presets: &[Preset], inputs: &Inputs) -> TargetCatalogue {
    let mut catalogue = TargetCatalogue::default();
    let settings = inputs.settings;
    // (group name, sort key, product) so ordering happens per location+group.
    let mut products: Vec<(String, Decimal, TargetProduct)> = Vec::new();
    for preset in presets {
        let Some(group) = ServerGroup::of_preset(&preset.name) else {
            continue;
        };
        let Some(group_settings) = settings.groups.get(&group).filter(|g| g.import) else {
            continue;
        };
        if preset.price.is_empty() {
            continue;
        }
        // WHMCS prints these as HTML: they read HOSTKEY's values escaped.
        let shown = super::html::escaped(preset);
        for (location, monthly) in &preset.price {
            if location == "RU" && !settings.include_ru {
                continue;
            }
            let label = format!("{} ({location})", preset.name);
            let option_markup = settings.option_markup.then_some(&group_settings.markup);
            let built = (|| {
                let prices = prices_for(monthly, inputs, Some(&group_settings.markup), true)?;
                let traffic = preset
                    .traffic_plans
                    .get(location)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let options = vec![
                    option(OptionKind::Os, &label, &preset.os, inputs, option_markup)?,
                    option(
                        OptionKind::Soft,
                        &label,
                        &preset.soft,
                        inputs,
                        option_markup,
                    )?,
                    option(OptionKind::Traffic, &label, traffic, inputs, option_markup)?,
                ];
                Some((prices, options))
            })();
            let Some((prices, options)) = built else {
                catalogue.warnings.push(format!(
                    "{label} was skipped: its price cannot be converted into every WHMCS currency."
                ));
                continue;
            };
            let group_name = format!("{location} {}", group.title());
            if !catalogue.groups.iter().any(|g| g.name == group_name) {
                catalogue.groups.push(TargetGroup {
                    name: group_name.clone(),
                    location: location.clone(),
                    group,
                });
            }
            // HOSTKEY's own USD price, when the answer has one; otherwise the
            // product keeps what it has (rates move daily: a converted value
            // would rewrite every product on every sync).
            let usd = monthly
                .get("USD")
                .map(|d| format!("{:.2}", pricing::cents(*d)))
                .unwrap_or_default();
            let sort_price = pricing::base_price(
                monthly,
                inputs.reseller_currency,
                inputs.reseller_currency,
                inputs.currencies,
            )
            .unwrap_or_default();
            products.push((
                group_name.clone(),
                sort_price,
                TargetProduct {
                    key: (preset.id, location.clone()),
                    group_name,
                    preset_name: preset.name.clone(),
                    server_type: preset.server_type.clone(),
                    name: format!("{}{label}", inputs.name_prefix),
                    description: description(&shown),
                    tagline: tagline(&shown),
                    short_description: shown.description.clone(),
                    active: preset.active,
                    order: 0,
                    welcome_email: settings.welcome_email,
                    config_options: [
                        preset.id.to_string(),
                        location.clone(),
                        usd,
                        preset.cpu.clone(),
                        preset.ram.clone(),
                        preset.hdd.clone(),
                        preset.gpu.clone(),
                    ],
                    prices,
                    config_group_name: format!("{label} server options"),
                    options,
                },
            ));
        }
    }
    sort(&mut products, settings.sort);
    let mut position: std::collections::BTreeMap<String, i64> = Default::default();
    for (group, _, mut product) in products {
        let next = position.entry(group).or_insert(0);
        product.order = *next;
        *next += 1;
        catalogue.products.push(product);
    }
    catalogue
}

fn sort(products: &mut [(String, Decimal, TargetProduct)], order: SortOrder) {
    match order {
        SortOrder::None => {}
        SortOrder::PriceAsc => products.sort_by_key(|p| p.1),
        SortOrder::PriceDesc => products.sort_by_key(|p| std::cmp::Reverse(p.1)),
        SortOrder::NameAsc => products.sort_by(|a, b| a.2.preset_name.cmp(&b.2.preset_name)),
        SortOrder::NameDesc => products.sort_by(|a, b| b.2.preset_name.cmp(&a.2.preset_name)),
    }
}
