//! Collect: a code block, set as a terminal shows it: one character to a monospace cell (a
//! Chinese character, which comes from a CJK face, to two), every space kept as a space glyph,
//! tabs expanded to the next multiple of four columns, in the code face a step below the body
//! size, on a light tint, each line on a grid line of its own. A line longer than the measure
//! goes on under a hanging indent with a hook arrow before it; the arrow is drawn as lines, so
//! text copied out of the PDF has only the code. The block's lines are one paragraph for the
//! paginator: never a single line alone at a page's top or foot.

use crate::diag::{Diagnostic, Result};
use crate::highlight::{self, Class, Token};
use crate::typeset::document::{
    ArtifactKind, GlyphRun, InColumn, Item, LineItem, NodeId, RectItem, RunGlyph, StructKind,
};
use crate::typeset::fonts::FontId;
use crate::typeset::page::geometry::SMALL;
use crate::typeset::page::paginate::{GridLine, Piece};
use crate::typeset::page::setter::Setter;
use crate::units::Em;

/// Tab stops, in columns.
pub(super) const TAB: usize = 4;
/// The tint behind code (grey level: 1 is white).
pub(super) const TINT: f32 = 0.94;
/// Blank between the tint's edge and the code, in body ems.
const PAD_EM: f32 = 0.5;
/// Cells a continuation line starts after the wrapped line's indent (the arrow and a space).
const MARK_CELLS: usize = 2;

/// One character of a code line in its cells.
#[derive(Debug, Clone)]
struct Cell {
    /// The character as shown (a tab becomes spaces).
    ch: char,
    /// Its byte offset in the code block's text (for the token class).
    at: usize,
    col: usize,
    cells: usize,
    font: FontId,
    glyph: u16,
    /// Advance in em.
    advance: f32,
    /// Size relative to the code size (a CJK glyph is enlarged to nearly fill its cells).
    scale: f32,
}

/// Sizes shared by every line of one block.
struct Metrics {
    size: f32,
    cell: f32,
    /// Columns the measure holds.
    cols: usize,
    /// Left edge of the text (after the padding) and the tint's box.
    text_x: f32,
    x: f32,
    width: f32,
    baseline: f32,
}

