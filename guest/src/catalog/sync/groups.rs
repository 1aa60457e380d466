//! Product groups `<LOC> <title>`: found by name, created when missing and
//! recorded as the module's; hidden when no visible product is left in them.

use super::super::rows::{Existing, Writer, int, read, text};
use super::super::specs::{GROUP_VISIBILITY, GROUPS, MODULE_RECORDS, slug};
use super::super::target::TargetCatalogue;
use super::ledger::{Changes, Ids};
use crate::capabilities::Db as _;
use crate::capabilities::db::{Condition, DbError, Value};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn create(
    w: &mut Writer,
    target: &TargetCatalogue,
    ids: &mut Ids,
    changes: &mut Changes,
) -> Result<(), DbError> {
    let existing = read(w.db, &GROUPS, &[], None)?;
    let records = read(
        w.db,
        &MODULE_RECORDS,
        &[Condition::eq("type", text("group"))],
        None,
    )?;
    let recorded: BTreeSet<i64> = records
        .iter()
        .filter_map(|r| r.get(&MODULE_RECORDS, "relid").as_int())
        .collect();
    let mut by_name: BTreeMap<String, &Existing> = BTreeMap::new();
    for group in &existing {
        by_name
            .entry(group.get(&GROUPS, "name").as_text())
            .or_insert(group);
        let hidden = group.get(&GROUPS, "hidden").as_int().unwrap_or(0);
        ids.group_hidden.insert(group.id, hidden);
    }
    ids.module_groups.extend(recorded.iter().copied());
    let mut order = existing
        .iter()
        .filter_map(|g| g.get(&GROUPS, "order").as_int())
        .max()
        .unwrap_or(0);
    let mut new_rows = Vec::new();
    let mut new_names = Vec::new();
    let mut adopted = Vec::new();
    for group in &target.groups {
        match by_name.get(&group.name) {
            Some(found) => {
                ids.groups.insert(group.name.clone(), found.id);
                ids.module_groups.insert(found.id);
                if !recorded.contains(&found.id) {
                    adopted.push((found.id, group.name.clone()));
                }
            }
            None => {
                order += 1;
                let on_sale = target
                    .products
                    .iter()
                    .any(|p| p.active && p.group_name == group.name);
                new_rows.push(vec![
                    text(&group.name),
                    text(&slug(&group.name)),
                    text(&group.name),
                    text(""),
                    text(""),
                    text(""),
                    int(i64::from(!on_sale)),
                    int(order),
                ]);
                new_names.push((group.name.clone(), i64::from(!on_sale)));
            }
        }
    }
    let new_ids = w.insert(&GROUPS, new_rows)?;
    for ((name, hidden), id) in new_names.iter().zip(&new_ids) {
        ids.groups.insert(name.clone(), *id);
        ids.module_groups.insert(*id);
        ids.group_hidden.insert(*id, *hidden);
        changes.groups_created += 1;
        changes.line(format!("create group {name}"), "", "created");
    }
    let records: Vec<Vec<Value>> = new_names
        .iter()
        .zip(&new_ids)
        .map(|((name, _), id)| (*id, name.clone()))
        .chain(adopted)
        .map(|(id, name)| vec![text("group"), int(id), text(&name), text("")])
        .collect();
    w.insert(&MODULE_RECORDS, records)?;
    Ok(())
}

/// Hides the module's groups with no visible product and shows the others.
/// `module_products`: product id -> (group id, visible) after the sync.
pub(super) fn visibility(
    w: &mut Writer,
    ids: &Ids,
    module_products: &BTreeMap<i64, (i64, bool)>,
    changes: &mut Changes,
) -> Result<(), DbError> {
    let groups: Vec<i64> = ids.module_groups.iter().copied().collect();
    let real: Vec<i64> = groups.iter().copied().filter(|g| *g > 0).collect();
    let mut visible: BTreeSet<i64> = BTreeSet::new();
    // Products the module does not own count too: an admin may sell their own in these groups.
    let others = crate::capabilities::db::Select {
        table: "tblproducts".into(),
        columns: vec!["id".into(), "gid".into(), "hidden".into(), "retired".into()],
        ..Default::default()
    };
    for chunk in real.chunks(super::super::rows::CHUNK) {
        let mut select = others.clone();
        select.conditions.push(Condition::in_list(
            "gid",
            chunk.iter().map(|g| Value::Int(*g)).collect(),
        ));
        let rows = w.db.select(&select)?;
        for i in 0..rows.len() {
            let id = rows.get(i, "id").as_int().unwrap_or(0);
            if module_products.contains_key(&id) {
                continue;
            }
            let shown = rows.get(i, "hidden").as_int() == Some(0)
                && rows.get(i, "retired").as_int() != Some(1);
            if shown {
                visible.extend(rows.get(i, "gid").as_int());
            }
        }
    }
    visible.extend(
        module_products
            .values()
            .filter(|(_, shown)| *shown)
            .map(|(gid, _)| *gid),
    );
    let mut updates = Vec::new();
    for group in groups {
        let hidden = i64::from(!visible.contains(&group));
        let current = ids.group_hidden.get(&group).copied().unwrap_or(0);
        if hidden != current {
            updates.push((group, vec![int(hidden)]));
            if hidden == 1 {
                changes.groups_hidden += 1;
            }
            let name = ids
                .groups
                .iter()
                .find(|(_, id)| **id == group)
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| format!("#{group}"));
            changes.line(
                format!("group {name}"),
                if current == 1 { "hidden" } else { "shown" },
                if hidden == 1 { "hidden" } else { "shown" },
            );
        }
    }
    w.update(&GROUP_VISIBILITY, updates)
}
