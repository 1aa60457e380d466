use super::*;
use crate::bindings::db::OrderBy;

fn grants() -> &'static Grants {
    Grants::embedded().expect("grants.json parses")
}

fn select(table: &str, columns: &[&str], conditions: Vec<Condition>) -> SelectStatement {
    SelectStatement {
        table: table.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        conditions,
        order: Vec::new(),
        limit: None,
        for_update: false,
    }
}

fn cond(column: &str, comparison: Comparison, values: Vec<Value>) -> Condition {
    Condition {
        column: column.into(),
        comparison,
        values,
    }
}

fn ours() -> Condition {
    cond(
        "module",
        Comparison::Eq,
        vec![Value::Text("hostkeyresellermod".into())],
    )
}

fn column(name: &str, kind: ColumnKind, default: Option<ColumnDefault>) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        kind,
        nullable: true,
        default,
    }
}

fn log_table(columns: Vec<ColumnDef>) -> TableDef {
    TableDef {
        name: "mod_hostkeyresellermod_log".into(),
        columns,
        indexes: Vec::new(),
    }
}

#[test]
fn whmcs_admin_table_is_refused() {
    assert_eq!(
        grants().check_select(&select("tbladmins", &["username"], vec![])),
        Err(PolicyError::TableNotAllowed("tbladmins".into()))
    );
    assert!(
        grants()
            .check_select(&select("tblproducts", &["id"], vec![]))
            .is_ok()
    );
}

#[test]
fn secret_columns_are_neither_read_nor_used_in_conditions() {
    let g = grants();
    assert!(
        g.check_select(&select("tblclients", &["id", "email", "currency"], vec![]))
            .is_ok()
    );
    assert!(matches!(
        g.check_select(&select("tblclients", &["password"], vec![])),
        Err(PolicyError::ColumnNotAllowed { .. })
    ));
    assert_eq!(
        g.check_select(&select("tblclients", &[], vec![])),
        Err(PolicyError::EveryColumn("tblclients".into()))
    );
    let oracle = cond(
        "password",
        Comparison::Like,
        vec![Value::Text("$2y$%".into())],
    );
    assert!(
        g.check_select(&select("tblclients", &["id"], vec![oracle]))
            .is_err()
    );
    let mut ordered = select("tblhosting", &["id"], vec![]);
    ordered.order = vec![OrderBy {
        column: "password".into(),
        descending: false,
    }];
    assert!(g.check_select(&ordered).is_err());
}

#[test]
fn only_this_modules_settings_rows_are_read() {
    let g = grants();
    let settings = select("tbladdonmodules", &["setting", "value"], vec![]);
    assert!(matches!(
        g.check_select(&settings),
        Err(PolicyError::PinMissing { .. })
    ));
    let other = cond("module", Comparison::Eq, vec![Value::Text("stripe".into())]);
    assert!(
        g.check_select(&select("tbladdonmodules", &["value"], vec![other]))
            .is_err()
    );
    assert!(
        g.check_select(&select("tbladdonmodules", &["value"], vec![ours()]))
            .is_ok()
    );
}

#[test]
fn operations_are_granted_per_table() {
    let g = grants();
    let delete = |table: &str| DeleteStatement {
        table: table.into(),
        conditions: vec![cond("id", Comparison::Eq, vec![Value::Int(1)])],
    };
    assert!(g.check_delete(&delete("tblproducts")).is_ok());
    assert!(matches!(
        g.check_delete(&delete("tblcurrencies")),
        Err(PolicyError::OperationNotAllowed { .. })
    ));
    let insert = InsertStatement {
        table: "tblclients".into(),
        columns: vec!["email".into()],
        rows: vec![vec![Value::Text("a@b.c".into())]],
    };
    assert!(g.check_insert(&insert).is_err());
    let update = UpdateStatement {
        table: "tblhosting".into(),
        assignments: vec![("packageid".into(), Value::Int(1))],
        conditions: vec![cond("id", Comparison::Eq, vec![Value::Int(1)])],
    };
    assert!(matches!(
        g.check_update(&update),
        Err(PolicyError::ColumnNotAllowed { .. })
    ));
}

