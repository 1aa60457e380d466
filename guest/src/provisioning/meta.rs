//! `_MetaData` and `_ConfigOptions` of the server module.

use crate::addon::config::{ConfigField, ConfigKind};

pub struct ModuleMeta {
    pub display_name: &'static str,
    pub api_version: &'static str,
    /// Imported products carry no server: the API key is the addon's.
    pub requires_server: bool,
}

pub fn meta() -> ModuleMeta {
    ModuleMeta {
        display_name: hostkey_facts::DISPLAY_NAME,
        api_version: hostkey_facts::WHMCS_API_VERSION,
        requires_server: hostkey_facts::REQUIRES_SERVER,
    }
}

fn text(key: &'static str, friendly_name: &'static str, description: &'static str) -> ConfigField {
    ConfigField {
        key,
        friendly_name,
        kind: ConfigKind::Text,
        size: Some(20),
        default: None,
        description,
        options: Vec::new(),
    }
}

/// configoption1..7 in the original's order; WHMCS stores them by position,
/// so this order never changes.
pub fn config_options() -> Vec<ConfigField> {
    vec![
        text("hkid", "HOSTKEY preset ID", "Set by the import."),
        text(
            "location",
            "Location",
            "Two-letter HOSTKEY location, e.g. NL.",
        ),
        text("priceusd", "Price (USD)", "HOSTKEY's monthly price in USD."),
        text("cpu", "CPU", ""),
        text("ram", "RAM", ""),
        text("hdd", "Disk", ""),
        text("gpu", "GPU", ""),
    ]
}
