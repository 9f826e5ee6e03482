//! Paragraph setting tests: the rules of docs/typesetting.md checked on real fonts.

use super::*;
use crate::cjk;
use crate::typeset::fonts::testfont::fonts;

const SIZE: f32 = 10.0;

fn set_with(text: &str, ems: f32, indent: f32, align: TextAlign, level: Kinsoku) -> Paragraph {
    let f = fonts();
    let runs = [StyledRun {
        text: text.to_string(),
        font: f.body(),
        size: SIZE,
        rise: 0.0,
    }];
    let spec = ParagraphSpec {
        width: ems * SIZE,
        first_indent: indent * SIZE,
        align,
        kinsoku: level,
    };
    match set_paragraph(f, &runs, &spec) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn set(text: &str, ems: f32) -> Paragraph {
    set_with(text, ems, 0.0, TextAlign::Justify, Kinsoku::Gb)
}

/// The lines' texts.
fn lines(p: &Paragraph) -> Vec<&str> {
    p.lines
        .iter()
        .map(|l| &p.text[l.text_range.clone()])
        .collect()
}

/// Width in em of the glyph standing for `c` on line `line`.
fn width_of(p: &Paragraph, line: usize, c: &str) -> f32 {
    let l = &p.lines[line];
    let g = l.glyphs.iter().find(|g| &p.text[g.text_range.clone()] == c);
    g.map_or(-1.0, |g| g.advance / SIZE)
}

/// Distance in em from the start of the first glyph for `from` to the first glyph for `to`
/// after it, on line `line`.
fn span(p: &Paragraph, line: usize, from: &str, to: &str) -> f32 {
    let gl = &p.lines[line].glyphs;
    let a = gl
        .iter()
        .position(|g| &p.text[g.text_range.clone()] == from);
    let b = a.and_then(|a| gl[a..].iter().find(|g| &p.text[g.text_range.clone()] == to));
    match (a, b) {
        (Some(a), Some(b)) => (b.x - gl[a].x) / SIZE,
        _ => -1.0,
    }
}

/// Text extraction (poppler) starts a new line where a glyph begins ½ em or more inside the
/// previous glyph's box (its font advance): compression must stay under that.
fn assert_no_deep_overlap(p: &Paragraph) {
    let f = fonts();
    for l in &p.lines {
        for w in l.glyphs.windows(2) {
            let face = f.shaper_face(w[0].font);
            let upem = f.units_per_em(w[0].font);
            let gid = rustybuzz::ttf_parser::GlyphId(w[0].glyph_id);
            let adv = face
                .glyph_hor_advance(gid)
                .map_or(0.0, |a| f32::from(a) / upem * w[0].size);
            let end = w[0].x + w[0].x_offset + adv;
            let overlap = end - (w[1].x + w[1].x_offset);
            assert!(
                overlap < 0.4999 * w[0].size,
                "{overlap} pt overlap in {:?}",
                &p.text[l.text_range.clone()]
            );
        }
    }
}

fn assert_flush(p: &Paragraph, width: f32) {
    let n = p.lines.len();
    for (i, l) in p.lines.iter().enumerate().take(n.saturating_sub(1)) {
        let g = l.glyphs.last().map_or(0.0, |g| g.x + g.advance);
        assert!(
            (g - width).abs() < 0.01,
            "line {i} ends at {g}, not {width}: {:?}",
            lines(p)
        );
        assert!(l.justified);
    }
}

#[test]
fn text_is_the_runs_concatenated_and_lines_cover_it() {
    let p = set("测试文本，“测”", 5.0);
    assert_eq!(p.text, "测试文本，“测”");
    assert_eq!(lines(&p).concat(), p.text);
}

#[test]
fn opening_quote_is_not_left_at_line_end() {
    // typst#1009: in 5 em the comma hangs on line 1 (squeezed) and “测” goes down whole.
    let p = set("测试文本，“测”", 5.0);
    assert_eq!(lines(&p), ["测试文本，", "“测”"]);
    assert_flush(&p, 50.0);
}

#[test]
fn comma_after_bracket_after_digit_does_not_start_a_line() {
    // typst#3082.
    let p = set("念姐遠米巴急（abc0），松黃貫誰。", 7.0);
    assert_eq!(lines(&p), ["念姐遠米巴急", "（abc0），松黃", "貫誰。"]);
    // The opening bracket at the line start is trimmed to ½ em, flush left.
    let g = &p.lines[1].glyphs[0];
    assert!((g.advance / SIZE - 0.5).abs() < 1e-3 && g.x.abs() < 1e-3);
    for ems in [6.0, 7.0, 8.0, 9.0, 10.0, 11.0] {
        let p = set("念姐遠米巴急（abc0），松黃貫誰。", ems);
        for l in lines(&p).iter().skip(1) {
            assert!(
                !l.starts_with('，') && !l.starts_with('）'),
                "{ems}: {:?}",
                lines(&p)
            );
        }
        assert_flush(&p, ems * SIZE);
    }
}

#[test]
fn interpunct_stays_with_the_name_and_is_half_an_em() {
    // typst#6774, in a 7-em box.
    let p = set("噫，克里斯蒂娜·罗塞蒂，还有阿加莎·克里斯蒂！", 7.0);
    assert_eq!(
        lines(&p),
        ["噫，克里斯蒂娜·", "罗塞蒂，还有阿", "加莎·克里斯蒂！"]
    );
    for l in lines(&p) {
        assert!(!l.starts_with('·'), "{:?}", lines(&p));
    }
    let (i, _) = lines(&p)
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains('·'))
        .unwrap_or((0, &""));
    let w = width_of(&p, i, "·");
    assert!(w >= 0.5 - 1e-3, "· is {w} em");
    assert_flush(&p, 70.0);
}

