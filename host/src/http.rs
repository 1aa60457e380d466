//! `http` import: policy (scheme, allow-list, caps) first, then a backend.

use crate::bindings::http::{self, Error, Method, Request, Response};
use crate::policy;
use crate::state::HostState;
use std::time::Duration;

/// Sends requests that passed the policy.
pub trait HttpBackend: Send {
    fn send(
        &mut self,
        request: Request,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<Response, Error>;
}

impl http::Host for HostState {
    fn send(&mut self, request: Request) -> wasmtime::Result<Result<Response, Error>> {
        let uri: ureq::http::Uri = match request.url.parse() {
            Ok(uri) => uri,
            Err(_) => return Ok(Err(Error::InvalidUrl(request.url))),
        };
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Ok(Err(Error::InvalidUrl(request.url)));
        }
        let Some(host) = uri.host() else {
            return Ok(Err(Error::InvalidUrl(request.url)));
        };
        if let Err(refused) = policy::check_host(host, &self.limits.http_allow) {
            return Ok(Err(Error::HostNotAllowed(refused.to_string())));
        }
        let cap = self.limits.http_timeout;
        let timeout = request
            .timeout_ms
            .map_or(cap, |ms| Duration::from_millis(u64::from(ms)).min(cap));
        Ok(self.http.send(request, timeout, self.limits.http_max_bytes))
    }
}

/// The real client: ureq over rustls, no redirects followed (the API does not
/// redirect, and a redirect could leave the allow-list).
#[derive(Clone)]
pub struct UreqBackend {
    agent: ureq::Agent,
}

impl Default for UreqBackend {
    fn default() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("hostkeyresellermod")
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl HttpBackend for UreqBackend {
    fn send(
        &mut self,
        request: Request,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<Response, Error> {
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        };
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = builder
            .body(request.body)
            .map_err(|e| Error::InvalidUrl(e.to_string()))?;
        let configured = self
            .agent
            .configure_request(built)
            .timeout_global(Some(timeout))
            .build();
        let mut answer = self.agent.run(configured).map_err(transport_error)?;
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = answer
            .body_mut()
            .with_config()
            .limit(max_bytes)
            .read_to_vec()
            .map_err(transport_error)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

fn transport_error(error: ureq::Error) -> Error {
    match error {
        ureq::Error::Timeout(_) => Error::Timeout,
        ureq::Error::BodyExceedsLimit(_) => Error::TooLarge,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => Error::Timeout,
        other => Error::Transport(other.to_string()),
    }
}
