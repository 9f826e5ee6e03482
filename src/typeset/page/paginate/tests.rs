//! The paginator's rules, tested with synthetic pieces (no fonts).

use super::makeup::MIN_PAGE_LINES;
use super::*;
use crate::typeset::document::{LinkItem, LinkTarget, Part};

pub(in crate::typeset::page) const PITCH: f32 = 10.0;

/// A type area of `lines` grid lines of 10 pt, no margins.
pub(in crate::typeset::page) fn geometry(lines: usize) -> Geometry {
    Geometry {
        page_w: 100.0,
        page_h: lines as f32 * PITCH,
        top: 0.0,
        inner: 0.0,
        outer: 0.0,
        measure: 100.0,
        pad: 0.0,
        size: PITCH,
        pitch: PITCH,
        area_h: lines as f32 * PITCH,
        lines,
    }
}

/// An invisible item that names its piece, so that a test can read where it went.
pub(in crate::typeset::page) fn tag(name: &str) -> Item {
    Item::Link(LinkItem {
        x: 0.0,
        y: 0.0,
        width: 1.0,
        height: 1.0,
        target: LinkTarget::Named(name.to_string()),
        node: None,
    })
}

fn pos(block: usize) -> SourcePos {
    SourcePos {
        section: 0,
        part: Part::Body,
        path: vec![block],
        offset: 0,
    }
}

/// Paragraph `para` of `count` lines, tagged `{name}1` … `{name}{count}`.
fn paragraph(para: usize, name: &str, count: usize) -> Vec<Piece> {
    (0..count)
        .map(|idx| {
            Piece::Line(GridLine {
                items: vec![tag(&format!("{name}{}", idx + 1))],
                para,
                idx,
                count,
                pos: pos(para),
            })
        })
        .collect()
}

fn block(name: &str, lines: usize) -> BlockBox {
    BlockBox {
        items: vec![tag(name)],
        height: lines as f32 * PITCH,
        pos: Some(pos(100)),
        ..BlockBox::default()
    }
}

fn heading(name: &str) -> Piece {
    Piece::Block(BlockBox {
        keep_next: true,
        ..block(name, 1)
    })
}

fn figure(name: &str, lines: usize) -> Piece {
    Piece::Block(BlockBox {
        float: true,
        ..block(name, lines)
    })
}

/// The tags on each page, in placing order, without make-up.
fn run(lines: usize, pieces: Vec<Vec<Piece>>) -> Vec<Vec<String>> {
    let g = geometry(lines);
    tags(&paginate_plain(
        &g,
        0,
        pieces.into_iter().flatten().collect(),
    ))
}

/// [`run`] with make-up.
fn made_up(lines: usize, pieces: Vec<Vec<Piece>>) -> Vec<Vec<String>> {
    let g = geometry(lines);
    tags(&paginate(&g, 0, pieces.into_iter().flatten().collect()))
}

fn tags(out: &BodyPages) -> Vec<Vec<String>> {
    out.pages
        .iter()
        .map(|p| {
            p.items
                .iter()
                .filter_map(|it| match it {
                    Item::Link(LinkItem {
                        target: LinkTarget::Named(n),
                        ..
                    }) => Some(n.clone()),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn names(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[test]
fn lines_fill_the_page_then_continue() {
    let pages = run(4, vec![paragraph(0, "a", 6)]);
    assert_eq!(pages, vec![names("a1 a2 a3 a4"), names("a5 a6")]);
}

#[test]
fn a_widow_takes_a_line_with_it_to_the_next_page() {
    // 5 lines left for a 6-line paragraph: its last line alone would be a widow.
    let pages = run(10, vec![paragraph(0, "a", 5), paragraph(1, "b", 6)]);
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 b1 b2 b3 b4"));
    assert_eq!(pages[1], names("b5 b6"));
}

#[test]
fn an_orphan_line_goes_to_the_next_page_with_its_paragraph() {
    // One line left: the first line of a paragraph alone at the foot would be an orphan.
    let pages = run(10, vec![paragraph(0, "a", 9), paragraph(1, "b", 5)]);
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 a7 a8 a9"));
    assert_eq!(pages[1], names("b1 b2 b3 b4 b5"));
}

#[test]
fn a_two_line_paragraph_is_not_split() {
    let pages = run(10, vec![paragraph(0, "a", 9), paragraph(1, "b", 2)]);
    assert_eq!(pages[1], names("b1 b2"));
}

#[test]
fn a_heading_is_never_last_on_a_page() {
    // Room for the heading but not for two lines after it: it moves on with them.
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 8),
            vec![heading("H")],
            paragraph(1, "b", 4),
        ],
    );
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 a7 a8"));
    assert_eq!(pages[1], names("H b1 b2 b3 b4"));
}

#[test]
fn a_heading_keeps_with_next_through_a_second_heading() {
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 6),
            vec![heading("H2"), heading("H3")],
            paragraph(1, "b", 4),
        ],
    );
    // H2 + H3 + two lines need 4 of the 4 lines left: they stay.
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 H2 H3 b1 b2"));
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 7),
            vec![heading("H2"), heading("H3")],
            paragraph(1, "b", 4),
        ],
    );
    assert_eq!(pages[1], names("H2 H3 b1 b2 b3 b4"));
}

