//! The module's errors; each displays as one sentence for the admin.

use crate::api::ApiError;
use crate::capabilities::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("The WHMCS database refused a request: {0}.")]
    Database(#[from] DbError),
    #[error("WHMCS refused a request: {0}.")]
    Platform(String),
    /// Another run holds the catalogue lock; the sentence says since when.
    #[error("{0}")]
    Busy(String),
    /// The run would take more than the set share of the products on sale
    /// off sale and was not confirmed; nothing was written.
    #[error("{0}")]
    Withdrawal(String),
    /// Work left half-way for a passing reason (an order's answer was lost);
    /// the next try picks it up.
    #[error("{0}")]
    Unfinished(String),
}

impl ModuleError {
    /// Whether trying the same again later can help: HOSTKEY did not answer in
    /// time, could not be reached or answered 5xx/429, or another run holds
    /// the lock. Everything else needs a change first.
    pub fn is_retryable(&self) -> bool {
        match self {
            ModuleError::Busy(_) | ModuleError::Unfinished(_) => true,
            ModuleError::Api(error) => error.is_retryable(),
            _ => false,
        }
    }
}

pub type ModuleResult<T> = Result<T, ModuleError>;
