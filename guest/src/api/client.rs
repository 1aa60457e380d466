use super::call::{Retry, Transport, send};
use super::requests::{GetClient, Login};
use super::{ApiBase, ApiError, ClientInfo, envelope, form};
use crate::capabilities::http::{HttpError, Method, Request};
use crate::capabilities::platform::ModuleLogEntry;
use crate::capabilities::{Http, Platform};
use crate::secrets;
use serde_json::Value as Json;

/// How much of an answer the module log keeps: a catalogue is megabytes.
const LOGGED_ANSWER_BYTES: usize = 64 * 1024;

fn clip(text: &str) -> String {
    if text.len() <= LOGGED_ANSWER_BYTES {
        return text.to_string();
    }
    let mut end = LOGGED_ANSWER_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &text[..end], text.len())
}

/// One API session carried between the clients of one cron run: each client
/// borrows the capabilities in turn, so the session, not the client, is what
/// the run keeps (no `Debug`: it holds the token).
#[derive(Default)]
pub struct Handoff {
    token: Option<String>,
    timeout_ms: Option<u32>,
}

impl Handoff {
    /// The longest each request of the next clients may wait.
    pub fn set_timeout_ms(&mut self, timeout_ms: Option<u32>) {
        self.timeout_ms = timeout_ms;
    }
}

/// One session with the API: logs in lazily, logs in again once when the
/// token goes stale, logs every call with its secrets masked.
pub struct ApiClient<'a> {
    http: &'a mut dyn Http,
    platform: &'a mut dyn Platform,
    base: ApiBase,
    key: String,
    token: Option<String>,
    timeout_ms: Option<u32>,
    /// Other secrets a call carries (a root password): masked like the key.
    extra_secrets: Vec<String>,
}

impl<'a> ApiClient<'a> {
    pub fn new(
        http: &'a mut dyn Http,
        platform: &'a mut dyn Platform,
        api_url: &str,
        api_key: &str,
    ) -> Result<Self, ApiError> {
        let base = ApiBase::parse(api_url)?;
        let key = api_key.trim().to_string();
        if key.is_empty() {
            return Err(ApiError::NoKey);
        }
        Ok(Self {
            http,
            platform,
            base,
            key,
            token: None,
            timeout_ms: None,
            extra_secrets: Vec::new(),
        })
    }

    /// The longest each request may wait from now on (none: the host's limit).
    pub fn set_timeout_ms(&mut self, timeout_ms: Option<u32>) {
        self.timeout_ms = timeout_ms;
    }

