//! Outgoing HTTP (the `http` interface).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timeout_ms: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    #[error("the host is not allowed: {0}")]
    HostNotAllowed(String),
    #[error("the URL is not valid: {0}")]
    InvalidUrl(String),
    #[error("no answer within the timeout")]
    Timeout,
    #[error("the connection failed: {0}")]
    Transport(String),
    #[error("the answer was too large")]
    TooLarge,
    #[error("{0}")]
    Other(String),
}

pub trait Http {
    fn send(&mut self, request: Request) -> Result<Response, HttpError>;
}
