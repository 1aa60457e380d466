//! The order lifecycle against an in-memory WHMCS and a small stateful
//! HOSTKEY: what HOSTKEY saw (orders placed, invoices paid) is asserted,
//! not only what the module says.

use super::invoice_paid::{Now, invoice_paid};
use super::link::{Linked, link};
use super::service;
use super::service::lock_name;
use super::state::{self, FIRST_ORDER, State};
use crate::api::ApiClient;
use crate::capabilities::Http;
use crate::capabilities::db::Value;
use crate::capabilities::http::{HttpError, Request, Response};
use crate::catalog::import::{Mode, run};
use crate::catalog::tests_support::{api, catalogue, whmcs};
use crate::testing::{MemoryDb, RecordingPlatform};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// What the recording platform "decrypts" service 77's password to.
pub(super) const ROOT_PASS: &str = "tblhosting.password#77";

/// What goes wrong with the next call of an action.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Times out before HOSTKEY did anything.
    TimeoutBefore,
    /// HOSTKEY does the work, then the answer is lost.
    LostAfter,
    /// HOSTKEY refuses (`result` error).
    Refuse,
}

/// HOSTKEY as far as the order lifecycle sees it.
#[derive(Default)]
struct Hostkey {
    servers: Vec<(i64, String, String)>,
    /// invoice id -> (server id, total, paid)
    invoices: BTreeMap<i64, (i64, String, bool)>,
    credit_paid: Vec<i64>,
    keys: BTreeMap<i64, String>,
    faults: BTreeMap<String, Fault>,
    calls: Vec<String>,
    orders_sent: u32,
    ordered_params: Vec<BTreeMap<String, String>>,
    cancellations: Vec<(i64, String)>,
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Hostkey {
    fn fail_next(&mut self, call: &str, fault: Fault) {
        self.faults.insert(call.to_string(), fault);
    }

    fn count(&self, call: &str) -> usize {
        self.calls.iter().filter(|c| *c == call).count()
    }

    fn answer(&mut self, call: &str, p: &BTreeMap<String, String>) -> Json {
        match call {
            "auth/login" => json!({"result": {"token": "tok-0123456789abcdef"}}),
            "whmcs/get_client" => {
                json!({"result": "success", "client": {"email": "reseller@example.test", "currency_code": "EUR"}})
            }
            "eq/update_servers" => {
                let keys: serde_json::Map<String, Json> = self
                    .invoices
                    .keys()
                    .map(|i| (i.to_string(), json!(format!("cb-{i}"))))
                    .collect();
                json!({"result": "OK", "billing_servers": self.servers.iter()
                .map(|(id, name, config)| json!({"id": id, "name": name, "config": config})).collect::<Vec<_>>(),
                "deploy_keys": keys})
            }
            "eq_callback/check" => {
                json!({"result": "OK", "scope": "pending", "context": {"id": "", "ip": ""}})
            }
            "eq/order_instance" => {
                self.orders_sent += 1;
                self.ordered_params.push(p.clone());
                let server = 5000 + self.servers.len() as i64;
                let invoice = 9000 + self.invoices.len() as i64;
                self.servers
                    .push((server, p["hostname"].clone(), p["preset"].clone()));
                self.invoices
                    .insert(invoice, (server, "4.40".into(), false));
                json!({"result": "OK", "invoice": invoice, "status": "Unpaid", "id": 0})
            }
            "whmcs/get_invoice" => {
                let id: i64 = p["invoice_id"].parse().unwrap_or(0);
                match self.invoices.get(&id) {
                    Some((server, total, paid)) => {
                        json!({"result": "OK", "status": if *paid {"Paid"} else {"Unpaid"},
                        "total": total, "balance": if *paid {"0.00"} else {total.as_str()},
                        "items": {"item": [{"inv_id": server.to_string(), "relid": "77"}]}})
                    }
                    None => json!({"result": "error", "message": "Invoice not found"}),
                }
            }
            "whmcs/apply_credit" => {
                let id: i64 = p["invoice_id"].parse().unwrap_or(0);
                match self.invoices.get_mut(&id) {
                    Some(inv) if !inv.2 => {
                        inv.2 = true;
                        self.credit_paid.push(id);
                        json!({"result": "success", "invoicepaid": "true"})
                    }
                    _ => json!({"result": "error", "message": "Amount exceeds invoice balance"}),
                }
            }
            "eq/show" => {
                let id: i64 = p["id"].parse().unwrap_or(0);
                json!({"result": "OK", "account_id": id + 100, "type_billing": "NL", "server_data": {"id": id}})
            }
            "whmcs/get_product_invoice" => {
                let account: i64 = p["product"].parse().unwrap_or(0);
                let invoices: Vec<Json> = self.invoices.iter()
                    .filter(|(_, (server, _, _))| server + 100 == account)
                    .map(|(id, (_, total, paid))| json!({"invoiceid": id, "total": total, "status": if *paid {"Paid"} else {"Unpaid"}}))
                    .collect();
                json!({"result": "OK", "invoices": invoices})
            }
            "api_keys/list_for_server" => {
                let server: i64 = p["params[server_id]"].parse().unwrap_or(0);
                let data: Vec<Json> = self
                    .keys
                    .get(&server)
                    .map(|_| json!({"id": 1}))
                    .into_iter()
                    .collect();
                json!({"result": "OK", "data": data})
            }
            "api_keys/add" => {
                let server: i64 = p["params[server_id]"].parse().unwrap_or(0);
                let key = format!("srv-key-{server}");
                self.keys.insert(server, key.clone());
                json!({"result": "OK", "data": {"api_key": key}})
            }
            "whmcs/request_cancellation" => {
                let server: i64 = p["id"].parse().unwrap_or(0);
                if self.cancellations.iter().any(|(s, _)| *s == server) {
                    return json!({"result": "error", "message": "Existing Cancellation Request Exists"});
                }
                self.cancellations
                    .push((server, p["cancellation_type"].clone()));
                json!({"result": "OK"})
            }
            other => json!({"result": "error", "message": format!("unknown call {other}")}),
        }
    }
}

impl Http for Hostkey {
    fn send(&mut self, request: Request) -> Result<Response, HttpError> {
        let module = request
            .url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".php")
            .to_string();
        let params = form(&request.body);
        let call = format!(
            "{module}/{}",
            params.get("action").cloned().unwrap_or_default()
        );
        self.calls.push(call.clone());
        let fault = self.faults.remove(&call);
        if fault == Some(Fault::TimeoutBefore) {
            return Err(HttpError::Timeout);
        }
        if fault == Some(Fault::Refuse) {
            return Ok(Response {
                status: 200,
                body: br#"{"result":"error","message":"not enough stock"}"#.to_vec(),
            });
        }
        let answer = self.answer(&call, &params);
        if fault == Some(Fault::LostAfter) {
            return Err(HttpError::Transport("connection reset".into()));
        }
        Ok(Response {
            status: 200,
            body: answer.to_string().into_bytes(),
        })
    }
}

