use super::*;

fn parse(text: &str) -> (Result<Section>, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("images")).unwrap();
    let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 200, 200]));
    img.save(root.join("images/a.png")).unwrap();
    let mut images = ImageCache::default();
    let mut figures = 0;
    let ids = HashMap::from([("b.md".to_string(), "sec-2".to_string())]);
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut anchors = HashMap::new();
    let mut files_read = Vec::new();
    let mut ctx = Context {
        root: &root,
        images: &mut images,
        figures: &mut figures,
        section_ids: &ids,
        warnings: &mut warnings,
        errors: &mut errors,
        anchors: &mut anchors,
        figure_numbers: FigureNumbers::Book,
        words: &crate::words::HANS,
        chapter: (1, 0),
        files_read: &mut files_read,
        notes: &mut BookNotes::default(),
    };
    let r = parse_section(&mut ctx, Path::new("a.md"), "sec-1", text);
    let mut ids = ids.clone();
    ids.insert("a.md".into(), "sec-1".into());
    let r = r.map(|s| {
        let mut v = vec![s];
        links::resolve(&mut v, &ids, &anchors, &mut warnings);
        v.remove(0)
    });
    let r = match r {
        Ok(_) if !errors.is_empty() => Err(errors.into()),
        r => r,
    };
    (r, warnings)
}

fn para_text(b: &Block) -> String {
    match b {
        Block::Paragraph { content, .. } => crate::book::model::plain_text(content),
        other => panic!("not a paragraph: {other:?}"),
    }
}

#[test]
fn front_matter_and_title() {
    let (s, _) =
        parse("+++\ntitle = \"标题\"\nauthor = \"文毅\"\nkicker = \"荷塘区\"\n+++\n\n正文。\n");
    let s = s.unwrap();
    assert_eq!(
        (s.title.as_str(), s.author.as_deref(), s.kicker.as_deref()),
        ("标题", Some("文毅"), Some("荷塘区"))
    );
    assert_eq!(s.role, Role::Body);
    assert_eq!(para_text(&s.blocks[0]), "正文。");
    if let Block::Paragraph { span, .. } = &s.blocks[0] {
        assert_eq!(span.line, 7);
    }
}

#[test]
fn first_h1_is_title_when_front_matter_has_none() {
    let s = parse("# 编者按\n\n正文\n").0.unwrap();
    assert_eq!(s.title, "编者按");
    assert_eq!(s.blocks.len(), 1);
}

#[test]
fn unknown_front_matter_key_names_key_and_line() {
    let e = parse("+++\ntitle = \"x\"\nautor = \"y\"\n+++\n")
        .0
        .unwrap_err();
    let d = e.first();
    assert!(d.message.contains("unknown field `autor`"), "{}", d.message);
    assert_eq!(d.line, 3);
    assert_eq!(d.file.as_deref(), Some(Path::new("a.md")));
}

#[test]
fn soft_breaks_join_cjk_and_space_latin() {
    let s = parse("# t\n\n中文\n换行，English\nwords and\n中文\n")
        .0
        .unwrap();
    assert_eq!(para_text(&s.blocks[0]), "中文换行，English words and 中文");
}

