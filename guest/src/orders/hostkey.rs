//! The HOSTKEY calls of the order lifecycle, typed (`api::Call`, the one
//! mechanism): each request knows its module, action and whether it may ever
//! be sent twice; each answer is read with serde, as leniently as HOSTKEY
//! writes it (`api::lenient`: null or absent fields, ids as numbers or
//! strings, lists as arrays or objects).

use crate::api::lenient::{self, id as lenient_id, money as lenient_money, text as lenient_text};
use crate::api::{ApiClient, ApiError};
pub use crate::api::{Call, Retry, send};
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// `eq/order_instance`: orders a new server; HOSTKEY raises an invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderInstance {
    pub preset: String,
    pub location: String,
    pub os_id: i64,
    pub os_name: String,
    pub soft: Option<(i64, String)>,
    pub traffic_plan: Option<i64>,
    pub root_pass: String,
    pub hostname: String,
    pub deploy_period: String,
    pub email: String,
    pub currency_code: String,
    pub post_install_callback: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ordered {
    #[serde(default, deserialize_with = "lenient_id")]
    pub invoice: Option<i64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub status: String,
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
    /// The deploy's eq_callback key (`OrderInstanceResponse.Callback`).
    #[serde(default, deserialize_with = "lenient_text")]
    pub callback: String,
}

impl Call for OrderInstance {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "order_instance";
    const RETRY: Retry = Retry::Never;
    type Answer = Ordered;
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![
            ("deploy_period".to_string(), self.deploy_period.clone()),
            ("deploy_notify".into(), "1".into()),
            ("email".into(), self.email.clone()),
            ("currency_code".into(), self.currency_code.clone()),
            ("os_id".into(), self.os_id.to_string()),
            ("os_name".into(), self.os_name.clone()),
            ("root_pass".into(), self.root_pass.clone()),
            ("hostname".into(), self.hostname.clone()),
            ("preset".into(), self.preset.clone()),
            ("location_name".into(), self.location.clone()),
            (
                "post_install_callback".into(),
                self.post_install_callback.clone(),
            ),
        ];
        if let Some(plan) = self.traffic_plan {
            p.push(("traffic_plan".into(), plan.to_string()));
        }
        if let Some((id, name)) = &self.soft {
            p.push(("soft_id".into(), id.to_string()));
            p.push(("soft_name".into(), name.clone()));
        }
        p
    }
}

/// `whmcs/get_invoice`: a HOSTKEY invoice with its items.
#[derive(Debug, Clone, PartialEq)]
pub struct GetInvoice {
    pub invoice_id: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    // The payment status keys, in the order the `-com` provider's
    // `whmcsGetInvoiceStatus` tries them (invoice_payment.go).
    #[serde(default, deserialize_with = "payment_status_text")]
    paymentstatus: String,
    #[serde(default, deserialize_with = "payment_status_text")]
    payment_status: String,
    #[serde(default, deserialize_with = "payment_status_text")]
    invoicestatus: String,
    #[serde(default, deserialize_with = "payment_status_text")]
    invoice_status: String,
    #[serde(default, deserialize_with = "payment_status_text")]
    status: String,
    #[serde(default, deserialize_with = "lenient_money")]
    pub total: String,
    #[serde(default, deserialize_with = "lenient_money")]
    pub balance: String,
    #[serde(default)]
    pub items: Items,
}

/// A status key's text; "success" and "OK" are the envelope's word, not a
/// payment status, and are skipped as the `-com` provider skips them.
fn payment_status_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = lenient::text(d)?;
    Ok(
        if text.eq_ignore_ascii_case("success") || text.eq_ignore_ascii_case("ok") {
            String::new()
        } else {
            text
        },
    )
}

