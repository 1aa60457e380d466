//! `presets/info` as the API sends it; lenient where the API is loose
//! (numbers that arrive as strings, missing fields), strict on money: a
//! preset with a price that is not a usable amount is left out with a
//! warning. Text is made storable and names lose their markup here, once.

use super::html::{plain_name, storable};
use super::price_list::PriceList;
use super::pricing::MAX_MONTHLY;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::str::FromStr;

/// An extra that can be chosen with a server: an OS, a soft, a traffic plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// Monthly add-on price per currency code.
    pub price: PriceList,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// (location, monthly price per currency) in the API's order; the
    /// locations are the ones sold.
    pub price: Vec<(String, PriceList)>,
    /// The specs as the API spells them; `None` when the field is absent or
    /// null (the public module prints "None" for those in its config options).
    pub cpu: Option<String>,
    pub cpu_name: Option<String>,
    pub cpu_ghz: Option<String>,
    pub ram: Option<String>,
    pub hdd: Option<String>,
    pub disk_type: Option<String>,
    pub gpu: Option<String>,
    pub description: String,
    pub server_type: String,
    pub os: Vec<Choice>,
    pub soft: Vec<Choice>,
    pub traffic_plans: BTreeMap<String, Vec<Choice>>,
}

impl Preset {
    /// The monthly prices of one location.
    pub fn price_in(&self, location: &str) -> Option<&PriceList> {
        self.price
            .iter()
            .find(|(loc, _)| loc == location)
            .map(|(_, p)| p)
    }

    pub fn price_in_mut(&mut self, location: &str) -> Option<&mut PriceList> {
        self.price
            .iter_mut()
            .find(|(loc, _)| loc == location)
            .map(|(_, p)| p)
    }

    /// The public module's sort key: the first price of the first location,
    /// as the API lists them.
    pub fn first_price(&self) -> Decimal {
        self.price
            .first()
            .and_then(|(_, p)| p.first())
            .map(|(_, amount)| amount)
            .unwrap_or_default()
    }
}

/// Why the catalogue answer cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CatalogueError(pub String);

#[derive(Deserialize)]
struct RawPreset {
    id: Json,
    #[serde(default)]
    name: Json,
    #[serde(default)]
    active: Json,
    #[serde(default)]
    price: Json,
    #[serde(default)]
    cpu: Json,
    #[serde(default)]
    cpu_name: Json,
    #[serde(default)]
    cpu_ghz: Json,
    #[serde(default)]
    ram: Json,
    #[serde(default)]
    hdd: Json,
    #[serde(default)]
    disk_type: Json,
    #[serde(default)]
    gpu: Json,
    #[serde(default)]
    description: Json,
    #[serde(default)]
    server_type: Json,
    #[serde(default, rename = "OS")]
    os: Json,
    #[serde(default)]
    soft: Json,
    #[serde(default)]
    traffic_plans: Json,
}

/// Text of a scalar as a utf8mb3 column stores it, spelled as PHP prints it
/// (the public module stored these strings): numbers in their shortest form
/// (`2.0` is "2"), `true` is "1", `false` and null are "".
pub fn text(json: &Json) -> String {
    storable(&raw_text(json))
}

/// A name or spec value: `text` without markup.
fn name(json: &Json) -> String {
    plain_name(&raw_text(json))
}

/// A spec: `Some(name)` when the field is present and not null (PHP's `isset`).
fn present(json: &Json) -> Option<String> {
    (!json.is_null()).then(|| name(json))
}

fn raw_text(json: &Json) -> String {
    match json {
        Json::String(s) => s.trim().to_string(),
        Json::Number(n) => number_text(n),
        Json::Bool(true) => "1".into(),
        _ => String::new(),
    }
}

fn number_text(n: &serde_json::Number) -> String {
    if n.is_f64()
        && let Ok(d) = Decimal::from_str(&n.to_string())
    {
        return d.normalize().to_string();
    }
    n.to_string()
}

