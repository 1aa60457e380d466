//! The HOSTKEY calls that find an order's server after its answer was lost
//! or before the post-install callback arrived, read as HOSTKEY's own client
//! reads them (terraform provider `internal/invapi/types.go`, `callback.go`,
//! `pending.go`): every answer loosely, since ids come as numbers, strings
//! or objects and lists as lists or objects.

use super::hostkey::OrderInstance;
use crate::api::{ApiClient, ApiError, Call, Retry, send};
use crate::servers::calls::{CallbackCheck, CallbackState, Progress};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::api::lenient::id_of;

/// `eq/order_instance` read for its `callback` too (the order's deploy key).
pub struct PlaceOrder<'a>(pub &'a OrderInstance);

/// The order's answer: the HOSTKEY invoice, the server when named, the
/// deploy key to follow.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderAnswer {
    pub invoice: Option<i64>,
    pub server: Option<i64>,
    pub callback: String,
}

impl Call for PlaceOrder<'_> {
    const MODULE: &'static str = OrderInstance::MODULE;
    const ACTION: &'static str = OrderInstance::ACTION;
    const RETRY: Retry = Retry::Never;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        self.0.params()
    }
}

pub fn place_order(api: &mut ApiClient, order: &OrderInstance) -> Result<OrderAnswer, ApiError> {
    let answer = send(api, &PlaceOrder(order))?;
    Ok(OrderAnswer {
        invoice: answer.get("invoice").and_then(id_of),
        server: answer.get("id").and_then(id_of),
        callback: text_of(answer.get("callback")),
    })
}

fn text_of(value: Option<&Json>) -> String {
    value.map(crate::api::lenient::text_of).unwrap_or_default()
}

/// `eq/update_servers`: the account's servers and the deploy keys of its
/// orders not yet deployed.
pub struct LookAtAccount;

impl Call for LookAtAccount {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "update_servers";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// What `eq/update_servers` says about the account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    /// Every server id in `servers` and `billing_servers`.
    pub servers: BTreeSet<i64>,
    /// HOSTKEY invoice → deploy key (`deploy_keys`, an object or `[]`).
    pub deploy_keys: BTreeMap<i64, String>,
}

impl Account {
    pub fn read(answer: &Json) -> Self {
        let mut servers = BTreeSet::new();
        for list in ["servers", "billing_servers"] {
            for item in items(answer.get(list)) {
                let id = match item {
                    Json::Object(o) => o.get("id").and_then(id_of),
                    other => id_of(other),
                };
                servers.extend(id);
            }
        }
        let mut deploy_keys = BTreeMap::new();
        if let Some(Json::Object(keys)) = answer.get("deploy_keys") {
            for (invoice, key) in keys {
                let key = text_of(Some(key));
                if let (Ok(invoice), false) = (invoice.trim().parse::<i64>(), key.is_empty()) {
                    deploy_keys.insert(invoice, key);
                }
            }
        }
        Self {
            servers,
            deploy_keys,
        }
    }

    pub fn highest_id(&self) -> i64 {
        self.servers.last().copied().unwrap_or(0)
    }
}

/// A list's items, whether HOSTKEY sent a list or an object keyed by id.
fn items(value: Option<&Json>) -> Vec<&Json> {
    match value {
        Some(Json::Array(list)) => list.iter().collect(),
        Some(Json::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    }
}

pub fn look_at_account(api: &mut ApiClient) -> Result<Account, ApiError> {
    send(api, &LookAtAccount).map(|answer| Account::read(&answer))
}

/// A deploy's state as `eq_callback/check` tells it (`callbackTerminal`).
#[derive(Debug, Clone, PartialEq)]
pub enum Deploy {
    /// Done; the server when `context` (or an object `scope`) names it.
    Done { server: Option<i64> },
    /// Still running; HOSTKEY's short hint (`scope`, else `result`).
    Running(String),
    /// Cancelled or failed, by HOSTKEY's own words.
    Failed(String),
    /// HOSTKEY no longer knows the key (deployed and cleaned up, or
    /// cancelled): the answer alone does not say which.
    Gone(String),
}

impl Deploy {
    /// The one reading of `eq_callback/check` (`servers::calls::CallbackState`,
    /// the provider's `callbackTerminal`), told as a deploy.
    pub fn read(answer: &Json) -> Self {
        match serde_json::from_value::<CallbackState>(answer.clone()) {
            Ok(state) => Self::of(&state),
            Err(_) => Deploy::Running(String::new()),
        }
    }

    fn of(state: &CallbackState) -> Self {
        match state.progress() {
            Progress::Done => Deploy::Done {
                server: state.server_id(),
            },
            Progress::Failed(why) => Deploy::Failed(why),
            Progress::Running => {
                let scope = match &state.scope {
                    Json::String(s) => s.trim().to_string(),
                    Json::Null => String::new(),
                    other => other.to_string(),
                };
                let hint = if scope.is_empty() {
                    state.result.clone()
                } else {
                    scope
                };
                Deploy::Running(hint.chars().take(80).collect())
            }
        }
    }
}

pub fn check_deploy(api: &mut ApiClient, key: &str) -> Result<Deploy, ApiError> {
    match send(api, &CallbackCheck { key: key.into() }) {
        Ok(state) => Ok(Deploy::of(&state)),
        // HOSTKEY answers an unknown key (and a finished one it cleaned up)
        // with an error envelope; the provider then looks at the account.
        Err(ApiError::Refused { message, .. }) => Ok(Deploy::Gone(message)),
        Err(other) => Err(other),
    }
}

/// `eq/show` read for the server's live hostname only.
pub struct ShowName {
    pub id: i64,
}

impl Call for ShowName {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "show";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        vec![("id".into(), self.id.to_string())]
    }
}

