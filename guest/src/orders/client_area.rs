//! The client area of a service: the server's live state from `eq/show`
//! (which may lower the service's status, never raise it), its facts, and HOSTKEY's panel
//! for that server. The panel URL carries the per-server API key, as the
//! public module's does: it opens only that server's panel (docs/lifecycle.md).

use super::custom_fields::{self, API_KEY};
use super::hostkey::{self, ShowServer};
use super::server_of::server_of;
use super::service;
use super::state::{self, FIRST_ORDER, State};
use super::terms::ServiceStatus;
use crate::api::{ApiBase, ApiClient};
use crate::capabilities::{Db, Http, Platform};
use crate::error::ModuleResult;
use crate::schema::settings::Settings;

/// The page the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Template {
    ClientArea,
    #[default]
    Error,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub template: Template,
    /// The service's status after the read; none on the error page and
    /// while the server is being set up.
    pub status: Option<ServiceStatus>,
    /// Ordered but not linked yet.
    pub being_set_up: bool,
    pub panel_url: Option<String>,
    pub fields: Vec<(String, String)>,
    pub error: Option<String>,
    /// The power HOSTKEY reported (on / off); none when it did not say.
    pub power: Option<&'static str>,
}

/// What the page prints as the status while the server is ordered but not linked.
pub const BEING_SET_UP: &str = "Being set up";

impl View {
    /// The status as the page prints it; the bridge prints it as it comes.
    pub fn status_text(&self) -> &'static str {
        if self.being_set_up {
            BEING_SET_UP
        } else {
            self.status.map(ServiceStatus::whmcs).unwrap_or("")
        }
    }
}

fn error(message: &str) -> View {
    View {
        template: Template::Error,
        error: Some(message.to_string()),
        ..View::default()
    }
}

/// The status a read (page view, cron sync) writes for HOSTKEY's rental
/// state, or none to leave it. A read never raises a status: Suspended,
/// Terminated, Cancelled, Fraud and Pending were set by WHMCS, an admin or
/// the order and stay (docs/management.md). It lowers Active only when
/// HOSTKEY no longer rents the server out (`presale`: unpaid there);
/// `power_off` is also what a client's own power-off may show, and `TT` is
/// HOSTKEY's ticket, so neither suspends the service.
pub fn status_after_read(current: &str, condition: &str) -> Option<&'static str> {
    let stopped = condition.trim().eq_ignore_ascii_case("presale");
    (current == ServiceStatus::Active.whmcs() && stopped)
        .then_some(ServiceStatus::Suspended.whmcs())
}

/// `https://panel.hostkey.<tld>/controlpanel.html?base=<api host>&key=<key>`:
/// the TLD of the API host (`.com`, `.ru`); an address or a test host gets `.com`.
pub fn panel_url(base: &ApiBase, key: &str) -> String {
    let host = base.host();
    let tld = host
        .rsplit('.')
        .next()
        .filter(|label| label.chars().all(|c| c.is_ascii_alphabetic()) && host.contains('.'))
        .unwrap_or("com");
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "https://panel.hostkey.{tld}/controlpanel.html?base={}&key={}",
        encode(host),
        encode(key)
    )
}