/// The invoice lines, as `{"item": [..]}`, `{"item": {..}}`, `[]` or null.
#[derive(Debug, Clone, Default)]
pub struct Items {
    pub item: Vec<InvoiceItem>,
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Json::deserialize(d)?;
        let lines = match value {
            Json::Object(mut map) => map.remove("item").unwrap_or(Json::Null),
            other => other,
        };
        Ok(Items {
            item: lenient::items_of(lines)
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceItem {
    #[serde(default, deserialize_with = "lenient_id")]
    pub inv_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_id")]
    pub relid: Option<i64>,
}

/// What a HOSTKEY invoice says of its payment (the rule: docs/hostkey-api.md,
/// "Paid verdict").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payment {
    Paid,
    /// A status or a balance says money is still owed.
    Unpaid,
    /// The answer carries neither (the public module's shape: `total` and
    /// `items` only).
    Unknown,
}

impl Invoice {
    /// The payment status text, from `paymentstatus`, `payment_status`,
    /// `invoicestatus`, `invoice_status`, then `status`.
    pub fn status(&self) -> &str {
        [
            &self.paymentstatus,
            &self.payment_status,
            &self.invoicestatus,
            &self.invoice_status,
            &self.status,
        ]
        .into_iter()
        .find(|s| !s.is_empty())
        .map_or("", String::as_str)
    }

    /// A status says Paid, or not; without one, a `balance` of zero says
    /// paid and any other balance says owed.
    pub fn payment(&self) -> Payment {
        let status = self.status();
        if !status.is_empty() {
            return if status.eq_ignore_ascii_case("paid") {
                Payment::Paid
            } else {
                Payment::Unpaid
            };
        }
        match is_zero(&self.balance) {
            Some(true) => Payment::Paid,
            Some(false) => Payment::Unpaid,
            None => Payment::Unknown,
        }
    }

    pub fn is_paid(&self) -> bool {
        self.payment() == Payment::Paid
    }
}

/// Whether decimal text is zero; None when it is not a decimal number.
fn is_zero(amount: &str) -> Option<bool> {
    let amount = amount.trim();
    let digits = amount.strip_prefix('-').unwrap_or(amount);
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    valid.then(|| digits.chars().all(|c| c == '0' || c == '.'))
}

impl Call for GetInvoice {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "get_invoice";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Invoice;
    fn params(&self) -> Vec<(String, String)> {
        vec![("invoice_id".into(), self.invoice_id.to_string())]
    }
}

/// `whmcs/apply_credit`: pays a HOSTKEY invoice from the reseller's balance.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyCredit {
    pub invoice_id: i64,
    pub amount: String,
}

/// The apply_credit answer, WHMCS-like where HOSTKEY sends one
/// (`invoicepaid` "true"/"false"); absent says nothing.
#[derive(Debug, Clone, Deserialize)]
pub struct Credited {
    #[serde(default, deserialize_with = "lenient_text")]
    pub invoicepaid: String,
}

impl Call for ApplyCredit {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "apply_credit";
    const RETRY: Retry = Retry::Never;
    type Answer = Credited;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("invoice_id".into(), self.invoice_id.to_string()),
            ("amount".into(), self.amount.clone()),
        ]
    }
}

/// Pays a HOSTKEY invoice from the reseller's balance unless HOSTKEY says it
/// is paid; asks again after paying, so a lost answer is never paid twice.
/// Returns the invoice as first read and whether it is paid now. An invoice
/// whose answer tells nothing of its payment counts as paid once
/// `apply_credit` took the money without an error (the public module's
/// practice, the only source of that shape), unless its answer says
/// `invoicepaid` "false".
pub fn pay_once(api: &mut ApiClient, invoice_id: i64) -> Result<(Invoice, bool), ApiError> {
    let invoice = send(api, &GetInvoice { invoice_id })?;
    if invoice.is_paid() {
        return Ok((invoice, true));
    }
    let amount = if invoice.balance.is_empty() {
        invoice.total.clone()
    } else {
        invoice.balance.clone()
    };
    let credited = send(api, &ApplyCredit { invoice_id, amount })?;
    let paid = match send(api, &GetInvoice { invoice_id })?.payment() {
        Payment::Paid => true,
        Payment::Unpaid => false,
        Payment::Unknown => !credited.invoicepaid.eq_ignore_ascii_case("false"),
    };
    Ok((invoice, paid))
}

/// `eq/update_servers`: the account's servers as of now (a token's list is
/// frozen at login).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateServers;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Servers {
    /// Objects (`BillingServer`), or plain ids.
    #[serde(default, deserialize_with = "billing_list")]
    pub billing_servers: Vec<BillingServer>,
    /// `servers`: ids as numbers, strings or objects (`parseServerIDs`).
    #[serde(default, deserialize_with = "lenient::ids")]
    pub servers: Vec<i64>,
    /// `deploy_keys` {"<invoice>": "<callback>"}, or `[]` when empty.
    #[serde(default, deserialize_with = "lenient::string_map")]
    pub deploy_keys: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BillingServer {
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
    /// Null while HOSTKEY has no name for it; `hostkey<id>` until renamed.
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub config: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub status: String,
}

/// `billing_servers` in any list shape; an entry that is a plain id is a
/// server all the same (it must count as known before an order).
fn billing_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<BillingServer>, D::Error> {
    Ok(lenient::items_of(Json::deserialize(d)?)
        .into_iter()
        .filter_map(|item| match item {
            object @ Json::Object(_) => serde_json::from_value(object).ok(),
            other => lenient::id_of(&other).map(|id| BillingServer {
                id: Some(id),
                ..BillingServer::default()
            }),
        })
        .collect())
}

