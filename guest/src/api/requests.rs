//! The typed requests of the session, the account and the catalogue (the
//! order lifecycle's are in `orders::hostkey`).

use super::call::{Call, Retry, Session};
use super::types::ClientInfo;
use serde::Deserialize;
use serde_json::Value as Json;

/// `auth/login`: a fresh session token. The key goes in the POST body, never
/// in a URL that proxies and servers log.
pub struct Login {
    pub key: String,
}

/// The token, as `result.token` or a top-level `token`.
#[derive(Debug, Clone, Deserialize)]
pub struct LoginAnswer {
    #[serde(default)]
    result: Json,
    #[serde(default)]
    token: Option<String>,
}

impl LoginAnswer {
    pub fn token(&self) -> Option<&str> {
        self.result
            .get("token")
            .and_then(Json::as_str)
            .or(self.token.as_deref())
            .filter(|t| !t.is_empty())
    }
}

impl Call for Login {
    const MODULE: &'static str = "auth";
    const ACTION: &'static str = "login";
    const RETRY: Retry = Retry::Never;
    const SESSION: Session = Session::Public;
    type Answer = LoginAnswer;
    fn params(&self) -> Vec<(String, String)> {
        vec![("key".into(), self.key.clone())]
    }
}

/// `whmcs/get_client`: the reseller's own account.
pub struct GetClient;

#[derive(Debug, Clone, Deserialize)]
pub struct GetClientAnswer {
    pub client: ClientInfo,
}

impl Call for GetClient {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "get_client";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = GetClientAnswer;
    fn params(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// `presets/info`: the public catalogue, priced in `currency` (a code).
pub struct PresetsInfo {
    pub currency: String,
}

/// The presets as sent; `catalog::preset` reads them one by one, so one bad
/// preset is skipped instead of refusing the whole catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct PresetsAnswer {
    #[serde(default)]
    pub presets: Json,
}

impl Call for PresetsInfo {
    const MODULE: &'static str = "presets";
    const ACTION: &'static str = "info";
    const RETRY: Retry = Retry::AfterRelogin;
    const SESSION: Session = Session::Public;
    type Answer = PresetsAnswer;
    fn params(&self) -> Vec<(String, String)> {
        vec![("currencies".into(), self.currency.clone())]
    }
}
