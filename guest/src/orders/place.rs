//! The first order of one service, as a state machine over its durable job
//! row (the caller holds the service's named lock):
//!
//! none/refused --snapshot the account, write `sending`--> order_instance
//!   answer with invoice --> `ordered` (+ Invoice ID, deploy key) --> pay --> `paid`
//!   refusal, or a request that never left --> `refused` (the next delivery retries)
//!   no answer --> stays `sending`; the next delivery or cron run looks
//! `sending` --> look for the order among the account's newcomers
//!   (`orders::pending`): one new deploy key, one deployed under our
//!   hostname among several, or one named server --> `ordered`;
//!   several or none yet --> wait (nothing is ordered); nothing at all once
//!   the order has had `SETTLE_SECS` to show --> it never reached HOSTKEY:
//!   order again. See docs/lifecycle.md, "A lost order answer".

use super::custom_fields::{self, INVOICE_ID};
use super::hostkey::{self, OrderInstance, ProductInvoices, ShowServer};
use super::pending::{self, Newcomer};
use super::pending_api::{self, Deploy};
use super::pending_store::{self, Snapshot};
use super::service::Service;
use super::state::{self, FIRST_ORDER, Job, State};
use crate::api::{ApiClient, ApiError};
use crate::capabilities::Db;
use crate::capabilities::db::in_transaction;
use crate::error::{ModuleError, ModuleResult};

/// How long HOSTKEY has to show an order (its invoice's deploy key, or its
/// server) before an empty look proves the order never arrived. Far above
/// any HTTP timeout, so no request of ours can still be on its way.
pub const SETTLE_SECS: i64 = 15 * 60;

/// Where the first order of a service stands after this delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// Ordered and paid at HOSTKEY; the link follows when the server is deployed.
    Paid { hostkey_invoice: i64 },
    /// Already linked before this delivery.
    AlreadyLinked,
    /// The admin must decide; nothing was ordered by this delivery.
    NeedsAttention(String),
    /// The order's answer was lost and HOSTKEY does not tell yet whether it
    /// arrived: nothing was ordered; the next delivery or cron run looks again.
    Waiting(String),
}

/// What the order needs besides the service; built lazily, only when an
/// order is actually sent.
pub trait OrderSource {
    fn order(&mut self, api: &mut ApiClient, service: &Service) -> ModuleResult<OrderInstance>;
}

pub struct Step<'a, 'b> {
    pub db: &'a mut dyn Db,
    pub api: &'a mut ApiClient<'b>,
    pub now: &'a str,
    pub now_unix: i64,
}

/// What a look at the account after a lost answer concluded.
enum Look {
    /// The order is found: the job is `ordered` now.
    Found,
    /// Not known yet: the sentence says what it waits for.
    Wait(String),
    /// HOSTKEY's answers show the order never arrived.
    NotPlaced,
    /// The admin must look.
    Attention(Placed),
}

/// Errors that prove the request never left this host.
fn never_sent(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::BadUrl(_) | ApiError::NoKey | ApiError::HostNotAllowed(_)
    )
}

impl Step<'_, '_> {
    pub fn first_order(
        &mut self,
        service: &Service,
        whmcs_invoice: i64,
        source: &mut dyn OrderSource,
    ) -> ModuleResult<Placed> {
        let job = state::find(self.db, service.id, FIRST_ORDER)?;
        let mut job = job.unwrap_or_else(|| state::new_job(service.id, FIRST_ORDER, whmcs_invoice));
        loop {
            match job.state {
                State::Refused => return self.send_order(service, &mut job, source),
                State::Sending => match self.reconcile(service, &mut job)? {
                    Look::Found => {}
                    Look::NotPlaced => return self.send_order(service, &mut job, source),
                    Look::Wait(why) => {
                        job.detail = why.clone();
                        state::save(self.db, &mut job, self.now)?;
                        return Ok(Placed::Waiting(why));
                    }
                    Look::Attention(placed) => return Ok(placed),
                },
                State::Ordered => return self.pay(&mut job),
                State::Paid => {
                    return Ok(Placed::Paid {
                        hostkey_invoice: job.hostkey_invoice.unwrap_or(0),
                    });
                }
                State::Linked | State::Done => return Ok(Placed::AlreadyLinked),
                State::NeedsAttention => return Ok(Placed::NeedsAttention(job.detail)),
            }
        }
    }

