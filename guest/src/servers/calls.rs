//! The HOSTKEY calls of server management, typed like the order lifecycle's
//! (`orders::hostkey`): power on/off/reboot and reinstall answer an
//! eq_callback key that `check` follows until the work is done.

use crate::api::lenient::{self, id as lenient_id, text as lenient_text};
use crate::api::{ApiClient, ApiError, Call, Retry, Session, send};
use crate::orders::hostkey::ServerKey;
use serde::Deserialize;
use serde_json::Value as Json;

/// What a power or reinstall call answers: the key of the asynchronous work.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Started {
    #[serde(default, deserialize_with = "lenient_text")]
    pub callback: String,
    /// The server, where the answer names one (a reinstall's `id`).
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
}

/// `eq/on`, `eq/off` or `eq/reboot` of one server.
#[derive(Debug, Clone, PartialEq)]
pub struct Power {
    pub server_id: i64,
}

macro_rules! power_call {
    ($name:ident, $action:literal) => {
        #[doc = concat!("`eq/", $action, "`.")]
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name(pub Power);

        impl Call for $name {
            const MODULE: &'static str = "eq";
            const ACTION: &'static str = $action;
            // A stale session refused the call: nothing ran, so one retry is safe.
            const RETRY: Retry = Retry::AfterRelogin;
            type Answer = Started;
            fn params(&self) -> Vec<(String, String)> {
                vec![("id".into(), self.0.server_id.to_string())]
            }
        }
    };
}

power_call!(PowerOn, "on");
power_call!(PowerOff, "off");
power_call!(Reboot, "reboot");

/// Reinstall: wipes the disk and installs `os_id` with a new root password.
/// HOSTKEY's own client sends it as `eq/order_instance` with `id=<server>`
/// and no preset (terraform provider `server_reinstall.go`
/// `buildReinstallRequest`: no location, traffic plan or hostname either).
#[derive(Debug, Clone, PartialEq)]
pub struct Reinstall {
    pub server_id: i64,
    pub os_id: i64,
    pub root_pass: String,
}

impl Call for Reinstall {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "order_instance";
    // Destructive, and an order_instance: sent once (the provider's
    // nonRetryableActions); a lost answer is never repeated blindly.
    const RETRY: Retry = Retry::Never;
    type Answer = Started;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("id".into(), self.server_id.to_string()),
            ("os_id".into(), self.os_id.to_string()),
            ("root_pass".into(), self.root_pass.clone()),
        ]
    }
}

/// Where a tracked action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Running,
    Done,
    /// HOSTKEY reported a failure; the sentence says what it said.
    Failed(String),
}

/// `eq_callback/check` (public, no token): where the work behind a key stands.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackCheck {
    pub key: String,
}

/// Its answer: `Not ready` while running, `OK` once done; a deploy's says
/// how far it is in `scope` (a string or an object) and `context`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackState {
    #[serde(default, deserialize_with = "lenient_text")]
    pub result: String,
    #[serde(default)]
    pub scope: Json,
    #[serde(default)]
    pub context: Json,
    #[serde(default, deserialize_with = "lenient_text")]
    pub debug: String,
}

impl CallbackState {
    /// The server the work is about: `context.id`, else `scope.id`
    /// (`CallbackServerID`, callback.go).
    pub fn server_id(&self) -> Option<i64> {
        [&self.context, &self.scope]
            .into_iter()
            .find_map(|v| v.get("id").and_then(lenient::id_of))
    }

    /// Where the work stands, as the provider's `callbackTerminal` reads a
    /// deploy's answer; a plain `OK` (a power action's) is done.
    pub fn progress(&self) -> Progress {
        let result = self.result.to_ascii_lowercase();
        let scope = json_text(&self.scope).to_ascii_lowercase();
        if result == "not ready" {
            return Progress::Running;
        }
        if scope.contains("deploy_done") || scope.contains("autodeploy completed") {
            return Progress::Done;
        }
        let context_ip = self.context.get("ip").map(lenient::text_of);
        if self.server_id().is_some() && context_ip.is_some_and(|ip| !ip.is_empty()) {
            return Progress::Done;
        }
        if matches!(
            result.as_str(),
            "error" | "failed" | "cancelled" | "canceled" | "fail"
        ) {
            return Progress::Failed(format!("HOSTKEY reported the work as {}", self.result));
        }
        let blob =
            format!("{scope} {} {}", json_text(&self.context), self.debug).to_ascii_lowercase();
        let failures = [
            ("cancel", "cancelled"),
            ("aborted", "aborted"),
            ("rejected", "rejected"),
            ("fail", "failed"),
            ("error", "failed"),
        ];
        if let Some((_, outcome)) = failures.into_iter().find(|(w, _)| blob.contains(w)) {
            return Progress::Failed(format!("HOSTKEY reported the work as {outcome}"));
        }
        if scope.contains("pending") {
            return Progress::Running;
        }
        Progress::Done
    }
}

fn json_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Call for CallbackCheck {
    const MODULE: &'static str = "eq_callback";
    const ACTION: &'static str = "check";
    const RETRY: Retry = Retry::AfterRelogin;
    const SESSION: Session = Session::Public;
    type Answer = CallbackState;
    fn params(&self) -> Vec<(String, String)> {
        vec![("key".into(), self.key.clone())]
    }
}

