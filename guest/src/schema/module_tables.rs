//! The module's own tables, in the original module's layout so a WHMCS that
//! ran it keeps its data.

use crate::capabilities::db::{ColumnDef, ColumnDefault, ColumnKind, TableDef};

pub const PRODUCTS_TABLE: &str = "mod_hostkeyresellermod";
pub const LOG_TABLE: &str = "mod_hostkeyresellermod_log";
pub const IMPORT_SETTINGS_TABLE: &str = "mod_hostkeyresellermodimportsettings";

fn column(
    name: &str,
    kind: ColumnKind,
    nullable: bool,
    default: Option<ColumnDefault>,
) -> ColumnDef {
    ColumnDef {
        default,
        ..ColumnDef::new(name, kind, nullable)
    }
}

fn id() -> ColumnDef {
    column("id", ColumnKind::Id, false, None)
}

/// The module's tables, in creation order.
pub fn definitions() -> Vec<TableDef> {
    use ColumnKind::*;
    let mut tables = vec![
        TableDef {
            name: PRODUCTS_TABLE.into(),
            columns: vec![
                id(),
                column("type", ShortText, false, None),
                column("relid", Integer, false, Some(ColumnDefault::Integer(0))),
                column("name", Text, true, None),
                column("server_type", ShortText, true, None),
            ],
            indexes: vec![vec!["type".into(), "relid".into()]],
        },
        TableDef {
            name: LOG_TABLE.into(),
            columns: vec![
                id(),
                column("date", DateTime, true, None),
                column("module", ShortText, true, None),
                column("action", ShortText, true, None),
                column("params", Text, true, None),
                column("response", Text, true, None),
            ],
            indexes: vec![vec!["date".into()]],
        },
        TableDef {
            name: IMPORT_SETTINGS_TABLE.into(),
            columns: vec![
                id(),
                column("group", ShortText, false, None),
                column("name", ShortText, true, None),
                column("currency", ShortText, true, None),
                column("amount", Money, false, Some(ColumnDefault::Integer(0))),
                column("active", Integer, false, Some(ColumnDefault::Integer(1))),
            ],
            indexes: vec![vec!["group".into()]],
        },
    ];
    tables.push(crate::orders::state::definition());
    tables.push(crate::servers::ops::definition());
    tables.push(crate::orders::pending_store::definition());
    tables.push(crate::margins::costs::definition());
    tables.push(crate::sync::store::definition());
    tables
}

/// One default row of the import settings: (group, name, currency, amount, active).
pub struct ImportSettingDefault {
    pub group: &'static str,
    pub name: &'static str,
    pub currency: &'static str,
    pub amount: i64,
    pub active: i64,
}

/// A fresh install gets the public module's rows: every group imported at
/// cost (0 % markup), no rounding, no welcome email, sorted by price (index 0).
pub const IMPORT_SETTING_DEFAULTS: &[ImportSettingDefault] = &[
    ImportSettingDefault {
        group: "vps",
        name: "Import VPS products",
        currency: "%",
        amount: 0,
        active: 1,
    },
    ImportSettingDefault {
        group: "bm",
        name: "Import Bare metal products",
        currency: "%",
        amount: 0,
        active: 1,
    },
    ImportSettingDefault {
        group: "gpu",
        name: "Import GPU products",
        currency: "%",
        amount: 0,
        active: 1,
    },
    ImportSettingDefault {
        group: "round",
        name: "Round price to",
        currency: "",
        amount: 0,
        active: 1,
    },
    ImportSettingDefault {
        group: "template",
        name: "Email template",
        currency: "",
        amount: 0,
        active: 1,
    },
    ImportSettingDefault {
        group: "sort",
        name: "Product sorting",
        currency: "",
        amount: 0,
        active: 1,
    },
];
