//! Products, found again by (configoption1 = preset id, configoption2 =
//! location). Inactive or vanished presets are retired while a live service
//! uses them, hidden otherwise.

use super::super::rows::{Existing, Writer, canon, distinct_in, int, read, text};
use super::super::specs::{MODULE_NAME, MODULE_RECORDS, PRODUCTS};
use super::super::target::{ProductKey, TargetCatalogue, TargetProduct};
use super::ledger::{Changes, Ids};
use crate::capabilities::db::{Comparison, Condition, DbError, Value};
use crate::orders::terms::ServiceStatus;
use std::collections::{BTreeMap, BTreeSet};

fn row(p: &TargetProduct, gid: i64, hidden: i64, retired: i64) -> Vec<Value> {
    let mut values = vec![
        text("server"),
        int(gid),
        text(&p.name),
        text(&p.description),
        int(hidden),
        int(0),
        int(p.welcome_email),
        text("recurring"),
        text("payment"),
        text(MODULE_NAME),
    ];
    values.extend(p.config_options.iter().map(|c| text(c)));
    values.extend([
        int(p.order),
        int(retired),
        text(&p.tagline),
        text(&p.short_description),
    ]);
    values
}

fn key_of(e: &Existing) -> Option<ProductKey> {
    let preset = e.get(&PRODUCTS, "configoption1").as_int()?;
    Some((preset, e.get(&PRODUCTS, "configoption2").as_text()))
}

fn flags(e: &Existing) -> (i64, i64) {
    (
        e.get(&PRODUCTS, "hidden").as_int().unwrap_or(0),
        e.get(&PRODUCTS, "retired").as_int().unwrap_or(0),
    )
}

/// Product ids among `ids` that a live (not ended) service uses.
fn live(w: &mut Writer, ids: &[i64]) -> Result<BTreeSet<i64>, DbError> {
    let ended = Condition {
        column: "domainstatus".into(),
        comparison: Comparison::NotInList,
        values: ServiceStatus::ENDED
            .iter()
            .map(|s| text(s.whmcs()))
            .collect(),
    };
    distinct_in(
        w.db,
        "tblhosting",
        "packageid",
        ("packageid", ids),
        &[ended],
    )
}

