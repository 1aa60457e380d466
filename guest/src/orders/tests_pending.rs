//! A lost `order_instance` answer against a HOSTKEY shaped as its own
//! client's tests show it (terraform provider `internal/invapi/pending_test.go`):
//! the ordered hostname not applied (`hostkey<id>`), new ids below the
//! account's stock servers, `deploy_keys` as an object or `[]`,
//! `eq_callback/check` answering `scope` pending, then `deploy_done` with
//! `context` id and ip. What HOSTKEY saw (orders, payments, keys, renames)
//! is asserted.

use super::follow::{FOLLOW_SHARE_PERCENT, Shared, follow_orders};
use super::invoice_paid::{Now, invoice_paid};
use super::place::SETTLE_SECS;
use super::state::{self, FIRST_ORDER, State};
use super::tests::{NOW, choose, whmcs_with_orders};
use crate::api::Handoff;
use crate::capabilities::Http;
use crate::capabilities::db::Value;
use crate::capabilities::http::{HttpError, Request, Response};
use crate::testing::{MemoryDb, RecordingPlatform};
use serde_json::{Value as Json, json};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

struct Server {
    id: i64,
    name: String,
    invoice: i64,
}

/// HOSTKEY as `pending_test.go` answers.
struct Shaped {
    servers: Vec<Server>,
    next_server: i64,
    next_invoice: i64,
    /// invoice → paid
    invoices: BTreeMap<i64, bool>,
    /// deploy key → (invoice, `pending` answers left before `deploy_done`)
    deploys: BTreeMap<String, (i64, u32)>,
    /// Keep `deploy_keys` empty (it lags).
    hide_deploy_keys: bool,
    /// Apply the ordered hostname at once (else `hostkey<id>`).
    apply_hostname: bool,
    /// Orders are paid from the account's credit at once.
    paid_on_order: bool,
    checks_before_done: u32,
    /// Lose the next order's answer after placing it (or before, when false).
    lose_order: Option<bool>,
    /// Place the next order but answer it with this body (not an answer object).
    garble_order: Option<&'static str>,
    keys: BTreeMap<i64, String>,
    calls: Vec<String>,
    renamed: Vec<(i64, String)>,
    /// Simulated time: every answer takes `delay_ms` of it.
    clock: Rc<Cell<u64>>,
    delay_ms: u64,
}

impl Shaped {
    fn new() -> Self {
        let stock = |id| Server {
            id,
            name: format!("stock-{id}"),
            invoice: 0,
        };
        Self {
            // Stock servers with ids ABOVE what new orders get.
            servers: vec![stock(40001), stock(40002)],
            next_server: 30000,
            next_invoice: 603548,
            invoices: BTreeMap::new(),
            deploys: BTreeMap::new(),
            hide_deploy_keys: false,
            apply_hostname: false,
            paid_on_order: false,
            checks_before_done: 1,
            lose_order: None,
            garble_order: None,
            keys: BTreeMap::new(),
            calls: Vec::new(),
            renamed: Vec::new(),
            clock: Rc::new(Cell::new(0)),
            delay_ms: 0,
        }
    }

    fn count(&self, call: &str) -> usize {
        self.calls.iter().filter(|c| *c == call).count()
    }

    /// Someone else's order in the same account (the reseller's own panel).
    fn foreign_order(&mut self, name: &str, with_deploy_key: bool) -> i64 {
        let (server, invoice) = self.place(name);
        if !with_deploy_key {
            self.deploys.retain(|_, (i, _)| *i != invoice);
        }
        server
    }

    fn place(&mut self, hostname: &str) -> (i64, i64) {
        let (id, invoice) = (self.next_server, self.next_invoice);
        self.next_server += 1;
        self.next_invoice += 1;
        // HOSTKEY's default name until the ordered hostname is applied.
        let name = if self.apply_hostname {
            hostname.to_string()
        } else {
            format!("hostkey{id}")
        };
        self.servers.push(Server { id, name, invoice });
        self.invoices.insert(invoice, self.paid_on_order);
        self.deploys
            .insert(format!("cb-{invoice}"), (invoice, self.checks_before_done));
        (id, invoice)
    }

