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