pub fn client_area(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    service_id: i64,
) -> ModuleResult<View> {
    let Some(service) = service::load(db, service_id)? else {
        return Ok(error("This service is not a HOSTKEY server."));
    };
    let job = state::find(db, service_id, FIRST_ORDER)?;
    let settings = Settings::load(db)?;
    let mut api = ApiClient::new(http, platform, &settings.api_url, &settings.api_key)?;
    let Some(server) = server_of(db, &mut api, &service)? else {
        return Ok(match job.map(|j| j.state) {
            Some(State::NeedsAttention) => {
                error("Your server's setup needs our attention; we are on it.")
            }
            Some(_) => View {
                template: Template::ClientArea,
                being_set_up: true,
                error: Some(
                    "Your server is being set up; this page shows it once it is ready.".into(),
                ),
                ..View::default()
            },
            None => error(
                "This server has not been ordered yet: that happens when its invoice is paid.",
            ),
        });
    };
    let facts = hostkey::send(&mut api, &ShowServer { id: server })?;
    let key = custom_fields::get(db, service.product_id, service_id, API_KEY)?;
    let panel = (!key.is_empty()).then(|| panel_url(api.base(), &key));
    let data = &facts.server_data;
    // A server the module holds (suspended, terminated) keeps WHMCS's status.
    let held = crate::servers::ops::load(db, service_id)?.hold != crate::servers::ops::Hold::None;
    let mut status = ServiceStatus::from_whmcs(&service.status);
    if let Some(lower) = status_after_read(&service.status, &data.condition).filter(|_| !held) {
        service::set_status(db, service_id, lower)?;
        status = ServiceStatus::from_whmcs(lower);
    }
    let ips: Vec<&str> = facts
        .ips
        .iter()
        .map(|a| a.ip.as_str())
        .filter(|ip| !ip.is_empty())
        .collect();
    let mut fields = vec![
        ("Server".to_string(), format!("#{server}")),
        (
            "Hostname".to_string(),
            match facts.hostname() {
                "" => service.hostname.clone(),
                known => known.to_string(),
            },
        ),
        (
            "Location".to_string(),
            if data.location.is_empty() {
                service.location.clone()
            } else {
                data.location.clone()
            },
        ),
        ("IP addresses".to_string(), ips.join(", ")),
    ];
    if !data.os_name.is_empty() {
        fields.push(("Operating system".into(), data.os_name.clone()));
    }
    Ok(View {
        template: Template::ClientArea,
        status,
        being_set_up: false,
        error: panel
            .is_none()
            .then(|| "The control panel opens once the server's access key is set up.".to_string()),
        panel_url: panel,
        fields,
        power: crate::servers::refresh::power_of(&data.power, &data.condition),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_is_on_the_api_hosts_tld_and_the_key_is_encoded() {
        let com = ApiBase::parse("https://invapi.hostkey.com/").expect("url");
        assert_eq!(
            panel_url(&com, "ab/c+d"),
            "https://panel.hostkey.com/controlpanel.html?base=invapi.hostkey.com&key=ab%2Fc%2Bd"
        );
        let ru = ApiBase::parse("https://invapi.hostkey.ru/").expect("url");
        assert!(panel_url(&ru, "k").starts_with("https://panel.hostkey.ru/"));
        let ip = ApiBase::parse("http://127.0.0.1:8080/").expect("url");
        assert!(
            panel_url(&ip, "k")
                .starts_with("https://panel.hostkey.com/controlpanel.html?base=127.0.0.1&")
        );
    }

    #[test]
    fn the_page_prints_being_set_up_or_whmcs_spelling_or_nothing() {
        let setting_up = View {
            being_set_up: true,
            ..View::default()
        };
        assert_eq!(setting_up.status_text(), BEING_SET_UP);
        let suspended = View {
            template: Template::ClientArea,
            status: Some(ServiceStatus::Suspended),
            ..View::default()
        };
        assert_eq!(suspended.status_text(), "Suspended");
        assert_eq!(error("x").status_text(), "");
    }

    #[test]
    fn a_read_only_lowers_active_when_hostkey_stopped_renting() {
        assert_eq!(status_after_read("Active", "Presale"), Some("Suspended"));
        for condition in ["rent", "power_off", "TT", "something else"] {
            assert_eq!(status_after_read("Active", condition), None, "{condition}");
        }
        for status in ["Suspended", "Terminated", "Cancelled", "Fraud", "Pending"] {
            assert_eq!(status_after_read(status, "rent"), None, "{status}");
            assert_eq!(status_after_read(status, "presale"), None, "{status}");
        }
    }
}
