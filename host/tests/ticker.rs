//! The epoch ticker sleeps while no call runs (engine.rs, `Ticking`): a call
//! after an idle spell, or several at once, still meets its wall-clock limit.

mod support;

use hostkey_host::Runtime;
use hostkey_host::fakes::ScriptedHttp;
use std::sync::mpsc;
use std::time::Duration;
use support::{Fakes, options, probes, server, whmcs_db};

fn call(rt: &Runtime, username: &str) -> Result<serde_json::Value, String> {
    let fakes = Fakes::new(whmcs_db("k"), ScriptedHttp::default());
    rt.invoke(
        "provisioning.test-connection",
        &server(username, ""),
        fakes.capabilities(),
    )
    .map_err(|f| f.to_string())
}

#[test]
fn a_runaway_loop_after_an_idle_spell_is_still_stopped() {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut opts = options(probes());
        opts.timeout_ms = 300;
        let rt = Runtime::new(opts).expect("loads");
        // A call that ends at once, then time for the ticker to park.
        let first = call(&rt, "probe:db2");
        std::thread::sleep(Duration::from_millis(100));
        let _ = tx.send((first, call(&rt, "probe:loop")));
    });
    let (first, second) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the loop was not stopped after the ticker slept");
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(
        second.expect_err("stopped"),
        "the call took longer than its 300 ms limit and was stopped"
    );
}

#[test]
fn runaway_loops_on_two_threads_are_both_stopped() {
    let (tx, rx) = mpsc::channel();
    for _ in 0..2 {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut opts = options(probes());
            opts.timeout_ms = 300;
            let rt = Runtime::new(opts).expect("loads");
            let _ = tx.send(call(&rt, "probe:loop"));
        });
    }
    for _ in 0..2 {
        let outcome = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a loop was not stopped");
        assert_eq!(
            outcome.expect_err("stopped"),
            "the call took longer than its 300 ms limit and was stopped"
        );
    }
}