impl Servers {
    /// Every server id the account shows, in `servers` and `billing_servers`.
    pub fn ids(&self) -> BTreeSet<i64> {
        let billing = self.billing_servers.iter().filter_map(|s| s.id);
        self.servers.iter().copied().chain(billing).collect()
    }

    pub fn highest_id(&self) -> i64 {
        self.ids().last().copied().unwrap_or(0)
    }

    /// HOSTKEY invoice → the deploy key of its order not yet deployed; a key
    /// that is no invoice id cannot be this module's (`DeployKeyForInvoice`
    /// looks keys up by invoice id).
    pub fn deploy_keys_by_invoice(&self) -> BTreeMap<i64, String> {
        self.deploy_keys
            .iter()
            .filter_map(|(invoice, key)| {
                let invoice = invoice.parse::<i64>().ok().filter(|id| *id > 0)?;
                Some((invoice, key.clone()))
            })
            .collect()
    }

    /// The callback key HOSTKEY keeps for an invoice's deploy, if any.
    pub fn deploy_key(&self, invoice: i64) -> Option<&str> {
        self.deploy_keys
            .get(&invoice.to_string())
            .map(String::as_str)
    }
}

impl Call for UpdateServers {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "update_servers";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = Servers;
    fn params(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// `eq/show`: one server's billing facts.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowServer {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerFacts {
    #[serde(default, deserialize_with = "lenient_id")]
    pub account_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub type_billing: String,
    /// An object; null, `[]` or absent while HOSTKEY has nothing to say.
    #[serde(default, deserialize_with = "server_data")]
    pub server_data: ServerData,
    /// `"IP": null` before the server has an address.
    #[serde(default, rename = "IP", deserialize_with = "lenient::list")]
    pub ips: Vec<Address>,
    /// Where the hostname often lives (`tag: "hostname"`).
    #[serde(default, deserialize_with = "lenient::list")]
    pub tags: Vec<Tag>,
}

/// `server_data` when it is an object, with the hostname found where the
/// provider's `showHostnameFromServerData` finds it; anything else (null,
/// `[]`, a string) is empty.
fn server_data<'de, D: Deserializer<'de>>(d: D) -> Result<ServerData, D::Error> {
    Ok(match Json::deserialize(d)? {
        object @ Json::Object(_) => {
            let live = precise_name(&object)
                .or_else(|| top_level_name(&object))
                .unwrap_or_default();
            let mut data: ServerData =
                serde_json::from_value(object).map_err(serde::de::Error::custom)?;
            data.live_hostname = live;
            data
        }
        _ => ServerData::default(),
    })
}

/// `hostname` or `server_name` (any case) at any depth: specific enough to
/// trust wherever it sits; a key at a level wins over the levels below it.
fn precise_name(value: &Json) -> Option<String> {
    match value {
        Json::Object(map) => map
            .iter()
            .filter(|(key, _)| {
                key.eq_ignore_ascii_case("hostname") || key.eq_ignore_ascii_case("server_name")
            })
            .find_map(|(_, v)| non_empty(v))
            .or_else(|| map.values().find_map(precise_name)),
        Json::Array(list) => list.iter().find_map(precise_name),
        _ => None,
    }
}

/// `name` (any case) at the top of `server_data` only: nested, it names a
/// preset, an OS or a location (`TestShowHostname_IgnoresNestedUnrelatedNameField`).
fn top_level_name(value: &Json) -> Option<String> {
    value.as_object()?.iter().find_map(|(key, v)| {
        key.eq_ignore_ascii_case("name")
            .then(|| non_empty(v))
            .flatten()
    })
}

fn non_empty(value: &Json) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerData {
    #[serde(
        default,
        rename = "Condition_Component",
        deserialize_with = "lenient_text"
    )]
    pub condition: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub location: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub os_name: String,
    /// The power state, where HOSTKEY reports it (on / off); no HOSTKEY
    /// source shows it: the provider derives power from the status.
    #[serde(default, deserialize_with = "lenient_text")]
    pub power: String,
    /// The billing account, where HOSTKEY puts it inside `server_data`
    /// (`orders::renewal::billing_account` reads both places).
    #[serde(default, deserialize_with = "lenient_id")]
    pub account_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub type_billing: String,
    /// The live hostname, found in the whole object (`server_data`).
    #[serde(skip)]
    live_hostname: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Address {
    #[serde(default, deserialize_with = "lenient_text")]
    pub ip: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    #[serde(default, deserialize_with = "lenient_text")]
    pub tag: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub value: String,
}