#[test]
fn two_em_dash_is_one_glyph_two_em_wide() {
    // typst#6735: 9 em, justified. locl (Hani/zh-Hans) makes U+2014 one em, ccmp ligates ——.
    let p = set("娜拉走后怎样？——别人可是也发表过意见的。", 9.0);
    let all: Vec<&PlacedGlyph> = p.lines.iter().flat_map(|l| &l.glyphs).collect();
    let dash: Vec<_> = all
        .iter()
        .filter(|g| p.text[g.text_range.clone()].contains('—'))
        .collect();
    assert_eq!(dash.len(), 1, "—— must be a single glyph");
    assert_eq!(&p.text[dash[0].text_range.clone()], "——");
    let l = lines(&p);
    assert_eq!(l[0], "娜拉走后怎样？——");
    // The dash is never stretched (no justification space inside or after it at line end).
    assert!(
        (dash[0].advance / SIZE - 2.0).abs() < 1e-3,
        "{}",
        dash[0].advance
    );
    assert_flush(&p, 90.0);
}

#[test]
fn single_em_dash_is_one_em() {
    let p = set("北京—上海", 20.0);
    assert!((width_of(&p, 0, "—") - 1.0).abs() < 1e-3);
}

#[test]
fn number_is_never_split_and_gets_quarter_em_glue() {
    let p = set("每年的消费量约4,000吨", 12.0);
    assert_eq!(lines(&p), ["每年的消费量约4,000吨"]);
    // ¼ em before and after the number: 约 ends where 4 starts minus 2.5 pt.
    let l = &p.lines[0];
    let yue = l
        .glyphs
        .iter()
        .find(|g| &p.text[g.text_range.clone()] == "约");
    let four = l
        .glyphs
        .iter()
        .find(|g| &p.text[g.text_range.clone()] == "4");
    if let (Some(a), Some(b)) = (yue, four) {
        assert!((b.x - a.x - 1.25 * SIZE).abs() < 1e-3, "{} {}", a.x, b.x);
    } else {
        panic!("glyphs missing");
    }
    // In a narrower measure the number moves down whole.
    let p = set("每年的消费量约4,000吨", 9.0);
    assert!(
        lines(&p).iter().any(|l| l.contains("4,000")),
        "{:?}",
        lines(&p)
    );
}