    fn send_order(
        &mut self,
        service: &Service,
        job: &mut Job,
        source: &mut dyn OrderSource,
    ) -> ModuleResult<Placed> {
        let request = source.order(self.api, service)?;
        let account = pending_api::look_at_account(self.api)?;
        let mut snapshot = Snapshot::before_order(service.id, &account, self.now_unix);
        job.servers_before = account.highest_id();
        job.state = State::Sending;
        job.detail = String::new();
        let now = self.now.to_string();
        in_transaction(self.db, |db| {
            state::save(db, job, &now)?;
            pending_store::save(db, &mut snapshot)?;
            Ok::<(), ModuleError>(())
        })?;
        match pending_api::place_order(self.api, &request) {
            Ok(answer) => {
                let Some(invoice) = answer.invoice else {
                    return self.attention(
                        job,
                        format!(
                            "HOSTKEY accepted the order of service {} but named no invoice; check the HOSTKEY account before ordering again.",
                            service.id
                        ),
                    );
                };
                job.hostkey_invoice = Some(invoice);
                job.server_id = answer.id.filter(|id| !snapshot.known_servers.contains(id));
                snapshot.callback = answer.callback;
                pending_store::save(self.db, &mut snapshot)?;
                self.record_ordered(service, job)?;
                self.pay(job)
            }
            Err(ApiError::Refused {
                call,
                message,
                code,
            }) => {
                job.state = State::Refused;
                job.detail = message.clone();
                state::save(self.db, job, self.now)?;
                Err(ApiError::Refused {
                    call,
                    message,
                    code,
                }
                .into())
            }
            Err(unsent) if never_sent(&unsent) => {
                job.state = State::Refused;
                job.detail = unsent.to_string();
                state::save(self.db, job, self.now)?;
                Err(unsent.into())
            }
            Err(lost) => {
                // The order may have been placed: stay `sending`; the next
                // delivery or cron run looks before it orders again.
                job.detail = lost.to_string();
                state::save(self.db, job, self.now)?;
                Err(ModuleError::Unfinished(format!(
                    "The order of service {} was sent but HOSTKEY's answer did not arrive ({}); the next delivery or cron run checks whether it went through before ordering again.",
                    service.id,
                    lost.to_string().trim_end_matches('.')
                )))
            }
        }
    }

    fn record_ordered(&mut self, service: &Service, job: &mut Job) -> ModuleResult<()> {
        job.state = State::Ordered;
        job.detail = String::new();
        let invoice = job.hostkey_invoice.unwrap_or(0).to_string();
        let now = self.now.to_string();
        in_transaction(self.db, |db| {
            state::save(db, job, &now)?;
            custom_fields::set(db, service.product_id, service.id, INVOICE_ID, &invoice)?;
            Ok::<(), ModuleError>(())
        })
    }

    /// A `sending` job whose sender is gone: looks for the order among the
    /// account's newcomers as HOSTKEY's client does.
    fn reconcile(&mut self, service: &Service, job: &mut Job) -> ModuleResult<Look> {
        let Some(mut snapshot) = pending_store::find(self.db, service.id)? else {
            let why = format!(
                "The answer to the order of service {} was lost before the module recorded the account's servers; find its server in the HOSTKEY account and link it by hand, nothing more is ordered.",
                service.id
            );
            return Ok(Look::Attention(self.attention(job, why)?));
        };
        let account = pending_api::look_at_account(self.api)?;
        let taken = pending::taken_by_others(self.db, service.id)?;
        let invoices = pending::new_invoices(&snapshot, &account, &taken);
        match invoices.as_slice() {
            [(invoice, key)] => {
                job.hostkey_invoice = Some(*invoice);
                snapshot.callback = key.clone();
                pending_store::save(self.db, &mut snapshot)?;
                if let Ok(Deploy::Done { server: Some(id) }) =
                    pending_api::check_deploy(self.api, key)
                    && pending::is_newcomer(&snapshot, &taken, id)
                {
                    job.server_id = Some(id);
                }
                self.record_ordered(service, job)?;
                return Ok(Look::Found);
            }
            [] => {}
            several => {
                if let Some((invoice, key, server)) =
                    pending::named_order(self.api, &snapshot, &taken, several, &service.hostname)?
                {
                    job.hostkey_invoice = Some(invoice);
                    job.server_id = Some(server);
                    snapshot.callback = key;
                    pending_store::save(self.db, &mut snapshot)?;
                    self.record_ordered(service, job)?;
                    return Ok(Look::Found);
                }
                let ids: Vec<i64> = several.iter().map(|(i, _)| *i).collect();
                return Ok(Look::Wait(format!(
                    "The answer to the order of service {} was lost and {} new HOSTKEY orders appeared since (invoices {}); none can be told to be its own yet, so the module looks again at the next delivery or cron run and orders nothing more.",
                    service.id,
                    ids.len(),
                    pending::list(&ids)
                )));
            }
        }
        match pending::newcomer(self.api, &snapshot, &account, &taken, &service.hostname)? {
            Newcomer::Server(server) => self.adopt_server(service, job, server),
            Newcomer::Unclear(ids) => Ok(Look::Wait(format!(
                "The answer to the order of service {} was lost and HOSTKEY shows new servers ({}) whose names do not tell yet which is its own; the module looks again at the next delivery or cron run and orders nothing more.",
                service.id,
                pending::list(&ids)
            ))),
            Newcomer::Nothing if self.now_unix - snapshot.sent_at >= SETTLE_SECS => {
                Ok(Look::NotPlaced)
            }
            Newcomer::Nothing => Ok(Look::Wait(format!(
                "The answer to the order of service {} was lost and HOSTKEY shows no new order or server yet; the module looks again at the next delivery or cron run, and orders again only if none has appeared {} minutes after the order was sent.",
                service.id,
                SETTLE_SECS / 60
            ))),
        }
    }

