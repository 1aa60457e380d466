//! Power, reinstall and refresh for an admin or the service's owner. A
//! client may act only on his own Active service; nobody acts on an ended
//! one (`orders::ended`) or powers a suspended one. A client's clicks are
//! rate-limited per service (one action per `MIN_INTERVAL_SECS`), so ten
//! clicks send one request; the admin is not. A click while an earlier
//! action is tracked first follows it (`eq_callback/check`): done, the click
//! is sent; still running, one sentence says what runs and nothing is sent.
//! The action's time is written before the call; an API fault puts the row
//! back as it was. Refresh is throttled in `refresh`.

use super::calls::{self, PowerOff, PowerOn, Reboot, Reinstall};
use super::ops::{self, Hold, ServerOps};
use super::os_choices;
use super::owner::Requester;
use super::refresh::follow;
use super::view::{self, Action, Button, ServerState};
use crate::api::{ApiClient, ApiError};
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::orders::hostkey;
use crate::orders::server_of;
use crate::orders::service::{self, Service};
use crate::schema::module_log;
use crate::schema::settings::Settings;

/// One power action per service in this many seconds.
pub const MIN_INTERVAL_SECS: i64 = 30;

/// An action with its input.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    PowerOn,
    PowerOff,
    Reboot,
    Refresh,
    Reinstall { os_id: i64, password: String },
}

impl Request {
    /// A reinstall as the client's form asks for it, refused before anything
    /// is read or sent without the client's confirmation (it erases every
    /// file on the server) or an operating system.
    pub fn reinstall(os_id: Option<i64>, password: String, confirmed: bool) -> ModuleResult<Self> {
        let refused = |sentence: &str| Err(ModuleError::InvalidInput(sentence.into()));
        if !confirmed {
            return refused("Confirm the reinstall first: it erases every file on the server.");
        }
        let Some(os_id) = os_id else {
            return refused("Choose the operating system to install.");
        };
        Ok(Request::Reinstall { os_id, password })
    }

