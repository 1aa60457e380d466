//! The module's errors; each displays as one sentence for the admin.

use crate::api::ApiError;
use crate::capabilities::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    #[error("{0} is not implemented yet in this version of the module.")]
    NotImplemented(&'static str),
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
}

pub type ModuleResult<T> = Result<T, ModuleError>;
