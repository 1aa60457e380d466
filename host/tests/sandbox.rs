//! The sandbox's limits, proven with the probes build of the component.
//! Each test fails (or times out its watchdog) if its limit is removed.

mod support;

use hostkey_host::fakes::ScriptedHttp;
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
    let fakes = Fakes::new(whmcs_db("k"), ScriptedHttp::default());
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
    let (outcome, _, fakes) = probe(
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

#[test]
fn granted_platform_requests_reach_whmcs() {
    let (answer, fakes) = grant_probe("send-email");
    assert!(answer.starts_with("allowed: "), "{answer}");
    assert_eq!(fakes.platform.local_api_calls()[0].0, "SendEmail");
    let (answer, fakes) = grant_probe("decrypt-service-password");
    assert_eq!(answer, "allowed: decrypted a service password");
    assert_eq!(
        fakes.platform.decrypted(),
        vec![("tblhosting".to_string(), "password".to_string(), 1)]
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
