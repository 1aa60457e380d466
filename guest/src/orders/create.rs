//! CreateAccount (WHMCS's automation or the admin's Create button): finishes
//! the link of a paid order; never orders by itself (only a paid invoice
//! does), so it is safe to press any number of times.

use super::link::{Linked, link};
use super::service;
use crate::api::ApiClient;
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_log;
use crate::schema::settings::Settings;

pub fn create(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
    now_unix: i64,
) -> ModuleResult<String> {
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(format!(
            "Service {service_id} is not a service of a HOSTKEY product."
        )));
    };
    let settings = Settings::load(db)?;
    let linked = service::with_service_lock(db, service_id, service::WAIT_MS, |db| {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        link(
            db,
            &mut api,
            &service,
            &mut |api| Ok(api.client_info()?.email),
            &module_log::datetime(now_unix),
        )
    })?
    .ok_or_else(|| {
        ModuleError::InvalidInput(format!(
            "Service {service_id} is being ordered or linked right now; try again in a minute."
        ))
    })?;
    match linked? {
        Linked::Now(server) => Ok(format!(
            "Service {service_id} is linked to HOSTKEY server {server}."
        )),
        Linked::Already(server) => Ok(format!(
            "Service {service_id} was already linked to HOSTKEY server {server}."
        )),
        Linked::Waiting(why) | Linked::Ended(why) => Err(ModuleError::InvalidInput(why)),
    }
}
