//! The shipped component, run by the real host over in-memory capabilities.

mod support;

use hostkey_host::Runtime;
use hostkey_host::fakes::{Reply, ScriptedHttp};
use hostkey_host::http_types::Error as HttpError;
use serde_json::json;
use std::time::Duration;
use support::{Fakes, call, options, shipped, whmcs_db};

const KEY: &str = "hk-test-key-0123456789abcdef0123";
const TOKEN: &str = "00112233445566778899aabbccddeeff";

fn runtime() -> Runtime {
    Runtime::new(options(shipped())).expect("the component loads")
}

fn ok(body: &str) -> Reply {
    Reply::Answer {
        status: 200,
        body: body.into(),
    }
}

fn login() -> Reply {
    ok(&format!(
        r#"{{"result":{{"token":"{TOKEN}","servers":["1"]}}}}"#
    ))
}

#[test]
fn activation_creates_tables_once() {
    let rt = runtime();
    let fakes = Fakes::new(whmcs_db(KEY), ScriptedHttp::default());
    let first = call(&rt, &fakes, "addon.activate", json!({})).expect("call completes");
    assert_eq!(
        first["ok"]["tables-created"],
        json!([
            "mod_hostkeyresellermod",
            "mod_hostkeyresellermod_log",
            "mod_hostkeyresellermodimportsettings",
            "mod_hostkeyresellermod_orders",
            "mod_hostkeyresellermod_servers",
            "mod_hostkeyresellermod_pending",
            "mod_hostkeyresellermod_costs",
            "mod_hostkeyresellermod_sync"
        ])
    );
    assert_eq!(first["ok"]["rows-seeded"], json!(6));
    let settings = fakes
        .db
        .table("mod_hostkeyresellermodimportsettings")
        .expect("created");
    assert_eq!(settings.rows.len(), 6);

    let second = call(&rt, &fakes, "addon.activate", json!({})).expect("call completes");
    assert_eq!(second["ok"]["tables-created"], json!([]));
    assert_eq!(second["ok"]["rows-seeded"], json!(0));
    assert_eq!(
        fakes
            .db
            .table("mod_hostkeyresellermodimportsettings")
            .expect("kept")
            .rows
            .len(),
        6
    );
}

#[test]
fn test_connection_reports_the_account_without_leaking_secrets() {
    let rt = runtime();
    let client = ok(
        r#"{"result":"success","client":{"email":"reseller@example.test","currency_code":"EUR"}}"#,
    );
    let fakes = Fakes::new(whmcs_db(KEY), ScriptedHttp::new([login(), client]));
    let answer = call(
        &rt,
        &fakes,
        "provisioning.test-connection",
        json!({"server": null}),
    )
    .expect("completes");
    assert_eq!(
        answer["ok"]["account-email"],
        json!("reseller@example.test")
    );
    assert_eq!(answer["ok"]["currency-code"], json!("EUR"));
    let requests = fakes.http.requests();
    assert_eq!(requests[0].0, "http://127.0.0.1:9/auth.php");
    assert!(requests[0].1.contains(KEY), "the key is sent to the API");
    let log = fakes.platform.module_log();
    assert_eq!(log.len(), 2);
    for entry in log {
        let text = format!("{}{}{}", entry.request, entry.response, entry.processed);
        assert!(
            !text.contains(KEY) && !text.contains(TOKEN),
            "secret logged: {text}"
        );
    }
}

