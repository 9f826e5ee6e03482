//! Collect: the marks and notes of footnotes and of the addresses of external links, and the
//! page numbers of cross-references (docs/typesetting.md §7).
//!
//! The PDF numbers its notes itself: in the order their marks first appear in a section
//! (footnotes and link addresses in one series), or from 1 on every page. Per-page numbers,
//! page numbers of cross-references and "once per page" for addresses printed in the text are
//! only known after pagination: [`PassInfo`] carries them from one pagination to the next
//! collect (see `layout`), as LaTeX does with its second run.

use crate::book::model::{self, Block, Inline, NoteNumbering, Section, UrlMode};
use crate::book::walk::Run;
use crate::diag::Result;
use crate::typeset::document::{LinkTarget, NodeId, Part, SourcePos, StructKind};
use crate::typeset::inline;
use crate::typeset::page::geometry::SMALL;
use crate::typeset::page::paginate::footnotes::{Note, NoteLine, NoteSet};
use crate::typeset::page::runs::TextStyle;
use crate::typeset::page::setter::{Marks, PassInfo, Setter};
use std::collections::{HashMap, HashSet};

/// Collects of the body at most (the last one's numbers are used even if a pagination after
/// it would change them: marks and notes always agree, as both come from the same collect).
pub(super) const MAX_PASSES: usize = 4;

/// Whether the book asks for anything only a pagination can tell.
pub(super) fn needs_passes(book: &crate::book::model::Book) -> bool {
    let n = &book.pdf.notes;
    n.numbering == NoteNumbering::Page || n.urls == UrlMode::Inline || n.page_refs
}

/// What a pagination found: the page of every mark (`marks`, in placing order), the printed
/// page of every destination (`pages`).
pub(super) fn pass_info(
    book: &crate::book::model::Book,
    marks: &[(String, usize)],
    notes: &NoteSet,
    pages: HashMap<String, String>,
) -> PassInfo {
    let mut info = PassInfo::default();
    if !needs_passes(book) {
        return info;
    }
    let mut page = usize::MAX;
    let mut keys: Vec<&str> = Vec::new();
    // A footnote is numbered on the page of its first mark (where it is set); its later
    // marks repeat that number.
    let mut footnotes: HashSet<&str> = HashSet::new();
    for (name, p) in marks {
        let Some(note) = notes.by_name.get(name) else {
            continue;
        };
        if note.url.is_none() && !footnotes.insert(&note.key) {
            continue;
        }
        if *p != page {
            page = *p;
            keys.clear();
        }
        let k = match keys.iter().position(|k| *k == note.key) {
            Some(k) => {
                if note.lines.is_empty() {
                    info.repeated.insert(name.clone());
                }
                k
            }
            None => {
                keys.push(&note.key);
                keys.len() - 1
            }
        };
        if book.pdf.notes.numbering == NoteNumbering::Page && !note.lines.is_empty() {
            info.numbers.insert(name.clone(), k as u32 + 1);
        }
    }
    if book.pdf.notes.page_refs {
        info.pages = pages;
    }
    info
}

/// A mark of a link's address, named after its section and place.
fn url_mark(section_id: &str, k: usize) -> String {
    format!("{section_id}-url{k}")
}

