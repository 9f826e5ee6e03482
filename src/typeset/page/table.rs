//! Collect: three-line tables (三线表), docs/typesetting.md §9.
//!
//! Column widths come from the content, as a browser's automatic table layout does (CSS 2.1
//! §17.5.2.2): each column has a minimum width (its widest unbreakable piece: a Latin word, a
//! number such as `963.32`, one Han character with the marks that stay with it) and a preferred
//! width (its widest cell set on one line). A table whose preferred widths fit is set at them;
//! otherwise every column gets its minimum and the rest of the measure is shared in proportion
//! to how much more each column would like, so a label column stops wrapping before a column of
//! short numbers gets anything. Only when the minimums do not fit is the table tried one size
//! smaller with narrower gaps, and then squeezed (a `check` warning: [`table_fits`]).
//!
//! Each row is a block of its own, off the baseline grid; the last row brings the text after
//! the table back onto it. Every row carries the header, which the paginator repeats at the top
//! of each page the table continues on; the row before the last keeps with the last, so the
//! page a table ends on never has its last row alone.

use crate::book::model::{self, Align, Book, Inline};
use crate::diag::Result;
use crate::typeset::document::{ArtifactKind, Item, LineItem, NodeId, StructKind};
use crate::typeset::fonts::FontSet;
use crate::typeset::inline::{self, ParagraphSpec, StyledRun, breaks};
use crate::typeset::page::geometry::{Geometry, SMALL, snap};
use crate::typeset::page::paginate::{BlockBox, Piece, TableHead};
use crate::typeset::page::runs::Segment;
use crate::typeset::page::setter::Setter;
use std::sync::Arc;

/// One step below the table size when a table is too wide at it (六号 7.5 pt under 10.5 pt).
const SMALLER: f32 = 7.5 / 10.5;
/// The tries, in order: (size relative to the body, gap between columns in em of that size).
/// The last leaves 2¼ pt between columns: tight, but it keeps a table of eleven columns of
/// numbers such as `963.32` whole on an A5 page.
const TRIES: [(f32, f32); 4] = [(SMALL, 1.0), (SMALL, 0.5), (SMALLER, 0.5), (SMALLER, 0.3)];
/// Line pitch inside a cell, in em of the table size.
const LEAD_EM: f32 = 1.5;
/// Space above and below the text of a row, in em of the table size.
const ROW_PAD_EM: f32 = 0.25;
/// Rule weights in points: the top and bottom rules, and the rule under the header.
const HEAVY: f32 = 0.8;
const LIGHT: f32 = 0.4;

/// Minimum and preferred widths of every column at the first try's size, gaps excluded.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ColumnWidths {
    pub(super) min: Vec<f32>,
    pub(super) max: Vec<f32>,
}

/// How a table is set: its text size, gap and column widths (gaps included), and whether every
/// column got at least its minimum.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub(super) size: f32,
    pub(super) gap: f32,
    pub(super) widths: Vec<f32>,
    pub(super) fits: bool,
}

/// Column widths for `avail` points, from widths measured at `body * SMALL` (CSS 2.1 automatic
/// layout; see the module comment).
pub(super) fn plan(cw: &ColumnWidths, body: f32, avail: f32) -> Plan {
    let base = body * SMALL;
    let at = |(rel, gap_em): (f32, f32)| {
        let size = body * rel;
        let scale = size / base;
        let gap = gap_em * size;
        let min: Vec<f32> = cw.min.iter().map(|w| w * scale + gap).collect();
        let max: Vec<f32> = cw
            .max
            .iter()
            .zip(&min)
            .map(|(w, m)| (w * scale + gap).max(*m))
            .collect();
        (size, gap, min, max)
    };
    for t in TRIES {
        let (size, gap, min, max) = at(t);
        let (lo, hi): (f32, f32) = (min.iter().sum(), max.iter().sum());
        if hi <= avail {
            return Plan {
                size,
                gap,
                widths: max,
                fits: true,
            };
        }
        if lo <= avail {
            let widths = share(&min, &max, avail);
            return Plan {
                size,
                gap,
                widths,
                fits: true,
            };
        }
    }
    // Too wide even so: every column shrinks in proportion to its minimum.
    let (size, gap, min, _) = at(TRIES[TRIES.len() - 1]);
    let lo: f32 = min.iter().sum();
    let widths = min.iter().map(|m| m * avail / lo.max(1.0)).collect();
    Plan {
        size,
        gap,
        widths,
        fits: false,
    }
}

