//! Makes WHMCS's catalogue equal to the target: read what exists in a few
//! batched selects, diff in memory, write only the differences in batches.
//! Phases follow the foreign keys (groups, products, options, prices), so
//! each phase knows its parents' ids; a dry run walks the same phases with
//! stand-in ids and writes nothing.

mod extras;
mod fingerprints;
mod groups;
mod ledger;
pub mod options;
mod prices;
mod products;

use super::pricing::Currency;
use super::rows::{Counting, Writer};
use super::target::TargetCatalogue;
use crate::capabilities::db::DbError;
use ledger::Ids;

pub use ledger::Changes;

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
