//! The HOSTKEY calls that find an order's server after its answer was lost
//! or before the post-install callback arrived (terraform provider
//! `internal/invapi/pending.go`, `callback.go`). Every answer is read by the
//! typed, corpus-tested readers of `orders::hostkey` and `servers::calls`
//! (`tests/hostkey-api/`): this file only says what the order path makes of
//! them.

use super::hostkey::{OrderInstance, Ordered, Servers, ShowServer, UpdateServers};
use crate::api::{ApiClient, ApiError, Call, Retry, send};
use crate::servers::calls::{CallbackCheck, CallbackState, Progress};
use serde_json::Value as Json;

/// Sends the order, once (`OrderInstance` is never retried).
pub fn place_order(api: &mut ApiClient, order: &OrderInstance) -> Result<Ordered, ApiError> {
    send(api, order)
}

/// `eq/update_servers`: the account's servers (`Servers::ids`) and the
/// deploy keys of its orders not yet deployed (`Servers::deploy_keys_by_invoice`).
pub fn look_at_account(api: &mut ApiClient) -> Result<Servers, ApiError> {
    send(api, &UpdateServers)
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

/// The live hostname of a server as `eq/show` tells it (`ServerFacts::hostname`,
/// the provider's `showHostname`); "" when none shows yet.
pub fn show_name(api: &mut ApiClient, id: i64) -> Result<String, ApiError> {
    send(api, &ShowServer { id }).map(|facts| facts.hostname().to_string())
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

    fn deploy(answer: Json) -> Deploy {
        let state: CallbackState = serde_json::from_value(answer).expect("lenient");
        Deploy::of(&state)
    }

    #[test]
    fn a_deploy_is_done_pending_or_failed_as_the_provider_reads_it() {
        // pending_test.go: scope pending with empty context, then deploy_done with context id/ip
        let pending = json!({"result":"OK","scope":"pending","context":{"id":"","ip":""}});
        assert_eq!(deploy(pending), Deploy::Running("pending".into()));
        let done =
            json!({"result":"OK","scope":"deploy_done","context":{"id":"101","ip":"1.2.3.4"}});
        assert_eq!(deploy(done), Deploy::Done { server: Some(101) });
        // TestCallbackServerID_UsesContextOrScopeID: an object scope carries the id.
        let scoped =
            json!({"result":"OK","scope":{"id":67890,"location":"RU","result":"deploy_done"}});
        assert_eq!(
            deploy(scoped),
            Deploy::Done {
                server: Some(67890)
            }
        );
        let cancelled = json!({"result":"OK","scope":"cancel_request"});
        assert!(matches!(deploy(cancelled), Deploy::Failed(_)));
    }

    #[test]
    fn only_hostkey_and_the_servers_own_id_is_the_placeholder() {
        assert!(is_placeholder("hostkey101", 101));
        assert!(is_placeholder(" HOSTKEY101 ", 101));
        assert!(!is_placeholder("hostkey101", 102));
        assert!(!is_placeholder("", 101));
        assert!(!is_placeholder("hostkey0", 0));
    }
}
