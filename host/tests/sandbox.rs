//! The sandbox's limits, proven with the probes build of the component.
//! Each test fails (or times out its watchdog) if its limit is removed.

mod support;

use hostkey_host::db::DbBackend;
use hostkey_host::db_types::{InsertStatement, Value};
use hostkey_host::fakes::{MemoryDb, ScriptedHttp};
use hostkey_host::{Runtime, RuntimeOptions};
use serde_json::json;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{Fakes, options, probes, server, whmcs_db};

/// Runs a probe on its own thread; a call that never returns fails the test
/// after `watchdog` instead of hanging the suite.
fn probe(
    opts: RuntimeOptions,
    username: &str,
    hostname: &str,
    watchdog: Duration,
) -> (Result<serde_json::Value, String>, Duration, Fakes) {
    probe_in(whmcs_db("k"), opts, username, hostname, watchdog)
}

/// `probe` on a database of the test's choosing.
fn probe_in(
    db: MemoryDb,
    opts: RuntimeOptions,
    username: &str,
    hostname: &str,
    watchdog: Duration,
) -> (Result<serde_json::Value, String>, Duration, Fakes) {
    let fakes = Fakes::new(db, ScriptedHttp::default());
    let capabilities = fakes.capabilities();
    let args = server(username, hostname);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = Runtime::new(opts).expect("loads");
        let started = Instant::now();
        let outcome = rt
            .invoke("provisioning.test-connection", &args, capabilities)
            .map_err(|f| f.to_string());
        let _ = tx.send((outcome, started.elapsed()));
    });
    let (outcome, took) = rx
        .recv_timeout(watchdog)
        .expect("the call was not stopped by the sandbox");
    (outcome, took, fakes)
}

#[test]
fn a_runaway_loop_is_stopped_by_the_wall_clock_limit() {
    let mut opts = options(probes());
    opts.timeout_ms = 300;
    let (outcome, took, _) = probe(opts, "probe:loop", "", Duration::from_secs(10));
    assert_eq!(
        outcome.expect_err("stopped"),
        "the call took longer than its 300 ms limit and was stopped"
    );
    assert!(took < Duration::from_secs(1), "stopped after {took:?}");
}

#[test]
fn a_lock_taken_by_a_call_that_is_stopped_is_released() {
    let mut opts = options(probes());
    opts.timeout_ms = 300;
    let (outcome, _, fakes) = probe(opts, "probe:lock-loop", "", Duration::from_secs(10));
    assert_eq!(
        outcome.expect_err("stopped"),
        "the call took longer than its 300 ms limit and was stopped"
    );
    assert!(
        !fakes.db.is_locked("hostkeyresellermod_catalogue"),
        "the lock outlived its call"
    );
}

#[test]
fn a_runaway_loop_is_stopped_by_the_cpu_budget() {
    let mut opts = options(probes());
    opts.fuel = 50_000_000;
    opts.timeout_ms = 600_000;
    let (outcome, took, _) = probe(opts, "probe:loop", "", Duration::from_secs(10));
    assert_eq!(
        outcome.expect_err("stopped"),
        "the call used up its CPU budget of 50000000 fuel units and was stopped"
    );
    assert!(took < Duration::from_secs(1), "stopped after {took:?}");
}

#[test]
fn unbounded_allocation_is_stopped_at_the_memory_cap() {
    let mut opts = options(probes());
    opts.memory_mb = 64;
    let (outcome, _, _) = probe(opts, "probe:alloc", "", Duration::from_secs(20));
    assert_eq!(
        outcome.expect_err("stopped"),
        "the call used more than its 64 MB memory cap and was stopped"
    );
}

#[test]
fn whmcs_admin_table_is_refused() {
    let (outcome, _, _) = probe(
        options(probes()),
        "probe:table",
        "",
        Duration::from_secs(10),
    );
    let answer = outcome.expect("completes");
    assert_eq!(
        answer,
        json!({"err": {"database": "the table is not allowed: the table `tbladmins` is not one this module may use"}})
    );
}

