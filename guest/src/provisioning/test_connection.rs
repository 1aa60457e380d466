//! `_TestConnection`: log in with the configured key and name the account.

use crate::api::{ApiBase, ApiClient, ApiError};
use crate::capabilities::{Db, Http, Platform};
use crate::error::ModuleResult;
use crate::schema::settings::Settings;

/// The `tblservers` row WHMCS tests; its password, if set, is the API key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerParams {
    pub hostname: String,
    pub ip_address: String,
    pub password: String,
    pub secure: bool,
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionReport {
    pub api_url: String,
    pub account_email: String,
    /// None when HOSTKEY names no currency.
    pub currency_code: Option<String>,
    pub summary: String,
}

/// Where to connect and with which key: a server row with a password wins,
/// the addon settings otherwise.
fn target(server: Option<&ServerParams>, settings: &Settings) -> (String, String) {
    match server {
        Some(s) if !s.password.trim().is_empty() => {
            let host = if s.hostname.trim().is_empty() {
                s.ip_address.trim()
            } else {
                s.hostname.trim()
            };
            if host.is_empty() {
                return (settings.api_url.clone(), s.password.clone());
            }
            let scheme = if s.secure { "https" } else { "http" };
            let url = match s.port {
                Some(port) if port != 0 && port != 80 && port != 443 => {
                    format!("{scheme}://{host}:{port}/")
                }
                _ => format!("{scheme}://{host}/"),
            };
            (url, s.password.clone())
        }
        _ => (settings.api_url.clone(), settings.api_key.clone()),
    }
}

