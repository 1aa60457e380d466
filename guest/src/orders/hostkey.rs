//! The HOSTKEY calls of the order lifecycle, typed (`api::Call`, the one
//! mechanism): each request knows its module, action and whether it may ever
//! be sent twice; each answer is read with serde, leniently where the API is
//! loose (ids as strings).

use crate::api::{ApiClient, ApiError};
pub use crate::api::{Call, Retry, send};
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

/// An id the API sends as a number or a string ("0" and "" are none).
fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Json::deserialize(d)?;
    Ok(match value {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0))
}

/// Money as text (the API sends "12.50" or 12.5); never through f64.
fn lenient_money<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = Json::deserialize(d)?;
    Ok(match value {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => String::new(),
    })
}

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
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
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
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "lenient_money")]
    pub total: String,
    #[serde(default, deserialize_with = "lenient_money")]
    pub balance: String,
    #[serde(default)]
    pub items: Items,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Items {
    #[serde(default, deserialize_with = "one_or_many")]
    pub item: Vec<InvoiceItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceItem {
    #[serde(default, deserialize_with = "lenient_id")]
    pub inv_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_id")]
    pub relid: Option<i64>,
}

/// WHMCS-style lists: one object or an array of them.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<InvoiceItem>, D::Error> {
    let value = Json::deserialize(d)?;
    let list = match value {
        Json::Array(items) => items,
        Json::Object(_) => vec![value],
        _ => Vec::new(),
    };
    Ok(list
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

impl Invoice {
    pub fn is_paid(&self) -> bool {
        self.status.eq_ignore_ascii_case("paid")
    }
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

impl Call for ApplyCredit {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "apply_credit";
    const RETRY: Retry = Retry::Never;
    type Answer = Json;
    fn params(&self) -> Vec<(String, String)> {
        vec![
            ("invoice_id".into(), self.invoice_id.to_string()),
            ("amount".into(), self.amount.clone()),
        ]
    }
}

/// Pays a HOSTKEY invoice from the reseller's balance unless HOSTKEY says it
/// is paid; asks again after paying, so a lost answer is never paid twice.
/// Returns the invoice as first read and whether it is paid now.
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
    send(api, &ApplyCredit { invoice_id, amount })?;
    let paid = send(api, &GetInvoice { invoice_id })?.is_paid();
    Ok((invoice, paid))
}

/// `eq/update_servers`: the account's servers as of now (a token's list is
/// frozen at login).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateServers;

#[derive(Debug, Clone, Deserialize)]
pub struct Servers {
    #[serde(default)]
    pub billing_servers: Vec<BillingServer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BillingServer {
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub config: String,
}

impl Servers {
    pub fn highest_id(&self) -> i64 {
        self.billing_servers
            .iter()
            .filter_map(|s| s.id)
            .max()
            .unwrap_or(0)
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
    #[serde(default)]
    pub type_billing: String,
    #[serde(default)]
    pub server_data: ServerData,
    #[serde(default, rename = "IP")]
    pub ips: Vec<Address>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerData {
    #[serde(default, rename = "Condition_Component")]
    pub condition: String,
    #[serde(default)]
    pub hostname: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub os_name: String,
    /// The power state, where HOSTKEY reports it (on / off).
    #[serde(default)]
    pub power: String,
    /// The billing account, where HOSTKEY puts it inside `server_data`
    /// (`orders::renewal::billing_account` reads both places).
    #[serde(default, deserialize_with = "lenient_id")]
    pub account_id: Option<i64>,
    #[serde(default)]
    pub type_billing: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Address {
    #[serde(default)]
    pub ip: String,
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
    #[serde(default)]
    pub invoices: Vec<InvoiceSummary>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceSummary {
    #[serde(default, deserialize_with = "lenient_id")]
    pub invoiceid: Option<i64>,
    #[serde(default)]
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
    pub fn is_empty(&self) -> bool {
        self.data.as_array().is_none_or(|a| a.is_empty())
    }
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
}