    /// One more value to mask wherever this client logs or reports.
    pub fn add_secret(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.extra_secrets.push(secret.to_string());
        }
    }

    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Takes up the session (and request limit) an earlier client of the same
    /// run handed on; without a token it logs in at its first call as ever.
    pub fn resume(&mut self, handoff: &Handoff) {
        if handoff.token.is_some() {
            self.token.clone_from(&handoff.token);
        }
        self.timeout_ms = handoff.timeout_ms;
    }

    /// Hands this client's session on to the run's next client.
    pub fn hand_off(&self, handoff: &mut Handoff) {
        if self.token.is_some() {
            handoff.token.clone_from(&self.token);
        }
    }

    /// Whether a session token is held (from a login or a handoff).
    pub fn has_session(&self) -> bool {
        self.token.is_some()
    }

    /// `auth/login`: a fresh session token.
    pub fn login(&mut self) -> Result<(), ApiError> {
        let answer = send(
            self,
            &Login {
                key: self.key.clone(),
            },
        )?;
        let token = answer.token().ok_or_else(|| ApiError::Missing {
            call: "auth/login".into(),
            field: "the session token".into(),
        })?;
        self.token = Some(token.to_string());
        Ok(())
    }

    /// `whmcs/get_client`: the reseller's own account.
    pub fn client_info(&mut self) -> Result<ClientInfo, ApiError> {
        send(self, &GetClient).map(|answer| answer.client)
    }

    /// A call with the session token (logging in first when there is none);
    /// `Retry::AfterRelogin` allows one fresh login and a second try after a
    /// stale session (never for what creates or pays).
    pub(super) fn with_session(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
        retry: Retry,
    ) -> Result<Json, ApiError> {
        if self.token.is_none() {
            self.login()?;
        }
        match self.call_with_token(module, action, params) {
            Err(error) if retry == Retry::AfterRelogin && error.is_stale_session() => {
                self.login()?;
                self.call_with_token(module, action, params)
            }
            other => other,
        }
    }

    fn call_with_token(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Json, ApiError> {
        let token = self.token.clone().unwrap_or_default();
        let mut with_token: Vec<(&str, &str)> = params.to_vec();
        with_token.push(("token", token.as_str()));
        self.post(module, action, &with_token)
    }

    fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![self.key.clone()];
        secrets.extend(self.token.clone());
        secrets.extend(self.extra_secrets.iter().cloned());
        secrets
    }

    fn mask(&self, text: &str) -> String {
        secrets::mask(text, &self.secrets())
    }

    /// One POST of `action` to `module`, logged with its secrets masked.
    pub(super) fn post(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Json, ApiError> {
        let call = format!("{module}/{action}");
        let mut pairs = vec![("action", action)];
        pairs.extend_from_slice(params);
        let body = form::encode(&pairs);
        let request = Request {
            method: Method::Post,
            url: self.base.endpoint(module),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: body.clone().into_bytes(),
            timeout_ms: self.timeout_ms,
        };
        let sent = self.http.send(request);
        let (outcome, response_text) = match sent {
            Err(error) => (Err(self.transport_error(&call, error)), String::new()),
            Ok(response) => {
                let text = String::from_utf8_lossy(&response.body).into_owned();
                (self.interpret(&call, response.status, &response.body), text)
            }
        };
        // A new token is masked too, before the response reaches any log.
        let token = outcome.as_ref().ok().and_then(|answer| {
            answer
                .get("result")?
                .get("token")?
                .as_str()
                .map(String::from)
        });
        if token.is_some() {
            self.token = token;
        }
        // So is a new per-server API key (`api_keys/add` answers it once).
        let new_key = outcome.as_ref().ok().and_then(|answer| {
            answer
                .get("data")?
                .get("api_key")?
                .as_str()
                .map(String::from)
        });
        if let Some(key) = new_key {
            self.add_secret(&key);
        }
        self.log(&call, &body, &response_text, &outcome);
        outcome.map_err(|e| self.scrub(e))
    }

    fn interpret(&self, call: &str, status: u16, body: &[u8]) -> Result<Json, ApiError> {
        match serde_json::from_slice::<Json>(body) {
            Ok(answer) if answer.is_object() => envelope::check(call, answer),
            _ if !(200..300).contains(&status) => Err(ApiError::Status {
                call: call.into(),
                status,
            }),
            _ => Err(ApiError::Malformed { call: call.into() }),
        }
    }

    fn transport_error(&self, call: &str, error: HttpError) -> ApiError {
        match error {
            HttpError::Timeout => ApiError::Timeout { call: call.into() },
            HttpError::HostNotAllowed(host) => ApiError::HostNotAllowed(host),
            HttpError::InvalidUrl(_) => ApiError::BadUrl(self.base.as_str().to_string()),
            other => ApiError::Unreachable {
                call: call.into(),
                detail: other.to_string(),
            },
        }
    }

    /// The API may echo what it was sent; nothing secret leaves in an error.
    fn scrub(&self, error: ApiError) -> ApiError {
        match error {
            ApiError::Refused {
                call,
                message,
                code,
            } => ApiError::Refused {
                call,
                message: self.mask(&message),
                code,
            },
            ApiError::Unreachable { call, detail } => ApiError::Unreachable {
                call,
                detail: self.mask(&detail),
            },
            other => other,
        }
    }

    fn log(&mut self, call: &str, request: &str, response: &str, outcome: &Result<Json, ApiError>) {
        let processed = match outcome {
            Ok(_) => "ok".to_string(),
            Err(error) => error.to_string(),
        };
        let entry = ModuleLogEntry {
            action: call.to_string(),
            request: self.mask(request),
            response: self.mask(&clip(response)),
            processed: self.mask(&processed),
            mask: secrets::mask_list(&self.secrets()),
        };
        self.platform.module_log(entry);
    }
}

impl Transport for ApiClient<'_> {
    fn post(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Json, ApiError> {
        ApiClient::post(self, module, action, params)
    }

    fn with_session(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
        retry: Retry,
    ) -> Result<Json, ApiError> {
        ApiClient::with_session(self, module, action, params, retry)
    }
}