/// The address as printed for reading: without `mailto:`, and percent-encoded characters
/// decoded where that is what a browser's address bar shows: letters beyond ASCII
/// (`%E5%AE%89` → `安`) and ASCII letters, digits and `-._~`. What would change the address
/// or could not be seen stays encoded: spaces and other white space, control characters,
/// delimiters (`%2F`, `%3F`, `%23`, `%25` …) and bytes that are not UTF-8. The link itself
/// keeps the address as written. (Inside an address the typesetter puts no CJK–Latin glue,
/// so the decoded characters are set close, as typed.)
pub(super) fn shown_url(href: &str) -> String {
    let href = href.strip_prefix("mailto:").unwrap_or(href);
    let bytes = href.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let byte_at = |i: usize| {
        (bytes.get(i) == Some(&b'%'))
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten()
    };
    let mut out = String::with_capacity(href.len());
    let mut i = 0;
    while i < href.len() {
        let Some(b) = byte_at(i) else {
            let ch = href[i..].chars().next().unwrap_or('%');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        // The whole UTF-8 sequence this byte starts, if every byte of it is encoded.
        let len = match b {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        let seq: Option<Vec<u8>> = (0..len).map(|k| byte_at(i + 3 * k)).collect();
        let ch = seq
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|t| t.chars().next())
            .filter(|&c| {
                if c.is_ascii() {
                    c.is_ascii_alphanumeric() || "-._~".contains(c)
                } else {
                    !c.is_control() && !c.is_whitespace() && !is_invisible(c)
                }
            });
        match ch {
            Some(c) => {
                out.push(c);
                i += 3 * c.len_utf8();
            }
            None => {
                out.push_str(&href[i..i + 3]);
                i += 3;
            }
        }
    }
    out
}

/// Characters with no ink that would hide in a printed address: format characters (zero
/// width spaces and joiners, direction marks) and the no-break and ideographic spaces.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFF}')
}

/// Whether a link's text already is its address (then it is not printed again).
fn text_is_url(text: &str, href: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim();
        let s = s.strip_prefix("mailto:").unwrap_or(s);
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        s.trim_end_matches('/').to_ascii_lowercase()
    };
    norm(text) == norm(href) || norm(text) == norm(&shown_url(href))
}

