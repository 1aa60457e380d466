//! Margins against the in-memory WHMCS after a real import of the fixture
//! catalogue: income in other currencies, exact and estimated costs, a
//! HOSTKEY price rise, the warnings and the repricing.

use super::costs::{self, Paid};
use super::report::{self, Basis, Line};
use super::{reprice, view, warn};
use crate::capabilities::Db;
use crate::capabilities::db::{
    DbError, Delete, Insert, Rows, Select, TableDef, Update, UpdateRows, Value,
};
use crate::catalog::run::{self, Kind, Trigger};
use crate::catalog::tests_support::{api, catalogue, whmcs};
use crate::orders::state::{self, FIRST_ORDER, State, new_job};
use crate::schema::module_tables::IMPORT_SETTINGS_TABLE;
use crate::testing::{MemoryDb, RecordingPlatform};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::str::FromStr;

const NOW: i64 = 1_796_000_000;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).expect("decimal")
}

fn import(db: &mut MemoryDb, platform: &mut RecordingPlatform, catalogue: &Json) {
    run::run(
        db,
        &mut api(catalogue),
        platform,
        Kind::Import,
        Trigger::Manual,
        None,
        NOW,
    )
    .expect("imports");
}

fn product(db: &MemoryDb, name: &str) -> i64 {
    let names = db.column("tblproducts", "name");
    let ids = db.column("tblproducts", "id");
    let at = names
        .iter()
        .position(|n| n.as_text() == name)
        .unwrap_or_else(|| panic!("product {name}"));
    ids[at].as_int().expect("id")
}

/// A WHMCS with a 10 % VPS markup, the fixture imported, four clients (EUR,
/// USD, GBP, JPY) and no services yet.
fn shop() -> (MemoryDb, RecordingPlatform) {
    let mut db = whmcs();
    db.update_where(
        IMPORT_SETTINGS_TABLE,
        "group",
        "vps",
        "amount",
        Value::Int(10),
    );
    db.seed(
        "tblcurrencies",
        &["code", "rate", "default"],
        vec![vec![
            Value::text("JPY"),
            Value::text("160.00000"),
            Value::Int(0),
        ]],
    );
    db.add_table(
        "tblhosting",
        &[
            "id",
            "userid",
            "packageid",
            "amount",
            "billingcycle",
            "domainstatus",
            "nextduedate",
        ],
    );
    db.add_table("tblclients", &["id", "email", "currency"]);
    db.seed(
        "tblclients",
        &["email", "currency"],
        vec![
            vec![Value::text("eur@example.test"), Value::Int(1)],
            vec![Value::text("usd@example.test"), Value::Int(2)],
            vec![Value::text("gbp@example.test"), Value::Int(3)],
            vec![Value::text("jpy@example.test"), Value::Int(4)],
        ],
    );
    let mut platform = RecordingPlatform::default();
    import(&mut db, &mut platform, &catalogue());
    (db, platform)
}

/// A live service with a linked server (none when `server` is 0).
fn service(
    db: &mut MemoryDb,
    client: i64,
    product: i64,
    amount: &str,
    cycle: &str,
    server: i64,
) -> i64 {
    db.seed(
        "tblhosting",
        &[
            "userid",
            "packageid",
            "amount",
            "billingcycle",
            "domainstatus",
            "nextduedate",
        ],
        vec![vec![
            Value::Int(client),
            Value::Int(product),
            Value::text(amount),
            Value::text(cycle),
            Value::text("Active"),
            Value::text("2026-12-10"),
        ]],
    );
    let id = db
        .column("tblhosting", "id")
        .last()
        .and_then(Value::as_int)
        .expect("id");
    if server > 0 {
        let mut job = new_job(id, FIRST_ORDER, 1);
        job.state = State::Linked;
        job.server_id = Some(server);
        state::save(db, &mut job, "2026-12-01 00:00:00").expect("saves");
    }
    id
}

fn line(db: &mut MemoryDb, id: i64) -> Line {
    report::read(db)
        .expect("reads")
        .lines
        .into_iter()
        .find(|l| l.service_id == id)
        .expect("a line")
}

