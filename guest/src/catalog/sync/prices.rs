//! `tblpricing`: one row per (type, relid, currency), never matched on price.

use super::super::pricing::{Currency, CyclePrices};
use super::super::rows::{CHUNK, Existing, Kind, Writer, canon, int, money, read, text};
use super::super::specs::PRICING;
use super::super::target::TargetProduct;
use super::ledger::{Changes, Ids};
use crate::capabilities::db::{Condition, DbError, Value};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

type Key = (&'static str, i64, i64);
/// A price's product and, for a sub-option's price, the sub-option's name.
type Owner<'a> = (&'a str, Option<&'a str>);

fn row(kind: &str, relid: i64, currency: i64, cycles: &CyclePrices) -> Vec<Value> {
    let mut values = Vec::with_capacity(PRICING.columns.len());
    values.extend([text(kind), int(currency), int(relid)]);
    values.extend(std::iter::repeat_n(int(0), 6));
    values.extend(cycles.as_array().into_iter().map(price));
    values
}

/// A price cell: whole amounts (the setup fees' 0, a disabled cycle's -1) as
/// integers, the column's DECIMAL(16,2) storing them exactly; others as their
/// text with 2 decimals. A first import writes a million of these: an integer
/// costs no string on the way to the database.
fn price(amount: Decimal) -> Value {
    let cents = super::super::pricing::cents(amount);
    // In 64 bits: wasm has no native 128-bit division.
    if let (Ok(mantissa), Some(unit)) = (
        i64::try_from(cents.mantissa()),
        10_i64.checked_pow(cents.scale()),
    ) && mantissa % unit == 0
    {
        return Value::Int(mantissa / unit);
    }
    money(cents)
}

fn index(existing: Vec<Existing>, kind: &'static str) -> BTreeMap<Key, Existing> {
    let mut by_key = BTreeMap::new();
    for e in existing {
        let relid = e.get(&PRICING, "relid").as_int().unwrap_or(0);
        let currency = e.get(&PRICING, "currency").as_int().unwrap_or(0);
        by_key.entry((kind, relid, currency)).or_insert(e);
    }
    by_key
}

/// The rows decided so far: new rows go to the database a chunk at a time
/// while the rest are still being built (a first import's 168,000 price rows
/// are never all in memory at once); changed rows are updated at the end.
struct Pending<'a> {
    existing: BTreeMap<Key, Existing>,
    updates: Vec<(i64, Vec<Value>)>,
    inserts: Vec<Vec<Value>>,
    monthly: usize,
    code: &'a dyn Fn(i64) -> String,
}

impl Pending<'_> {
    fn want(
        &mut self,
        w: &mut Writer,
        changes: &mut Changes,
        key: Key,
        values: Vec<Value>,
        what: Owner,
    ) -> Result<(), DbError> {
        match self.existing.get(&key) {
            Some(e) if PRICING.same(&values, &e.values) => {}
            Some(e) => {
                changes.prices_changed += 1;
                // What a changed price is called in the report: formatted only
                // for the few rows that change.
                let what = match what {
                    (product, None) => product.to_string(),
                    (product, Some(sub)) => format!("{product} / {sub}"),
                };
                changes.line(
                    format!("price {what} {} monthly", (self.code)(key.2)),
                    canon(&e.values[self.monthly], Kind::Money),
                    canon(&values[self.monthly], Kind::Money),
                );
                self.updates.push((e.id, values));
            }
            None => {
                changes.prices_changed += 1;
                self.inserts.push(values);
                if self.inserts.len() >= CHUNK {
                    w.insert(&PRICING, std::mem::take(&mut self.inserts))?;
                }
            }
        }
        Ok(())
    }
}

pub(super) fn sync(
    w: &mut Writer,
    products: &[&TargetProduct],
    currencies: &[Currency],
    ids: &Ids,
    changes: &mut Changes,
) -> Result<(), DbError> {
    let product_ids: Vec<i64> = products
        .iter()
        .filter_map(|p| ids.products.get(&p.key).copied())
        .filter(|i| *i > 0)
        .collect();
    let subs: Vec<i64> = ids.subs.values().copied().filter(|i| *i > 0).collect();
    let mut existing = index(
        read(
            w.db,
            &PRICING,
            &[Condition::eq("type", text("product"))],
            Some(("relid", &product_ids)),
        )?,
        "product",
    );
    existing.extend(index(
        read(
            w.db,
            &PRICING,
            &[Condition::eq("type", text("configoptions"))],
            Some(("relid", &subs)),
        )?,
        "configoptions",
    ));
    let code = |id: i64| {
        currencies
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.code.clone())
            .unwrap_or_default()
    };
    let mut pending = Pending {
        existing,
        updates: Vec::new(),
        inserts: Vec::new(),
        monthly: PRICING.index("monthly"),
        code: &code,
    };
    for p in products {
        let Some(&pid) = ids.products.get(&p.key) else {
            continue;
        };
        for (currency, cycles) in &p.prices {
            pending.want(
                w,
                changes,
                ("product", pid, *currency),
                row("product", pid, *currency, cycles),
                (p.name.as_str(), None),
            )?;
        }
        let Some(gid) = ids.config_group_of(p) else {
            continue;
        };
        for option in &p.options {
            let Some(oid) = ids.option_of(gid, option) else {
                continue;
            };
            for sub in &option.subs {
                let Some(&sid) = ids.subs.get(&(oid, sub.hk_id)) else {
                    continue;
                };
                for (currency, cycles) in &sub.prices {
                    pending.want(
                        w,
                        changes,
                        ("configoptions", sid, *currency),
                        row("configoptions", sid, *currency, cycles),
                        (p.name.as_str(), Some(sub.name.as_str())),
                    )?;
                }
            }
        }
    }
    let Pending {
        updates, inserts, ..
    } = pending;
    w.update(&PRICING, updates)?;
    w.insert(&PRICING, inserts)?;
    Ok(())
}
