//! Test-only misbehaviour for the host's sandbox tests, selected by the
//! tested server's username. Built only with the `sandbox-probes` feature.

use super::capabilities::{WitDb, WitHttp};
use super::exports::hostkey::reseller::provisioning::ConnectionReport;
use super::hostkey::reseller::types::{Error, Server};
use crate::capabilities::db::{Condition, Select, Value};
use crate::capabilities::http::{Method, Request};
use crate::capabilities::{Db, Http};

type Outcome = Result<ConnectionReport, Error>;

fn report(summary: String) -> Outcome {
    Ok(ConnectionReport {
        api_url: String::new(),
        account_email: String::new(),
        currency_code: None,
        summary,
    })
}

pub fn run(server: &Server) -> Option<Outcome> {
    match server.username.as_str() {
        "probe:loop" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        // Takes the catalogue lock and never lets go: the host must release it.
        "probe:lock-loop" => {
            if !matches!(
                WitDb.lock(crate::catalog::exclusive::CATALOGUE_LOCK, 0),
                Ok(true)
            ) {
                return Some(report("the lock was not taken".into()));
            }
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "probe:alloc" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "probe:table" => Some(
            match WitDb.select(&Select::from("tbladmins", &["username", "password"])) {
                Ok(rows) => report(format!("read {} admin rows", rows.len())),
                Err(e) => Err(Error::Database(e.to_string())),
            },
        ),
        // A panic on input, as an unchecked decimal overflow once was.
        "probe:panic" => {
            let huge = rust_decimal::Decimal::MAX;
            let doubled = huge * std::hint::black_box(rust_decimal::Decimal::TWO);
            Some(report(doubled.to_string()))
        }
        // Two database round trips and no HTTP: the transport benchmark's call.
        "probe:db2" => {
            let settings = Select::from("tbladdonmodules", &["setting", "value"]).filter(
                Condition::eq("module", Value::text(crate::schema::settings::MODULE)),
            );
            let first = WitDb.select(&settings);
            let second = WitDb.select(&Select::from("tblcurrencies", &["id", "code"]));
            Some(match (first, second) {
                (Ok(a), Ok(b)) => report(format!("{} settings, {} currencies", a.len(), b.len())),
                (Err(e), _) | (_, Err(e)) => Err(Error::Database(e.to_string())),
            })
        }
        "probe:grant" => Some(match super::grant_probes::run(&server.hostname) {
            Some(Ok(summary)) => report(summary),
            Some(Err(refusal)) => Err(Error::Database(refusal)),
            None => Err(Error::Database(format!(
                "no grant probe `{}`",
                server.hostname
            ))),
        }),
        "probe:host" => {
            let request = Request {
                method: Method::Get,
                url: server.hostname.clone(),
                headers: Vec::new(),
                body: Vec::new(),
                timeout_ms: Some(2000),
            };
            Some(match WitHttp.send(request) {
                Ok(r) => report(format!("reached it: HTTP {}", r.status)),
                Err(e) => Err(Error::Api(e.to_string())),
            })
        }
        _ => None,
    }
}
