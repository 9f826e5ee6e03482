//! Collect on both cores: each section is collected by a setter of its own (shaping and line
//! breaking are most of a long book's layout, and no section's lines depend on another's),
//! then the sections are joined in book order.
//!
//! Input: the book, and what the last pagination found ([`PassInfo`], read by every section);
//! output: the body's [`Piece`]s, structure nodes and notes, the same as one setter walking the
//! sections in order would make. What a section numbers across the book is numbered from 0 in
//! it and shifted as it is joined: its structure nodes (and every item, table header and note
//! line that refers to one), its paragraph ids and the order its notes were filed in.

use crate::book::model::Role;
use crate::diag::Result;
use crate::typeset::document::{Item, SourcePos, StructNode};
use crate::typeset::inline;
use crate::typeset::page::paginate::footnotes::NoteSet;
use crate::typeset::page::paginate::{Piece, TableHead};
use crate::typeset::page::setter::{Marks, Setter};
use rayon::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One section as its own setter collected it, numbered from 0.
struct Collected {
    pieces: Vec<Piece>,
    nodes: Vec<StructNode>,
    paras: usize,
    notes: NoteSet,
    marks: Marks,
    at: SourcePos,
    model_off: usize,
    timings: inline::Timings,
    /// The thread time it took.
    busy: Duration,
}

/// Where the next section's numbers start in the book.
#[derive(Clone, Copy)]
struct Base {
    node: usize,
    para: usize,
    seq: usize,
}

impl Setter<'_> {
    /// Every section (opening, blocks, footnotes) as pieces, each section from a new page.
    pub(super) fn collect_body(&mut self) -> Result<Vec<Piece>> {
        let first_body = self.book.sections.iter().position(|s| s.role == Role::Body);
        let start = Instant::now();
        let parts: Vec<Result<Collected>> = (0..self.book.sections.len())
            .into_par_iter()
            .map(|si| self.section_apart(si, Some(si) == first_body))
            .collect();
        let wall = start.elapsed();
        let parts = parts.into_iter().collect::<Result<Vec<_>>>()?;
        // Shaping and breaking ran on several threads: the time shown for each is its share
        // of the collect's wall time, so that the stages still add up to the build's.
        let busy: Duration = parts.iter().map(|p| p.busy).sum();
        let share = if busy > wall {
            wall.as_secs_f64() / busy.as_secs_f64()
        } else {
            1.0
        };
        let mut pieces = Vec::with_capacity(parts.iter().map(|p| p.pieces.len()).sum());
        for part in parts {
            self.timings.shape += part.timings.shape.mul_f64(share);
            self.timings.lines += part.timings.lines.mul_f64(share);
            self.join(part, &mut pieces);
        }
        Ok(pieces)
    }

    /// Section `si` collected by a setter of its own.
    fn section_apart(&self, si: usize, recto: bool) -> Result<Collected> {
        let start = Instant::now();
        let mut s = Setter::new(self.book, self.fonts, self.g.clone());
        s.marks.info = Arc::clone(&self.marks.info);
        let pieces = s.collect_section(si, recto)?;
        Ok(Collected {
            pieces,
            nodes: s.nodes,
            paras: s.para_seq,
            notes: s.notes,
            marks: s.marks,
            at: s.at,
            model_off: s.model_off,
            timings: s.timings,
            busy: start.elapsed(),
        })
    }

    /// Appends a section collected apart, its numbers shifted to follow the sections before.
    fn join(&mut self, part: Collected, pieces: &mut Vec<Piece>) {
        let base = Base {
            node: self.nodes.len(),
            para: self.para_seq,
            seq: self.marks.seq,
        };
        self.nodes.extend(part.nodes.into_iter().map(|mut n| {
            n.parent = n.parent.map(|p| p + base.node);
            n
        }));
        self.para_seq += part.paras;
        let mut heads = TableHeads::default();
        pieces.extend(
            part.pieces
                .into_iter()
                .map(|p| shifted_piece(p, base, &mut heads)),
        );
        for (name, mut note) in part.notes.by_name {
            note.seq += base.seq;
            for line in &mut note.lines {
                shift_items(&mut line.items, base.node);
            }
            self.notes.by_name.insert(name, note);
        }
        // What the last section leaves behind, as after one setter's walk.
        let seq = base.seq + part.marks.seq;
        self.marks = Marks {
            info: Arc::clone(&self.marks.info),
            seq,
            ..part.marks
        };
        self.at = part.at;
        self.model_off = part.model_off;
    }
}

