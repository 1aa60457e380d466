//! Server management against an in-memory WHMCS (the imported catalogue, one
//! linked service) and scripted HOSTKEY answers: which calls are sent, and
//! which are not, is asserted on the requests.

use super::actions::{Context, Outcome, Request, run};
use super::hold::{Change, apply};
use super::ops::{self, Hold};
use super::owner::Requester;
use super::tab::masked;
use super::view::{Action, buttons};
use crate::capabilities::db::Value;
use crate::catalog::tests_support::{HOSTING_COLUMNS, imported_shop};
use crate::error::ModuleError;
use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};

const LOGIN: &str = r#"{"result":{"token":"tok-0123456789abcdef"}}"#;
const SERVICE: i64 = 77;
const OWNER: i64 = 3;
const SERVER: i64 = 4242;

fn linked(status: &str) -> MemoryDb {
    let (mut db, product) = imported_shop();
    let columns = HOSTING_COLUMNS;
    db.seed(
        "tblhosting",
        &columns,
        vec![vec![
            Value::Int(SERVICE),
            Value::Int(OWNER),
            Value::Int(product),
            Value::text("a.example.test"),
            Value::text("Monthly"),
            Value::text(status),
        ]],
    );
    let mut row = ops::ServerOps::new(SERVICE);
    row.server_id = Some(SERVER);
    row.power = "on".into();
    ops::save(&mut db, &mut row).expect("saves");
    db
}

fn act(
    db: &mut MemoryDb,
    http: &mut ScriptedHttp,
    who: Requester,
    request: Request,
    now: i64,
) -> Result<Outcome, ModuleError> {
    let mut platform = RecordingPlatform::default();
    let cx = Context {
        db,
        http,
        platform: &mut platform,
        now_unix: now,
    };
    run(cx, SERVICE, who, request)
}

fn hold(db: &mut MemoryDb, http: &mut ScriptedHttp, change: Change) -> Result<String, ModuleError> {
    let mut platform = RecordingPlatform::default();
    let cx = Context {
        db,
        http,
        platform: &mut platform,
        now_unix: 1000,
    };
    apply(cx, SERVICE, change)
}

fn sent(http: &ScriptedHttp, action: &str) -> usize {
    http.bodies()
        .iter()
        .filter(|b| {
            b.starts_with(&format!("action={action}&")) || **b == format!("action={action}")
        })
        .count()
}

#[test]
fn repeated_clicks_send_one_power_call() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","action":"reboot","callback":"0123456789abcdef0123456789abcdef"}"#);
    let first = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::Reboot,
        1000,
    )
    .expect("runs");
    assert!(first.accepted, "{first:?}");
    assert!(first.server.busy);
    assert_eq!(first.server.busy_label, "Rebooting…");
    for click in 1..10 {
        let mut more = ScriptedHttp::default()
            .json(LOGIN)
            .json(r#"{"result":"Not ready"}"#);
        let again = act(
            &mut db,
            &mut more,
            Requester::Client(OWNER),
            Request::Reboot,
            1000 + click,
        )
        .expect("runs");
        assert!(!again.accepted);
        assert!(more.requests.is_empty(), "click {click} sent nothing");
    }
    assert_eq!(sent(&http, "reboot"), 1);
}

#[test]
fn a_finished_action_frees_the_buttons_and_the_rate_limit_still_holds() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","callback":"k0123456789abcdef0123456789abcde"}"#);
    act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::PowerOff,
        1000,
    )
    .expect("runs");
    let mut check = ScriptedHttp::default()
        .json(r#"{"result":"OK","scope":"done"}"#)
        .json(LOGIN)
        .json(r#"{"result":"OK","server_data":{"power":"off"}}"#);
    let refreshed = act(
        &mut db,
        &mut check,
        Requester::Client(OWNER),
        Request::Refresh,
        1010,
    )
    .expect("runs");
    assert!(refreshed.accepted);
    let mut none = ScriptedHttp::default();
    let soon = act(
        &mut db,
        &mut none,
        Requester::Client(OWNER),
        Request::PowerOn,
        1015,
    )
    .expect("runs");
    assert!(none.requests.is_empty());
    assert!(!soon.accepted);
    assert!(
        soon.message.contains("try again in 15 seconds"),
        "{}",
        soon.message
    );
    assert_eq!(soon.server.power, "off");
    assert!(!soon.server.busy);
    let mut later = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","callback":"k1123456789abcdef0123456789abcde"}"#);
    let on = act(
        &mut db,
        &mut later,
        Requester::Client(OWNER),
        Request::PowerOn,
        1031,
    )
    .expect("runs");
    assert!(on.accepted, "{on:?}");
    assert_eq!(sent(&later, "on"), 1);
}

#[test]
fn another_client_or_an_inactive_service_is_refused_without_a_call() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default();
    let error = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER + 1),
        Request::PowerOff,
        1000,
    )
    .expect_err("refused");
    assert!(error.to_string().contains("Only the owner"));
    let error = act(
        &mut db,
        &mut http,
        Requester::Client(0),
        Request::PowerOff,
        1000,
    )
    .expect_err("refused");
    assert!(error.to_string().contains("Only the owner"));
    let mut suspended = linked("Suspended");
    let error = act(
        &mut suspended,
        &mut http,
        Requester::Client(OWNER),
        Request::PowerOff,
        1000,
    )
    .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("only while the service is Active")
    );
    assert!(http.requests.is_empty());
}

