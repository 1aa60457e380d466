//! Server-management rule types to and from the WIT `provisioning` types.

use super::exports::hostkey::reseller::provisioning as wit;
use crate::error::ModuleResult;
use crate::servers::actions::{Outcome, Request};
use crate::servers::owner::Requester;
use crate::servers::view::{Action, Button, ServerState};

pub fn requester(r: wit::Requester) -> Requester {
    match r {
        wit::Requester::Admin => Requester::Admin,
        wit::Requester::Client(id) => Requester::Client(id),
    }
}

pub fn request(r: wit::ActionRequest) -> ModuleResult<Request> {
    Ok(match r {
        wit::ActionRequest::PowerOn => Request::PowerOn,
        wit::ActionRequest::PowerOff => Request::PowerOff,
        wit::ActionRequest::Reboot => Request::Reboot,
        wit::ActionRequest::Refresh => Request::Refresh,
        wit::ActionRequest::Reinstall(choice) => {
            Request::reinstall(choice.os_id, choice.password, choice.confirmed)?
        }
    })
}

pub fn state(s: ServerState) -> wit::ServerState {
    wit::ServerState {
        power: match s.power.as_str() {
            "on" => wit::PowerState::On,
            "off" => wit::PowerState::Off,
            _ => wit::PowerState::Unknown,
        },
        label: s.label,
        busy: s.busy,
        busy_label: s.busy_label,
    }
}

pub fn button(b: Button) -> wit::ActionButton {
    wit::ActionButton {
        action: match b.action {
            Action::PowerOn => wit::ServerAction::PowerOn,
            Action::PowerOff => wit::ServerAction::PowerOff,
            Action::Reboot => wit::ServerAction::Reboot,
            Action::Reinstall => wit::ServerAction::Reinstall,
            Action::Refresh => wit::ServerAction::Refresh,
        },
        label: b.label,
        enabled: b.enabled,
        confirm: b.confirm,
    }
}

pub fn outcome(o: Outcome) -> wit::ActionOutcome {
    wit::ActionOutcome {
        accepted: o.accepted,
        message: o.message,
        server: state(o.server),
        actions: o.actions.into_iter().map(button).collect(),
    }
}