/// WHMCS with the imported catalogue, a client, and an invoice (id 700)
/// carrying two services of the module and one domain.
pub(super) fn whmcs_with_orders() -> MemoryDb {
    let mut db = whmcs();
    // A key no word contains, so masking it leaves the sentences readable.
    db.update_where(
        "tbladdonmodules",
        "setting",
        "apikey",
        "value",
        Value::text("reseller-key-0123456789"),
    );
    run(
        &mut db,
        &mut api(&catalogue()),
        &mut RecordingPlatform::default(),
        Mode::Apply,
        None,
        false,
    )
    .expect("imports");
    db.add_table(
        "tblhosting",
        &[
            "id",
            "userid",
            "packageid",
            "domain",
            "password",
            "billingcycle",
            "domainstatus",
        ],
    );
    db.add_table(
        "tblinvoiceitems",
        &["id", "invoiceid", "type", "relid", "amount"],
    );
    db.add_table("tblclients", &["id", "currency"]);
    db.seed(
        "tblclients",
        &["id", "currency"],
        vec![vec![Value::Int(3), Value::Int(1)]],
    );
    let product = |db: &MemoryDb, name: &str| {
        let names = db.column("tblproducts", "name");
        let at = names
            .iter()
            .position(|n| n.as_text() == name)
            .expect("product");
        db.column("tblproducts", "id")[at].as_int().expect("id")
    };
    let nl = product(&db, "HKP-vm.nano (NL)");
    let fi = product(&db, "HKP-vm.nano (FI)");
    db.seed(
        "tblhosting",
        &[
            "id",
            "userid",
            "packageid",
            "domain",
            "password",
            "billingcycle",
            "domainstatus",
        ],
        vec![
            vec![
                Value::Int(77),
                Value::Int(3),
                Value::Int(nl),
                Value::text("web-1.example.test"),
                Value::text(ROOT_PASS),
                Value::text("Monthly"),
                Value::text("Pending"),
            ],
            vec![
                Value::Int(78),
                Value::Int(3),
                Value::Int(fi),
                Value::text("web-2.example.test"),
                Value::text(ROOT_PASS),
                Value::text("Quarterly"),
                Value::text("Pending"),
            ],
        ],
    );
    choose(&mut db, 77, "OS vm.nano (NL)", "Ubuntu 22.04 (#187)");
    choose(&mut db, 77, "Soft vm.nano (NL)", "WordPress (#20)");
    choose(&mut db, 77, "Traffic vm.nano (NL)", "10 TB (#26)");
    choose(&mut db, 78, "OS vm.nano (FI)", "Windows (#243)");
    choose(&mut db, 78, "Soft vm.nano (FI)", "Do not install");
    db.seed(
        "tblinvoiceitems",
        &["invoiceid", "type", "relid", "amount"],
        vec![
            vec![
                Value::Int(700),
                Value::text("Hosting"),
                Value::Int(77),
                Value::text("4.40"),
            ],
            vec![
                Value::Int(700),
                Value::text("Domain"),
                Value::Int(77),
                Value::text("9.99"),
            ],
            vec![
                Value::Int(700),
                Value::text("Hosting"),
                Value::Int(78),
                Value::text("13.50"),
            ],
        ],
    );
    db
}

