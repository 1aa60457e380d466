//! Services the public module linked, with no row of ours: every path finds
//! the server by the one rule (`orders::server_of`), asks HOSTKEY once, and
//! "who owns this server" knows the public module's links.

use super::*;
use crate::orders::custom_fields::{self, API_KEY, INVOICE_ID, PRESET_ID};
use crate::orders::service;
use crate::servers::ops::SERVERS_TABLE;

/// HOSTKEY's invoice of the public module's order: one item, server 4242,
/// its `relid` HOSTKEY's own (not the reseller's service id).
const INVOICE: &str = r#"{"result":"OK","status":"Paid","total":"4.40","items":{"item":[{"inv_id":"4242","relid":"555"}]}}"#;
const STARTED: &str = r#"{"result":"OK","callback":""}"#;
const NO_KEYS: &str = r#"{"result":"OK","data":[]}"#;

/// Service 77 as the public module leaves it: no management row, only the
/// given custom fields.
fn adopted(status: &str, fields: &[(&str, &str)]) -> MemoryDb {
    let mut db = linked(status);
    db.delete_where(SERVERS_TABLE, "service_id", &SERVICE.to_string());
    set_fields(&mut db, SERVICE, fields);
    db
}

fn set_fields(db: &mut MemoryDb, service_id: i64, fields: &[(&str, &str)]) {
    let product = service::load(db, SERVICE)
        .expect("reads")
        .expect("ours")
        .product_id;
    for (name, value) in fields {
        custom_fields::set(db, product, service_id, name, value).expect("sets");
    }
}

/// Service 78 of another client on the same product.
fn another_service(db: &mut MemoryDb) {
    let product = service::load(db, SERVICE)
        .expect("reads")
        .expect("ours")
        .product_id;
    let columns = [
        "id",
        "userid",
        "packageid",
        "domain",
        "billingcycle",
        "domainstatus",
    ];
    db.seed(
        "tblhosting",
        &columns,
        vec![vec![
            Value::Int(SERVICE + 1),
            Value::Int(OWNER + 1),
            Value::Int(product),
            Value::text("b.example.test"),
            Value::text("Monthly"),
            Value::text("Active"),
        ]],
    );
}

fn sent_with(http: &ScriptedHttp, action: &str, param: &str) -> usize {
    http.bodies()
        .iter()
        .filter(|b| b.starts_with(&format!("action={action}&")) && b.contains(param))
        .count()
}

#[test]
fn a_service_known_only_by_its_invoice_id_is_suspended_at_hostkey_and_asked_once() {
    let mut db = adopted("Active", &[(INVOICE_ID, "9000"), (API_KEY, "pm-key")]);
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(INVOICE)
        .json(LOGIN)
        .json(STARTED)
        .json(NO_KEYS);
    hold(&mut db, &mut http, Change::Suspend).expect("suspends");
    assert_eq!(sent_with(&http, "get_invoice", "invoice_id=9000"), 1);
    assert_eq!(sent_with(&http, "off", "id=4242"), 1, "{:?}", http.bodies());
    let row = ops::load(&mut db, SERVICE).expect("row");
    assert_eq!(
        (row.server_id, row.hold),
        (Some(4242), Hold::Suspended),
        "recorded in our own table"
    );

    let mut again = ScriptedHttp::default()
        .json(LOGIN)
        .json(STARTED)
        .json(NO_KEYS);
    hold(&mut db, &mut again, Change::Unsuspend).expect("unsuspends");
    assert_eq!(sent(&again, "get_invoice"), 0, "asked once");
    assert_eq!(
        sent_with(&again, "on", "id=4242"),
        1,
        "{:?}",
        again.bodies()
    );
}

