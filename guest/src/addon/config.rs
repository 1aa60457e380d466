//! `hostkeyresellermod_config`: the addon's settings form.

use crate::schema::settings::Settings;

/// How WHMCS shows a settings field (its `Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    Text,
    Password,
    YesNo,
    Dropdown,
    Radio,
    Textarea,
}

/// One field of WHMCS's settings schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigField {
    pub key: &'static str,
    pub friendly_name: &'static str,
    pub kind: ConfigKind,
    pub size: Option<u32>,
    pub default: Option<String>,
    pub description: &'static str,
    pub options: Vec<(&'static str, &'static str)>,
}

pub struct AddonConfig {
    pub name: &'static str,
    pub description: &'static str,
    pub version: &'static str,
    pub author: &'static str,
    pub fields: Vec<ConfigField>,
}

/// A ticked WHMCS checkbox is stored "on", an unticked one empty.
fn yes_no(on: bool) -> String {
    if on { "on" } else { "" }.into()
}

fn field(key: &'static str, friendly_name: &'static str, kind: ConfigKind) -> ConfigField {
    ConfigField {
        key,
        friendly_name,
        kind,
        size: None,
        default: None,
        description: "",
        options: Vec::new(),
    }
}

/// The original module's settings (same keys, so its stored values carry
/// over); the bridge adds its own transport choice, which only PHP reads.
/// The defaults are the ones the rules use when a setting is unset
/// (`Settings::default`), so the form and the rules cannot disagree.
pub fn addon_config() -> AddonConfig {
    let defaults = Settings::default();
    AddonConfig {
        name: hostkey_facts::DISPLAY_NAME,
        description: hostkey_facts::DESCRIPTION,
        version: super::VERSION,
        author: hostkey_facts::AUTHOR,
        fields: vec![
            ConfigField {
                size: Some(60),
                default: Some(defaults.api_url),
                description: "Base URL of the HOSTKEY API.",
                ..field("apiurl", "API URL", ConfigKind::Text)
            },
            ConfigField {
                size: Some(40),
                description: "Your HOSTKEY API key (control panel: Username, API keys).",
                ..field("apikey", "API key", ConfigKind::Password)
            },
            ConfigField {
                size: Some(20),
                default: Some(defaults.preset_name_prefix),
                description: "Put before every imported product name.",
                ..field("presetnameprefix", "Product name prefix", ConfigKind::Text)
            },
            ConfigField {
                size: Some(40),
                default: Some(defaults.default_product_group),
                description: "Product group for products without a location group.",
                ..field(
                    "defaultproductgroup",
                    "Default product group",
                    ConfigKind::Text,
                )
            },
            ConfigField {
                description: "Also keep every API call in the module's own log table (secrets masked).",
                ..field("logging", "Logging", ConfigKind::YesNo)
            },
            ConfigField {
                default: Some(defaults.import_source),
                description: "Where import settings come from: import.ini if present (auto), the admin page, or import.ini only.",
                options: vec![
                    ("auto", "Automatic"),
                    ("admin", "Admin page"),
                    ("ini", "import.ini"),
                ],
                ..field(
                    "importsource",
                    "Import settings source",
                    ConfigKind::Dropdown,
                )
            },
            ConfigField {
                default: Some(yes_no(defaults.daily_sync)),
                description: "Re-run the import every day from WHMCS's cron (prices and availability stay in sync).",
                ..field("dailysync", "Daily price sync", ConfigKind::YesNo)
            },
            ConfigField {
                size: Some(5),
                default: Some(defaults.price_alert_percent.to_string()),
                description: "After a price sync, list in the activity log every monthly price that changed by at least this many percent (0: off).",
                ..field("pricealert", "Price change alert (%)", ConfigKind::Text)
            },
            ConfigField {
                size: Some(5),
                default: Some(crate::margins::view::DEFAULT_THRESHOLD.to_string()),
                description: "The Margins view marks services whose margin is under this share of their income, and a price sync warns when HOSTKEY's price pushes one under it.",
                ..field(
                    crate::margins::view::THRESHOLD_SETTING,
                    "Margin threshold (%)",
                    ConfigKind::Text,
                )
            },
            ConfigField {
                size: Some(5),
                default: Some(defaults.withdrawal_limit_percent.to_string()),
                description: "An import that would take more than this share of the products on sale off sale stops until the admin confirms it (100: never stop).",
                ..field("withdrawlimit", "Largest withdrawal (%)", ConfigKind::Text)
            },
        ],
    }
}
