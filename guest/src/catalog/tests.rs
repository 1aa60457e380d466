//! The import end to end against the in-memory WHMCS: exact rows, prices
//! computed by hand, zero writes on a re-sync, and what happens to products
//! and options HOSTKEY withdraws.

use super::import::{Mode, run};
use crate::capabilities::db::Value;
use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};
use serde_json::{Value as Json, json};

use super::tests_support::{CLIENT, LOGIN, api, catalogue, whmcs};

fn import(db: &mut MemoryDb, catalogue: &Json, mode: Mode) -> super::import::ImportReport {
    run(
        db,
        &mut api(catalogue),
        &mut RecordingPlatform::default(),
        mode,
        None,
        false,
    )
    .expect("imports")
}

fn rows(db: &MemoryDb, table: &str, column: &str) -> Vec<String> {
    db.column(table, column)
        .iter()
        .map(Value::as_text)
        .collect()
}

/// The pricing row of (type, relid, currency) as its six recurring prices.
fn price(db: &MemoryDb, kind: &str, relid: i64, currency: i64) -> Vec<String> {
    let types = rows(db, "tblpricing", "type");
    let relids = rows(db, "tblpricing", "relid");
    let currencies = rows(db, "tblpricing", "currency");
    let matching: Vec<usize> = (0..types.len())
        .filter(|&i| {
            types[i] == kind
                && relids[i] == relid.to_string()
                && currencies[i] == currency.to_string()
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "exactly one pricing row for ({kind}, {relid}, {currency})"
    );
    [
        "monthly",
        "quarterly",
        "semiannually",
        "annually",
        "biennially",
        "triennially",
    ]
    .iter()
    // As the DECIMAL(16,2) column gives it back: the import writes whole amounts as integers.
    .map(|c| {
        super::rows::canon(
            &db.column("tblpricing", c)[matching[0]],
            super::rows::Kind::Money,
        )
    })
    .collect()
}

fn product_id(db: &MemoryDb, name: &str) -> i64 {
    let names = rows(db, "tblproducts", "name");
    let i = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no product {name} in {names:?}"));
    db.column("tblproducts", "id")[i].as_int().expect("id")
}

fn set_import_setting(db: &mut MemoryDb, group: &str, column: &str, value: Value) {
    db.update_where(
        "mod_hostkeyresellermodimportsettings",
        "group",
        group,
        column,
        value,
    );
}

#[test]
fn first_import_builds_the_whole_catalogue() {
    let mut db = whmcs();
    let report = import(&mut db, &catalogue(), Mode::Apply);
    let mut groups = rows(&db, "tblproductgroups", "name");
    groups.sort();
    assert_eq!(
        groups,
        [
            "FI VPS products",
            "NL Bare metal products",
            "NL GPU products",
            "NL VPS products"
        ]
    );
    let mut products = rows(&db, "tblproducts", "name");
    products.sort();
    assert_eq!(
        products,
        [
            "HKP-bm.v2-promo (NL)",
            "HKP-gpu.old (NL)",
            "HKP-vm.nano (FI)",
            "HKP-vm.nano (NL)"
        ]
    );
    let nl = product_id(&db, "HKP-vm.nano (NL)");
    let i = (nl - 1) as usize;
    assert_eq!(rows(&db, "tblproducts", "configoption1")[i], "108");
    assert_eq!(rows(&db, "tblproducts", "configoption2")[i], "NL");
    assert_eq!(
        rows(&db, "tblproducts", "servertype")[i],
        "hostkeyresellermod"
    );
    assert_eq!(rows(&db, "tblproducts", "paytype")[i], "recurring");
    assert_eq!(rows(&db, "tblproducts", "autosetup")[i], "payment");
    // Inactive preset: hidden; its (otherwise empty) GPU group hidden too.
    let gpu = (product_id(&db, "HKP-gpu.old (NL)") - 1) as usize;
    assert_eq!(rows(&db, "tblproducts", "hidden")[gpu], "1");
    let group_names = rows(&db, "tblproductgroups", "name");
    let gpu_group = group_names
        .iter()
        .position(|n| n == "NL GPU products")
        .expect("gpu group");
    assert_eq!(rows(&db, "tblproductgroups", "hidden")[gpu_group], "1");
    // Options: OS, Soft (with "Do not install"), Traffic for the location.
    assert_eq!(db.column("tblproductconfiggroups", "id").len(), 4);
    assert_eq!(db.column("tblproductconfigoptions", "id").len(), 12);
    let subs = rows(&db, "tblproductconfigoptionssub", "optionname");
    for name in [
        "Ubuntu 22.04 (#187)",
        "Windows (#243)",
        "Do not install",
        "WordPress (#20)",
        "3 TB (#25)",
        "10 TB (#26)",
        "3 TB (#31)",
        "50TB (#4)",
    ] {
        assert!(subs.contains(&name.to_string()), "{name} in {subs:?}");
    }
    // NL: 2 OS + 2 soft + 2 traffic; FI: 2 + 2 + 1; bm: 1 + 0 + 1 (no soft, so
    // no "Do not install" either); gpu: 0 + 0 + 0
    assert_eq!(subs.len(), 6 + 5 + 2);
    // Three currencies for every product and sub-option.
    assert_eq!(db.column("tblpricing", "id").len(), (4 + 13) * 3);
    assert_eq!(db.column("tblcustomfields", "id").len(), 12);
    assert_eq!(db.column("tblproducts_slugs", "id").len(), 4);
    assert_eq!(report.changes.products_created, 4);
    assert_eq!(report.changes.groups_created, 4);
    assert_eq!(report.products_on_sale, 3);
}

#[test]
fn prices_by_hand_in_three_currencies() {
    let mut db = whmcs();
    // vps: 10 % markup, rounding 0.25; bm: fixed 5 USD markup.
    set_import_setting(&mut db, "vps", "amount", Value::Int(10));
    set_import_setting(&mut db, "round", "amount", Value::Int(4));
    set_import_setting(&mut db, "bm", "amount", Value::Int(5));
    set_import_setting(&mut db, "bm", "currency", Value::text("USD"));
    import(&mut db, &catalogue(), Mode::Apply);
    let nl = product_id(&db, "HKP-vm.nano (NL)");
    // EUR: 4.00 * 1.1 = 4.40 -> 4.50; q 12.804 -> 12.75; s 24.816 -> 24.75; a 46.464 -> 46.50
    assert_eq!(
        price(&db, "product", nl, 1),
        ["4.50", "12.75", "24.75", "46.50", "-1.00", "-1.00"]
    );
    // USD: 4.00 * 1.08 = 4.32 * 1.1 = 4.752 -> 4.75; q 13.82832 -> 13.75; s 26.80128 -> 26.75; a 50.18112 -> 50.25
    assert_eq!(
        price(&db, "product", nl, 2),
        ["4.75", "13.75", "26.75", "50.25", "-1.00", "-1.00"]
    );
    // GBP: 4.00 * 0.86 = 3.44 * 1.1 = 3.784 -> 3.75; q 11.01144 -> 11.00; s 21.34176 -> 21.25; a 39.95904 -> 40.00
    assert_eq!(
        price(&db, "product", nl, 3),
        ["3.75", "11.00", "21.25", "40.00", "-1.00", "-1.00"]
    );
    let bm = product_id(&db, "HKP-bm.v2-promo (NL)");
    // EUR 89 + 5 USD (4.6296..) = 93.6296 -> 93.75 (0.25 steps); a 93.6296*12*0.88 = 988.7290 -> 988.75
    assert_eq!(
        price(&db, "product", bm, 1),
        ["93.75", "272.50", "528.00", "988.75", "-1.00", "-1.00"]
    );
    // USD: the API's own 99 + 5 = 104 -> q 302.64 -> 302.75
    assert_eq!(
        price(&db, "product", bm, 2),
        ["104.00", "302.75", "586.50", "1098.25", "-1.00", "-1.00"]
    );
    // Options at cost, no discount, the products' 0.25 step, no two- or
    // three-year cycles: Windows 15 EUR -> USD 16.20 -> 16.25 (q 48.60 -> 48.50,
    // s 97.20 -> 97.25, a 194.40 -> 194.50), GBP 12.90 -> 13.00 (q 38.70 -> 38.75,
    // s 77.40 -> 77.50, a 154.80 -> 154.75)
    let subs = rows(&db, "tblproductconfigoptionssub", "optionname");
    let windows = db.column("tblproductconfigoptionssub", "id")[subs
        .iter()
        .position(|s| s == "Windows (#243)")
        .expect("windows")]
    .as_int()
    .expect("id");
    assert_eq!(
        price(&db, "configoptions", windows, 1),
        ["15.00", "45.00", "90.00", "180.00", "-1.00", "-1.00"]
    );
    assert_eq!(
        price(&db, "configoptions", windows, 2),
        ["16.25", "48.50", "97.25", "194.50", "-1.00", "-1.00"]
    );
    assert_eq!(
        price(&db, "configoptions", windows, 3),
        ["13.00", "38.75", "77.50", "154.75", "-1.00", "-1.00"]
    );
}

#[test]
fn a_second_import_writes_nothing() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let before = db.dump();
    let report = import(&mut db, &catalogue(), Mode::Apply);
    assert_eq!(report.rows_written, 0, "{:?}", report.changes.lines);
    assert_eq!(db.dump(), before);
}

