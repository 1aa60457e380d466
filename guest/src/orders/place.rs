//! The first order of one service, as a state machine over its durable job
//! row (the caller holds the service's named lock):
//!
//! none/refused --snapshot, write `sending`--> order_instance
//!   answer with invoice --> `ordered` (+ Invoice ID) --> pay --> `paid`
//!   refusal --> `refused` (nothing ordered; the next delivery retries)
//!   no answer --> stays `sending`; the next delivery reconciles
//! `sending` --> look for the server among the account's new ones:
//!   none --> order again; exactly ours --> `ordered`; unclear --> `needs-attention`

use super::custom_fields::{self, INVOICE_ID};
use super::hostkey::{self, OrderInstance, ProductInvoices, ShowServer, UpdateServers};
use super::service::Service;
use super::state::{self, FIRST_ORDER, Job, State};
use crate::api::{ApiClient, ApiError};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value, in_transaction};
use crate::error::{ModuleError, ModuleResult};

/// Where the first order of a service stands after this delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// Ordered and paid at HOSTKEY; the link follows when the server is deployed.
    Paid { hostkey_invoice: i64 },
    /// Already linked before this delivery.
    AlreadyLinked,
    /// The admin must decide; nothing was ordered by this delivery.
    NeedsAttention(String),
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
                State::Sending => {
                    if !self.reconcile(service, &mut job)? {
                        return self.send_order(service, &mut job, source);
                    }
                }
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
        job.servers_before = hostkey::send(self.api, &UpdateServers)?.highest_id();
        job.state = State::Sending;
        job.detail = String::new();
        state::save(self.db, job, self.now)?;
        match hostkey::send(self.api, &request) {
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
                job.server_id = answer.id;
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
            Err(lost) => {
                // The order may have been placed: stay `sending`; the next
                // delivery looks before it orders again.
                job.detail = lost.to_string();
                state::save(self.db, job, self.now)?;
                Err(ModuleError::Unfinished(format!(
                    "The order of service {} was sent but HOSTKEY's answer did not arrive ({}); the next delivery checks whether it went through before ordering again.",
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

    /// A `sending` job whose sender is gone: true when the order was found
    /// (the job is now `ordered` or `needs-attention`), false when it
    /// evidently did not go through.
    fn reconcile(&mut self, service: &Service, job: &mut Job) -> ModuleResult<bool> {
        let servers = hostkey::send(self.api, &UpdateServers)?;
        let taken = self.servers_of_other_services(service.id)?;
        let candidates: Vec<i64> = servers
            .billing_servers
            .iter()
            .filter(|s| s.id.is_some_and(|id| id > job.servers_before))
            .filter(|s| s.name == service.hostname)
            .filter(|s| s.config.is_empty() || s.config == service.preset)
            .filter_map(|s| s.id)
            .filter(|id| !taken.contains(id))
            .collect();
        match candidates.as_slice() {
            [] => Ok(false),
            [server] => {
                let facts = hostkey::send(self.api, &ShowServer { id: *server })?;
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
                    self.attention(
                        job,
                        format!(
                            "The order of service {} went through (server {server}) but its HOSTKEY invoice cannot be told apart; pay it in the HOSTKEY account and enter its id in the service's Invoice ID field.",
                            service.id
                        ),
                    )?;
                    return Ok(true);
                };
                job.server_id = Some(*server);
                job.hostkey_invoice = Some(*invoice);
                self.record_ordered(service, job)?;
                Ok(true)
            }
            several => {
                self.attention(
                    job,
                    format!(
                        "The answer to the order of service {} was lost and {} new HOSTKEY servers match it ({}); link the right one by hand, nothing more was ordered.",
                        service.id,
                        several.len(),
                        several.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                    ),
                )?;
                Ok(true)
            }
        }
    }

    fn servers_of_other_services(&mut self, service_id: i64) -> ModuleResult<Vec<i64>> {
        let rows = self.db.select(
            &Select::from(state::ORDERS_TABLE, &["server_id"])
                .filter(Condition {
                    column: "service_id".into(),
                    comparison: crate::capabilities::db::Comparison::Ne,
                    values: vec![Value::Int(service_id)],
                })
                .filter(Condition {
                    column: "server_id".into(),
                    comparison: crate::capabilities::db::Comparison::NotNull,
                    values: vec![],
                }),
        )?;
        Ok((0..rows.len())
            .filter_map(|i| rows.get(i, "server_id").as_int())
            .collect())
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