/// Widths between the minimums and the maximums that fill `avail`: a column that wants no more
/// than an even share of the line gets all it wants (a short header such as 运算符 or a column
/// of numbers is never wrapped, as LaTeX's tabulary does), when the others still get their
/// minimum; the rest is shared in proportion to what each column would still like.
fn share(min: &[f32], max: &[f32], avail: f32) -> Vec<f32> {
    let fair = avail / min.len().max(1) as f32;
    let narrow: Vec<bool> = max.iter().map(|x| *x <= fair).collect();
    let fixed: f32 = min
        .iter()
        .zip(max)
        .zip(&narrow)
        .map(|((m, x), n)| if *n { *x } else { *m })
        .sum();
    let narrow = if fixed <= avail {
        narrow
    } else {
        vec![false; min.len()]
    };
    let base: Vec<f32> = min
        .iter()
        .zip(max)
        .zip(&narrow)
        .map(|((m, x), n)| if *n { *x } else { *m })
        .collect();
    let extra = avail - base.iter().sum::<f32>();
    let want: f32 = base.iter().zip(max).map(|(b, x)| x - b).sum();
    base.iter()
        .zip(max)
        .map(|(b, x)| {
            if want > 0.0 {
                b + extra * (x - b) / want
            } else {
                *b
            }
        })
        .collect()
}

/// Whether `t`, set `indent` points in from the measure, fits the page at one of its tries: the
/// one measurement both the typesetter and `check` use.
pub fn table_fits(book: &Book, fonts: &FontSet, t: &model::Table, indent: f32) -> Result<bool> {
    let g = Geometry::new(book);
    let mut lay = Setter::new(book, fonts, g.clone());
    let cells = lay.cell_segments(t, None);
    let cw = lay.column_widths(&cells)?;
    let avail = (g.measure - indent)
        .max(g.size * crate::typeset::page::MIN_MEASURE_EM)
        .min(g.measure);
    Ok(plan(&cw, g.size, avail).fits)
}

/// A cell's text: a number (`963.32`, `-1,024`, `12.5%`) or a placeholder for none (`—`).
fn is_number(text: &str) -> bool {
    let t = text.trim();
    let t = t
        .strip_prefix([
            '+', '-', '−', '±', '~', '≈', '<', '>', '≤', '≥', '$', '¥', '￥', '€', '£',
        ])
        .unwrap_or(t);
    let t = t.strip_suffix(['%', '‰', '×']).unwrap_or(t);
    t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{2009}'))
}

fn is_placeholder(text: &str) -> bool {
    matches!(text.trim(), "" | "-" | "—" | "–" | "/" | "N/A" | "n/a")
}

/// How each column's body cells are aligned: as the Markdown says; unaligned columns of numbers
/// to the right (units under units), other unaligned columns to the left.
fn body_alignment(t: &model::Table, cols: usize) -> Vec<inline::TextAlign> {
    (0..cols)
        .map(|c| match t.align.get(c).copied().unwrap_or(Align::None) {
            Align::Left => inline::TextAlign::Left,
            Align::Center => inline::TextAlign::Center,
            Align::Right => inline::TextAlign::Right,
            Align::None => {
                let texts: Vec<String> = t
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| model::plain_text(cell))
                    .filter(|s| !is_placeholder(s))
                    .collect();
                if !texts.is_empty() && texts.iter().all(|s| is_number(s)) {
                    inline::TextAlign::Right
                } else {
                    inline::TextAlign::Left
                }
            }
        })
        .collect()
}

/// The cells of one row, flattened into segments (with their structure nodes when `parent`).
struct RowCells {
    head: bool,
    cells: Vec<Vec<Segment>>,
}