#[test]
fn wan_stays_with_its_number() {
    for ems in 5..12 {
        let p = set("今年产量达到156.84万吨", ems as f32);
        assert!(
            lines(&p).iter().any(|l| l.contains("156.84万")),
            "{:?}",
            lines(&p)
        );
    }
}

#[test]
fn adjacent_marks_are_compressed_to_one_and_a_half_em() {
    // 》！？: 》 loses its right blank next to ！; ！ loses its right blank next to ？.
    // In 10 em it all fits on one line: 10.5 em with 》！ and ！？ compressed and the final ？
    // trimmed, then ½ em squeezed out of ， and 《 alike (push-in).
    let p = set("原来，你也玩《原神》！？", 10.0);
    assert_eq!(lines(&p), ["原来，你也玩《原神》！？"]);
    assert_no_deep_overlap(&p);
    assert!((width_of(&p, 0, "，") - 0.75).abs() < 1e-3);
    // 《 keeps its own box and starts ¼ em early: 玩 (1 em) and 《 squeezed span 1.75 em.
    assert!((span(&p, 0, "玩", "原") - 1.75).abs() < 1e-3);
    assert!((p.lines[0].width - 100.0).abs() < 0.01);
    // GB: ？！ and ！？ take one em together; a triple two em.
    let p = set("真的！？好？？？走。", 30.0);
    assert!((width_of(&p, 0, "！") - 0.5).abs() < 1e-3);
    let qs: Vec<f32> = p.lines[0]
        .glyphs
        .iter()
        .filter(|g| &p.text[g.text_range.clone()] == "？")
        .map(|g| g.advance / SIZE)
        .collect();
    let want = [0.5, 0.5, 0.5, 1.0];
    assert!(
        qs.len() == 4 && qs.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-3),
        "{qs:?}"
    );
    let p = set("原来，你也玩《原神》！？", 30.0);
    assert!((width_of(&p, 0, "》") - 0.5).abs() < 1e-3);
    assert!((width_of(&p, 0, "！") - 0.5).abs() < 1e-3);
    assert!((width_of(&p, 0, "《") - 1.0).abs() < 1e-3);
    // Last line: the final ？ keeps its full em (ragged last line, no trim needed).
    let p = set("他说：“走吧。”", 30.0);
    assert!(
        (width_of(&p, 0, "。") - 0.5).abs() < 1e-3,
        "{}",
        width_of(&p, 0, "。")
    );
    assert!((width_of(&p, 0, "：") - 0.5).abs() < 1e-3);
}

#[test]
fn line_end_stop_and_line_start_bracket_are_half_an_em() {
    // 4 em: 甲乙丙， | （丁戊）… the comma ends line 1 at ½ em, （ starts line 2 at ½ em.
    let p = set("甲乙丙，（丁戊己）庚辛", 4.0);
    assert_eq!(lines(&p)[0], "甲乙丙，");
    assert!(
        (width_of(&p, 0, "，") - 0.5).abs() < 0.05,
        "{}",
        width_of(&p, 0, "，")
    );
    assert!(lines(&p)[1].starts_with('（'));
    let g = &p.lines[1].glyphs[0];
    assert!((g.advance / SIZE - 0.5).abs() < 0.05 && g.x.abs() < 1e-3);
    assert_flush(&p, 40.0);
}

#[test]
fn first_line_indent() {
    let p = set_with(
        "甲乙丙丁戊己庚辛壬癸子丑寅卯",
        6.0,
        2.0,
        TextAlign::Justify,
        Kinsoku::Gb,
    );
    assert_eq!(lines(&p)[0].chars().count(), 4);
    assert!((p.lines[0].glyphs[0].x - 20.0).abs() < 1e-3);
    assert!((p.lines[0].x_start - 20.0).abs() < 1e-3);
}

