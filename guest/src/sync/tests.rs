//! The status sync at scale against an in-memory WHMCS and a HOSTKEY stand-in
//! whose every answer takes a set time on a simulated clock: how many runs
//! reach every server, how long each run is, one session per run, a failing
//! server that stops nothing, and a bounded log line.

use super::slice::{Request, Run, run};
use super::store;
use super::summary::MAX_BYTES;
use crate::api::{ApiClient, Handoff};
use crate::capabilities::Db;
use crate::capabilities::Http;
use crate::capabilities::db::{Condition, Delete, Value};
use crate::capabilities::http::{HttpError, Request as HttpRequest, Response};
use crate::catalog::tests_support::{HOSTING_COLUMNS, imported_shop};
use crate::servers::ops;
use crate::testing::{MemoryDb, RecordingPlatform};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;

const NOW: i64 = 1_800_000_000;
const FIVE_MINUTES: i64 = 300;
const DEADLINE_MS: u32 = 30_000;

/// HOSTKEY answering every call after `delay_ms` of simulated time.
struct SlowApi {
    clock: Rc<Cell<u64>>,
    delay_ms: u64,
    failing: BTreeSet<i64>,
    refuse_login: bool,
    logins: usize,
    shown: Vec<i64>,
}

impl SlowApi {
    fn new(clock: Rc<Cell<u64>>, delay_ms: u64) -> Self {
        Self {
            clock,
            delay_ms,
            failing: BTreeSet::new(),
            refuse_login: false,
            logins: 0,
            shown: Vec::new(),
        }
    }
}

