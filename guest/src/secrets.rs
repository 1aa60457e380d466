//! Secrets (the API key, a session token) as they can appear in logged text:
//! raw, form-encoded (as this module sends them, as PHP's `urlencode` and
//! `rawurlencode` write them, hex in either case) and JSON-escaped (with and
//! without PHP's `\/`, with non-ASCII as `\uXXXX` or as is). Masking replaces
//! every form, and WHMCS's own mask list gets every form too.
//!
//! A post-install callback's signature is a secret too (whoever reads it can
//! call the URL), and there is one per order: every `sig` value, in each of
//! the forms a URL takes in a log, is masked by its shape, whatever order it
//! belongs to.

const MASK: &str = "***";

/// Percent-encodes everything but ASCII letters, digits and `keep`.
fn percent(secret: &str, space: &str, lower_hex: bool, keep: &[u8]) -> String {
    let mut out = String::new();
    for byte in secret.bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(byte as char);
        } else if byte == b' ' {
            out.push_str(space);
        } else if lower_hex {
            out.push_str(&format!("%{byte:02x}"));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// JSON string content; `ascii` writes non-ASCII as `\uXXXX` like PHP's json_encode.
fn json(secret: &str, escape_slash: bool, ascii: bool) -> String {
    let mut out = String::new();
    for c in secret.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if escape_slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Every form of one secret, longest first, without duplicates.
pub fn forms(secret: &str) -> Vec<String> {
    if secret.is_empty() {
        return Vec::new();
    }
    let mut all = vec![secret.to_string()];
    for lower_hex in [false, true] {
        for space in ["+", "%20"] {
            // `-_.~` unencoded (this module, RFC 3986), `-_.` (PHP's urlencode).
            for keep in [&b"-_.~"[..], &b"-_."[..]] {
                all.push(percent(secret, space, lower_hex, keep));
            }
        }
    }
    for escape_slash in [false, true] {
        for ascii in [false, true] {
            all.push(json(secret, escape_slash, ascii));
        }
    }
    all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    all.dedup();
    all
}

/// Every form of every secret, longest first: the mask list for WHMCS.
pub fn mask_list(secrets: &[String]) -> Vec<String> {
    let mut all: Vec<String> = secrets.iter().flat_map(|s| forms(s)).collect();
    all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    all.dedup();
    all
}

/// `text` with every form of every secret, and every callback signature,
/// replaced by `***`.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let masked = mask_list(secrets)
        .iter()
        .fold(text.to_string(), |acc, form| {
            acc.replace(form.as_str(), MASK)
        });
    mask_signatures(&masked)
}

/// How a callback URL's `sig=` reads in a log (lower case): raw, form- or
/// twice URL-encoded, JSON-escaped, or as a JSON member.
const SIGNATURE_MARKERS: [&str; 6] = [
    "sig=",
    "sig%3d",
    "sig%253d",
    "sig\\u003d",
    "\"sig\":\"",
    "\"sig\": \"",
];

/// Shorter hex runs are not a signature (ours are 64 digits).
const SIGNATURE_MIN_DIGITS: usize = 16;

/// `text` with the hex value after each signature marker replaced by `***`.
pub fn mask_signatures(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let (lower, bytes) = (lower.as_bytes(), text.as_bytes());
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let Some(marker) = SIGNATURE_MARKERS
            .iter()
            .find(|m| lower[at..].starts_with(m.as_bytes()))
        else {
            at += 1;
            continue;
        };
        // Markers are ASCII, so `start` is a character boundary.
        let start = at + marker.len();
        let digits = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if digits >= SIGNATURE_MIN_DIGITS {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = start + digits;
        }
        at = start + digits;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Sk/3cr3t+K3y=Qz 7~\u{e9}\"";

    #[test]
    fn every_encoding_of_a_key_is_masked() {
        let secrets = vec![KEY.to_string()];
        let leaks = [
            KEY,
            "Sk%2F3cr3t%2BK3y%3DQz+7~%C3%A9%22",
            "Sk%2F3cr3t%2BK3y%3DQz%207~%C3%A9%22",
            "Sk%2f3cr3t%2bK3y%3dQz+7~%c3%a9%22",
            "Sk%2F3cr3t%2BK3y%3DQz+7%7E%C3%A9%22",
            "Sk%2f3cr3t%2bK3y%3dQz%207%7e%c3%a9%22",
            "Sk/3cr3t+K3y=Qz 7~\u{e9}\\\"",
            "Sk\\/3cr3t+K3y=Qz 7~\\u00e9\\\"",
            "Sk/3cr3t+K3y=Qz 7~\\u00e9\\\"",
        ];
        for leak in leaks {
            let text = format!("key={leak}&action=login");
            assert_eq!(
                mask(&text, &secrets),
                "key=***&action=login",
                "leaked form {leak}"
            );
        }
    }

    #[test]
    fn json_of_a_whole_answer_is_masked() {
        let secrets = vec![KEY.to_string(), "tok/en+1".to_string()];
        let answer = serde_json::json!({"key": KEY, "token": "tok/en+1"}).to_string();
        let masked = mask(&answer, &secrets);
        assert_eq!(masked, r#"{"key":"***","token":"***"}"#);
    }

    #[test]
    fn callback_signatures_are_masked_in_every_form_a_log_holds() {
        let sig = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let url = format!("https://w.example/cb.php?hosting=7&expires=1800000000&sig={sig}");
        let form_body = format!(
            "action=order_instance&post_install_callback={}",
            percent(&url, "+", false, b"-_.~")
        );
        let json_answer = serde_json::json!({ "post_install_callback": url }).to_string();
        let member = serde_json::json!({ "sig": sig, "hosting": 7 }).to_string();
        let texts = [
            url.clone(),
            form_body,
            percent(&form_body_twice(&url), "+", true, b"-_.~"),
            json_answer,
            url.replace("&sig=", "\\u0026sig\\u003d"),
            member,
            url.to_ascii_uppercase(),
        ];
        for text in texts {
            let masked = mask(&text, &[]);
            assert!(
                !masked.to_ascii_lowercase().contains(&sig[..16]),
                "{text} -> {masked}"
            );
            assert!(masked.contains("***"), "{masked}");
        }
        let plain = "sig=abc and a sig=0123 and a digest 9f86d081884c7d65 stay";
        assert_eq!(mask_signatures(plain), plain);
        assert_eq!(mask_signatures("sig="), "sig=");
    }

    fn form_body_twice(url: &str) -> String {
        percent(url, "+", false, b"-_.~")
    }

    #[test]
    fn the_mask_list_holds_every_form_longest_first() {
        let list = mask_list(&["a/b c".to_string()]);
        for form in ["a/b c", "a%2Fb+c", "a%2fb%20c", "a\\/b c"] {
            assert!(list.contains(&form.to_string()), "{form} missing");
        }
        assert!(list.windows(2).all(|w| w[0].len() >= w[1].len()));
        assert!(mask_list(&[String::new()]).is_empty());
    }
}
