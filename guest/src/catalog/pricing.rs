//! Prices in decimal: currency conversion through WHMCS's rates, markup,
//! billing-cycle discounts and rounding, stored as WHMCS stores them (2 dp).

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

pub use super::price_list::PriceList;

/// The largest monthly price HOSTKEY may send: twelve of them still fit a
/// `decimal(16,2)` column (`limits::MAX_STORED`).
pub const MAX_MONTHLY: Decimal = Decimal::from_parts(2_303_726_933, 194_025, 0, false, 2);

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

/// The one table of rounding choices: the public module's stored factor k,
/// the step it means, and the admin page's label.
pub const ROUNDING_CHOICES: [(i64, &str, &str); 5] = [
    (0, "0", "No rounding"),
    (10, "0.1", "0.10"),
    (4, "0.25", "0.25"),
    (2, "0.5", "0.50"),
    (1, "1", "1.00"),
];

impl Rounding {
    /// From the original's stored number: 0, 10, 4, 2 or 1.
    pub fn from_setting(value: i64) -> Option<Self> {
        match value {
            0 => Some(Rounding::None),
            k if ROUNDING_CHOICES.iter().any(|(c, _, _)| *c == k) => {
                u32::try_from(k).ok().map(Rounding::Steps)
            }
            _ => None,
        }
    }

    /// From k (`4`) or the step (`0.25`), as written in a form or import.ini.
    pub fn parse(text: &str) -> Option<Self> {
        let normal = Decimal::from_str(text.trim()).ok()?.normalize().to_string();
        ROUNDING_CHOICES
            .iter()
            .find(|(k, step, _)| k.to_string() == normal || *step == normal)
            .and_then(|(k, _, _)| Self::from_setting(*k))
    }

    /// The step as the admin page shows it ("0.25"; "0" for none).
    pub fn step(self) -> &'static str {
        let k = self.setting();
        ROUNDING_CHOICES
            .iter()
            .find(|(c, _, _)| *c == k)
            .map_or("0", |(_, step, _)| step)
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

/// Decimal places kept before a price is rounded to its step. A conversion
/// through exchange rates can leave 1,373.62499…9 where the exact result is
/// 1,373.625 (28 significant digits run out); fixing the price to 10 places
/// first makes exact results exact, as PHP's `round()` does for the public
/// module with its pre-rounding.
pub const EXACT_PLACES: u32 = 10;

pub fn round(amount: Decimal, rounding: Rounding) -> Decimal {
    let amount =
        amount.round_dp_with_strategy(EXACT_PLACES, RoundingStrategy::MidpointAwayFromZero);
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
    // Multiply before dividing: 11.88 EUR at 0.92 into RUB at 92.5 stays exact.
    Some(amount * to.rate / from.rate)
}

/// A base price in currency `to`: the API's own price in that currency if it
/// gave one, else the first price it lists, converted (the public module's
/// rule; the API lists the currency it was asked for first).
pub fn base_price(prices: &PriceList, to: &Currency, currencies: &[Currency]) -> Option<Decimal> {
    if let Some(own) = prices.get(&to.code) {
        return Some(own);
    }
    let (code, amount) = prices.first()?;
    let from = currencies.iter().find(|c| c.code == code)?;
    convert(amount, from, to)
}

/// The base price with the markup. A free base stays free: a fixed markup is
/// not charged for a price of 0 (the public module's rule).
pub fn with_markup(
    base: Decimal,
    markup: &Markup,
    to: &Currency,
    currencies: &[Currency],
) -> Option<Decimal> {
    if base.is_zero() {
        return Some(base);
    }
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

/// An option's cycles: its monthly price times the months, no discount,
/// rounded to the same step as products; two- and three-year cycles are not
/// offered (the public module's rules, so an adopted catalogue keeps its prices).
pub fn option_cycles(monthly: Decimal, rounding: Rounding) -> CyclePrices {
    CyclePrices {
        monthly: round(monthly, rounding),
        quarterly: round(monthly * Decimal::from(3), rounding),
        semiannually: round(monthly * Decimal::from(6), rounding),
        annually: round(monthly * Decimal::from(12), rounding),
        biennially: not_offered(),
        triennially: not_offered(),
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
            base_price(&prices, &usd(), &[eur(), usd()]),
            Some(dec("11.99"))
        );
    }

    #[test]
    fn a_price_exactly_on_a_half_step_rounds_away_from_zero() {
        // 11.88 EUR +15 % in RUB (EUR 0.92, RUB 92.5 per USD) is exactly
        // 1,373.625: 1,373.75 at 0.25 steps, as the public module stores it.
        let eur = Currency {
            id: 1,
            code: "EUR".into(),
            rate: dec("0.92"),
            default: false,
        };
        let rub = Currency {
            id: 2,
            code: "RUB".into(),
            rate: dec("92.5"),
            default: false,
        };
        let all = [eur.clone(), rub.clone()];
        let base =
            base_price(&[("EUR".to_string(), dec("11.88"))].into(), &rub, &all).expect("converted");
        let marked = with_markup(base, &Markup::Percent(dec("15")), &rub, &all).expect("markup");
        assert_eq!(
            product_cycles(marked, Rounding::Steps(4)).monthly,
            dec("1373.75")
        );
        assert_eq!(
            product_cycles(marked, Rounding::None).monthly,
            dec("1373.63")
        );
        // Dividing first would leave 1,373.62499…9 and round down to 1,373.50.
        let divided_first = dec("11.88") / dec("0.92") * dec("92.5") * dec("1.15");
        assert_ne!(divided_first, dec("1373.625"));
        assert_eq!(round(divided_first, Rounding::Steps(4)), dec("1373.75"));
    }

    #[test]
    fn options_use_the_product_step_and_offer_no_long_cycles() {
        let c = option_cycles(dec("7.96296"), Rounding::Steps(4));
        assert_eq!(
            c.as_array().map(|d| format!("{d:.2}")),
            ["8.00", "24.00", "47.75", "95.50", "-1.00", "-1.00"]
        );
        let exact = option_cycles(dec("7.96296"), Rounding::None);
        assert_eq!(exact.monthly, dec("7.96"));
        assert_eq!(exact.annually, dec("95.56"));
    }

    #[test]
    fn a_free_base_stays_free_under_a_fixed_markup() {
        let fixed = Markup::Fixed {
            amount: dec("5"),
            currency: "EUR".into(),
        };
        assert_eq!(
            with_markup(Decimal::ZERO, &fixed, &eur(), &[eur()]),
            Some(Decimal::ZERO)
        );
        assert_eq!(
            with_markup(dec("1"), &fixed, &eur(), &[eur()]),
            Some(dec("6"))
        );
    }

    #[test]
    fn one_table_reads_k_and_steps_alike() {
        for (k, step, _) in ROUNDING_CHOICES {
            let rounding = Rounding::from_setting(k).expect("a choice");
            assert_eq!(Rounding::parse(&k.to_string()), Some(rounding), "k {k}");
            assert_eq!(Rounding::parse(step), Some(rounding), "step {step}");
            assert_eq!(rounding.step(), step);
        }
        assert_eq!(Rounding::parse("0.3"), None);
        assert_eq!(Rounding::parse("3"), None);
    }

    #[test]
    fn same_inputs_same_cents() {
        let a = product_cycles(dec("7.333333"), Rounding::Steps(4));
        let b = product_cycles(dec("7.333333"), Rounding::Steps(4));
        assert_eq!(a, b);
        assert_eq!(a.monthly.to_string(), "7.25");
    }
}
