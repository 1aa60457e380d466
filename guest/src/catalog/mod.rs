//! The catalogue import: HOSTKEY presets become WHMCS product groups,
//! products, configurable options and prices; `clear` removes them again.

pub mod clear;
pub mod exclusive;
pub mod group;
pub mod import;
pub mod outcome;
pub mod preset;
pub mod pricing;
pub mod rows;
pub mod settings;
pub mod specs;
pub mod sync;
pub mod target;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub mod tests_support;
