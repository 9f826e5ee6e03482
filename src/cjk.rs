//! The crate's CJK vocabulary: which characters are CJK (in the three senses the code needs),
//! the character classes of docs/typesetting.md §1 with the prohibition rules of §2, and the
//! punctuation geometry of §3, as small pure functions. The typesetter, the EPUB cover and the
//! loader ask these instead of keeping their own ranges.

use crate::book::model::Kinsoku;

/// Our class of a character (docs/typesetting.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Han ideographs, kana, hangul, full-width letters and digits: one em, stretchable gaps.
    Han,
    /// Opening brackets and quotes (line-end prohibited).
    Open,
    /// Closing brackets and quotes (line-start prohibited).
    Close,
    /// Pause and stop marks 点号 (line-start prohibited).
    Stop,
    /// Interpuncts 间隔号.
    MidDot,
    /// Connectors 连接号 (–, ～, 〜, ‐) and a single em dash.
    Connector,
    /// Solidi 分隔号.
    Solidus,
    /// Dash 破折号: U+2E3A, or U+2014 that is part of `——`.
    Dash,
    /// Ellipsis 省略号.
    Ellipsis,
    /// Currency signs before numbers.
    Prefix,
    /// Unit signs after numbers.
    Postfix,
    /// Iteration marks 々 〻.
    Iter,
    /// Ideographic space U+3000.
    IdSpace,
    /// Spaces between words (discarded at line edges).
    Space,
    /// A forced line break (U+000A, U+2028).
    Newline,
    /// Latin (and other alphabetic) letters.
    Latin,
    /// Arabic digits.
    Digit,
    /// Anything else (symbols, ASCII punctuation in Latin text).
    Other,
}

/// The conventions of a Chinese-speaking region: the glyph forms the fonts' `locl` gives
/// (OpenType language systems ZHS, ZHT, ZHH) and where punctuation sits in its em box
/// (docs/typesetting.md §3): the mainland's in the lower left, Taiwan's and Hong Kong's centred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// zh, zh-CN, zh-SG, zh-Hans (GB/T 15834): also the choice for any other language.
    #[default]
    Mainland,
    /// zh-TW, zh-Hant.
    Taiwan,
    /// zh-HK, zh-MO.
    HongKong,
}

impl Region {
    /// The region of a BCP 47 language tag. A script subtag wins over the region
    /// (zh-Hans-HK is Mainland style); zh-Hant without a region is Taiwan's.
    pub fn of_language(lang: &str) -> Region {
        let l = lang.trim().to_ascii_lowercase();
        let mut parts = l.split(['-', '_']);
        if parts.next() != Some("zh") {
            return Region::Mainland;
        }
        let rest: Vec<&str> = parts.collect();
        let has = |t: &str| rest.contains(&t);
        if has("hans") {
            Region::Mainland
        } else if has("hk") || has("mo") {
            Region::HongKong
        } else if has("tw") || has("hant") {
            Region::Taiwan
        } else {
            Region::Mainland
        }
    }

    /// `[pdf] punctuation`: gb, tw or hk.
    pub fn of_punctuation_name(name: &str) -> Option<Region> {
        match name {
            "gb" => Some(Region::Mainland),
            "tw" => Some(Region::Taiwan),
            "hk" => Some(Region::HongKong),
            _ => None,
        }
    }

    /// The language the shaper is given, so that `locl` picks the region's forms: rustybuzz
    /// maps zh-Hans to the OpenType language system ZHS, zh-TW to ZHT, zh-HK to ZHH.
    pub fn shaping_language(self) -> &'static str {
        match self {
            Region::Mainland => "zh-Hans",
            Region::Taiwan => "zh-TW",
            Region::HongKong => "zh-HK",
        }
    }
}

