//! `presets/info` as the API sends it; lenient where the API is loose
//! (numbers that arrive as strings, missing fields), strict on money.

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
    pub price: BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// location -> currency code -> monthly price; its keys are the locations sold.
    pub price: BTreeMap<String, BTreeMap<String, Decimal>>,
    pub cpu: String,
    pub cpu_name: String,
    pub cpu_ghz: String,
    pub ram: String,
    pub hdd: String,
    pub disk_type: String,
    pub gpu: String,
    pub description: String,
    pub server_type: String,
    pub os: Vec<Choice>,
    pub soft: Vec<Choice>,
    pub traffic_plans: BTreeMap<String, Vec<Choice>>,
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

/// Text of a scalar; numbers keep the API's spelling.
pub fn text(json: &Json) -> String {
    match json {
        Json::String(s) => s.trim().to_string(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        _ => String::new(),
    }
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

fn price_map(json: &Json) -> BTreeMap<String, Decimal> {
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
        let price = raw
            .price
            .as_object()
            .map(|locations| {
                locations
                    .iter()
                    .map(|(loc, prices)| (loc.trim().to_ascii_uppercase(), price_map(prices)))
                    .filter(|(loc, prices)| !loc.is_empty() && !prices.is_empty())
                    .collect()
            })
            .unwrap_or_default();
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
            cpu: text(&raw.cpu),
            cpu_name: text(&raw.cpu_name),
            cpu_ghz: text(&raw.cpu_ghz),
            ram: text(&raw.ram),
            hdd: text(&raw.hdd),
            disk_type: text(&raw.disk_type),
            gpu: text(&raw.gpu),
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
        assert_eq!(p.hdd, "2x960");
        assert_eq!(p.price.keys().collect::<Vec<_>>(), ["FI", "NL"]);
        assert_eq!(p.price["NL"]["EUR"], Decimal::from_str("4.1").expect("dec"));
        assert_eq!(p.price["FI"]["USD"].to_string(), "5.05");
        assert_eq!(p.os.len(), 1);
        assert_eq!(p.traffic_plans["NL"][0].id, 25);
    }

    #[test]
    fn an_answer_without_presets_is_refused() {
        assert!(parse_presets(&json!({"result": "OK"})).is_err());
        assert!(parse_presets(&json!({"presets": [{"name": "x"}]})).is_err());
    }
}
