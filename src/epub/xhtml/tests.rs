use super::*;
use crate::book::model::{Align, Block, Figure, Footnote, Image, ImageFormat, Inline, Span, Table};
use std::sync::Arc;

fn fig(n: u32, caption: &str, credit: Option<&str>) -> Figure {
    Figure {
        alt: String::new(),
        label: format!("图{n}"),
        number: n,
        id: format!("fig-{n}"),
        caption: vec![Inline::Text(caption.into())],
        credit: credit.map(String::from),
        image: Image {
            path: "images/a.png".into(),
            format: ImageFormat::Png,
            width: 10,
            height: 10,
            orientation: 1,
            data: Arc::new(Vec::new()),
            remote: None,
        },
        span: Span::default(),
    }
}

fn render(blocks: Vec<Block>, footnotes: Vec<Footnote>, targets: &[(&str, &str)]) -> String {
    render_marked(blocks, footnotes, targets, &[])
}

fn render_marked(
    blocks: Vec<Block>,
    footnotes: Vec<Footnote>,
    targets: &[(&str, &str)],
    marks: &[Mark],
) -> String {
    let targets: HashMap<String, String> = targets
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let images = HashMap::from([("images/a.png".to_string(), "images/img-1.png".to_string())]);
    let ctx = Ctx {
        targets: &targets,
        images: &images,
        lang: "zh-CN",
        file: "section-01.xhtml",
        highlight: true,
        tcy: None,
    };
    let sec = Section {
        id: "sec-1".into(),
        source: "01.md".into(),
        title: "标题 <1> & 2".into(),
        author: Some("文毅".into()),
        kicker: Some("荷塘区".into()),
        role: Role::Body,
        depth: 0,
        blocks,
        footnotes,
        span: Span::default(),
        text: String::new(),
    };
    section(&sec, &ctx, marks)
}

fn mark(part: Part, path: &[usize], offset: usize, label: &str) -> Mark {
    Mark {
        part,
        path: path.to_vec(),
        offset,
        label: label.into(),
    }
}

fn text(s: &str) -> Inline {
    Inline::Text(s.into())
}

fn p(content: Vec<Inline>) -> Block {
    Block::Paragraph {
        content,
        span: Span::default(),
    }
}