#[test]
fn a_host_off_the_allow_list_is_refused_before_any_request() {
    let (outcome, _, fakes) = probe(
        options(probes()),
        "probe:host",
        "http://billing.example.net/steal",
        Duration::from_secs(10),
    );
    assert_eq!(
        outcome.expect("completes"),
        json!({"err": {"api": "the host is not allowed: the host `billing.example.net` is not on the HTTP allow-list"}})
    );
    assert!(
        fakes.http.requests().is_empty(),
        "the request reached the HTTP client"
    );
}

#[test]
fn an_allowed_host_is_reached() {
    let (outcome, _, fakes) = probe(
        options(probes()),
        "probe:host",
        "http://127.0.0.1:9/ping",
        Duration::from_secs(10),
    );
    assert!(outcome.is_ok());
    assert_eq!(fakes.http.requests().len(), 1);
}

#[test]
fn a_call_can_carry_its_own_limits() {
    let mut opts = options(probes());
    opts.timeout_ms = 600_000;
    let fakes = Fakes::new(whmcs_db("k"), ScriptedHttp::default());
    let capabilities = fakes.capabilities();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = Runtime::new(opts).expect("loads");
        let request = json!({"call": "provisioning.test-connection", "args": server("probe:loop", ""),
                             "limits": {"timeout_ms": 200}});
        let answer = rt.call_json(request.to_string().as_bytes(), capabilities);
        let _ = tx.send(answer);
    });
    let answer = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the call's own limit stopped it");
    let answer: serde_json::Value = serde_json::from_slice(&answer).expect("json");
    assert_eq!(
        answer["fault"],
        json!("the call took longer than its 200 ms limit and was stopped")
    );
}

/// A request outside the grants, sent by the probes component (`probe:grant`).
fn grant_probe(name: &str) -> (String, Fakes) {
    grant_probe_in(whmcs_db("k"), name)
}

fn grant_probe_in(db: MemoryDb, name: &str) -> (String, Fakes) {
    let (outcome, _, fakes) = probe_in(
        db,
        options(probes()),
        "probe:grant",
        name,
        Duration::from_secs(10),
    );
    let answer = outcome.expect("completes");
    let text = match (&answer["ok"]["summary"], &answer["err"]["database"]) {
        (serde_json::Value::String(s), _) => format!("allowed: {s}"),
        (_, serde_json::Value::String(e)) => format!("refused: {e}"),
        _ => panic!("unexpected answer {answer}"),
    };
    (text, fakes)
}

#[test]
fn a_column_default_carrying_sql_is_refused_and_no_table_is_created() {
    let (answer, fakes) = grant_probe("create-table-injection");
    assert_eq!(
        answer,
        "refused: the statement is invalid: the default of the column `module` is refused: \
         a text default is at most 64 letters, digits, spaces and _ . , : % -"
    );
    assert!(fakes.db.table("mod_hostkeyresellermod_log").is_none());
}

#[test]
fn requests_outside_the_grants_are_refused() {
    let cases = [
        (
            "clients-password",
            "refused: the table is not allowed: this module may not read the column `tblclients`.`password`",
        ),
        (
            "clients-every-column",
            "refused: the statement is invalid: a select on `tblclients` must name the columns it reads",
        ),
        (
            "other-modules-settings",
            "refused: the table is not allowed: statements on `tbladdonmodules` must carry the condition `module` = 'hostkeyresellermod'",
        ),
        (
            "delete-every-currency",
            "refused: the table is not allowed: this module may not delete rows of `tblcurrencies`",
        ),
        (
            "delete-products-not-in",
            "refused: the statement is invalid: the delete on `tblproducts` must pin its rows with an `eq` or a non-empty `in-list` condition",
        ),
        (
            "update-every-service",
            "refused: the statement is invalid: the update on `tblhosting` must pin its rows with an `eq` or a non-empty `in-list` condition",
        ),
        (
            "send-email",
            "refused: the WHMCS API command `SendEmail` takes exactly the parameters id, messagename",
        ),
        (
            "sso-token",
            "refused: this module may not call the WHMCS API command `CreateSsoToken`",
        ),
        (
            "decrypt-server-password",
            "refused: this module may not decrypt `tblservers`.`password`",
        ),
    ];
    for (name, expected) in cases {
        let (answer, fakes) = grant_probe(name);
        assert_eq!(answer, expected, "probe {name}");
        assert!(fakes.platform.local_api_calls().is_empty(), "probe {name}");
        assert!(fakes.platform.decrypted().is_empty(), "probe {name}");
    }
}