/// Where the ink of a full-width punctuation glyph sits in its em box (docs/typesetting.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Ink on the left, blank on the right (zh-Hans stops, closing marks).
    Left,
    /// Ink on the right, blank on the left (opening marks).
    Right,
    /// Ink centred, blank on both sides (interpuncts).
    Centre,
    /// Full ink or not a full-width mark: nothing to trim.
    None,
}

pub const OPEN: &[char] = &[
    '\u{FF08}', '\u{3008}', '\u{300A}', '\u{300C}', '\u{300E}', '\u{3010}', '\u{3014}', '\u{3016}',
    '\u{3018}', '\u{301A}', '\u{FF3B}', '\u{FF5B}', '\u{FF5F}', '\u{FF62}', '\u{301D}', '(', '[',
    '{', '\u{201C}', '\u{2018}', '\u{00AB}',
];
pub const CLOSE: &[char] = &[
    '\u{FF09}', '\u{3009}', '\u{300B}', '\u{300D}', '\u{300F}', '\u{3011}', '\u{3015}', '\u{3017}',
    '\u{3019}', '\u{301B}', '\u{FF3D}', '\u{FF5D}', '\u{FF60}', '\u{FF63}', '\u{301E}', '\u{301F}',
    ')', ']', '}', '\u{201D}', '\u{2019}', '\u{00BB}',
];
pub const STOP: &[char] = &[
    '\u{3002}', '\u{FF0E}', '\u{FF0C}', '\u{3001}', '\u{FF61}', '\u{FF64}', '\u{FF1A}', '\u{FF1B}',
    '\u{203C}', '\u{2047}', '\u{2048}', '\u{2049}', '\u{FF01}', '\u{FF1F}', '!', ',', '.', ':',
    ';', '?',
];
pub const MIDDOT: &[char] = &['\u{00B7}', '\u{30FB}', '\u{2027}', '\u{FF65}'];
pub const CONNECTOR: &[char] = &['\u{2013}', '\u{FF5E}', '\u{301C}', '\u{2010}'];
pub const SOLIDUS: &[char] = &['/', '\u{FF0F}'];
pub const ELLIPSIS: &[char] = &['\u{2026}', '\u{22EF}', '\u{2025}'];
pub const PREFIX: &[char] = &[
    '\u{FFE5}', '\u{00A5}', '\u{FFE1}', '\u{00A3}', '\u{20AC}', '$', '\u{FF04}',
];
pub const POSTFIX: &[char] = &[
    '%', '\u{FF05}', '\u{2030}', '\u{2103}', '\u{00B0}', '\u{2032}', '\u{2033}',
];
pub const ITER: &[char] = &['\u{3005}', '\u{303B}'];
/// Small kana and the prolonged sound mark: line-start prohibited at the strict level only.
pub const SMALL_KANA: &[char] = &[
    'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ゎ', 'ゕ', 'ゖ', 'ァ', 'ィ', 'ゥ', 'ェ',
    'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ', 'ヵ', 'ヶ', 'ー',
];

/// Full-width punctuation whose half-width metrics the font set probes at load time.
pub const PROBED_PUNCT: &[char] = &[
    '\u{FF08}', '\u{3008}', '\u{300A}', '\u{300C}', '\u{300E}', '\u{3010}', '\u{3014}', '\u{3016}',
    '\u{3018}', '\u{301A}', '\u{FF3B}', '\u{FF5B}', '\u{FF5F}', '\u{FF62}', '\u{301D}', '\u{201C}',
    '\u{2018}', '\u{FF09}', '\u{3009}', '\u{300B}', '\u{300D}', '\u{300F}', '\u{3011}', '\u{3015}',
    '\u{3017}', '\u{3019}', '\u{301B}', '\u{FF3D}', '\u{FF5D}', '\u{FF60}', '\u{FF63}', '\u{301E}',
    '\u{301F}', '\u{201D}', '\u{2019}', '\u{3002}', '\u{FF0E}', '\u{FF0C}', '\u{3001}', '\u{FF1A}',
    '\u{FF1B}', '\u{FF01}', '\u{FF1F}', '\u{30FB}', '\u{301D}', '\u{301E}', '\u{301F}',
];

