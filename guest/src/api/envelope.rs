//! The API's error envelope, read as HOSTKEY's own client reads it (the
//! terraform providers' `decodeAPIError`, errors.go; the `-com` twin's
//! `resultFieldError` adds "success" and "Not ready"). Errors come with
//! HTTP 200; an answer is an error when
//! - `result` is a string other than "OK", "success", "Not ready" or "";
//! - `result` is a number other than 0 and 1;
//! - `code` is present and neither 0 nor null (`{"code":1,"error":"boom"}`,
//!   `{"code":-2,"message":"Invalid token"}`, `"code":"NO_APPROPRIATE_SERVERS"`);
//! - or it carries a non-empty `message` or `error` (a bare `{"message":..}`).
//!
//! `result` as an object (login) or any other type says nothing either way.

use super::ApiError;
use serde_json::Value as Json;

fn text(answer: &Json, key: &str) -> Option<String> {
    answer
        .get(key)
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('.').to_string())
}

/// `message`, else `error` (as the provider), else the DOCS' `description`.
fn reason(answer: &Json) -> Option<String> {
    text(answer, "message")
        .or_else(|| text(answer, "error"))
        .or_else(|| text(answer, "description"))
}

fn code(answer: &Json) -> Option<String> {
    match answer.get("code")? {
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// The `result` that is not a success, as text for the sentence.
fn failed_result(answer: &Json) -> Option<String> {
    match answer.get("result")? {
        Json::String(s) => {
            let lower = s.trim().to_ascii_lowercase();
            (!matches!(lower.as_str(), "ok" | "success" | "not ready" | "")).then(|| s.clone())
        }
        Json::Number(n) => {
            (!matches!(n.as_f64().map(|f| f as i64), Some(0 | 1))).then(|| n.to_string())
        }
        _ => None,
    }
}

fn failed_code(answer: &Json) -> bool {
    match answer.get("code") {
        None | Some(Json::Null) => false,
        Some(Json::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}

/// Checks an answer; returns it when it is a success.
pub fn check(call: &str, answer: Json) -> Result<Json, ApiError> {
    if !answer.is_object() {
        return Err(ApiError::Malformed { call: call.into() });
    }
    let result = failed_result(&answer);
    let message = reason(&answer);
    if result.is_some() || failed_code(&answer) || message.is_some() {
        let message = message
            .or_else(|| result.map(|r| format!("result {r}")))
            .unwrap_or_else(|| "no reason given".into());
        return Err(ApiError::Refused {
            call: call.into(),
            message,
            code: code(&answer),
        });
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn successes_in_every_shape() {
        for answer in [
            json!({"result": "OK"}),
            json!({"result": "success", "invoices": {"invoice": []}}),
            json!({"result": {"token": "t"}}),
            json!({"token": "t", "token_expire": 9}),
            json!({"result": "Not ready", "key": "k"}),
            json!({"result": 1}),
            json!({"result": "OK", "code": 0}),
            json!({"result": "OK", "code": null, "message": ""}),
        ] {
            assert!(check("x/y", answer.clone()).is_ok(), "{answer}");
        }
    }

    #[test]
    fn errors_in_every_shape() {
        let refused = check(
            "auth/login",
            json!({"result": -1, "error": "No appropriate servers found", "code": "NO_APPROPRIATE_SERVERS"}),
        );
        assert_eq!(
            refused,
            Err(ApiError::Refused {
                call: "auth/login".into(),
                message: "No appropriate servers found".into(),
                code: Some("NO_APPROPRIATE_SERVERS".into())
            })
        );
        let stale =
            check("eq/show", json!({"code": -2, "message": "Invalid token"})).expect_err("refused");
        assert!(stale.is_stale_session());
        let boom = check(
            "whmcs/request_cancellation",
            json!({"code": 1, "error": "boom"}),
        );
        assert_eq!(
            boom,
            Err(ApiError::Refused {
                call: "whmcs/request_cancellation".into(),
                message: "boom".into(),
                code: Some("1".into())
            })
        );
        let bare = check("eq/show", json!({"message": "Server not found"})).expect_err("refused");
        assert!(bare.is_not_found());
        for answer in [
            json!({"result": "ERROR", "message": "not enough funds"}),
            json!({"result": "error"}),
            json!({"result": -1}),
            json!({"result": "OK", "code": 200}),
            json!({"result": "OK", "error": "partly"}),
        ] {
            assert!(check("whmcs/x", answer.clone()).is_err(), "{answer}");
        }
        assert!(check("whmcs/x", json!([1, 2])).is_err());
    }
}
