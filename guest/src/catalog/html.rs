//! HOSTKEY's text on its way into WHMCS: WHMCS prints product descriptions
//! (and, in most order-form templates, names and taglines) as HTML, and its
//! tables are utf8mb3. Everything here is pure and deterministic, so a
//! re-sync computes the same text and writes nothing.

/// PHP's `htmlspecialchars($text, ENT_QUOTES)`: the five characters that
/// can open markup or leave an attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text without markup: a `<...>` tag is removed whole; a `<` that never
/// closes and any stray `>` are dropped, so no `<` or `>` remains.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['<', '>']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        rest = match (rest.as_bytes()[at], tail.find('>')) {
            (b'<', Some(end)) => &tail[end + 1..],
            _ => tail,
        };
    }
    out.push_str(rest);
    out
}

/// The replacement for what a utf8mb3 column cannot hold.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Text a utf8mb3 column stores as given: characters outside the Basic
/// Multilingual Plane (4 bytes in UTF-8: emoji, rare CJK) become U+FFFD.
/// MariaDB would otherwise store `?` (or refuse the row in strict mode), and
/// the stored text would differ from the computed one on every re-sync.
pub fn storable(text: &str) -> String {
    text.chars()
        .map(|c| if c.len_utf8() == 4 { REPLACEMENT } else { c })
        .collect()
}

/// A name as the module stores it: storable, without markup, trimmed.
pub fn plain_name(text: &str) -> String {
    storable(strip_markup(text).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_special_characters() {
        assert_eq!(
            escape_html(r#"<b onclick="x('y')">A & B</b>"#),
            "&lt;b onclick=&quot;x(&#039;y&#039;)&quot;&gt;A &amp; B&lt;/b&gt;"
        );
        assert_eq!(escape_html("Ubuntu 22.04 — €"), "Ubuntu 22.04 — €");
    }

    #[test]
    fn names_lose_every_tag_and_angle_bracket() {
        assert_eq!(
            plain_name("<script>alert(1)</script>vm.<b>nano</b>"),
            "alert(1)vm.nano"
        );
        assert_eq!(plain_name(" a < b > c "), "a  c");
        assert_eq!(
            plain_name("x<img src=x onerror=alert(1)"),
            "ximg src=x onerror=alert(1)"
        );
        assert_eq!(plain_name("1 > 0"), "1  0");
        for hostile in ["<<a>>", "<a<b>>", ">>", "<", "a<b<c"] {
            let name = plain_name(hostile);
            assert!(!name.contains(['<', '>']), "{hostile} -> {name}");
        }
    }

    #[test]
    fn four_byte_characters_become_the_replacement_character() {
        assert_eq!(storable("vm 🚀 nano ñ ü 中"), "vm \u{FFFD} nano ñ ü 中");
        assert!(storable("𝔘🙂").chars().all(|c| c == REPLACEMENT));
        assert!(storable("🚀 x").chars().all(|c| c.len_utf8() <= 3));
        assert_eq!(storable(&storable("🚀")), storable("🚀"), "stable");
    }
}