    fn server_of_invoice(&self, invoice: i64) -> i64 {
        self.servers
            .iter()
            .find(|s| s.invoice == invoice)
            .map_or(0, |s| s.id)
    }

    fn answer(&mut self, call: &str, p: &BTreeMap<String, String>) -> Json {
        let id = |k: &str| p.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        match call {
            "auth/login" => json!({"result": {"token": "tok-0123456789abcdef"}}),
            "whmcs/get_client" => {
                json!({"result": "success", "client": {"email": "reseller@example.test", "currency_code": "EUR"}})
            }
            "eq/update_servers" => {
                let keys: serde_json::Map<String, Json> = if self.hide_deploy_keys {
                    serde_json::Map::new()
                } else {
                    self.deploys
                        .iter()
                        .map(|(key, (invoice, _))| (invoice.to_string(), json!(key)))
                        .collect()
                };
                json!({"result": "OK",
                    "servers": self.servers.iter().map(|s| s.id.to_string()).collect::<Vec<_>>(),
                    "billing_servers": self.servers.iter().map(|s| json!({"id": s.id, "name": null, "config": null})).collect::<Vec<_>>(),
                    "deploy_keys": if keys.is_empty() { json!([]) } else { Json::Object(keys) }})
            }
            "eq/order_instance" => {
                let (_, invoice) = self.place(&p["hostname"]);
                json!({"result": "OK", "action": "order_instance", "invoice": invoice,
                    "status": "Unpaid", "callback": format!("cb-{invoice}"), "id": 0})
            }
            "eq_callback/check" => match self.deploys.get_mut(&p["key"]) {
                None => json!({"result": "error", "message": "AsyncKey not found"}),
                Some((invoice, left)) => {
                    let invoice = *invoice;
                    if !self.invoices.get(&invoice).copied().unwrap_or(false) || *left > 0 {
                        *left = left.saturating_sub(1);
                        return json!({"result": "OK", "scope": "pending", "context": {"id": "", "ip": ""}});
                    }
                    let server = self.server_of_invoice(invoice);
                    json!({"result": "OK", "scope": "deploy_done",
                        "context": {"id": server.to_string(), "ip": "203.0.113.7"}})
                }
            },
            "eq/show" => {
                let id = id("id");
                let name = self
                    .servers
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                json!({"result": "OK", "server_data": {"status": "Active"},
                    "account_id": id + 100, "type_billing": "NL",
                    "tags": [{"tag": "hostname", "value": name}]})
            }
            "whmcs/get_product_invoice" => {
                let server = id("product") - 100;
                let invoices: Vec<Json> = self
                    .servers
                    .iter()
                    .filter(|s| s.id == server && s.invoice > 0)
                    .map(|s| json!({"invoiceid": s.invoice, "status": "Unpaid"}))
                    .collect();
                json!({"result": "OK", "invoices": invoices})
            }
            "eq/rename_server" => {
                let (server, name) = (id("id"), p["hostname"].clone());
                if let Some(s) = self.servers.iter_mut().find(|s| s.id == server) {
                    s.name = name.clone();
                }
                self.renamed.push((server, name));
                json!({"result": "OK"})
            }
            "whmcs/get_invoice" => {
                let invoice = id("invoice_id");
                match self.invoices.get(&invoice) {
                    Some(paid) => json!({"result": "OK",
                        "status": if *paid { "Paid" } else { "Unpaid" },
                        "total": "4.40", "balance": if *paid { "0.00" } else { "4.40" },
                        "items": {"item": [{"inv_id": self.server_of_invoice(invoice).to_string(), "relid": "9"}]}}),
                    None => json!({"result": "error", "message": "Invoice not found"}),
                }
            }
            "whmcs/apply_credit" => match self.invoices.get_mut(&id("invoice_id")) {
                Some(paid) if !*paid => {
                    *paid = true;
                    json!({"result": "success", "invoicepaid": "true"})
                }
                _ => json!({"result": "error", "message": "Amount exceeds invoice balance"}),
            },
            "api_keys/list_for_server" => {
                let server = id("params[server_id]");
                let data: Vec<Json> = self
                    .keys
                    .get(&server)
                    .map(|_| json!({"id": 1}))
                    .into_iter()
                    .collect();
                json!({"result": "OK", "data": data})
            }
            "api_keys/add" => {
                let server = id("params[server_id]");
                let key = format!("srv-key-{server}");
                self.keys.insert(server, key.clone());
                json!({"result": "OK", "data": {"api_key": key}})
            }
            other => json!({"result": "error", "message": format!("unknown call {other}")}),
        }
    }
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(body).into_owned();
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| {
                s.replace("%5B", "[")
                    .replace("%5D", "]")
                    .replace("%40", "@")
                    .replace('+', " ")
            };
            (decode(k), decode(v))
        })
        .collect()
}