/// Han ideographs, kana, hangul, CJK symbols and full-width forms that behave like ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF   // radicals
        | 0x3005..=0x3007 // 々 〆 〇
        | 0x3021..=0x3029 | 0x3038..=0x303C
        | 0x3040..=0x30FF // kana
        | 0x3100..=0x312F | 0x31A0..=0x31BF | 0x31F0..=0x31FF
        | 0x3200..=0x33FF // enclosed, compatibility
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF // hangul
        | 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A // full-width digits, letters
        | 0x20000..=0x3FFFF)
}

/// Han ideographs only (CJK Unified Ideographs with Extension A and the supplementary planes,
/// compatibility ideographs): the characters that take emphasis dots 着重号.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// East Asian Wide and Fullwidth characters (hangul jamo, CJK symbols and punctuation, kana,
/// ideographs, Yi, hangul syllables, vertical and small forms, full-width forms), and the marks
/// Chinese text shares with Latin text (— ‘ ’ “ ” … ·). Two such characters join without a space
/// where a source line break falls between them (the loader's soft-break rule).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD
        | 0x2014 | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2026 | 0x00B7)
}

/// Han characters, CJK punctuation and full-width forms: what a body font without Chinese lacks
/// (`check` reports them as one finding instead of one per character).
pub fn is_chinese(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

pub fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic() && !is_han(c) && (c as u32) < 0x2E80
}

/// Characters that draw nothing and need no glyph of their own (default ignorables: soft hyphen,
/// zero-width space and joiners, bidi controls, word joiner, BOM, variation selectors). The shaper
/// hides them; a coverage check should not ask a font for them.
pub fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF
        | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// Classifies `c` given its neighbours (for the apostrophe/quote ambiguity and `——`).
pub fn classify(c: char, prev: Option<char>, next: Option<char>) -> Class {
    // Fast paths for the bulk of the text.
    if matches!(c as u32, 0x4E00..=0x9FFF) {
        return Class::Han;
    }
    if c.is_ascii_alphabetic() {
        return Class::Latin;
    }
    let latin_both = prev.is_some_and(is_latin_letter) && next.is_some_and(is_latin_letter);
    match c {
        // A quote between two Latin letters is an apostrophe (Children’s).
        '\u{2019}' | '\u{2018}' | '\'' if latin_both => Class::Latin,
        '\u{2014}' => {
            if prev == Some('\u{2014}') || next == Some('\u{2014}') {
                Class::Dash
            } else {
                Class::Connector
            }
        }
        '\u{2E3A}' | '\u{2E3B}' => Class::Dash,
        '\n' | '\u{2028}' | '\u{2029}' | '\u{000B}' | '\u{000C}' | '\r' => Class::Newline,
        '\u{3000}' => Class::IdSpace,
        c if OPEN.contains(&c) => Class::Open,
        c if CLOSE.contains(&c) => Class::Close,
        c if STOP.contains(&c) => Class::Stop,
        c if MIDDOT.contains(&c) => Class::MidDot,
        c if CONNECTOR.contains(&c) => Class::Connector,
        c if SOLIDUS.contains(&c) => Class::Solidus,
        c if ELLIPSIS.contains(&c) => Class::Ellipsis,
        c if PREFIX.contains(&c) => Class::Prefix,
        c if POSTFIX.contains(&c) => Class::Postfix,
        c if ITER.contains(&c) => Class::Iter,
        c if c.is_ascii_digit() => Class::Digit,
        ' ' | '\t' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => Class::Space,
        c if is_han(c) => Class::Han,
        c if is_latin_letter(c) => Class::Latin,
        _ => Class::Other,
    }
}

/// Full-width CJK punctuation (brackets, quotes, stops, interpuncts): the marks that carry blank
/// space which compression may remove.
pub fn is_cjk_punct(class: Class) -> bool {
    matches!(
        class,
        Class::Open | Class::Close | Class::Stop | Class::MidDot
    )
}

