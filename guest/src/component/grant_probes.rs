//! Test-only requests outside the grants (`grants.json`), one per hole the
//! security review found, so the host's and PHP's tests can show each is
//! refused. Selected by the tested server's hostname with the username
//! `probe:grant`. Built only with the `sandbox-probes` feature.

use super::capabilities::{WitDb, WitPlatform};
use crate::capabilities::db::{
    ColumnDef, ColumnDefault, ColumnKind, Comparison, Condition, Delete, Insert, Select, TableDef,
    Update, Value,
};
use crate::capabilities::platform::SecretRef;
use crate::capabilities::{Db, Platform};

/// The column default that once smuggled a `SELECT` into `CREATE TABLE`.
pub const INJECTED_DEFAULT: &str = "x') SELECT username AS a, passwordhash AS b FROM tbladmins -- ";

fn column(name: &str, kind: ColumnKind, default: Option<ColumnDefault>) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        kind,
        nullable: true,
        default,
    }
}

fn secret(table: &str, column: &str, id: i64) -> SecretRef {
    SecretRef {
        table: table.into(),
        column: column.into(),
        id,
    }
}

/// What the request did: `Ok` with a summary when it was carried out, `Err`
/// with the refusal otherwise. `name` may carry row ids after a colon
/// (`cancel-service:7`), the rows of other modules a test seeded.
pub fn run(name: &str) -> Option<Result<String, String>> {
    let (probe, ids) = match name.split_once(':') {
        Some((probe, args)) => (
            probe,
            args.split(',')
                .map(|a| a.trim().parse::<i64>().ok())
                .collect::<Option<Vec<i64>>>()?,
        ),
        None => (name, Vec::new()),
    };
    if let Some(outcome) = other_modules_rows(probe, &ids) {
        return Some(outcome);
    }
    let (mut db, mut platform) = (WitDb, WitPlatform);
    let outcome = match name {
        "create-table-injection" => db
            .create_table(&TableDef {
                name: crate::schema::module_tables::LOG_TABLE.into(),
                columns: vec![
                    column("id", ColumnKind::Id, None),
                    column(
                        "module",
                        ColumnKind::ShortText,
                        Some(ColumnDefault::ShortText(INJECTED_DEFAULT.into())),
                    ),
                ],
                indexes: Vec::new(),
            })
            .map(|()| "created the table".to_string())
            .map_err(|e| e.to_string()),
        "clients-password" => db
            .select(&Select::from("tblclients", &["id", "password"]))
            .map(|rows| format!("read {} client rows", rows.len()))
            .map_err(|e| e.to_string()),
        "clients-every-column" => db
            .select(&Select::from("tblclients", &[]))
            .map(|rows| format!("read {} client rows", rows.len()))
            .map_err(|e| e.to_string()),
        "other-modules-settings" => db
            .select(&Select::from("tbladdonmodules", &["setting", "value"]))
            .map(|rows| format!("read {} settings", rows.len()))
            .map_err(|e| e.to_string()),
        "delete-every-currency" => db
            .delete(&Delete {
                table: "tblcurrencies".into(),
                conditions: vec![Condition {
                    column: "id".into(),
                    comparison: Comparison::NotInList,
                    values: Vec::new(),
                }],
            })
            .map(|n| format!("deleted {n} currencies"))
            .map_err(|e| e.to_string()),
        "delete-products-not-in" => db
            .delete(&Delete {
                table: "tblproducts".into(),
                conditions: vec![Condition {
                    column: "id".into(),
                    comparison: Comparison::NotInList,
                    values: vec![Value::Int(-1)],
                }],
            })
            .map(|n| format!("deleted {n} products"))
            .map_err(|e| e.to_string()),
        "update-every-service" => db
            .update(&Update {
                table: "tblhosting".into(),
                assignments: vec![("domainstatus".into(), Value::text("Cancelled"))],
                conditions: Vec::new(),
            })
            .map(|n| format!("updated {n} services"))
            .map_err(|e| e.to_string()),
        "sso-token" => platform
            .local_api("CreateSsoToken", &[("client_id".into(), "1".into())])
            .map_err(|e| e.to_string()),
        "send-email" => platform
            .local_api("SendEmail", &[("id".into(), "1".into())])
            .map_err(|e| e.to_string()),
        "decrypt-server-password" => platform
            .decrypt(&secret("tblservers", "password", 1))
            .map(|_| "decrypted a server password".to_string())
            .map_err(|e| e.to_string()),
        "decrypt-service-password" => platform
            .decrypt(&secret("tblhosting", "password", 1))
            .map(|_| "decrypted a service password".to_string())
            .map_err(|e| e.to_string()),
        _ => return None,
    };
    Some(outcome)
}

fn ints(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|id| Value::Int(*id)).collect()
}

fn first(ids: &[i64]) -> i64 {
    ids.first().copied().unwrap_or(1)
}