fn integer(json: &Json) -> Option<i64> {
    match json {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn truthy(json: &Json) -> bool {
    match json {
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !matches!(s.trim(), "" | "0" | "false"),
        _ => false,
    }
}

/// A price as decimal: JSON numbers are read from their text, never through f64.
pub fn money(json: &Json) -> Option<Decimal> {
    let text = match json {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// A monthly price HOSTKEY sent, or why it cannot be used: not a number
/// (`NaN`, `1e300`, text), negative, or so large that its year cannot be
/// stored in WHMCS's `decimal(16,2)` whatever the markup.
fn amount(json: &Json) -> Result<Decimal, String> {
    let shown = || {
        let text = storable(&raw_text(json));
        let short: String = text.chars().take(40).collect();
        if short.len() < text.len() {
            format!("\"{short}...\"")
        } else {
            format!("\"{short}\"")
        }
    };
    let value = money(json).ok_or_else(|| format!("{} is not an amount", shown()))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("{} is negative", shown()));
    }
    if value > MAX_MONTHLY {
        return Err(format!(
            "{} is too large for WHMCS (at most {MAX_MONTHLY} a month)",
            shown()
        ));
    }
    Ok(value)
}

/// Currency code -> price; what cannot be used goes to `problems` as
/// `<where> <code> <why>`.
fn price_map(json: &Json, at: &str, problems: &mut Vec<String>) -> PriceList {
    let mut prices = PriceList::default();
    for (code, value) in json.as_object().into_iter().flatten() {
        // No price in a currency is the API being loose, not a bad price.
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        let code = plain_name(code).to_ascii_uppercase();
        match amount(value) {
            Ok(value) => prices.push(code, value),
            Err(why) => problems.push(format!("the {at}{code} price {why}")),
        }
    }
    prices
}

fn choices(json: &Json, problems: &mut Vec<String>) -> Vec<Choice> {
    let mut list = Vec::new();
    for item in json.as_array().into_iter().flatten() {
        let Some(id) = item.get("id").and_then(integer) else {
            continue;
        };
        let name = name(item.get("name").unwrap_or(&Json::Null));
        let at = format!("{name} (#{id}) ");
        let price = price_map(item.get("price").unwrap_or(&Json::Null), &at, problems);
        list.push(Choice { id, name, price });
    }
    list
}

/// A preset, with the prices of it that cannot be used in `problems`.
fn preset(raw: RawPreset, problems: &mut Vec<String>) -> Result<Preset, CatalogueError> {
    let id = integer(&raw.id)
        .ok_or_else(|| CatalogueError(format!("a preset has no usable id ({})", raw.id)))?;
    let mut price: Vec<(String, PriceList)> = Vec::new();
    for (loc, prices) in raw.price.as_object().into_iter().flatten() {
        let loc = plain_name(loc).to_ascii_uppercase();
        let prices = price_map(prices, &format!("{loc} "), problems);
        if !loc.is_empty() && !prices.is_empty() && !price.iter().any(|(l, _)| *l == loc) {
            price.push((loc, prices));
        }
    }
    let mut traffic_plans = BTreeMap::new();
    for (loc, plans) in raw.traffic_plans.as_object().into_iter().flatten() {
        traffic_plans.insert(
            plain_name(loc).to_ascii_uppercase(),
            choices(plans, problems),
        );
    }
    Ok(Preset {
        id,
        name: name(&raw.name),
        active: truthy(&raw.active),
        price,
        cpu: present(&raw.cpu),
        cpu_name: present(&raw.cpu_name),
        cpu_ghz: present(&raw.cpu_ghz),
        ram: present(&raw.ram),
        hdd: present(&raw.hdd),
        disk_type: present(&raw.disk_type),
        gpu: present(&raw.gpu),
        description: text(&raw.description),
        server_type: name(&raw.server_type),
        os: choices(&raw.os, problems),
        soft: choices(&raw.soft, problems),
        traffic_plans,
    })
}

/// The presets of a `presets/info` answer that can be used, and a warning
/// for each one left out because of a price.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalogue {
    pub presets: Vec<Preset>,
    pub warnings: Vec<String>,
}

/// Reads a `presets/info` answer (already checked for `result`). An answer
/// without presets is refused: HOSTKEY always sells something, and taking
/// it at its word would withdraw the whole catalogue.
pub fn parse_catalogue(answer: &Json) -> Result<Catalogue, CatalogueError> {
    parse_preset_list(answer.get("presets").unwrap_or(&Json::Null))
}

/// Reads the `presets` of a `presets/info` answer (see `parse_catalogue`).
pub fn parse_preset_list(presets: &Json) -> Result<Catalogue, CatalogueError> {
    let list = presets
        .as_array()
        .ok_or_else(|| CatalogueError("the catalogue answer has no list of presets".into()))?;
    if list.is_empty() {
        return Err(CatalogueError(
            "the catalogue answer lists no presets at all, which HOSTKEY never sends for a \
             working account"
                .into(),
        ));
    }
    let mut catalogue = Catalogue::default();
    for item in list {
        let raw: RawPreset = serde_json::from_value(item.clone())
            .map_err(|e| CatalogueError(format!("a preset cannot be read: {e}")))?;
        let mut problems = Vec::new();
        let preset = preset(raw, &mut problems)?;
        if problems.is_empty() {
            catalogue.presets.push(preset);
        } else {
            catalogue.warnings.push(format!(
                "The preset {} (#{}) was skipped: {}.",
                preset.name,
                preset.id,
                problems.join("; ")
            ));
        }
    }
    Ok(catalogue)
}

/// The usable presets of a `presets/info` answer.
pub fn parse_presets(answer: &Json) -> Result<Vec<Preset>, CatalogueError> {
    parse_catalogue(answer).map(|c| c.presets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_original_modules_shape_with_exact_money() {
        let answer = json!({"result": "OK", "presets": [{
            "id": "108", "name": "vm.nano", "active": 1, "cpu": 1, "ram": 2, "hdd": "2x960",
            "price": {"nl": {"EUR": 4.1}, "FI": {"EUR": "4.50", "USD": 5.05}, "DE": {}},
            "OS": [{"id": 187, "name": "Ubuntu 22.04", "price": {"EUR": 0}}, {"name": "no id"}],
            "soft": [], "traffic_plans": {"NL": [{"id": 25, "name": "3 TB"}]}
        }]});
        let presets = parse_presets(&answer).expect("parses");
        let p = &presets[0];
        assert_eq!(p.id, 108);
        assert!(p.active);
        assert_eq!(p.hdd.as_deref(), Some("2x960"));
        assert_eq!(p.gpu, None);
        let locations: Vec<&str> = p.price.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(locations, ["NL", "FI"], "the API's order is kept");
        assert_eq!(p.first_price(), Decimal::from_str("4.1").expect("dec"));
        let fi = p.price_in("FI").expect("FI");
        assert_eq!(fi.get("USD").map(|d| d.to_string()), Some("5.05".into()));
        assert_eq!(fi.first().map(|(c, _)| c), Some("EUR"));
        assert_eq!(p.os.len(), 1);
        assert_eq!(p.traffic_plans["NL"][0].id, 25);
    }

    #[test]
    fn an_answer_without_presets_is_refused() {
        assert!(parse_presets(&json!({"result": "OK"})).is_err());
        assert!(parse_presets(&json!({"presets": [{"name": "x"}]})).is_err());
    }
}
