//! `presets/info` as the API sends it; lenient where the API is loose
//! (numbers that arrive as strings, missing fields), strict on money.

use super::price_list::PriceList;
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

/// Text of a scalar as PHP prints it (the public module stored these
/// strings): numbers in their shortest form (`2.0` is "2"), `true` is "1",
/// `false` and null are "".
pub fn text(json: &Json) -> String {
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

/// `Some(text)` when the field is present and not null (PHP's `isset`).
fn present(json: &Json) -> Option<String> {
    (!json.is_null()).then(|| text(json))
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

fn price_map(json: &Json) -> PriceList {
    json.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(code, v)| Some((code.trim().to_ascii_uppercase(), money(v)?)))
                .collect()
        })
        .unwrap_or_default()
}

fn choices(json: &Json) -> Vec<Choice> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    Some(Choice {
                        id: integer(item.get("id")?)?,
                        name: text(item.get("name").unwrap_or(&Json::Null)),
                        price: price_map(item.get("price").unwrap_or(&Json::Null)),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

impl TryFrom<RawPreset> for Preset {
    type Error = CatalogueError;

    fn try_from(raw: RawPreset) -> Result<Self, Self::Error> {
        let id = integer(&raw.id)
            .ok_or_else(|| CatalogueError(format!("a preset has no usable id ({})", raw.id)))?;
        let mut price: Vec<(String, PriceList)> = Vec::new();
        for (loc, prices) in raw.price.as_object().into_iter().flatten() {
            let loc = loc.trim().to_ascii_uppercase();
            let prices = price_map(prices);
            if !loc.is_empty() && !prices.is_empty() && !price.iter().any(|(l, _)| *l == loc) {
                price.push((loc, prices));
            }
        }
        let traffic_plans = raw
            .traffic_plans
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(loc, plans)| (loc.trim().to_ascii_uppercase(), choices(plans)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Preset {
            id,
            name: text(&raw.name),
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
            server_type: text(&raw.server_type),
            os: choices(&raw.os),
            soft: choices(&raw.soft),
            traffic_plans,
        })
    }
}

/// The `presets` array of a `presets/info` answer (already checked for `result`).
pub fn parse_presets(answer: &Json) -> Result<Vec<Preset>, CatalogueError> {
    let list = answer
        .get("presets")
        .and_then(Json::as_array)
        .ok_or_else(|| CatalogueError("the catalogue answer has no list of presets".into()))?;
    list.iter()
        .map(|item| {
            let raw: RawPreset = serde_json::from_value(item.clone())
                .map_err(|e| CatalogueError(format!("a preset cannot be read: {e}")))?;
            Preset::try_from(raw)
        })
        .collect()
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
