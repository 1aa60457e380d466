//! Each product's config group `<preset> (<LOC>) server options` with its
//! OS / Soft / Traffic dropdowns; sub-options are matched by HOSTKEY's id in
//! `name (#id)`. A sub-option HOSTKEY withdrew is hidden while a service
//! still points at it, deleted (with its prices) otherwise.

use super::super::rows::{Existing, Writer, int, read, text};
use super::super::specs::{CONFIG_GROUPS, CONFIG_LINKS, OPTIONS, PRICING, SUBS};
use super::super::target::{DO_NOT_INSTALL, OptionKind, TargetProduct};
use super::ledger::{Changes, Ids};
use crate::capabilities::db::{Condition, DbError, Value};
use std::collections::{BTreeMap, BTreeSet};

/// HOSTKEY's id at the end of a sub-option name: `Ubuntu 22.04 (#187)` -> 187;
/// the public module's `Do not install` (and an earlier `Do not install (#0)`) -> 0.
pub fn hk_id(name: &str) -> Option<i64> {
    if name.trim() == DO_NOT_INSTALL {
        return Some(0);
    }
    let open = name.rfind("(#")?;
    name[open + 2..].strip_suffix(')')?.trim().parse().ok()
}

fn positive(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    ids.into_iter().filter(|i| *i > 0).collect()
}

pub(super) fn sync(
    w: &mut Writer,
    products: &[&TargetProduct],
    ids: &mut Ids,
    changes: &mut Changes,
) -> Result<(), DbError> {
    config_groups(w, products, ids)?;
    options(w, products, ids)?;
    subs(w, products, ids, changes)
}

fn config_groups(
    w: &mut Writer,
    products: &[&TargetProduct],
    ids: &mut Ids,
) -> Result<(), DbError> {
    let product_ids = positive(
        products
            .iter()
            .filter_map(|p| ids.products.get(&p.key).copied()),
    );
    let links = read(w.db, &CONFIG_LINKS, &[], Some(("pid", &product_ids)))?;
    let linked: Vec<i64> = links
        .iter()
        .filter_map(|l| l.get(&CONFIG_LINKS, "gid").as_int())
        .collect();
    let groups = read(w.db, &CONFIG_GROUPS, &[], Some(("id", &linked)))?;
    let by_id: BTreeMap<i64, &Existing> = groups.iter().map(|g| (g.id, g)).collect();
    let mut per_product: BTreeMap<i64, Vec<&Existing>> = BTreeMap::new();
    for link in &links {
        let (Some(pid), Some(gid)) = (
            link.get(&CONFIG_LINKS, "pid").as_int(),
            link.get(&CONFIG_LINKS, "gid").as_int(),
        ) else {
            continue;
        };
        if let Some(group) = by_id.get(&gid) {
            per_product.entry(pid).or_default().push(group);
        }
    }
    let mut updates = Vec::new();
    let mut new_groups = Vec::new();
    let mut new_for = Vec::new();
    for p in products {
        let Some(&pid) = ids.products.get(&p.key) else {
            continue;
        };
        let candidates = per_product.get(&pid).map(Vec::as_slice).unwrap_or_default();
        let found = candidates
            .iter()
            .find(|g| g.get(&CONFIG_GROUPS, "name").as_text() == p.config_group_name)
            .or_else(|| candidates.first());
        match found {
            Some(group) => {
                ids.config_groups.insert(pid, group.id);
                let values = vec![
                    text(&p.config_group_name),
                    group.get(&CONFIG_GROUPS, "description").clone(),
                ];
                if !CONFIG_GROUPS.same(&values, &group.values) {
                    updates.push((group.id, values));
                }
            }
            None => {
                new_groups.push(vec![text(&p.config_group_name), text("")]);
                new_for.push(pid);
            }
        }
    }
    w.update(&CONFIG_GROUPS, updates)?;
    let new_ids = w.insert(&CONFIG_GROUPS, new_groups)?;
    let mut new_links = Vec::new();
    for (pid, gid) in new_for.into_iter().zip(new_ids) {
        ids.config_groups.insert(pid, gid);
        new_links.push(vec![int(gid), int(pid)]);
    }
    w.insert(&CONFIG_LINKS, new_links)?;
    Ok(())
}

fn option_row(gid: i64, name: &str, kind: OptionKind) -> Vec<Value> {
    // 1, 2, 3: OS, Soft, Traffic, as the public module numbers them.
    let order = OptionKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as i64 + 1;
    vec![
        int(gid),
        text(name),
        text("1"),
        int(0),
        int(0),
        int(order),
        int(0),
    ]
}