#[test]
fn updates_and_deletes_must_pin_their_rows() {
    let g = grants();
    let delete = |conditions| DeleteStatement {
        table: "tblproducts".into(),
        conditions,
    };
    for conditions in [
        vec![],
        vec![cond("id", Comparison::InList, vec![])],
        vec![cond("id", Comparison::NotInList, vec![])],
        vec![cond("id", Comparison::NotInList, vec![Value::Int(1)])],
        vec![cond("id", Comparison::Eq, vec![Value::Null])],
        vec![cond("id", Comparison::Gt, vec![Value::Int(0)])],
    ] {
        assert!(
            matches!(
                g.check_delete(&delete(conditions.clone())),
                Err(PolicyError::Unpinned { .. })
            ),
            "{conditions:?}"
        );
    }
    assert!(
        g.check_delete(&delete(vec![cond(
            "id",
            Comparison::InList,
            vec![Value::Int(3)]
        )]))
        .is_ok()
    );
    let update = UpdateStatement {
        table: "tblhosting".into(),
        assignments: vec![("domainstatus".into(), Value::Text("Active".into()))],
        conditions: vec![],
    };
    assert!(matches!(
        g.check_update(&update),
        Err(PolicyError::Unpinned { .. })
    ));
}

#[test]
fn a_pinned_table_cannot_be_updated_by_key_or_have_its_pin_rewritten() {
    let mut g = grants().clone();
    let settings = g.tables.get_mut("tbladdonmodules").expect("granted");
    settings.update = Some(crate::grants::Columns::All(crate::grants::AllColumns));
    let by_key = UpdateRowsStatement {
        table: "tbladdonmodules".into(),
        key: "setting".into(),
        columns: vec!["value".into()],
        rows: vec![],
    };
    assert!(matches!(
        g.check_update_rows(&by_key),
        Err(PolicyError::PinMissing { .. })
    ));
    let moved = UpdateStatement {
        table: "tbladdonmodules".into(),
        assignments: vec![("module".into(), Value::Text("other".into()))],
        conditions: vec![ours()],
    };
    assert!(g.check_update(&moved).is_err());
}

#[test]
fn only_own_tables_may_be_created() {
    let g = grants();
    let ok = log_table(vec![column("id", ColumnKind::Id, None)]);
    assert!(g.check_create(&ok).is_ok());
    let mut theirs = ok.clone();
    theirs.name = "tblproducts".into();
    assert!(g.check_create(&theirs).is_err());
}

#[test]
fn column_defaults_cannot_carry_sql() {
    let g = grants();
    let payload = "x') SELECT username AS a, passwordhash AS b FROM tbladmins -- ";
    let injected = log_table(vec![column(
        "module",
        ColumnKind::ShortText,
        Some(ColumnDefault::ShortText(payload.into())),
    )]);
    assert!(matches!(
        g.check_create(&injected),
        Err(PolicyError::BadDefault { .. })
    ));
    let good = [
        (ColumnKind::Integer, ColumnDefault::Integer(-3)),
        (ColumnKind::Money, ColumnDefault::Integer(0)),
        (ColumnKind::Money, ColumnDefault::Decimal("-12.5".into())),
        (
            ColumnKind::ShortText,
            ColumnDefault::ShortText("HKP- 50%, a:b_c.".into()),
        ),
    ];
    for (kind, default) in good {
        let def = log_table(vec![column("c", kind, Some(default.clone()))]);
        assert!(g.check_create(&def).is_ok(), "{default:?}");
    }
    let bad = [
        (ColumnKind::Money, ColumnDefault::Decimal("1.005".into())),
        (ColumnKind::Money, ColumnDefault::Decimal("1e3".into())),
        (ColumnKind::Money, ColumnDefault::Decimal("".into())),
        (
            ColumnKind::Money,
            ColumnDefault::Decimal("123456789012345".into()),
        ),
        (ColumnKind::Integer, ColumnDefault::Decimal("1".into())),
        (ColumnKind::Text, ColumnDefault::ShortText("it's".into())),
        (ColumnKind::Text, ColumnDefault::ShortText("a\\".into())),
        (ColumnKind::Text, ColumnDefault::ShortText("x".repeat(65))),
        (ColumnKind::DateTime, ColumnDefault::ShortText("now".into())),
        (ColumnKind::Id, ColumnDefault::Integer(1)),
    ];
    for (kind, default) in bad {
        let def = log_table(vec![column("c", kind, Some(default.clone()))]);
        assert!(g.check_create(&def).is_err(), "{kind:?} {default:?}");
    }
}

