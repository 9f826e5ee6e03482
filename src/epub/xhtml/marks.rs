//! The print edition's page-break marks, written at the exact character where each page begins.

use super::{Writer, pagebreak};

impl Writer<'_> {
    /// Writes every mark that is due at the start of the current block (and any left over from
    /// before it), and starts counting the block's characters.
    pub(super) fn mark_block(&mut self) {
        self.chars = 0;
        self.mark_here();
    }

    /// Writes every mark due at or before the current place.
    pub(super) fn mark_here(&mut self) {
        while let Some(m) = self.marks.last() {
            let due = (m.part, &m.path[..], m.offset) <= (self.part, &self.path[..], self.chars);
            if !due {
                break;
            }
            let m = self.marks.pop().expect("checked");
            self.out.push_str(&pagebreak(&m.label));
        }
    }

    /// The offset of the next mark inside the current block before character `end`, if any.
    pub(super) fn mark_before(&self, end: usize) -> Option<usize> {
        let m = self.marks.last()?;
        (m.part == self.part && m.path == self.path && m.offset < end).then_some(m.offset)
    }

    /// Text of the current block, escaped by `escape`, with the marks that fall inside it.
    pub(super) fn marked_text(&mut self, t: &str, escape: &dyn Fn(&str) -> String) {
        let start = self.chars;
        let end = start + t.chars().count();
        let mut written = 0; // characters of `t`
        let mut at = 0; // byte offset in `t`
        while let Some(off) = self.mark_before(end) {
            let k = off.saturating_sub(start).max(written);
            let byte = t.char_indices().nth(k).map_or(t.len(), |(b, _)| b);
            self.out.push_str(&escape(&t[at..byte]));
            at = byte;
            written = k;
            self.chars = start + k;
            self.mark_here();
        }
        self.out.push_str(&escape(&t[at..]));
        self.chars = end;
    }

    /// Counts `n` characters that the EPUB shows otherwise (a picture's alt text, a note
    /// number), writing the marks due before them.
    pub(super) fn skip_chars(&mut self, n: usize) {
        self.mark_here();
        self.chars += n;
    }
}