impl Setter<'_> {
    /// Every row's cells as segments at the table size, header first, `cols` cells a row.
    fn cell_segments(&mut self, t: &model::Table, parent: Option<NodeId>) -> Vec<RowCells> {
        let cols = columns(t);
        let size = self.g.size * SMALL;
        let mut rows: Vec<(bool, &Vec<Vec<Inline>>)> = Vec::new();
        if !t.head.is_empty() {
            rows.push((true, &t.head));
        }
        rows.extend(t.rows.iter().map(|r| (false, r)));
        let empty = Vec::new();
        rows.into_iter()
            .map(|(head, cells)| {
                let rn = parent.map(|p| self.node(StructKind::TableRow, Some(p), None));
                let kind = if head {
                    StructKind::TableHeader
                } else {
                    StructKind::TableCell
                };
                let font = if head {
                    self.fonts.heading()
                } else {
                    self.fonts.body()
                };
                let cells = (0..cols)
                    .map(|c| {
                        let cn = rn.map(|r| self.node(kind.clone(), Some(r), None));
                        let cell = cells.get(c).unwrap_or(&empty);
                        self.segments(cell, self.cur(font, size, cn), None)
                    })
                    .collect();
                RowCells { head, cells }
            })
            .collect()
    }

    /// Minimum and preferred width of every column, from its cells set on one line.
    fn column_widths(&mut self, rows: &[RowCells]) -> Result<ColumnWidths> {
        let cols = rows.first().map_or(0, |r| r.cells.len());
        let mut cw = ColumnWidths {
            min: vec![0.0; cols],
            max: vec![0.0; cols],
        };
        for row in rows {
            for (c, segs) in row.cells.iter().enumerate() {
                let (lo, hi) = self.cell_widths(segs)?;
                cw.min[c] = cw.min[c].max(lo);
                cw.max[c] = cw.max[c].max(hi);
            }
        }
        Ok(cw)
    }

    /// A cell's widest unbreakable piece and its widest line unbroken (forced breaks kept).
    fn cell_widths(&mut self, segs: &[Segment]) -> Result<(f32, f32)> {
        let (mut lo, mut hi) = (0.0f32, 0.0f32);
        for seg in segs {
            let runs: Vec<StyledRun> = seg
                .runs
                .iter()
                .filter(|r| !r.text.is_empty())
                .cloned()
                .collect();
            if runs.is_empty() {
                continue;
            }
            let spec = ParagraphSpec {
                width: 1.0e6,
                first_indent: 0.0,
                align: inline::TextAlign::Left,
                kinsoku: self.book.pdf.kinsoku,
            };
            let p = inline::set_paragraph_timed(self.fonts, &runs, &spec, &mut self.timings)?;
            for line in &p.lines {
                hi = hi.max(line.width - line.x_start);
            }
            let glyphs: Vec<_> = p.lines.iter().flat_map(|l| &l.glyphs).collect();
            let mut at = 0;
            for unit in breaks::unbreakable_units(&p.text, self.book.pdf.kinsoku) {
                let range = at..at + unit.trim_end().len();
                at += unit.len();
                let inside = glyphs
                    .iter()
                    .filter(|g| range.contains(&g.text_range.start));
                let (l, r) = inside.fold((f32::MAX, f32::MIN), |(l, r), g| {
                    (l.min(g.x), r.max(g.x + g.advance))
                });
                if r > l {
                    lo = lo.max(r - l);
                }
            }
        }
        // A hair more, so that setting the cell at exactly its minimum never breaks the piece.
        Ok((lo + 0.01, hi.max(lo) + 0.01))
    }

    /// A three-line table: a heavy rule above the header, a light one under it and a heavy one
    /// under the body; as pieces, one a row.
    pub(super) fn table(
        &mut self,
        t: &model::Table,
        x: f32,
        width: f32,
        parent: NodeId,
    ) -> Result<Vec<Piece>> {
        let tn = self.node(StructKind::Table, Some(parent), None);
        let rows = self.cell_segments(t, Some(tn));
        let cw = self.column_widths(&rows)?;
        let p = plan(&cw, self.g.size, width);
        let scale = p.size / (self.g.size * SMALL);
        let rows: Vec<RowCells> = if scale == 1.0 {
            rows
        } else {
            // The smaller try: the same runs at the smaller size.
            rows.into_iter()
                .map(|r| RowCells {
                    head: r.head,
                    cells: r.cells.into_iter().map(|c| rescale(c, scale)).collect(),
                })
                .collect()
        };
        self.set_table(t, tn, &rows, &p, (x, width))
    }

    /// The rows of table `tn` set by plan `p`, centred in `width` from `x`.
    fn set_table(
        &mut self,
        t: &model::Table,
        tn: NodeId,
        rows: &[RowCells],
        p: &Plan,
        (x, width): (f32, f32),
    ) -> Result<Vec<Piece>> {
        let cols = p.widths.len();
        let body_align = body_alignment(t, cols);
        let total: f32 = p.widths.iter().sum();
        let left = x + ((width - total) / 2.0).max(0.0);
        let mut boxes = Vec::with_capacity(rows.len());
        for (ri, row) in rows.iter().enumerate() {
            let align: Vec<inline::TextAlign> = if row.head {
                head_alignment(t, cols)
            } else {
                body_align.clone()
            };
            let mut blk = self.table_row(row, &align, p, left)?;
            let mut pos = self.here(0);
            pos.path.push(ri);
            blk.pos = Some(pos);
            boxes.push(blk);
        }
        let head = rows.first().is_some_and(|r| r.head);
        Ok(rule_rows(boxes, head, tn, (left, total), self.g.pitch))
    }

    /// One row's cells side by side, vertically centred in the row, relative to the row's top.
    fn table_row(
        &mut self,
        row: &RowCells,
        align: &[inline::TextAlign],
        p: &Plan,
        left: f32,
    ) -> Result<BlockBox> {
        let lead = p.size * LEAD_EM;
        let pad = p.size * ROW_PAD_EM;
        let mut set = Vec::with_capacity(row.cells.len());
        for (c, segs) in row.cells.iter().enumerate() {
            let inner = (p.widths[c] - p.gap).max(p.size);
            set.push(self.set_lines(segs, inner, 0.0, align[c])?);
        }
        let n = set.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut blk = BlockBox {
            off_grid: true,
            height: n as f32 * lead + 2.0 * pad,
            ..BlockBox::default()
        };
        let mut cx = left;
        for (c, lines) in set.into_iter().enumerate() {
            let y = pad + (n - lines.len()) as f32 * lead / 2.0;
            self.stack(lines, lead, cx + p.gap / 2.0, y, &mut blk.items);
            cx += p.widths[c];
        }
        Ok(blk)
    }
}