/// Text that gets the ¼-em CJK–Latin glue on its CJK side.
pub fn is_cjk_glue_side(class: Class) -> bool {
    matches!(class, Class::Han | Class::Iter)
}

/// Text that gets the ¼-em CJK–Latin glue on its Latin side.
pub fn is_latin_glue_side(class: Class) -> bool {
    matches!(class, Class::Latin | Class::Digit)
}

/// Shaped in the Latin script rather than Hani.
pub fn shapes_as_latin(c: char, class: Class) -> bool {
    match class {
        Class::Latin | Class::Digit | Class::Space => true,
        Class::Other
        | Class::Prefix
        | Class::Postfix
        | Class::Stop
        | Class::Open
        | Class::Close => (c as u32) < 0x2000 && c != '\u{00B7}',
        Class::Solidus => c == '/',
        _ => false,
    }
}

/// Must not start a line at this prohibition level (docs/typesetting.md §2).
pub fn no_start(c: char, class: Class, level: Kinsoku) -> bool {
    if level == Kinsoku::None {
        return false;
    }
    match class {
        Class::Close | Class::Stop | Class::MidDot | Class::Connector | Class::Ellipsis => true,
        // Unit signs (% ‰ ℃ °) belong to what precedes them (LibreOffice zh_CN, xeCJK).
        Class::Iter | Class::IdSpace | Class::Postfix => true,
        Class::Solidus => c == '\u{FF0F}' || c == '/',
        Class::Dash => level == Kinsoku::Strict,
        _ => level == Kinsoku::Strict && SMALL_KANA.contains(&c),
    }
}

/// Must not end a line at this prohibition level.
pub fn no_end(c: char, class: Class, level: Kinsoku) -> bool {
    match (class, level) {
        (_, Kinsoku::None) => false,
        (Class::Open, _) => true,
        (Class::Solidus, Kinsoku::Gb | Kinsoku::Strict) => true,
        (Class::Solidus, Kinsoku::Basic) => c == '\u{FF0F}',
        _ => false,
    }
}

/// Chromium's rule (`han_kerning.cc` `CharTypeFromBounds`): ink in the left half → blank right;
/// ink in the right half → blank left; narrow centred ink → blank both sides.
pub fn side_from_ink(ink_left: f32, ink_right: f32, advance: f32) -> Side {
    let half = advance / 2.0;
    if ink_right <= half {
        Side::Left
    } else if ink_left >= half {
        Side::Right
    } else if ink_right - ink_left <= half && ink_left >= advance / 4.0 {
        Side::Centre
    } else {
        Side::None
    }
}

/// Typst's static sets (GB style), for glyphs without ink to measure.
pub fn static_side(c: char) -> Side {
    match c {
        '，' | '。' | '．' | '、' | '：' | '；' | '？' | '！' | '》' | '）' | '』' | '」'
        | '】' | '〗' | '〕' | '〉' | '］' | '｝' | '”' | '’' => Side::Left,
        '《' | '（' | '『' | '「' | '【' | '〖' | '〔' | '〈' | '［' | '｛' | '“' | '‘' => {
            Side::Right
        }
        '\u{30FB}' | '\u{00B7}' => Side::Centre,
        _ => Side::None,
    }
}

/// The blank (left, right) a full-width glyph of `advance` has for its side: ½ em on the open side,
/// ¼ em each side when centred.
pub fn blanks_for_side(side: Side, advance: f32) -> (f32, f32) {
    match side {
        Side::Left => (0.0, advance / 2.0),
        Side::Right => (advance / 2.0, 0.0),
        Side::Centre => (advance / 4.0, advance / 4.0),
        Side::None => (0.0, 0.0),
    }
}

