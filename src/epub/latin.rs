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

/// Byte ranges of the digit runs of `s` that stand upright in one cell in vertical text
/// (縱中橫): 1 to `max` ASCII digits with no ASCII letter, digit or number punctuation
/// (`.,:/%+-_`) on either side, so `第12回` qualifies and `3.14`, `5G`, `2021` (with `max`
/// below 4) are left to turn with the Latin text.
pub fn tcy_runs(s: &str, max: u8) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let joins = |c: u8| c.is_ascii_alphanumeric() || b".,:/%+-_".contains(&c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let alone = (start == 0 || !joins(b[start - 1])) && (i == b.len() || !joins(b[i]));
        if alone && i - start <= usize::from(max) {
            out.push((start, i));
        }
    }
    out
}

/// Escaped text with the upright digit runs ([`tcy_runs`]) in `<span class="tcy">`, whose
/// `text-combine-upright` the vertical stylesheet sets; with `tcy` None, only escaped.
fn tag_tcy(s: &str, tcy: Option<u8>) -> String {
    let Some(max) = tcy else {
        return xml::text(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    let mut at = 0;
    for (a, b) in tcy_runs(s, max) {
        out.push_str(&xml::text(&s[at..a]));
        out.push_str(&format!("<span class=\"tcy\">{}</span>", &s[a..b]));
        at = b;
    }
    out.push_str(&xml::text(&s[at..]));
    out
}

/// Escaped text, with Latin passages in a document of another language marked
/// `lang="en"` so readers pick a Latin font and hyphenation for them, and in vertical text
/// (`tcy` is `[pdf] tcy`) the short digit runs outside them marked to stand upright.
pub fn tag_text(s: &str, doc_lang: &str, tcy: Option<u8>) -> String {
    if doc_lang.to_ascii_lowercase().starts_with("en") {
        return tag_tcy(s, tcy);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut at = 0;
    for (a, b) in latin_runs(s) {
        out.push_str(&tag_tcy(&s[at..a], tcy));
        out.push_str(&format!(
            "<span lang=\"en\" xml:lang=\"en\">{}</span>",
            xml::text(&s[a..b])
        ));
        at = b;
    }
    out.push_str(&tag_tcy(&s[at..], tcy));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_latin(s: &str, lang: &str) -> String {
        tag_text(s, lang, None)
    }

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

    #[test]
    fn short_lone_digit_runs_stand_upright() {
        let t = |s| tag_text(s, "zh-Hant", Some(2));
        assert_eq!(t("第12回"), "第<span class=\"tcy\">12</span>回");
        assert_eq!(t("7月"), "<span class=\"tcy\">7</span>月");
        assert_eq!(t("2021年"), "2021年");
        assert_eq!(t("3.14與5G"), "3.14與5G");
        assert_eq!(t("50%"), "50%");
        assert_eq!(
            tag_text("A1 第99", "zh-Hant", Some(3)),
            "A1 第<span class=\"tcy\">99</span>"
        );
        assert_eq!(
            tag_text("2021年", "zh-Hant", Some(4)),
            "<span class=\"tcy\">2021</span>年"
        );
        assert_eq!(tcy_runs("Qin 12 卷", 2), vec![(4, 6)]);
    }
}