#[test]
fn a_changed_price_updates_exactly_its_rows() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let mut changed = catalogue();
    changed["presets"][1]["price"]["NL"]["EUR"] = json!(95.0);
    let report = import(&mut db, &changed, Mode::Apply);
    // EUR and GBP rows change (GBP is converted from EUR); USD has the API's own price.
    assert_eq!(report.changes.prices_changed, 2);
    assert_eq!(report.rows_written, 2);
    let bm = product_id(&db, "HKP-bm.v2-promo (NL)");
    assert_eq!(price(&db, "product", bm, 1)[0], "95.00");
    assert_eq!(price(&db, "product", bm, 2)[0], "99.00");
}

#[test]
fn withdrawn_presets_are_retired_or_hidden() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let fi = product_id(&db, "HKP-vm.nano (FI)");
    let bm = product_id(&db, "HKP-bm.v2-promo (NL)");
    db.seed(
        "tblhosting",
        &["packageid", "domainstatus"],
        vec![
            vec![Value::Int(fi), Value::text("Active")],
            vec![Value::Int(bm), Value::text("Cancelled")],
        ],
    );
    let mut gone = catalogue();
    gone["presets"][0]["price"]
        .as_object_mut()
        .expect("prices")
        .remove("FI");
    gone["presets"].as_array_mut().expect("list").remove(1);
    // Two of the three products on sale: more than half, so it is confirmed.
    let report = run(
        &mut db,
        &mut api(&gone),
        &mut RecordingPlatform::default(),
        Mode::Apply,
        None,
        true,
    )
    .expect("imports");
    let hidden = rows(&db, "tblproducts", "hidden");
    let retired = rows(&db, "tblproducts", "retired");
    assert_eq!(
        (
            hidden[(fi - 1) as usize].as_str(),
            retired[(fi - 1) as usize].as_str()
        ),
        ("0", "1")
    );
    assert_eq!(
        (
            hidden[(bm - 1) as usize].as_str(),
            retired[(bm - 1) as usize].as_str()
        ),
        ("1", "0")
    );
    assert_eq!(
        (
            report.changes.products_retired,
            report.changes.products_hidden
        ),
        (1, 1)
    );
    // The bare-metal group has nothing on sale any more.
    let names = rows(&db, "tblproductgroups", "name");
    let group = names
        .iter()
        .position(|n| n == "NL Bare metal products")
        .expect("group");
    assert_eq!(rows(&db, "tblproductgroups", "hidden")[group], "1");
}