impl Setter<'_> {
    /// A code block: each source line on one or more grid lines (see the module comment).
    pub(super) fn code(
        &mut self,
        text: &str,
        lang: &str,
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        let n = self.node(StructKind::Code, Some(parent), None);
        let m = self.code_metrics(x, width);
        let tokens = if self.book.pdf.highlight {
            highlight::tokens(lang, text)
        } else {
            Vec::new()
        };
        let mut lines: Vec<(Vec<Cell>, bool, usize)> = Vec::new();
        let mut at = 0;
        // Characters before a line's start, counted on from the last line's (offsets only
        // grow), so a long block costs its length, not its length squared.
        let (mut counted_to, mut chars_before) = (0, 0);
        for line in text.split('\n') {
            let cells = self.cells(line, at)?;
            for (k, part) in wrap(&cells, m.cols).into_iter().enumerate() {
                let start = part.first().map_or(at, |c| c.at);
                if start > counted_to {
                    chars_before += text[counted_to..start].chars().count();
                    counted_to = start;
                }
                lines.push((part, k > 0, chars_before));
            }
            at += line.len() + 1;
        }
        let para = self.para_seq;
        self.para_seq += 1;
        let count = lines.len();
        for (idx, (cells, continued, chars_before)) in lines.into_iter().enumerate() {
            let edges = (idx == 0, idx + 1 == count);
            let items = self.code_line(&cells, continued, edges, &tokens, &m, n);
            out.push(Piece::Line(GridLine {
                items,
                para,
                idx,
                count,
                pos: self.here(chars_before),
            }));
        }
        Ok(())
    }

    fn code_metrics(&self, x: f32, width: f32) -> Metrics {
        let size = self.g.size * SMALL;
        let code = self.fonts.code();
        // The cell is the width of the face's zero (every glyph's, in a monospace face).
        let em = self
            .fonts
            .glyph_for(code, '0')
            .map_or(0.6, |(_, Em(a))| if a > 0.0 { a } else { 0.6 });
        let cell = size * em;
        let pad = PAD_EM * self.g.size;
        let cols = (((width - 2.0 * pad) / cell).floor() as usize).max(MARK_CELLS + 8);
        let em_top = self.fonts.em_box_top(code);
        Metrics {
            size,
            cell,
            cols,
            text_x: x + pad,
            x,
            width,
            baseline: self.g.baseline_in_line(size, em_top),
        }
    }

    /// The characters of one source line (starting at byte `at` of the block) in their cells.
    fn cells(&self, line: &str, at: usize) -> Result<Vec<Cell>> {
        let code = self.fonts.code();
        let mut out: Vec<Cell> = Vec::with_capacity(line.len());
        let mut col = 0;
        let cell_em = self.fonts.glyph_for(code, '0').map_or(0.6, |(_, Em(a))| a);
        for (i, ch) in line.char_indices() {
            if ch == '\t' || ch == '\r' {
                let n = if ch == '\t' { TAB - col % TAB } else { 0 };
                let (glyph, advance) = self
                    .fonts
                    .glyph_for(code, ' ')
                    .map_or((0, cell_em), |(g, Em(a))| (g, a));
                for _ in 0..n {
                    out.push(Cell {
                        ch: ' ',
                        at: at + i,
                        col,
                        cells: 1,
                        font: code,
                        glyph,
                        advance,
                        scale: 1.0,
                    });
                    col += 1;
                }
                continue;
            }
            let (font, glyph, advance) = self.glyph(ch)?;
            // A glyph takes the whole cells its advance fills: one for the code face's own,
            // two for a Chinese character from a CJK face (1 em against 0.6 em cells).
            let cells = if font == code || advance <= 0.0 {
                usize::from(advance > 0.0)
            } else {
                ((advance / cell_em).round() as usize).max(1)
            };
            out.push(Cell {
                ch,
                at: at + i,
                col,
                cells,
                font,
                glyph,
                advance,
                scale: fill_scale(font == code, cells, cell_em, advance),
            });
            col += cells;
        }
        Ok(out)
    }

    /// The face that draws `ch` in code (the code face, else the body face, else a fallback),
    /// for ASCII from the setter's table.
    fn glyph(&self, ch: char) -> Result<(FontId, u16, f32)> {
        if ch.is_ascii() {
            let table = self.code_ascii.get_or_init(|| {
                Box::new(std::array::from_fn(|c| {
                    self.look_up_glyph(char::from(c as u8)).ok()
                }))
            });
            if let Some(found) = table[ch as usize] {
                return Ok(found);
            }
        }
        self.look_up_glyph(ch)
    }

    /// [`Self::glyph`] from the fonts themselves.
    fn look_up_glyph(&self, ch: char) -> Result<(FontId, u16, f32)> {
        let fonts = self.fonts;
        let font = fonts.resolve(fonts.code(), ch).ok_or_else(|| {
            Diagnostic::error(format!(
                "no configured font has a glyph for U+{:04X} ‘{ch}’ (in code)",
                ch as u32
            ))
            .hint("add a font that covers it as a fallback in book.toml, or replace the character")
        })?;
        let (glyph, advance) = fonts
            .glyph_for(font, ch)
            .map_or((0, 0.0), |(g, Em(a))| (g, a));
        Ok((font, glyph, advance))
    }

    /// One grid line of code: the tint, the glyphs in runs of one face and class, and the hook
    /// arrow of a continuation line.
    fn code_line(
        &self,
        cells: &[Cell],
        continued: bool,
        (first, last): (bool, bool),
        tokens: &[Token],
        m: &Metrics,
        node: NodeId,
    ) -> Vec<Item> {
        let p = self.g.pitch;
        // The tint keeps a little off the lines of text above and below the block.
        let inset = 0.12 * p;
        let top = if first { inset } else { 0.0 };
        let bottom = if last { p - inset } else { p };
        let mut items = vec![Item::Rect(RectItem {
            x: m.x,
            y: top,
            width: m.width,
            height: bottom - top,
            gray: TINT,
        })];
        let x_of = |c: &Cell| {
            let box_w = c.cells as f32 * m.cell;
            m.text_x + c.col as f32 * m.cell + (box_w - c.advance * c.scale * m.size) / 2.0
        };
        let class_at = |at: usize| {
            let k = tokens.partition_point(|t| t.range.end <= at);
            tokens.get(k).map_or(Class::Plain, |t| t.class)
        };
        let mut i = 0;
        while i < cells.len() {
            let class = class_at(cells[i].at);
            let mut j = i + 1;
            while j < cells.len()
                && cells[j].font == cells[i].font
                && cells[j].scale == cells[i].scale
                && class_at(cells[j].at) == class
            {
                j += 1;
            }
            items.push(Item::Glyphs(run(&cells[i..j], class, &x_of, m, node)));
            i = j;
        }
        if continued && let Some(c) = cells.first() {
            let right = m.text_x + c.col as f32 * m.cell - 0.3 * m.cell;
            items.extend(hook_arrow(right, m));
        }
        items
    }
}

