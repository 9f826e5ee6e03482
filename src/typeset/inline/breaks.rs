//! Line-break opportunities: UAX #14 (crate `unicode-linebreak`) with the zh tailoring and the
//! prohibition levels of docs/typesetting.md §2.

use crate::book::model::Kinsoku;
use crate::cjk::{self, Class};
use unicode_linebreak::{BreakOpportunity, linebreaks};

/// What may happen before a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brk {
    /// No break here.
    No,
    /// A line may end here.
    Allowed,
    /// A line must end here (after a newline).
    Mandatory,
    /// A line may end here, inside a web address: that line is set flush left, never spread
    /// (a break in an address gets no hyphen, and spaced-out letters would misquote it).
    Url,
}

/// For each character of `text` (in order), whether a line may break *before* it. The first
/// entry is always `No`; the end of the text is always a mandatory break and not listed.
/// `classes[i]` is the class of the i-th character (see [`classes`]); `urls` are the web
/// addresses in `chars` ([`url_spans`]), which break at their own places.
pub fn opportunities(
    text: &str,
    chars: &[char],
    classes: &[Class],
    level: Kinsoku,
    urls: &[std::ops::Range<usize>],
) -> Vec<Brk> {
    let n = chars.len();
    let mut out = vec![Brk::No; n];
    // UAX #14, mapped from byte offsets to char indices.
    let mut ci = 0usize;
    let mut byte = 0usize;
    for (off, kind) in linebreaks(text) {
        while ci < n && byte < off {
            byte += chars[ci].len_utf8();
            ci += 1;
        }
        if ci < n && byte == off && ci > 0 {
            out[ci] = match kind {
                BreakOpportunity::Mandatory => Brk::Mandatory,
                BreakOpportunity::Allowed => Brk::Allowed,
            };
        }
    }
    // The last non-space character before each position (for `OP SP*` style rules).
    let mut last_solid: Option<usize> = None;
    for i in 1..n {
        if !matches!(classes[i - 1], Class::Space) {
            last_solid = Some(i - 1);
        }
        if out[i] == Brk::Mandatory {
            continue;
        }
        out[i] = tailor(out[i], i, chars, classes, last_solid, level);
    }
    for span in urls {
        url_breaks(chars, span.clone(), &mut out);
    }
    out
}

/// Where a web address starts: a scheme or `www.`.
const URL_STARTS: [&str; 5] = ["https://", "http://", "ftp://", "mailto:", "www."];

/// The web addresses in `chars`: from a scheme or `www.` to the first space, wide character
/// or closing bracket, without the punctuation that ends a sentence after it. Letters beyond
/// ASCII (an address printed decoded, `wiki/强化学习`) belong to it when the text ends after
/// them, the address goes on with a delimiter (`/`, `.`, `_`, `?` …) or a `）` closes it (an
/// address printed inline); Chinese that follows an address in running text
/// (`https://a.org获取`) does not.
pub(crate) fn url_spans(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // The prefixes are ASCII: compared char by char, with nothing allocated (this runs
        // at every character of every paragraph).
        let starts = (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            && URL_STARTS.iter().any(|p| {
                p.len() <= chars.len() - i && p.chars().zip(&chars[i..]).all(|(a, &b)| a == b)
            });
        if !starts {
            i += 1;
            continue;
        }
        let mut e = i;
        loop {
            while e < chars.len() && is_url_char(chars[e]) {
                e += 1;
            }
            let mut f = e;
            while f < chars.len() && !chars[f].is_ascii() && chars[f].is_alphanumeric() {
                f += 1;
            }
            let goes_on = f == chars.len() || "/._-?#&=%~+()）".contains(chars[f]);
            if f == e || !goes_on {
                break;
            }
            e = f;
        }
        while e > i && matches!(chars[e - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"') {
            e -= 1;
        }
        out.push(i..e);
        i = e.max(i + 1);
    }
    out
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '}' | '|')
}

/// Breaks inside a web address (placed as the Chicago Manual advises): after a `/` (not
/// inside `//`), before `.`, `-`, `?`, `&` and the `%` of an encoded byte; nowhere else, and
/// not in the scheme.
fn url_breaks(chars: &[char], span: std::ops::Range<usize>, out: &mut [Brk]) {
    let text: String = chars[span.clone()].iter().collect();
    let body = text
        .find("://")
        .map_or(0, |k| text[..k + 3].chars().count());
    for i in span.start + body + 1..span.end {
        let (a, b) = (chars[i - 1], chars[i]);
        let after = a == '/' && b != '/';
        let before = matches!(b, '.' | '-' | '?' | '&' | '%') && a != b;
        out[i] = if after || before { Brk::Url } else { Brk::No };
    }
}