#[test]
fn a_withdrawn_traffic_plan_a_service_uses_stays_valid() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let subs = rows(&db, "tblproductconfigoptionssub", "optionname");
    let sub_ids = db.column("tblproductconfigoptionssub", "id");
    let ten_tb = sub_ids[subs.iter().position(|s| s == "10 TB (#26)").expect("plan")]
        .as_int()
        .expect("id");
    let three_tb = sub_ids[subs.iter().position(|s| s == "3 TB (#25)").expect("plan")]
        .as_int()
        .expect("id");
    db.seed(
        "tblhostingconfigoptions",
        &["relid", "configid", "optionid"],
        vec![vec![Value::Int(1), Value::Int(3), Value::Int(ten_tb)]],
    );
    let mut withdrawn = catalogue();
    withdrawn["presets"][0]["traffic_plans"]["NL"] = json!([]);
    let report = import(&mut db, &withdrawn, Mode::Apply);
    let ids: Vec<i64> = db
        .column("tblproductconfigoptionssub", "id")
        .iter()
        .filter_map(Value::as_int)
        .collect();
    assert!(ids.contains(&ten_tb), "the chosen plan still exists");
    assert!(!ids.contains(&three_tb), "the unused plan is gone");
    let i = ids.iter().position(|i| *i == ten_tb).expect("kept");
    assert_eq!(rows(&db, "tblproductconfigoptionssub", "hidden")[i], "1");
    let pricing_relids: Vec<String> = rows(&db, "tblpricing", "relid");
    let types = rows(&db, "tblpricing", "type");
    assert!(
        !(0..types.len())
            .any(|k| types[k] == "configoptions" && pricing_relids[k] == three_tb.to_string())
    );
    assert_eq!(price(&db, "configoptions", ten_tb, 1)[0], "5.00");
    assert_eq!(
        (
            report.changes.options_hidden,
            report.changes.options_removed
        ),
        (1, 1)
    );
    // Again: nothing more to do.
    assert_eq!(import(&mut db, &withdrawn, Mode::Apply).rows_written, 0);
}

