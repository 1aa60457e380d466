//! The InvoicePaid hook: every service of this module on the paid invoice
//! gets its first order placed and paid (exactly once), one service at a
//! time under its named lock. Other items are ignored; a failure of one
//! service is reported and the next delivery resumes it.

use super::first_payment::{self, Path};
use super::hostkey::OrderInstance;
use super::order_request::{self, OrderFacts};
use super::place::{OrderSource, Placed, Step};
use super::service::{self, Service};
use super::state::{self, FIRST_ORDER, State};
use super::{renewal, secret, signature};
use crate::api::{ApiClient, Handoff};
use crate::capabilities::platform::SecretRef;
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_log;
use crate::schema::settings::Settings;

/// The moment of the delivery and fresh randomness, from the caller.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    pub unix: i64,
    pub random: [u8; 32],
}

/// What the hook did, one line per service of this module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub services: Vec<i64>,
}

impl Report {
    pub fn summary(&self) -> String {
        if self.lines.is_empty() {
            "The invoice holds no service of this module.".into()
        } else {
            self.lines.join(" ")
        }
    }
}

/// A service's failure for the report: the sentence, and whether the next
/// delivery will retry it (a passing fault) or a person must fix something.
fn failure_line(service_id: i64, error: &ModuleError) -> String {
    let sentence = error.to_string();
    let sentence = sentence.trim_end_matches('.');
    if error.is_retryable() {
        format!(
            "Service {service_id}: {sentence} (a passing fault: the next delivery will retry it)."
        )
    } else {
        format!(
            "Service {service_id}: {sentence} (not a passing fault: retrying helps only once this is fixed)."
        )
    }
}

pub fn invoice_paid(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    invoice_id: i64,
    now: Now,
) -> ModuleResult<Report> {
    let services = service::on_invoice(db, invoice_id)?;
    let mut report = Report::default();
    if services.is_empty() {
        return Ok(report);
    }
    let settings = Settings::load(db)?;
    // One API session for the whole invoice, however many services it pays.
    let mut session = Handoff::default();
    for service_id in services {
        report.services.push(service_id);
        let delivered = service::with_service_lock(db, service_id, service::NO_WAIT, |db| {
            let to = Delivery {
                service_id,
                invoice_id,
            };
            deliver(db, http, platform, &settings, &mut session, to, now)
        })?;
        let line = match delivered {
            Some(Ok(line)) => line,
            Some(Err(error)) => failure_line(service_id, &error),
            None => format!(
                "Service {service_id}: another delivery is already working on it; nothing was done."
            ),
        };
        module_log::record(
            db,
            platform,
            &settings,
            module_log::Entry {
                action: "invoice-paid",
                params: &format!("invoice {invoice_id}, service {service_id}"),
                outcome: &line,
                now_unix: now.unix,
                keep: true,
            },
        );
        report.lines.push(line);
    }
    Ok(report)
}

/// What `order_instance` needs that only WHMCS knows, gathered before the
/// API client borrows the platform.
struct Prepared {
    root_pass: String,
    currency_code: String,
    callback_url: String,
}

impl OrderSource for Prepared {
    fn order(&mut self, api: &mut ApiClient, service: &Service) -> ModuleResult<OrderInstance> {
        let email = api.client_info()?.email;
        order_request::build(
            service,
            OrderFacts {
                root_pass: self.root_pass.clone(),
                reseller_email: email,
                currency_code: self.currency_code.clone(),
                callback_url: self.callback_url.clone(),
            },
        )
    }
}

/// Which service a delivery is for, and the WHMCS invoice that paid it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delivery {
    pub service_id: i64,
    pub invoice_id: i64,
}

/// One service's first order (or renewal) for a paid WHMCS invoice; the
/// caller holds the service's lock. The cron follows a waiting order with it.
/// `session` is the caller's API session, taken up and handed back.
pub(crate) fn deliver(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    settings: &Settings,
    session: &mut Handoff,
    to: Delivery,
    now: Now,
) -> ModuleResult<String> {
    let Delivery {
        service_id,
        invoice_id,
    } = to;
    let Some(service) = service::load(db, service_id)? else {
        return Ok(format!(
            "Service {service_id}: not a service of this module."
        ));
    };
    // An ended service's server is cancelled, not paid for: whatever WHMCS
    // collects for it later spends nothing at HOSTKEY (`orders::ended`).
    if super::ended::is_ended(db, &service)? {
        return Ok(format!(
            "Service {service_id} has ended: invoice {invoice_id} is not passed on to HOSTKEY."
        ));
    }
    let job = state::find(db, service_id, FIRST_ORDER)?;
    if first_payment::decide(db, &service, job.as_ref())? == Path::Renew {
        let stamp = module_log::datetime(now.unix);
        let mut api = ApiClient::new(http, platform, &settings.api_url, &settings.api_key)?;
        api.resume(session);
        let renewed = renewal::renew(db, &mut api, &service, invoice_id, &stamp);
        api.hand_off(session);
        return renewed;
    }
    let must_send = job
        .as_ref()
        .is_none_or(|j| matches!(j.state, State::Refused | State::Sending));
    let mut prepared = Prepared {
        root_pass: String::new(),
        currency_code: String::new(),
        callback_url: String::new(),
    };
    if must_send {
        let secret = secret::ensure(db, now.random)?;
        let password = SecretRef {
            table: "tblhosting".into(),
            column: "password".into(),
            id: service_id,
        };
        prepared.root_pass = platform.decrypt(&password).map_err(|e| {
            ModuleError::Platform(format!("the service password cannot be read ({e})"))
        })?;
        prepared.currency_code = order_request::client_currency(db, service.client_id)?;
        prepared.callback_url =
            signature::callback_url(&platform.system_url(), &secret, service_id, now.unix);
    }
    let mut api = ApiClient::new(http, platform, &settings.api_url, &settings.api_key)?;
    api.resume(session);
    api.add_secret(&prepared.root_pass);
    let stamp = module_log::datetime(now.unix);
    let placed = Step {
        db,
        api: &mut api,
        now: &stamp,
        now_unix: now.unix,
    }
    .first_order(&service, invoice_id, &mut prepared);
    api.hand_off(session);
    let placed = placed?;
    Ok(match placed {
        Placed::Paid { hostkey_invoice } => format!(
            "Service {service_id}: ordered at HOSTKEY and HOSTKEY invoice {hostkey_invoice} paid; the server is linked when HOSTKEY has deployed it."
        ),
        Placed::AlreadyLinked => format!("Service {service_id}: already linked."),
        Placed::NeedsAttention(why) => format!("Service {service_id} needs attention: {why}"),
        Placed::Waiting(why) => format!("Service {service_id}: {why}"),
    })
}
