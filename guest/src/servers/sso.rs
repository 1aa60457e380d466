//! Single sign-on into HOSTKEY's panel for one server: the URL carries that
//! server's own API key (`Api key`), which opens only that server. The
//! reseller's key opens the whole account, so it never goes into a URL:
//! without a per-server key there is no sign-on (and `AdminSingleSignOn`,
//! which has no service, is not offered).

use super::ops::Hold;
use crate::api::ApiBase;
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::client_area::panel_url;
use crate::orders::custom_fields::{self, API_KEY};
use crate::orders::service;
use crate::schema::settings::Settings;

pub fn single_sign_on(db: &mut dyn Db, service_id: i64) -> ModuleResult<String> {
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(
            "This service is not a HOSTKEY server.".into(),
        ));
    };
    // The panel can power a server on: never for an ended service, and no
    // sign-on while WHMCS or the module holds the service (suspended).
    crate::orders::ended::refuse_if_ended(db, &service)?;
    if !service::is_active(&service) || super::ops::load(db, service_id)?.hold != Hold::None {
        return Err(ModuleError::InvalidInput(
            "Single sign-on is available only while the service is Active.".into(),
        ));
    }
    let key = custom_fields::get(db, service.product_id, service_id, API_KEY)?;
    let key = key.trim();
    let settings = Settings::load(db)?;
    if key.is_empty() || key == settings.api_key.trim() {
        return Err(ModuleError::InvalidInput(
            "Single sign-on is available once this server's own access key is set up.".into(),
        ));
    }
    let base = ApiBase::parse(&settings.api_url)?;
    Ok(panel_url(&base, key))
}

/// Whether `single_sign_on` would give a URL (for the page's button).
pub fn available(db: &mut dyn Db, service_id: i64) -> bool {
    single_sign_on(db, service_id).is_ok()
}
