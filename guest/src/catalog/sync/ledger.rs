//! What a sync learns while its phases run: the ids found or created (each
//! phase reads its parents'), and what it changed for the report.

use super::super::target::{ProductKey, TargetOption, TargetProduct};
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
    pub(super) fn line(&mut self, what: String, old: impl Into<String>, new: impl Into<String>) {
        self.lines.push([what, old.into(), new.into()]);
    }
}

/// Ids found or created while the phases run.
#[derive(Default)]
pub(super) struct Ids {
    pub(super) groups: BTreeMap<String, i64>,
    pub(super) products: BTreeMap<ProductKey, i64>,
    /// product id -> config group id
    pub(super) config_groups: BTreeMap<i64, i64>,
    /// (config group id, option name) -> option id
    pub(super) options: BTreeMap<(i64, String), i64>,
    /// (option id, HOSTKEY id) -> sub-option id
    pub(super) subs: BTreeMap<(i64, i64), i64>,
    /// Groups the module created or adopted.
    pub(super) module_groups: std::collections::BTreeSet<i64>,
    /// Group id -> its `hidden` before the visibility phase.
    pub(super) group_hidden: BTreeMap<i64, i64>,
    /// Products created by this sync (they get slugs).
    pub(super) created_products: std::collections::BTreeSet<i64>,
}

impl Ids {
    /// The config group of a target product, once the phases know it.
    pub(super) fn config_group_of(&self, product: &TargetProduct) -> Option<i64> {
        self.products
            .get(&product.key)
            .and_then(|pid| self.config_groups.get(pid))
            .copied()
    }

    /// One of a product's dropdowns, in its config group `gid`.
    pub(super) fn option_of(&self, gid: i64, option: &TargetOption) -> Option<i64> {
        self.options.get(&(gid, option.name.clone())).copied()
    }
}