#[test]
fn preview_lists_what_the_import_then_does() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let mut changed = catalogue();
    changed["presets"][0]["price"]["NL"]["EUR"] = json!(4.2);
    changed["presets"][1]["active"] = json!(0);
    // A withdrawn plan: its prices go too, one row per currency.
    changed["presets"][0]["traffic_plans"]["FI"] = json!([]);
    let before = db.dump();
    let preview = import(&mut db, &changed, Mode::Preview);
    assert_eq!(db.dump(), before, "a preview writes nothing");
    let applied = import(&mut db, &changed, Mode::Apply);
    assert_eq!(preview.changes, applied.changes);
    assert_eq!(preview.rows_written, applied.rows_written);
    assert!(preview.dry_run && !applied.dry_run);
    assert!(
        preview
            .changes
            .lines
            .iter()
            .any(|l| l[0] == "price HKP-vm.nano (NL) EUR monthly"
                && l[1] == "4.00"
                && l[2] == "4.20")
    );
}

#[test]
fn an_api_failure_changes_nothing() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let before = db.dump();
    let mut http = ScriptedHttp::default()
        .json(LOGIN)
        .json(CLIENT)
        .status(502, "Bad gateway");
    let error = run(
        &mut db,
        &mut http,
        &mut RecordingPlatform::default(),
        Mode::Apply,
        None,
        false,
    )
    .expect_err("fails");
    assert_eq!(
        error.to_string(),
        "The HOSTKEY API answered presets/info with HTTP status 502."
    );
    assert_eq!(db.dump(), before);
}

#[test]
fn a_database_failure_mid_import_rolls_everything_back() {
    let mut db = whmcs();
    let before = db.dump();
    db.fail_inserts_into("tblpricing");
    let error = run(
        &mut db,
        &mut api(&catalogue()),
        &mut RecordingPlatform::default(),
        Mode::Apply,
        None,
        false,
    )
    .expect_err("fails");
    assert!(
        error
            .to_string()
            .starts_with("The WHMCS database refused a request"),
        "{error}"
    );
    assert_eq!(db.dump(), before);
    assert!(!db.in_transaction());
}

#[test]
fn adopts_the_original_modules_rows_without_duplicates() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    // The original's own records, as if it had made the catalogue: drop ours.
    let products = db.column("tblproducts", "id").len();
    let prices = db.column("tblpricing", "id").len();
    for table in ["mod_hostkeyresellermod"] {
        let ids: Vec<String> = rows(&db, table, "id");
        for id in ids {
            db.delete_where(table, "id", &id);
        }
    }
    let report = import(&mut db, &catalogue(), Mode::Apply);
    assert_eq!(db.column("tblproducts", "id").len(), products);
    assert_eq!(db.column("tblpricing", "id").len(), prices);
    assert_eq!(report.changes.products_created, 0);
    // The records are rebuilt for what was adopted.
    let kinds = rows(&db, "mod_hostkeyresellermod", "type");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "group" || *k == "product")
            .count(),
        4 + 4
    );
}

#[test]
fn remove_all_retires_what_has_services_and_deletes_the_rest() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let fi = product_id(&db, "HKP-vm.nano (FI)");
    db.seed(
        "tblhosting",
        &["packageid", "domainstatus"],
        vec![vec![Value::Int(fi), Value::text("Terminated")]],
    );
    let report = super::clear::clear(&mut db).expect("clears");
    assert_eq!(
        (
            report.products_deleted,
            report.products_retired,
            report.groups_deleted
        ),
        (3, 1, 3)
    );
    assert_eq!(rows(&db, "tblproducts", "name"), ["HKP-vm.nano (FI)"]);
    assert_eq!(rows(&db, "tblproducts", "retired"), ["1"]);
    assert_eq!(rows(&db, "tblproductgroups", "name"), ["FI VPS products"]);
    assert_eq!(rows(&db, "tblproductgroups", "hidden"), ["1"]);
    // Only the retired product's rows are left.
    assert_eq!(db.column("tblpricing", "id").len(), (1 + 5) * 3);
    assert_eq!(db.column("tblproductconfigoptionssub", "id").len(), 5);
    assert_eq!(db.column("tblcustomfields", "id").len(), 3);
    assert_eq!(db.column("tblproducts_slugs", "id").len(), 1);
    let mut kinds = rows(&db, "mod_hostkeyresellermod", "type");
    kinds.sort();
    assert_eq!(kinds, ["group", "product"]);
    assert!(rows(&db, "mod_hostkeyresellermod", "relid").contains(&fi.to_string()));
}