#[test]
fn decrypt_and_local_api_are_allow_lists() {
    let g = grants();
    assert!(g.check_decrypt("tblhosting", "password").is_ok());
    assert!(g.check_decrypt("tblservers", "password").is_err());
    assert!(g.check_decrypt("tblclients", "password").is_err());
    assert!(g.check_local_api("SendEmail").is_ok());
    assert!(g.check_local_api("CreateSsoToken").is_err());
    assert!(g.check_local_api("sendemail").is_err());
}

#[test]
fn identifiers_cannot_carry_sql() {
    assert!(check_identifier("configoption1").is_ok());
    assert!(check_identifier("id; DROP TABLE x").is_err());
    assert!(check_identifier("a`b").is_err());
    assert!(check_identifier("").is_err());
    assert!(check_identifier("1abc").is_err());
}

#[test]
fn hosts_match_case_insensitively_and_exactly() {
    let allow = vec!["invapi.hostkey.com".to_string(), "127.0.0.1".to_string()];
    assert!(check_host("INVAPI.hostkey.com", &allow).is_ok());
    assert!(check_host("127.0.0.1", &allow).is_ok());
    assert!(check_host("evil.hostkey.com.example", &allow).is_err());
    assert!(check_host("hostkey.com", &allow).is_err());
}

#[test]
fn only_the_modules_own_lock_names_are_taken() {
    assert!(check_lock_name("hostkeyresellermod_catalogue").is_ok());
    assert!(check_lock_name("other_app_lock").is_err());
    assert!(check_lock_name("hostkeyresellermod') OR 1").is_err());
    assert!(check_lock_name(&format!("hostkeyresellermod{}", "x".repeat(40))).is_err());
}

#[test]
fn a_core_table_is_written_only_by_its_keys() {
    let active = cond(
        "domainstatus",
        Comparison::Eq,
        vec![Value::Text("Active".into())],
    );
    let update = |conditions| UpdateStatement {
        table: "tblhosting".into(),
        assignments: vec![("domainstatus".into(), Value::Text("Cancelled".into()))],
        conditions,
    };
    assert!(matches!(
        grants().check_update(&update(vec![active.clone()])),
        Err(PolicyError::Unkeyed { .. })
    ));
    let by_id = cond("id", Comparison::Eq, vec![Value::Int(7)]);
    assert_eq!(grants().check_update(&update(vec![by_id, active])), Ok(()));
    let cpanel = cond(
        "servertype",
        Comparison::Eq,
        vec![Value::Text("cpanel".into())],
    );
    let delete = DeleteStatement {
        table: "tblproducts".into(),
        conditions: vec![cpanel],
    };
    assert!(matches!(
        grants().check_delete(&delete),
        Err(PolicyError::Unkeyed { .. })
    ));
    // The module's own tables keep the old rule: any `eq` pins.
    let own = DeleteStatement {
        table: "mod_hostkeyresellermod".into(),
        conditions: vec![cond(
            "type",
            Comparison::Eq,
            vec![Value::Text("group".into())],
        )],
    };
    assert_eq!(grants().check_delete(&own), Ok(()));
}