fn tailor(
    uax: Brk,
    i: usize,
    chars: &[char],
    classes: &[Class],
    last_solid: Option<usize>,
    level: Kinsoku,
) -> Brk {
    let (a, b) = (chars[i - 1], chars[i]);
    let (ca, cb) = (classes[i - 1], classes[i]);
    let next = chars.get(i + 1).copied();
    // Unbreakable sequences, at every level: ——, ……, ⋯⋯, digits + 万/亿.
    if (a == '\u{2014}' && b == '\u{2014}') || (a == '\u{2E3A}' && b == '\u{2E3A}') {
        return Brk::No;
    }
    if cjk::ELLIPSIS.contains(&a) && cjk::ELLIPSIS.contains(&b) {
        return Brk::No;
    }
    if (a.is_ascii_digit() || ('０'..='９').contains(&a)) && matches!(b, '万' | '亿' | '萬' | '億')
    {
        return Brk::No;
    }
    if level == Kinsoku::None {
        return uax;
    }
    let solid = last_solid.map(|k| (chars[k], classes[k]));
    if cjk::no_start(b, cb, level) && cb != Class::Space {
        return Brk::No;
    }
    // A single em dash is a connector: no break before it. The first dash of —— is allowed
    // (not at the strict level, handled by `no_start` for `Class::Dash`).
    if b == '\u{2014}' && next != Some('\u{2014}') {
        return Brk::No;
    }
    if let Some((sc, scl)) = solid
        && cjk::no_end(sc, scl, level)
    {
        return Brk::No;
    }
    if cjk::no_end(a, ca, level) {
        return Brk::No;
    }
    // A closing mark followed by an opening one (）（ 」「 』『 》《 ”“) may break between them:
    // clreq lets a line end after any closing mark and start with any opening one, and a
    // bracket-heavy paragraph otherwise spreads its other gaps (issue 11). UAX #14 gives the
    // opportunity (CL × OP is not among its prohibitions); the quotes need it stated.
    if ca == Class::Close && cb == Class::Open {
        return Brk::Allowed;
    }
    // Curly quotes in CJK text act as brackets: a break before “ and after ” is allowed where
    // UAX #14 (QU) forbade it, unless the other side is a letter of the same Latin word.
    let cjk_quote_before = matches!(b, '\u{201C}' | '\u{2018}') && cb == Class::Open;
    let cjk_quote_after = matches!(a, '\u{201D}' | '\u{2019}') && ca == Class::Close;
    if uax == Brk::No && (cjk_quote_before || cjk_quote_after) {
        let other = if cjk_quote_before { ca } else { cb };
        if !matches!(other, Class::Space) {
            return Brk::Allowed;
        }
    }
    uax
}