#[test]
fn a_heading_with_room_for_its_text_stays() {
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 7),
            vec![heading("H")],
            paragraph(1, "b", 2),
        ],
    );
    assert_eq!(pages, vec![names("a1 a2 a3 a4 a5 a6 a7 H b1 b2")]);
}

#[test]
fn a_figure_that_does_not_fit_floats_and_text_fills_the_page() {
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 6),
            vec![figure("F", 6)],
            paragraph(1, "b", 6),
        ],
    );
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 b1 b2 b3 b4"));
    assert_eq!(pages[1], names("F b5 b6"));
}

#[test]
fn floats_keep_their_order() {
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 6),
            vec![figure("F1", 6), figure("F2", 2)],
            paragraph(1, "b", 2),
        ],
    );
    // F2 would fit after the text, but it waits behind F1.
    assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 b1 b2"));
    assert_eq!(pages[1], names("F1 F2"));
}

#[test]
fn a_figure_never_leaves_its_section() {
    let pages = run(
        10,
        vec![
            paragraph(0, "a", 6),
            vec![figure("F", 6), Piece::Flush],
            vec![Piece::NewPage {
                recto: false,
                head: None,
                body: true,
            }],
            paragraph(1, "b", 2),
        ],
    );
    assert_eq!(
        pages,
        vec![names("a1 a2 a3 a4 a5 a6"), names("F"), names("b1 b2")]
    );
}

#[test]
fn a_recto_start_inserts_a_blank_verso() {
    let g = geometry(10);
    let mut pieces = paragraph(0, "a", 2);
    pieces.push(Piece::NewPage {
        recto: true,
        head: Some("S".into()),
        body: true,
    });
    pieces.extend(paragraph(1, "b", 2));
    let out = paginate_plain(&g, 0, pieces);
    let blank: Vec<bool> = out.pages.iter().map(|p| p.blank).collect();
    assert_eq!(blank, vec![false, true, false]);
    assert_eq!(out.body_start, Some(2));
    assert!(out.pages[2].opening);
}

#[test]
fn a_block_taller_than_the_page_is_cut_between_its_items() {
    let g = geometry(4);
    let mut tall = block("T1", 6);
    let mut second = tag("T2");
    second.translate(0.0, 45.0);
    tall.items.push(second);
    let out = paginate_plain(&g, 0, vec![Piece::Block(tall)]);
    assert_eq!(out.pages.len(), 2);
    let y_of = |p: &PageBuild| match &p.items[0] {
        Item::Link(l) => l.y,
        _ => f32::NAN,
    };
    assert_eq!(
        y_of(&out.pages[1]),
        0.0,
        "the second part starts at the top"
    );
}

