//! Single sign-on into HOSTKEY's panel for one server: the URL carries that
//! server's own API key (`Api key`), which opens only that server. The
//! reseller's key opens the whole account, so it never goes into a URL:
//! without a per-server key there is no sign-on (and `AdminSingleSignOn`,
//! which has no service, is not offered).

use super::ops::{self, Hold, ServerOps};
use super::owner::Requester;
use crate::api::ApiBase;
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::orders::client_area::panel_url;
use crate::orders::custom_fields::{self, API_KEY};
use crate::orders::server_of;
use crate::orders::service::{self, Service};
use crate::schema::settings::Settings;

fn load(db: &mut dyn Db, service_id: i64) -> ModuleResult<Service> {
    service::load(db, service_id)?
        .ok_or_else(|| ModuleError::InvalidInput("This service is not a HOSTKEY server.".into()))
}

pub fn single_sign_on(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
    requester: Requester,
) -> ModuleResult<String> {
    let service = load(db, service_id)?;
    let mut ops = ops::load(db, service_id)?;
    let server = server_of::resolve_with(db, http, platform, &service, &mut ops)?;
    url_for(db, &service, &ops, server, requester)
}

/// Whether the service's owner would get a URL (for the page's button),
/// from what is recorded, without asking HOSTKEY.
pub fn available(db: &mut dyn Db, service_id: i64) -> bool {
    let Ok(service) = load(db, service_id) else {
        return false;
    };
    let Ok(ops) = ops::load(db, service_id) else {
        return false;
    };
    let Ok(server) = server_of::known(db, &service, &ops) else {
        return false;
    };
    url_for(
        db,
        &service,
        &ops,
        server,
        Requester::Client(service.client_id),
    )
    .is_ok()
}

fn url_for(
    db: &mut dyn Db,
    service: &Service,
    ops: &ServerOps,
    server: Option<i64>,
    requester: Requester,
) -> ModuleResult<String> {
    // The module's own owner check, not WHMCS's page check alone: the key
    // opens the server's panel.
    let Some(server) = server else {
        return Err(ModuleError::InvalidInput(
            "Single sign-on is available once this service's server is linked.".into(),
        ));
    };
    super::owner::check(db, requester, service, server)?;
    // The panel can power a server on: never for an ended service, and no
    // sign-on while WHMCS or the module holds the service (suspended).
    crate::orders::ended::refuse_if_ended(db, service)?;
    if !service::is_active(service) || ops.hold != Hold::None {
        return Err(ModuleError::InvalidInput(
            "Single sign-on is available only while the service is Active.".into(),
        ));
    }
    let key = custom_fields::get(db, service.product_id, service.id, API_KEY)?;
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
