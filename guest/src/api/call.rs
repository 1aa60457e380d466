//! Typed HOSTKEY calls: each request type names its module and action, says
//! whether it needs the session token and whether it may ever be sent twice,
//! and reads its answer with serde. The one way the module calls the API.

use super::ApiError;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// Whether a request may be repeated automatically after a stale session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads: one fresh login and one more try.
    AfterRelogin,
    /// Creates and payments: sent once; a failure (a timeout included) goes
    /// back to the caller, who decides from durable state (a double order
    /// costs money).
    Never,
}

/// Whether a request carries the session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// Logs in first when there is no token yet.
    Token,
    /// Public calls (`auth/login`, `presets/info`).
    Public,
}

/// One HOSTKEY API request and the answer it expects.
pub trait Call {
    const MODULE: &'static str;
    const ACTION: &'static str;
    const RETRY: Retry;
    const SESSION: Session = Session::Token;
    type Answer: DeserializeOwned;
    fn params(&self) -> Vec<(String, String)>;
}

/// What `send` needs of a session (`ApiClient`): a public POST, and one
/// with the token that logs in first and again as `retry` allows.
pub trait Transport {
    fn post(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Json, ApiError>;
    fn with_session(
        &mut self,
        module: &str,
        action: &str,
        params: &[(&str, &str)],
        retry: Retry,
    ) -> Result<Json, ApiError>;
}

/// Sends a typed call; a malformed answer is one sentence naming the call.
pub fn send<C: Call>(
    client: &mut (impl Transport + ?Sized),
    call: &C,
) -> Result<C::Answer, ApiError> {
    let params = call.params();
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answer = match C::SESSION {
        Session::Public => client.post(C::MODULE, C::ACTION, &pairs)?,
        Session::Token => client.with_session(C::MODULE, C::ACTION, &pairs, C::RETRY)?,
    };
    let call = format!("{}/{}", C::MODULE, C::ACTION);
    serde_json::from_value(answer).map_err(|error| match missing_field(&error) {
        Some(field) => ApiError::Missing { call, field },
        None => ApiError::Malformed { call },
    })
}

/// The field serde found missing: every other field reads leniently, so a
/// missing one is one the module cannot do without.
fn missing_field(error: &serde_json::Error) -> Option<String> {
    let text = error.to_string();
    let rest = text.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiClient;
    use crate::capabilities::http::HttpError;
    use crate::testing::{RecordingPlatform, ScriptedHttp};

    const LOGIN: &str = r#"{"result":{"token":"tok-0123456789abcdef"}}"#;
    const STALE: &str = r#"{"result":"error","message":"Invalid token","code":-2}"#;

    /// A request that creates something, as the shared mechanism sees it.
    struct Create;

    impl Call for Create {
        const MODULE: &'static str = "tags";
        const ACTION: &'static str = "add";
        const RETRY: Retry = Retry::Never;
        type Answer = Json;
        fn params(&self) -> Vec<(String, String)> {
            vec![("name".into(), "x".into())]
        }
    }

    /// A read.
    struct Read;

    impl Call for Read {
        const MODULE: &'static str = "tags";
        const ACTION: &'static str = "list";
        const RETRY: Retry = Retry::AfterRelogin;
        type Answer = Json;
        fn params(&self) -> Vec<(String, String)> {
            Vec::new()
        }
    }

    fn sent(http: &ScriptedHttp, action: &str) -> usize {
        http.bodies()
            .iter()
            .filter(|b| b.contains(&format!("action={action}")))
            .count()
    }

    fn client<'a>(
        http: &'a mut ScriptedHttp,
        platform: &'a mut RecordingPlatform,
    ) -> ApiClient<'a> {
        ApiClient::new(
            http,
            platform,
            "https://invapi.hostkey.com/",
            "key-0123456789",
        )
        .expect("client")
    }

    #[test]
    fn a_create_that_times_out_is_sent_once_and_the_timeout_says_so() {
        let mut http = ScriptedHttp::default()
            .json(LOGIN)
            .fail(HttpError::Timeout)
            .json("{}");
        let mut platform = RecordingPlatform::default();
        let mut api = client(&mut http, &mut platform);
        let error = send(&mut api, &Create).expect_err("times out");
        assert_eq!(
            error,
            ApiError::Timeout {
                call: "tags/add".into()
            }
        );
        assert!(error.is_retryable(), "the caller may decide to try later");
        drop(api);
        assert_eq!(sent(&http, "add"), 1, "never sent again by the client");
    }

    #[test]
    fn a_stale_session_renews_a_read_but_never_resends_a_create() {
        let mut http = ScriptedHttp::default()
            .json(LOGIN)
            .json(STALE)
            .json(LOGIN)
            .json(r#"{"result":"OK","tags":[]}"#)
            .json(STALE);
        let mut platform = RecordingPlatform::default();
        let mut api = client(&mut http, &mut platform);
        send(&mut api, &Read).expect("renewed and read");
        assert!(send(&mut api, &Create).is_err());
        drop(api);
        assert_eq!(
            sent(&http, "list"),
            2,
            "the read went again after a fresh login"
        );
        assert_eq!(sent(&http, "add"), 1);
        assert_eq!(sent(&http, "login"), 2);
    }
}