impl Setter<'_> {
    /// Forgets the notes of an earlier collect; `info` is what its pagination found.
    pub(super) fn reset_notes(&mut self, info: PassInfo) {
        self.notes = NoteSet::default();
        self.marks = Marks {
            info: std::sync::Arc::new(info),
            ..Marks::default()
        };
    }

    /// Starts a section's marks (numbers restart in each section).
    pub(super) fn start_marks(&mut self) {
        self.marks.numbers.clear();
        self.marks.urls.clear();
        self.marks.url_count = 0;
    }

    /// The printed number of the mark named `name` for the note keyed `key`.
    fn mark_number(&mut self, name: &str, key: &str) -> u32 {
        let next = self.marks.numbers.len() as u32 + 1;
        let n = *self.marks.numbers.entry(key.to_string()).or_insert(next);
        match self.book.pdf.notes.numbering {
            NoteNumbering::Section => n,
            NoteNumbering::Page => self.marks.info.numbers.get(name).copied().unwrap_or(n),
        }
    }

    /// The style of a mark: small and raised.
    fn mark_style(cur: TextStyle, node: Option<NodeId>) -> TextStyle {
        TextStyle {
            size: cur.size * 0.6,
            rise: cur.rise + cur.size * 0.38,
            node,
            ..cur
        }
    }

    /// A footnote reference: its PDF number, raised, linking to the note.
    pub(super) fn footnote_mark(
        &mut self,
        model_number: u32,
        id: &str,
        cur: TextStyle,
        segs: &mut [crate::typeset::page::runs::Segment],
    ) {
        let n = self.node(StructKind::Link, cur.node, None);
        let number = self.mark_number(id, id);
        self.push_synthetic(
            segs,
            &number.to_string(),
            Self::mark_style(cur, Some(n)),
            Some(LinkTarget::Named(id.to_string())),
        );
        // The model counts its own number's characters.
        self.model_off += model_number.to_string().chars().count();
    }

    /// After the text of an external link: its address in print, as a footnote mark (in the
    /// style `cur` of the text around) or in parentheses (in the link's `style`), unless the
    /// text is the address.
    pub(super) fn after_link(
        &mut self,
        href: &str,
        content: &[Inline],
        cur: TextStyle,
        style: TextStyle,
        segs: &mut [crate::typeset::page::runs::Segment],
    ) {
        let mode = self.book.pdf.notes.urls;
        if mode == UrlMode::None || text_is_url(&model::plain_text(content), href) {
            return;
        }
        if self.marks.in_note {
            let text = format!("（{}）", shown_url(href));
            self.push_synthetic(segs, &text, style, Some(LinkTarget::Uri(href.to_string())));
            return;
        }
        let sec = &self.book.sections[self.at.section];
        self.marks.url_count += 1;
        let name = url_mark(&sec.id, self.marks.url_count);
        let key = format!("url:{href}");
        if mode == UrlMode::Inline {
            self.marks.urls.push((name.clone(), href.to_string(), 0));
            if !self.marks.info.repeated.contains(&name) {
                let text = format!("（{}）", shown_url(href));
                self.push_synthetic(segs, &text, style, Some(LinkTarget::Named(name)));
            }
            return;
        }
        let number = self.mark_number(&name, &key);
        self.marks
            .urls
            .push((name.clone(), href.to_string(), number));
        let n = self.node(StructKind::Link, cur.node, Some(shown_url(href)));
        self.push_synthetic(
            segs,
            &number.to_string(),
            Self::mark_style(cur, Some(n)),
            Some(LinkTarget::Named(name)),
        );
    }

    /// After the text of a cross-reference: （见第 N 页） when `page_refs` asks for it.
    pub(super) fn after_ref(
        &mut self,
        name: &str,
        cur: TextStyle,
        segs: &mut [crate::typeset::page::runs::Segment],
    ) {
        if !self.book.pdf.notes.page_refs || self.is_note(name) {
            return;
        }
        // Before the first pagination the number is not known: a guess of the same width.
        let page = self.marks.info.pages.get(name).map_or("1", String::as_str);
        let text = format!("（见第{page}页）");
        self.push_synthetic(segs, &text, cur, Some(LinkTarget::Named(name.to_string())));
    }

    fn is_note(&self, name: &str) -> bool {
        self.book.sections[self.at.section]
            .footnotes
            .iter()
            .any(|f| f.id == name)
    }

    /// Sets a section's notes for the page foot: its footnotes, and the addresses of its
    /// external links. Nothing is placed here: the paginator puts each at the foot of the page
    /// of its mark.
    pub(super) fn set_notes(&mut self, s: &Section, sec: NodeId) -> Result<()> {
        self.at.part = Part::Notes;
        self.at.path.clear();
        for (k, f) in s.footnotes.iter().enumerate() {
            let number = self.mark_number(&f.id, &f.id);
            let n = self.node(StructKind::Note, Some(sec), None);
            let inl = note_inlines(&f.blocks);
            let pos = SourcePos {
                path: vec![k],
                ..self.here(0)
            };
            let lines = self.note_lines(number, &inl, n, pos, &f.id)?;
            self.file(f.id.clone(), f.id.clone(), lines, None);
        }
        let urls = std::mem::take(&mut self.marks.urls);
        for (name, href, number) in urls {
            let lines = if number == 0 {
                Vec::new()
            } else {
                let n = self.node(StructKind::Note, Some(sec), None);
                let inl = vec![Inline::Link {
                    href: href.clone(),
                    content: vec![Inline::Text(shown_url(&href))],
                }];
                let pos = SourcePos {
                    path: vec![s.footnotes.len()],
                    ..self.here(0)
                };
                self.note_lines(number, &inl, n, pos, &name)?
            };
            self.file(name, format!("url:{href}"), lines, Some(href));
        }
        Ok(())
    }

    fn file(&mut self, name: String, key: String, lines: Vec<NoteLine>, url: Option<String>) {
        self.marks.seq += 1;
        let note = Note {
            key,
            lines,
            url,
            section: self.at.section,
            seq: self.marks.seq,
        };
        self.notes.by_name.insert(name, note);
    }

    /// A note's lines in the caption size, its number hanging in front, each line on its own
    /// lead (the foot is not on the body grid).
    fn note_lines(
        &mut self,
        number: u32,
        content: &[Inline],
        node: NodeId,
        pos: SourcePos,
        anchor: &str,
    ) -> Result<Vec<NoteLine>> {
        let cs = self.g.size * SMALL;
        let mut inl = vec![Inline::Text(format!("{number}\u{3000}"))];
        inl.extend(content.iter().cloned());
        // A link inside a note prints its address in the text, not in another note.
        self.marks.in_note = true;
        let segs = self.segments(&inl, self.cur(self.fonts.body(), cs, Some(node)), None);
        self.marks.in_note = false;
        let lines = self.set_lines(&segs, self.g.measure, 0.0, inline::TextAlign::Justify);
        let lead = cs * 1.6;
        let mut out = Vec::new();
        for (k, l) in lines?.into_iter().enumerate() {
            let mut items = Vec::new();
            self.stack(vec![l], lead, 0.0, 0.0, &mut items);
            out.push(NoteLine {
                items,
                height: lead,
                anchor: (k == 0).then(|| anchor.to_string()),
                pos: pos.clone(),
            });
        }
        Ok(out)
    }
}