impl Http for Shaped {
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
        self.clock.set(self.clock.get() + self.delay_ms);
        if call == "eq/order_instance"
            && let Some(after) = self.lose_order.take()
        {
            if after {
                self.answer(&call, &params);
                return Err(HttpError::Transport("connection reset".into()));
            }
            return Err(HttpError::Timeout);
        }
        if call == "eq/order_instance"
            && let Some(body) = self.garble_order.take()
        {
            self.answer(&call, &params);
            return Ok(Response {
                status: 200,
                body: body.as_bytes().to_vec(),
            });
        }
        let answer = self.answer(&call, &params);
        Ok(Response {
            status: 200,
            body: answer.to_string().into_bytes(),
        })
    }
}

fn deliver_at(db: &mut MemoryDb, hk: &mut Shaped, unix: i64) -> String {
    invoice_paid(
        db,
        hk,
        &mut RecordingPlatform::default(),
        700,
        Now { unix, ..NOW },
    )
    .expect("the hook never fails as a whole")
    .summary()
}

fn cron(db: &mut MemoryDb, hk: &mut Shaped) -> String {
    cron_at(db, hk, NOW, DEADLINE_MS)
}

const DEADLINE_MS: u32 = 30_000;

/// One cron call's follow-up at `now` with the call's `deadline_ms`.
fn cron_at(db: &mut MemoryDb, hk: &mut Shaped, now: Now, deadline_ms: u32) -> String {
    let clock = hk.clock.clone();
    let start = clock.get();
    let mut elapsed = || clock.get() - start;
    let shared = Shared {
        session: &mut Handoff::default(),
        deadline_ms,
        elapsed_ms: &mut elapsed,
    };
    follow_orders(db, hk, &mut RecordingPlatform::default(), now, shared).expect("the cron runs")
}

fn job(db: &mut MemoryDb, service: i64) -> state::Job {
    state::find(db, service, FIRST_ORDER)
        .expect("reads")
        .expect("a job")
}