/// Puts the three rules on the rows of table `tn` and its margins around them, and makes every
/// row carry the header for the pages the table continues on.
fn rule_rows(
    mut rows: Vec<BlockBox>,
    head: bool,
    tn: NodeId,
    (left, total): (f32, f32),
    pitch: f32,
) -> Vec<Piece> {
    if rows.is_empty() {
        return Vec::new();
    }
    let rule = |y: f32, w: f32| {
        Item::Line(LineItem {
            x0: left,
            x1: left + total,
            y0: y,
            y1: y,
            width: w,
            node: None,
            artifact: ArtifactKind::Layout,
        })
    };
    let natural: f32 = rows.iter().map(|r| r.height).sum();
    // At least half a grid line above and below, the table centred in its grid lines.
    let margin = (snap(natural + pitch, pitch) - natural) / 2.0;
    if head && rows.len() > 1 {
        let h = rows[0].height;
        rows[0].items.push(rule(h, LIGHT));
        rows[0].keep_next = true;
    }
    let repeat = head.then(|| {
        let mut hd = rows[0].clone();
        hd.items.insert(0, rule(HEAVY / 2.0, HEAVY));
        for it in &mut hd.items {
            // Drawn again: a pagination artifact, not the table's content a second time.
            match it {
                Item::Glyphs(g) => g.node = None,
                Item::Link(l) => l.node = None,
                _ => {}
            }
        }
        hd.pos = None;
        hd.keep_next = false;
        Arc::new(TableHead {
            table: tn,
            head: hd,
        })
    });
    let last = rows.len() - 1;
    // The last row never alone on a page the table continues on: the one before goes with it.
    let body_start = usize::from(head);
    if last > body_start {
        rows[last - 1].keep_next = true;
    }
    let first = &mut rows[0];
    first
        .items
        .iter_mut()
        .for_each(|it| it.translate(0.0, margin));
    first.items.insert(0, rule(margin, HEAVY));
    first.height += margin;
    let end = &mut rows[last];
    end.items.push(rule(end.height, HEAVY));
    end.height += margin;
    end.off_grid = false;
    rows.into_iter()
        .map(|mut r| {
            r.repeat = repeat.clone();
            Piece::Block(r)
        })
        .collect()
}