pub(super) fn choose(db: &mut MemoryDb, service: i64, option: &str, sub: &str) {
    let id_of = |db: &MemoryDb, table: &str, name: &str| {
        let names = db.column(table, "optionname");
        let at = names.iter().position(|n| n.as_text() == name).expect(name);
        db.column(table, "id")[at].as_int().expect("id")
    };
    let config = id_of(db, "tblproductconfigoptions", option);
    let names = db.column("tblproductconfigoptionssub", "optionname");
    let configs = db.column("tblproductconfigoptionssub", "configid");
    let at = names
        .iter()
        .zip(&configs)
        .position(|(n, c)| n.as_text() == sub && c.as_int() == Some(config))
        .expect(sub);
    let option_id = db.column("tblproductconfigoptionssub", "id")[at]
        .as_int()
        .expect("id");
    db.seed(
        "tblhostingconfigoptions",
        &["relid", "configid", "optionid"],
        vec![vec![
            Value::Int(service),
            Value::Int(config),
            Value::Int(option_id),
        ]],
    );
}

pub(super) const NOW: Now = Now {
    unix: 1_795_545_296,
    random: [7; 32],
};

fn deliver(db: &mut MemoryDb, hk: &mut Hostkey, platform: &mut RecordingPlatform) -> String {
    invoice_paid(db, hk, platform, 700, NOW)
        .expect("the hook never fails as a whole")
        .summary()
}

