//! The HOSTKEY calls of server management, typed like the order lifecycle's
//! (`orders::hostkey`): power on/off/reboot and reinstall answer an
//! eq_callback key that `check` follows until the work is done.

use crate::api::{ApiClient, ApiError, Call, Retry, Session, send};
use serde::Deserialize;

/// What a power or reinstall call answers: the key of the asynchronous work.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Started {
    #[serde(default)]
    pub callback: String,
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

/// `eq/reinstall`: wipes the disk and installs `os_id` with a new root password.
#[derive(Debug, Clone, PartialEq)]
pub struct Reinstall {
    pub server_id: i64,
    pub os_id: i64,
    pub root_pass: String,
}

impl Call for Reinstall {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "reinstall";
    // Destructive: sent once; a lost answer is never repeated blindly.
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

/// Its answer: `Not ready` while running, `OK` once done.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackState {
    #[serde(default)]
    pub result: String,
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
        Ok(answer) => Ok(if answer.result.eq_ignore_ascii_case("not ready") {
            Progress::Running
        } else {
            Progress::Done
        }),
        Err(ApiError::Refused { message, .. })
            if message.to_ascii_lowercase().contains("not found") =>
        {
            Ok(Progress::Done)
        }
        Err(ApiError::Refused { message, .. }) => Ok(Progress::Failed(message)),
        Err(other) => Err(other),
    }
}

/// `api_keys/edit` of one key: switches it on or off (an inactive key cannot log in).
#[derive(Debug, Clone, PartialEq)]
pub struct SetKeyActive {
    pub key_id: i64,
    pub active: bool,
}

impl Call for SetKeyActive {
    const MODULE: &'static str = "api_keys";
    const ACTION: &'static str = "edit";
    // Setting a flag: the same call twice leaves the same key.
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = serde_json::Value;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("params[id]".into(), self.key_id.to_string()),
            (
                "params[active]".into(),
                if self.active { "1" } else { "0" }.into(),
            ),
        ]
    }
}

/// Switches every key of one server on or off; returns how many.
pub fn set_server_keys(
    api: &mut ApiClient,
    server_id: i64,
    active: bool,
) -> Result<usize, ApiError> {
    use crate::orders::hostkey::{self, KeysForServer};
    let listed = hostkey::send(api, &KeysForServer { server_id })?;
    let ids: Vec<i64> = listed
        .data
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| match k.get("id")? {
                    serde_json::Value::Number(n) => n.as_i64(),
                    serde_json::Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for key_id in &ids {
        hostkey::send(
            api,
            &SetKeyActive {
                key_id: *key_id,
                active,
            },
        )?;
    }
    Ok(ids.len())
}