/// A glyph run of cells of one face and class.
fn run(
    cells: &[Cell],
    class: Class,
    x_of: &impl Fn(&Cell) -> f32,
    m: &Metrics,
    node: NodeId,
) -> GlyphRun {
    let mut text = String::new();
    let mut glyphs = Vec::with_capacity(cells.len());
    for (k, c) in cells.iter().enumerate() {
        let start = text.len();
        text.push(c.ch);
        // Exact placement: the distance to the next glyph, else the glyph's own advance.
        let advance = cells
            .get(k + 1)
            .map_or(c.advance * c.scale * m.size, |n| x_of(n) - x_of(c));
        glyphs.push(RunGlyph::new(c.glyph, advance, 0.0, start..text.len()));
    }
    GlyphRun {
        font: cells[0].font,
        size: m.size * cells[0].scale,
        x: x_of(&cells[0]),
        y: m.baseline,
        glyphs: glyphs.into(),
        text: text.into(),
        gray: 0.0,
        rgb: class.rgb(),
        node: Some(node),
        artifact: ArtifactKind::Layout,
        column: InColumn::Across,
    }
}

/// How much a glyph of another face is enlarged in code: a Chinese character (1 em) in two
/// cells of 0.6 em would leave 0.2 em of blank between characters, which reads as a gap and
/// which text extraction takes for a space; so it grows to 96% of its cells (at most by a
/// quarter), the way CJK programming fonts draw Han characters two Latin cells wide.
fn fill_scale(own: bool, cells: usize, cell_em: f32, advance: f32) -> f32 {
    if own || advance <= 0.0 {
        return 1.0;
    }
    (0.96 * cells as f32 * cell_em / advance).clamp(1.0, 1.25)
}

/// A source line cut into the pieces that fit `cols` columns: the first where the line starts,
/// the others hanging under the line's own indent (so nested code stays readable) plus room for
/// the arrow, at most half the measure in. A piece ends after the last space that leaves it at
/// least half full, else where the columns run out; a character is never split.
fn wrap(cells: &[Cell], cols: usize) -> Vec<Vec<Cell>> {
    let indent: usize = cells
        .iter()
        .take_while(|c| c.ch == ' ')
        .map(|c| c.cells)
        .sum();
    let hang_at = indent.min(cols / 2) + MARK_CELLS;
    let mut out = Vec::new();
    let mut rest = cells.to_vec();
    let mut start = 0;
    loop {
        let base = rest.first().map_or(0, |c| c.col);
        for c in &mut rest {
            c.col = c.col - base + start;
        }
        let fits = rest.iter().take_while(|c| c.col + c.cells <= cols).count();
        if fits >= rest.len() {
            out.push(rest);
            return out;
        }
        let cut = (1..=fits)
            .rev()
            .find(|&k| rest[k - 1].ch == ' ' && rest[k].ch != ' ')
            .filter(|&k| k * 2 >= fits)
            .unwrap_or(fits.max(1));
        let tail = rest.split_off(cut);
        out.push(rest);
        rest = tail;
        start = hang_at;
    }
}