#[test]
fn the_usd_price_is_hostkeys_own_or_kept() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply);
    let bm = (product_id(&db, "HKP-bm.v2-promo (NL)") - 1) as usize;
    let nl = product_id(&db, "HKP-vm.nano (NL)");
    // As the API spells it (the public module stored PHP's text of the number).
    assert_eq!(rows(&db, "tblproducts", "configoption3")[bm], "99");
    assert_eq!(
        rows(&db, "tblproducts", "configoption3")[(nl - 1) as usize],
        "0"
    );
    // The original module had stored a USD price: the import keeps it.
    db.update_where(
        "tblproducts",
        "id",
        &nl.to_string(),
        "configoption3",
        Value::text("4.40"),
    );
    assert_eq!(import(&mut db, &catalogue(), Mode::Apply).rows_written, 0);
    assert_eq!(
        rows(&db, "tblproducts", "configoption3")[(nl - 1) as usize],
        "4.40"
    );
}

#[test]
fn an_unchanged_product_is_not_reread_and_a_full_resync_repairs_hand_edits() {
    let mut db = whmcs();
    let first = import(&mut db, &catalogue(), Mode::Apply);
    // Someone edits an option price by hand.
    let pricing_ids = rows(&db, "tblpricing", "id");
    let edited = pricing_ids.last().expect("a price").clone();
    let before = rows(&db, "tblpricing", "monthly")
        .last()
        .expect("price")
        .clone();
    db.update_where("tblpricing", "id", &edited, "monthly", Value::text("99.99"));
    let quick = import(&mut db, &catalogue(), Mode::Apply);
    assert_eq!(
        quick.rows_written, 0,
        "an unchanged catalogue reads no option or price rows"
    );
    assert!(
        quick.statements < first.statements / 2,
        "{} vs {}",
        quick.statements,
        first.statements
    );
    assert_eq!(
        rows(&db, "tblpricing", "monthly").last().expect("price"),
        "99.99"
    );
    let full = import(&mut db, &catalogue(), Mode::Full);
    assert_eq!(full.rows_written, 1);
    assert_eq!(
        rows(&db, "tblpricing", "monthly").last().expect("price"),
        &before
    );
}

#[test]
fn products_are_ordered_within_their_group_by_the_sort_setting() {
    let mut many = catalogue();
    let presets = many["presets"].as_array_mut().expect("list");
    presets.clear();
    for (id, name, price) in [(1, "vm.b", 7.0), (2, "vm.c", 3.0), (3, "vm.a", 5.0)] {
        presets.push(json!({"id": id, "name": name, "active": 1, "price": {"NL": {"EUR": price}}, "OS": [], "soft": [], "traffic_plans": {}}));
    }
    // The public module's sort index in `amount`.
    for (sort, expected) in [
        (4, ["vm.b", "vm.c", "vm.a"]),
        (0, ["vm.c", "vm.a", "vm.b"]),
        (1, ["vm.b", "vm.a", "vm.c"]),
        (2, ["vm.a", "vm.b", "vm.c"]),
        (3, ["vm.c", "vm.b", "vm.a"]),
    ] {
        let mut db = whmcs();
        set_import_setting(&mut db, "sort", "amount", Value::Int(sort));
        import(&mut db, &many, Mode::Apply);
        let names = rows(&db, "tblproducts", "name");
        let orders = rows(&db, "tblproducts", "order");
        let mut ranked: Vec<(i64, String)> = names
            .iter()
            .zip(&orders)
            .map(|(n, o)| (o.parse().expect("order"), n.clone()))
            .collect();
        ranked.sort();
        assert_eq!(ranked[0].0, 1, "numbered from 1");
        let got: Vec<String> = ranked.into_iter().map(|(_, n)| n).collect();
        let want: Vec<String> = expected.iter().map(|p| format!("HKP-{p} (NL)")).collect();
        assert_eq!(got, want, "sort {sort}");
    }
}
