//! Text from the inputs (街镇 names, ids, titles) placed into XML — SVG
//! maps, QML/SLD styles, the QGIS project — is data, never markup: one
//! escape for every such place.

/// `s` escaped for XML text and attribute values (both quote kinds), with
/// the control characters XML 1.0 cannot carry dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_quotes_become_text() {
        assert_eq!(super::escape(r#"<img src=x onerror="alert(1)">'"#), "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&apos;");
        assert_eq!(super::escape("a]]>b\u{1}"), "a]]&gt;b");
    }
}
