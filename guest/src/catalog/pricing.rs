//! Prices in decimal: currency conversion through WHMCS's rates, markup,
//! billing-cycle discounts and rounding, stored as WHMCS stores them (2 dp).

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// A row of `tblcurrencies`.
#[derive(Debug, Clone, PartialEq)]
pub struct Currency {
    pub id: i64,
    pub code: String,
    /// Units of this currency per unit of the default currency.
    pub rate: Decimal,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Markup {
    /// Percent of the base price.
    Percent(Decimal),
    /// A fixed amount in a WHMCS currency, converted into each price's currency.
    Fixed { amount: Decimal, currency: String },
}

/// Price steps: none, 0.1, 0.25, 0.5 or 1.0 (the original's 0, 10, 4, 2, 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    None,
    Steps(u32),
}

impl Rounding {
    /// From the original's stored number: 0, 10, 4, 2 or 1.
    pub fn from_setting(value: i64) -> Option<Self> {
        match value {
            0 => Some(Rounding::None),
            1 | 2 | 4 | 10 => u32::try_from(value).ok().map(Rounding::Steps),
            _ => None,
        }
    }

    pub fn setting(self) -> i64 {
        match self {
            Rounding::None => 0,
            Rounding::Steps(k) => i64::from(k),
        }
    }
}

/// -1.00: WHMCS's "this cycle is not offered".
pub fn not_offered() -> Decimal {
    Decimal::NEGATIVE_ONE
}

/// The six recurring prices of one pricing row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CyclePrices {
    pub monthly: Decimal,
    pub quarterly: Decimal,
    pub semiannually: Decimal,
    pub annually: Decimal,
    pub biennially: Decimal,
    pub triennially: Decimal,
}