fn raised_nano() -> Json {
    let mut raised = catalogue();
    // HOSTKEY raises vm.nano in NL by 20 %: 4.00 -> 4.80 EUR.
    raised["presets"][0]["price"]["NL"]["EUR"] = Json::from(4.8);
    raised
}

#[test]
fn a_monthly_service_in_dollars_is_estimated_from_the_catalogue_before_markup() {
    let (mut db, _) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    // The product sells at 4.40 EUR (4.00 + 10 %); this client pays 4.75 USD.
    let id = service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let l = line(&mut db, id);
    assert_eq!(l.reason, None);
    assert_eq!(l.currency, "USD");
    assert_eq!(l.income.map(|i| i.round_dp(4)), Some(d("4.3981")));
    assert_eq!(l.cost, Some((d("4.00"), Basis::Estimated)));
    assert_eq!(l.margin().map(|m| m.round_dp(2)), Some(d("0.40")));
    assert_eq!(l.percent().map(|p| p.round_dp(1)), Some(d("9.1")));
}

#[test]
fn an_annual_service_in_pounds_is_exact_from_the_paid_hostkey_invoice() {
    let (mut db, _) = shop();
    let bm = product(&db, "HKP-bm.v2-promo (NL)");
    // 900 GBP a year is 87.21 EUR a month at 0.86.
    let id = service(&mut db, 3, bm, "900.00", "Annually", 9002);
    let estimated = line(&mut db, id);
    assert_eq!(estimated.cost.map(|c| c.1), Some(Basis::Estimated));
    // The catalogue's 89.00 EUR with 12 % off a year: 78.32 a month.
    assert_eq!(estimated.cost.map(|c| c.0.round_dp(2)), Some(d("78.32")));
    costs::record(
        &mut db,
        &Paid {
            service_id: id,
            hostkey_invoice: 77_001,
            amount: d("1020.00"),
            currency: "EUR".into(),
            months: 12,
        },
        "2026-12-01 00:00:00",
    )
    .expect("records");
    // A retry of the same payment adds nothing.
    assert!(
        !costs::record(
            &mut db,
            &Paid {
                service_id: id,
                hostkey_invoice: 77_001,
                amount: d("1020.00"),
                currency: "EUR".into(),
                months: 12,
            },
            "2026-12-01 00:00:01",
        )
        .expect("reads")
    );
    let exact = line(&mut db, id);
    assert_eq!(exact.cost, Some((d("85"), Basis::Exact)));
    assert_eq!(exact.income.map(|i| i.round_dp(2)), Some(d("87.21")));
    assert_eq!(exact.margin().map(|m| m.round_dp(2)), Some(d("2.21")));
}

#[test]
fn a_twenty_percent_price_rise_makes_the_service_negative_and_warns_once() {
    let (mut db, mut platform) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let bm = product(&db, "HKP-bm.v2-promo (NL)");
    let hit = service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let spared = service(&mut db, 3, bm, "900.00", "Annually", 9002);
    let before = platform.activity_log.len();
    import(&mut db, &mut platform, &raised_nano());
    let l = line(&mut db, hit);
    assert_eq!(l.cost, Some((d("4.80"), Basis::Estimated)));
    assert!(l.margin().expect("margin") < Decimal::ZERO, "{l:?}");
    let warned: Vec<&(String, Option<i64>)> = platform.activity_log[before..]
        .iter()
        .filter(|(m, _)| m.contains("margin threshold"))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].0.contains(&format!("service #{hit} ")),
        "{}",
        warned[0].0
    );
    assert!(!warned[0].0.contains(&format!("#{spared} ")));
    assert_eq!(warned[0].1, Some(2), "logged for the service's client");
    let notice = warn::current_notice(&mut db)
        .expect("reads")
        .expect("a notice");
    assert!(
        notice.contains(&format!("#{hit} (HKP-vm.nano (NL))")),
        "{notice}"
    );
    // The same prices again warn about nothing more, and the notice goes.
    let again = platform.activity_log.len();
    import(&mut db, &mut platform, &raised_nano());
    assert_eq!(platform.activity_log.len(), again);
    assert_eq!(warn::current_notice(&mut db).expect("reads"), None);
}

