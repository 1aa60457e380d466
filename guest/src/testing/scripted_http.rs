use crate::capabilities::Http;
use crate::capabilities::http::{HttpError, Request, Response};
use std::collections::VecDeque;

/// Answers from a queue and keeps every request.
#[derive(Debug, Default)]
pub struct ScriptedHttp {
    replies: VecDeque<Result<Response, HttpError>>,
    pub requests: Vec<Request>,
}

impl ScriptedHttp {
    pub fn json(mut self, body: &str) -> Self {
        self.replies.push_back(Ok(Response {
            status: 200,
            body: body.as_bytes().to_vec(),
        }));
        self
    }

    pub fn status(mut self, status: u16, body: &str) -> Self {
        self.replies.push_back(Ok(Response {
            status,
            body: body.as_bytes().to_vec(),
        }));
        self
    }

    pub fn fail(mut self, error: HttpError) -> Self {
        self.replies.push_back(Err(error));
        self
    }

    /// The form bodies sent, as text.
    pub fn bodies(&self) -> Vec<String> {
        self.requests
            .iter()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect()
    }
}

impl Http for ScriptedHttp {
    fn send(&mut self, request: Request) -> Result<Response, HttpError> {
        self.requests.push(request);
        self.replies
            .pop_front()
            .unwrap_or(Err(HttpError::Other("no scripted reply left".into())))
    }
}
