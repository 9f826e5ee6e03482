//! Footnotes at the foot of the page that refers to them (docs/typesetting.md §7).
//!
//! The collect stage sets every note (a section's footnotes, and in print the addresses of
//! external links) into [`NoteLine`]s and files them in a [`NoteSet`] under the name its
//! reference mark links to. The paginator looks for those names in the link areas of every line
//! and block it places ([`Paginator::place_notes`]) and fills the page's foot from the bottom of
//! the type area up, under a short rule. Body lines stay on the grid: the foot only shortens the
//! page by whole grid lines.
//!
//! As TeX and Typst do: a note goes on the page of its reference; if it does not fit whole, its
//! first lines may stay there (two at least) and the rest continues at the foot of the next page
//! (under a full-width rule); if not even that fits, the referring line moves to the next page
//! with its note. Continued lines go first on the next page, taking at most
//! [`CARRY_SHARE`] of it, so the text goes on too; later notes wait behind them (notes keep their
//! order). What is still waiting at the end of a section is set on pages of its own before the
//! next section starts.

use crate::typeset::document::{Destination, Item, LineItem, LinkTarget, SourcePos};
use crate::typeset::page::paginate::{Paginator, Piece};
use std::collections::{HashMap, HashSet, VecDeque};

/// Share of a page that lines continued from the page before may take.
pub(super) const CARRY_SHARE: f32 = 0.6;

/// One line of a note, items relative to (measure left, line top).
#[derive(Debug, Clone)]
pub(in crate::typeset::page) struct NoteLine {
    pub(in crate::typeset::page) items: Vec<Item>,
    pub(in crate::typeset::page) height: f32,
    /// The note's destination, on its first line.
    pub(in crate::typeset::page) anchor: Option<String>,
    pub(in crate::typeset::page) pos: SourcePos,
}

/// A note as set, filed under the name its reference mark links to.
#[derive(Debug, Clone)]
pub(in crate::typeset::page) struct Note {
    /// Notes with the same key are one note: a footnote's id; for a link's address `url:` and
    /// the address, printed once on each page that refers to it.
    pub(in crate::typeset::page) key: String,
    pub(in crate::typeset::page) lines: Vec<NoteLine>,
    /// The link's address: the mark in the text then opens it.
    pub(in crate::typeset::page) url: Option<String>,
    /// Section index and order of filing (notes never referred to from the text are set at
    /// the end of their section, in this order).
    pub(in crate::typeset::page) section: usize,
    pub(in crate::typeset::page) seq: usize,
}

/// Every note of the book, by the name its mark links to.
#[derive(Debug, Clone, Default)]
pub(in crate::typeset::page) struct NoteSet {
    pub(in crate::typeset::page) by_name: HashMap<String, Note>,
}

impl NoteSet {
    pub(in crate::typeset::page) fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// The foot of the page being filled, and the note lines waiting for later pages.
#[derive(Debug, Clone, Default)]
pub(in crate::typeset::page) struct Foot {
    /// Shared by the rounds of pagination (the notes are set once per collect).
    pub(super) notes: std::rc::Rc<NoteSet>,
    /// Keys of footnotes already placed (each goes once in the book).
    placed: HashSet<String>,
    /// Keys placed on the current page (an address goes once per page).
    on_page: HashSet<String>,
    /// Lines continued from earlier pages, then this page's own, top to bottom.
    carried: Vec<NoteLine>,
    own: Vec<NoteLine>,
    /// Lines for the next pages, in order.
    waiting: VecDeque<NoteLine>,
    /// No continued lines are taken onto new pages (while a block is cut over pages).
    pub(super) hold: bool,
    /// Whether `carried` was a continuation (drawn under a full-width rule).
    continued: bool,
    /// Set at the end of a section: continued lines may fill whole pages.
    flushing: bool,
    /// The section of the text placed last.
    section: Option<usize>,
    /// Every mark placed (its name) and its page, in placing order.
    pub(super) marks: Vec<(String, usize)>,
}

impl Foot {
    fn lines_height(&self) -> f32 {
        self.carried.iter().chain(&self.own).map(|l| l.height).sum()
    }

    fn is_empty(&self) -> bool {
        self.carried.is_empty() && self.own.is_empty()
    }
}

impl Paginator<'_> {
    /// Space between the text and the first note line (the rule sits in it).
    fn foot_sep(&self) -> f32 {
        self.g.pitch * 0.9
    }

