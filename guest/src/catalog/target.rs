//! The catalogue WHMCS should hold, computed in memory from the presets, the
//! import settings and WHMCS's currencies. Pure: no I/O.

use super::group::ServerGroup;
use super::html::escape_html;
use super::preset::{Choice, Preset};
use super::price_list::PriceList;
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
    /// `<preset> (<LOC>)`
    pub label: String,
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

/// The soft choice that installs nothing, named as the public module names
/// it (no `(#0)`), so its row and the clients' choices of it are adopted.
pub const DO_NOT_INSTALL: &str = "Do not install";

fn sub_name(choice: &Choice) -> String {
    if choice.id == 0 {
        choice.name.clone()
    } else {
        format!("{} (#{})", choice.name, choice.id)
    }
}

fn truthy(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty() && v != "0")
}

/// The product description as the public module writes it: one
/// `<strong>Label:</strong> value` line per spec the API gave.
fn description(p: &Preset) -> String {
    let mut lines = Vec::new();
    if let Some(cpu_name) = &p.cpu_name {
        lines.push(format!("<strong>CPU:</strong> {cpu_name}"));
    }
    let mut labels = Vec::new();
    let mut values = Vec::new();
    if truthy(&p.cpu) {
        labels.push("Cores");
        values.push(format!("{} cores", p.cpu.as_deref().unwrap_or_default()));
    }
    if let Some(ghz) = &p.cpu_ghz {
        labels.push("GHz");
        values.push(format!("{ghz}GHz"));
    }
    if !values.is_empty() {
        lines.push(format!(
            "<strong>{}:</strong> {}",
            labels.join(" / "),
            values.join(" / ")
        ));
    }
    if let Some(ram) = &p.ram {
        lines.push(format!("<strong>RAM:</strong> {ram}GB"));
    }
    if let Some(disk) = &p.disk_type {
        lines.push(format!("<strong>Disk:</strong> {disk}"));
    } else if truthy(&p.hdd) {
        lines.push(format!(
            "<strong>Disk:</strong> {}GB",
            p.hdd.as_deref().unwrap_or_default()
        ));
    }
    if truthy(&p.gpu) {
        lines.push(format!(
            "<strong>GPU:</strong> {}",
            p.gpu.as_deref().unwrap_or_default()
        ));
    }
    lines.join("\n")
}

/// configoption4..7 as the public module stores them: "None" for a spec the
/// API did not give.
fn spec(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "None".into())
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
    monthly: &PriceList,
    inputs: &Inputs,
    markup: Option<&Markup>,
    product: bool,
) -> Option<Vec<(i64, CyclePrices)>> {
    let mut rows = Vec::with_capacity(inputs.currencies.len());
    for currency in inputs.currencies {
        let base = if monthly.is_empty() {
            Decimal::ZERO
        } else {
            pricing::base_price(monthly, currency, inputs.currencies)?
        };
        let marked = match markup {
            Some(m) => pricing::with_markup(base, m, currency, inputs.currencies)?,
            None => base,
        };
        let cycles = if product {
            pricing::product_cycles(marked, inputs.settings.rounding)
        } else {
            pricing::option_cycles(marked, inputs.settings.rounding)
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
    // Only a soft list that offers something gets the empty choice.
    if kind == OptionKind::Soft && !choices.is_empty() {
        let none = Choice {
            id: 0,
            name: DO_NOT_INSTALL.into(),
            price: Default::default(),
        };
        subs.push((none, 1));
    }
    // 1-based, as the public module numbers them.
    let offset = subs.len() as i64 + 1;
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
    // The public module's order: presets sorted by their first price or
    // name, then numbered from 1 within each location + group.
    let mut sorted: Vec<&Preset> = presets.iter().collect();
    sort(&mut sorted, settings.sort);
    let mut products: Vec<(String, TargetProduct)> = Vec::new();
    for preset in sorted {
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
        let shown = escaped(preset);
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
                .map(|d| d.normalize().to_string())
                .unwrap_or_default();
            products.push((
                group_name.clone(),
                TargetProduct {
                    key: (preset.id, location.clone()),
                    group_name,
                    preset_name: preset.name.clone(),
                    label: label.clone(),
                    server_type: preset.server_type.clone(),
                    name: format!("{}{label}", inputs.name_prefix),
                    description: description(&shown),
                    tagline: format!("{}{} ({location}) tagline", inputs.name_prefix, shown.name),
                    short_description: shown.description.clone(),
                    active: preset.active,
                    order: 0,
                    welcome_email: settings.welcome_email,
                    config_options: [
                        preset.id.to_string(),
                        location.clone(),
                        usd,
                        spec(&preset.cpu),
                        spec(&preset.ram),
                        spec(&preset.hdd),
                        spec(&preset.gpu),
                    ],
                    prices,
                    config_group_name: format!("{label} server options"),
                    options,
                },
            ));
        }
    }
    let mut position: std::collections::BTreeMap<String, i64> = Default::default();
    for (group, mut product) in products {
        let next = position.entry(group).or_insert(0);
        *next += 1;
        product.order = *next;
        catalogue.products.push(product);
    }
    catalogue
}

/// Stable, like PHP 8's `usort`: equal keys keep the API's order. Names
/// compare ASCII case-insensitively (PHP's `strcasecmp`).
fn sort(presets: &mut [&Preset], order: SortOrder) {
    let name = |p: &Preset| p.name.to_ascii_lowercase();
    match order {
        SortOrder::None => {}
        SortOrder::PriceAsc => presets.sort_by_key(|p| p.first_price()),
        SortOrder::PriceDesc => presets.sort_by_key(|p| std::cmp::Reverse(p.first_price())),
        SortOrder::NameAsc => presets.sort_by_key(|p| name(p)),
        SortOrder::NameDesc => presets.sort_by_key(|p| std::cmp::Reverse(name(p))),
    }
}

/// A copy of a preset whose every text is HTML-escaped: what the builders
/// of the product description, tagline and short description read, so the
/// module's own markup is the only markup in them (do not escape again).
fn escaped(p: &Preset) -> Preset {
    let e = |s: &String| escape_html(s);
    let choices = |list: &[Choice]| -> Vec<Choice> {
        list.iter()
            .map(|c| Choice {
                name: e(&c.name),
                ..c.clone()
            })
            .collect()
    };
    Preset {
        name: e(&p.name),
        cpu: p.cpu.as_ref().map(e),
        cpu_name: p.cpu_name.as_ref().map(e),
        cpu_ghz: p.cpu_ghz.as_ref().map(e),
        ram: p.ram.as_ref().map(e),
        hdd: p.hdd.as_ref().map(e),
        disk_type: p.disk_type.as_ref().map(e),
        gpu: p.gpu.as_ref().map(e),
        description: e(&p.description),
        server_type: e(&p.server_type),
        os: choices(&p.os),
        soft: choices(&p.soft),
        traffic_plans: p
            .traffic_plans
            .iter()
            .map(|(loc, plans)| (e(loc), choices(plans)))
            .collect(),
        ..p.clone()
    }
}
