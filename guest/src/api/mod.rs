//! The HOSTKEY "invapi" API client: typed requests and answers, the session
//! token, and the API's error envelope (docs: shared reference hostkey-api.md).

mod base_url;
mod client;
mod envelope;
mod error;
mod form;
mod types;

pub use base_url::ApiBase;
pub use client::ApiClient;
pub use error::ApiError;
pub use types::ClientInfo;
