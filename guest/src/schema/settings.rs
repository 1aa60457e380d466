//! The addon's settings as WHMCS stores them in `tbladdonmodules`.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};

pub use crate::catalog::specs::MODULE_NAME as MODULE;
pub use hostkey_facts::DEFAULT_API_URL;

/// The share of the products on sale one import may withdraw, unless confirmed.
pub const DEFAULT_LIMIT_PERCENT: u32 = 50;

/// The settings the rules use; secrets are only ever passed on, never shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub api_url: String,
    pub api_key: String,
    pub preset_name_prefix: String,
    pub default_product_group: String,
    pub logging: bool,
    pub import_source: String,
    /// Report monthly price changes of at least this many percent (0: off).
    pub price_alert_percent: u32,
    /// Re-run the import from WHMCS's daily cron.
    pub daily_sync: bool,
    /// The share (%) of the products on sale one import may withdraw unless confirmed.
    pub withdrawal_limit_percent: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_url: DEFAULT_API_URL.into(),
            api_key: String::new(),
            preset_name_prefix: "HKP-".into(),
            default_product_group: "Hostkey servers".into(),
            logging: false,
            import_source: "auto".into(),
            price_alert_percent: 0,
            daily_sync: true,
            withdrawal_limit_percent: DEFAULT_LIMIT_PERCENT,
        }
    }
}

/// WHMCS's ways of saying yes (a ticked checkbox is "on"): the one reading
/// of a yes/no value in the module.
pub fn yes(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "on" | "yes" | "1" | "true"
    )
}

impl Settings {
    /// Reads the module's rows; a missing or empty value keeps its default.
    pub fn load(db: &mut dyn Db) -> Result<Self, DbError> {
        let rows = db.select(
            &Select::from("tbladdonmodules", &["setting", "value"])
                .filter(Condition::eq("module", Value::text(MODULE))),
        )?;
        let mut settings = Self::default();
        for i in 0..rows.len() {
            let value = rows.get(i, "value").as_text();
            let value = value.trim().to_string();
            if rows.get(i, "setting").as_text() == "dailysync" {
                // A yesno field that is not ticked is stored empty.
                settings.daily_sync = yes(&value);
                continue;
            }
            if value.is_empty() {
                continue;
            }
            match rows.get(i, "setting").as_text().as_str() {
                "apiurl" => settings.api_url = value,
                "apikey" => settings.api_key = value,
                "presetnameprefix" => settings.preset_name_prefix = value,
                "defaultproductgroup" => settings.default_product_group = value,
                "logging" => settings.logging = yes(&value),
                "importsource" => settings.import_source = value,
                "pricealert" => settings.price_alert_percent = value.parse().unwrap_or(0),
                "withdrawlimit" => {
                    if let Ok(percent) = value.trim_end_matches('%').trim().parse::<u32>() {
                        settings.withdrawal_limit_percent = percent.min(100);
                    }
                }
                _ => {}
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryDb;

    #[test]
    fn stored_values_override_defaults_and_empty_ones_do_not() {
        let mut db = MemoryDb::whmcs();
        db.seed(
            "tbladdonmodules",
            &["module", "setting", "value"],
            vec![
                vec![
                    Value::text(MODULE),
                    Value::text("apiurl"),
                    Value::text("http://127.0.0.1:9/api/"),
                ],
                vec![
                    Value::text(MODULE),
                    Value::text("apikey"),
                    Value::text("k1"),
                ],
                vec![
                    Value::text(MODULE),
                    Value::text("presetnameprefix"),
                    Value::text(""),
                ],
                vec![
                    Value::text(MODULE),
                    Value::text("logging"),
                    Value::text("on"),
                ],
                vec![
                    Value::text("othermodule"),
                    Value::text("apikey"),
                    Value::text("not ours"),
                ],
            ],
        );
        let settings = Settings::load(&mut db).expect("settings load");
        assert_eq!(settings.api_url, "http://127.0.0.1:9/api/");
        assert_eq!(settings.api_key, "k1");
        assert_eq!(settings.preset_name_prefix, "HKP-");
        assert!(settings.logging);
    }
}
