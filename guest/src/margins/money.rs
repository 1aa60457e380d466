//! Income per month in the default currency, and the import's cycle
//! discounts, in decimal.

use crate::catalog::pricing::Currency;
use crate::orders::terms::BillingCycle;
use rust_decimal::Decimal;

/// The months one payment of a recurring cycle covers; none for a cycle that
/// does not recur (free, one time).
pub fn months(cycle: BillingCycle) -> Option<u32> {
    match cycle {
        BillingCycle::Monthly => Some(1),
        BillingCycle::Quarterly => Some(3),
        BillingCycle::SemiAnnually => Some(6),
        BillingCycle::Annually => Some(12),
        BillingCycle::Biennially => Some(24),
        BillingCycle::Triennially => Some(36),
        BillingCycle::FreeAccount | BillingCycle::OneTime => None,
    }
}

/// The factor the import applies to 3, 6 and 12 months of a product's
/// monthly price (`pricing::product_cycles`: 3 %, 6 %, 12 % off); none for
/// the cycles it does not offer. A test holds the two together.
pub fn import_discount(cycle: BillingCycle) -> Option<Decimal> {
    match cycle {
        BillingCycle::Monthly => Some(Decimal::ONE),
        BillingCycle::Quarterly => Some(Decimal::new(97, 2)),
        BillingCycle::SemiAnnually => Some(Decimal::new(94, 2)),
        BillingCycle::Annually => Some(Decimal::new(88, 2)),
        _ => None,
    }
}

/// `amount` in `from` as the default currency: WHMCS's rates are units of a
/// currency per unit of the default one. None when `from` has no usable rate.
pub fn to_default(amount: Decimal, from: &Currency) -> Option<Decimal> {
    if from.default {
        return Some(amount);
    }
    if from.rate <= Decimal::ZERO {
        return None;
    }
    Some(amount / from.rate)
}

/// Money as the page shows it: 2 decimals, half away from zero.
pub fn shown(amount: Decimal) -> String {
    format!("{:.2}", crate::catalog::pricing::cents(amount))
}

/// A percentage with one decimal.
pub fn percent(amount: Decimal) -> String {
    format!(
        "{:.1}",
        amount.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::pricing::{Rounding, product_cycles};

    #[test]
    fn the_discounts_are_the_imports() {
        let prices = product_cycles(Decimal::ONE_HUNDRED, Rounding::None);
        for (cycle, price) in [
            (BillingCycle::Monthly, prices.monthly),
            (BillingCycle::Quarterly, prices.quarterly),
            (BillingCycle::SemiAnnually, prices.semiannually),
            (BillingCycle::Annually, prices.annually),
        ] {
            let months = Decimal::from(months(cycle).expect("recurs"));
            let factor = import_discount(cycle).expect("offered");
            assert_eq!(Decimal::ONE_HUNDRED * months * factor, price, "{cycle:?}");
        }
        assert_eq!(import_discount(BillingCycle::Biennially), None);
    }

    #[test]
    fn converts_through_the_rate_and_refuses_a_missing_one() {
        let usd = Currency {
            id: 2,
            code: "USD".into(),
            rate: Decimal::new(125, 2),
            default: false,
        };
        assert_eq!(to_default(Decimal::from(10), &usd), Some(Decimal::from(8)));
        let none = Currency {
            rate: Decimal::ZERO,
            ..usd
        };
        assert_eq!(to_default(Decimal::from(10), &none), None);
    }
}
