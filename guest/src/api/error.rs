/// Why an API call failed, as one sentence; never holds a secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error(
        "The HOSTKEY API URL setting is not valid (it must look like https://invapi.hostkey.com/): {0}."
    )]
    BadUrl(String),
    #[error("No HOSTKEY API key is configured: enter it in the addon settings.")]
    NoKey,
    #[error("The host refused to let the module reach {0}: it is not on the HTTP allow-list.")]
    HostNotAllowed(String),
    #[error("The HOSTKEY API did not answer {call} in time.")]
    Timeout { call: String },
    #[error("The HOSTKEY API could not be reached for {call}: {detail}.")]
    Unreachable { call: String, detail: String },
    #[error("The HOSTKEY API answered {call} with HTTP status {status}.")]
    Status { call: String, status: u16 },
    #[error("The HOSTKEY API answered {call} with something that is not the expected JSON.")]
    Malformed { call: String },
    #[error("The HOSTKEY API refused {call}: {message}.")]
    Refused {
        call: String,
        message: String,
        code: Option<String>,
    },
}

impl ApiError {
    /// The API's way of saying the session token is no longer valid.
    pub fn is_stale_session(&self) -> bool {
        match self {
            ApiError::Status { status: 401, .. } => true,
            ApiError::Refused { message, code, .. } => {
                let message = message.to_ascii_lowercase();
                message.contains("invalid token")
                    || message.contains("invalid hash")
                    || code.as_deref() == Some("-2")
            }
            _ => false,
        }
    }
}