/// Adjacent punctuation (docs/typesetting.md §3): when the blank between two marks adds up to
/// ½ em or more, remove
/// ½ em, first from the right of the first mark, then from the left of the second. Returns the
/// amounts removed from (first's right, second's left).
pub fn compress_pair(right_of_first: f32, left_of_second: f32, em: f32) -> (f32, f32) {
    let half = em / 2.0;
    if right_of_first + left_of_second + 1e-3 < half {
        return (0.0, 0.0);
    }
    let a = right_of_first.min(half);
    let b = (half - a).min(left_of_second);
    (a, b)
}

/// The blank, in em, before the ink of a line's first character (an opening mark: ½) and
/// after its last (a closing mark, or a stop where the region sets stops lower left: ½): what
/// optical centring of a display line leaves out.
pub fn edge_blanks(line: &str, region: Region) -> (f32, f32) {
    let first = line.chars().next();
    let last = line.chars().last();
    let lead = first.map_or(0.0, |c| match static_side(c) {
        Side::Right => 0.5,
        _ => 0.0,
    });
    let centred_stop = |c| region != Region::Mainland && STOP.contains(&c);
    let trail = last.map_or(0.0, |c| match static_side(c) {
        Side::Left if !centred_stop(c) => 0.5,
        _ => 0.0,
    });
    (lead, trail)
}

/// The lines of a display title (the cover's), each at most `max` wide as `width` measures
/// it: the title breaks at its spaces first (parts joined while they fit), and a part too long
/// for one line breaks at phrase boundaries (after a pause or closing mark, before an opening
/// one), else between the two-character words most titles are built of, counted from the
/// start of each run of Han characters (a break after 2 or 4 characters, not after 3), into
/// lines of balanced length. Breaks only where the typesetter may break (docs/typesetting.md
/// §2); the lines concatenate to the title without its spaces.
pub fn title_lines(
    text: &str,
    level: Kinsoku,
    max: f32,
    em: f32,
    mut width: impl FnMut(&str) -> f32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in text.split_whitespace() {
        if let Some(last) = lines.last_mut() {
            let joined = format!("{last} {part}");
            if width(&joined) <= max {
                *last = joined;
                continue;
            }
        }
        if width(part) <= max {
            lines.push(part.to_string());
        } else {
            lines.extend(phrase_lines(part, level, max, em.max(1e-3), &mut width));
        }
    }
    lines
}

/// A part without spaces broken into balanced lines at its best boundaries (see
/// [`title_lines`]): the fewest lines, then the least squared slack plus the cost of each
/// break's position.
fn phrase_lines(
    part: &str,
    level: Kinsoku,
    max: f32,
    em: f32,
    width: &mut impl FnMut(&str) -> f32,
) -> Vec<String> {
    let units = crate::typeset::inline::breaks::unbreakable_units(part, level);
    let n = units.len();
    let starts: Vec<usize> = units
        .iter()
        .scan(0, |at, u| {
            let s = *at;
            *at += u.len();
            Some(s)
        })
        .chain(std::iter::once(part.len()))
        .collect();
    // best[j]: (lines, cost, previous boundary) of the best way to set units[..j].
    let mut best: Vec<Option<(usize, f32, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0.0, 0));
    for j in 1..=n {
        for i in (0..j).rev() {
            let Some((lines, cost, _)) = best[i] else {
                continue;
            };
            let line = &part[starts[i]..starts[j]];
            let w = width(line);
            // A unit wider than the line still goes on a line of its own.
            if w > max && j - i > 1 {
                break;
            }
            let slack = ((max - w) / em).max(0.0);
            let here = if j == n {
                0.0
            } else {
                break_cost(part, starts[j])
            };
            let cand = (lines + 1, cost + slack * slack + here, i);
            if best[j].is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best[j] = Some(cand);
            }
        }
    }
    let mut cuts = vec![n];
    while let Some(&j) = cuts.last()
        && j > 0
    {
        cuts.push(best[j].map_or(0, |b| b.2));
    }
    cuts.reverse();
    cuts.windows(2)
        .map(|w| part[starts[w[0]]..starts[w[1]]].to_string())
        .collect()
}

