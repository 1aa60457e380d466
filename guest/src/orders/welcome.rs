//! The welcome email of a freshly linked service: the template the import
//! settings name (the public module's `template` row), sent by WHMCS.

use crate::capabilities::db::{Condition, Select, Value};
use crate::capabilities::{Db, Platform};
use crate::schema::module_tables::IMPORT_SETTINGS_TABLE;

/// Sends it when a template is set; returns one sentence for the log.
pub fn send_welcome(db: &mut dyn Db, platform: &mut dyn Platform, service_id: i64) -> String {
    let template = db
        .select(
            &Select::from(IMPORT_SETTINGS_TABLE, &["amount"])
                .filter(Condition::eq("group", Value::text("template"))),
        )
        .ok()
        .filter(|rows| !rows.is_empty())
        .and_then(|rows| {
            rows.get(0, "amount")
                .as_text()
                .split('.')
                .next()?
                .parse::<i64>()
                .ok()
        })
        .unwrap_or(0);
    if template <= 0 {
        return "No welcome email is set.".into();
    }
    let name = db
        .select(
            &Select::from("tblemailtemplates", &["name"])
                .filter(Condition::eq("id", Value::Int(template))),
        )
        .ok()
        .filter(|rows| !rows.is_empty())
        .map(|rows| rows.get(0, "name").as_text());
    let Some(name) = name else {
        return format!("The welcome email template {template} does not exist; no email was sent.");
    };
    match platform.local_api(
        "SendEmail",
        &[
            ("messagename".into(), name.clone()),
            ("id".into(), service_id.to_string()),
        ],
    ) {
        Ok(_) => format!("Welcome email \"{name}\" sent."),
        Err(e) => format!("The welcome email \"{name}\" could not be sent: {e}."),
    }
}
