//! The HOSTKEY "invapi" API client: typed requests and answers, the session
//! token, and the API's error envelope (docs: shared reference hostkey-api.md).

mod base_url;
mod call;
mod client;
#[cfg(test)]
mod corpus;
mod envelope;
mod error;
mod form;
pub mod lenient;
mod requests;
mod types;

pub use base_url::ApiBase;
pub use call::{Call, Retry, Session, send};
pub use client::{ApiClient, Handoff};
pub use error::ApiError;
pub use requests::{GetClient, Login, PresetsInfo};
pub use types::ClientInfo;