#[test]
fn an_api_fault_is_one_sentence_and_changes_nothing() {
    let mut db = linked("Active");
    let before = ops::load(&mut db, SERVICE).expect("row");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"code":-1,"message":"Server busy"}"#);
    let failed = act(
        &mut db,
        &mut http,
        Requester::Admin,
        Request::PowerOff,
        1000,
    )
    .expect("answers");
    assert!(!failed.accepted);
    assert_eq!(
        failed.message,
        "The HOSTKEY API refused eq/off: Server busy."
    );
    assert_eq!(ops::load(&mut db, SERVICE).expect("row"), before);
}

#[test]
fn reinstall_takes_an_offered_os_and_a_valid_password() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default().json(LOGIN);
    let bad_os = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::Reinstall {
            os_id: 999,
            password: "Root-Pass42".into(),
        },
        1000,
    )
    .expect("answers");
    assert!(
        bad_os
            .message
            .contains("Choose one of the operating systems")
    );
    let weak = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::Reinstall {
            os_id: 187,
            password: "short".into(),
        },
        1000,
    )
    .expect("answers");
    assert!(weak.message.contains("8 to 30 characters"));
    assert_eq!(sent(&http, "reinstall"), 0);
    let mut ok = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","callback":"k2123456789abcdef0123456789abcde"}"#);
    let done = act(
        &mut db,
        &mut ok,
        Requester::Client(OWNER),
        Request::Reinstall {
            os_id: 187,
            password: "Root-Pass42".into(),
        },
        1000,
    )
    .expect("answers");
    assert!(done.accepted, "{done:?}");
    // As HOSTKEY's own client sends it: order_instance, id=<server>, no preset.
    assert_eq!(sent(&ok, "reinstall"), 0);
    assert_eq!(sent(&ok, "order_instance"), 1);
    let body = ok.bodies().pop().unwrap_or_default();
    assert!(body.contains("&id=4242&os_id=187&"), "{body}");
    assert!(!body.contains("preset="), "{body}");
}

#[test]
fn suspend_twice_sends_one_power_off() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","callback":""}"#)
        .json(r#"{"result":"OK","data":[{"id":71,"server_id":4242}]}"#)
        .json(r#"{"result":"OK","data":{"id":71,"active":0}}"#);

    hold(&mut db, &mut http, Change::Suspend).expect("suspends");
    hold(&mut db, &mut http, Change::Suspend).expect("again");
    assert_eq!(sent(&http, "edit"), 1);
    assert!(
        http.bodies()
            .iter()
            .any(|b| b.contains("params%5Bactive%5D=0")),
        "{:?}",
        http.bodies()
    );
    assert_eq!(sent(&http, "off"), 1);
    assert_eq!(
        ops::load(&mut db, SERVICE).expect("row").hold,
        Hold::Suspended
    );
    // Unsuspending a service that is not held sends nothing either.
    let mut fresh = linked("Active");
    let mut none = ScriptedHttp::default();
    hold(&mut fresh, &mut none, Change::Unsuspend).expect("nothing to do");
    assert!(none.requests.is_empty());
}

#[test]
fn buttons_follow_the_state() {
    let mut row = ops::ServerOps::new(1);
    row.power = "off".into();
    let enabled: Vec<Action> = buttons(&row, true)
        .into_iter()
        .filter(|b| b.enabled)
        .map(|b| b.action)
        .collect();
    assert_eq!(
        enabled,
        vec![Action::PowerOn, Action::Reinstall, Action::Refresh]
    );
    row.pending_action = "power-on".into();
    let enabled: Vec<Action> = buttons(&row, true)
        .into_iter()
        .filter(|b| b.enabled)
        .map(|b| b.action)
        .collect();
    assert_eq!(enabled, vec![Action::Refresh]);
    assert!(buttons(&row, false).iter().all(|b| !b.enabled));
}

#[test]
fn the_tab_masks_the_key() {
    assert_eq!(masked(""), "not set");
    assert_eq!(masked("0123456789abcdef"), "••••cdef");
    assert_eq!(masked("short"), "••••");
}

#[test]
fn a_click_while_another_is_sent_is_refused_and_a_poll_shows_the_state() {
    let mut db = linked("Active");
    db.hold_lock(&crate::orders::service::lock_name(SERVICE));
    let mut http = ScriptedHttp::default();
    let click = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::PowerOff,
        1000,
    )
    .expect("answers");
    assert!(!click.accepted);
    assert!(click.message.contains("being sent"));
    let poll = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::Refresh,
        1000,
    )
    .expect("answers");
    assert!(poll.accepted);
    assert_eq!(poll.server.power, "on");
    assert!(http.requests.is_empty());
}

