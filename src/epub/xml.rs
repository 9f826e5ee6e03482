//! Small XML helpers: escaping, XML ids, and the ISO 8601 date `dcterms:modified` wants.

/// Is `c` allowed at all in an XML 1.0 document?
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escape text for use between tags. Characters XML cannot carry at all (most C0 controls,
/// U+FFFE/U+FFFF) are dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Escape text for a double- or single-quoted attribute value.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0 (fifth edition) NameStartChar, without `:` (ids must be NCNames).
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Turn any string into a valid XML id (an NCName): characters not allowed become `-`, and a
/// leading character that cannot start a name gets an `id-` prefix. Already valid ids come back
/// unchanged.
pub fn id(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .collect();
    match out.chars().next() {
        None => out.push_str("id"),
        Some(c) if !is_name_start(c) => out.insert_str(0, "id-"),
        Some(_) => {}
    }
    out
}

/// Is `s` a valid XML id as written?
#[cfg(test)]
pub fn is_valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Percent-encode the few characters that make a link target an invalid URL (spaces, quotes,
/// controls, `<>\^`{|}`); everything else, non-ASCII included, is kept (IRIs are fine in EPUB).
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_control()
            || matches!(
                c,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
        {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(text("a<b & c>d \"q\""), "a&lt;b &amp; c&gt;d \"q\"");
        assert_eq!(
            attr("say \"hi\" & 'bye' <x>"),
            "say &quot;hi&quot; &amp; &apos;bye&apos; &lt;x&gt;"
        );
        // Controls XML cannot carry are dropped, not written.
        assert_eq!(text("a\u{0}b\u{1b}c\u{FFFE}"), "abc");
        assert_eq!(text("中文，标点。"), "中文，标点。");
        assert_eq!(attr("a\nb"), "a&#10;b");
    }

    #[test]
    fn escaped_text_parses_back() {
        let nasty = "<&>\"'</p>]]>中";
        let doc = format!("<r a=\"{}\">{}</r>", attr(nasty), text(nasty));
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let root = parsed.root_element();
        assert_eq!(root.attribute("a"), Some(nasty));
        assert_eq!(root.text(), Some(nasty));
    }

    #[test]
    fn ids_are_valid_names() {
        assert_eq!(id("sec-1"), "sec-1");
        assert_eq!(id("fig-12"), "fig-12");
        assert_eq!(id("1-intro"), "id-1-intro");
        assert_eq!(id(""), "id");
        assert_eq!(id("a b:c/d"), "a-b-c-d");
        assert_eq!(id("-x"), "id--x");
        // CJK letters are name characters in XML 1.0 fifth edition.
        assert_eq!(id("一、注重理念新"), "一、注重理念新");
        for raw in ["", "9", "a b", "x:y", "(1)", "一", "-", ".a", "é"] {
            assert!(is_valid_id(&id(raw)), "{raw:?} -> {:?}", id(raw));
        }
        assert!(!is_valid_id("1a"));
        assert!(!is_valid_id("a:b"));
    }

    #[test]
    fn urls_encode_only_what_breaks_them() {
        assert_eq!(
            url("https://example.org/a b?x=\"1\""),
            "https://example.org/a%20b?x=%221%22"
        );
        assert_eq!(url("https://例子.中国/路径"), "https://例子.中国/路径");
    }
}