fn shift_items(items: &mut [Item], by: usize) {
    items.iter_mut().for_each(|it| it.shift_node(by));
}

/// The table header shifted last: the rows of a table share one, and still do once shifted.
#[derive(Default)]
struct TableHeads {
    last: Option<(Arc<TableHead>, Arc<TableHead>)>,
}

impl TableHeads {
    fn shifted(&mut self, head: Arc<TableHead>, by: usize) -> Arc<TableHead> {
        if let Some((old, new)) = &self.last
            && Arc::ptr_eq(old, &head)
        {
            return Arc::clone(new);
        }
        let mut block = head.head.clone();
        shift_items(&mut block.items, by);
        let new = Arc::new(TableHead {
            table: head.table + by,
            head: block,
        });
        self.last = Some((head, Arc::clone(&new)));
        new
    }
}

fn shifted_piece(mut piece: Piece, base: Base, heads: &mut TableHeads) -> Piece {
    match &mut piece {
        Piece::Line(l) => {
            l.para += base.para;
            shift_items(&mut l.items, base.node);
        }
        Piece::Block(b) => {
            shift_items(&mut b.items, base.node);
            b.repeat = b.repeat.take().map(|h| heads.shifted(h, base.node));
        }
        Piece::NewPage { .. } | Piece::Flush => {}
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::fonts::FontSet;
    use crate::typeset::page::Geometry;

    /// Three sections, each with footnotes, addresses and a table whose header repeats on
    /// the next page, so that every number the join shifts is in play.
    fn write_book(dir: &std::path::Path, pdf: &str) {
        let fill = "这是正文的一段文字，用来填满页面，看看注释排在哪里。".repeat(3);
        let rows: String = (0..60).map(|i| format!("| 第{i}行 | 值{i} |\n")).collect();
        for name in ["a", "b", "c"] {
            let md = format!(
                "# 第{name}章\n\n{fill}[^n{name}]见[网站](https://{name}.example/)。\n\n\
                 | 名 | 值 |\n|---|---|\n{rows}\n{fill}[^m{name}]\n\n\
                 [^n{name}]: 注{name}，又见[官网](https://rust-lang.org/)。\n\n[^m{name}]: 又一注。\n"
            );
            std::fs::write(dir.join(format!("{name}.md")), md).unwrap();
        }
        let toml = format!(
            "[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\", \"c.md\"]\n[pdf]\n{pdf}\n"
        );
        std::fs::write(dir.join("book.toml"), toml).unwrap();
    }

    /// What a collect leaves, written out in a fixed order (the notes' map has none).
    fn state(s: &Setter, pieces: &[Piece]) -> String {
        let mut notes: Vec<_> = s.notes.by_name.iter().collect();
        notes.sort_by(|a, b| a.0.cmp(b.0));
        let mut numbers: Vec<_> = s.marks.numbers.iter().collect();
        numbers.sort();
        let m = &s.marks;
        format!(
            "{pieces:?}\n{:?}\n{}\n{notes:?}\n{numbers:?} {:?} {} {}\n{:?} {}",
            s.nodes, s.para_seq, m.urls, m.url_count, m.seq, s.at, s.model_off
        )
    }

    #[test]
    fn sections_collected_apart_join_into_what_one_walk_collects() {
        for pdf in [
            "",
            "footnotes = \"page\"\nurls = \"footnote\"\npage_refs = true",
        ] {
            let tmp = tempfile::tempdir().unwrap();
            write_book(tmp.path(), pdf);
            let book = crate::book::load(tmp.path()).unwrap();
            let fonts = FontSet::load(&book.fonts).unwrap();
            let g = Geometry::new(&book);

            let mut apart = Setter::new(&book, &fonts, g.clone());
            apart.node(crate::typeset::document::StructKind::Toc, None, None);
            let joined = apart.collect_body().unwrap();

            let mut walk = Setter::new(&book, &fonts, g);
            walk.node(crate::typeset::document::StructKind::Toc, None, None);
            let mut walked = Vec::new();
            for si in 0..book.sections.len() {
                walked.extend(walk.collect_section(si, si == 0).unwrap());
            }
            assert!(walk.notes.by_name.len() >= 6, "{pdf}");
            assert!(
                walked
                    .iter()
                    .any(|p| matches!(p, Piece::Block(b) if b.repeat.is_some())),
                "{pdf}: no repeated table header"
            );
            assert_eq!(state(&apart, &joined), state(&walk, &walked), "{pdf}");
        }
    }
}