/// `text` cut at every allowed break: the pieces no line may split (a Han character with the
/// marks that must stay with it, a Latin word or number, ……). Their concatenation is `text`.
/// For line breakers outside the typesetter (the EPUB cover's title).
pub fn unbreakable_units(text: &str, level: Kinsoku) -> Vec<&str> {
    let chars: Vec<char> = text.chars().collect();
    let classes = classes(&chars);
    let brk = opportunities(text, &chars, &classes, level, &url_spans(&chars));
    let mut out = Vec::new();
    let mut start = 0;
    for ((at, _), b) in text.char_indices().zip(&brk) {
        if *b != Brk::No && at > start {
            out.push(&text[start..at]);
            start = at;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Classes of each character in context.
pub fn classes(chars: &[char]) -> Vec<Class> {
    (0..chars.len())
        .map(|i| {
            let prev = i.checked_sub(1).map(|k| chars[k]);
            cjk::classify(chars[i], prev, chars.get(i + 1).copied())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with `|` at each allowed break.
    fn marked(text: &str, level: Kinsoku) -> String {
        let chars: Vec<char> = text.chars().collect();
        let cls = classes(&chars);
        let b = opportunities(text, &chars, &cls, level, &url_spans(&chars));
        let mut s = String::new();
        for (i, c) in chars.iter().enumerate() {
            if b[i] != Brk::No {
                s.push('|');
            }
            s.push(*c);
        }
        s
    }

    #[test]
    fn han_breaks_everywhere_but_not_before_stops() {
        assert_eq!(marked("测试文本，测", Kinsoku::Gb), "测|试|文|本，|测");
    }

    #[test]
    fn curly_quotes_open_and_close_in_cjk_text() {
        // typst#1009: “ may start a line, never end one; ” never starts one.
        assert_eq!(marked("测试文本，“测”", Kinsoku::Gb), "测|试|文|本，|“测”");
        assert_eq!(marked("他说“好”了", Kinsoku::Gb), "他|说|“好”|了");
    }

    #[test]
    fn closing_bracket_after_digit_keeps_the_comma() {
        // typst#3082.
        let m = marked("念姐遠米巴急（abc0），松黃貫誰。", Kinsoku::Gb);
        assert!(m.contains("|（abc0），|松"), "{m}");
    }

    #[test]
    fn middle_dot_never_starts_a_line() {
        // typst#6774.
        let m = marked("克里斯蒂娜·罗塞蒂", Kinsoku::Gb);
        assert_eq!(m, "克|里|斯|蒂|娜·|罗|塞|蒂");
    }

    #[test]
    fn two_em_dash_stays_whole_and_may_start_a_line_except_strict() {
        assert_eq!(marked("样？——别", Kinsoku::Gb), "样？|——|别");
        assert_eq!(marked("样？——别", Kinsoku::Strict), "样？——|别");
        // A single em dash: no break before.
        assert_eq!(marked("北京—上海", Kinsoku::Gb), "北|京—|上|海");
    }

    #[test]
    fn ellipsis_never_split_never_starts() {
        assert_eq!(marked("好……走", Kinsoku::Basic), "好……|走");
    }

    #[test]
    fn numbers_stay_whole_with_wan_and_yi() {
        assert_eq!(marked("约156.84万吨", Kinsoku::Gb), "约|156.84万|吨");
        assert_eq!(
            marked("每年的消费量约4,000吨", Kinsoku::Gb),
            "每|年|的|消|费|量|约|4,000|吨"
        );
    }

    #[test]
    fn wave_dash_and_fullwidth_solidus() {
        assert_eq!(marked("一～二", Kinsoku::Gb), "一～|二");
        assert_eq!(marked("甲／乙", Kinsoku::Basic), "甲／乙");
        assert_eq!(marked("甲/乙", Kinsoku::Gb), "甲/乙");
    }

    #[test]
    fn a_line_may_break_between_closing_and_opening_marks() {
        // clreq: after a closing mark, before an opening one, at every prohibition level.
        for level in [Kinsoku::Basic, Kinsoku::Gb, Kinsoku::Strict] {
            assert_eq!(marked("（甲）（乙）", level), "（甲）|（乙）");
            assert_eq!(marked("」「", level), "」|「");
            assert_eq!(marked("』『", level), "』|『");
            assert_eq!(marked("》《", level), "》|《");
            assert_eq!(marked("”“", level), "”|“");
        }
        // The marks around the pair keep their own rules: no break before the comma.
        assert_eq!(marked("甲）（乙），丙", Kinsoku::Gb), "甲）|（乙），|丙");
    }

    #[test]
    fn no_prohibition_at_level_none() {
        assert!(marked("好（坏）", Kinsoku::None).contains('|'));
        assert_eq!(marked("好（坏）", Kinsoku::Basic), "好|（坏）");
    }

    #[test]
    fn units_are_what_no_line_may_split() {
        let units = |t| unbreakable_units(t, Kinsoku::Gb);
        assert_eq!(units("成果（上）"), ["成", "果", "（上）"]);
        assert_eq!(units("“345”工作法"), ["“345”", "工", "作", "法"]);
        assert_eq!(units("他说：“好。”"), ["他", "说：", "“好。”"]);
        assert_eq!(units("COVID-19防控"), ["COVID-19", "防", "控"]);
        assert!(units("").is_empty());
    }

    #[test]
    fn a_decoded_address_keeps_its_wide_letters_and_running_text_does_not_join_it() {
        let spans = |t: &str| {
            let chars: Vec<char> = t.chars().collect();
            url_spans(&chars)
                .into_iter()
                .map(|r| chars[r].iter().collect::<String>())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            spans("https://zh.wikipedia.org/wiki/强化学习"),
            ["https://zh.wikipedia.org/wiki/强化学习"]
        );
        assert_eq!(
            spans("见https://a.org/说明_书/b。"),
            ["https://a.org/说明_书/b"]
        );
        assert_eq!(
            spans("访问https://rust-lang.org获取更多。"),
            ["https://rust-lang.org"]
        );
        assert_eq!(spans("见https://a.org/了解Rust。"), ["https://a.org/"]);
        assert_eq!(
            spans("百科（https://a.org/Rust语言）"),
            ["https://a.org/Rust语言"]
        );
    }

    #[test]
    fn web_addresses_break_after_slashes_and_before_dots() {
        let url = "见https://www.example.com/a-b/c?x=1&y=2。";
        let chars: Vec<char> = url.chars().collect();
        let b = opportunities(
            url,
            &chars,
            &classes(&chars),
            Kinsoku::Gb,
            &url_spans(&chars),
        );
        let mut s = String::new();
        for (i, c) in chars.iter().enumerate() {
            match b[i] {
                Brk::Url => s.push('|'),
                Brk::Allowed => s.push('^'),
                _ => {}
            }
            s.push(*c);
        }
        assert_eq!(s, "见^https://www|.example|.com/|a|-b/|c|?x=1|&y=2。");
        // Not in the scheme, and not in Latin text that only mentions a dot.
        assert_eq!(marked("file.txt的", Kinsoku::Gb), "file.txt|的");
    }

    #[test]
    fn newline_is_mandatory() {
        let chars: Vec<char> = "甲\n乙".chars().collect();
        let b = opportunities("甲\n乙", &chars, &classes(&chars), Kinsoku::Gb, &[]);
        assert_eq!(b[2], Brk::Mandatory);
    }
}
