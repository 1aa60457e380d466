//! The API's answers are not uniform: `result` is "OK", "success", an
//! object (login) or a negative number; errors come with HTTP 200.

use super::ApiError;
use serde_json::Value as Json;

fn reason(answer: &Json) -> String {
    ["message", "error", "description"]
        .iter()
        .filter_map(|k| answer.get(*k))
        .find_map(|v| {
            v.as_str()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().trim_end_matches('.').to_string())
        })
        .unwrap_or_else(|| "no reason given".into())
}

fn code(answer: &Json) -> Option<String> {
    match answer.get("code")? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Checks an answer; returns it when it is a success.
pub fn check(call: &str, answer: Json) -> Result<Json, ApiError> {
    if !answer.is_object() {
        return Err(ApiError::Malformed { call: call.into() });
    }
    let failed_result = match answer.get("result") {
        None | Some(Json::Null) | Some(Json::Object(_)) => false,
        Some(Json::String(s)) => !matches!(
            s.to_ascii_lowercase().as_str(),
            "ok" | "success" | "not ready" | ""
        ),
        Some(Json::Number(n)) => !matches!(n.as_i64(), Some(0 | 1)),
        Some(Json::Bool(b)) => !b,
        Some(Json::Array(_)) => false,
    };
    let failed_code = answer
        .get("code")
        .and_then(Json::as_i64)
        .is_some_and(|c| c < 0);
    if failed_result || failed_code {
        return Err(ApiError::Refused {
            call: call.into(),
            message: reason(&answer),
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
            json!({"result": "success"}),
            json!({"result": {"token": "t"}}),
            json!({"result": "Not ready"}),
            json!({"code": 200, "result": "OK"}),
        ] {
            assert!(check("x/y", answer).is_ok());
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
        assert!(
            check(
                "whmcs/x",
                json!({"result": "ERROR", "message": "not enough funds"})
            )
            .is_err()
        );
        assert!(check("whmcs/x", json!([1, 2])).is_err());
    }
}