#[test]
fn no_single_character_last_line() {
    // 9 chars + 。 in 4 em would leave 「申。」 alone on the last line.
    let p = set("子丑寅卯辰巳午未申。", 4.0);
    let l = lines(&p);
    assert_eq!(l, ["子丑寅卯", "辰巳午", "未申。"]);
    assert_flush(&p, 40.0);
}

#[test]
fn overlong_latin_word_still_sets() {
    let p = set(
        "这是Pneumonoultramicroscopicsilicovolcanoconiosis一词。",
        5.0,
    );
    assert_eq!(lines(&p).concat(), p.text);
    assert!(p.lines.len() >= 3);
    // Even the pieces of the word are flush (spread as a last resort).
    assert_flush(&p, 50.0);
}

#[test]
fn source_space_between_cjk_and_latin_is_kept_but_set_as_quarter_em() {
    let p = set("使用 Rust 语言", 30.0);
    assert_eq!(lines(&p), ["使用 Rust 语言"]);
    let sp = p.lines[0]
        .glyphs
        .iter()
        .find(|g| &p.text[g.text_range.clone()] == " ");
    assert!(sp.is_some_and(|g| (g.advance / SIZE - 0.25).abs() < 1e-3));
}

#[test]
fn centred_and_right_aligned() {
    let p = set_with("目录", 10.0, 0.0, TextAlign::Center, Kinsoku::Gb);
    assert!((p.lines[0].glyphs[0].x - 40.0).abs() < 1e-3);
    let p = set_with("目录", 10.0, 0.0, TextAlign::Right, Kinsoku::Gb);
    assert!((p.lines[0].width - 100.0).abs() < 1e-3);
}

#[test]
fn missing_glyph_names_the_code_point() {
    let f = fonts();
    let runs = [StyledRun {
        text: "甲\u{E000}".into(),
        font: f.body(),
        size: SIZE,
        rise: 0.0,
    }];
    let spec = ParagraphSpec {
        width: 100.0,
        first_indent: 0.0,
        align: TextAlign::Justify,
        kinsoku: Kinsoku::Gb,
    };
    let e = set_paragraph(f, &runs, &spec)
        .err()
        .map(|e| e.first().message.clone());
    assert!(e.is_some_and(|m| m.contains("U+E000")));
}

/// Every line start and end of `p`, checked against the prohibition rules of `level`.
fn violations(p: &Paragraph, level: Kinsoku) -> Vec<String> {
    let chars: Vec<char> = p.text.chars().collect();
    let classes = breaks::classes(&chars);
    let class_at = |byte: usize| {
        let i = p.text[..byte].chars().count();
        (chars[i], classes[i])
    };
    let mut out = Vec::new();
    let n = p.lines.len();
    for (k, l) in p.lines.iter().enumerate() {
        if l.text_range.is_empty() {
            continue;
        }
        let (c, cl) = class_at(l.text_range.start);
        // Our rules, and the sets the PDF check (check_pdf.py) reads back from the PDF.
        if k > 0 && (cjk::no_start(c, cl, level) || CHECK_NO_START.contains(c)) {
            out.push(format!("line {k} starts with {c}"));
        }
        let last = p.text[l.text_range.clone()]
            .char_indices()
            .last()
            .map_or(0, |(i, _)| i);
        let (c, cl) = class_at(l.text_range.start + last);
        if k + 1 < n && (cjk::no_end(c, cl, level) || CHECK_NO_END.contains(c)) {
            out.push(format!("line {k} ends with {c}"));
        }
    }
    out
}

