//! The bounds that keep hostile numbers out: every stored price fits WHMCS's
//! `decimal(16,2)`, and the inputs of the price arithmetic are small enough
//! that `rust_decimal` (at most about 7.9e28) never overflows, so the guest
//! cannot be made to panic by a price, a markup or an exchange rate.
//!
//! Worst case with these bounds: 8.3e12 (monthly) x 1e10 (rate ratio) x 1,001
//! (markup) x 12 (months) x 10 (rounding step) = 1e28.

use super::pricing::{Currency, MAX_MONTHLY, Markup, not_offered};
use super::settings::ImportSettings;
use super::target::{TargetCatalogue, TargetProduct};
use crate::error::{ModuleError, ModuleResult};
use rust_decimal::Decimal;

/// The largest value of a `decimal(16,2)` column (`tblpricing`).
pub const MAX_STORED: Decimal = Decimal::from_parts(1_874_919_423, 2_328_306, 0, false, 2);

/// The largest percentage markup: 1,000 times the price.
const MAX_PERCENT: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// WHMCS's `tblcurrencies.rate` is `decimal(10,5)`: nothing outside this range.
const MIN_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 5);
const MAX_RATE: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// Refuses markups and exchange rates outside the bounds, in one sentence.
pub fn check_inputs(settings: &ImportSettings, currencies: &[Currency]) -> ModuleResult<()> {
    for (group, g) in &settings.groups {
        let too_large = match &g.markup {
            Markup::Percent(p) => p.abs() > MAX_PERCENT,
            Markup::Fixed { amount, .. } => amount.abs() > MAX_MONTHLY,
        };
        if too_large {
            return Err(ModuleError::InvalidInput(format!(
                "The markup of the {} group is too large: at most {MAX_PERCENT} % or {MAX_MONTHLY} in a currency.",
                group.title()
            )));
        }
    }
    if let Some(c) = currencies
        .iter()
        .find(|c| c.rate < MIN_RATE || c.rate > MAX_RATE)
    {
        return Err(ModuleError::InvalidInput(format!(
            "The WHMCS exchange rate of {} ({}) is outside what WHMCS can store ({MIN_RATE} to {MAX_RATE}).",
            c.code, c.rate
        )));
    }
    Ok(())
}

fn storable(value: Decimal) -> bool {
    value == not_offered() || (!value.is_sign_negative() || value.is_zero()) && value <= MAX_STORED
}

/// The first price of a product (or of one of its options) WHMCS cannot store.
fn bad_price(p: &TargetProduct) -> Option<Decimal> {
    let options = p
        .options
        .iter()
        .flat_map(|o| &o.subs)
        .flat_map(|s| &s.prices);
    p.prices
        .iter()
        .chain(options)
        .flat_map(|(_, cycles)| cycles.as_array())
        .find(|v| !storable(*v))
}

/// Leaves out the products with a price that does not fit `decimal(16,2)`
/// (after markup, conversion and the yearly multiple) or is negative, with a
/// warning each; MariaDB would cap or refuse them. Groups left empty go too.
pub fn enforce(target: &mut TargetCatalogue) {
    let mut kept = Vec::with_capacity(target.products.len());
    for p in std::mem::take(&mut target.products) {
        match bad_price(&p) {
            Some(value) => target.warnings.push(format!(
                "{} was skipped: its price {value} cannot be stored in WHMCS (0 to {MAX_STORED}).",
                p.name
            )),
            None => kept.push(p),
        }
    }
    target.products = kept;
    let products = &target.products;
    target
        .groups
        .retain(|g| products.iter().any(|p| p.group_name == g.name));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_bounds_are_what_they_say() {
        assert_eq!(MAX_STORED.to_string(), "99999999999999.99");
        assert_eq!(MAX_MONTHLY.to_string(), "8333333333333.33");
        assert!(MAX_MONTHLY * Decimal::from(12) <= MAX_STORED);
        assert_eq!(MIN_RATE.to_string(), "0.00001");
        // The worst case of the module comment stays inside rust_decimal.
        let worst = MAX_MONTHLY
            .checked_mul(MAX_RATE / MIN_RATE)
            .and_then(|d| d.checked_mul(Decimal::ONE + MAX_PERCENT / Decimal::ONE_HUNDRED))
            .and_then(|d| d.checked_mul(Decimal::from(12 * 10)));
        assert!(worst.is_some());
        assert!(storable(Decimal::from_str("-1").expect("dec")));
        assert!(!storable(Decimal::from_str("-0.01").expect("dec")));
        assert!(!storable(
            MAX_STORED + Decimal::from_str("0.01").expect("dec")
        ));
    }
}
