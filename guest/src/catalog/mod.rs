//! The catalogue import: HOSTKEY presets become WHMCS product groups,
//! products, configurable options and prices; `clear` removes them again.

pub mod clear;
pub mod exclusive;
pub mod group;
pub mod html;
pub mod import;
pub mod limits;
pub mod outcome;
pub mod preset;
pub mod price_list;
pub mod pricing;
pub mod rows;
pub mod run;
pub mod run_kind;
pub mod settings;
pub mod specs;
pub mod sync;
pub mod target;
pub mod withdrawal;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
pub mod tests_support;
