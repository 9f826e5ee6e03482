//! The space between blocks: one table for every pair of block kinds (docs/typesetting.md §9).
//!
//! Values are whole grid lines, so the text after any block is back on the baseline grid. A
//! table, a figure, a heading and a rule centre their content in whole grid lines of their own
//! and so carry their margins inside; the table adds space only where two blocks would
//! otherwise run together (a quote or a code block against anything, a heading after text).

/// What a block is, for the space around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Paragraph,
    List,
    Table,
    Quote,
    Code,
    /// Floats: never spaced, since the space would stay behind when the figure moves on.
    Figure,
    /// `###` to `######`.
    Heading,
    /// `#` and `##` inside a section.
    MajorHeading,
    Rule,
    /// A section's opening (kicker, title, author).
    Opening,
}

const KINDS: usize = Kind::Opening as usize + 1;

/// Space above a `#` or `##` heading inside a section, in grid lines, taken inside the heading's
/// own grid lines (dropped at the top of a page): with the half line under it, the heading
/// stands nearer the text it heads than the text before it.
pub(super) const MAJOR_HEADING_ABOVE: f32 = 0.5;

/// Least space above a figure's picture and below its last caption line, in grid lines. A
/// figure takes whole grid lines and centres its content in them, so the space above and below
/// is equal (¼ to ¾ of a grid line, plus the half-leading of the text line beside it).
pub(super) const FIGURE_MARGIN: f32 = 0.25;

/// Grid lines a section's opening sinks below the top of the type area (docs/typesetting.md
/// §7): enough to mark a new piece at a glance, little enough not to cost a page. Make-up may
/// take it away to pull a section's last lines back.
pub(super) const OPENING_SINK: f32 = 2.0;

/// Grid lines between a block of the row's kind and a following block of the column's kind.
/// Columns: Paragraph, List, Table, Quote, Code, Figure, Heading, MajorHeading, Rule, Opening
/// (nothing comes before an opening: each section starts a page).
#[rustfmt::skip]
const BETWEEN: [[u8; KINDS]; KINDS] = [
    /* Paragraph    */ [0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    /* List         */ [0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    /* Table        */ [0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    /* Quote        */ [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    /* Code         */ [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    /* Figure       */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    /* Heading      */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    /* MajorHeading */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    /* Rule         */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    /* Opening      */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];

/// Grid lines of space between `before` and `after` (none at the start of a container).
pub(super) fn lines_between(before: Option<Kind>, after: Kind) -> u8 {
    before.map_or(0, |b| BETWEEN[b as usize][after as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_code_are_set_off_and_text_runs_on() {
        use Kind::*;
        assert_eq!(lines_between(Some(Paragraph), Paragraph), 0);
        assert_eq!(lines_between(Some(Paragraph), Quote), 1);
        assert_eq!(lines_between(Some(Quote), Paragraph), 1);
        assert_eq!(lines_between(Some(Code), List), 1);
        assert_eq!(lines_between(Some(Paragraph), MajorHeading), 0);
        assert_eq!(lines_between(None, Quote), 0);
        // Floats take no space in the flow.
        for k in [Paragraph, Quote, Code, Table] {
            assert_eq!(lines_between(Some(k), Figure), 0);
            assert_eq!(lines_between(Some(Figure), k), 0);
        }
    }
}