#[test]
fn a_lost_answer_is_found_through_deploy_keys_and_linked_by_the_cron_alone() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.checks_before_done = 2;
    // TestWaitForPendingServer_BindsInvoiceCallback: another order's key ("111":
    // "cb-other") is listed before ours and must never be taken for it.
    hk.deploys.insert("cb-other".into(), (111, 9));
    hk.invoices.insert(111, true);
    hk.lose_order = Some(true);
    let first = deliver_at(&mut db, &mut hk, NOW.unix);
    assert!(first.contains("answer did not arrive"), "{first}");
    assert_eq!(job(&mut db, 77).state, State::Sending);
    // 77's server exists at HOSTKEY under the placeholder, below the stock ids.
    assert_eq!(hk.servers[2].name, "hostkey30000");

    let second = deliver_at(&mut db, &mut hk, NOW.unix + 60);
    assert!(
        second.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 603548 paid"),
        "{second}"
    );
    assert_eq!(hk.count("eq/order_instance"), 2, "77 once, 78 once");
    assert_eq!(hk.count("whmcs/apply_credit"), 2, "one payment each");

    // No post-install call: the cron follows the deploy key.
    let waiting = cron(&mut db, &mut hk);
    assert!(waiting.contains("0 linked"), "{waiting}");
    assert!(
        job(&mut db, 77)
            .detail
            .contains("HOSTKEY is still deploying its server (pending)"),
        "the admin sees what it waits for"
    );
    cron(&mut db, &mut hk);
    let linked = job(&mut db, 77);
    assert_eq!(
        (linked.state, linked.server_id, linked.hostkey_invoice),
        (State::Linked, Some(30000), Some(603548))
    );
    assert_eq!(
        hk.keys.get(&30000).map(String::as_str),
        Some("srv-key-30000")
    );
    assert!(
        hk.renamed
            .contains(&(30000, "web-1.example.test".to_string())),
        "{:?}",
        hk.renamed
    );
    let statuses = db.column("tblhosting", "domainstatus");
    assert_eq!(statuses[0].as_text(), "Active");

    // Once 78 is linked too, a cron run has nothing to follow.
    cron(&mut db, &mut hk);
    assert_eq!(job(&mut db, 78).state, State::Linked);
    let calls = hk.calls.len();
    assert_eq!(cron(&mut db, &mut hk), "");
    assert_eq!(hk.calls.len(), calls);
    assert_eq!(hk.count("eq/order_instance"), 2, "77 once, 78 once");
    assert_eq!(hk.count("whmcs/apply_credit"), 2, "one payment each");
    assert_eq!(hk.keys.len(), 2, "one key per server");
    assert_eq!(
        hk.deploys["cb-other"].1, 9,
        "the other order's key was never checked"
    );
}

#[test]
fn several_new_orders_mean_wait_and_nothing_is_ordered_again() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.lose_order = Some(true);
    deliver_at(&mut db, &mut hk, NOW.unix);
    hk.foreign_order("panel.example.test", true);
    let again = deliver_at(&mut db, &mut hk, NOW.unix + SETTLE_SECS * 4);
    assert!(
        again.contains("2 new HOSTKEY orders appeared since (invoices 603548, 603550)"),
        "{again}"
    );
    assert_eq!(job(&mut db, 77).state, State::Sending);
    assert_eq!(hk.count("eq/order_instance"), 2, "77 once, 78 once");
    assert_eq!(hk.count("whmcs/apply_credit"), 1, "only 78 paid");
}

#[test]
fn several_new_orders_are_told_apart_by_the_name_of_their_deployed_server() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    (hk.apply_hostname, hk.paid_on_order, hk.checks_before_done) = (true, true, 0);
    hk.lose_order = Some(true);
    deliver_at(&mut db, &mut hk, NOW.unix);
    hk.foreign_order("panel.example.test", true);
    let again = deliver_at(&mut db, &mut hk, NOW.unix + 60);
    assert!(
        again.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 603548 paid"),
        "{again}"
    );
    let found = job(&mut db, 77);
    assert_eq!((found.state, found.server_id), (State::Paid, Some(30000)));
    assert_eq!(hk.count("eq/order_instance"), 2, "77 once, 78 once");
    assert_eq!(hk.count("whmcs/apply_credit"), 0, "paid at order time");
}

