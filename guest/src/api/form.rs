//! `application/x-www-form-urlencoded`, as PHP's `$_REQUEST` reads it.

fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

/// Encodes pairs; nested PHP keys are written flat (`params[server_id]`).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, key);
        out.push('=');
        encode_into(&mut out, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_php() {
        assert_eq!(
            encode(&[
                ("action", "add"),
                ("params[name]", "Api key [1.2]"),
                ("x", "a&b=c%")
            ]),
            "action=add&params%5Bname%5D=Api+key+%5B1.2%5D&x=a%26b%3Dc%25"
        );
    }
}