#[test]
fn test_connection_failures_are_one_sentence() {
    let rt = runtime();
    let cases = [
        (
            ok(r#"{"result":-1,"error":"Invalid API key","code":"INVALID_KEY"}"#),
            json!({"err": {"api": "The HOSTKEY API refused auth/login: Invalid API key."}}),
        ),
        (
            Reply::Fail(HttpError::Timeout),
            json!({"err": {"retryable": "The HOSTKEY API did not answer auth/login in time."}}),
        ),
        (
            ok("<html>oops"),
            json!({"err": {"api": "The HOSTKEY API answered auth/login with something that is not the expected JSON."}}),
        ),
        (
            Reply::Answer {
                status: 503,
                body: "busy".into(),
            },
            json!({"err": {"retryable": "The HOSTKEY API answered auth/login with HTTP status 503."}}),
        ),
    ];
    for (reply, expected) in cases {
        let fakes = Fakes::new(whmcs_db(KEY), ScriptedHttp::new([reply]));
        let answer = call(
            &rt,
            &fakes,
            "provisioning.test-connection",
            json!({"server": null}),
        )
        .expect("completes");
        assert_eq!(answer, expected);
    }
}

#[test]
fn a_slow_api_is_cut_off_by_the_http_timeout() {
    let mut opts = options(shipped());
    opts.http_timeout_ms = 200;
    let rt = Runtime::new(opts).expect("loads");
    let slow = Reply::Slow {
        after: Duration::from_secs(3),
        body: "{}".into(),
    };
    let fakes = Fakes::new(whmcs_db(KEY), ScriptedHttp::new([slow]));
    let answer = call(
        &rt,
        &fakes,
        "provisioning.test-connection",
        json!({"server": null}),
    )
    .expect("completes");
    assert_eq!(
        answer,
        json!({"err": {"retryable": "The HOSTKEY API did not answer auth/login in time."}})
    );
}

#[test]
fn a_hook_for_a_service_of_another_module_does_nothing() {
    let rt = runtime();
    // The row filter reads tblproducts to tell the module's services apart.
    let db = whmcs_db(KEY)
        .with_table("tblproducts", &["id", "gid", "servertype"])
        .with_table(
            "tblhosting",
            &[
                "id",
                "userid",
                "packageid",
                "domain",
                "billingcycle",
                "domainstatus",
            ],
        );
    let fakes = Fakes::new(db, ScriptedHttp::default());
    let answer = call(
        &rt,
        &fakes,
        "hooks.service-delete",
        json!({"service-id": 7}),
    )
    .expect("completes");
    assert_eq!(
        answer,
        json!({"ok": {"lines": ["Service 7 is not a service of this module."], "service-ids": [7]}})
    );
    assert!(
        fakes.platform.module_log().is_empty(),
        "nothing logged for others"
    );
}

#[test]
fn bad_calls_are_faults_not_crashes() {
    let rt = runtime();
    let fakes = Fakes::new(whmcs_db(KEY), ScriptedHttp::default());
    let unknown = call(&rt, &fakes, "addon.no-such-thing", json!({})).expect_err("unknown");
    assert_eq!(
        unknown,
        "the component has no export named `addon.no-such-thing`"
    );
    let wrong = call(
        &rt,
        &fakes,
        "hooks.invoice-paid",
        json!({"invoice-id": "seven"}),
    )
    .expect_err("bad args");
    assert!(wrong.contains("invoice-id: expected an integer"), "{wrong}");
    let envelope = rt.call_json(b"not json", fakes.capabilities());
    let envelope: serde_json::Value = serde_json::from_slice(&envelope).expect("json envelope");
    assert!(
        envelope["fault"]
            .as_str()
            .is_some_and(|f| f.starts_with("the call request is not valid JSON"))
    );
}

fn presets() -> Reply {
    ok(r#"{"result":"OK","presets":[
        {"id":108,"name":"vm.nano","active":1,"cpu":1,"ram":2,"hdd":30,"price":{"NL":{"EUR":4.0},"RU":{"EUR":3.0}},
         "OS":[{"id":187,"name":"Ubuntu 22.04","price":{"EUR":0}}],"soft":[],"traffic_plans":{"NL":[{"id":25,"name":"3 TB"}]}},
        {"id":311,"name":"bm.v2","active":1,"cpu":8,"ram":64,"hdd":"2x960","price":{"NL":{"EUR":89.0}},
         "OS":[],"soft":[{"id":20,"name":"WordPress","price":{"EUR":1.5}}],"traffic_plans":{}}]}"#)
}

fn client() -> Reply {
    ok(r#"{"result":"success","client":{"email":"reseller@example.test","currency_code":"EUR"}}"#)
}

#[test]
fn the_catalogue_import_runs_in_the_component_and_a_resync_writes_nothing() {
    let rt = runtime();
    let db = support::catalogue_db(KEY);
    let first = Fakes::new(
        db.clone(),
        ScriptedHttp::new([login(), client(), presets()]),
    );
    call(&rt, &first, "addon.activate", json!({})).expect("activates");
    let source = json!({"source": {"ini": null, "trigger": "manual"}});
    let report = call(&rt, &first, "addon.import", source.clone()).expect("completes");
    let report = &report["ok"];
    assert_eq!(report["products-created"], json!(2), "{report}");
    assert_eq!(report["groups-created"], json!(2));
    assert_eq!(report["products-on-sale"], json!(2));
    let products = db.table("tblproducts").expect("products");
    assert_eq!(products.rows.len(), 2, "RU is not imported by default");
    // 2 products; sub-options: vm.nano 1 OS + 1 traffic plan (no soft, so no
    // "Do not install"), bm.v2 "Do not install" + WordPress; all in 3 currencies.
    assert_eq!(
        db.table("tblpricing").expect("pricing").rows.len(),
        (2 + 4) * 3
    );

    let again = Fakes::new(
        db.clone(),
        ScriptedHttp::new([login(), client(), presets()]),
    );
    let second = call(&rt, &again, "addon.import", source).expect("completes");
    assert_eq!(second["ok"]["rows-written"], json!(0), "{second}");
    assert_eq!(second["ok"]["prices-changed"], json!(0));
}

#[test]
fn the_daily_sync_can_be_switched_off() {
    use hostkey_host::db::DbBackend;
    use hostkey_host::db_types::{InsertStatement, Value};
    let rt = runtime();
    let db = support::catalogue_db(KEY);
    let mut seed = db.clone();
    seed.insert(InsertStatement {
        table: "tbladdonmodules".into(),
        columns: vec!["module".into(), "setting".into(), "value".into()],
        rows: vec![vec![
            Value::Text("hostkeyresellermod".into()),
            Value::Text("dailysync".into()),
            Value::Text(String::new()),
        ]],
    })
    .expect("setting");
    let fakes = Fakes::new(db, ScriptedHttp::default());
    let answer = call(
        &rt,
        &fakes,
        "cron.sync",
        json!({"source": {"ini": null, "trigger": "scheduled"}}),
    )
    .expect("completes");
    assert_eq!(
        answer["ok"]["summary"],
        json!("The daily price sync is switched off in the addon settings; nothing was done.")
    );
    assert!(fakes.http.requests().is_empty());
}
