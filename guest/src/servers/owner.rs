//! Who owns a HOSTKEY server: the one answer re-link, single sign-on and the
//! client's actions ask. A server belongs to the service linked to it by any
//! of the ways a server gets linked: our first order, our management row (a
//! re-link, or a server found through a service's `Invoice ID`), and the
//! public module's `Preset ID`. A service whose server is known only through
//! its `Invoice ID` is resolved (once, `orders::server_of`) by the paths that
//! can ask HOSTKEY; `resolve_unknown` does it for all of them before a re-link.

use super::linked::{field_values, owned_elsewhere};
use super::ops;
use crate::api::ApiClient;
use crate::capabilities::Db;
use crate::error::{ModuleError, ModuleResult};
use crate::orders::custom_fields::INVOICE_ID;
use crate::orders::server_of;
use crate::orders::service::{self, Service};

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    Admin,
    /// The logged-in client's id (0: nobody).
    Client(i64),
}

/// May `requester` use `server` as the server of `service`? A client only
/// his own service; nobody a server another service also holds (two
/// services on one server would let one client act on another's machine).
pub fn check(
    db: &mut dyn Db,
    requester: Requester,
    service: &Service,
    server: i64,
) -> ModuleResult<()> {
    if let Requester::Client(client) = requester
        && (client <= 0 || client != service.client_id)
    {
        return Err(ModuleError::InvalidInput(
            "Only the owner of this service may manage its server.".into(),
        ));
    }
    if let Some(other) = owned_elsewhere(db, server, service.id)? {
        return Err(ModuleError::InvalidInput(format!(
            "HOSTKEY server {server} is also linked to service {other}: an admin must settle which service it belongs to."
        )));
    }
    Ok(())
}

/// Resolves every service of this module known only by its `Invoice ID`
/// (the public module's services no page has shown yet), so that the owner of
/// each of their servers is known. Each is asked once: found, it is recorded.
pub fn resolve_unknown(db: &mut dyn Db, api: &mut ApiClient) -> ModuleResult<()> {
    for (service_id, _) in field_values(db, INVOICE_ID)? {
        let Some(service) = service::load(db, service_id)? else {
            continue;
        };
        let mut row = ops::load(db, service_id)?;
        if server_of::known(db, &service, &row)?.is_none() {
            server_of::resolve(db, api, &service, &mut row)?;
        }
    }
    Ok(())
}