#[test]
fn page_marks_go_to_the_exact_character() {
    let blocks = vec![
        p(vec![
            text("一二三"),
            Inline::Emph(vec![text("四五")]),
            Inline::FootnoteRef {
                number: 1,
                id: "n1".into(),
            },
            Inline::LineBreak,
            text("六七"),
        ]),
        Block::List {
            ordered: false,
            start: 1,
            items: vec![vec![p(vec![text("甲")])], vec![p(vec![text("乙丙")])]],
            span: Span::default(),
        },
        Block::Table(Table {
            align: vec![],
            head: vec![vec![text("头")]],
            rows: vec![vec![vec![text("行一")]], vec![vec![text("行二")]]],
            span: Span::default(),
        }),
        Block::Code {
            text: "ab\ncd".into(),
            lang: String::new(),
            span: Span::default(),
        },
    ];
    let notes = vec![Footnote {
        id: "n1".into(),
        number: 1,
        blocks: vec![p(vec![text("注")])],
    }];
    let marks = [
        mark(Part::Opening, &[], 0, "1"),
        // "一二三" + "四五": offset 4 is before 五, inside the emphasis.
        mark(Part::Body, &[0], 4, "2"),
        // After 五 (5), the note number (6) and the line break (7): before 六.
        mark(Part::Body, &[0], 7, "3"),
        mark(Part::Body, &[1, 1, 0], 1, "4"),
        mark(Part::Body, &[2, 2], 0, "5"),
        mark(Part::Body, &[3], 3, "6"),
        mark(Part::Notes, &[0], 0, "7"),
    ];
    let html = render_marked(blocks, notes, &[("n1", "section-01.xhtml#n1")], &marks);
    parse(&html);
    let pb = |n: &str| pagebreak(n);
    assert!(
        html.contains(&format!("<section id=\"sec-1\" class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"sec-1-title\">\n{}<header>", pb("1"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("<em>四{}五</em>", pb("2"))),
        "{html}"
    );
    assert!(html.contains(&format!("<br/>{}六七", pb("3"))), "{html}");
    assert!(
        html.contains(&format!("<li>乙{}丙</li>", pb("4"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("<tr><td>{}行二</td>", pb("5"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("<pre><code>ab\n{}cd</code></pre>", pb("6"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("role=\"doc-footnote\">\n{}<p>", pb("7"))),
        "{html}"
    );
    assert_eq!(html.matches("doc-pagebreak").count(), marks.len());
    assert!(pb("iv").contains("id=\"page-iv\" aria-label=\"iv\""));
}

#[test]
fn a_mark_the_writer_does_not_reach_is_kept_at_the_end() {
    let html = render_marked(
        vec![p(vec![text("短")])],
        vec![],
        &[],
        &[mark(Part::Body, &[0], 99, "9")],
    );
    assert!(
        html.contains(&format!("{}</section>", pagebreak("9"))),
        "{html}"
    );
}

#[test]
fn captionless_figure_is_decorative_and_roles_match_types() {
    let html = render(vec![Block::Figure(fig(1, "", None))], vec![], &[]);
    let doc = parse(&html);
    let img = doc.descendants().find(|n| n.has_tag_name("img")).unwrap();
    assert_eq!(img.attribute("alt"), Some(""));
    assert_eq!(img.attribute("role"), Some("presentation"));
    // Every epub:type this writer uses has its ARIA role.
    let ops = "http://www.idpf.org/2007/ops";
    for n in doc
        .descendants()
        .filter(|n| n.attribute((ops, "type")).is_some())
    {
        let t = n.attribute((ops, "type")).unwrap();
        let role = match t {
            "chapter" | "preface" | "footnote" | "noteref" | "pagebreak" => {
                Some(format!("doc-{t}"))
            }
            _ => None,
        };
        if let Some(role) = role {
            assert_eq!(n.attribute("role"), Some(role.as_str()), "{t}");
        }
    }
}

fn parse(doc: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        doc,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn figure_markup_numbers_caption_and_credit() {
    let html = render(
        vec![Block::Figure(fig(
            3,
            "坚持走群众路线 <x>",
            Some("受访者供图"),
        ))],
        vec![],
        &[],
    );
    let doc = parse(&html);
    let figure = doc
        .descendants()
        .find(|n| n.has_tag_name("figure"))
        .unwrap();
    assert_eq!(figure.attribute("id"), Some("fig-3"));
    let img = figure.children().find(|n| n.has_tag_name("img")).unwrap();
    assert_eq!(img.attribute("src"), Some("images/img-1.png"));
    assert_eq!(img.attribute("alt"), Some("坚持走群众路线 <x>"));
    let cap = figure
        .children()
        .find(|n| n.has_tag_name("figcaption"))
        .unwrap();
    let text: String = cap
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(text, "图3\u{3000}坚持走群众路线 <x>\u{3000}受访者供图");
    let credit = cap
        .children()
        .find(|n| n.attribute("class") == Some("credit"))
        .unwrap();
    assert_eq!(credit.text(), Some("受访者供图"));
}

#[test]
fn section_has_lang_header_and_escaped_title() {
    let html = render(
        vec![Block::Paragraph {
            content: vec![Inline::Text("正文".into())],
            span: Span::default(),
        }],
        vec![],
        &[],
    );
    let doc = parse(&html);
    let root = doc.root_element();
    assert_eq!(root.attribute("lang"), Some("zh-CN"));
    assert_eq!(
        root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("zh-CN")
    );
    let h1 = doc.descendants().find(|n| n.has_tag_name("h1")).unwrap();
    assert_eq!(h1.text(), Some("标题 <1> & 2"));
    let header = h1.parent().unwrap();
    let kinds: Vec<_> = header
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name().to_string())
        .collect();
    assert_eq!(kinds, ["p", "h1", "p"]);
    assert_eq!(header.first_element_child().unwrap().text(), Some("荷塘区"));
    assert_eq!(header.last_element_child().unwrap().text(), Some("文毅"));
}

#[test]
fn headings_shift_below_the_title() {
    assert_eq!(heading_tag_level(2, 2), 2);
    assert_eq!(heading_tag_level(3, 2), 3);
    assert_eq!(heading_tag_level(1, 1), 2);
    assert_eq!(heading_tag_level(2, 1), 3);
    assert_eq!(heading_tag_level(6, 1), 6);
    let html = render(
        vec![Block::Heading {
            level: 2,
            id: "1-x".into(),
            content: vec![Inline::Text("一、注重理念新".into())],
            span: Span::default(),
        }],
        vec![],
        &[],
    );
    assert!(
        html.contains("<h2 id=\"id-1-x\">一、注重理念新</h2>"),
        "{html}"
    );
}

#[test]
fn footnotes_link_both_ways() {
    let p = Block::Paragraph {
        content: vec![
            Inline::Text("正文".into()),
            Inline::FootnoteRef {
                number: 1,
                id: "sec-1-fn-1".into(),
            },
        ],
        span: Span::default(),
    };
    let note = Footnote {
        id: "sec-1-fn-1".into(),
        number: 1,
        blocks: vec![Block::Paragraph {
            content: vec![Inline::Text("注释".into())],
            span: Span::default(),
        }],
    };
    let html = render(
        vec![p.clone(), p],
        vec![note],
        &[("sec-1-fn-1", "section-01.xhtml#sec-1-fn-1")],
    );
    let doc = parse(&html);
    let ops = "http://www.idpf.org/2007/ops";
    let refs: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute((ops, "type")) == Some("noteref"))
        .collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0].attribute("id"), Some("sec-1-fn-1-ref"));
    assert_eq!(refs[1].attribute("id"), Some("sec-1-fn-1-ref-2"));
    assert_eq!(refs[0].attribute("href"), Some("#sec-1-fn-1"));
    let aside = doc.descendants().find(|n| n.has_tag_name("aside")).unwrap();
    assert_eq!(aside.attribute((ops, "type")), Some("footnote"));
    assert_eq!(aside.attribute("id"), Some("sec-1-fn-1"));
    let back = aside.descendants().find(|n| n.has_tag_name("a")).unwrap();
    assert_eq!(back.attribute("href"), Some("#sec-1-fn-1-ref"));
}

#[test]
fn links_resolve_across_files_and_dead_ones_drop() {
    let p = Block::Paragraph {
        content: vec![
            Inline::Link {
                href: "#sec-2".into(),
                content: vec![Inline::Text("下一篇".into())],
            },
            Inline::Link {
                href: "#nowhere".into(),
                content: vec![Inline::Text("无".into())],
            },
            Inline::Link {
                href: "https://example.org/a b".into(),
                content: vec![Inline::Text("网".into())],
            },
        ],
        span: Span::default(),
    };
    let html = render(vec![p], vec![], &[("sec-2", "section-02.xhtml#sec-2")]);
    assert!(
        html.contains("<a href=\"section-02.xhtml#sec-2\">下一篇</a>"),
        "{html}"
    );
    assert!(html.contains("<span>无</span>"), "{html}");
    assert!(
        html.contains("<a href=\"https://example.org/a%20b\">网</a>"),
        "{html}"
    );
}

#[test]
fn tables_lists_quotes_code() {
    let t = |s: &str| vec![Inline::Text(s.into())];
    let blocks = vec![
        Block::Table(Table {
            align: vec![Align::Center, Align::None],
            head: vec![t("甲"), t("乙")],
            rows: vec![vec![t("1"), t("2")]],
            span: Span::default(),
        }),
        Block::List {
            ordered: true,
            start: 3,
            items: vec![vec![Block::Paragraph {
                content: t("三"),
                span: Span::default(),
            }]],
            span: Span::default(),
        },
        Block::Quote {
            blocks: vec![Block::Paragraph {
                content: t("引"),
                span: Span::default(),
            }],
            span: Span::default(),
        },
        Block::Code {
            text: "a < b".into(),
            lang: String::new(),
            span: Span::default(),
        },
    ];
    let html = render(blocks, vec![], &[]);
    parse(&html);
    assert!(html.contains("<th scope=\"col\" class=\"al-c\">甲</th><th scope=\"col\">乙</th>"));
    assert!(html.contains("<ol start=\"3\">\n<li>三</li>"));
    assert!(html.contains("<blockquote>\n<p>引</p>"));
    assert!(html.contains("<pre><code>a &lt; b</code></pre>"));
}