fn field<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Http for SlowApi {
    fn send(&mut self, request: HttpRequest) -> Result<Response, HttpError> {
        self.clock.set(self.clock.get() + self.delay_ms);
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let ok = |text: &str| {
            Ok(Response {
                status: 200,
                body: text.as_bytes().to_vec(),
            })
        };
        match field(&body, "action") {
            Some("login") if self.refuse_login => {
                ok(r#"{"result":-1,"error":"Invalid API key","code":"INVALID_KEY"}"#)
            }
            Some("login") => {
                self.logins += 1;
                ok(r#"{"result":{"token":"tok-0123456789abcdef"}}"#)
            }
            Some("show") => {
                let id: i64 = field(&body, "id").and_then(|v| v.parse().ok()).unwrap_or(0);
                self.shown.push(id);
                if self.failing.contains(&id) {
                    return Ok(Response {
                        status: 500,
                        body: b"Injected fault".to_vec(),
                    });
                }
                ok(r#"{"result":"OK","server_data":{"Condition_Component":"rent","power":"off"}}"#)
            }
            _ => ok(r#"{"code":-1,"message":"not in this stand-in"}"#),
        }
    }
}

fn server_of(service: i64) -> i64 {
    100_000 + service
}

/// A WHMCS with `count` Active services, each linked to its server.
fn linked(count: i64) -> MemoryDb {
    let (mut db, product) = imported_shop();
    db.settings(&[("apikey", "hk-test-key-0123456789abcdef0123")]);
    let columns = HOSTING_COLUMNS;
    let rows = (1..=count)
        .map(|id| {
            vec![
                Value::Int(id),
                Value::Int(3),
                Value::Int(product),
                Value::text(format!("s{id}.example.test")),
                Value::text("Monthly"),
                Value::text("Active"),
            ]
        })
        .collect();
    db.seed("tblhosting", &columns, rows);
    for id in 1..=count {
        let mut row = ops::ServerOps::new(id);
        row.server_id = Some(server_of(id));
        ops::save(&mut db, &mut row).expect("saves");
    }
    db
}

/// One cron run at `now`: the summary line and how long it took (simulated).
fn cron_run(db: &mut MemoryDb, hk: &mut SlowApi, daily: bool, now: i64) -> (String, u64) {
    let clock = hk.clock.clone();
    let start = clock.get();
    let mut elapsed = || clock.get() - start;
    let mut platform = RecordingPlatform::default();
    let line = run(
        Run {
            db,
            http: hk,
            platform: &mut platform,
            elapsed_ms: &mut elapsed,
            session: &mut Handoff::default(),
        },
        Request {
            deadline_ms: DEADLINE_MS,
            daily,
            now_unix: now,
        },
    )
    .expect("runs");
    (line, clock.get() - start)
}

fn read_at(db: &mut MemoryDb) -> Vec<(i64, Option<i64>)> {
    let marks = store::load(db).expect("marks");
    marks
        .services
        .iter()
        .map(|(s, m)| (*s, m.read_at))
        .collect()
}

#[test]
fn a_thousand_servers_at_150_ms_are_all_read_within_twelve_runs() {
    let mut db = linked(1_000);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    let mut runs = 0;
    let mut longest = 0;
    while read_at(&mut db)
        .iter()
        .filter(|(_, at)| at.is_some())
        .count()
        < 1_000
    {
        assert!(runs < 12, "run {runs} did not finish the round");
        let logins = hk.logins;
        let now = NOW + runs * FIVE_MINUTES;
        let (line, took) = cron_run(&mut db, &mut hk, runs == 0, now);
        assert!(line.len() <= MAX_BYTES);
        assert_eq!(hk.logins, logins + 1, "one session per run: {line}");
        longest = longest.max(took);
        runs += 1;
    }
    assert!(runs <= 12, "{runs} runs");
    // The services are loaded a slice at a time, not once per read.
    let loads = db.selects_from("tblhosting");
    assert!(loads <= 1_000 / 50 + 2 * runs as usize, "{loads} loads");
    // Measured against the call's limit: each run spends at most its share.
    assert!(
        longest <= u64::from(DEADLINE_MS) * super::budget::SHARE_PERCENT / 100,
        "{longest} ms"
    );
    let shown: BTreeSet<i64> = hk.shown.iter().copied().collect();
    assert_eq!(shown.len(), 1_000, "every server read");
    assert_eq!(hk.shown.len(), 1_000, "and each once");
    assert_eq!(db.column(ops::SERVERS_TABLE, "power")[999].as_text(), "off");
    // The round is done: the five-minute runs read nothing more today.
    let calls = hk.shown.len();
    let (line, _) = cron_run(&mut db, &mut hk, false, NOW + 13 * FIVE_MINUTES);
    assert_eq!(hk.shown.len(), calls);
    assert_eq!(
        line,
        "Status sync: 0 of 1000 linked services read, 0 statuses changed, 0 failed."
    );
    // The next day's daily run starts the next round.
    let (line, _) = cron_run(&mut db, &mut hk, true, NOW + 86_400);
    assert!(hk.shown.len() > calls, "{line}");
    assert!(line.contains("more are due today"), "{line}");
}

#[test]
fn a_failing_server_stops_no_other_and_is_retried_next_run() {
    let mut db = linked(40);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    hk.failing.insert(server_of(3));
    let (line, _) = cron_run(&mut db, &mut hk, true, NOW);
    assert_eq!(
        line,
        "Status sync: 39 of 40 linked services read, 0 statuses changed, 1 failed. \
         service 3: The HOSTKEY API answered eq/show with HTTP status 500."
    );
    let marks = store::load(&mut db).expect("marks");
    assert_eq!(marks.services[&3].failures, 1);
    assert_eq!(
        marks.services[&4].read_at,
        Some(NOW),
        "the ones after it are read"
    );
    hk.failing.clear();
    hk.shown.clear();
    let (line, _) = cron_run(&mut db, &mut hk, false, NOW + FIVE_MINUTES);
    assert_eq!(hk.shown, vec![server_of(3)], "{line}");
    let marks = store::load(&mut db).expect("marks");
    assert_eq!(marks.services[&3].read_at, Some(NOW + FIVE_MINUTES));
    assert_eq!(marks.services[&3].failures, 0);
}

#[test]
fn a_slow_api_gives_a_short_slice_and_many_failures_one_short_line() {
    let mut db = linked(300);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 2_000);
    hk.failing = (1..=300).map(server_of).collect();
    let (line, took) = cron_run(&mut db, &mut hk, true, NOW);
    assert!(took <= 21_000, "{took} ms");
    // 2 s a call: the login, then reads while twice the slowest still fits 21 s.
    assert_eq!(hk.shown.len(), 8, "{line}");
    assert!(line.len() <= MAX_BYTES);
    assert!(
        line.contains("services 1, 2, 3 and 5 more, same cause:"),
        "{line}"
    );
    assert!(line.contains("292 more are due today"), "{line}");
    // The next run goes on with the ones not tried, after retrying the failures.
    hk.failing.clear();
    hk.delay_ms = 10;
    hk.shown.clear();
    let (_, _) = cron_run(&mut db, &mut hk, false, NOW + FIVE_MINUTES);
    assert_eq!(&hk.shown[..9], &[1, 2, 3, 4, 5, 6, 7, 8, 9].map(server_of));
}

#[test]
fn no_session_no_reads_and_nothing_marked() {
    let mut db = linked(5);
    db.update_where(
        "tbladdonmodules",
        "setting",
        "apikey",
        "value",
        Value::text(""),
    );
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    let mut platform = RecordingPlatform::default();
    let mut elapsed = || 0;
    let error = run(
        Run {
            db: &mut db,
            http: &mut hk,
            platform: &mut platform,
            elapsed_ms: &mut elapsed,
            session: &mut Handoff::default(),
        },
        Request {
            deadline_ms: DEADLINE_MS,
            daily: true,
            now_unix: NOW,
        },
    )
    .expect_err("no key");
    assert!(error.to_string().contains("No HOSTKEY API key"), "{error}");
    assert!(read_at(&mut db).is_empty());
}

#[test]
fn without_a_session_nothing_is_read_or_marked_and_the_line_says_why() {
    let mut db = linked(30);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    hk.refuse_login = true;
    let (line, _) = cron_run(&mut db, &mut hk, true, NOW);
    assert!(hk.shown.is_empty());
    assert!(
        line.starts_with(
            "Status sync: 0 of 30 linked services read, 0 statuses changed, 0 failed. \
             No server was read: the API session could not be opened (The HOSTKEY API refused auth/login"
        ),
        "{line}"
    );
    assert!(
        line.ends_with("30 more are due today and follow in the next runs."),
        "{line}"
    );
    assert!(read_at(&mut db).is_empty(), "no service marked");
    // The next run, with the session back, reads them all.
    hk.refuse_login = false;
    cron_run(&mut db, &mut hk, false, NOW + FIVE_MINUTES);
    assert_eq!(hk.shown.len(), 30);
}

#[test]
fn a_session_handed_on_by_the_waiting_orders_is_used_not_opened_again() {
    let mut db = linked(5);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    let mut platform = RecordingPlatform::default();
    let mut session = Handoff::default();
    {
        // The follow-up of the waiting orders ran first in the same call.
        let mut api = ApiClient::new(
            &mut hk,
            &mut platform,
            "https://invapi.hostkey.com",
            "reseller-key-0123456789",
        )
        .expect("a client");
        api.login().expect("logs in");
        api.hand_off(&mut session);
    }
    assert_eq!(hk.logins, 1);
    let mut elapsed = || 0;
    let line = run(
        Run {
            db: &mut db,
            http: &mut hk,
            platform: &mut platform,
            elapsed_ms: &mut elapsed,
            session: &mut session,
        },
        Request {
            deadline_ms: DEADLINE_MS,
            daily: true,
            now_unix: NOW,
        },
    )
    .expect("runs");
    assert_eq!(hk.logins, 1, "no second login in the call: {line}");
    assert_eq!(hk.shown.len(), 5, "{line}");
}

#[test]
fn a_service_no_longer_linked_loses_its_mark_and_is_not_counted() {
    let mut db = linked(5);
    let clock = Rc::new(Cell::new(0));
    let mut hk = SlowApi::new(clock, 150);
    cron_run(&mut db, &mut hk, true, NOW);
    assert_eq!(read_at(&mut db).len(), 5);
    db.delete(&Delete {
        table: ops::SERVERS_TABLE.into(),
        conditions: vec![Condition::eq("service_id", Value::Int(3))],
    })
    .expect("unlinks");
    let (line, _) = cron_run(&mut db, &mut hk, true, NOW + 86_400);
    let marked: Vec<i64> = read_at(&mut db).iter().map(|(s, _)| *s).collect();
    assert_eq!(marked, vec![1, 2, 4, 5], "{line}");
    assert!(line.contains("of 4 linked services"), "{line}");
    let (overview, _) = super::overview::table(&mut db, &[])
        .expect("reads")
        .expect("a table");
    assert!(
        overview.title.contains(": 4 services"),
        "{}",
        overview.title
    );
}