#[test]
fn each_bad_case_is_a_row_with_its_reason_and_no_number() {
    let (mut db, mut platform) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let nano_fi = product(&db, "HKP-vm.nano (FI)");
    let no_server = service(&mut db, 1, nano, "4.40", "Monthly", 0);
    let weekly = service(&mut db, 1, nano, "1.10", "Weekly", 9003);
    let yen = service(&mut db, 4, nano, "700", "Monthly", 9004);
    let gone = service(&mut db, 1, nano_fi, "4.95", "Monthly", 9005);
    // HOSTKEY stops selling vm.nano in FI: the product is retired.
    let mut without_fi = catalogue();
    without_fi["presets"][0]["price"]
        .as_object_mut()
        .expect("prices")
        .remove("FI");
    import(&mut db, &mut platform, &without_fi);
    // WHMCS lost the yen's rate since (the import refuses one without).
    db.update_where(
        "tblcurrencies",
        "code",
        "JPY",
        "rate",
        Value::text("0.00000"),
    );
    let book = report::read(&mut db).expect("reads");
    let reason = |id: i64| {
        let l = book.lines.iter().find(|l| l.service_id == id).expect("row");
        assert_eq!(l.margin(), None, "{l:?}");
        l.reason.clone().expect("a reason")
    };
    assert!(reason(no_server).contains("No HOSTKEY server is known"));
    assert!(reason(weekly).contains("\"Weekly\" is not one WHMCS documents"));
    assert!(reason(yen).contains("pays in JPY, which has no exchange rate"));
    assert!(
        reason(gone).contains("no longer lists preset vm.nano in FI"),
        "{}",
        reason(gone)
    );
    let shown = view::build(book, Decimal::ZERO, "2026-12-07", "2026-12-21");
    assert_eq!(shown.rows.len(), 4);
    assert!(
        shown
            .rows
            .iter()
            .all(|r| r.margin.is_empty() && !r.reason.is_empty())
    );
    assert_eq!(shown.totals.last().map(|t| t.services), Some(0));
}

#[test]
fn the_view_lists_worst_first_marks_the_threshold_and_totals_per_group() {
    let (mut db, _) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let bm = product(&db, "HKP-bm.v2-promo (NL)");
    let thin = service(&mut db, 2, nano, "4.75", "Monthly", 9001); // 9.1 %
    let loss = service(&mut db, 1, nano, "3.00", "Monthly", 9002); // -33.3 %
    let wide = service(&mut db, 3, bm, "900.00", "Annually", 9003); // 10.2 %
    let book = report::read(&mut db).expect("reads");
    let shown = view::build(book, d("10"), "2026-12-07", "2026-12-21");
    let order: Vec<i64> = shown.rows.iter().map(|r| r.service_id).collect();
    assert_eq!(order, [loss, thin, wide]);
    let under: Vec<bool> = shown.rows.iter().map(|r| r.under_threshold).collect();
    assert_eq!(under, [true, true, false]);
    assert_eq!(shown.rows[0].margin, "-1.00");
    assert_eq!(shown.rows[0].percent, "-33.3");
    let groups: Vec<(&str, u32)> = shown
        .totals
        .iter()
        .map(|t| (t.group.as_str(), t.services))
        .collect();
    assert_eq!(groups, [("VPS", 2), ("Bare metal", 1), ("Overall", 3)]);
    let vps = &shown.totals[0];
    // 4.3981 + 3.00 income, 8.00 cost.
    assert_eq!((vps.income.as_str(), vps.cost.as_str()), ("7.40", "8.00"));
    assert!(
        shown.notes.iter().any(|n| n.contains("3 renewal(s)")),
        "{:?}",
        shown.notes
    );
    assert!(shown.notes.iter().any(|n| n == view::BALANCE_NOTE));
}