impl CyclePrices {
    pub fn as_array(&self) -> [Decimal; 6] {
        [
            self.monthly,
            self.quarterly,
            self.semiannually,
            self.annually,
            self.biennially,
            self.triennially,
        ]
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

/// Money as WHMCS stores it: 2 decimals, half away from zero (PHP's round()).
pub fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub fn round(amount: Decimal, rounding: Rounding) -> Decimal {
    let stepped = match rounding {
        Rounding::None => amount,
        Rounding::Steps(k) => {
            let k = Decimal::from(k);
            (amount * k).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) / k
        }
    };
    cents(stepped)
}

/// `amount` in `from` expressed in `to`, through the default currency.
pub fn convert(amount: Decimal, from: &Currency, to: &Currency) -> Option<Decimal> {
    if from.id == to.id {
        return Some(amount);
    }
    if from.rate.is_zero() {
        return None;
    }
    Some(amount / from.rate * to.rate)
}

/// A base price in currency `to`: the API's own price in that currency if it
/// gave one, else the price in `preferred` (the currency asked for), else the
/// first price in a WHMCS currency, converted.
pub fn base_price(
    prices: &std::collections::BTreeMap<String, Decimal>,
    to: &Currency,
    preferred: &Currency,
    currencies: &[Currency],
) -> Option<Decimal> {
    if let Some(own) = prices.get(&to.code) {
        return Some(*own);
    }
    if let Some(amount) = prices.get(&preferred.code) {
        return convert(*amount, preferred, to);
    }
    prices.iter().find_map(|(code, amount)| {
        let from = currencies.iter().find(|c| &c.code == code)?;
        convert(*amount, from, to)
    })
}

pub fn with_markup(
    base: Decimal,
    markup: &Markup,
    to: &Currency,
    currencies: &[Currency],
) -> Option<Decimal> {
    match markup {
        Markup::Percent(percent) => Some(base * (Decimal::ONE + *percent / Decimal::ONE_HUNDRED)),
        Markup::Fixed { amount, currency } => {
            let from = currencies.iter().find(|c| &c.code == currency)?;
            Some(base + convert(*amount, from, to)?)
        }
    }
}

/// A product's cycles from its monthly price: 3, 6 and 12 months with 3 %, 6 %
/// and 12 % off, each rounded; two- and three-year cycles are not offered.
pub fn product_cycles(monthly: Decimal, rounding: Rounding) -> CyclePrices {
    CyclePrices {
        monthly: round(monthly, rounding),
        quarterly: round(monthly * Decimal::from(3) * dec("0.97"), rounding),
        semiannually: round(monthly * Decimal::from(6) * dec("0.94"), rounding),
        annually: round(monthly * Decimal::from(12) * dec("0.88"), rounding),
        biennially: not_offered(),
        triennially: not_offered(),
    }
}

/// An option's cycles: its monthly price times the months, no discount.
pub fn option_cycles(monthly: Decimal) -> CyclePrices {
    CyclePrices {
        monthly: cents(monthly),
        quarterly: cents(monthly * Decimal::from(3)),
        semiannually: cents(monthly * Decimal::from(6)),
        annually: cents(monthly * Decimal::from(12)),
        biennially: Decimal::ZERO,
        triennially: Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency {
            id: 1,
            code: "EUR".into(),
            rate: dec("1"),
            default: true,
        }
    }
    fn usd() -> Currency {
        Currency {
            id: 2,
            code: "USD".into(),
            rate: dec("1.08"),
            default: false,
        }
    }
    fn gbp() -> Currency {
        Currency {
            id: 3,
            code: "GBP".into(),
            rate: dec("0.86"),
            default: false,
        }
    }

    #[test]
    fn cycles_by_hand() {
        // 4.00 +10 % = 4.40; q 4.40*3*0.97 = 12.804 -> 12.80; s 4.40*6*0.94 = 24.816 -> 24.82;
        // a 4.40*12*0.88 = 46.464 -> 46.46
        let p = with_markup(dec("4.00"), &Markup::Percent(dec("10")), &eur(), &[eur()])
            .expect("markup");
        let c = product_cycles(p, Rounding::None);
        assert_eq!(
            c.as_array().map(|d| d.to_string()),
            ["4.40", "12.80", "24.82", "46.46", "-1", "-1"]
        );
    }

    #[test]
    fn every_rounding_mode() {
        let stored = |d: Decimal| format!("{d:.2}");
        let p = dec("4.13");
        assert_eq!(stored(round(p, Rounding::Steps(10))), "4.10");
        assert_eq!(stored(round(p, Rounding::Steps(4))), "4.25");
        assert_eq!(stored(round(p, Rounding::Steps(2))), "4.00");
        assert_eq!(stored(round(p, Rounding::Steps(1))), "4.00");
        assert_eq!(stored(round(dec("4.125"), Rounding::None)), "4.13");
        assert_eq!(stored(round(dec("4.75"), Rounding::Steps(2))), "5.00");
        assert_eq!(stored(round(dec("4.74"), Rounding::Steps(2))), "4.50");
    }

    #[test]
    fn conversion_and_fixed_markup_in_another_currency() {
        // 10 EUR in GBP = 8.60; +5 USD in GBP = 5/1.08*0.86 = 3.98148.. -> 12.58148.. -> 12.58
        let base = base_price(
            &[("EUR".to_string(), dec("10"))].into(),
            &gbp(),
            &eur(),
            &[eur(), usd(), gbp()],
        )
        .expect("converted");
        assert_eq!(base, dec("8.60"));
        let marked = with_markup(
            base,
            &Markup::Fixed {
                amount: dec("5"),
                currency: "USD".into(),
            },
            &gbp(),
            &[eur(), usd(), gbp()],
        )
        .expect("markup");
        assert_eq!(cents(marked).to_string(), "12.58");
    }

    #[test]
    fn the_apis_own_price_wins_over_conversion() {
        let prices = [
            ("EUR".to_string(), dec("10")),
            ("USD".to_string(), dec("11.99")),
        ]
        .into();
        assert_eq!(
            base_price(&prices, &usd(), &eur(), &[eur(), usd()]),
            Some(dec("11.99"))
        );
    }

    #[test]
    fn same_inputs_same_cents() {
        let a = product_cycles(dec("7.333333"), Rounding::Steps(4));
        let b = product_cycles(dec("7.333333"), Rounding::Steps(4));
        assert_eq!(a, b);
        assert_eq!(a.monthly.to_string(), "7.25");
    }
}