#[test]
fn a_tall_block_behind_floats_starts_where_its_first_item_fits() {
    // Two figures wait while a paragraph fills page 1; they take 9 of page 2's 10 lines,
    // leaving less than the tall table's first row (12 pt): it goes on to page 3.
    let g = geometry(10);
    let item = |name: &str, y: f32, h: f32| {
        let mut it = tag(name);
        if let Item::Link(l) = &mut it {
            (l.y, l.height) = (y, h);
        }
        it
    };
    let tall = BlockBox {
        items: vec![
            item("T1", 0.0, 12.0),
            item("T2", 30.0, 12.0),
            item("T3", 60.0, 12.0),
            item("T4", 120.0, 12.0),
        ],
        height: 140.0,
        pos: Some(pos(100)),
        ..BlockBox::default()
    };
    let mut pieces = paragraph(0, "a", 8);
    pieces.extend([figure("F1", 5), figure("F2", 4), Piece::Block(tall)]);
    pieces.extend(paragraph(1, "b", 3));
    let out = paginate_plain(&g, 0, pieces);
    for (n, page) in out.pages.iter().enumerate() {
        for it in &page.items {
            if let Item::Link(l) = it {
                assert!(l.y + l.height <= g.area_h + 0.01, "page {n}: {l:?}");
            }
        }
    }
    let tags = |p: &PageBuild| -> Vec<String> {
        p.items
            .iter()
            .filter_map(|it| match it {
                Item::Link(LinkItem {
                    target: LinkTarget::Named(n),
                    ..
                }) => Some(n.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(tags(&out.pages[1]), names("F1 F2"));
    assert_eq!(tags(&out.pages[2])[..3], names("T1 T2 T3")[..]);
}

#[test]
fn a_block_behind_floats_goes_on_when_they_fill_its_page() {
    // F1 and F2 wait while the paragraph fills page 1, then take 9 of page 2's 10 lines:
    // the 3-line block after them cannot stand on page 2's last line.
    let mut pieces = paragraph(0, "a", 8);
    pieces.extend([
        figure("F1", 5),
        figure("F2", 4),
        Piece::Block(block("B", 3)),
    ]);
    let pages = run(10, vec![pieces]);
    assert_eq!(pages[1], names("F1 F2"));
    assert_eq!(pages[2], names("B"));
}

#[test]
fn a_table_repeats_its_header_on_every_page_it_continues_on() {
    let head = BlockBox {
        keep_next: true,
        off_grid: true,
        ..block("H", 1)
    };
    let rep = Arc::new(TableHead {
        table: 7,
        head: BlockBox {
            keep_next: false,
            ..block("h", 1)
        },
    });
    let row = |n: usize| {
        Piece::Block(BlockBox {
            off_grid: true,
            repeat: Some(rep.clone()),
            ..block(&format!("r{n}"), 1)
        })
    };
    let mut pieces = paragraph(0, "a", 2);
    pieces.push(Piece::Block(BlockBox {
        repeat: Some(rep.clone()),
        ..head
    }));
    pieces.extend((1..=7).map(row));
    pieces.extend(paragraph(1, "b", 2));
    let pages = run(4, vec![pieces]);
    assert_eq!(
        pages,
        vec![
            names("a1 a2 H r1"),
            names("h r2 r3 r4"),
            names("h r5 r6 r7"),
            names("b1 b2")
        ]
    );
}

#[test]
fn space_before_is_dropped_at_the_top_of_a_page() {
    let g = geometry(10);
    let h = |name: &str| {
        Piece::Block(BlockBox {
            space_before: 5.0,
            ..block(name, 1)
        })
    };
    let out = paginate_plain(&g, 0, vec![h("A"), h("B")]);
    let ys: Vec<f32> = out.pages[0]
        .items
        .iter()
        .map(|it| match it {
            Item::Link(l) => l.y,
            _ => f32::NAN,
        })
        .collect();
    assert_eq!(ys, vec![0.0, 15.0]);
}

fn new_page() -> Piece {
    Piece::NewPage {
        recto: false,
        head: None,
        body: true,
    }
}

/// A section's opening of `lines` grid lines, `sink` of them blank at its top.
fn opening(name: &str, lines: usize, sink: usize) -> Piece {
    let mut b = block(name, lines);
    b.items[0].translate(0.0, sink as f32 * PITCH);
    Piece::Block(BlockBox {
        keep_next: true,
        sink: sink as f32 * PITCH,
        ..b
    })
}

/// Grid lines each page of `pages` holds.
fn used(out: &BodyPages) -> Vec<usize> {
    out.pages
        .iter()
        .map(|p| (p.used / PITCH).round() as usize)
        .collect()
}

#[test]
fn a_last_page_of_two_lines_is_pulled_back_by_sinking_the_opening_less() {
    // Opening (4 lines, 2 of them sink) + 6 lines fill page 1; the 2-line paragraph
    // after them would stand alone on page 2. Without the sink they all fit on page 1.
    let pieces = vec![
        vec![new_page(), opening("O", 4, 2)],
        paragraph(0, "a", 6),
        paragraph(1, "b", 2),
    ];
    let g = geometry(10);
    let out = paginate(&g, 0, pieces.clone().into_iter().flatten().collect());
    assert_eq!(used(&out), vec![10]);
    let pages = made_up(10, pieces);
    assert_eq!(pages, vec![names("O a1 a2 a3 a4 a5 a6 b1 b2")]);
    let y = out.pages[0].items.iter().find_map(|it| match it {
        Item::Link(l) if l.target == LinkTarget::Named("O".into()) => Some(l.y),
        _ => None,
    });
    assert_eq!(y, Some(0.0), "the opening's text moved up by its sink");
}

#[test]
fn lines_are_pushed_forward_onto_a_last_page_of_three_lines_keeping_widows_and_orphans() {
    // Page 1 takes a1–a9 (b1 alone at its foot would be an orphan); b's 3 lines would
    // stand alone on page 2. Ending page 1 one line early leaves a9 a widow, so it ends
    // two early: a8 and a9 go on with b.
    let pieces = vec![vec![new_page()], paragraph(0, "a", 9), paragraph(1, "b", 3)];
    let pages = made_up(10, pieces);
    assert_eq!(
        pages,
        vec![names("a1 a2 a3 a4 a5 a6 a7"), names("a8 a9 b1 b2 b3"),]
    );
}

#[test]
fn no_page_after_a_sections_first_holds_one_to_three_lines_alone() {
    // Every length of a one-paragraph section from 1 to 4 pages: the pages after the
    // first hold 4 lines or more (or the section's last line ends a full page).
    for n in 1..=40 {
        let g = geometry(10);
        let mut pieces = vec![new_page()];
        pieces.extend(paragraph(0, "a", n));
        pieces.push(new_page());
        pieces.extend(paragraph(1, "b", 12));
        let out = paginate(&g, 0, pieces);
        for (k, lines) in used(&out).into_iter().enumerate() {
            assert!(
                k == 0 || out.pages[k].opening || lines >= MIN_PAGE_LINES,
                "{n} lines: page {k} holds {lines}: {:?}",
                used(&out)
            );
        }
        let total: usize = used(&out).iter().sum();
        assert_eq!(total, n + 12, "{n} lines: every line is placed once");
    }
}

#[test]
fn the_books_last_page_holds_a_quarter_page() {
    // 20 lines a page: 24 lines leave 4 on page 2, enough inside the book, not at its end
    // (a quarter page is 5 lines).
    let last = made_up(20, vec![vec![new_page()], paragraph(0, "a", 24)]);
    assert_eq!((last[0].len(), last[1].len()), (19, 5));
    let inside = made_up(
        20,
        vec![
            vec![new_page()],
            paragraph(0, "a", 24),
            vec![new_page()],
            paragraph(1, "b", 6),
        ],
    );
    assert_eq!((inside[0].len(), inside[1].len()), (20, 4));
}

/// A figure of `lines` grid lines: a picture above a caption one grid line tall.
fn figure_with_caption(name: &str, lines: usize) -> Piece {
    let margin = 0.25 * PITCH;
    let content = lines as f32 * PITCH - 2.0 * margin;
    let mut caption = tag(name);
    caption.translate(0.0, margin + content - PITCH);
    Piece::Block(BlockBox {
        float: true,
        items: vec![caption],
        shrink: Some(Shrink {
            top: margin,
            content,
            image: content - PITCH,
            margin,
        }),
        ..block(name, lines)
    })
}

#[test]
fn a_figure_never_floats_past_the_next_heading() {
    // 6 lines left for an 8-line figure before a heading: drawn smaller, it fits there.
    let g = geometry(10);
    let pieces = |a: usize| {
        let mut p = paragraph(0, "a", a);
        p.push(figure_with_caption("F", 8));
        p.push(heading("H"));
        p.extend(paragraph(1, "b", 4));
        p
    };
    let out = paginate(&g, 0, pieces(4));
    let tags = made_up(10, vec![pieces(4)]);
    assert_eq!(tags, vec![names("a1 a2 a3 a4 F"), names("H b1 b2 b3 b4")]);
    let caption = out.pages[0].items.iter().find_map(|it| match it {
        Item::Link(l) if l.target == LinkTarget::Named("F".into()) => Some(l.y),
        _ => None,
    });
    // The picture shrinks from 65 to 45 pt; the caption moves up under it and the whole
    // stays centred in the figure's 6 lines (40 to 100).
    assert_eq!(caption, Some(40.0 + 2.5 + 45.0));
    // 3 lines left: too small even for half the picture. The figure goes to the next
    // page ahead of the heading (which, with no room for its two lines there, goes on).
    let tags = made_up(10, vec![pieces(7)]);
    assert_eq!(
        tags,
        vec![
            names("a1 a2 a3 a4 a5 a6 a7"),
            names("F"),
            names("H b1 b2 b3 b4")
        ]
    );
}

#[test]
fn destinations_name_the_page_and_height() {
    let g = geometry(4);
    let mut pieces = paragraph(0, "a", 4);
    let mut b = block("B", 1);
    b.anchors.push(("fig-1".into(), 0.0));
    pieces.push(Piece::Block(b));
    let out = paginate_plain(&g, 3, pieces);
    let d = &out.dests[0];
    assert_eq!((d.name.as_str(), d.page, d.y), ("fig-1", 4, 0.0));
}