#[test]
fn a_sole_newcomer_under_the_placeholder_is_adopted_when_deploy_keys_lag() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.hide_deploy_keys = true;
    hk.lose_order = Some(true);
    deliver_at(&mut db, &mut hk, NOW.unix);
    // 78 was linked meanwhile: its server is taken, 77's is the sole newcomer.
    let mut sending = job(&mut db, 78);
    sending.server_id = Some(30001);
    state::save(&mut db, &mut sending, "2026-11-29 12:00:00").expect("saves");
    let again = deliver_at(&mut db, &mut hk, NOW.unix + 60);
    assert!(
        again.contains("Service 77: ordered at HOSTKEY and HOSTKEY invoice 603548 paid"),
        "{again}"
    );
    assert_eq!(job(&mut db, 77).server_id, Some(30000));
    assert_eq!(hk.count("eq/order_instance"), 2);
}

#[test]
fn a_newcomer_with_another_name_is_never_adopted_nor_ordered_over() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.hide_deploy_keys = true;
    hk.lose_order = Some(false);
    deliver_at(&mut db, &mut hk, NOW.unix);
    let foreign = hk.foreign_order("x", false);
    if let Some(s) = hk.servers.iter_mut().find(|s| s.id == foreign) {
        s.name = "panel.example.test".into();
    }
    let mut other = job(&mut db, 78);
    other.server_id = Some(30000);
    state::save(&mut db, &mut other, "2026-11-29 12:00:00").expect("saves");
    let again = deliver_at(&mut db, &mut hk, NOW.unix + SETTLE_SECS * 4);
    assert!(
        again.contains(&format!("HOSTKEY shows new servers ({foreign})")),
        "{again}"
    );
    assert_eq!(job(&mut db, 77).state, State::Sending);
    assert_eq!(hk.count("eq/order_instance"), 2, "77 once (lost), 78 once");
}

#[test]
fn an_order_hostkey_never_shows_is_sent_again_only_once_it_has_settled() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.lose_order = Some(false);
    deliver_at(&mut db, &mut hk, NOW.unix);
    let early = deliver_at(&mut db, &mut hk, NOW.unix + 60);
    assert!(
        early.contains("HOSTKEY shows no new order or server yet"),
        "{early}"
    );
    assert_eq!(hk.count("eq/order_instance"), 2, "77's lost one, 78's");
    let settled = deliver_at(&mut db, &mut hk, NOW.unix + SETTLE_SECS);
    assert!(
        settled.contains("Service 77: ordered at HOSTKEY"),
        "{settled}"
    );
    assert_eq!(hk.count("eq/order_instance"), 3);
    assert_eq!(hk.servers.len(), 4, "two stock servers, 77's and 78's");
}

#[test]
fn a_deploy_naming_a_server_that_existed_before_is_not_linked() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    hk.checks_before_done = 0;
    deliver_at(&mut db, &mut hk, NOW.unix);
    // HOSTKEY's deploy answer names a stock server (40001) for 77's key.
    let invoice = job(&mut db, 77).hostkey_invoice.expect("invoice");
    if let Some(s) = hk.servers.iter_mut().find(|s| s.invoice == invoice) {
        s.invoice = 0;
    }
    if let Some(s) = hk.servers.iter_mut().find(|s| s.id == 40001) {
        s.invoice = invoice;
    }
    let mut paid = job(&mut db, 77);
    paid.server_id = None;
    state::save(&mut db, &mut paid, "2026-11-29 12:00:00").expect("saves");
    cron(&mut db, &mut hk);
    let after = job(&mut db, 77);
    assert_eq!(after.state, State::NeedsAttention);
    assert!(
        after
            .detail
            .contains("names server 40001, which existed before the order")
    );
    assert!(!hk.keys.contains_key(&40001));
}