impl ServerFacts {
    /// The hostname where the provider's `showHostname` finds it:
    /// `hostname`/`server_name` anywhere in `server_data`, its top-level
    /// `name`, else the `hostname` tag, else the `server_name` tag; "" when
    /// HOSTKEY has none yet.
    pub fn hostname(&self) -> &str {
        let tag = |name: &str| {
            self.tags
                .iter()
                .find(|t| t.tag.eq_ignore_ascii_case(name) && !t.value.is_empty())
                .map(|t| t.value.as_str())
        };
        Some(self.server_data.live_hostname.as_str())
            .filter(|s| !s.is_empty())
            .or_else(|| tag("hostname"))
            .or_else(|| tag("server_name"))
            .unwrap_or("")
    }
}

impl Call for ShowServer {
    const MODULE: &'static str = "eq";
    const ACTION: &'static str = "show";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = ServerFacts;
    fn params(&self) -> Vec<(String, String)> {
        vec![("id".into(), self.id.to_string())]
    }
}

/// `whmcs/get_product_invoice`: the HOSTKEY invoices of one server.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductInvoices {
    pub account_id: i64,
    pub location: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceList {
    #[serde(default, deserialize_with = "lenient::list")]
    pub invoices: Vec<InvoiceSummary>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceSummary {
    #[serde(default, deserialize_with = "lenient_id")]
    pub invoiceid: Option<i64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub status: String,
}

impl Call for ProductInvoices {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "get_product_invoice";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = InvoiceList;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("product".into(), self.account_id.to_string()),
            ("location".into(), self.location.clone()),
        ]
    }
}

/// `api_keys/list_for_server`: the per-server keys that exist.
#[derive(Debug, Clone, PartialEq)]
pub struct KeysForServer {
    pub server_id: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyList {
    #[serde(default)]
    pub data: Json,
}

impl KeyList {
    /// No key at all, whatever shape the list came in.
    pub fn is_empty(&self) -> bool {
        lenient::items_of(self.data.clone()).is_empty()
    }

    /// The keys as whole records (`api_keys/edit` is sent with all of it);
    /// a key without an id is one sentence, before anything is changed.
    pub fn keys(&self) -> Result<Vec<ServerKey>, ApiError> {
        lenient::items_of(self.data.clone())
            .into_iter()
            .map(|item| {
                let key: ServerKey =
                    serde_json::from_value(item).map_err(|_| ApiError::Malformed {
                        call: "api_keys/list_for_server".into(),
                    })?;
                lenient::essential(key.id, "api_keys/list_for_server", "the id of a key")?;
                Ok(key)
            })
            .collect()
    }
}

/// One per-server key as `api_keys/list_for_server` lists it; the fields
/// are the ones the MCP server's `update_api_key` sends back to `edit`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerKey {
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub ip: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub login_notify_method: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub login_notify_address: String,
    #[serde(default, deserialize_with = "lenient_flag")]
    pub active: bool,
}

/// 1/0, "1"/"0", true/false; anything else is off.
fn lenient_flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Json::deserialize(d)? {
        Json::Bool(b) => b,
        Json::Number(n) => n.as_i64().is_some_and(|n| n != 0),
        Json::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"),
        _ => false,
    })
}

impl Call for KeysForServer {
    const MODULE: &'static str = "api_keys";
    const ACTION: &'static str = "list_for_server";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = KeyList;
    fn params(&self) -> Vec<(String, String)> {
        vec![("params[server_id]".into(), self.server_id.to_string())]
    }
}