#[test]
fn figure_is_numbered_with_caption_and_credit() {
    let s =
        parse("# t\n\n![图片说明](images/a.png \"受访者供图\")\n\n文字 ![x](images/a.png) 文字\n")
            .0
            .unwrap();
    match &s.blocks[0] {
        Block::Figure(f) => {
            assert_eq!(f.number, 1);
            assert_eq!(crate::book::model::plain_text(&f.caption), "图片说明");
            assert_eq!(f.credit.as_deref(), Some("受访者供图"));
            assert_eq!((f.image.width, f.image.height), (4, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.blocks[1], Block::Paragraph { .. }));
}

#[test]
fn image_escaping_the_book_is_refused_with_line() {
    let e = parse("# t\n\n段落\n\n![x](../secret.png)\n").0.unwrap_err();
    let d = e.first();
    assert!(
        d.message.contains("leaves the book folder"),
        "{}",
        d.message
    );
    assert_eq!(d.line, 5);
}

#[test]
fn missing_image_is_an_error() {
    let e = parse("# t\n\n![x](images/none.png)\n").0.unwrap_err();
    assert!(
        e.first().message.contains("images/none.png"),
        "{}",
        e.first().message
    );
}

#[test]
fn links_between_sections_resolve_to_ids() {
    let s = parse("# t\n\n见[下文](b.md)与[网站](https://example.org)。\n")
        .0
        .unwrap();
    let Block::Paragraph { content, .. } = &s.blocks[0] else {
        panic!()
    };
    let hrefs: Vec<_> = content
        .iter()
        .filter_map(|i| {
            if let Inline::Link { href, .. } = i {
                Some(href.as_str())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(hrefs, ["#sec-2", "https://example.org"]);
    // Links that cannot be followed in the book keep their text, with a warning.
    let (s, w) = parse("# t\n\n[x](../../etc/passwd) [y](file:///etc/passwd)\n");
    assert_eq!(para_text(&s.unwrap().blocks[0]), "x y");
    assert!(w[0].message.contains("leaves the book folder"), "{w:?}");
    assert!(w[1].message.contains("`file:` scheme"), "{w:?}");
    assert_eq!(w[0].line, 3);
}

#[test]
fn footnotes_numbered_by_first_use() {
    let s = parse("# t\n\n甲[^b]乙[^a]。\n\n[^a]: 注甲\n[^b]: 注乙\n")
        .0
        .unwrap();
    assert_eq!(s.footnotes.len(), 2);
    assert_eq!(s.footnotes[0].number, 1);
    assert_eq!(para_text(&s.footnotes[0].blocks[0]), "注乙");
    let e = parse("# t\n\n甲[^x]。\n").0;
    // An undefined footnote is either plain text (CommonMark) or an error naming it.
    if let Err(e) = e {
        assert!(e.first().message.contains("[^x]"));
    }
}

#[test]
fn tight_list_items_become_paragraphs() {
    let s = parse("# t\n\n- 一\n- 二\n").0.unwrap();
    let Block::List { items, ordered, .. } = &s.blocks[0] else {
        panic!("{:?}", s.blocks)
    };
    assert!(!ordered);
    assert_eq!(items.len(), 2);
    assert_eq!(para_text(&items[1][0]), "二");
}

#[test]
fn table_has_head_and_rows() {
    let s = parse("# t\n\n| 甲 | 乙 |\n|---|--:|\n| 1 | 2 |\n")
        .0
        .unwrap();
    let Block::Table(t) = &s.blocks[0] else {
        panic!("{:?}", s.blocks)
    };
    assert_eq!(t.head.len(), 2);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.align[1], Align::Right);
}

#[test]
fn decode_handles_bom_crlf_and_reports_bad_bytes() {
    assert_eq!(
        decode(b"\xEF\xBB\xBF# a\r\nb\r\n".to_vec(), Path::new("x.md")).unwrap(),
        "# a\nb\n"
    );
    let e = decode(b"ok\nab\xFFcd".to_vec(), Path::new("x.md")).unwrap_err();
    let d = e.first();
    assert!(d.message.contains("byte offset 5"), "{}", d.message);
    assert_eq!((d.line, d.column), (2, 3));
}

/// Random mixes of Markdown, HTML and directive tokens never panic and never leave the
/// builder unbalanced (a deterministic generator, so a failure reproduces).
#[test]
fn token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "<b>",
        "</b>",
        "<div align=center>",
        "</div>",
        "**",
        "*",
        "[",
        "](b.md)",
        "](#x)",
        "<img src=\"images/a.png\">",
        "<img src=\"none.png\" alt=\"替\">",
        "\n\n",
        "\n",
        "`",
        "<kbd>",
        "</kbd>",
        "</span>",
        "<span class=\"caption\">",
        "中文",
        "English ",
        "<!--",
        "-->",
        "{{#include a.rs}}",
        "\\{{#",
        "> ",
        "- ",
        "1. ",
        "# ",
        "## 标题",
        "<table><tr><td>",
        "</td></tr></table>",
        "<a href=\"javascript:x\">",
        "</a>",
        "<script>",
        "</script>",
        "![图](images/a.png)",
        "<details><summary>",
        "</summary>",
        "<T>",
        "Vec<T>",
        "<br/>",
        "```rust\n# x\n",
        "```\n",
        "[^1]",
        "[^1]: 注\n",
        "<p>",
        "</p>",
        "<ul><li>",
        "</li></ul>",
        "<pre>",
        "</pre>",
        "|a|b|\n|-|-|\n",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..800 {
        let n = (next() % 40) as usize;
        let text: String = (0..n)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        let _ = parse(&text);
    }
}