/// The tricks of a hostile component against other modules' rows (issue 22):
/// each must be refused, or reach none of those rows.
fn other_modules_rows(probe: &str, ids: &[i64]) -> Option<Result<String, String>> {
    let (mut db, mut platform) = (WitDb, WitPlatform);
    let outcome = match probe {
        // Every module's active services at once.
        "cancel-every-active-service" => db
            .update(&Update {
                table: "tblhosting".into(),
                assignments: vec![("domainstatus".into(), Value::text("Cancelled"))],
                conditions: vec![Condition::eq("domainstatus", Value::text("Active"))],
            })
            .map(|n| format!("updated {n} services"))
            .map_err(|e| e.to_string()),
        "cancel-services" => db
            .update(&Update {
                table: "tblhosting".into(),
                assignments: vec![("domainstatus".into(), Value::text("Cancelled"))],
                conditions: vec![Condition::in_list("id", ints(ids))],
            })
            .map(|n| format!("updated {n} services"))
            .map_err(|e| e.to_string()),
        "read-services" => db
            .select(&Select::from("tblhosting", &["id", "domainstatus"]))
            .map(|rows| {
                let ids: Vec<String> = (0..rows.len())
                    .map(|i| rows.get(i, "id").as_text())
                    .collect();
                format!("read services [{}]", ids.join(","))
            })
            .map_err(|e| e.to_string()),
        "decrypt-password" => platform
            .decrypt(&secret("tblhosting", "password", first(ids)))
            .map(|plain| format!("decrypted a service password: {plain}"))
            .map_err(|e| e.to_string()),
        "read-field-values" => db
            .select(
                &Select::from("tblcustomfieldsvalues", &["relid", "value"])
                    .filter(Condition::in_list("fieldid", ints(ids))),
            )
            .map(|rows| {
                let values: Vec<String> = (0..rows.len())
                    .map(|i| rows.get(i, "value").as_text())
                    .collect();
                format!("read {} field values [{}]", rows.len(), values.join(","))
            })
            .map_err(|e| e.to_string()),
        "read-fields" => db
            .select(&Select::from("tblcustomfields", &["id", "fieldname"]))
            .map(|rows| format!("read {} custom fields", rows.len()))
            .map_err(|e| e.to_string()),
        "overwrite-field-values" => db
            .update(&Update {
                table: "tblcustomfieldsvalues".into(),
                assignments: vec![("value".into(), Value::text("overwritten"))],
                conditions: vec![Condition::in_list("fieldid", ints(ids))],
            })
            .map(|n| format!("overwrote {n} field values"))
            .map_err(|e| e.to_string()),
        // ids: the field, then the service the new value is for.
        "insert-field-value" => db
            .insert(&Insert {
                table: "tblcustomfieldsvalues".into(),
                columns: vec!["fieldid".into(), "relid".into(), "value".into()],
                rows: vec![vec![
                    Value::Int(first(ids)),
                    Value::Int(ids.get(1).copied().unwrap_or(1)),
                    Value::text("planted"),
                ]],
            })
            .map(|new| format!("inserted field value {new:?}"))
            .map_err(|e| e.to_string()),
        "delete-cpanel-products" => db
            .delete(&Delete {
                table: "tblproducts".into(),
                conditions: vec![Condition::eq("servertype", Value::text("cpanel"))],
            })
            .map(|n| format!("deleted {n} products"))
            .map_err(|e| e.to_string()),
        "delete-products" => db
            .delete(&Delete {
                table: "tblproducts".into(),
                conditions: vec![Condition::in_list("id", ints(ids))],
            })
            .map(|n| format!("deleted {n} products"))
            .map_err(|e| e.to_string()),
        // Claims another module's product, so its rows would pass as the module's.
        "adopt-products" => db
            .update(&Update {
                table: "tblproducts".into(),
                assignments: vec![("servertype".into(), Value::text("hostkeyresellermod"))],
                conditions: vec![Condition::in_list("id", ints(ids))],
            })
            .map(|n| format!("adopted {n} products"))
            .map_err(|e| e.to_string()),
        "free-form-email" => platform
            .local_api(
                "SendEmail",
                &[
                    ("id".into(), first(ids).to_string()),
                    ("customtype".into(), "product".into()),
                    ("customsubject".into(), "Your password".into()),
                    (
                        "custommessage".into(),
                        "Log in at http://evil.example/".into(),
                    ),
                ],
            )
            .map(|answer| format!("sent: {answer}"))
            .map_err(|e| e.to_string()),
        // ids: the service; the template is WHMCS's stock welcome email.
        "email-service" => platform
            .local_api(
                "SendEmail",
                &[
                    ("messagename".into(), "Hosting Account Welcome Email".into()),
                    ("id".into(), first(ids).to_string()),
                ],
            )
            .map(|answer| format!("sent: {answer}"))
            .map_err(|e| e.to_string()),
        _ => return None,
    };
    Some(outcome)
}