/// A note's blocks as one run of inlines, each paragraph, heading, caption and code line on
/// a line of its own and table cells side by side, so nothing of the note is lost.
fn note_inlines(blocks: &[Block]) -> Vec<Inline> {
    let mut inl: Vec<Inline> = Vec::new();
    let line = |inl: &mut Vec<Inline>, content: Vec<Inline>| {
        if !inl.is_empty() {
            inl.push(Inline::LineBreak);
        }
        inl.extend(content);
    };
    for v in crate::book::walk::Blocks::new(blocks) {
        if let Block::Code { text, .. } = v.block {
            for l in text.lines() {
                line(&mut inl, vec![Inline::Code(l.to_string())]);
            }
            continue;
        }
        let mut cells: Vec<Inline> = Vec::new();
        for (run, content) in v.block.runs() {
            if matches!(run, Run::HeadCell | Run::Cell) {
                if !cells.is_empty() {
                    cells.push(Inline::Text("\u{3000}".into()));
                }
                cells.extend(content.iter().cloned());
            } else {
                line(&mut inl, content.to_vec());
            }
        }
        if !cells.is_empty() {
            line(&mut inl, cells);
        }
    }
    inl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_print_as_written() {
        assert_eq!(shown_url("mailto:a@b.example"), "a@b.example");
        // Decoded for reading: letters beyond ASCII and unreserved ASCII; a space, a
        // delimiter, a control character, an invisible one or a byte that is not UTF-8 stays
        // encoded, as does a stray `%`.
        assert_eq!(
            shown_url("https://a.example/Rust%20%E7%A8%8B.pdf"),
            "https://a.example/Rust%20程.pdf"
        );
        assert_eq!(
            shown_url("https://zh.wikipedia.org/wiki/%E5%BC%BA%E5%8C%96%E5%AD%A6%E4%B9%A0"),
            "https://zh.wikipedia.org/wiki/强化学习"
        );
        assert_eq!(
            shown_url("https://a.example/%7Euser/%61%2Fb%3Fc%23d%25"),
            "https://a.example/~user/a%2Fb%3Fc%23d%25"
        );
        assert_eq!(
            shown_url("https://a.example/x%0Ay%C2%85%E2%80%8B%FFz%E5%BC"),
            "https://a.example/x%0Ay%C2%85%E2%80%8B%FFz%E5%BC"
        );
        assert_eq!(
            shown_url("https://a.example/100%"),
            "https://a.example/100%"
        );
        assert!(text_is_url(
            "https://Rust-lang.org/",
            "https://rust-lang.org"
        ));
        assert!(text_is_url("rust-lang.org", "https://rust-lang.org/"));
        // The address as printed is the address too.
        assert!(text_is_url(
            "https://zh.wikipedia.org/wiki/Rust语言",
            "https://zh.wikipedia.org/wiki/Rust%E8%AF%AD%E8%A8%80"
        ));
        assert!(!text_is_url("Rust 官网", "https://rust-lang.org/"));
    }
}
