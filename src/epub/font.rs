//! A subset of the body font to embed in the EPUB.
//!
//! `subsetter` (already in the build through krilla) cuts the glyphs, but it writes fonts for
//! PDF: it drops the `cmap` and `OS/2` tables (subsetter 0.2.6 src/lib.rs, `_subset`), and a
//! font without `cmap` cannot be used by an EPUB reader or browser. So after subsetting we add a
//! `cmap` built from the characters we kept (format 4 for the BMP plus format 12) and the
//! original `OS/2`, and rebuild the table directory and checksums.

use std::collections::{BTreeMap, BTreeSet};

use rustybuzz::ttf_parser::{Face, Tag};
use subsetter::GlyphRemapper;

use crate::diag::{Diagnostic, Result};

fn err(msg: impl Into<String>) -> crate::diag::Error {
    Diagnostic::error(msg)
        .hint("turn off `embed_font` under [epub] in book.toml to build without it")
        .into()
}

fn be16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn be32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Runs of consecutive characters mapped to consecutive glyphs: (first char, last char, first glyph).
fn runs(map: &[(u32, u16)]) -> Vec<(u32, u32, u16)> {
    let mut out: Vec<(u32, u32, u16)> = Vec::new();
    for &(c, g) in map {
        match out.last_mut() {
            Some((start, end, g0))
                if c == *end + 1 && u32::from(g) == u32::from(*g0) + (c - *start) =>
            {
                *end = c
            }
            _ => out.push((c, c, g)),
        }
    }
    out
}

