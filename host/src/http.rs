//! `http` import: policy (scheme, allow-list, caps) first, then a backend.

pub use crate::backends::HttpBackend;
use crate::bindings::http::{self, Error, Method, Request, Response};
use crate::policy;
use crate::state::HostState;
use std::time::{Duration, Instant};

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
        let timeout = request_timeout(
            request.timeout_ms,
            self.limits.http_timeout,
            self.limits.deadline,
        );
        if timeout.is_zero() {
            return Ok(Err(Error::Timeout));
        }
        Ok(self.http.send(request, timeout, self.limits.http_max_bytes))
    }
}

/// How long one request may wait: what it asks for, capped by the host's
/// per-request limit and by what remains of the call's wall-clock limit (the
/// epoch deadline cannot interrupt a host function that waits on a socket).
fn request_timeout(asked_ms: Option<u32>, cap: Duration, deadline: Instant) -> Duration {
    let asked = asked_ms.map_or(cap, |ms| Duration::from_millis(u64::from(ms)));
    asked
        .min(cap)
        .min(deadline.saturating_duration_since(Instant::now()))
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
            .user_agent(hostkey_facts::MODULE_NAME)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remaining_call_time_caps_the_request_timeout() {
        let cap = Duration::from_secs(20);
        let soon = Instant::now() + Duration::from_millis(300);
        assert!(request_timeout(None, cap, soon) <= Duration::from_millis(300));
        assert!(request_timeout(Some(10_000), cap, soon) <= Duration::from_millis(300));
        let later = Instant::now() + Duration::from_secs(600);
        assert_eq!(
            request_timeout(Some(1_000), cap, later),
            Duration::from_secs(1)
        );
        assert_eq!(request_timeout(None, cap, later), cap);
        let past = Instant::now()
            .checked_sub(Duration::from_millis(1))
            .unwrap_or_else(Instant::now);
        assert!(request_timeout(None, cap, past).is_zero());
    }
}
