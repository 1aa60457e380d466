//! A monthly price per currency code, in the order the API lists them: the
//! first one is what a missing currency is converted from, and what the
//! public module sorts by.

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriceList(Vec<(String, Decimal)>);

impl PriceList {
    /// Later duplicates of a code are ignored (the first one wins, as in a JSON object).
    pub fn push(&mut self, code: String, amount: Decimal) {
        if self.get(&code).is_none() {
            self.0.push((code, amount));
        }
    }

    pub fn get(&self, code: &str) -> Option<Decimal> {
        self.0.iter().find(|(c, _)| c == code).map(|(_, a)| *a)
    }

    pub fn get_mut(&mut self, code: &str) -> Option<&mut Decimal> {
        self.0.iter_mut().find(|(c, _)| c == code).map(|(_, a)| a)
    }

    pub fn first(&self) -> Option<(&str, Decimal)> {
        self.0.first().map(|(c, a)| (c.as_str(), *a))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.0.iter().map(|(c, a)| (c.as_str(), *a))
    }
}

impl FromIterator<(String, Decimal)> for PriceList {
    fn from_iter<I: IntoIterator<Item = (String, Decimal)>>(iter: I) -> Self {
        let mut list = PriceList::default();
        for (code, amount) in iter {
            list.push(code, amount);
        }
        list
    }
}

impl<const N: usize> From<[(String, Decimal); N]> for PriceList {
    fn from(items: [(String, Decimal); N]) -> Self {
        items.into_iter().collect()
    }
}
