//! Makes WHMCS's catalogue equal to the target: read what exists in a few
//! batched selects, diff in memory, write only the differences in batches.
//! Phases follow the foreign keys (groups, products, options, prices), so
//! each phase knows its parents' ids; a dry run walks the same phases with
//! stand-in ids and writes nothing.

mod extras;
mod fingerprints;
mod groups;
pub mod options;
mod prices;
mod products;

use super::pricing::Currency;
use super::rows::{Counting, Writer};
use super::target::{ProductKey, TargetCatalogue, TargetOption, TargetProduct};
use crate::capabilities::db::DbError;
use std::collections::BTreeMap;

/// What a sync changed (or, in a dry run, would change).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub groups_created: u32,
    pub groups_hidden: u32,
    pub products_created: u32,
    pub products_updated: u32,
    pub products_retired: u32,
    pub products_hidden: u32,
    pub options_removed: u32,
    pub options_hidden: u32,
    pub prices_changed: u32,
    /// Module products on sale before the sync, and how many of them it
    /// takes off sale (hidden or retired): the withdrawal guard's numbers.
    pub on_sale_before: u32,
    pub withdrawn: u32,
    /// (what, old, new) lines for the admin's preview.
    pub lines: Vec<[String; 3]>,
}

impl Changes {
    fn line(&mut self, what: String, old: impl Into<String>, new: impl Into<String>) {
        self.lines.push([what, old.into(), new.into()]);
    }
}

/// Ids found or created while the phases run.
#[derive(Default)]
struct Ids {
    groups: BTreeMap<String, i64>,
    products: BTreeMap<ProductKey, i64>,
    /// product id -> config group id
    config_groups: BTreeMap<i64, i64>,
    /// (config group id, option name) -> option id
    options: BTreeMap<(i64, String), i64>,
    /// (option id, HOSTKEY id) -> sub-option id
    subs: BTreeMap<(i64, i64), i64>,
    /// Groups the module created or adopted.
    module_groups: std::collections::BTreeSet<i64>,
    /// Group id -> its `hidden` before the visibility phase.
    group_hidden: BTreeMap<i64, i64>,
    /// Products created by this sync (they get slugs).
    created_products: std::collections::BTreeSet<i64>,
}

impl Ids {
    /// The config group of a target product, once the phases know it.
    fn config_group_of(&self, product: &TargetProduct) -> Option<i64> {
        self.products
            .get(&product.key)
            .and_then(|pid| self.config_groups.get(pid))
            .copied()
    }

    /// One of a product's dropdowns, in its config group `gid`.
    fn option_of(&self, gid: i64, option: &TargetOption) -> Option<i64> {
        self.options.get(&(gid, option.name.clone())).copied()
    }
}

pub struct Outcome {
    pub changes: Changes,
    pub statements: u32,
    pub rows_written: u32,
}

/// Runs every phase; the caller owns the transaction. `full` diffs every
/// product's options and prices, whatever the fingerprints say.
pub fn sync(
    db: &mut dyn crate::capabilities::Db,
    target: &TargetCatalogue,
    currencies: &[Currency],
    dry_run: bool,
    full: bool,
) -> Result<Outcome, DbError> {
    let mut counting = Counting::new(db);
    let mut writer = Writer::new(&mut counting, dry_run);
    let mut ids = Ids::default();
    let mut changes = Changes::default();
    groups::create(&mut writer, target, &mut ids, &mut changes)?;
    let products = products::sync(&mut writer, target, &mut ids, &mut changes)?;
    // Only products whose options or prices may differ are read and diffed below.
    let stored = fingerprints::stored(&mut writer)?;
    let mut fresh = Vec::new();
    let mut pending = Vec::new();
    for product in &target.products {
        let id = ids.products.get(&product.key).copied().unwrap_or(0);
        let fingerprint = fingerprints::of(product);
        let settled = !full
            && !ids.created_products.contains(&id)
            && stored.get(&id).is_some_and(|(_, f)| *f == fingerprint);
        if !settled {
            pending.push(product);
            fresh.push((id, fingerprint));
        }
    }
    options::sync(&mut writer, &pending, &mut ids, &mut changes)?;
    prices::sync(&mut writer, &pending, currencies, &ids, &mut changes)?;
    extras::sync(&mut writer, target, &ids)?;
    groups::visibility(&mut writer, &ids, &products, &mut changes)?;
    let planned = writer.planned_rows;
    let written = writer.db.rows_written_by_writes();
    fingerprints::save(&mut writer, &stored, &fresh)?;
    Ok(Outcome {
        changes,
        statements: counting.statements,
        rows_written: if dry_run { planned } else { written },
    })
}