#[test]
fn the_threshold_setting_defaults_to_zero_and_says_when_it_is_not_a_number() {
    let mut db = MemoryDb::whmcs();
    assert_eq!(
        view::threshold(&mut db).expect("reads"),
        (Decimal::ZERO, None)
    );
    db.settings(&[(view::THRESHOLD_SETTING, "12.5 %")]);
    assert_eq!(view::threshold(&mut db).expect("reads").0, d("12.5"));
    let mut bad = MemoryDb::whmcs();
    bad.settings(&[(view::THRESHOLD_SETTING, "lots")]);
    let (value, why) = view::threshold(&mut bad).expect("reads");
    assert_eq!(value, Decimal::ZERO);
    assert!(
        why.expect("a sentence")
            .contains("\"lots\" is not a percentage")
    );
}

fn amounts(db: &MemoryDb) -> Vec<String> {
    db.column("tblhosting", "amount")
        .iter()
        .map(Value::as_text)
        .collect()
}

#[test]
fn the_repricing_preview_changes_nothing_and_the_apply_only_the_selected() {
    let (mut db, mut platform) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let a = service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let b = service(&mut db, 1, nano, "4.40", "Monthly", 9002);
    import(&mut db, &mut platform, &raised_nano());
    let form = vec![("service[0]".to_string(), a.to_string())];
    let ids = reprice::selected(&form).expect("ids");
    let before = db.dump();
    let preview = reprice::preview(&mut db, &ids).expect("previews");
    assert_eq!(db.dump(), before, "the preview writes nothing");
    assert_eq!(preview.len(), 1);
    // 4.80 + 10 % = 5.28 EUR, 5.7024 USD.
    assert_eq!(
        (preview[0].current.as_str(), preview[0].proposed.as_str()),
        ("4.75", "5.70")
    );
    let logged = platform.module_log.len();
    reprice::apply(&mut db, &mut platform, &ids, NOW).expect("applies");
    assert_eq!(amounts(&db), ["5.70", "4.40"], "only service {a}, not {b}");
    let lines: Vec<_> = platform.module_log[logged..]
        .iter()
        .filter(|e| e.action == "reprice")
        .collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].response.contains("from 4.75 to 5.70 USD"));
}

#[test]
fn a_repricing_with_one_bad_service_changes_nothing() {
    let (mut db, mut platform) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let a = service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let weekly = service(&mut db, 1, nano, "1.10", "Weekly", 9002);
    let before = db.dump();
    for form in [
        vec![
            ("service[0]", a.to_string()),
            ("service[1]", weekly.to_string()),
        ],
        vec![
            ("service[0]", a.to_string()),
            ("service[1]", "999".to_string()),
        ],
        vec![("service[0]", "1; drop".to_string())],
        vec![],
    ] {
        let form: Vec<(String, String)> =
            form.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let error = reprice::selected(&form)
            .and_then(|ids| reprice::apply(&mut db, &mut platform, &ids, NOW))
            .expect_err("refused");
        assert!(error.to_string().ends_with('.'), "{error}");
        assert_eq!(db.dump(), before, "{error}");
    }
}

#[test]
fn a_paid_total_is_recorded_only_when_it_is_a_positive_decimal() {
    let (mut db, _) = shop();
    costs::record_total(
        &mut db,
        5,
        1,
        "12.50",
        "eur",
        Some(1),
        "2026-12-01 00:00:00",
    );
    costs::record_total(&mut db, 6, 2, "", "EUR", Some(1), "2026-12-01 00:00:00");
    costs::record_total(&mut db, 7, 3, "9.00", "EUR", None, "2026-12-01 00:00:00");
    let paid = costs::latest(&mut db, &[5, 6, 7]).expect("reads");
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[&5].currency, "EUR");
    assert_eq!(paid[&5].amount, d("12.50"));
}