fn job_state(db: &mut MemoryDb, service: i64) -> Option<State> {
    state::find(db, service, FIRST_ORDER)
        .expect("reads")
        .map(|j| j.state)
}

#[test]
fn a_paid_invoice_orders_each_of_its_servers_once_and_pays_them() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    let summary = deliver(&mut db, &mut hk, &mut platform);
    assert!(
        summary.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 9000 paid"),
        "{summary}"
    );
    assert!(
        summary.contains("Service 78: ordered at HOSTKEY and HOSTKEY invoice 9001 paid"),
        "{summary}"
    );
    assert_eq!(hk.orders_sent, 2);
    assert_eq!(hk.credit_paid, [9000, 9001]);
    let first = &hk.ordered_params[0];
    assert_eq!(first["preset"], "vm.nano");
    assert_eq!(first["location_name"], "NL");
    assert_eq!(
        (first["os_id"].as_str(), first["os_name"].as_str()),
        ("187", "Ubuntu 22.04")
    );
    assert_eq!(
        (first["soft_id"].as_str(), first["soft_name"].as_str()),
        ("20", "WordPress")
    );
    assert_eq!(first["traffic_plan"], "26");
    assert_eq!(first["root_pass"], ROOT_PASS);
    assert_eq!(first["hostname"], "web-1.example.test");
    assert_eq!(first["deploy_period"], "monthly");
    assert_eq!(first["currency_code"], "EUR");
    assert_eq!(first["email"], "reseller@example.test");
    assert!(first["post_install_callback"].starts_with(
        "https://whmcs.example.test/modules/gateways/callback/hostkeyresellermod.php?hosting=77&expires="
    ));
    let second = &hk.ordered_params[1];
    assert_eq!(
        (second["os_id"].as_str(), second["deploy_period"].as_str()),
        ("243", "quarterly")
    );
    assert!(!second.contains_key("soft_id"), "Do not install is no soft");
    for service in [77, 78] {
        assert_eq!(job_state(&mut db, service), Some(State::Paid));
    }
    let loaded = service::load(&mut db, 77).expect("reads").expect("ours");
    let invoice =
        super::custom_fields::get(&mut db, loaded.product_id, 77, "Invoice ID").expect("reads");
    assert_eq!(invoice, "9000");
    assert!(
        !platform.all_logged_text().contains(ROOT_PASS),
        "the root password is masked"
    );
}

#[test]
fn the_same_invoice_delivered_again_orders_and_pays_nothing_more() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    deliver(&mut db, &mut hk, &mut platform);
    let again = deliver(&mut db, &mut hk, &mut platform);
    assert_eq!(hk.orders_sent, 2, "{again}");
    assert_eq!(hk.count("whmcs/apply_credit"), 2);
    assert!(again.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 9000 paid"));
}

#[test]
fn a_rival_delivery_holding_the_service_makes_this_one_do_nothing() {
    let mut db = whmcs_with_orders();
    db.hold_lock(&lock_name(77));
    let mut hk = Hostkey::default();
    let summary = deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
    assert!(
        summary
            .contains("Service 77: another delivery is already working on it; nothing was done.")
    );
    assert_eq!(hk.orders_sent, 1, "only service 78");
    assert_eq!(job_state(&mut db, 77), None);
}

#[test]
fn a_lost_answer_is_found_again_and_never_ordered_twice() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    hk.fail_next("eq/order_instance", Fault::LostAfter);
    let first = deliver(&mut db, &mut hk, &mut platform);
    assert!(
        first.contains("was sent but HOSTKEY's answer did not arrive"),
        "{first}"
    );
    assert_eq!(job_state(&mut db, 77), Some(State::Sending));
    assert_eq!(hk.orders_sent, 2, "77 placed (answer lost), 78 placed");
    assert!(hk.credit_paid == [9001], "nothing paid for 77 yet");

    let second = deliver(&mut db, &mut hk, &mut platform);
    assert!(
        second.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 9000 paid"),
        "{second}"
    );
    assert_eq!(hk.orders_sent, 2, "found, not ordered again");
    assert_eq!(hk.credit_paid, [9001, 9000]);
    let job = state::find(&mut db, 77, FIRST_ORDER)
        .expect("reads")
        .expect("job");
    assert_eq!(
        (job.server_id, job.hostkey_invoice),
        (Some(5000), Some(9000))
    );
}

