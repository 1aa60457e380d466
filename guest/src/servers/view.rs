//! The server's state and buttons as a page shows them: which buttons are
//! enabled follows the power, the tracked action and the service's status.

use super::ops::{Hold, ServerOps};

/// A management action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PowerOn,
    PowerOff,
    Reboot,
    Reinstall,
    Refresh,
}

impl Action {
    /// The key kept in the servers table and the module log.
    pub fn key(self) -> &'static str {
        match self {
            Action::PowerOn => "power-on",
            Action::PowerOff => "power-off",
            Action::Reboot => "reboot",
            Action::Reinstall => "reinstall",
            Action::Refresh => "refresh",
        }
    }

    /// What a page says while it runs.
    pub fn busy_label(key: &str) -> &'static str {
        match key {
            "power-on" => "Powering on…",
            "power-off" => "Powering off…",
            "reboot" => "Rebooting…",
            "reinstall" => "Reinstalling…",
            _ => "Working…",
        }
    }

    /// The tracked action as the start of a sentence.
    pub fn running_label(key: &str) -> &'static str {
        match key {
            "power-on" => "The power-on",
            "power-off" => "The power-off",
            "reboot" => "The reboot",
            "reinstall" => "The reinstall",
            _ => "An earlier action",
        }
    }

    /// The power once the action is done.
    pub fn power_after(key: &str) -> Option<&'static str> {
        match key {
            "power-on" | "reboot" | "reinstall" => Some("on"),
            "power-off" => Some("off"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerState {
    /// on, off or unknown.
    pub power: String,
    pub label: String,
    pub busy: bool,
    pub busy_label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub action: Action,
    pub label: String,
    pub enabled: bool,
    pub confirm: String,
}

pub fn state(ops: &ServerOps) -> ServerState {
    ServerState {
        power: ops.power.clone(),
        label: match ops.power.as_str() {
            "on" => "Running",
            "off" => "Powered off",
            _ => "Unknown",
        }
        .into(),
        busy: ops.busy(),
        busy_label: if ops.busy() {
            Action::busy_label(&ops.pending_action).into()
        } else {
            String::new()
        },
    }
}

/// The admin's buttons: WHMCS's list has no disabled state, so every action
/// is listed while the service may be managed (a click on one that cannot
/// run now answers why); a suspended service offers only Refresh, an ended
/// one nothing.
pub fn admin_buttons(ops: &ServerOps, ended: bool) -> Vec<Button> {
    if ended || ops.hold == Hold::Terminated {
        return Vec::new();
    }
    let suspended = ops.hold == Hold::Suspended;
    buttons(&ServerOps::new(ops.service_id), true)
        .into_iter()
        .filter(|b| b.action != Action::Reinstall)
        .filter(|b| !suspended || b.action == Action::Refresh)
        .map(|b| Button { enabled: true, ..b })
        .collect()
}

/// The buttons of a linked server; `usable` is false when the requester may
/// not act now (a client's service that is not Active).
pub fn buttons(ops: &ServerOps, usable: bool) -> Vec<Button> {
    let free = usable && !ops.busy() && ops.hold == Hold::None;
    let power = ops.power.as_str();
    let button = |action, label: &str, enabled, confirm: &str| Button {
        action,
        label: label.into(),
        enabled,
        confirm: confirm.into(),
    };
    vec![
        button(Action::PowerOn, "Power on", free && power != "on", ""),
        button(
            Action::PowerOff,
            "Power off",
            free && power != "off",
            "Power the server off?",
        ),
        button(
            Action::Reboot,
            "Reboot",
            free && power != "off",
            "Reboot the server?",
        ),
        button(
            Action::Reinstall,
            "Reinstall OS",
            free,
            "Reinstalling erases every file on the server. Continue?",
        ),
        button(Action::Refresh, "Refresh status", usable, ""),
    ]
}
