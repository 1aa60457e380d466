//! The call's wall-clock limit holds while the guest waits on HTTP: a host
//! function blocked on a socket cannot be interrupted by the epoch deadline,
//! so each request's timeout is capped by what remains of the call.

mod support;

use hostkey_host::Runtime;
use hostkey_host::fakes::{MemoryDb, RecordingPlatform};
use hostkey_host::http::UreqBackend;
use hostkey_host::{Capabilities, RuntimeOptions};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{options, probes, server, whmcs_db};

/// A server on 127.0.0.1 that answers each request after `delay`.
fn slow_server(delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        // Bounded: a handful of connections at most, then the thread ends.
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                std::thread::sleep(delay);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                );
            });
        }
    });
    format!("http://{address}/slow")
}

#[test]
fn a_slow_http_answer_does_not_outlast_the_call_deadline() {
    let url = slow_server(Duration::from_secs(3));
    let mut opts: RuntimeOptions = options(probes());
    opts.timeout_ms = 500;
    // The probe asks for a 2 s request timeout; the host's own cap is 20 s.
    opts.http_timeout_ms = 20_000;
    let db: MemoryDb = whmcs_db("k");
    let capabilities = Capabilities {
        http: Box::new(UreqBackend::default()),
        db: Box::new(db),
        platform: Box::new(RecordingPlatform::default()),
    };
    let args = server("probe:host", &url);
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
        .recv_timeout(Duration::from_secs(10))
        .expect("the call ended");
    // A functional bound (the server answers after 3 s, the probe waits up to
    // 2 s): the call ends on the order of its 500 ms limit.
    assert!(took < Duration::from_millis(1500), "ended after {took:?}");
    match outcome {
        Err(fault) => assert_eq!(
            fault,
            "the call took longer than its 500 ms limit and was stopped"
        ),
        Ok(answer) => assert_eq!(
            answer,
            serde_json::json!({"err": {"api": "no answer within the timeout"}}),
        ),
    }
}
