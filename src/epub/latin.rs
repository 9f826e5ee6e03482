//! Latin passages inside Chinese text, tagged `lang="en"` in the XHTML so that readers pick a
//! Latin font and hyphenation for them.

use super::xml;

/// Byte ranges of Latin passages in `s`: runs starting with an ASCII letter, of ASCII letters and
/// digits joined by spaces, `'`, `-`, `.`, `,`, `&` when another letter follows, holding at
/// least two letters. Digits alone (`2021年`) are not Latin passages.
fn latin_runs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut j = i;
        loop {
            while j < b.len() && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            end = end.max(j);
            let mut k = j;
            while k < b.len() && matches!(b[k], b' ' | b'\'' | b'-' | b'.' | b',' | b'&') {
                k += 1;
            }
            if k > j && k < b.len() && b[k].is_ascii_alphabetic() {
                j = k;
            } else {
                break;
            }
        }
        if b[start..end]
            .iter()
            .filter(|c| c.is_ascii_alphabetic())
            .count()
            >= 2
        {
            out.push((start, end));
        }
        i = end.max(start + 1);
    }
    out
}

/// Escaped text, with Latin passages in a document of another language marked
/// `lang="en"` so readers pick a Latin font and hyphenation for them.
pub fn tag_latin(s: &str, doc_lang: &str) -> String {
    if doc_lang.to_ascii_lowercase().starts_with("en") {
        return xml::text(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut at = 0;
    for (a, b) in latin_runs(s) {
        out.push_str(&xml::text(&s[at..a]));
        out.push_str(&format!(
            "<span lang=\"en\" xml:lang=\"en\">{}</span>",
            xml::text(&s[a..b])
        ));
        at = b;
    }
    out.push_str(&xml::text(&s[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_passages_are_tagged_english() {
        assert_eq!(tag_latin("党史2021年", "zh-CN"), "党史2021年");
        assert_eq!(tag_latin("A股", "zh-CN"), "A股");
        assert_eq!(
            tag_latin("引用 Hello, world & O'Brien. 之后", "zh-CN"),
            "引用 <span lang=\"en\" xml:lang=\"en\">Hello, world &amp; O'Brien</span>. 之后"
        );
        assert_eq!(
            tag_latin("GDP增长5G", "zh-CN"),
            "<span lang=\"en\" xml:lang=\"en\">GDP</span>增长5G"
        );
        assert_eq!(tag_latin("plain <b>", "en-US"), "plain &lt;b&gt;");
        assert_eq!(tag_latin("x<y>z", "zh-CN"), "x&lt;y&gt;z");
    }
}