#[test]
fn an_order_answer_the_reader_cannot_read_is_a_lost_answer_never_a_second_order() {
    for body in ["[]", "<html>Bad gateway</html>", r#""OK""#] {
        let mut db = whmcs_with_orders();
        let mut hk = Shaped::new();
        hk.garble_order = Some(body);
        let first = deliver_at(&mut db, &mut hk, NOW.unix);
        assert!(first.contains("answer did not arrive"), "{body}: {first}");
        assert_eq!(job(&mut db, 77).state, State::Sending, "{body}");
        // Long after: HOSTKEY shows the order's deploy key, so it is found, not ordered again.
        deliver_at(&mut db, &mut hk, NOW.unix + SETTLE_SECS * 2);
        let found = job(&mut db, 77);
        assert_eq!(found.state, State::Paid, "{body}");
        assert_eq!(found.hostkey_invoice, Some(603548), "{body}");
        assert_eq!(hk.count("eq/order_instance"), 2, "{body}: 77 once, 78 once");
        assert_eq!(hk.count("whmcs/apply_credit"), 2, "{body}: each paid once");
    }
}

/// `count` more paid orders of invoice 700 whose deploys HOSTKEY keeps
/// pending, never followed yet (services 1000...).
fn deploying(db: &mut MemoryDb, hk: &mut Shaped, count: i64) -> Vec<i64> {
    let product = db.column("tblhosting", "packageid")[0].clone();
    let services: Vec<i64> = (1000..1000 + count).collect();
    for &service in &services {
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
            vec![vec![
                Value::Int(service),
                Value::Int(3),
                product.clone(),
                Value::text(format!("node-{service}.example.test")),
                Value::text("x"),
                Value::text("Monthly"),
                Value::text("Pending"),
            ]],
        );
        choose(db, service, "OS vm.nano (NL)", "Ubuntu 22.04 (#187)");
        let invoice = 900_000 + service;
        hk.invoices.insert(invoice, true);
        hk.deploys
            .insert(format!("cb-{invoice}"), (invoice, u32::MAX));
        db.seed(
            state::ORDERS_TABLE,
            &[
                "service_id",
                "purpose",
                "state",
                "whmcs_invoice",
                "hostkey_invoice",
                "servers_before",
                "detail",
            ],
            vec![vec![
                Value::Int(service),
                Value::text(FIRST_ORDER),
                Value::text(State::Paid.key()),
                Value::Int(700),
                Value::Int(invoice),
                Value::Int(0),
                Value::text(""),
            ]],
        );
    }
    services
}

#[test]
fn many_deploying_orders_share_one_session_and_leave_the_sync_its_time() {
    let mut db = whmcs_with_orders();
    let mut hk = Shaped::new();
    let services = deploying(&mut db, &mut hk, 60);
    hk.delay_ms = 150;
    let start = hk.clock.get();
    let first = cron_at(&mut db, &mut hk, NOW, DEADLINE_MS);
    let took = hk.clock.get() - start;
    assert_eq!(
        hk.count("auth/login"),
        1,
        "one session for the run: {first}"
    );
    assert!(
        took <= u64::from(DEADLINE_MS) * FOLLOW_SHARE_PERCENT / 100,
        "{took} ms: {first}"
    );
    assert!(
        first.contains("more are followed in the next runs"),
        "{first}"
    );
    let followed = |db: &mut MemoryDb| -> Vec<i64> {
        services
            .iter()
            .copied()
            .filter(|&s| job(db, s).detail.contains("still deploying"))
            .collect()
    };
    let after_one = followed(&mut db).len();
    assert!(
        (10..60).contains(&after_one),
        "{after_one} followed: {first}"
    );

    // The next run starts with those never followed: two runs reach all.
    let later = Now {
        unix: NOW.unix + 300,
        ..NOW
    };
    let second = cron_at(&mut db, &mut hk, later, DEADLINE_MS);
    assert_eq!(followed(&mut db), services, "{second}");
    assert_eq!(hk.count("auth/login"), 2, "one session per run");
    assert_eq!(hk.count("eq/order_instance"), 0, "nothing is ordered again");
    assert_eq!(hk.count("whmcs/apply_credit"), 0, "nothing is paid again");
}
