//! What lies on either side of a mark: the nearest letter, skipping spaces, digits and
//! punctuation, and whether that makes the mark's place Chinese text.

use super::atoms::{Atom, Kind};

/// The context on one side of a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Han,
    Latin,
    /// Nothing but digits, spaces and punctuation up to the block's end, or a Latin letter
    /// behind a closing (left) or opening (right) quote or bracket.
    Other,
}

pub(super) fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | ')' | ']')
}

pub(super) fn opens(c: char) -> bool {
    matches!(c, '“' | '‘' | '"' | '(' | '[')
}

/// The nearest letter before `i` (exclusive), not looking past `stop`.
pub(super) fn left_ctx(seg: &[Atom], i: usize, stop: usize) -> Ctx {
    let mut passed = false;
    for a in seg[stop..i].iter().rev() {
        match a.kind {
            Kind::Han => return Ctx::Han,
            Kind::Latin => return if passed { Ctx::Other } else { Ctx::Latin },
            _ => passed |= closes(a.c),
        }
    }
    Ctx::Other
}

/// The nearest letter from `i` on (inclusive), not looking at `stop` or past it.
pub(super) fn right_ctx(seg: &[Atom], i: usize, stop: usize) -> Ctx {
    let mut passed = false;
    for a in &seg[i.min(stop)..stop] {
        match a.kind {
            Kind::Han => return Ctx::Han,
            Kind::Latin => return if passed { Ctx::Other } else { Ctx::Latin },
            _ => passed |= opens(a.c),
        }
    }
    Ctx::Other
}

/// The text around is Chinese: neither side Latin, at least one side Chinese.
pub(super) fn chinese(l: Ctx, r: Ctx) -> bool {
    l != Ctx::Latin && r != Ctx::Latin && (l == Ctx::Han || r == Ctx::Han)
}

/// The first atom from `i` on that is not a space.
pub(super) fn next_solid(seg: &[Atom], i: usize) -> Option<usize> {
    (i..seg.len()).find(|&k| seg[k].kind != Kind::Space)
}

/// The last atom before `i` that is not a space.
pub(super) fn prev_solid(seg: &[Atom], i: usize) -> Option<usize> {
    (0..i).rev().find(|&k| seg[k].kind != Kind::Space)
}