/// `api_keys/add`: a key for one server; its plain value comes back once.
#[derive(Debug, Clone, PartialEq)]
pub struct AddServerKey {
    pub name: String,
    pub server_id: i64,
    pub notify_email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewKey {
    pub data: NewKeyData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewKeyData {
    pub api_key: String,
}

impl Call for AddServerKey {
    const MODULE: &'static str = "api_keys";
    const ACTION: &'static str = "add";
    const RETRY: Retry = Retry::Never;
    type Answer = NewKey;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("params[name]".into(), self.name.clone()),
            ("params[server_id]".into(), self.server_id.to_string()),
            ("params[active]".into(), "1".into()),
            ("params[ip]".into(), String::new()),
            ("params[login_notify_method]".into(), "none".into()),
            (
                "params[login_notify_address]".into(),
                self.notify_email.clone(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::http::HttpError;
    use crate::testing::{RecordingPlatform, ScriptedHttp};

    const LOGIN: &str = r#"{"result":{"token":"tok-0123456789abcdef"}}"#;
    const STALE: &str = r#"{"result":"error","message":"Invalid token","code":-2}"#;

    fn order() -> OrderInstance {
        OrderInstance {
            preset: "vm.nano".into(),
            location: "NL".into(),
            os_id: 187,
            os_name: "Ubuntu".into(),
            soft: None,
            traffic_plan: None,
            root_pass: "Root-Pass42".into(),
            hostname: "a.example.test".into(),
            deploy_period: "monthly".into(),
            email: "r@example.test".into(),
            currency_code: "EUR".into(),
            post_install_callback: "https://w/cb".into(),
        }
    }

    #[test]
    fn what_creates_or_pays_is_never_retried_and_reads_are() {
        assert_eq!(OrderInstance::RETRY, Retry::Never);
        assert_eq!(ApplyCredit::RETRY, Retry::Never);
        assert_eq!(AddServerKey::RETRY, Retry::Never);
        assert_eq!(GetInvoice::RETRY, Retry::AfterRelogin);
        assert_eq!(UpdateServers::RETRY, Retry::AfterRelogin);
    }

    #[test]
    fn an_order_that_times_out_is_sent_once() {
        let mut http = ScriptedHttp::default().json(LOGIN).fail(HttpError::Timeout);
        let mut platform = RecordingPlatform::default();
        let mut api = ApiClient::new(
            &mut http,
            &mut platform,
            "https://invapi.hostkey.com/",
            "key-0123456789",
        )
        .expect("client");
        let error = send(&mut api, &order()).expect_err("times out");
        assert_eq!(
            error,
            ApiError::Timeout {
                call: "eq/order_instance".into()
            }
        );
        drop(api);
        let orders = http
            .bodies()
            .iter()
            .filter(|b| b.contains("action=order_instance"))
            .count();
        assert_eq!(orders, 1, "sent once, never again");
    }

    #[test]
    fn a_stale_session_renews_a_read_but_not_an_order() {
        let mut http = ScriptedHttp::default()
            .json(LOGIN)
            .json(STALE)
            .json(LOGIN)
            .json(r#"{"result":"OK","status":"Paid","total":"1.00","items":{"item":[]}}"#)
            .json(STALE);
        let mut platform = RecordingPlatform::default();
        let mut api = ApiClient::new(
            &mut http,
            &mut platform,
            "https://invapi.hostkey.com/",
            "key-0123456789",
        )
        .expect("client");
        let invoice = send(&mut api, &GetInvoice { invoice_id: 7 }).expect("renewed and read");
        assert!(invoice.is_paid());
        assert!(
            send(&mut api, &order()).is_err(),
            "an order is not sent a second time"
        );
        drop(api);
        let orders = http
            .bodies()
            .iter()
            .filter(|b| b.contains("action=order_instance"))
            .count();
        assert_eq!(orders, 1);
    }

    fn pay(answers: &[&str]) -> (bool, usize) {
        let mut http = ScriptedHttp::default().json(LOGIN);
        for answer in answers {
            http = http.json(answer);
        }
        let mut platform = RecordingPlatform::default();
        let paid = {
            let mut api = ApiClient::new(
                &mut http,
                &mut platform,
                "https://invapi.hostkey.com/",
                "key-0123456789",
            )
            .expect("client");
            pay_once(&mut api, 7).expect("answers").1
        };
        let credits = http
            .bodies()
            .iter()
            .filter(|b| b.contains("action=apply_credit"))
            .count();
        (paid, credits)
    }

    #[test]
    fn an_invoice_paid_at_hostkey_is_never_paid_again_whatever_key_says_so() {
        for answer in [
            r#"{"result":"OK","status":"Paid","total":"4.40"}"#,
            r#"{"result":"OK","paymentstatus":"Paid","status":"success","total":"4.40"}"#,
            r#"{"result":"OK","total":"4.40","balance":"0.00"}"#,
        ] {
            assert_eq!(pay(&[answer]), (true, 0), "{answer}");
        }
    }

    #[test]
    fn a_status_less_invoice_is_paid_once_apply_credit_took_the_money() {
        let plain = r#"{"result":"OK","total":"4.40","items":{"item":[{"inv_id":"5000"}]}}"#;
        assert_eq!(pay(&[plain, r#"{"result":"OK"}"#, plain]), (true, 1));
        let short = r#"{"result":"success","invoicepaid":"false"}"#;
        assert_eq!(pay(&[plain, short, plain]), (false, 1));
        let owed = r#"{"result":"OK","total":"4.40","balance":"4.40"}"#;
        assert_eq!(pay(&[owed, r#"{"result":"OK"}"#, owed]), (false, 1));
    }
}
