//! The admin-only custom fields every product needs (`Api key`, `Invoice ID`,
//! `Preset ID`) and, where WHMCS has the table, the new products' slugs.

use super::super::rows::{Writer, int, read, text};
use super::super::specs::{CUSTOM_FIELD_NAMES, CUSTOM_FIELDS, SLUGS, slug};
use super::super::target::TargetCatalogue;
use super::ledger::Ids;
use crate::capabilities::db::{Condition, DbError};
use std::collections::BTreeSet;

pub(super) fn sync(w: &mut Writer, target: &TargetCatalogue, ids: &Ids) -> Result<(), DbError> {
    let products: Vec<i64> = ids.products.values().copied().filter(|i| *i > 0).collect();
    let existing = read(
        w.db,
        &CUSTOM_FIELDS,
        &[Condition::eq("type", text("product"))],
        Some(("relid", &products)),
    )?;
    let present: BTreeSet<(i64, String)> = existing
        .iter()
        .map(|e| {
            (
                e.get(&CUSTOM_FIELDS, "relid").as_int().unwrap_or(0),
                e.get(&CUSTOM_FIELDS, "fieldname").as_text(),
            )
        })
        .collect();
    let mut fields = Vec::new();
    let mut slugs = Vec::new();
    for p in &target.products {
        let Some(&pid) = ids.products.get(&p.key) else {
            continue;
        };
        for name in CUSTOM_FIELD_NAMES {
            if !present.contains(&(pid, name.to_string())) {
                // The public module's field: described by its name, order 0.
                fields.push(vec![
                    text("product"),
                    int(pid),
                    text(name),
                    text("text"),
                    text(name),
                    text(""),
                    text(""),
                    text("on"),
                    text(""),
                    text(""),
                    text(""),
                    int(0),
                ]);
            }
        }
        if ids.created_products.contains(&pid) {
            let gid = ids.groups.get(&p.group_name).copied().unwrap_or(0);
            slugs.push(vec![
                int(pid),
                int(gid),
                text(&slug(&p.group_name)),
                text(&product_slug(&p.label)),
                int(i64::from(p.active)),
                int(0),
            ]);
        }
    }
    w.insert(&CUSTOM_FIELDS, fields)?;
    if !slugs.is_empty() && w.db.db.table_exists(SLUGS.table)? {
        w.insert(&SLUGS, slugs)?;
    }
    Ok(())
}

/// The public module's product slug: `vm.alpha (NL)` -> `vm.alpha-NL`.
fn product_slug(label: &str) -> String {
    label
        .replace('+', "plus")
        .replace(' ', "-")
        .replace(['(', ')'], "")
}