/// The live hostname of an `eq/show` answer, as the provider's
/// `showHostname` finds it: `hostname`/`server_name` anywhere in
/// `server_data`, its top-level `name`, else the `hostname`/`server_name`
/// tag. Empty when none is there.
pub fn live_hostname(answer: &Json) -> String {
    let data = answer.get("server_data").unwrap_or(&Json::Null);
    if let Some(name) = precise_name(data) {
        return name;
    }
    if let Some(name) = data.get("name").and_then(Json::as_str) {
        let name = name.trim();
        if !name.is_empty() {
            return name.to_string();
        }
    }
    let mut server_name = String::new();
    for tag in items(answer.get("tags")) {
        let kind = text_of(tag.get("tag")).to_ascii_lowercase();
        let value = text_of(tag.get("value"));
        if value.is_empty() {
            continue;
        }
        match kind.as_str() {
            "hostname" => return value,
            "server_name" => server_name = value,
            _ => {}
        }
    }
    server_name
}

fn precise_name(value: &Json) -> Option<String> {
    match value {
        Json::Object(map) => {
            for (key, v) in map {
                let key = key.to_ascii_lowercase();
                if (key == "hostname" || key == "server_name")
                    && let Some(s) = v.as_str().map(str::trim).filter(|s| !s.is_empty())
                {
                    return Some(s.to_string());
                }
            }
            map.values().find_map(precise_name)
        }
        Json::Array(list) => list.iter().find_map(precise_name),
        _ => None,
    }
}

pub fn show_name(api: &mut ApiClient, id: i64) -> Result<String, ApiError> {
    send(api, &ShowName { id }).map(|answer| live_hostname(&answer))
}

/// HOSTKEY's default name before it applies the ordered hostname
/// (`isInvAPIPlaceholderHostname`): `hostkey<id>`. An empty name is not one.
pub fn is_placeholder(live: &str, id: i64) -> bool {
    id > 0 && live.trim().eq_ignore_ascii_case(&format!("hostkey{id}"))
}

/// `eq/rename_server`: the provider's repair of a hostname HOSTKEY did not apply.
pub struct RenameServer<'a> {
    pub id: i64,
    pub hostname: &'a str,
}

impl Call for RenameServer<'_> {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "rename_server";
    // Setting the same name twice is harmless.
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("id".into(), self.id.to_string()),
            ("hostname".into(), self.hostname.to_string()),
        ]
    }
}

/// Renames the server to the client's hostname when HOSTKEY still shows its
/// placeholder; a name someone chose is left alone. True when renamed.
pub fn rename_if_placeholder(
    api: &mut ApiClient,
    id: i64,
    hostname: &str,
) -> Result<bool, ApiError> {
    let hostname = hostname.trim();
    if hostname.is_empty() || !is_placeholder(&show_name(api, id)?, id) {
        return Ok(false);
    }
    send(api, &RenameServer { id, hostname })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deploy_keys_come_as_an_object_or_an_empty_list() {
        // pending_test.go TestWaitForPendingServer_BindsInvoiceCallback, TestLookupPendingServer_NotReady
        let account = Account::read(
            &json!({"result":"OK","deploy_keys":{"603548":"cb-ours","111":"cb-other"},"servers":[10,"20",{"id":101}]}),
        );
        assert_eq!(
            account.deploy_keys.get(&603548).map(String::as_str),
            Some("cb-ours")
        );
        assert_eq!(account.servers, BTreeSet::from([10, 20, 101]));
        let empty = Account::read(&json!({"result":"OK","deploy_keys":[]}));
        assert!(empty.deploy_keys.is_empty() && empty.servers.is_empty());
    }

    #[test]
    fn a_deploy_is_done_pending_or_failed_as_the_provider_reads_it() {
        // pending_test.go: scope pending with empty context, then deploy_done with context id/ip
        let pending = json!({"result":"OK","scope":"pending","context":{"id":"","ip":""}});
        assert_eq!(Deploy::read(&pending), Deploy::Running("pending".into()));
        let done =
            json!({"result":"OK","scope":"deploy_done","context":{"id":"101","ip":"1.2.3.4"}});
        assert_eq!(Deploy::read(&done), Deploy::Done { server: Some(101) });
        // TestCallbackServerID_UsesContextOrScopeID: an object scope carries the id.
        let scoped =
            json!({"result":"OK","scope":{"id":67890,"location":"RU","result":"deploy_done"}});
        assert_eq!(
            Deploy::read(&scoped),
            Deploy::Done {
                server: Some(67890)
            }
        );
        let cancelled = json!({"result":"OK","scope":"cancel_request"});
        assert!(matches!(Deploy::read(&cancelled), Deploy::Failed(_)));
    }

    #[test]
    fn the_live_hostname_is_found_where_hostkey_puts_it() {
        let nested = json!({"server_data":{"data":{"server":{"hostname":"tf-pico-renamed"}}}});
        assert_eq!(live_hostname(&nested), "tf-pico-renamed");
        let preset = json!({"server_data":{"data":{"preset":{"name":"vps.v1.small"}}}});
        assert_eq!(
            live_hostname(&preset),
            "",
            "a nested preset name is no hostname"
        );
        let tags = json!({"server_data":{"status":"Active"},"tags":[{"tag":"hostname","value":"hostkey101"}]});
        assert_eq!(live_hostname(&tags), "hostkey101");
        assert!(is_placeholder("hostkey101", 101));
        assert!(!is_placeholder("hostkey101", 102));
        assert!(!is_placeholder("", 101));
        let nulls = json!({"server_data":{"hostname":null},"tags":null});
        assert_eq!(live_hostname(&nulls), "");
    }
}
