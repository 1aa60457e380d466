//! Rule types to WIT types.

use super::hostkey::reseller::types as wtypes;
use crate::addon::config::ConfigField;
use crate::error::ModuleError;

pub fn error(e: ModuleError) -> wtypes::Error {
    let sentence = e.to_string();
    match e {
        ModuleError::NotImplemented(_) => wtypes::Error::NotImplemented(sentence),
        ModuleError::InvalidInput(_) | ModuleError::Busy(_) => {
            wtypes::Error::InvalidInput(sentence)
        }
        ModuleError::Api(crate::api::ApiError::BadUrl(_) | crate::api::ApiError::NoKey) => {
            wtypes::Error::InvalidInput(sentence)
        }
        ModuleError::Api(_) => wtypes::Error::Api(sentence),
        ModuleError::Database(_) => wtypes::Error::Database(sentence),
        ModuleError::Platform(_) => wtypes::Error::Platform(sentence),
    }
}

pub fn not_implemented<T>(what: &'static str) -> Result<T, wtypes::Error> {
    Err(error(ModuleError::NotImplemented(what)))
}

pub fn config_field(f: ConfigField) -> wtypes::ConfigField {
    wtypes::ConfigField {
        key: f.key.into(),
        friendly_name: f.friendly_name.into(),
        kind: f.kind.into(),
        size: f.size,
        default: f.default.map(String::from),
        description: f.description.into(),
        options: f
            .options
            .into_iter()
            .map(|(v, l)| (v.into(), l.into()))
            .collect(),
    }
}