fn options(w: &mut Writer, products: &[&TargetProduct], ids: &mut Ids) -> Result<(), DbError> {
    let group_ids = positive(ids.config_groups.values().copied());
    let existing = read(w.db, &OPTIONS, &[], Some(("gid", &group_ids)))?;
    let mut by_key: BTreeMap<(i64, String), &Existing> = BTreeMap::new();
    for e in &existing {
        let gid = e.get(&OPTIONS, "gid").as_int().unwrap_or(0);
        by_key
            .entry((gid, e.get(&OPTIONS, "optionname").as_text()))
            .or_insert(e);
    }
    let mut updates = Vec::new();
    let mut inserts = Vec::new();
    let mut inserted = Vec::new();
    for p in products {
        let Some(gid) = ids.config_group_of(p) else {
            continue;
        };
        for option in &p.options {
            let values = option_row(gid, &option.name, option.kind);
            match by_key.get(&(gid, option.name.clone())) {
                Some(e) => {
                    ids.options.insert((gid, option.name.clone()), e.id);
                    if !OPTIONS.same(&values, &e.values) {
                        updates.push((e.id, values));
                    }
                }
                None => {
                    inserts.push(values);
                    inserted.push((gid, option.name.clone()));
                }
            }
        }
    }
    w.update(&OPTIONS, updates)?;
    for (key, id) in inserted.into_iter().zip(w.insert(&OPTIONS, inserts)?) {
        ids.options.insert(key, id);
    }
    Ok(())
}

fn subs(
    w: &mut Writer,
    products: &[&TargetProduct],
    ids: &mut Ids,
    changes: &mut Changes,
) -> Result<(), DbError> {
    let option_ids = positive(ids.options.values().copied());
    let existing = read(w.db, &SUBS, &[], Some(("configid", &option_ids)))?;
    let mut by_key: BTreeMap<(i64, i64), &Existing> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for e in &existing {
        let configid = e.get(&SUBS, "configid").as_int().unwrap_or(0);
        let Some(hk) = hk_id(&e.get(&SUBS, "optionname").as_text()) else {
            continue;
        };
        match by_key.entry((configid, hk)) {
            std::collections::btree_map::Entry::Occupied(_) => duplicates.push(e),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(e);
            }
        }
    }
    let mut wanted = BTreeSet::new();
    let mut updates = Vec::new();
    let mut inserts = Vec::new();
    let mut inserted = Vec::new();
    for p in products {
        let Some(gid) = ids.config_group_of(p) else {
            continue;
        };
        for option in &p.options {
            let Some(oid) = ids.option_of(gid, option) else {
                continue;
            };
            for sub in &option.subs {
                let values = vec![int(oid), text(&sub.name), int(sub.sort_order), int(0)];
                match by_key.get(&(oid, sub.hk_id)) {
                    Some(e) => {
                        wanted.insert(e.id);
                        ids.subs.insert((oid, sub.hk_id), e.id);
                        if !SUBS.same(&values, &e.values) {
                            updates.push((e.id, values));
                        }
                    }
                    None => {
                        inserts.push(values);
                        inserted.push((oid, sub.hk_id));
                    }
                }
            }
        }
    }
    let gone: Vec<&Existing> = by_key
        .values()
        .copied()
        .filter(|e| !wanted.contains(&e.id))
        .chain(duplicates)
        .collect();
    let gone_ids: Vec<i64> = gone.iter().map(|e| e.id).collect();
    let chosen = chosen_by_services(w, &gone_ids)?;
    let mut deleted = Vec::new();
    for e in gone {
        let name = e.get(&SUBS, "optionname").as_text();
        if chosen.contains(&e.id) {
            if e.get(&SUBS, "hidden").as_int() != Some(1) {
                let mut values = e.values.clone();
                values[SUBS.index("hidden")] = int(1);
                updates.push((e.id, values));
                changes.options_hidden += 1;
                changes.line(
                    format!("option {name} (withdrawn, still used)"),
                    "offered",
                    "hidden",
                );
            }
        } else {
            deleted.push(e.id);
            changes.options_removed += 1;
            changes.line(format!("option {name} (withdrawn)"), "offered", "removed");
        }
    }
    w.update(&SUBS, updates)?;
    w.delete_ids(
        PRICING.table,
        "relid",
        &deleted,
        &[Condition::eq("type", text("configoptions"))],
    )?;
    w.delete_ids(SUBS.table, "id", &deleted, &[])?;
    for (key, id) in inserted.into_iter().zip(w.insert(&SUBS, inserts)?) {
        ids.subs.insert(key, id);
    }
    Ok(())
}

/// Sub-option ids that a service has chosen (`tblhostingconfigoptions.optionid`).
fn chosen_by_services(w: &mut Writer, sub_ids: &[i64]) -> Result<BTreeSet<i64>, DbError> {
    let real = positive(sub_ids.iter().copied());
    super::super::rows::distinct_in(
        w.db,
        "tblhostingconfigoptions",
        "optionid",
        ("optionid", &real),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::hk_id;

    #[test]
    fn reads_hostkeys_id_from_the_name() {
        assert_eq!(hk_id("Ubuntu 22.04 (#187)"), Some(187));
        assert_eq!(hk_id("Do not install (#0)"), Some(0));
        assert_eq!(hk_id("Do not install"), Some(0));
        assert_eq!(hk_id("Odd (name) (#5)"), Some(5));
        assert_eq!(hk_id("No id"), None);
        assert_eq!(hk_id("Broken (#x)"), None);
    }
}
