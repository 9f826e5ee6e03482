use super::*;
use crate::book::model::ImageFormat;
use std::sync::Arc;

/// Pictures exist when their name has no `missing`; links resolve to themselves.
#[derive(Default)]
struct TestHost {
    warnings: Vec<String>,
    asked: Vec<String>,
}

impl Host for TestHost {
    fn image(&mut self, src: &str, _: Option<(u32, u32)>) -> Option<Image> {
        self.asked.push(src.to_string());
        (!src.contains("missing")).then(|| Image {
            path: src.to_string(),
            format: ImageFormat::Png,
            width: 10,
            height: 10,
            orientation: 1,
            data: Arc::new(Vec::new()),
            remote: None,
        })
    }
    fn link(&mut self, href: &str) -> Option<String> {
        Some(href.to_string())
    }
    fn warn(&mut self, message: String, _hint: &str, _needle: &str) {
        self.warnings.push(message);
    }
}

fn text(v: &[Inline]) -> String {
    crate::book::model::plain_text(v)
}

#[test]
fn centred_picture_then_centred_line_is_a_captioned_figure() {
    let mut h = TestHost::default();
    let b = blocks(
        "<div align=center>\n<img width=\"550\" src=\"../img/ch1/1.1.png\"/>\n</div>\n<div align=center>图 1.1 强化学习示意</div>\n",
        &mut h,
    );
    assert_eq!(b.len(), 1, "{b:?}");
    let HtmlBlock::Figure { image, caption, .. } = &b[0] else {
        panic!("{b:?}")
    };
    assert_eq!(image.path, "../img/ch1/1.1.png");
    assert_eq!(text(caption), "图 1.1 强化学习示意");
    assert!(h.warnings.is_empty(), "{:?}", h.warnings);
}

#[test]
fn figure_with_figcaption_and_p_center() {
    let mut h = TestHost::default();
    let b = blocks(
        "<figure><img src=\"a.png\" alt=\"示意\"><figcaption>图2 结构</figcaption></figure>",
        &mut h,
    );
    let HtmlBlock::Figure { caption, alt, .. } = &b[0] else {
        panic!("{b:?}")
    };
    assert_eq!((text(caption).as_str(), alt.as_str()), ("图2 结构", "示意"));
    let b = blocks(
        "<p align=\"center\">\n  <img src=\"logo.png\" width=300>\n</p>",
        &mut h,
    );
    assert!(matches!(&b[..], [HtmlBlock::Figure { .. }]), "{b:?}");
}

#[test]
fn inline_tags_keep_their_text_and_meaning() {
    let mut h = TestHost::default();
    let b = blocks(
        "<p>按 <kbd>Ctrl</kbd>+<kbd>C</kbd>，E=mc<sup>2</sup>，H<sub>2</sub>O<br>第二行 <b>粗</b><i>斜</i><u>下划</u><del>删</del><mark>亮</mark><small>小</small><code>x()</code> <span class=\"x\">普通</span></p>",
        &mut h,
    );
    let HtmlBlock::Paragraph { content, .. } = &b[0] else {
        panic!("{b:?}")
    };
    assert_eq!(
        text(content),
        "按 Ctrl+C，E=mc2，H2O\n第二行 粗斜下划删亮小x() 普通"
    );
    let styles: Vec<_> = content
        .iter()
        .filter_map(|i| match i {
            Inline::Styled { style, .. } => Some(*style),
            _ => None,
        })
        .collect();
    use InlineStyle::*;
    assert_eq!(
        styles,
        [
            Keyboard,
            Keyboard,
            Superscript,
            Subscript,
            Underline,
            Highlight,
            Small
        ]
    );
    assert!(
        content
            .iter()
            .any(|i| matches!(i, Inline::Code(c) if c == "x()"))
    );
    assert!(h.warnings.is_empty(), "{:?}", h.warnings);
}

#[test]
fn active_content_is_dropped_with_a_warning_and_unknown_tags_keep_text() {
    let mut h = TestHost::default();
    let b = blocks(
        "<div onclick=\"alert(1)\">前<script>alert(2)</script><iframe src=\"https://x\"></iframe><a href=\"javascript:alert(3)\">点我</a><blink>闪</blink><blink>又闪</blink>后</div><style>p{}</style>",
        &mut h,
    );
    let all: String = b
        .iter()
        .map(|b| match b {
            HtmlBlock::Paragraph { content, .. } => text(content),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(all, "前点我闪又闪后");
    let w = h.warnings.join("\n");
    for needle in [
        "onclick",
        "<script>",
        "<iframe>",
        "javascript:",
        "<blink>",
        "<style>",
    ] {
        assert!(w.contains(needle), "{needle} not warned: {w}");
    }
    assert_eq!(w.matches("<blink>").count(), 2, "{w}");
}

#[test]
fn details_lists_tables_and_pre() {
    let mut h = TestHost::default();
    let b = blocks(
        "<details><summary>答案</summary><p>内容</p></details><ul><li>一</li><li>二</li></ul><table><tr><th>名</th><th align=right>值</th></tr><tr><td>甲</td><td>1</td></tr></table><pre>  缩进\n    保留</pre><hr>",
        &mut h,
    );
    assert!(
        matches!(&b[0], HtmlBlock::Paragraph { content, .. } if matches!(&content[0], Inline::Strong(_)))
    );
    assert!(matches!(&b[1], HtmlBlock::Paragraph { content, .. } if text(content) == "内容"));
    assert!(matches!(&b[2], HtmlBlock::List { items, ordered: false, .. } if items.len() == 2));
    let HtmlBlock::Table { align, head, rows } = &b[3] else {
        panic!("{b:?}")
    };
    assert_eq!(align, &[Align::None, Align::Right]);
    assert_eq!(text(&head[1]), "值");
    assert_eq!(text(&rows[0][0]), "甲");
    assert!(matches!(&b[4], HtmlBlock::Code(c) if c == "  缩进\n    保留"));
    assert!(matches!(&b[5], HtmlBlock::Rule));
}

#[test]
fn inline_tag_events() {
    let mut h = TestHost::default();
    assert!(matches!(
        inline_tag("<!-- ignore -->", &mut h),
        InlineTag::Nothing
    ));
    assert!(matches!(inline_tag("</kbd>", &mut h), InlineTag::Close(n) if n == "kbd"));
    assert!(matches!(
        inline_tag("<kbd>", &mut h),
        InlineTag::Open {
            wrap: Wrap::Style(InlineStyle::Keyboard),
            ..
        }
    ));
    assert!(matches!(
        inline_tag("<span class=\"caption\">", &mut h),
        InlineTag::Open {
            wrap: Wrap::Caption,
            ..
        }
    ));
    assert!(
        matches!(inline_tag("<br/>", &mut h), InlineTag::Atom(v) if matches!(v[..], [Inline::LineBreak]))
    );
    assert!(
        matches!(inline_tag("<img src=\"p.png\" alt=\"图\">", &mut h), InlineTag::Atom(v) if matches!(&v[..], [Inline::Image { .. }]))
    );
    assert!(
        matches!(inline_tag("<img src=\"missing.png\" alt=\"替代\">", &mut h), InlineTag::Atom(v) if text(&v) == "替代")
    );
}