#[test]
fn an_order_that_never_reached_hostkey_is_sent_again_once() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    hk.fail_next("eq/order_instance", Fault::TimeoutBefore);
    let first = deliver(&mut db, &mut hk, &mut platform);
    assert!(
        first.contains("did not answer eq/order_instance in time")
            && first.contains("(a passing fault: the next delivery will retry it). Service 78"),
        "{first}"
    );
    assert_eq!(hk.servers.len(), 1, "only 78 exists at HOSTKEY");
    deliver(&mut db, &mut hk, &mut platform);
    assert_eq!(hk.servers.len(), 1, "too early to tell: nothing is ordered");
    assert_eq!(job_state(&mut db, 77), Some(State::Sending));
    // HOSTKEY still shows no order once it has had time to: it never arrived.
    let later = Now {
        unix: NOW.unix + super::place::SETTLE_SECS,
        ..NOW
    };
    invoice_paid(&mut db, &mut hk, &mut platform, 700, later).expect("delivers");
    assert_eq!(hk.servers.len(), 2);
    assert_eq!(
        hk.count("eq/order_instance"),
        3,
        "77 twice (the first never arrived), 78 once"
    );
    assert_eq!(job_state(&mut db, 77), Some(State::Paid));
}

#[test]
fn a_refusal_orders_nothing_and_the_next_delivery_tries_again() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    hk.fail_next("eq/order_instance", Fault::Refuse);
    let first = deliver(&mut db, &mut hk, &mut platform);
    assert!(
        first.contains(
            "Service 77: The HOSTKEY API refused eq/order_instance: not enough stock \
             (not a passing fault: retrying helps only once this is fixed)."
        ),
        "{first}"
    );
    assert_eq!(job_state(&mut db, 77), Some(State::Refused));
    deliver(&mut db, &mut hk, &mut platform);
    assert_eq!(job_state(&mut db, 77), Some(State::Paid));
    assert_eq!(hk.servers.len(), 2);
}

#[test]
fn a_lost_payment_answer_is_not_paid_twice() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    hk.fail_next("whmcs/apply_credit", Fault::LostAfter);
    deliver(&mut db, &mut hk, &mut platform);
    assert_eq!(job_state(&mut db, 77), Some(State::Ordered));
    deliver(&mut db, &mut hk, &mut platform);
    assert_eq!(job_state(&mut db, 77), Some(State::Paid));
    assert_eq!(hk.credit_paid, [9000, 9001], "each invoice paid once");
    assert_eq!(hk.orders_sent, 2);
}

#[test]
fn the_link_creates_one_key_and_a_replay_changes_nothing() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let mut platform = RecordingPlatform::default();
    deliver(&mut db, &mut hk, &mut platform);
    let service = service::load(&mut db, 77).expect("reads").expect("ours");
    let linked = |db: &mut MemoryDb, hk: &mut Hostkey| {
        let mut platform = RecordingPlatform::default();
        let mut api =
            ApiClient::new(hk, &mut platform, "https://invapi.hostkey.com/", "k").expect("client");
        link(
            db,
            &mut api,
            &service,
            &mut |api| Ok(api.client_info()?.email),
            "2026-11-29 16:00:00",
        )
        .expect("links")
    };
    assert_eq!(linked(&mut db, &mut hk), Linked::Now(5000));
    assert_eq!(hk.keys.get(&5000).map(String::as_str), Some("srv-key-5000"));
    let field = |db: &mut MemoryDb, name: &str| {
        super::custom_fields::get(db, service.product_id, 77, name).expect("reads")
    };
    assert_eq!(field(&mut db, "Api key"), "srv-key-5000");
    assert_eq!(field(&mut db, "Preset ID"), "5000");
    let statuses = db.column("tblhosting", "domainstatus");
    assert_eq!(statuses[0].as_text(), "Active");
    let before = db.dump();
    let calls = hk.calls.len();
    assert_eq!(linked(&mut db, &mut hk), Linked::Already(5000));
    assert_eq!(hk.calls.len(), calls, "a replay makes no call");
    assert_eq!(db.dump(), before, "and changes nothing");
}