/// The sets of /work/shared/tools/check_pdf.py.
const CHECK_NO_START: &str = "，。、；：？！）》」』”’〕】〗〉］｝·～%‰℃";
const CHECK_NO_END: &str = "（《「『“‘〔【〖〈［｛";
const NO_START: &str = "。．，、：；！？）〉》」』】〕〗〙〛］｝”’·・～–—…‼⁇々／!,.:;?)]}%％‰℃°";
const NO_END: &str = "（〈《「『【〔〖〘〚［｛“‘(［{／/";

#[test]
fn adversarial_no_start_marks_at_every_line_start() {
    for level in [Kinsoku::Basic, Kinsoku::Gb, Kinsoku::Strict] {
        for mark in NO_START.chars() {
            for before in 1..7 {
                let text = format!("{}{mark}乙丙丁戊己庚辛壬癸子丑", "甲".repeat(before));
                for ems in [3.0, 4.0, 5.0, 6.0] {
                    let p = set_with(&text, ems, 0.0, TextAlign::Justify, level);
                    let v = violations(&p, level);
                    assert!(v.is_empty(), "{text} in {ems} em: {v:?} {:?}", lines(&p));
                    assert_eq!(lines(&p).concat(), p.text);
                }
            }
        }
    }
}

#[test]
fn adversarial_no_end_marks_at_every_line_end() {
    for level in [Kinsoku::Basic, Kinsoku::Gb, Kinsoku::Strict] {
        for mark in NO_END.chars() {
            for before in 1..7 {
                let text = format!("{}{mark}乙丙丁戊己庚辛壬癸子丑", "甲".repeat(before));
                for ems in [3.0, 4.0, 5.0, 6.0] {
                    let p = set_with(&text, ems, 0.0, TextAlign::Justify, level);
                    let v = violations(&p, level);
                    assert!(v.is_empty(), "{text} in {ems} em: {v:?} {:?}", lines(&p));
                }
            }
        }
    }
}

#[test]
fn strict_level_keeps_dash_and_ellipsis_off_the_line_start() {
    for text in ["甲乙丙——丁戊己庚", "甲乙丙……丁戊己庚"] {
        for ems in [3.0, 4.0] {
            let p = set_with(text, ems, 0.0, TextAlign::Justify, Kinsoku::Strict);
            for l in lines(&p).iter().skip(1) {
                assert!(
                    !l.starts_with('—') && !l.starts_with('…'),
                    "{:?}",
                    lines(&p)
                );
            }
        }
    }
    // GB level: —— may start a line.
    let p = set_with(
        "甲乙丙——丁戊己庚",
        3.0,
        0.0,
        TextAlign::Justify,
        Kinsoku::Gb,
    );
    assert_eq!(lines(&p)[1], "——丁");
}

#[test]
fn justified_lines_are_flush_in_many_measures() {
    let text = "坚持以人民为中心的发展思想，聚焦群众“急难愁盼”问题，2021年共办实事156.84万件，\
                涉及教育、医疗（含养老）、交通等领域；群众满意度达到98.5%——这是“345”工作法的成果。";
    for ems in 5..30 {
        let p = set(text, ems as f32);
        assert_flush(&p, ems as f32 * SIZE);
        assert_no_deep_overlap(&p);
        assert_eq!(lines(&p).concat().replace(' ', ""), p.text.replace(' ', ""));
        assert!(violations(&p, Kinsoku::Gb).is_empty(), "{:?}", lines(&p));
        // Glyphs of a line are in order and never overlap backwards.
        for l in &p.lines {
            for w in l.glyphs.windows(2) {
                assert!((w[0].x + w[0].advance - w[1].x).abs() < 1e-3);
            }
        }
    }
}