    /// A newcomer server confirmed by its name, without a deploy key (its
    /// deploy finished): its invoice from `eq/show` → `get_product_invoice`.
    fn adopt_server(
        &mut self,
        service: &Service,
        job: &mut Job,
        server: i64,
    ) -> ModuleResult<Look> {
        let facts = hostkey::send(self.api, &ShowServer { id: server })?;
        let invoices = match facts.account_id {
            Some(account_id) => {
                hostkey::send(
                    self.api,
                    &ProductInvoices {
                        account_id,
                        location: facts.type_billing.clone(),
                    },
                )?
                .invoices
            }
            None => Vec::new(),
        };
        let ids: Vec<i64> = invoices.iter().filter_map(|i| i.invoiceid).collect();
        let [invoice] = ids.as_slice() else {
            let why = format!(
                "The order of service {} went through (server {server}) but its HOSTKEY invoice cannot be told apart; pay it in the HOSTKEY account and enter its id in the service's Invoice ID field.",
                service.id
            );
            return Ok(Look::Attention(self.attention(job, why)?));
        };
        job.server_id = Some(server);
        job.hostkey_invoice = Some(*invoice);
        self.record_ordered(service, job)?;
        Ok(Look::Found)
    }

    /// Pays the HOSTKEY invoice unless HOSTKEY says it is paid already; a
    /// lost answer is safe: the next delivery asks again first.
    fn pay(&mut self, job: &mut Job) -> ModuleResult<Placed> {
        let invoice_id = job.hostkey_invoice.unwrap_or(0);
        let (invoice, paid) = hostkey::pay_once(self.api, invoice_id)?;
        if !paid {
            job.detail = format!(
                "HOSTKEY invoice {invoice_id} is not paid: the reseller balance does not cover it."
            );
            state::save(self.db, job, self.now)?;
            return Err(ModuleError::InvalidInput(format!(
                "HOSTKEY invoice {invoice_id} of service {} is not paid: the reseller balance does not cover it; top it up and the next delivery pays it.",
                job.service_id
            )));
        }
        if job.server_id.is_none() {
            job.server_id = server_on_invoice(&invoice, job.service_id);
        }
        crate::margins::paid::record_paid(
            self.db,
            job.service_id,
            invoice_id,
            &invoice.total,
            self.now,
        );
        job.state = State::Paid;
        job.detail = String::new();
        state::save(self.db, job, self.now)?;
        Ok(Placed::Paid {
            hostkey_invoice: invoice_id,
        })
    }

    fn attention(&mut self, job: &mut Job, why: String) -> ModuleResult<Placed> {
        job.state = State::NeedsAttention;
        job.detail = why.clone();
        state::save(self.db, job, self.now)?;
        Ok(Placed::NeedsAttention(why))
    }
}

/// The server of this service on a HOSTKEY invoice: the item whose relid is
/// the service, else the only item; never a guess among several.
pub fn server_on_invoice(invoice: &hostkey::Invoice, service_id: i64) -> Option<i64> {
    if let Some(item) = invoice
        .items
        .item
        .iter()
        .find(|i| i.relid == Some(service_id))
    {
        return item.inv_id;
    }
    match invoice.items.item.as_slice() {
        [only] => only.inv_id,
        _ => None,
    }
}