/// Cells of an unaligned header are centred over their columns, as a browser sets `<th>`.
fn head_alignment(t: &model::Table, cols: usize) -> Vec<inline::TextAlign> {
    (0..cols)
        .map(|c| match t.align.get(c).copied().unwrap_or(Align::None) {
            Align::Left => inline::TextAlign::Left,
            Align::Right => inline::TextAlign::Right,
            Align::Center | Align::None => inline::TextAlign::Center,
        })
        .collect()
}

/// The number of columns: the widest row.
fn columns(t: &model::Table) -> usize {
    t.head
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1)
}

/// Segments with every run's size (and rise) scaled.
fn rescale(mut segs: Vec<Segment>, scale: f32) -> Vec<Segment> {
    for s in &mut segs {
        for r in &mut s.runs {
            r.size *= scale;
            r.rise *= scale;
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(min: &[f32], max: &[f32]) -> ColumnWidths {
        ColumnWidths {
            min: min.to_vec(),
            max: max.to_vec(),
        }
    }

    #[test]
    fn a_table_that_fits_is_set_at_its_preferred_widths() {
        let p = plan(&widths(&[9.0, 20.0], &[40.0, 20.0]), 10.5, 300.0);
        assert!(p.fits);
        assert_eq!(p.size, 9.0);
        assert_eq!(p.widths, vec![49.0, 29.0]);
    }

    #[test]
    fn the_room_left_goes_to_the_columns_that_want_more() {
        // A label column (one character minimum, 200 pt preferred) and two number columns:
        // the numbers get exactly their width, the labels the rest.
        let p = plan(
            &widths(&[9.0, 30.0, 30.0], &[200.0, 30.0, 30.0]),
            10.5,
            200.0,
        );
        assert!(p.fits);
        assert!(
            (p.widths[1] - 39.0).abs() < 1e-3 && (p.widths[2] - 39.0).abs() < 1e-3,
            "{p:?}"
        );
        assert!((p.widths.iter().sum::<f32>() - 200.0).abs() < 1e-3);
    }

    #[test]
    fn a_short_column_is_never_wrapped_while_a_long_one_can_be() {
        // A 27 pt header over one-character operators, a column of long examples, and a
        // column of explanations: the operator column gets its whole header.
        let p = plan(
            &widths(&[9.0, 60.0, 9.0], &[27.0, 300.0, 200.0]),
            10.5,
            300.0,
        );
        assert!(p.fits);
        assert!((p.widths[0] - 36.0).abs() < 1e-3, "{p:?}");
        assert!((p.widths.iter().sum::<f32>() - 300.0).abs() < 1e-3);
    }

    #[test]
    fn a_table_too_wide_tries_narrower_gaps_then_a_smaller_size() {
        // Eleven columns of 30 pt minimum: 330 + 11 gaps of 9 pt is 429; with 4.5 pt gaps
        // 379.5; at 7.5 pt 275 + 41.25 = 316.25; with 2.25 pt gaps 299.75.
        let cw = widths(&[30.0; 11], &[30.0; 11]);
        assert_eq!(plan(&cw, 10.5, 380.0).size, 9.0);
        let p = plan(&cw, 10.5, 320.0);
        assert!(p.fits);
        assert!((p.size - 7.5).abs() < 1e-4, "{p:?}");
        assert_eq!(plan(&cw, 10.5, 316.0).gap, 7.5 * 0.3);
        let p = plan(&cw, 10.5, 290.0);
        assert!(!p.fits);
        assert!((p.widths.iter().sum::<f32>() - 290.0).abs() < 1e-3);
    }

    #[test]
    fn numbers_are_told_from_words() {
        for n in ["963.32", "1,024", "-3", "12.5%", "−0.5", "¥30"] {
            assert!(is_number(n), "{n}");
        }
        for w in ["succ.", "v1.2", "第3章", "3 月", "", "1.2.3a"] {
            assert!(!is_number(w), "{w}");
        }
    }
}