fn seed(db: &MemoryDb, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
    let mut store = db.clone();
    store
        .insert(InsertStatement {
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        })
        .expect("seeded");
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn text(t: &str) -> Value {
    Value::Text(t.into())
}

/// This module's product 1 with service 10 and field 100, next to a cPanel
/// product 2 with service 20 and field 200 (the rows a hostile component is after).
fn other_modules_db() -> MemoryDb {
    let db = whmcs_db("k")
        .with_table("tblproducts", &["id", "gid", "name", "servertype"])
        .with_table(
            "tblhosting",
            &["id", "userid", "packageid", "domainstatus", "password"],
        )
        .with_table("tblcustomfields", &["id", "type", "relid", "fieldname"])
        .with_table(
            "tblcustomfieldsvalues",
            &["id", "fieldid", "relid", "value"],
        )
        .with_table("tblemailtemplates", &["id", "type", "name"]);
    let product = &["id", "gid", "name", "servertype"];
    seed(
        &db,
        "tblproducts",
        product,
        vec![vec![
            int(1),
            int(1),
            text("HKP-vm (NL)"),
            text("hostkeyresellermod"),
        ]],
    );
    seed(
        &db,
        "tblproducts",
        product,
        vec![vec![int(2), int(1), text("cPanel Pro"), text("cpanel")]],
    );
    let service = &["id", "userid", "packageid", "domainstatus", "password"];
    seed(
        &db,
        "tblhosting",
        service,
        vec![vec![
            int(10),
            int(1),
            int(1),
            text("Active"),
            text("enc-ours"),
        ]],
    );
    seed(
        &db,
        "tblhosting",
        service,
        vec![vec![
            int(20),
            int(2),
            int(2),
            text("Active"),
            text("enc-cpanel"),
        ]],
    );
    let field = &["id", "type", "relid", "fieldname"];
    seed(
        &db,
        "tblcustomfields",
        field,
        vec![vec![int(100), text("product"), int(1), text("Api key")]],
    );
    seed(
        &db,
        "tblcustomfields",
        field,
        vec![vec![
            int(200),
            text("product"),
            int(2),
            text("cPanel token"),
        ]],
    );
    let value = &["fieldid", "relid", "value"];
    seed(
        &db,
        "tblcustomfieldsvalues",
        value,
        vec![
            vec![int(100), int(10), text("our-key")],
            vec![int(200), int(20), text("cpanel-secret")],
        ],
    );
    let template = &["id", "type", "name"];
    seed(
        &db,
        "tblemailtemplates",
        template,
        vec![
            vec![
                int(1),
                text("product"),
                text("Hosting Account Welcome Email"),
            ],
            vec![int(2), text("general"), text("Password Reset Validation")],
        ],
    );
    db
}

/// Every table, every row (values have no equality of their own: their debug form).
fn dump(db: &MemoryDb) -> Vec<(String, String)> {
    db.table_names()
        .into_iter()
        .map(|name| {
            let rows = db.table(&name).map(|t| t.rows).unwrap_or_default();
            (name, format!("{rows:?}"))
        })
        .collect()
}

#[test]
fn a_hostile_component_cannot_reach_other_modules_rows() {
    let cases = [
        (
            "cancel-every-active-service",
            "refused: the statement is invalid: the update on `tblhosting` must name its rows by `id` (an `eq` or a non-empty `in-list`)",
        ),
        ("cancel-services:20", "allowed: updated 0 services"),
        ("read-services", "allowed: read services [10]"),
        (
            "decrypt-password:20",
            "refused: this module may not decrypt `tblhosting`.`password` of row 20: the row is not one of its own",
        ),
        ("read-field-values:200", "allowed: read 0 field values []"),
        ("read-fields", "allowed: read 1 custom fields"),
        (
            "overwrite-field-values:200",
            "allowed: overwrote 0 field values",
        ),
        (
            "insert-field-value:200,20",
            "refused: the table is not allowed: this module may only insert rows of `tblcustomfieldsvalues` that belong to its own products and services",
        ),
        (
            "insert-field-value:100,20",
            "refused: the table is not allowed: this module may only insert rows of `tblcustomfieldsvalues` that belong to its own products and services",
        ),
        (
            "delete-cpanel-products",
            "refused: the statement is invalid: the delete on `tblproducts` must name its rows by `id` (an `eq` or a non-empty `in-list`)",
        ),
        ("delete-products:2", "allowed: deleted 0 products"),
        ("adopt-products:2", "allowed: adopted 0 products"),
        (
            "free-form-email:10",
            "refused: the WHMCS API command `SendEmail` takes exactly the parameters id, messagename",
        ),
        (
            "email-service:20",
            "refused: the WHMCS API command `SendEmail` may not be called with that `id`",
        ),
    ];
    for (name, expected) in cases {
        let db = other_modules_db();
        let before = dump(&db);
        let (answer, fakes) = grant_probe_in(db.clone(), name);
        assert_eq!(answer, expected, "probe {name}");
        assert_eq!(dump(&db), before, "probe {name} changed the database");
        assert!(fakes.platform.local_api_calls().is_empty(), "probe {name}");
        assert!(fakes.platform.decrypted().is_empty(), "probe {name}");
    }
}

#[test]
fn the_modules_own_rows_stay_within_reach() {
    let db = other_modules_db();
    let (answer, _) = grant_probe_in(db.clone(), "cancel-services:10,20");
    assert_eq!(answer, "allowed: updated 1 services");
    let statuses: Vec<String> = db
        .table("tblhosting")
        .expect("table")
        .rows
        .iter()
        .map(|r| format!("{:?}", r[3]))
        .collect();
    assert_eq!(
        statuses,
        vec![
            format!("{:?}", text("Cancelled")),
            format!("{:?}", text("Active"))
        ]
    );

    let (answer, _) = grant_probe_in(other_modules_db(), "read-field-values:100,200");
    assert_eq!(answer, "allowed: read 1 field values [our-key]");
    let (answer, fakes) = grant_probe_in(other_modules_db(), "email-service:10");
    assert!(answer.starts_with("allowed: sent"), "{answer}");
    assert_eq!(fakes.platform.local_api_calls()[0].0, "SendEmail");
    let (answer, fakes) = grant_probe_in(other_modules_db(), "decrypt-password:10");
    assert_eq!(
        answer,
        "allowed: decrypted a service password: plain:tblhosting.password#10"
    );
    assert_eq!(
        fakes.platform.decrypted(),
        vec![("tblhosting".to_string(), "password".to_string(), 10)]
    );
}

#[test]
fn the_runtime_refuses_an_embedder_whose_grants_differ() {
    let shipped: serde_json::Value =
        serde_json::from_str(hostkey_host::grants::GRANTS_JSON).expect("json");
    let mut opts = options(probes());
    opts.grants = Some(shipped.clone());
    assert!(
        Runtime::new(opts.clone()).is_ok(),
        "the shipped copy agrees"
    );
    let mut widened = shipped;
    widened["tables"]["tblclients"]["select"] = json!("*");
    opts.grants = Some(widened);
    let refused = Runtime::new(opts).err().expect("refused").to_string();
    assert!(
        refused.contains("differs from the grants built into this host"),
        "{refused}"
    );
}

#[test]
fn a_guest_panic_is_named_in_one_short_sentence() {
    let (outcome, _, _) = probe(
        options(probes()),
        "probe:panic",
        "",
        Duration::from_secs(20),
    );
    let sentence = outcome.expect_err("trapped");
    assert!(
        sentence.starts_with("the component failed: wasm trap: wasm `unreachable` instruction executed (panic: Multiplication overflowed at "),
        "{sentence}"
    );
    assert!(
        sentence.contains("/src/arithmetic_impls.rs:") && !sentence.contains("/root/"),
        "{sentence}"
    );
    assert!(!sentence.contains("backtrace"), "{sentence}");
    assert!(
        sentence.len() < 300,
        "{} characters: {sentence}",
        sentence.len()
    );
}