#[test]
fn an_invoice_without_our_services_does_nothing() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    let report = invoice_paid(
        &mut db,
        &mut hk,
        &mut RecordingPlatform::default(),
        701,
        NOW,
    )
    .expect("runs");
    assert_eq!(
        report.summary(),
        "The invoice holds no service of this module."
    );
    assert!(hk.calls.is_empty());
}

fn linked_service_77() -> (MemoryDb, Hostkey) {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
    let service = service::load(&mut db, 77).expect("reads").expect("ours");
    let mut platform = RecordingPlatform::default();
    let mut api =
        ApiClient::new(&mut hk, &mut platform, "https://invapi.hostkey.com/", "k").expect("client");
    link(
        &mut db,
        &mut api,
        &service,
        &mut |api| Ok(api.client_info()?.email),
        "2026-11-29 16:00:00",
    )
    .expect("links");
    (db, hk)
}

fn renewal_invoice(db: &mut MemoryDb, invoice: i64) {
    db.seed(
        "tblinvoiceitems",
        &["invoiceid", "type", "relid", "amount"],
        vec![vec![
            Value::Int(invoice),
            Value::text("Hosting"),
            Value::Int(77),
            Value::text("4.40"),
        ]],
    );
}

#[test]
fn a_paid_renewal_pays_the_servers_oldest_open_hostkey_invoice_once() {
    let (mut db, mut hk) = linked_service_77();
    hk.invoices.insert(9100, (5000, "4.40".into(), false));
    hk.invoices.insert(9200, (5000, "4.40".into(), false));
    renewal_invoice(&mut db, 710);
    let mut platform = RecordingPlatform::default();
    let first = invoice_paid(&mut db, &mut hk, &mut platform, 710, NOW)
        .expect("runs")
        .summary();
    assert!(
        first.contains("renewal passed on, HOSTKEY invoice 9100 of server 5000 paid"),
        "{first}"
    );
    let again = invoice_paid(&mut db, &mut hk, &mut platform, 710, NOW)
        .expect("runs")
        .summary();
    assert!(
        again.contains("already passed on (HOSTKEY invoice 9100)"),
        "{again}"
    );
    assert_eq!(hk.orders_sent, 2, "a renewal never orders");
    assert_eq!(hk.credit_paid.iter().filter(|i| **i >= 9100).count(), 1);
    renewal_invoice(&mut db, 711);
    let next = invoice_paid(&mut db, &mut hk, &mut platform, 711, NOW)
        .expect("runs")
        .summary();
    assert!(
        next.contains("HOSTKEY invoice 9200 of server 5000 paid"),
        "{next}"
    );
    renewal_invoice(&mut db, 712);
    let none = invoice_paid(&mut db, &mut hk, &mut platform, 712, NOW)
        .expect("runs")
        .summary();
    assert!(
        none.contains("HOSTKEY has no open invoice for server 5000 yet"),
        "{none}"
    );
    assert_eq!(hk.credit_paid.iter().filter(|i| **i >= 9100).count(), 2);
    // Each paid HOSTKEY invoice is kept once as the service's exact cost.
    let paid: Vec<String> = db
        .column(crate::margins::costs::COSTS_TABLE, "hostkey_invoice")
        .iter()
        .map(Value::as_text)
        .collect();
    assert_eq!(
        paid.iter().filter(|i| *i == "9100" || *i == "9200").count(),
        2,
        "{paid:?}"
    );
    let latest = crate::margins::costs::latest(&mut db, &[77]).expect("reads");
    assert_eq!(
        (
            latest[&77].hostkey_invoice,
            latest[&77].amount.to_string().as_str()
        ),
        (9200, "4.40")
    );
}