#[test]
fn a_service_linked_by_its_preset_id_is_powered_without_asking_for_its_invoice() {
    let mut db = adopted("Active", &[(INVOICE_ID, "9000"), (PRESET_ID, "4242")]);
    let mut http = ScriptedHttp::default().json(LOGIN).json(STARTED);
    let outcome = act(
        &mut db,
        &mut http,
        Requester::Client(OWNER),
        Request::PowerOff,
        1000,
    )
    .expect("answers");
    assert!(outcome.accepted, "{outcome:?}");
    assert_eq!(sent(&http, "get_invoice"), 0);
    assert_eq!(sent_with(&http, "off", "id=4242"), 1);
}

#[test]
fn an_undeterminable_service_sends_nothing_but_the_invoice_question() {
    let mut db = adopted("Active", &[(INVOICE_ID, "9000")]);
    let empty = r#"{"result":"OK","status":"Paid","items":{"item":[]}}"#;
    let mut http = ScriptedHttp::default().json(LOGIN).json(empty);
    let line = hold(&mut db, &mut http, Change::Suspend).expect("answers");
    assert!(line.contains("has no HOSTKEY server"), "{line}");
    assert_eq!(sent(&http, "off"), 0);
    assert_eq!(ops::load(&mut db, SERVICE).expect("row").server_id, None);
}

#[test]
fn a_relink_to_a_server_another_service_holds_by_its_preset_id_is_refused() {
    let mut db = linked("Active");
    set_fields(&mut db, SERVICE + 1, &[(PRESET_ID, "9999")]);
    let mut http = ScriptedHttp::default();
    let mut platform = RecordingPlatform::default();
    let refused = super::super::tab::save(&mut db, &mut http, &mut platform, SERVICE, 9999, 1000)
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

#[test]
fn a_relink_resolves_the_public_modules_invoice_links_before_deciding() {
    let mut db = linked("Active");
    another_service(&mut db);
    // Service 78 has only the public module's Invoice ID; HOSTKEY's invoice names server 9999.
    set_fields(&mut db, SERVICE + 1, &[(INVOICE_ID, "9100")]);
    let invoice =
        r#"{"result":"OK","status":"Paid","items":{"item":[{"inv_id":"9999","relid":"1"}]}}"#;
    let mut http = ScriptedHttp::default().json(LOGIN).json(invoice);
    let mut platform = RecordingPlatform::default();
    let refused = super::super::tab::save(&mut db, &mut http, &mut platform, SERVICE, 9999, 1000)
        .expect_err("refused");
    assert!(
        refused.to_string().contains("already linked to service 78"),
        "{refused}"
    );
    assert_eq!(
        ops::load(&mut db, SERVICE + 1).expect("row").server_id,
        Some(9999),
        "recorded for service 78"
    );
}

fn sso(db: &mut MemoryDb, who: Requester) -> Result<String, ModuleError> {
    super::super::sso::single_sign_on(
        db,
        &mut ScriptedHttp::default(),
        &mut RecordingPlatform::default(),
        SERVICE,
        who,
    )
}

#[test]
fn single_sign_on_is_for_the_owner_or_an_admin_of_a_server_no_other_service_holds() {
    let mut db = linked("Active");
    set_fields(&mut db, SERVICE, &[(API_KEY, "server-key-1234")]);
    let url = sso(&mut db, Requester::Client(OWNER)).expect("the owner");
    assert!(url.ends_with("key=server-key-1234"), "{url}");
    assert!(sso(&mut db, Requester::Admin).is_ok());
    for stranger in [OWNER + 1, 0] {
        let refused = sso(&mut db, Requester::Client(stranger)).expect_err("refused");
        assert!(refused.to_string().contains("Only the owner"), "{refused}");
    }
    // The public module linked the same server to another service.
    set_fields(&mut db, SERVICE + 1, &[(PRESET_ID, &SERVER.to_string())]);
    let disputed = sso(&mut db, Requester::Client(OWNER)).expect_err("refused");
    assert!(
        disputed.to_string().contains("also linked to service 78"),
        "{disputed}"
    );
    assert!(!super::super::sso::available(&mut db, SERVICE));
}