#[test]
fn no_single_sign_on_while_suspended() {
    let mut db = linked("Suspended");
    let error = super::sso::single_sign_on(
        &mut db,
        &mut ScriptedHttp::default(),
        &mut RecordingPlatform::default(),
        SERVICE,
        Requester::Client(OWNER),
    )
    .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("only while the service is Active")
    );
}

#[test]
fn a_server_linked_to_another_service_is_not_linked_twice() {
    let mut db = linked("Active");
    let mut other = ops::ServerOps::new(SERVICE + 1);
    other.server_id = Some(9999);
    ops::save(&mut db, &mut other).expect("saves");
    let mut http = ScriptedHttp::default();
    let mut platform = RecordingPlatform::default();
    let refused = super::tab::save(&mut db, &mut http, &mut platform, SERVICE, 9999, 1000)
        .expect_err("refused");
    assert_eq!(
        refused.to_string(),
        format!(
            "HOSTKEY server 9999 is already linked to service {}; the link was not changed.",
            SERVICE + 1
        )
    );
    assert!(http.bodies().is_empty(), "no API call");
    assert_eq!(
        ops::load(&mut db, SERVICE).expect("row").server_id,
        Some(SERVER)
    );
}

/// The status the cron's read leaves when HOSTKEY reports `condition`.
fn status_after_sync(status: &str, condition: &str) -> String {
    let mut db = linked(status);
    let show =
        format!(r#"{{"result":"OK","server_data":{{"Condition_Component":"{condition}"}}}}"#);
    let mut http = ScriptedHttp::default().json(LOGIN).json(&show);
    let mut platform = RecordingPlatform::default();
    crate::sync::slice::daily(&mut db, &mut http, &mut platform, 1000).expect("syncs");
    db.column("tblhosting", "domainstatus")[0].as_text()
}

#[test]
fn a_read_never_raises_a_status_and_a_power_off_does_not_suspend() {
    for held in ["Suspended", "Terminated", "Cancelled", "Fraud", "Pending"] {
        assert_eq!(status_after_sync(held, "rent"), held, "{held} stays");
    }
    // `power_off` is also what a client's own power-off may show: not a suspension.
    assert_eq!(status_after_sync("Active", "power_off"), "Active");
    assert_eq!(status_after_sync("Active", "TT"), "Active");
    // HOSTKEY stopped renting the server (unpaid there): the service is not running.
    assert_eq!(status_after_sync("Active", "presale"), "Suspended");
    assert_eq!(status_after_sync("Active", "rent"), "Active");
}

#[test]
fn a_refused_suspend_leaves_the_server_keys_alone() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"code":-1,"message":"Server busy"}"#)
        .json(r#"{"result":"OK","data":[{"id":71,"server_id":4242}]}"#)
        .json(r#"{"result":"OK","data":{"id":71,"active":0}}"#);
    let error = hold(&mut db, &mut http, Change::Suspend).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "The HOSTKEY API refused eq/off: Server busy."
    );
    assert_eq!(sent(&http, "list_for_server"), 0);
    assert_eq!(sent(&http, "edit"), 0, "{:?}", http.bodies());
    assert_eq!(ops::load(&mut db, SERVICE).expect("row").hold, Hold::None);
}

fn relink(db: &mut MemoryDb, http: &mut ScriptedHttp, server: i64) -> Result<String, ModuleError> {
    let mut platform = RecordingPlatform::default();
    super::tab::save(db, http, &mut platform, SERVICE, server, 1000)
}