#[test]
fn a_cancellation_is_passed_on_once_and_an_unordered_service_stays_local() {
    let (mut db, mut hk) = linked_service_77();
    let service = service::load(&mut db, 77).expect("reads").expect("ours");
    let cancel = |db: &mut MemoryDb, hk: &mut Hostkey, service: &service::Service| {
        let mut platform = RecordingPlatform::default();
        let mut api =
            ApiClient::new(hk, &mut platform, "https://invapi.hostkey.com/", "k").expect("client");
        super::cancel::cancel(
            db,
            &mut api,
            service,
            super::cancel::Kind::Immediate,
            "Too slow",
            "2026-11-29 16:00:00",
        )
        .expect("cancels")
    };
    let first = cancel(&mut db, &mut hk, &service);
    assert_eq!(
        first,
        "Service 77: cancellation (immediate) of HOSTKEY server 5000 requested."
    );
    assert_eq!(hk.cancellations, [(5000, "1".to_string())]);
    assert_eq!(
        db.column("tblhosting", "domainstatus")[0].as_text(),
        "Suspended"
    );
    let again = cancel(&mut db, &mut hk, &service);
    assert!(again.contains("already passed on"), "{again}");
    assert_eq!(hk.count("whmcs/request_cancellation"), 1);

    let mut fresh = whmcs_with_orders();
    let never = service::load(&mut fresh, 78).expect("reads").expect("ours");
    let local = cancel(&mut fresh, &mut hk, &never);
    assert!(
        local.contains("never got a HOSTKEY server: cancelled in WHMCS only"),
        "{local}"
    );
    assert_eq!(hk.count("whmcs/request_cancellation"), 1);
}

fn link_77(db: &mut MemoryDb, hk: &mut Hostkey) -> Linked {
    let service = service::load(db, 77).expect("reads").expect("ours");
    let mut platform = RecordingPlatform::default();
    let mut api =
        ApiClient::new(hk, &mut platform, "https://invapi.hostkey.com/", "k").expect("client");
    link(
        db,
        &mut api,
        &service,
        &mut |api| Ok(api.client_info()?.email),
        "2026-11-29 16:00:00",
    )
    .expect("answers")
}

#[test]
fn an_ended_service_is_never_linked_and_its_server_is_cancelled_once() {
    for ended in ["Terminated", "Cancelled", "Fraud"] {
        let mut db = whmcs_with_orders();
        let mut hk = Hostkey::default();
        deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
        assert_eq!(job_state(&mut db, 77), Some(State::Paid));
        service::set_status(&mut db, 77, ended).expect("sets");
        let first = link_77(&mut db, &mut hk);
        let Linked::Ended(sentence) = first else {
            panic!("{ended}: {first:?}");
        };
        assert!(
            sentence.contains("cancellation of HOSTKEY server 5000 was requested"),
            "{sentence}"
        );
        assert_eq!(hk.cancellations, [(5000, "1".to_string())], "{ended}");
        let before = db.dump();
        let again = link_77(&mut db, &mut hk);
        assert!(
            matches!(again, Linked::Ended(ref s) if s.contains("before")),
            "{again:?}"
        );
        assert_eq!(hk.count("whmcs/request_cancellation"), 1, "{ended}: once");
        assert_eq!(
            db.dump(),
            before,
            "{ended}: the second call changes nothing"
        );
        assert!(hk.keys.is_empty(), "{ended}: no key");
        assert_eq!(hk.count("api_keys/add"), 0);
        let status = |db: &mut MemoryDb| {
            let ids = db.column("tblhosting", "id");
            let at = ids.iter().position(|v| v.as_int() == Some(77)).expect("77");
            db.column("tblhosting", "domainstatus")[at].as_text()
        };
        assert_eq!(status(&mut db), ended, "the status stays");
        let service = service::load(&mut db, 77).expect("reads").expect("ours");
        let preset =
            super::custom_fields::get(&mut db, service.product_id, 77, "Preset ID").expect("reads");
        assert_eq!(preset, "", "{ended}: not linked");
        assert_eq!(job_state(&mut db, 77), Some(State::Paid));
    }
}