    fn action(&self) -> Action {
        match self {
            Request::PowerOn => Action::PowerOn,
            Request::PowerOff => Action::PowerOff,
            Request::Reboot => Action::Reboot,
            Request::Refresh => Action::Refresh,
            Request::Reinstall { .. } => Action::Reinstall,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub accepted: bool,
    pub message: String,
    pub server: ServerState,
    pub actions: Vec<Button>,
}

/// The service's HOSTKEY server as recorded, without asking HOSTKEY (the
/// first sources of the one rule, `orders::server_of`).
pub fn linked_server(
    db: &mut dyn Db,
    service: &Service,
    ops: &ServerOps,
) -> ModuleResult<Option<i64>> {
    server_of::known(db, service, ops)
}

/// The service, checked for the requester: a client must own it and it must
/// be Active. Anything else is refused before any call.
pub fn authorised(db: &mut dyn Db, service_id: i64, requester: Requester) -> ModuleResult<Service> {
    let Some(service) = service::load(db, service_id)? else {
        return Err(ModuleError::InvalidInput(
            "This service is not a HOSTKEY server.".into(),
        ));
    };
    crate::orders::ended::refuse_if_ended(db, &service)?;
    if let Requester::Client(client) = requester {
        if client <= 0 || client != service.client_id {
            return Err(ModuleError::InvalidInput(
                "Only the owner of this service may manage its server.".into(),
            ));
        }
        if !service::is_active(&service) {
            return Err(ModuleError::InvalidInput(
                "Server actions are available only while the service is Active.".into(),
            ));
        }
    }
    Ok(service)
}

fn outcome(accepted: bool, message: impl Into<String>, ops: &ServerOps, usable: bool) -> Outcome {
    Outcome {
        accepted,
        message: message.into(),
        server: view::state(ops),
        actions: view::buttons(ops, usable),
    }
}

pub struct Context<'a> {
    pub db: &'a mut dyn Db,
    pub http: &'a mut dyn Http,
    pub platform: &'a mut dyn Platform,
    pub now_unix: i64,
}

pub fn run(
    cx: Context,
    service_id: i64,
    requester: Requester,
    request: Request,
) -> ModuleResult<Outcome> {
    let Context {
        db,
        http,
        platform,
        now_unix,
    } = cx;
    let service = authorised(db, service_id, requester)?;
    let mut ops = ops::load(db, service_id)?;
    let Some(server) = server_of::resolve_with(db, &mut *http, &mut *platform, &service, &mut ops)?
    else {
        return Err(ModuleError::InvalidInput(
            "This service has no HOSTKEY server linked yet.".into(),
        ));
    };
    super::owner::check(db, requester, &service, server)?;
    let usable = true;
    let settings = Settings::load(db)?;
    let is_refresh = request == Request::Refresh;
    let acted = service::with_service_lock(db, service_id, service::NO_WAIT, |db| {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        let asked = Asked {
            requester,
            request,
            now_unix,
        };
        act(db, &mut api, &service, server, &mut ops, asked)
    })?;
    let Some(result) = acted else {
        // A poll meeting a click in flight shows the state as it is.
        return Ok(outcome(
            is_refresh,
            if is_refresh {
                ""
            } else {
                "Another action on this server is being sent; try again in a moment."
            },
            &ops,
            usable,
        ));
    };
    let (accepted, message, log) = result?;
    if let Some(line) = log {
        module_log::record(
            db,
            platform,
            &settings,
            module_log::Entry {
                action: "server-action",
                params: &format!("service {service_id} server {server}"),
                outcome: &line,
                now_unix,
                keep: true,
            },
        );
    }
    Ok(outcome(accepted, message, &ops, usable))
}

type Acted = (bool, String, Option<String>);

/// Who asked for what, when.
struct Asked {
    requester: Requester,
    request: Request,
    now_unix: i64,
}

fn act(
    db: &mut dyn Db,
    api: &mut ApiClient,
    service: &Service,
    server: i64,
    ops: &mut ServerOps,
    asked: Asked,
) -> ModuleResult<Acted> {
    let Asked {
        requester,
        request,
        now_unix,
    } = asked;
    ops.server_id = Some(server);
    let action = request.action();
    if action == Action::Refresh {
        return Ok(
            match super::refresh::refresh(db, api, server, ops, now_unix)? {
                Ok(()) => (true, String::new(), None),
                Err(sentence) => (false, sentence, None),
            },
        );
    }
    if ops.hold == Hold::Suspended {
        return Ok((
            false,
            "The service is suspended: unsuspend it before powering or reinstalling its server; nothing was sent.".into(),
            None,
        ));
    }
    // The interval protects HOSTKEY from a client's clicks and sends nothing.
    let since = now_unix - ops.action_at;
    if matches!(requester, Requester::Client(_))
        && ops.action_at > 0
        && (0..MIN_INTERVAL_SECS).contains(&since)
    {
        return Ok((
            false,
            format!(
                "One action per {MIN_INTERVAL_SECS} seconds: try again in {} seconds.",
                MIN_INTERVAL_SECS - since
            ),
            None,
        ));
    }
    if ops.busy() {
        let before = ops.clone();
        if let Err(error) = follow(api, ops) {
            *ops = before;
            return Ok((false, error.to_string(), None));
        }
        if ops.busy() {
            return Ok((
                false,
                format!(
                    "{} is still running at HOSTKEY, so the {} was not sent; click again once it is done.",
                    view::Action::running_label(&ops.pending_action),
                    action.key()
                ),
                None,
            ));
        }
        ops::save(db, ops)?;
    }
    let already = match action {
        Action::PowerOn if ops.power == "on" => {
            Some("The server is already running; nothing was sent.")
        }
        Action::PowerOff if ops.power == "off" => {
            Some("The server is already off; nothing was sent.")
        }
        Action::Reboot if ops.power == "off" => Some("The server is off: power it on instead."),
        _ => None,
    };
    if let Some(sentence) = already {
        return Ok((action != Action::Reboot, sentence.to_string(), None));
    }
    if let Request::Reinstall { os_id, password } = &request {
        let offered = os_choices::for_product(db, service.product_id)?;
        if !offered.iter().any(|c| c.id == *os_id) {
            return Ok((
                false,
                "Choose one of the operating systems offered for this server.".into(),
                None,
            ));
        }
        if let Some(problem) = crate::orders::checkout::password_problem(password) {
            return Ok((false, problem.to_string(), None));
        }
        api.add_secret(password);
    }
    // Saved only once HOSTKEY took it: the service's lock, held for the
    // call, already refuses a click made meanwhile.
    let saved = ops.clone();
    ops.action_at = now_unix;
    ops.pending_action = action.key().to_string();
    let sent = match &request {
        Request::PowerOn => hostkey::send(api, &PowerOn(calls::Power { server_id: server })),
        Request::PowerOff => hostkey::send(api, &PowerOff(calls::Power { server_id: server })),
        Request::Reboot => hostkey::send(api, &Reboot(calls::Power { server_id: server })),
        Request::Reinstall { os_id, password } => hostkey::send(
            api,
            &Reinstall {
                server_id: server,
                os_id: *os_id,
                root_pass: password.clone(),
            },
        ),
        Request::Refresh => unreachable_refresh(),
    };
    match sent {
        Ok(started) => {
            ops.pending_key = started.callback.trim().to_string();
            if ops.pending_key.is_empty() {
                // Nothing to follow: HOSTKEY took it synchronously.
                if let Some(power) = Action::power_after(action.key()) {
                    ops.power = power.into();
                }
                ops.pending_action.clear();
            }
            ops.detail = format!("{} sent", action.key());
            ops::save(db, ops)?;
            Ok((
                true,
                String::new(),
                Some(format!("{} of HOSTKEY server {server} sent.", action.key())),
            ))
        }
        Err(error) => {
            *ops = saved;
            Ok((
                false,
                error.to_string(),
                Some(format!(
                    "{} of HOSTKEY server {server} failed: {error}",
                    action.key()
                )),
            ))
        }
    }
}

/// Refresh returns before any call is chosen.
fn unreachable_refresh() -> Result<calls::Started, ApiError> {
    Ok(calls::Started::default())
}