/// Returns every module product's (group id, visible) after the sync.
pub(super) fn sync(
    w: &mut Writer,
    target: &TargetCatalogue,
    ids: &mut Ids,
    changes: &mut Changes,
) -> Result<BTreeMap<i64, (i64, bool)>, DbError> {
    let existing = read(
        w.db,
        &PRODUCTS,
        &[Condition::eq("servertype", text(MODULE_NAME))],
        None,
    )?;
    let all_ids: Vec<i64> = existing.iter().map(|e| e.id).collect();
    let in_use = live(w, &all_ids)?;
    let recorded: BTreeSet<i64> = read(
        w.db,
        &MODULE_RECORDS,
        &[Condition::eq("type", text("product"))],
        None,
    )?
    .iter()
    .filter_map(|r| r.get(&MODULE_RECORDS, "relid").as_int())
    .collect();

    let mut by_key: BTreeMap<ProductKey, &Existing> = BTreeMap::new();
    for e in &existing {
        if let Some(key) = key_of(e) {
            by_key.entry(key).or_insert(e);
        }
    }
    let mut after = BTreeMap::new();
    let mut updates = Vec::new();
    let mut inserts = Vec::new();
    let mut inserted_keys = Vec::new();
    let mut records = Vec::new();
    let mut matched = BTreeSet::new();
    for p in &target.products {
        let gid = ids.groups.get(&p.group_name).copied().unwrap_or(0);
        match by_key.get(&p.key) {
            Some(e) => {
                matched.insert(e.id);
                let (hidden, retired) = sale_state(p.active, in_use.contains(&e.id), 0);
                let mut values = row(p, gid, hidden, retired);
                if p.config_options[2].is_empty() {
                    let at = PRODUCTS.index("configoption3");
                    values[at] = e.values[at].clone();
                }
                if !PRODUCTS.same(&values, &e.values) {
                    count_state(changes, flags(e), (hidden, retired));
                    changes.products_updated += 1;
                    let changed: Vec<&str> = PRODUCTS
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(i, (_, kind))| {
                            canon(&values[*i], *kind) != canon(&e.values[*i], *kind)
                        })
                        .map(|(_, (name, _))| *name)
                        .collect();
                    changes.line(
                        format!("update product {} ({})", p.name, changed.join(", ")),
                        describe(flags(e)),
                        describe((hidden, retired)),
                    );
                    updates.push((e.id, values));
                }
                if !recorded.contains(&e.id) {
                    records.push(vec![
                        text("product"),
                        int(e.id),
                        text(&p.preset_name),
                        text(&p.server_type),
                    ]);
                }
                ids.products.insert(p.key.clone(), e.id);
                count_withdrawal(changes, flags(e), (hidden, retired));
                after.insert(e.id, (gid, hidden == 0 && retired == 0));
            }
            None => {
                let (hidden, retired) = sale_state(p.active, false, 0);
                let mut values = row(p, gid, hidden, retired);
                if p.config_options[2].is_empty() {
                    values[PRODUCTS.index("configoption3")] = text("0");
                }
                inserts.push(values);
                inserted_keys.push(p);
            }
        }
    }
    // Module products the catalogue no longer has (or duplicates of one it has).
    for e in existing.iter().filter(|e| !matched.contains(&e.id)) {
        let (hidden, retired) = sale_state(false, in_use.contains(&e.id), flags(e).1);
        let gid = e.get(&PRODUCTS, "gid").as_int().unwrap_or(0);
        count_withdrawal(changes, flags(e), (hidden, retired));
        after.insert(e.id, (gid, hidden == 0 && retired == 0));
        if flags(e) != (hidden, retired) {
            let mut values = e.values.clone();
            values[PRODUCTS.index("hidden")] = int(hidden);
            values[PRODUCTS.index("retired")] = int(retired);
            count_state(changes, flags(e), (hidden, retired));
            let name = e.get(&PRODUCTS, "name").as_text();
            changes.line(
                format!("product {name} (no longer offered)"),
                describe(flags(e)),
                describe((hidden, retired)),
            );
            updates.push((e.id, values));
        }
    }
    w.update(&PRODUCTS, updates)?;
    let new_ids = w.insert(&PRODUCTS, inserts)?;
    for (p, id) in inserted_keys.iter().zip(new_ids) {
        ids.products.insert(p.key.clone(), id);
        ids.created_products.insert(id);
        let gid = ids.groups.get(&p.group_name).copied().unwrap_or(0);
        after.insert(id, (gid, p.active));
        records.push(vec![
            text("product"),
            int(id),
            // The public module records the preset's name ("vm.alpha").
            text(&p.preset_name),
            text(&p.server_type),
        ]);
        changes.products_created += 1;
        if !p.active {
            changes.products_hidden += 1;
        }
        changes.line(
            format!("create product {}", p.name),
            "",
            describe((i64::from(!p.active), 0)),
        );
    }
    w.insert(&MODULE_RECORDS, records)?;
    Ok(after)
}

/// (hidden, retired) of a module product: on sale while HOSTKEY offers it,
/// retired while a live service uses it, hidden otherwise (`retired_now` is
/// what a hidden product keeps in `retired`).
fn sale_state(offered: bool, in_use: bool, retired_now: i64) -> (i64, i64) {
    match (offered, in_use) {
        (true, _) => (0, 0),
        (false, true) => (0, 1),
        (false, false) => (1, retired_now),
    }
}

fn count_state(changes: &mut Changes, before: (i64, i64), after: (i64, i64)) {
    if after.1 == 1 && before.1 != 1 {
        changes.products_retired += 1;
    } else if after.0 == 1 && before.0 != 1 {
        changes.products_hidden += 1;
    }
}

/// Counts an existing product on sale before, and whether this sync takes it off sale.
fn count_withdrawal(changes: &mut Changes, before: (i64, i64), after: (i64, i64)) {
    if before == (0, 0) {
        changes.on_sale_before += 1;
        if after != (0, 0) {
            changes.withdrawn += 1;
        }
    }
}

fn describe((hidden, retired): (i64, i64)) -> &'static str {
    match (hidden, retired) {
        (_, 1) => "retired",
        (1, _) => "hidden",
        _ => "on sale",
    }
}