/// What breaking a title before byte `at` costs, in squared em of slack: nothing at a phrase
/// boundary, little after an even number of Han characters (most after four), much after an
/// odd number (inside a two-character word).
fn break_cost(part: &str, at: usize) -> f32 {
    let before: Vec<char> = part[..at].chars().collect();
    let next = part[at..].chars().next();
    let prev = before.last().copied();
    let class_of = |c: char| classify(c, None, None);
    if prev.is_some_and(|c| matches!(class_of(c), Class::Stop | Class::Close))
        || next.is_some_and(|c| class_of(c) == Class::Open)
    {
        return 0.0;
    }
    let run = before.iter().rev().take_while(|&&c| is_han(c)).count();
    // As much as a few em of unevenness: a phrase boundary is worth a less balanced pair.
    match run % 4 {
        0 => 8.0,
        2 => 16.0,
        _ => 40.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one em wide, spaces ½ em.
    fn ems(s: &str) -> f32 {
        s.chars().map(|c| if c == ' ' { 0.5 } else { 1.0 }).sum()
    }

    #[test]
    fn the_language_picks_the_region() {
        assert_eq!(Region::of_language("zh-CN"), Region::Mainland);
        assert_eq!(Region::of_language("zh-SG"), Region::Mainland);
        assert_eq!(Region::of_language("zh-Hans"), Region::Mainland);
        assert_eq!(Region::of_language("zh-Hans-HK"), Region::Mainland);
        assert_eq!(Region::of_language("en"), Region::Mainland);
        assert_eq!(Region::of_language("zh-TW"), Region::Taiwan);
        assert_eq!(Region::of_language("zh-Hant"), Region::Taiwan);
        assert_eq!(Region::of_language("zh-HK"), Region::HongKong);
        assert_eq!(Region::of_language("zh-Hant-MO"), Region::HongKong);
        assert_eq!(Region::HongKong.shaping_language(), "zh-HK");
        assert_eq!(Region::of_punctuation_name("tw"), Some(Region::Taiwan));
        assert_eq!(Region::of_punctuation_name("TW"), None);
    }

    #[test]
    fn optical_centring_leaves_out_edge_blanks() {
        assert_eq!(edge_blanks("（上）", Region::Mainland), (0.5, 0.5));
        assert_eq!(edge_blanks("成果", Region::Mainland), (0.0, 0.0));
        assert_eq!(edge_blanks("好。", Region::Mainland), (0.0, 0.5));
        // A centred stop has no blank side.
        assert_eq!(edge_blanks("好。", Region::Taiwan), (0.0, 0.0));
        assert_eq!(edge_blanks("「好」", Region::Taiwan), (0.5, 0.5));
    }

    #[test]
    fn a_title_breaks_at_its_space_then_between_words() {
        let t = "交流经验 巩固提升党史学习教育成果（上）";
        // The space first; the long part between two-character words, balanced.
        assert_eq!(
            title_lines(t, Kinsoku::Gb, 12.0, 1.0, ems),
            ["交流经验", "巩固提升党史学习", "教育成果（上）"]
        );
        // Wide enough for the long part: one break, at the space.
        assert_eq!(
            title_lines(t, Kinsoku::Gb, 16.0, 1.0, ems),
            ["交流经验", "巩固提升党史学习教育成果（上）"]
        );
        // Short parts join while they fit.
        assert_eq!(
            title_lines("学党史 悟思想 办实事", Kinsoku::Gb, 8.0, 1.0, ems),
            ["学党史 悟思想", "办实事"]
        );
        // A phrase boundary wins over balance: after the comma.
        assert_eq!(
            title_lines("春风化雨润物无声，桃李芬芳", Kinsoku::Gb, 9.0, 1.0, ems),
            ["春风化雨润物无声，", "桃李芬芳"]
        );
        assert!(title_lines("", Kinsoku::Gb, 9.0, 1.0, ems).is_empty());
    }

    #[test]
    fn the_three_senses_of_cjk() {
        // An ideograph is all three; kana and full-width forms are one em but take no dots.
        assert!(is_ideograph('汉') && is_han('汉') && is_wide('汉'));
        assert!(!is_ideograph('か') && is_han('か') && is_wide('か'));
        assert!(!is_ideograph('Ａ') && is_han('Ａ') && is_wide('Ａ'));
        // Punctuation: not one-em text, but wide (or shared with Chinese) for joining lines.
        assert!(!is_han('，') && is_wide('，') && is_wide('“') && is_wide('—'));
        assert!(!is_wide('a') && !is_han('a') && !is_ideograph('1'));
        assert!(is_ideograph('\u{20000}') && is_wide('\u{20000}'));
    }

    #[test]
    fn curly_quotes_are_brackets_but_an_apostrophe_is_a_letter() {
        assert_eq!(classify('“', Some('测'), Some('测')), Class::Open);
        assert_eq!(classify('”', Some('测'), Some('。')), Class::Close);
        assert_eq!(classify('’', Some('n'), Some('s')), Class::Latin);
    }

    #[test]
    fn em_dash_single_is_connector_double_is_dash() {
        assert_eq!(classify('—', Some('样'), Some('别')), Class::Connector);
        assert_eq!(classify('—', Some('？'), Some('—')), Class::Dash);
        assert_eq!(classify('—', Some('—'), Some('别')), Class::Dash);
    }

    #[test]
    fn prohibition_levels() {
        let c = |ch| classify(ch, None, None);
        assert!(no_start('，', c('，'), Kinsoku::Basic));
        assert!(no_start('·', c('·'), Kinsoku::Basic));
        assert!(no_start('～', c('～'), Kinsoku::Basic));
        assert!(no_start('%', c('%'), Kinsoku::Basic));
        assert!(no_start('℃', c('℃'), Kinsoku::Basic));
        assert!(!no_start('，', c('，'), Kinsoku::None));
        assert!(no_end('（', c('（'), Kinsoku::Basic));
        assert!(no_end('“', c('“'), Kinsoku::Basic));
        assert!(!no_end('/', c('/'), Kinsoku::Basic));
        assert!(no_end('/', c('/'), Kinsoku::Gb));
        assert!(!no_start('—', Class::Dash, Kinsoku::Gb));
        assert!(no_start('—', Class::Dash, Kinsoku::Strict));
        assert!(no_start('ッ', c('ッ'), Kinsoku::Strict));
        assert!(!no_start('ッ', c('ッ'), Kinsoku::Gb));
    }

    #[test]
    fn side_from_ink_follows_chromium() {
        // Noto Serif CJK SC: 。 ink 42–323, “ ink 571–924 (adv 1000).
        assert_eq!(side_from_ink(42.0, 323.0, 1000.0), Side::Left);
        assert_eq!(side_from_ink(571.0, 924.0, 1000.0), Side::Right);
        assert_eq!(side_from_ink(400.0, 600.0, 1000.0), Side::Centre);
        assert_eq!(side_from_ink(60.0, 940.0, 1000.0), Side::None);
    }

    #[test]
    fn adjacent_marks_lose_half_an_em() {
        // 》！ : 》 has ½ em blank on the right.
        assert_eq!(compress_pair(500.0, 0.0, 1000.0), (500.0, 0.0));
        // ，「 : ½ + ½ blank → remove ½ from the comma.
        assert_eq!(compress_pair(500.0, 500.0, 1000.0), (500.0, 0.0));
        // ·（centred ¼) followed by （: ¼ + ½ → ¼ + ¼.
        assert_eq!(compress_pair(250.0, 500.0, 1000.0), (250.0, 250.0));
        // Not enough blank: nothing.
        assert_eq!(compress_pair(0.0, 250.0, 1000.0), (0.0, 0.0));
    }
}
