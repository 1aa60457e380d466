//! One fingerprint per product of everything below it that the import
//! manages (its prices, config group, options, sub-options and their prices),
//! kept as `sync` records in `mod_hostkeyresellermod`. A re-sync reads and
//! diffs that part of a product only when its fingerprint changed, so an
//! unchanged catalogue costs a few selects instead of every price row. A full
//! re-sync ignores them (and repairs anything edited by hand).

use super::super::rows::{Existing, Writer, read, text};
use super::super::specs::MODULE_RECORDS;
use super::super::target::TargetProduct;
use crate::capabilities::db::{Condition, DbError, Insert, UpdateRows, Value};
use std::collections::BTreeMap;

/// Bump when the content hashed changes meaning.
const VERSION: &str = "v3";

/// FNV-1a, 64 bits: stable across builds, unlike std's hasher.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes.iter().chain(std::iter::once(&0x1f)) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn prices(hash: &mut Fnv, prices: &[(i64, super::super::pricing::CyclePrices)]) {
    for (currency, cycles) in prices {
        hash.bytes(&currency.to_le_bytes());
        for amount in cycles.as_array() {
            // The computed amount as it is, mantissa and scale: the same
            // computation gives the same bytes, and no rounding or division
            // runs for the million prices of a first import.
            match i64::try_from(amount.mantissa()) {
                Ok(small) => hash.bytes(&small.to_le_bytes()),
                Err(_) => hash.bytes(&amount.mantissa().to_le_bytes()),
            }
            hash.bytes(&[amount.scale() as u8]);
        }
    }
}

pub fn of(product: &TargetProduct) -> String {
    let mut hash = Fnv::new();
    hash.add(VERSION);
    prices(&mut hash, &product.prices);
    hash.add(&product.config_group_name);
    for option in &product.options {
        hash.add(&option.name);
        for sub in &option.subs {
            hash.bytes(&sub.hk_id.to_le_bytes());
            hash.add(&sub.name);
            hash.bytes(&sub.sort_order.to_le_bytes());
            prices(&mut hash, &sub.prices);
        }
    }
    format!("{VERSION}:{:016x}", hash.0)
}

/// Stored fingerprints: product id -> (record id, fingerprint).
pub fn stored(w: &mut Writer) -> Result<BTreeMap<i64, (i64, String)>, DbError> {
    let rows = read(
        w.db,
        &MODULE_RECORDS,
        &[Condition::eq("type", text("sync"))],
        None,
    )?;
    Ok(rows
        .iter()
        .filter_map(|r: &Existing| {
            let product = r.get(&MODULE_RECORDS, "relid").as_int()?;
            Some((product, (r.id, r.get(&MODULE_RECORDS, "name").as_text())))
        })
        .collect())
}

/// Records the new fingerprints. This is the module's own bookkeeping, not
/// catalogue rows: it is not counted in rows written, and a preview skips it.
pub fn save(
    w: &mut Writer,
    stored: &BTreeMap<i64, (i64, String)>,
    fresh: &[(i64, String)],
) -> Result<(), DbError> {
    if w.dry_run {
        return Ok(());
    }
    let mut updates = Vec::new();
    let mut inserts = Vec::new();
    for (product, fingerprint) in fresh.iter().filter(|(product, _)| *product > 0) {
        match stored.get(product) {
            Some((_, old)) if old == fingerprint => {}
            Some((record, _)) => updates.push(vec![Value::Int(*record), text(fingerprint)]),
            None => inserts.push(vec![
                text("sync"),
                Value::Int(*product),
                text(fingerprint),
                text(""),
            ]),
        }
    }
    let db = &mut *w.db.db;
    for chunk in updates.chunks(super::super::rows::CHUNK) {
        db.update_rows(&UpdateRows {
            table: MODULE_RECORDS.table.into(),
            key: "id".into(),
            columns: vec!["name".into()],
            rows: chunk.to_vec(),
        })?;
    }
    for chunk in inserts.chunks(super::super::rows::CHUNK) {
        db.insert(&Insert {
            table: MODULE_RECORDS.table.into(),
            columns: MODULE_RECORDS.names(),
            rows: chunk.to_vec(),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::of;
    use crate::catalog::preset::parse_presets;
    use crate::catalog::pricing::Currency;
    use crate::catalog::settings::ImportSettings;
    use crate::catalog::target::{Inputs, TargetCatalogue, build};
    use crate::catalog::tests_support::catalogue;
    use rust_decimal::Decimal;

    fn fingerprint(catalogue: &TargetCatalogue, name: &str) -> String {
        of(catalogue
            .products
            .iter()
            .find(|p| p.name == name)
            .expect("product"))
    }

    #[test]
    fn a_one_cent_change_moves_the_fingerprint_and_trailing_zeros_do_not() {
        let presets = parse_presets(&catalogue()).expect("presets");
        let eur = Currency {
            id: 1,
            code: "EUR".into(),
            rate: Decimal::ONE,
            default: true,
        };
        let currencies = vec![eur.clone()];
        let settings = ImportSettings::default();
        let inputs = Inputs {
            settings: &settings,
            currencies: &currencies,
            reseller_currency: &eur,
            name_prefix: "HKP-",
        };
        let base = build(&presets, &inputs);

        let mut cheaper = presets.clone();
        *cheaper[0]
            .price_in_mut("NL")
            .and_then(|p| p.get_mut("EUR"))
            .expect("price") -= Decimal::new(1, 2);
        let changed = build(&cheaper, &inputs);
        assert_ne!(
            fingerprint(&base, "HKP-vm.nano (NL)"),
            fingerprint(&changed, "HKP-vm.nano (NL)")
        );
        assert_eq!(
            fingerprint(&base, "HKP-vm.nano (FI)"),
            fingerprint(&changed, "HKP-vm.nano (FI)")
        );

        let mut padded = presets.clone();
        let fi = padded[0]
            .price_in_mut("FI")
            .and_then(|p| p.get_mut("EUR"))
            .expect("price");
        *fi = fi.round_dp(2) + Decimal::new(0, 4);
        assert_eq!(
            fingerprint(&base, "HKP-vm.nano (FI)"),
            fingerprint(&build(&padded, &inputs), "HKP-vm.nano (FI)")
        );
    }
}