#[test]
fn text_ranges_are_exact_and_in_order() {
    let p = set("他说：“Hello, world!” 然后走了。", 8.0);
    let mut at = 0;
    for l in &p.lines {
        assert!(l.text_range.start >= at);
        assert!(
            p.text.is_char_boundary(l.text_range.start)
                && p.text.is_char_boundary(l.text_range.end)
        );
        for g in &l.glyphs {
            assert!(
                g.text_range.start >= l.text_range.start && g.text_range.end <= l.text_range.end
            );
        }
        // Only spaces are left out between lines.
        assert!(p.text[at..l.text_range.start].chars().all(|c| c == ' '));
        at = l.text_range.end;
    }
    assert_eq!(at, p.text.len());
}

#[test]
fn runs_keep_their_index_size_and_rise() {
    let f = fonts();
    let runs = [
        StyledRun {
            text: "正文".into(),
            font: f.body(),
            size: SIZE,
            rise: 0.0,
        },
        StyledRun {
            text: "1".into(),
            font: f.body(),
            size: 6.0,
            rise: 3.0,
        },
        StyledRun {
            text: "继续。".into(),
            font: f.body(),
            size: SIZE,
            rise: 0.0,
        },
    ];
    let spec = ParagraphSpec {
        width: 100.0,
        first_indent: 0.0,
        align: TextAlign::Justify,
        kinsoku: Kinsoku::Gb,
    };
    let p = set_paragraph(f, &runs, &spec).map_err(|e| e.to_string());
    let p = p.as_ref().map_err(|e| e.as_str());
    let Ok(p) = p else { panic!("{p:?}") };
    assert_eq!(p.text, "正文1继续。");
    let one = p.lines[0].glyphs.iter().find(|g| g.run == 1);
    assert!(one.is_some_and(|g| g.size == 6.0 && (g.y_offset - 3.0).abs() < 1e-3));
    // No CJK–Latin glue at a superscript boundary: the marker touches 文.
    let wen = p.lines[0]
        .glyphs
        .iter()
        .find(|g| &p.text[g.text_range.clone()] == "文");
    let (Some(wen), Some(one)) = (wen, one) else {
        panic!("glyphs")
    };
    assert!((wen.x + wen.advance - one.x).abs() < 1e-3);
    assert_eq!(p.lines[0].max_size, SIZE);
}

#[test]
fn forced_line_break_ends_an_unjustified_line() {
    let p = set("甲乙\n丙丁", 10.0);
    assert_eq!(lines(&p), ["甲乙", "丙丁"]);
    assert!(!p.lines[0].justified);
}

#[test]
fn each_cluster_falls_back_to_a_face_that_has_it() {
    let latin = std::path::PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
    if !latin.exists() {
        return;
    }
    let mut s = crate::typeset::fonts::testfont::settings();
    s.heading = crate::book::model::FontFile {
        path: latin,
        index: 0,
    };
    let f = FontSet::load(&s).map_err(|e| e.to_string());
    let Ok(f) = f else { panic!("{f:?}") };
    let runs = [StyledRun {
        text: "Rust语言".into(),
        font: f.heading(),
        size: SIZE,
        rise: 0.0,
    }];
    let spec = ParagraphSpec {
        width: 100.0,
        first_indent: 0.0,
        align: TextAlign::Left,
        kinsoku: Kinsoku::Gb,
    };
    let p = set_paragraph(&f, &runs, &spec).map_err(|e| e.to_string());
    let Ok(p) = p else { panic!("{p:?}") };
    let font_of = |c: &str| {
        p.lines[0]
            .glyphs
            .iter()
            .find(|g| &p.text[g.text_range.clone()] == c)
            .map(|g| g.font)
    };
    assert_eq!(font_of("R"), Some(f.heading()));
    assert_eq!(font_of("语"), Some(f.body()));
}

#[test]
fn apostrophe_in_a_latin_word_is_latin_but_quotes_are_full_width() {
    let p = set("读Children’s Books和“书”", 30.0);
    let w = width_of(&p, 0, "’");
    assert!(w > 0.0 && w < 0.5, "apostrophe {w} em");
    assert!((width_of(&p, 0, "“") - 1.0).abs() < 1e-3);
}