#[test]
fn a_service_the_module_holds_as_terminated_is_never_linked() {
    let mut db = whmcs_with_orders();
    let mut hk = Hostkey::default();
    deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
    let mut held = crate::servers::ops::ServerOps::new(77);
    held.hold = crate::servers::ops::Hold::Terminated;
    crate::servers::ops::save(&mut db, &mut held).expect("saves");
    assert!(matches!(link_77(&mut db, &mut hk), Linked::Ended(_)));
    assert_eq!(hk.count("whmcs/request_cancellation"), 1);
    assert!(hk.keys.is_empty());
}
mod adopted;

/// HOSTKEY refusing the cancellation the way its own client's test shows
/// (`{"code":1,"error":..}`, terraform provider client_test.go).
struct RefusesCancellation<'a>(&'a mut Hostkey);

impl Http for RefusesCancellation<'_> {
    fn send(&mut self, request: Request) -> Result<Response, HttpError> {
        if form(&request.body).get("action").map(String::as_str) == Some("request_cancellation") {
            self.0.calls.push("whmcs/request_cancellation".into());
            return Ok(Response {
                status: 200,
                body: br#"{"code":1,"error":"Cancellation is not possible for this server"}"#
                    .to_vec(),
            });
        }
        self.0.send(request)
    }
}

#[test]
fn a_cancellation_refused_with_code_1_is_not_done_and_says_so() {
    let (mut db, mut hk) = linked_service_77();
    let service = service::load(&mut db, 77).expect("reads").expect("ours");
    let mut refusing = RefusesCancellation(&mut hk);
    let mut platform = RecordingPlatform::default();
    let mut api = ApiClient::new(
        &mut refusing,
        &mut platform,
        "https://invapi.hostkey.com/",
        "k",
    )
    .expect("client");
    let error = super::cancel::cancel(
        &mut db,
        &mut api,
        &service,
        super::cancel::Kind::Immediate,
        "Too slow",
        "2026-11-29 16:00:00",
    )
    .expect_err("refused");
    drop(api);
    assert_eq!(
        error.to_string(),
        "HOSTKEY refused to cancel server 5000 (Cancellation is not possible for this server), so nothing is cancelled yet."
    );
    let job = state::find(&mut db, 77, state::CANCELLATION)
        .expect("reads")
        .expect("recorded");
    assert_ne!(job.state, State::Done, "the cancellation is not done");
    assert_eq!(
        db.column("tblhosting", "domainstatus")[0].as_text(),
        "Active",
        "an immediate cancellation that HOSTKEY refused suspends nothing"
    );
    // The next request sends it again (now accepted).
    let mut platform = RecordingPlatform::default();
    let mut api =
        ApiClient::new(&mut hk, &mut platform, "https://invapi.hostkey.com/", "k").expect("client");
    let line = super::cancel::cancel(
        &mut db,
        &mut api,
        &service,
        super::cancel::Kind::Immediate,
        "Too slow",
        "2026-11-29 16:05:00",
    )
    .expect("accepted this time");
    drop(api);
    assert!(line.contains("requested"), "{line}");
    assert_eq!(hk.count("whmcs/request_cancellation"), 2);
    assert_eq!(hk.cancellations, [(5000, "1".to_string())]);
}
