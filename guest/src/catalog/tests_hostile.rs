//! Hostile catalogue answers (issue 11, items 3 and 4): refused in one
//! sentence with the database unchanged, or left out with a warning; never
//! a panic, never markup or 4-byte text in WHMCS's rows.

use super::import::{ImportReport, Mode, run};
use super::tests_support::{api, catalogue, whmcs};
use crate::capabilities::db::Value;
use crate::error::ModuleResult;
use crate::testing::{MemoryDb, RecordingPlatform};
use serde_json::{Value as Json, json};

fn import(db: &mut MemoryDb, answer: &Json, mode: Mode, allow: bool) -> ModuleResult<ImportReport> {
    run(
        db,
        &mut api(answer),
        &mut RecordingPlatform::default(),
        mode,
        None,
        allow,
    )
}

fn texts(db: &MemoryDb, table: &str, column: &str) -> Vec<String> {
    db.column(table, column)
        .iter()
        .map(Value::as_text)
        .collect()
}

#[test]
fn an_empty_catalogue_is_refused_and_nothing_changes() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply, false).expect("imports");
    let before = db.dump();
    for allow in [false, true] {
        let error = import(
            &mut db,
            &json!({"result": "OK", "presets": []}),
            Mode::Apply,
            allow,
        )
        .expect_err("refused");
        assert_eq!(
            error.to_string(),
            "The HOSTKEY catalogue cannot be used: the catalogue answer lists no presets at all, \
             which HOSTKEY never sends for a working account."
        );
        assert_eq!(db.dump(), before);
    }
}

#[test]
fn withdrawing_more_than_half_stops_until_the_admin_confirms() {
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply, false).expect("imports");
    let before = db.dump();
    // vm.nano (NL and FI) gone: 2 of the 3 products on sale.
    let mut shrunk = catalogue();
    shrunk["presets"].as_array_mut().expect("list").remove(0);

    let error = import(&mut db, &shrunk, Mode::Apply, false).expect_err("stopped");
    assert!(
        error.to_string().starts_with(
            "HOSTKEY's answer would take 2 of the 3 products on sale off sale (66%, more than the 50%"
        ),
        "{error}"
    );
    assert!(error.to_string().contains("--allow-withdrawal"));
    assert_eq!(db.dump(), before, "rolled back whole");

    let preview = import(&mut db, &shrunk, Mode::Preview, false).expect("previews");
    assert!(
        preview
            .warnings
            .iter()
            .any(|w| w.starts_with("HOSTKEY's answer would take 2 of the 3")
                && w.ends_with("(the import stops here unless confirmed).")),
        "{:?}",
        preview.warnings
    );
    assert_eq!(db.dump(), before);

    let done = import(&mut db, &shrunk, Mode::Apply, true).expect("confirmed");
    assert_eq!(done.changes.products_hidden, 2);
    assert_ne!(db.dump(), before);

    // A setting of 100 % switches the guard off; one within the share is never stopped.
    let mut db = whmcs();
    import(&mut db, &catalogue(), Mode::Apply, false).expect("imports");
    db.settings(&[("withdrawlimit", "100")]);
    import(&mut db, &shrunk, Mode::Apply, false).expect("100 % allows everything");
}

#[test]
fn unusable_prices_are_left_out_with_a_warning_and_never_panic() {
    let hostile = [
        json!("NaN"),
        json!("1e300"),
        json!(1e300),
        json!("4,00"),
        json!(-5),
        json!("8333333333333.34"),
        json!("79228162514264337593543950335"),
        json!(true),
    ];
    for price in hostile {
        let mut db = whmcs();
        let mut answer = catalogue();
        answer["presets"][1]["price"]["NL"]["EUR"] = price.clone();
        let report =
            import(&mut db, &answer, Mode::Apply, false).unwrap_or_else(|e| panic!("{price}: {e}"));
        let warning = report
            .warnings
            .iter()
            .find(|w| w.starts_with("The preset bm.v2-promo (#311) was skipped: the NL EUR price "))
            .unwrap_or_else(|| panic!("{price}: {:?}", report.warnings));
        assert!(warning.len() < 200, "{warning}");
        let names = texts(&db, "tblproducts", "name");
        assert!(
            !names.iter().any(|n| n.contains("bm.v2")),
            "{price}: {names:?}"
        );
        assert!(
            names.iter().any(|n| n == "HKP-vm.nano (NL)"),
            "the rest goes in"
        );
    }
    // The same in an option's price.
    let mut db = whmcs();
    let mut answer = catalogue();
    answer["presets"][0]["OS"][1]["price"]["EUR"] = json!("-0.01");
    let report = import(&mut db, &answer, Mode::Apply, false).expect("imports");
    assert!(report.warnings.iter().any(|w| w
        == "The preset vm.nano (#108) was skipped: the Windows (#243) EUR price \"-0.01\" is negative."));
}