    /// Height the foot of the current page takes from the type area.
    pub(super) fn foot_height(&self) -> f32 {
        if self.foot.is_empty() {
            0.0
        } else {
            self.foot_sep() + self.foot.lines_height()
        }
    }

    /// The notes referred to in `items` that the current page does not hold yet, in order.
    fn notes_in<'n>(&'n self, items: &[Item], seen: &HashSet<&str>) -> Vec<&'n Note> {
        let mut out: Vec<&Note> = Vec::new();
        for it in items {
            let Item::Link(l) = it else { continue };
            let LinkTarget::Named(name) = &l.target else {
                continue;
            };
            let Some(n) = self.foot.notes.by_name.get(name) else {
                continue;
            };
            if n.lines.is_empty() {
                continue;
            }
            let done = if n.url.is_some() {
                self.foot.on_page.contains(&n.key)
            } else {
                self.foot.placed.contains(&n.key)
            };
            if !done && !seen.contains(n.key.as_str()) && !out.iter().any(|o| o.key == n.key) {
                out.push(n);
            }
        }
        out
    }

    /// Extra height the notes referred to in `items` need on this page (0 when they would wait
    /// behind notes continued from before anyway).
    pub(super) fn note_need(&self, items: &[Item]) -> f32 {
        if !self.foot.waiting.is_empty() || self.foot.notes.is_empty() {
            return 0.0;
        }
        let notes = self.notes_in(items, &HashSet::new());
        let h: f32 = notes.iter().flat_map(|n| &n.lines).map(|l| l.height).sum();
        if h > 0.0 && self.foot.is_empty() {
            h + self.foot_sep()
        } else {
            h
        }
    }

    /// How many of the grid lines `lines` (one paragraph's, in order) fit on this page with
    /// their notes, as [`Self::place_notes`] would file them. A line whose note does not fit
    /// whole stays if two lines of the note do (the rest continues overleaf) or if it is the
    /// first thing on the page; otherwise it moves on with its note.
    pub(super) fn lines_fitting(&self, lines: &[Piece]) -> usize {
        let area = self.area();
        let pitch = self.g.pitch;
        let mut y = self.y;
        let mut foot = self.foot_height();
        let mut waiting = !self.foot.waiting.is_empty() || self.foot.notes.is_empty();
        let mut seen: HashSet<&str> = HashSet::new();
        for (k, piece) in lines.iter().enumerate() {
            let Piece::Line(l) = piece else {
                return k;
            };
            y += pitch;
            if y + foot > area + 0.01 {
                return k;
            }
            if waiting {
                continue;
            }
            for note in self.notes_in(&l.items, &seen) {
                seen.insert(&note.key);
                let sep = if foot == 0.0 { self.foot_sep() } else { 0.0 };
                let (taken, h) = self.split(&note.lines, y, foot + sep);
                if taken == note.lines.len() {
                    foot += sep + h;
                    continue;
                }
                let top = k == 0 && self.y == 0.0;
                if !top && taken < 2 {
                    return k;
                }
                if taken > 0 {
                    foot += sep + h;
                }
                waiting = true;
                break;
            }
        }
        lines.len()
    }

    /// How many of a note's `lines` go on this page below text ending at `y` and above a foot
    /// of `foot`, and their height: all if they fit; else as many as fit, a split note taking
    /// no more than [`CARRY_SHARE`] of the page so that the text goes on beside it.
    fn split(&self, lines: &[NoteLine], y: f32, foot: f32) -> (usize, f32) {
        let area = self.area();
        let avail = area - y - foot + 0.01;
        let full: f32 = lines.iter().map(|l| l.height).sum();
        if full <= avail {
            return (lines.len(), full);
        }
        let room = avail.min(area * CARRY_SHARE - foot + 0.01);
        let mut h = 0.0;
        for (k, l) in lines.iter().enumerate() {
            if h + l.height > room {
                return (k, h);
            }
            h += l.height;
        }
        (lines.len(), h)
    }

    /// Files the notes referred to in `items` (just placed on this page) into its foot: whole
    /// if they fit, else as many lines as fit, the rest for the next page. A mark of a link's
    /// address is made to open the address.
    pub(super) fn place_notes(&mut self, items: &mut [Item], pos: Option<&SourcePos>) {
        if self.foot.notes.is_empty() {
            return;
        }
        if let Some(p) = pos {
            self.foot.section = Some(p.section);
        }
        let notes: Vec<Note> = self
            .notes_in(items, &HashSet::new())
            .into_iter()
            .cloned()
            .collect();
        let page = self.index();
        for it in items.iter_mut() {
            if let Item::Link(l) = it
                && let LinkTarget::Named(name) = &l.target
                && let Some(note) = self.foot.notes.by_name.get(name)
            {
                if self.foot.marks.last().is_none_or(|m| m.0 != *name) {
                    self.foot.marks.push((name.clone(), page));
                }
                if let Some(url) = note.url.clone() {
                    l.target = LinkTarget::Uri(url);
                }
            }
        }
        for n in notes {
            self.foot.on_page.insert(n.key.clone());
            self.foot.placed.insert(n.key.clone());
            self.file_note(n.lines);
        }
    }

    fn file_note(&mut self, lines: Vec<NoteLine>) {
        if !self.foot.waiting.is_empty() {
            self.foot.waiting.extend(lines);
            return;
        }
        let sep = if self.foot.is_empty() {
            self.foot_sep()
        } else {
            0.0
        };
        let (taken, _) = self.split(&lines, self.y, self.foot_height() + sep);
        let mut rest = lines.into_iter();
        self.foot.own.extend(rest.by_ref().take(taken));
        self.foot.waiting.extend(rest);
    }

    /// On a new page: lines continued from the page before go first, up to [`CARRY_SHARE`] of
    /// the page (all of it at the end of a section).
    pub(super) fn take_waiting(&mut self) {
        if self.foot.hold || self.foot.waiting.is_empty() {
            return;
        }
        let share = if self.foot.flushing { 1.0 } else { CARRY_SHARE };
        let mut room = self.g.area_h * share - self.foot_sep() - self.y + 0.01;
        self.foot.continued = true;
        while let Some(l) = self.foot.waiting.front() {
            if l.height > room {
                break;
            }
            room -= l.height;
            let l = self.foot.waiting.pop_front().expect("a waiting line");
            self.foot.carried.push(l);
        }
    }

    /// Gives continued lines back to the next page until `h` fits under the current position
    /// (a block or line that cannot go anywhere else).
    pub(super) fn make_room(&mut self, h: f32) {
        while h > self.remaining() + 0.01 {
            let Some(l) = self.foot.carried.pop() else {
                break;
            };
            self.foot.waiting.push_front(l);
        }
    }

    /// Draws the foot of the current page: the note lines set flush with the bottom of the
    /// type area, the rule above them. Called as the page is finished.
    pub(super) fn lay_out_foot(&mut self) {
        let continued = std::mem::take(&mut self.foot.continued);
        self.foot.on_page.clear();
        if self.foot.is_empty() {
            return;
        }
        let idx = self.index();
        let (left, top) = (self.g.left(idx), self.g.top);
        let mut y = self.g.area_h - self.foot.lines_height();
        let rule_y = y - self.foot_sep() * 0.45;
        // A continued note hangs under a rule across the measure, a new one under a short rule.
        let started_here = !continued || self.foot.carried.is_empty();
        let rule_w = if started_here {
            4.0 * self.g.size
        } else {
            self.g.measure
        };
        let mut items = vec![Item::Line(LineItem {
            x0: left,
            x1: left + rule_w,
            y0: top + rule_y,
            y1: top + rule_y,
            width: 0.4,
            node: None,
            artifact: crate::typeset::document::ArtifactKind::Layout,
        })];
        let lines: Vec<NoteLine> = self
            .foot
            .carried
            .drain(..)
            .chain(self.foot.own.drain(..))
            .collect();
        for l in lines {
            self.shown(Some(&l.pos));
            if let Some(name) = l.anchor {
                self.dests.push(Destination {
                    name,
                    page: idx,
                    x: left,
                    y: top + y,
                });
            }
            for mut it in l.items {
                it.translate(left, top + y);
                items.push(it);
            }
            y += l.height;
        }
        if let Some(p) = self.cur.as_mut() {
            p.items.extend(items);
        }
    }

    /// At the end of a section: pages for the note lines still waiting, and for the section's
    /// footnotes nothing placed referred to (a note referred to only from another note).
    pub(super) fn flush_notes(&mut self) {
        if let Some(sec) = self.foot.section.take() {
            let mut left: Vec<&Note> = self
                .foot
                .notes
                .by_name
                .values()
                .filter(|n| n.section == sec && n.url.is_none())
                .filter(|n| !self.foot.placed.contains(&n.key))
                .collect();
            left.sort_by_key(|n| n.seq);
            let left: Vec<Note> = left.into_iter().cloned().collect();
            for n in left {
                self.foot.placed.insert(n.key.clone());
                self.foot.waiting.extend(n.lines);
            }
            // What fits goes on the section's last page.
            if self.cur.is_some() && self.foot.carried.is_empty() {
                let lines: Vec<NoteLine> = self.foot.waiting.drain(..).collect();
                self.file_note(lines);
            }
        }
        while !self.foot.waiting.is_empty() {
            self.finish_page();
            self.foot.flushing = true;
            self.page();
            self.foot.flushing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::document::{LinkItem, Part};
    use crate::typeset::page::paginate::tests::{PITCH, geometry, tag as link};
    use crate::typeset::page::paginate::{GridLine, PageBuild, paginate_notes};

    fn pos(part: Part, k: usize) -> SourcePos {
        SourcePos {
            section: 0,
            part,
            path: vec![k],
            offset: 0,
        }
    }

    /// Paragraph `para` of `count` lines; line `idx` refers to each note named in `refs[idx]`.
    fn paragraph(para: usize, count: usize, refs: &[(usize, &str)]) -> Vec<Piece> {
        (0..count)
            .map(|idx| {
                let mut items = vec![link(&format!("p{para}-{}", idx + 1))];
                items.extend(refs.iter().filter(|r| r.0 == idx).map(|r| link(r.1)));
                Piece::Line(GridLine {
                    items,
                    para,
                    idx,
                    count,
                    pos: pos(Part::Body, para),
                })
            })
            .collect()
    }

    /// A note of `lines` lines of 8 pt, its lines tagged `{name}.1` …
    fn note(name: &str, lines: usize, url: Option<&str>) -> (String, Note) {
        let lines = (0..lines)
            .map(|k| NoteLine {
                items: vec![link(&format!("{name}.{}", k + 1))],
                height: 8.0,
                anchor: (k == 0).then(|| name.to_string()),
                pos: pos(Part::Notes, 0),
            })
            .collect();
        let key = url.map_or(name.to_string(), |u| format!("url:{u}"));
        (
            name.to_string(),
            Note {
                key,
                lines,
                url: url.map(str::to_string),
                section: 0,
                seq: 0,
            },
        )
    }

    fn notes(list: Vec<(String, Note)>) -> NoteSet {
        NoteSet {
            by_name: list.into_iter().collect(),
        }
    }

    /// The tags on each page (body line tags `p…`, note line tags `name.k`).
    fn tags(p: &PageBuild) -> Vec<String> {
        p.items
            .iter()
            .filter_map(|it| match it {
                Item::Link(LinkItem {
                    target: LinkTarget::Named(n),
                    ..
                }) if n.contains('.') || n.starts_with('p') => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    fn run(lines: usize, pieces: Vec<Piece>, set: NoteSet) -> Vec<Vec<String>> {
        let g = geometry(lines);
        let out = paginate_notes(&g, 0, &pieces, set.into());
        for (i, p) in out.pages.iter().enumerate() {
            for it in &p.items {
                if let Item::Link(l) = it {
                    assert!(l.y <= g.area_h, "page {i}: {l:?} below the type area");
                }
            }
        }
        out.pages.iter().map(tags).collect()
    }

    fn names(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn a_note_goes_to_the_foot_of_its_page() {
        // 10 lines: the note (2 × 8 pt) and its separator (9 pt) take 3 of them.
        let pieces = paragraph(0, 12, &[(1, "n1")]);
        let pages = run(10, pieces, notes(vec![note("n1", 2, None)]));
        assert_eq!(
            pages[0],
            names("p0-1 p0-2 p0-3 p0-4 p0-5 p0-6 p0-7 n1.1 n1.2")
        );
        assert_eq!(pages[1], names("p0-8 p0-9 p0-10 p0-11 p0-12"));
    }

    #[test]
    fn the_foot_is_flush_with_the_bottom_and_text_stays_on_the_grid() {
        let g = geometry(10);
        let out = paginate_notes(
            &g,
            0,
            &paragraph(0, 12, &[(0, "n1")]),
            notes(vec![note("n1", 2, None)]).into(),
        );
        let ys: Vec<(String, f32)> = out.pages[0]
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Link(LinkItem {
                    target: LinkTarget::Named(n),
                    y,
                    ..
                }) => Some((n.clone(), *y)),
                _ => None,
            })
            .collect();
        let at = |n: &str| ys.iter().find(|(m, _)| m == n).map(|p| p.1).unwrap();
        assert_eq!(at("n1.2"), 92.0);
        assert_eq!(at("n1.1"), 84.0);
        assert!((at("p0-7") / PITCH).fract() == 0.0 && at("p0-7") + PITCH <= 84.0 - 9.0);
        let d = out.dests.iter().find(|d| d.name == "n1").unwrap();
        assert_eq!((d.page, d.y), (0, 84.0));
    }

    #[test]
    fn a_line_whose_note_cannot_start_here_moves_on_with_it() {
        // 9 lines placed; the 10th refers to a 2-line note: no room, so it goes overleaf (with
        // three more lines, so that make-up leaves page 2 alone).
        let pieces = paragraph(0, 13, &[(9, "n1")]);
        let pages = run(10, pieces, notes(vec![note("n1", 2, None)]));
        assert_eq!(pages[0].len(), 9, "{:?}", pages[0]);
        assert!(pages[1].contains(&"n1.1".to_string()));
        assert!(pages[1].contains(&"p0-10".to_string()));
    }

    #[test]
    fn a_long_note_continues_at_the_foot_of_the_next_page() {
        // A 20-line note (160 pt) on a 100 pt page: two lines stay with the reference.
        let pieces = paragraph(0, 30, &[(0, "n1")]);
        let pages = run(10, pieces, notes(vec![note("n1", 20, None)]));
        let on = |p: &Vec<String>| p.iter().filter(|t| t.starts_with("n1.")).count();
        assert!(pages[0].contains(&"n1.1".to_string()) && on(&pages[0]) >= 2);
        let total: usize = pages.iter().map(on).sum();
        assert_eq!(
            total, 20,
            "every line of the note is placed once: {pages:?}"
        );
        // Continued lines leave room for text on the next page.
        assert!(pages[1].iter().any(|t| t.starts_with("p0-")));
        assert!(pages[1][0].starts_with("p0-") && pages[1].contains(&"n1.10".to_string()));
    }

    #[test]
    fn notes_keep_their_order_behind_a_continued_one() {
        let pieces = paragraph(0, 30, &[(0, "n1"), (12, "n2")]);
        let pages = run(
            10,
            pieces,
            notes(vec![note("n1", 20, None), note("n2", 1, None)]),
        );
        let all: Vec<&String> = pages
            .iter()
            .flatten()
            .filter(|t| t.starts_with('n'))
            .collect();
        let n2 = all.iter().position(|t| *t == "n2.1").unwrap();
        assert_eq!(n2, 20, "n2 after all of n1: {all:?}");
    }

    #[test]
    fn notes_still_waiting_are_set_before_the_next_section() {
        let mut pieces = paragraph(0, 3, &[(2, "n1")]);
        pieces.push(Piece::Flush);
        pieces.push(Piece::NewPage {
            recto: false,
            head: None,
            body: true,
        });
        pieces.extend(paragraph(1, 2, &[]));
        let pages = run(10, pieces, notes(vec![note("n1", 25, None)]));
        let last = pages.last().unwrap();
        assert_eq!(last, &names("p1-1 p1-2"));
        let n: usize = pages
            .iter()
            .flatten()
            .filter(|t| t.starts_with("n1."))
            .count();
        assert_eq!(n, 25);
    }

    #[test]
    fn an_address_is_printed_once_per_page() {
        // Two references to the same address on one page, one on the next.
        let pieces = paragraph(0, 14, &[(0, "u1"), (3, "u2"), (12, "u3")]);
        let set = notes(vec![
            note("u1", 1, Some("https://a.example/")),
            note("u2", 1, Some("https://a.example/")),
            note("u3", 1, Some("https://a.example/")),
        ]);
        let g = geometry(10);
        let out = paginate_notes(&g, 0, &pieces, set.into());
        let count = |p: &PageBuild| tags(p).iter().filter(|t| t.starts_with('u')).count();
        assert_eq!(count(&out.pages[0]), 1);
        assert_eq!(count(&out.pages[1]), 1);
        // The marks open the address.
        let uris = out.pages[0]
            .items
            .iter()
            .filter(|it| {
                matches!(
                    it,
                    Item::Link(LinkItem {
                        target: LinkTarget::Uri(_),
                        ..
                    })
                )
            })
            .count();
        assert_eq!(uris, 2);
    }

    #[test]
    fn without_notes_pagination_is_unchanged() {
        let a = run(10, paragraph(0, 25, &[]), NoteSet::default());
        assert_eq!(a.iter().map(Vec::len).collect::<Vec<_>>(), vec![10, 10, 5]);
    }
}