/// A hook arrow (↪) ending just left of `right`, on the code's x-height: drawn as lines, an
/// artifact, so that copying the code does not copy it.
fn hook_arrow(right: f32, m: &Metrics) -> Vec<Item> {
    let s = m.size;
    let y_top = m.baseline - 0.62 * s;
    let y = m.baseline - 0.28 * s;
    let left = right - 1.3 * m.cell;
    let head = 0.22 * s;
    let line = |x0: f32, y0: f32, x1: f32, y1: f32| {
        Item::Line(LineItem {
            x0,
            y0,
            x1,
            y1,
            width: 0.45,
            node: None,
            artifact: ArtifactKind::Layout,
        })
    };
    vec![
        line(left, y_top, left, y),
        line(left, y, right, y),
        line(right - head, y - head * 0.8, right, y),
        line(right - head, y + head * 0.8, right, y),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells for `s`, one column each, except `宽` (two).
    fn cells(s: &str) -> Vec<Cell> {
        let mut col = 0;
        s.char_indices()
            .map(|(at, ch)| {
                let cells = if ch == '宽' { 2 } else { 1 };
                let c = Cell {
                    ch,
                    at,
                    col,
                    cells,
                    font: FontId(0),
                    glyph: 1,
                    advance: 0.6 * cells as f32,
                    scale: 1.0,
                };
                col += cells;
                c
            })
            .collect()
    }

    fn texts(pieces: &[Vec<Cell>]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| p.iter().map(|c| c.ch).collect())
            .collect()
    }

    #[test]
    fn the_ascii_table_gives_what_the_fonts_give() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "# 章\n\n```\nfn main() {}\n```\n").unwrap();
        std::fs::write(
            tmp.path().join("book.toml"),
            "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n",
        )
        .unwrap();
        let book = crate::book::load(tmp.path()).unwrap();
        let fonts = crate::typeset::fonts::FontSet::load(&book.fonts).unwrap();
        let lay = Setter::new(&book, &fonts, crate::typeset::page::Geometry::new(&book));
        for c in (0..128u8).map(char::from) {
            let from_table = lay.glyph(c).ok();
            assert_eq!(from_table, lay.look_up_glyph(c).ok(), "{c:?}");
            if c.is_ascii_graphic() {
                assert!(
                    from_table.is_some_and(|(_, g, _)| g != 0),
                    "{c:?} has no glyph"
                );
            }
        }
        assert!(lay.code_ascii.get().is_some(), "the table was not used");
    }

    #[test]
    fn a_line_that_fits_stays_whole() {
        let got = wrap(&cells("    let x = 1;"), 20);
        assert_eq!(texts(&got), ["    let x = 1;"]);
        assert_eq!(got[0][4].col, 4);
    }

    #[test]
    fn a_long_line_breaks_after_a_space_and_hangs_under_its_indent() {
        let line = "    call(alpha, beta, gamma, delta)";
        let got = wrap(&cells(line), 20);
        assert_eq!(texts(&got), ["    call(alpha, ", "beta, gamma, ", "delta)"]);
        // Continuations start after the indent (4) and the arrow's two cells.
        assert_eq!(got[1][0].col, 6);
        assert_eq!(got[2][0].col, 6);
        // Nothing is lost and nothing passes the measure.
        assert_eq!(texts(&got).concat(), line);
        for piece in &got {
            assert!(piece.iter().all(|c| c.col + c.cells <= 20));
        }
    }

    #[test]
    fn a_word_longer_than_the_measure_is_cut_where_the_columns_run_out() {
        let got = wrap(&cells("abcdefghijklmnopqrstuvwxyz"), 10);
        assert_eq!(texts(&got), ["abcdefghij", "klmnopqr", "stuvwxyz"]);
    }

    #[test]
    fn a_wide_character_is_never_split_between_lines() {
        // Nine columns of ASCII then a two-cell character: it goes to the next line.
        let got = wrap(&cells("abcdefghi宽"), 10);
        assert_eq!(texts(&got), ["abcdefghi", "宽"]);
        assert_eq!(got[1][0].col, MARK_CELLS);
    }

    #[test]
    fn chinese_glyphs_grow_to_nearly_fill_their_two_cells() {
        // 1 em in two cells of 0.6 em: 1.152 (96% of 1.2 em).
        assert!((fill_scale(false, 2, 0.6, 1.0) - 1.152).abs() < 1e-4);
        assert_eq!(fill_scale(true, 1, 0.6, 0.6), 1.0);
        // Never shrunk, never more than a quarter larger.
        assert_eq!(fill_scale(false, 1, 0.6, 0.6), 1.0);
        assert_eq!(fill_scale(false, 4, 0.6, 1.0), 1.25);
    }
}