pub fn test_connection(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    server: Option<&ServerParams>,
) -> ModuleResult<ConnectionReport> {
    let settings = Settings::load(db)?;
    let (url, key) = target(server, &settings);
    let mut client = ApiClient::new(http, &mut *platform, &url, &key)?;
    client.login()?;
    let account = client.client_info()?;
    let base: ApiBase = client.base().clone();
    drop(client);
    let currency = Some(account.currency_code.clone()).filter(|code| !code.is_empty());
    if account.email.is_empty() {
        return Err(ApiError::Malformed {
            call: "whmcs/get_client".into(),
        }
        .into());
    }
    let report = ConnectionReport {
        api_url: base.as_str().to_string(),
        summary: format!(
            "Connected to the HOSTKEY API at {} as {} (account currency {}).",
            base.host(),
            account.email,
            currency.as_deref().unwrap_or("unknown")
        ),
        account_email: account.email,
        currency_code: currency,
    };
    // WHMCS shows only "success"; the activity log keeps which account it was.
    platform.activity_log(
        &format!("HOSTKEY connection test: {}", report.summary),
        None,
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::http::HttpError;
    use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};

    const KEY: &str = "hk-secret-key-0123456789";
    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn configured_db() -> MemoryDb {
        let mut db = MemoryDb::whmcs();
        db.settings(&[("apiurl", "http://127.0.0.1:8099/api/"), ("apikey", KEY)]);
        db
    }

    fn login_ok() -> String {
        format!(r#"{{"result":{{"token":"{TOKEN}","servers":["1"]}}}}"#)
    }

    const CLIENT_OK: &str =
        r#"{"result":"success","client":{"email":"reseller@example.test","currency_code":"EUR"}}"#;

    #[test]
    fn reports_the_account_and_keeps_secrets_out_of_logs() {
        let mut db = configured_db();
        let mut http = ScriptedHttp::default().json(&login_ok()).json(CLIENT_OK);
        let mut platform = RecordingPlatform::default();
        let report = test_connection(&mut db, &mut http, &mut platform, None).expect("connects");
        assert_eq!(report.account_email, "reseller@example.test");
        assert_eq!(report.currency_code.as_deref(), Some("EUR"));
        assert_eq!(
            report.summary,
            "Connected to the HOSTKEY API at 127.0.0.1 as reseller@example.test (account currency EUR)."
        );
        assert_eq!(http.requests[0].url, "http://127.0.0.1:8099/api/auth.php");
        assert_eq!(http.requests[1].url, "http://127.0.0.1:8099/api/whmcs.php");
        assert!(http.bodies()[1].contains(&format!("token={TOKEN}")));
        let logged = platform.all_logged_text();
        assert_eq!(platform.module_log.len(), 2);
        assert!(
            !logged.contains(KEY) && !logged.contains(TOKEN),
            "secret in log: {logged}"
        );
        assert!(platform.module_log[0].mask.contains(&KEY.to_string()));
        assert_eq!(
            platform.activity_log,
            vec![(format!("HOSTKEY connection test: {}", report.summary), None)]
        );
    }

    #[test]
    fn a_key_and_token_that_url_encoding_changes_are_masked_in_every_form() {
        const ODD_KEY: &str = "Sk/3cr3t+K3y=Qz 7";
        const ODD_TOKEN: &str = "t0k/en+=";
        let mut db = MemoryDb::whmcs();
        db.settings(&[
            ("apiurl", "http://127.0.0.1:8099/api/"),
            ("apikey", ODD_KEY),
        ]);
        let login = serde_json::json!({"result": {"token": ODD_TOKEN}}).to_string();
        // The API echoes what it was sent, form-encoded and JSON-escaped.
        let echo = r#"{"result":"success","client":{"email":"r@example.test","currency_code":"EUR"},"debug":"key=Sk%2f3cr3t%2bK3y%3dQz%207 token=t0k%2Fen%2B%3D json=Sk\/3cr3t+K3y=Qz 7"}"#;
        let mut http = ScriptedHttp::default().json(&login).json(echo);
        let mut platform = RecordingPlatform::default();
        test_connection(&mut db, &mut http, &mut platform, None).expect("connects");
        assert!(http.bodies()[0].contains("key=Sk%2F3cr3t%2BK3y%3DQz+7"));
        let logged = platform.all_logged_text();
        for leak in [
            ODD_KEY,
            "Sk%2F3cr3t%2BK3y%3DQz+7",
            "Sk%2f3cr3t%2bK3y%3dQz%207",
            "Sk\\/3cr3t",
            ODD_TOKEN,
            "t0k%2Fen%2B%3D",
            "t0k\\/en",
        ] {
            assert!(!logged.contains(leak), "{leak} in the log: {logged}");
        }
        for entry in &platform.module_log {
            for form in [
                "Sk%2F3cr3t%2BK3y%3DQz+7",
                "Sk%2F3cr3t%2BK3y%3DQz%207",
                "Sk\\/3cr3t+K3y=Qz 7",
            ] {
                assert!(
                    entry.mask.iter().any(|m| m == form),
                    "{form} not in WHMCS's mask list"
                );
            }
        }
        assert!(
            platform.module_log[1]
                .mask
                .iter()
                .any(|m| m == "t0k%2Fen%2B%3D")
        );
    }

    #[test]
    fn a_bad_key_is_one_sentence_without_the_key() {
        let mut db = configured_db();
        let refusal =
            format!(r#"{{"result":-1,"error":"Invalid API key {KEY}","code":"INVALID_KEY"}}"#);
        let mut http = ScriptedHttp::default().json(&refusal);
        let mut platform = RecordingPlatform::default();
        let error = test_connection(&mut db, &mut http, &mut platform, None).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "The HOSTKEY API refused auth/login: Invalid API key ***."
        );
    }

    #[test]
    fn timeouts_http_errors_and_garbage_are_sentences() {
        let cases = [
            (
                ScriptedHttp::default().fail(HttpError::Timeout),
                "The HOSTKEY API did not answer auth/login in time.",
            ),
            (
                ScriptedHttp::default().status(502, "<html>Bad gateway</html>"),
                "The HOSTKEY API answered auth/login with HTTP status 502.",
            ),
            (
                ScriptedHttp::default().json("{not json"),
                "The HOSTKEY API answered auth/login with something that is not the expected JSON.",
            ),
            (
                ScriptedHttp::default().json(r#"{"result":{"no_token":1}}"#),
                "The HOSTKEY API answered auth/login without the session token, which the module needs.",
            ),
            (
                ScriptedHttp::default()
                    .json(&login_ok())
                    .json(r#"{"result":"success"}"#),
                "The HOSTKEY API answered whmcs/get_client without client, which the module needs.",
            ),
        ];
        for (mut http, expected) in cases {
            let mut db = configured_db();
            let error =
                test_connection(&mut db, &mut http, &mut RecordingPlatform::default(), None)
                    .expect_err("fails");
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn no_key_is_reported_before_any_request() {
        let mut db = MemoryDb::whmcs();
        let mut http = ScriptedHttp::default();
        let error = test_connection(&mut db, &mut http, &mut RecordingPlatform::default(), None)
            .expect_err("no key");
        assert_eq!(
            error.to_string(),
            "No HOSTKEY API key is configured: enter it in the addon settings."
        );
        assert!(http.requests.is_empty());
    }

    #[test]
    fn a_server_row_with_a_password_is_used_instead_of_the_settings() {
        let mut db = configured_db();
        let mut http = ScriptedHttp::default().json(&login_ok()).json(CLIENT_OK);
        let server = ServerParams {
            hostname: "invapi.hostkey.ru".into(),
            password: "other-key".into(),
            secure: true,
            ..ServerParams::default()
        };
        test_connection(
            &mut db,
            &mut http,
            &mut RecordingPlatform::default(),
            Some(&server),
        )
        .expect("connects");
        assert_eq!(http.requests[0].url, "https://invapi.hostkey.ru/auth.php");
        assert!(http.bodies()[0].contains("key=other-key"));
    }

    #[test]
    fn a_stale_token_is_renewed_once() {
        let mut db = configured_db();
        let mut http = ScriptedHttp::default()
            .json(&login_ok())
            .json(r#"{"code":-2,"message":"Invalid token"}"#)
            .json(&login_ok())
            .json(CLIENT_OK);
        test_connection(&mut db, &mut http, &mut RecordingPlatform::default(), None)
            .expect("renewed");
        assert_eq!(http.requests.len(), 4);
    }
}