/// Follows a key. A key HOSTKEY no longer knows was answered before (it is
/// deleted after its first OK): the work is done.
pub fn check(api: &mut ApiClient, key: &str) -> Result<Progress, ApiError> {
    let call = CallbackCheck { key: key.into() };
    match send(api, &call) {
        Ok(answer) => Ok(answer.progress()),
        Err(error) if error.is_not_found() => Ok(Progress::Done),
        Err(ApiError::Refused { message, .. }) => Ok(Progress::Failed(message)),
        Err(other) => Err(other),
    }
}

/// `api_keys/edit` of one key: switches it on or off (an inactive key cannot
/// log in). Sent with the whole record as listed, as the MCP server's
/// `update_api_key` sends it (id, name, ip, login_notify_method,
/// login_notify_address, active), so HOSTKEY has nothing to blank.
#[derive(Debug, Clone, PartialEq)]
pub struct SetKeyActive {
    pub key: ServerKey,
    pub active: bool,
}

impl Call for SetKeyActive {
    const MODULE: &'static str = "api_keys";
    const ACTION: &'static str = "edit";
    // Setting a flag: the same call twice leaves the same key.
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        let key = &self.key;
        let method = if key.login_notify_method.is_empty() {
            // What the key was created with (api_keys/add, public module).
            "none"
        } else {
            key.login_notify_method.as_str()
        };
        vec![
            ("params[id]".into(), key.id.unwrap_or(0).to_string()),
            ("params[name]".into(), key.name.clone()),
            ("params[ip]".into(), key.ip.clone()),
            ("params[login_notify_method]".into(), method.into()),
            (
                "params[login_notify_address]".into(),
                key.login_notify_address.clone(),
            ),
            (
                "params[active]".into(),
                if self.active { "1" } else { "0" }.into(),
            ),
        ]
    }
}

/// Switches every key of one server on or off; returns how many. Every
/// record is read (and a bad one refused) before the first key changes.
pub fn set_server_keys(
    api: &mut ApiClient,
    server_id: i64,
    active: bool,
) -> Result<usize, ApiError> {
    use crate::orders::hostkey::{self, KeysForServer};
    let keys = hostkey::send(api, &KeysForServer { server_id })?.keys()?;
    for key in &keys {
        hostkey::send(
            api,
            &SetKeyActive {
                key: key.clone(),
                active,
            },
        )?;
    }
    Ok(keys.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{RecordingPlatform, ScriptedHttp};

    const LOGIN: &str = r#"{"result":{"token":"tok-0123456789abcdef"}}"#;

    fn switch_off(list: &str) -> (Result<usize, ApiError>, Vec<String>) {
        let mut http = ScriptedHttp::default()
            .json(LOGIN)
            .json(list)
            .json(r#"{"result":"OK"}"#)
            .json(r#"{"result":"OK"}"#);
        let mut platform = RecordingPlatform::default();
        let result = {
            let mut api = ApiClient::new(
                &mut http,
                &mut platform,
                "https://invapi.hostkey.com/",
                "key-0123456789",
            )
            .expect("client");
            set_server_keys(&mut api, 4242, false)
        };
        let edits = http
            .bodies()
            .into_iter()
            .filter(|b| b.starts_with("action=edit&"))
            .collect();
        (result, edits)
    }

    #[test]
    fn every_key_is_edited_with_its_whole_record() {
        let (result, edits) = switch_off(
            r#"{"result":"OK","data":{"71":{"id":"71","name":"Api key [4242.9]","ip":null,"active":"1","login_notify_method":"email","login_notify_address":"r@example.test"},"72":{"id":72,"name":"second"}}}"#,
        );
        assert_eq!(result, Ok(2));
        assert_eq!(
            edits[0],
            "action=edit&params%5Bid%5D=71&params%5Bname%5D=Api+key+%5B4242.9%5D&params%5Bip%5D=\
             &params%5Blogin_notify_method%5D=email&params%5Blogin_notify_address%5D=r%40example.test\
             &params%5Bactive%5D=0&token=tok-0123456789abcdef"
        );
        assert!(
            edits[1].contains("params%5Blogin_notify_method%5D=none&"),
            "a key without a method keeps the one it was made with: {}",
            edits[1]
        );
    }

    #[test]
    fn a_listed_key_without_an_id_changes_no_key() {
        let (result, edits) =
            switch_off(r#"{"result":"OK","data":[{"id":71,"name":"a"},{"name":"b"}]}"#);
        assert_eq!(
            result.expect_err("refused").to_string(),
            "The HOSTKEY API answered api_keys/list_for_server without the id of a key, which the module needs."
        );
        assert!(edits.is_empty(), "{edits:?}");
    }

    #[test]
    fn power_follows_the_rental_state_when_hostkey_sends_no_power_field() {
        use crate::servers::refresh::power_of;
        assert_eq!(power_of("", "rent"), Some("on"));
        assert_eq!(power_of("", "power_off"), Some("off"));
        assert_eq!(power_of("", "presale"), None, "not deployed: neither");
        assert_eq!(power_of("", ""), None);
        assert_eq!(
            power_of("off", "rent"),
            Some("off"),
            "a power field, where sent, wins"
        );
    }
}
