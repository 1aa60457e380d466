/// Why an API call failed, as one sentence; never holds a secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error(
        "The HOSTKEY API URL setting is not valid (it must look like {example}): {0}.",
        example = hostkey_facts::DEFAULT_API_URL
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
    #[error("The HOSTKEY API answered {call} without {field}, which the module needs.")]
    Missing { call: String, field: String },
    #[error("The HOSTKEY API refused {call}: {message}.")]
    Refused {
        call: String,
        message: String,
        code: Option<String>,
    },
}

impl ApiError {
    /// A passing fault: no answer in time, no connection, or HTTP 5xx/429.
    /// A refusal, a bad setting or an unreadable answer stays as it is.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Timeout { .. } | ApiError::Unreachable { .. } => true,
            ApiError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// A refusal that says the object is gone or was never there, in the
    /// words the terraform provider's `IsNotFound` (errors.go) looks for.
    pub fn is_not_found(&self) -> bool {
        let ApiError::Refused { message, .. } = self else {
            return false;
        };
        let message = message.to_ascii_lowercase();
        [
            "not found",
            "no such",
            "unknown server",
            "server not exist",
            "does not exist",
        ]
        .iter()
        .any(|words| message.contains(words))
    }

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

#[cfg(test)]
mod tests {
    use super::ApiError;

    #[test]
    fn only_passing_faults_are_retryable() {
        let call = || "eq/show".to_string();
        assert!(ApiError::Timeout { call: call() }.is_retryable());
        let unreachable = ApiError::Unreachable {
            call: call(),
            detail: "reset".into(),
        };
        assert!(unreachable.is_retryable());
        for status in [500, 502, 504, 429] {
            assert!(
                ApiError::Status {
                    call: call(),
                    status
                }
                .is_retryable(),
                "{status}"
            );
        }
        for status in [400, 401, 404] {
            assert!(
                !ApiError::Status {
                    call: call(),
                    status
                }
                .is_retryable(),
                "{status}"
            );
        }
        let refused = ApiError::Refused {
            call: call(),
            message: "no stock".into(),
            code: None,
        };
        assert!(!refused.is_retryable());
        assert!(!ApiError::Malformed { call: call() }.is_retryable());
        assert!(!ApiError::NoKey.is_retryable());
    }
}