#[test]
fn a_price_that_does_not_fit_decimal_16_2_after_markup_is_skipped() {
    let mut db = whmcs();
    // VPS markup 10 %: 8,333,333,333,333 EUR a month (just under the input bound)
    // is 1.1e14 a year in USD, over decimal(16,2)'s 99,999,999,999,999.99.
    db.update_where(
        "mod_hostkeyresellermodimportsettings",
        "group",
        "vps",
        "amount",
        Value::Int(10),
    );
    let mut answer = catalogue();
    answer["presets"][0]["price"]["NL"]["EUR"] = json!("8333333333333");
    let report = import(&mut db, &answer, Mode::Apply, false).expect("imports");
    assert!(
        report.warnings.iter().any(
            |w| w.starts_with("HKP-vm.nano (NL) was skipped: its price ")
                && w.ends_with(" cannot be stored in WHMCS (0 to 99999999999999.99).")
        ),
        "{:?}",
        report.warnings
    );
    assert!(!texts(&db, "tblproducts", "name").contains(&"HKP-vm.nano (NL)".to_string()));
    let too_large = db
        .column("tblpricing", "annually")
        .iter()
        .filter_map(|v| v.as_text().parse::<f64>().ok())
        .any(|v| v > 99_999_999_999_999.99);
    assert!(!too_large, "nothing MariaDB would cap");
}

#[test]
fn names_lose_markup_descriptions_are_escaped_and_text_fits_utf8mb3() {
    let mut db = whmcs();
    let mut answer = catalogue();
    let p = &mut answer["presets"][0];
    p["name"] = json!("vm.nano<script>alert(1)</script>🚀");
    p["cpu_name"] = json!("Xeon <b>\"E5\"</b> & 'Co'");
    p["gpu"] = json!("<img src=x onerror=alert(1)>");
    p["description"] = json!("Fast & <i>cheap</i> 😀");
    p["OS"][0]["name"] = json!("Ubuntu <u>22.04</u> 🐧");
    import(&mut db, &answer, Mode::Apply, false).expect("imports");

    let names = texts(&db, "tblproducts", "name");
    assert!(
        names.contains(&"HKP-vm.nanoalert(1)\u{FFFD} (NL)".to_string()),
        "{names:?}"
    );
    let i = names
        .iter()
        .position(|n| n.starts_with("HKP-vm.nanoalert"))
        .expect("product");
    let description = &texts(&db, "tblproducts", "description")[i];
    assert!(
        description.contains("<strong>CPU:</strong> Xeon &quot;E5&quot; &amp; &#039;Co&#039;"),
        "{description}"
    );
    assert!(!description.contains("<img") && !description.contains("onerror=alert(1)>"));
    assert_eq!(
        texts(&db, "tblproducts", "short_description")[i],
        "Fast &amp; &lt;i&gt;cheap&lt;/i&gt; \u{FFFD}"
    );
    let subs = texts(&db, "tblproductconfigoptionssub", "optionname");
    assert!(
        subs.contains(&"Ubuntu 22.04 \u{FFFD} (#187)".to_string()),
        "{subs:?}"
    );
    for (table, column) in [
        ("tblproducts", "name"),
        ("tblproducts", "description"),
        ("tblproducts", "tagline"),
        ("tblproducts", "short_description"),
        ("tblproducts", "configoption7"),
        ("tblproductgroups", "name"),
        ("tblproductconfigoptions", "optionname"),
        ("tblproductconfigoptionssub", "optionname"),
    ] {
        for text in texts(&db, table, column) {
            assert!(
                text.chars().all(|c| c.len_utf8() < 4),
                "{table}.{column}: {text}"
            );
        }
    }
    for table in [
        "tblproducts",
        "tblproductconfigoptionssub",
        "tblproductgroups",
    ] {
        let column = if table == "tblproductconfigoptionssub" {
            "optionname"
        } else {
            "name"
        };
        for text in texts(&db, table, column) {
            assert!(!text.contains(['<', '>']), "{table}: {text}");
        }
    }
    let again = import(&mut db, &answer, Mode::Apply, false).expect("re-syncs");
    assert_eq!(again.rows_written, 0);
}
