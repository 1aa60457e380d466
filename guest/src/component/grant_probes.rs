//! Test-only requests outside the grants (`grants.json`), one per hole the
//! security review found, so the host's and PHP's tests can show each is
//! refused. Selected by the tested server's hostname with the username
//! `probe:grant`. Built only with the `sandbox-probes` feature.

use super::capabilities::{WitDb, WitPlatform};
use crate::capabilities::db::{
    ColumnDef, ColumnDefault, ColumnKind, Comparison, Condition, Delete, Select, TableDef, Update,
    Value,
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
/// with the refusal otherwise.
pub fn run(name: &str) -> Option<Result<String, String>> {
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