#[test]
fn squeezes_punctuation_before_pushing_a_character_down() {
    // 甲乙，丙丁，戊己。 is 9 em; in 8 em the final 。 loses ½ em at the line end and one
    // comma ½ em inside the line (push-in), rather than leaving 「戊己。」 or 「己。」 below.
    let p = set("甲乙，丙丁，戊己。", 8.0);
    assert_eq!(lines(&p), ["甲乙，丙丁，戊己。"]);
    let w = p.lines[0].width;
    assert!((w - 80.0).abs() < 0.01, "{w}");
    let commas = width_of(&p, 0, "，");
    assert!(commas < 1.0 - 0.2, "comma {commas} em");
}

#[test]
fn degenerate_input_never_panics() {
    for ems in [0.0, 0.05, 1.0, 1000.0] {
        for text in [
            "",
            " ",
            "   ",
            "\n",
            "甲\n\n乙",
            "。。。。",
            "（（（（",
            "——————",
            "a",
            "\u{200B}\u{200B}甲",
            "甲\t乙",
        ] {
            let p = set(text, ems);
            assert_eq!(p.text, text);
            let solid = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(solid(&lines(&p).concat()), solid(text), "{ems} em");
            let notdef = p
                .lines
                .iter()
                .flat_map(|l| &l.glyphs)
                .any(|g| g.glyph_id == 0);
            assert!(!notdef, "{text:?} drew .notdef");
        }
    }
}

#[test]
fn ideographic_space_vanishes_at_a_line_end() {
    // 图1　caption: U+3000 may not start a line, and at a line end it takes no room.
    let p = set("甲乙丙丁　戊己庚辛壬癸", 4.0);
    assert_eq!(lines(&p)[0], "甲乙丙丁　");
    assert!(width_of(&p, 0, "　").abs() < 1e-3);
    assert_flush(&p, 40.0);
}

#[test]
fn centred_heading_breaks_at_its_phrase_space() {
    let p = set_with(
        "形式多样学党史 多措并举办实事",
        12.0,
        0.0,
        TextAlign::Center,
        Kinsoku::Gb,
    );
    assert_eq!(lines(&p), ["形式多样学党史", "多措并举办实事"]);
    // Each line centred: 7 em in 12 em starts 2.5 em in.
    assert!((p.lines[0].x_start - 25.0).abs() < 1e-3);
    // Without spaces a caption simply fills its lines.
    let p = set_with(
        "茶陵县组织红色主题文艺活动，升温党史学习教育。",
        12.0,
        0.0,
        TextAlign::Center,
        Kinsoku::Gb,
    );
    assert_eq!(lines(&p)[0].chars().count(), 12);
}

#[test]
fn random_mixed_text_always_sets_completely() {
    // Deterministic xorshift over a pool of Han, marks, Latin, digits and spaces.
    let pool: Vec<char> =
        "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以\
        ，。、：；！？“”‘’（）《》「」【】·—…～／/ abcXYZ0123456789%,.-"
            .chars()
            .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..300 {
        let len = 1 + next(80);
        let text: String = (0..len).map(|_| pool[next(pool.len())]).collect();
        let ems = 2.0 + next(30) as f32;
        let p = set(&text, ems);
        assert_no_deep_overlap(&p);
        let solid = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(
            solid(&lines(&p).concat()),
            solid(&text),
            "{text:?} in {ems} em"
        );
        for l in p.lines.iter().take(p.lines.len().saturating_sub(1)) {
            let end = l.glyphs.last().map_or(0.0, |g| g.x + g.advance);
            // Flush unless a single unbreakable piece is wider than the measure.
            if end <= ems * SIZE + 0.01 && l.glyphs.len() > 1 {
                assert!(
                    (end - ems * SIZE).abs() < 0.01,
                    "{text:?} in {ems} em: {:?}",
                    lines(&p)
                );
            }
        }
    }
}