#[test]
fn a_public_module_service_is_found_by_its_preset_id() {
    let (mut db, _) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let adopted = service(&mut db, 1, nano, "4.40", "Monthly", 0);
    let other = service(&mut db, 1, nano, "4.40", "Monthly", 0);
    let insert = |table: &str, columns: [&str; 3], row: Vec<Value>| Insert {
        table: table.into(),
        columns: columns.map(String::from).to_vec(),
        rows: vec![row],
    };
    let field = db
        .insert(&insert(
            "tblcustomfields",
            ["type", "relid", "fieldname"],
            vec![
                Value::text("product"),
                Value::Int(nano),
                Value::text("Preset ID"),
            ],
        ))
        .expect("field")[0];
    db.insert(&insert(
        "tblcustomfieldsvalues",
        ["fieldid", "relid", "value"],
        vec![Value::Int(field), Value::Int(adopted), Value::text("31337")],
    ))
    .expect("value");
    assert_eq!(line(&mut db, adopted).server, "31337");
    assert_eq!(line(&mut db, other).server, "");
    assert!(line(&mut db, other).reason.is_some());
}

/// A WHMCS whose second update of `tblhosting` in a call fails, as a lost
/// connection would.
struct FailingSecondUpdate {
    db: MemoryDb,
    updates: u32,
}

impl Db for FailingSecondUpdate {
    fn select(&mut self, s: &Select) -> Result<Rows, DbError> {
        self.db.select(s)
    }
    fn insert(&mut self, s: &Insert) -> Result<Vec<i64>, DbError> {
        self.db.insert(s)
    }
    fn update(&mut self, s: &Update) -> Result<u64, DbError> {
        if s.table == "tblhosting" {
            self.updates += 1;
            if self.updates == 2 {
                return Err(DbError::Invalid("the connection was lost".into()));
            }
        }
        self.db.update(s)
    }
    fn update_rows(&mut self, s: &UpdateRows) -> Result<u64, DbError> {
        self.db.update_rows(s)
    }
    fn delete(&mut self, s: &Delete) -> Result<u64, DbError> {
        self.db.delete(s)
    }
    fn lock(&mut self, n: &str, t: u32) -> Result<bool, DbError> {
        self.db.lock(n, t)
    }
    fn unlock(&mut self, n: &str) -> Result<bool, DbError> {
        self.db.unlock(n)
    }
    fn begin(&mut self) -> Result<(), DbError> {
        self.db.begin()
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.db.commit()
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        self.db.rollback()
    }
    fn table_exists(&mut self, t: &str) -> Result<bool, DbError> {
        self.db.table_exists(t)
    }
    fn create_table(&mut self, d: &TableDef) -> Result<(), DbError> {
        self.db.create_table(d)
    }
}

#[test]
fn a_repricing_that_fails_half_way_is_rolled_back_and_logs_nothing() {
    let (mut db, mut platform) = shop();
    let nano = product(&db, "HKP-vm.nano (NL)");
    let a = service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let b = service(&mut db, 1, nano, "4.00", "Monthly", 9002);
    import(&mut db, &mut platform, &raised_nano());
    let before = amounts(&db);
    let logged = platform.module_log.len();
    let mut failing = FailingSecondUpdate { db, updates: 0 };
    let error = reprice::apply(&mut failing, &mut platform, &[a, b], NOW).expect_err("fails");
    assert!(error.to_string().contains("connection was lost"), "{error}");
    assert!(!failing.db.in_transaction());
    assert_eq!(amounts(&failing.db), before, "the first update is undone");
    assert_eq!(
        platform.module_log.len(),
        logged,
        "nothing is logged as repriced"
    );
}

#[test]
fn the_snapshot_before_a_sync_costs_two_small_selects_while_nobody_bought() {
    let (mut db, _) = shop();
    let mut counting = crate::catalog::rows::Counting::new(&mut db);
    let _ = warn::snapshot(&mut counting);
    assert_eq!(
        counting.statements, 2,
        "the product ids and one service at most"
    );

    let nano = product(&db, "HKP-vm.nano (NL)");
    service(&mut db, 2, nano, "4.75", "Monthly", 9001);
    let mut counting = crate::catalog::rows::Counting::new(&mut db);
    let _ = warn::snapshot(&mut counting);
    assert!(counting.statements > 2, "a live service: the book is read");
}