#[test]
fn a_relink_waits_for_the_services_lock_and_refuses_a_held_service() {
    let mut db = linked("Active");
    db.hold_lock(&crate::orders::service::lock_name(SERVICE));
    let mut http = ScriptedHttp::default();
    let busy = relink(&mut db, &mut http, 9999).expect_err("busy");
    assert!(matches!(busy, ModuleError::Busy(_)), "{busy:?}");
    let mut held = linked("Suspended");
    let mut row = ops::load(&mut held, SERVICE).expect("row");
    row.hold = Hold::Suspended;
    ops::save(&mut held, &mut row).expect("saves");
    let refused = relink(&mut held, &mut http, 9999).expect_err("refused");
    assert_eq!(
        refused.to_string(),
        format!(
            "Service {SERVICE} is suspended by this module: unsuspend it before re-linking its server; the link was not changed."
        )
    );
    assert!(http.bodies().is_empty(), "no API call");
    assert_eq!(
        ops::load(&mut held, SERVICE).expect("row").server_id,
        Some(SERVER)
    );
}

#[test]
fn a_relink_to_a_server_with_keys_says_single_sign_on_needs_a_new_key() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","billing_servers":[]}"#)
        .json(r#"{"result":"OK","server_data":{"Condition_Component":"rent"}}"#)
        .json(r#"{"result":"OK","data":[{"id":5,"server_id":9999}]}"#);
    let line = relink(&mut db, &mut http, 9999).expect("re-links");
    assert!(
        line.starts_with(&format!(
            "Service {SERVICE} re-linked to HOSTKEY server 9999 by hand; single sign-on needs a new server key: "
        )),
        "{line}"
    );
    assert_eq!(
        ops::load(&mut db, SERVICE).expect("row").server_id,
        Some(9999)
    );
}

#[test]
fn the_admins_click_while_an_action_is_tracked_follows_it_then_acts() {
    let mut db = linked("Active");
    let mut row = ops::load(&mut db, SERVICE).expect("row");
    row.pending_action = "power-on".into();
    row.pending_key = "k0123456789abcdef0123456789abcde".into();
    row.action_at = 1000;
    ops::save(&mut db, &mut row).expect("saves");
    let mut running = ScriptedHttp::default().json(r#"{"result":"Not ready"}"#);
    let refused = act(
        &mut db,
        &mut running,
        Requester::Admin,
        Request::Reboot,
        1001,
    )
    .expect("runs");
    assert!(!refused.accepted);
    assert_eq!(
        refused.message,
        "The power-on is still running at HOSTKEY, so the reboot was not sent; click again once it is done."
    );
    assert_eq!(running.bodies().len(), 1, "only the public check");
    assert_eq!(sent(&running, "check"), 1);
    let mut done = ScriptedHttp::default()
        .json(r#"{"result":"OK","scope":"on_done"}"#)
        .json(LOGIN)
        .json(r#"{"result":"OK","callback":"k1123456789abcdef0123456789abcde"}"#);
    let rebooted = act(&mut db, &mut done, Requester::Admin, Request::Reboot, 1002).expect("runs");
    assert!(rebooted.accepted, "{rebooted:?}");
    assert_eq!(
        sent(&done, "reboot"),
        1,
        "inside the interval: the admin is not refused"
    );
    assert_eq!(rebooted.server.busy_label, "Rebooting…");
    // A client inside the interval is refused before any call.
    let mut none = ScriptedHttp::default();
    let client = act(
        &mut db,
        &mut none,
        Requester::Client(OWNER),
        Request::PowerOff,
        1010,
    )
    .expect("runs");
    assert!(!client.accepted);
    assert!(client.message.contains("One action per 30 seconds"));
    assert!(none.requests.is_empty());
}

#[test]
fn refreshes_read_the_server_once_per_interval() {
    let mut db = linked("Active");
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","server_data":{"power":"off"}}"#);
    for click in 0..50 {
        let who = if click % 2 == 0 {
            Requester::Admin
        } else {
            Requester::Client(OWNER)
        };
        let seen = act(&mut db, &mut http, who, Request::Refresh, 1000 + click / 2).expect("runs");
        assert!(seen.accepted, "{seen:?}");
        assert_eq!(seen.server.power, "off");
    }
    assert_eq!(sent(&http, "login"), 1);
    assert_eq!(sent(&http, "show"), 1);
    let mut later = ScriptedHttp::default()
        .json(LOGIN)
        .json(r#"{"result":"OK","server_data":{"power":"on"}}"#);
    let read = act(
        &mut db,
        &mut later,
        Requester::Admin,
        Request::Refresh,
        1030,
    )
    .expect("runs");
    assert_eq!(read.server.power, "on");
    assert_eq!(
        later.requests.len(),
        2,
        "the interval passed: one login, one read"
    );
}

#[test]
fn an_ended_service_is_neither_powered_nor_released_nor_signed_on() {
    for status in ["Terminated", "Cancelled", "Fraud", "Active"] {
        let mut db = linked(status);
        if status == "Active" {
            let mut row = ops::load(&mut db, SERVICE).expect("row");
            row.hold = Hold::Terminated;
            ops::save(&mut db, &mut row).expect("saves");
        }
        let mut http = ScriptedHttp::default();
        for request in [Request::PowerOn, Request::Reboot, Request::Refresh] {
            let error =
                act(&mut db, &mut http, Requester::Admin, request, 1000).expect_err("refused");
            assert!(error.to_string().contains("has ended"), "{status}: {error}");
        }
        let error = hold(&mut db, &mut http, Change::Unsuspend).expect_err("refused");
        assert!(error.to_string().contains("has ended"), "{status}: {error}");
        let error = super::sso::single_sign_on(
            &mut db,
            &mut http,
            &mut RecordingPlatform::default(),
            SERVICE,
            Requester::Client(OWNER),
        )
        .expect_err("refused");
        assert!(error.to_string().contains("has ended"), "{status}: {error}");
        assert!(http.requests.is_empty(), "{status}: no call at all");
        assert!(
            super::tab::buttons(&mut db, SERVICE)
                .expect("read")
                .is_empty(),
            "{status}"
        );
    }
}

#[test]
fn the_admin_buttons_come_from_the_records_and_a_failed_read_is_an_error() {
    let mut db = linked("Active");
    let listed: Vec<Action> = super::tab::buttons(&mut db, SERVICE)
        .expect("read")
        .into_iter()
        .map(|b| b.action)
        .collect();
    assert!(listed.contains(&Action::PowerOff), "{listed:?}");
    let error = super::tab::buttons(&mut MemoryDb::default(), SERVICE).expect_err("no tables");
    assert!(matches!(error, ModuleError::Database(_)), "{error}");
}

#[test]
fn the_admin_always_gets_the_buttons_of_a_managed_server() {
    let mut row = ops::ServerOps::new(1);
    row.power = "on".into();
    row.pending_action = "power-on".into();
    let listed: Vec<(Action, bool)> = super::view::admin_buttons(&row, false)
        .into_iter()
        .map(|b| (b.action, b.enabled))
        .collect();
    assert_eq!(
        listed,
        vec![
            (Action::PowerOn, true),
            (Action::PowerOff, true),
            (Action::Reboot, true),
            (Action::Refresh, true)
        ]
    );
    row.hold = Hold::Suspended;
    let listed: Vec<Action> = super::view::admin_buttons(&row, false)
        .into_iter()
        .map(|b| b.action)
        .collect();
    assert_eq!(listed, vec![Action::Refresh]);
}

#[test]
fn a_terminate_before_any_server_is_held_so_a_later_link_cancels() {
    let mut db = linked("Active");
    let mut row = ops::load(&mut db, SERVICE).expect("row");
    row.server_id = None;
    ops::save(&mut db, &mut row).expect("saves");
    let mut http = ScriptedHttp::default();
    let line = hold(&mut db, &mut http, Change::Terminate).expect("terminates");
    assert!(line.contains("has no HOSTKEY server"), "{line}");
    assert!(http.requests.is_empty());
    assert_eq!(
        ops::load(&mut db, SERVICE).expect("row").hold,
        Hold::Terminated
    );
}
mod adopted;

#[test]
fn a_reinstall_needs_the_clients_confirmation_and_an_os_before_anything_is_read() {
    let unconfirmed = Request::reinstall(Some(187), "New-Pass99".into(), false)
        .expect_err("refused")
        .to_string();
    assert_eq!(
        unconfirmed,
        "Confirm the reinstall first: it erases every file on the server."
    );
    let no_os = Request::reinstall(None, "New-Pass99".into(), true).expect_err("refused");
    assert_eq!(no_os.to_string(), "Choose the operating system to install.");
    assert_eq!(
        Request::reinstall(Some(187), "New-Pass99".into(), true).expect("complete"),
        Request::Reinstall {
            os_id: 187,
            password: "New-Pass99".into()
        }
    );
}
