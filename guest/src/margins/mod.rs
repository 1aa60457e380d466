//! The reseller's margin per live service: income from WHMCS, HOSTKEY's
//! cost (exact from the invoices the module paid, else estimated from the
//! catalogue), the Margins view, the warnings after a sync and the optional
//! repricing of existing services. docs/margins.md.

pub mod catalogue;
pub mod costs;
pub mod known;
pub mod money;
pub mod page;
pub mod paging;
pub mod paid;
pub mod report;
pub mod reprice;
pub mod view;
pub mod warn;

#[cfg(test)]
mod tests;