/// A `cmap` table for `map` (sorted by character): format 4 for the BMP (when it fits) and
/// format 12 for everything.
pub fn cmap(map: &[(u32, u16)]) -> Vec<u8> {
    let all = runs(map);
    let mut bmp: Vec<(u32, u32, u16)> = Vec::new();
    for &(s, e, g) in &all {
        if s <= 0xFFFE {
            bmp.push((s, e.min(0xFFFE), g));
        }
    }
    bmp.push((0xFFFF, 0xFFFF, 0));

    let mut f4 = Vec::new();
    let seg = bmp.len();
    let len4 = 16 + seg * 8;
    let has_f4 = len4 <= 0xFFFF;
    if has_f4 {
        let seg16 = seg as u16;
        let search = 2 * (1u16 << (15 - seg16.leading_zeros()).min(15));
        be16(&mut f4, 4);
        be16(&mut f4, len4 as u16);
        be16(&mut f4, 0);
        be16(&mut f4, seg16 * 2);
        be16(&mut f4, search);
        be16(&mut f4, (search / 2).trailing_zeros() as u16);
        be16(&mut f4, seg16 * 2 - search);
        for &(_, e, _) in &bmp {
            be16(&mut f4, e as u16);
        }
        be16(&mut f4, 0);
        for &(s, _, _) in &bmp {
            be16(&mut f4, s as u16);
        }
        for &(s, _, g) in &bmp {
            // The last segment maps 0xFFFF to glyph 0: delta 1 wraps around.
            let delta = if s == 0xFFFF {
                1
            } else {
                (u32::from(g).wrapping_sub(s) & 0xFFFF) as u16
            };
            be16(&mut f4, delta);
        }
        for _ in &bmp {
            be16(&mut f4, 0);
        }
    }

    let mut f12 = Vec::new();
    be16(&mut f12, 12);
    be16(&mut f12, 0);
    be32(&mut f12, (16 + all.len() * 12) as u32);
    be32(&mut f12, 0);
    be32(&mut f12, all.len() as u32);
    for &(s, e, g) in &all {
        be32(&mut f12, s);
        be32(&mut f12, e);
        be32(&mut f12, u32::from(g));
    }

    let tables = if has_f4 { 2u16 } else { 1 };
    let header = 4 + 8 * u32::from(tables);
    let mut out = Vec::new();
    be16(&mut out, 0);
    be16(&mut out, tables);
    if has_f4 {
        be16(&mut out, 3);
        be16(&mut out, 1);
        be32(&mut out, header);
    }
    be16(&mut out, 3);
    be16(&mut out, 10);
    be32(&mut out, header + f4.len() as u32);
    out.extend_from_slice(&f4);
    out.extend_from_slice(&f12);
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// An sfnt's tables by tag, in tag order.
type Tables = BTreeMap<[u8; 4], Vec<u8>>;

/// Read an sfnt's tables.
fn tables(font: &[u8]) -> Option<(u32, Tables)> {
    let rd32 = |o: usize| {
        font.get(o..o + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let version = rd32(0)?;
    let n = usize::from(u16::from_be_bytes([*font.get(4)?, *font.get(5)?]));
    let mut out = BTreeMap::new();
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = rd32(rec + 8)? as usize;
        let len = rd32(rec + 12)? as usize;
        out.insert(tag, font.get(off..off.checked_add(len)?)?.to_vec());
    }
    Some((version, out))
}

/// Write an sfnt from its tables (sorted by tag), with checksums and `head.checkSumAdjustment`.
fn assemble(version: u32, mut tables: Tables) -> Vec<u8> {
    if let Some(head) = tables.get_mut(b"head")
        && head.len() >= 12
    {
        head[8..12].copy_from_slice(&[0; 4]);
    }
    let n = tables.len() as u16;
    let log = 15 - n.max(1).leading_zeros() as u16;
    let search = 16 * (1u16 << log);
    let mut out = Vec::new();
    be32(&mut out, version);
    be16(&mut out, n);
    be16(&mut out, search);
    be16(&mut out, log);
    be16(&mut out, n * 16 - search);
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        be32(&mut out, checksum(data));
        be32(&mut out, offset as u32);
        be32(&mut out, data.len() as u32);
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}

/// The font reduced to the glyphs of `chars` (those it has), as a single-face OpenType file
/// usable in EPUB readers.
pub fn subset(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>> {
    let face = Face::parse(data, index)
        .map_err(|e| err(format!("cannot read the body font to embed: {e}")))?;
    let mut remapper = GlyphRemapper::new();
    let mut old: Vec<(u32, u16)> = Vec::new();
    for &c in chars {
        if let Some(g) = face.glyph_index(c) {
            remapper.remap(g.0);
            old.push((c as u32, g.0));
        }
    }
    let map: Vec<(u32, u16)> = old
        .iter()
        .filter_map(|&(c, g)| remapper.get(g).map(|n| (c, n)))
        .collect();
    let sub = subsetter::subset(data, index, &remapper)
        .map_err(|e| err(format!("cannot subset the body font: {e:?}")))?;
    let (version, mut tabs) =
        tables(&sub).ok_or_else(|| err("the subset body font is malformed"))?;
    tabs.insert(*b"cmap", cmap(&map));
    if let Some(os2) = face.raw_face().table(Tag::from_bytes(b"OS/2")) {
        let mut os2 = os2.to_vec();
        if os2.len() >= 68 {
            let first = map.first().map_or(0xFFFF, |&(c, _)| c.min(0xFFFF)) as u16;
            let last = map.last().map_or(0xFFFF, |&(c, _)| c.min(0xFFFF)) as u16;
            os2[64..66].copy_from_slice(&first.to_be_bytes());
            os2[66..68].copy_from_slice(&last.to_be_bytes());
        }
        tabs.insert(*b"OS/2", os2);
    }
    Ok(assemble(version, tabs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_font() -> (Vec<u8>, u32) {
        let bundled = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/NotoSerifCJKsc-Regular.otf"
        );
        match std::fs::read(bundled) {
            Ok(d) => (d, 0),
            Err(_) => (
                std::fs::read("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").unwrap(),
                2,
            ),
        }
    }

    #[test]
    fn runs_group_consecutive_pairs() {
        assert_eq!(
            runs(&[(0x41, 5), (0x42, 6), (0x43, 9), (0x4E00, 10)]),
            [(0x41, 0x42, 5), (0x43, 0x43, 9), (0x4E00, 0x4E00, 10)]
        );
    }

    #[test]
    fn cmap_maps_back_through_ttf_parser() {
        let map = [
            (0x20u32, 1u16),
            (0x41, 2),
            (0x42, 3),
            (0x4E2D, 4),
            (0x20000, 5),
        ];
        let table = cmap(&map);
        let cmap = rustybuzz::ttf_parser::cmap::Table::parse(&table).unwrap();
        for sub in cmap.subtables {
            for &(c, g) in &map {
                let bmp_only = matches!(
                    sub.format,
                    rustybuzz::ttf_parser::cmap::Format::SegmentMappingToDeltaValues(_)
                );
                if bmp_only && c > 0xFFFF {
                    continue;
                }
                assert_eq!(
                    sub.glyph_index(c).map(|g| g.0),
                    Some(g),
                    "format {:?} char {c:X}",
                    sub.format
                );
            }
            assert_eq!(sub.glyph_index(0x43).map(|g| g.0).unwrap_or(0), 0);
        }
    }

    #[test]
    fn subset_is_a_usable_small_font() {
        let (data, index) = body_font();
        let chars: BTreeSet<char> = "中文排版，测试。ABC abc 123（上）".chars().collect();
        let sub = subset(&data, index, &chars).unwrap();
        assert!(sub.len() < 100_000, "{} bytes", sub.len());
        let face = Face::parse(&sub, 0).unwrap();
        let orig = Face::parse(&data, index).unwrap();
        for c in chars {
            let g = face
                .glyph_index(c)
                .unwrap_or_else(|| panic!("no glyph for {c}"));
            let og = orig.glyph_index(c).unwrap();
            assert_eq!(face.glyph_hor_advance(g), orig.glyph_hor_advance(og), "{c}");
            if c != ' ' {
                assert!(face.glyph_bounding_box(g).is_some(), "{c} has no outline");
            }
        }
        assert!(face.glyph_index('字').is_none());
        // Whole-font checksum is the magic number.
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
        assert_eq!(
            sub,
            subset(
                &data,
                index,
                &"中文排版，测试。ABC abc 123（上）".chars().collect()
            )
            .unwrap()
        );
    }
}
