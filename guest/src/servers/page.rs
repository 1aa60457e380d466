//! The client area page: the order lifecycle's view (live facts, status)
//! with the server's power, progress, buttons, reinstall choices and
//! whether single sign-on is available.

use super::actions::linked_server;
use super::ops;
use super::os_choices::{self, OsChoice};
use super::view::{self, Button, ServerState};
use crate::api::ApiClient;
use crate::capabilities::{Db, Http, Platform};
use crate::error::ModuleResult;
use crate::orders::client_area;
use crate::orders::service;
use crate::schema::module_log;
use crate::schema::settings::Settings;

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub view: client_area::View,
    pub server: ServerState,
    pub actions: Vec<Button>,
    pub os_choices: Vec<OsChoice>,
    pub single_sign_on: bool,
}

pub fn page(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
    now_unix: i64,
) -> ModuleResult<Page> {
    let view = client_area::client_area(db, http, platform, service_id)?;
    if view.template != client_area::Template::ClientArea {
        return Ok(Page {
            view,
            server: view::state(&ops::ServerOps::new(service_id)),
            actions: Vec::new(),
            os_choices: Vec::new(),
            single_sign_on: false,
        });
    }
    let mut ops = ops::load(db, service_id)?;
    let service = service::load(db, service_id)?;
    let linked = match &service {
        Some(s) => linked_server(db, s, &ops)?,
        None => None,
    };
    let Some(server) = linked else {
        return Ok(Page {
            view,
            server: view::state(&ops),
            actions: Vec::new(),
            os_choices: Vec::new(),
            single_sign_on: false,
        });
    };
    let before = ops.clone();
    ops.server_id = Some(server);
    if let Some(power) = view.power {
        ops.power = power.into();
    }
    if ops.busy() {
        let settings = Settings::load(db)?;
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        // A failed check leaves the action tracked; the next look tries again.
        let _ = super::refresh::follow(&mut api, &mut ops);
    }
    if ops != before {
        ops.synced_at = module_log::datetime(now_unix);
        ops::save(db, &mut ops)?;
    }
    let usable = match &service {
        Some(s) => service::is_active(s) && !crate::orders::ended::is_ended(db, s)?,
        None => false,
    };
    let product = service.as_ref().map_or(0, |s| s.product_id);
    Ok(Page {
        server: view::state(&ops),
        actions: view::buttons(&ops, usable),
        os_choices: os_choices::for_product(db, product)?,
        single_sign_on: super::sso::available(db, service_id),
        view,
    })
}
