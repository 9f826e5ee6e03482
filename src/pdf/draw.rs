//! Drawing one laid-out [`Page`] onto a krilla [`Surface`] at an offset.
//!
//! The booklet writer calls [`draw_page`] once per page with offset (0, 0); the imposer calls it
//! again for each page at its place on the sheet. Fonts and images are converted once and shared
//! through [`Resources`], so krilla embeds each font and image once per output file.

use crate::book::model::{self, ImageFormat};
use crate::diag::{Diagnostic, Result};
use crate::pdf::pictures::{PrintKey, PrintPicture, key_for};
use crate::typeset::document::{
    ArtifactKind, GlyphRun, ImageItem, InColumn, Item, LinkItem, NodeId, Page, RectItem, RunGlyph,
    StructKind, StructNode,
};
use crate::typeset::fonts::{FontId, FontSet};
use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::graphic::Graphic;
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, Tag, TagGroup, TagKind,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::collections::HashMap;
use std::num::NonZeroU16;

/// Fonts and images converted for krilla, shared by all pages of one output file.
pub struct Resources<'a> {
    fonts: &'a FontSet,
    font_cache: HashMap<FontId, Font>,
    /// The print copies of the pictures (`pdf::pictures`); a picture missing there goes in as
    /// its file is.
    prepared: Option<&'a HashMap<PrintKey, PrintPicture>>,
    images: HashMap<PrintKey, (Image, u8)>,
    drawings: HashMap<String, std::sync::Arc<usvg::Tree>>,
    /// Outlined running heads and page numbers: form XObjects drawn once in font units and
    /// placed (scaled) by reference, see [`Outlines`].
    outlines: Outlines,
}

impl<'a> Resources<'a> {
    pub fn new(fonts: &'a FontSet) -> Self {
        Self::with_pictures(fonts, None)
    }

    /// Resources whose pictures are the prepared print copies.
    pub fn with_pictures(
        fonts: &'a FontSet,
        prepared: Option<&'a HashMap<PrintKey, PrintPicture>>,
    ) -> Self {
        Resources {
            fonts,
            font_cache: HashMap::new(),
            prepared,
            images: HashMap::new(),
            drawings: HashMap::new(),
            outlines: Outlines::default(),
        }
    }

    /// How running heads and page numbers are cut into forms (see [`OutlinePlan::of`]).
    /// Without it, every run is one form.
    pub fn plan_outlines(&mut self, plan: OutlinePlan) {
        self.outlines.by_glyph = plan.by_glyph;
    }

    fn font(&mut self, id: FontId) -> Result<Font> {
        if let Some(f) = self.font_cache.get(&id) {
            return Ok(f.clone());
        }
        let (data, index) = self.fonts.data(id);
        let f = Font::new(data.into(), index).ok_or_else(|| {
            Diagnostic::error(format!(
                "the PDF writer cannot read font face {} (index {index})",
                id.0
            ))
        })?;
        self.font_cache.insert(id, f.clone());
        Ok(f)
    }

    fn drawing(&mut self, img: &model::Image) -> Result<std::sync::Arc<usvg::Tree>> {
        if let Some(t) = self.drawings.get(&img.path) {
            return Ok(t.clone());
        }
        let t = std::sync::Arc::new(crate::book::svg::tree(img)?);
        self.drawings.insert(img.path.clone(), t.clone());
        Ok(t)
    }

    /// The krilla image of a placed picture and the EXIF orientation still to apply.
    fn image(&mut self, im: &ImageItem) -> Result<(Image, u8)> {
        let key = key_for(im);
        if let Some(i) = self.images.get(&key) {
            return Ok(i.clone());
        }
        let img = &im.image;
        let (format, data, orientation) = match self.prepared.and_then(|p| p.get(&key)) {
            Some(p) => (p.format, p.data.clone(), p.orientation),
            None => (img.format, img.data.clone(), img.orientation),
        };
        let data: krilla::Data = data.into();
        // JPEG goes in as is (DCTDecode passthrough); PNG alpha becomes a soft mask.
        let r = match format {
            ImageFormat::Jpeg => Image::from_jpeg(data, true),
            ImageFormat::Png => Image::from_png(data, true),
            ImageFormat::Gif => Image::from_gif(data, true),
            ImageFormat::Webp => Image::from_webp(data, true),
            ImageFormat::Svg => {
                return Err(Diagnostic::error(format!(
                    "internal: SVG picture {} drawn as a raster image",
                    img.path
                ))
                .into());
            }
        };
        let i = r.map_err(|e| {
            Diagnostic::error(format!("cannot embed picture {}: {e}", img.path)).in_file(&img.path)
        })?;
        self.images.insert(key, (i.clone(), orientation));
        Ok((i, orientation))
    }
}

/// What makes an outlined form: its font, its paint (gray level or RGB) and its glyphs with
/// their advances and horizontal offsets in thousandths of an em (glyph runs have no vertical
/// offsets), so the same head at another size or place reuses the form. A form of one glyph
/// has zero advance and offset.
#[derive(Clone, PartialEq, Eq, Hash)]
struct OutlineKey {
    font: FontId,
    level: u8,
    rgb: Option<[u8; 3]>,
    glyphs: Vec<(u16, i32, i32)>,
}

/// The forms of the running heads and page numbers. Each form is a stream of its own, and every
/// stream pays a compressor's set-up (hundreds of kilobytes allocated and cleared), so the
/// fewest forms win: for each kind (heads, page numbers) either one form per distinct string
/// or one per distinct glyph, whichever makes fewer. A short book's heads are a few strings of
/// many glyphs (one form per head); page numbers and a long book's many chapter heads share a
/// few glyphs (one form per glyph, placed glyph by glyph).
#[derive(Default)]
struct Outlines {
    forms: HashMap<OutlineKey, Graphic>,
    /// The kinds drawn glyph by glyph.
    by_glyph: Vec<ArtifactKind>,
}

/// Whether a run is drawn as outlines: a running head or page number.
fn outlined(g: &GlyphRun) -> bool {
    g.node.is_none() && g.artifact != ArtifactKind::Layout
}

fn gray_level(g: &GlyphRun) -> u8 {
    (g.gray.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The key of a whole run's form.
fn run_key(g: &GlyphRun, glyphs: &[KrillaGlyph]) -> OutlineKey {
    let milli = |v: f32| (v * 1000.0).round() as i32;
    OutlineKey {
        font: g.font,
        level: gray_level(g),
        rgb: g.rgb,
        glyphs: g
            .glyphs
            .iter()
            .zip(glyphs)
            .map(|(gl, k)| (gl.id, milli(k.x_advance), milli(k.x_offset)))
            .collect(),
    }
}

/// The key of one glyph's form.
fn glyph_key(g: &GlyphRun, id: u16) -> OutlineKey {
    OutlineKey {
        font: g.font,
        level: gray_level(g),
        rgb: g.rgb,
        glyphs: vec![(id, 0, 0)],
    }
}

/// Which kinds of outlined runs are drawn glyph by glyph, decided from all the pages to be
/// drawn.
pub struct OutlinePlan {
    by_glyph: Vec<ArtifactKind>,
}

impl OutlinePlan {
    /// Per kind (running heads, page numbers), whichever makes fewer forms: one per distinct
    /// string, or one per distinct glyph.
    pub fn of<'p>(pages: impl IntoIterator<Item = &'p Page>) -> OutlinePlan {
        use std::collections::HashSet;
        let kinds = [ArtifactKind::Header, ArtifactKind::PageNumber];
        let mut runs: [HashSet<OutlineKey>; 2] = Default::default();
        let mut glyphs: [HashSet<OutlineKey>; 2] = Default::default();
        for p in pages {
            for it in &p.items {
                let Item::Glyphs(g) = it else { continue };
                let Some(k) = kinds.iter().position(|&k| k == g.artifact) else {
                    continue;
                };
                if !outlined(g) {
                    continue;
                }
                runs[k].insert(run_key(g, &milli_em_glyphs(g)));
                glyphs[k].extend(g.glyphs.iter().map(|gl| glyph_key(g, gl.id)));
            }
        }
        OutlinePlan {
            by_glyph: (0..2)
                .filter(|&k| glyphs[k].len() < runs[k].len())
                .map(|k| kinds[k])
                .collect(),
        }
    }
}

/// Collects marked-content identifiers per structure node while pages are drawn, then builds
/// krilla's tag tree in reading (drawing) order.
pub struct Tagger<'d> {
    nodes: &'d [StructNode],
    children: Vec<Vec<Child>>,
    attached: Vec<bool>,
    roots: Vec<NodeId>,
}

enum Child {
    Node(NodeId),
    Leaf(Identifier),
}

impl<'d> Tagger<'d> {
    pub fn new(nodes: &'d [StructNode]) -> Self {
        Tagger {
            nodes,
            children: (0..nodes.len()).map(|_| Vec::new()).collect(),
            attached: vec![false; nodes.len()],
            roots: Vec::new(),
        }
    }

    fn attach(&mut self, n: NodeId) {
        let mut n = n;
        while n < self.nodes.len() && !self.attached[n] {
            self.attached[n] = true;
            match self.nodes[n].parent {
                Some(p) if p < self.nodes.len() => {
                    self.children[p].push(Child::Node(n));
                    n = p;
                }
                _ => {
                    self.roots.push(n);
                    break;
                }
            }
        }
    }

    /// Records content (or an annotation) belonging to node `n`.
    pub fn push(&mut self, n: NodeId, id: Identifier) {
        if n < self.nodes.len() {
            self.attach(n);
            self.children[n].push(Child::Leaf(id));
        }
    }

    fn group(&mut self, n: NodeId) -> TagGroup {
        let node = &self.nodes[n];
        let alt = node.alt.clone();
        let kind: TagKind = match node.kind {
            StructKind::Section => Tag::Section.into(),
            StructKind::Toc => Tag::TOC.into(),
            StructKind::TocItem => Tag::TOCI.into(),
            StructKind::Heading(l) => Tag::Hn(
                NonZeroU16::new(l.max(1) as u16).unwrap_or(NonZeroU16::MIN),
                alt,
            )
            .into(),
            StructKind::Paragraph => Tag::P.into(),
            StructKind::Figure => Tag::Figure(alt).into(),
            StructKind::Caption => Tag::Caption.into(),
            StructKind::Link => Tag::Link.into(),
            StructKind::List => Tag::L(krilla::tagging::ListNumbering::None).into(),
            StructKind::ListItem => Tag::LI.into(),
            StructKind::ListLabel => Tag::Lbl.into(),
            StructKind::ListBody => Tag::LBody.into(),
            StructKind::Quote => Tag::BlockQuote.into(),
            StructKind::Code => Tag::Code.into(),
            StructKind::Table => Tag::Table.into(),
            StructKind::TableRow => Tag::TR.into(),
            StructKind::TableHeader => Tag::TH(krilla::tagging::TableHeaderScope::Column).into(),
            StructKind::TableCell => Tag::TD.into(),
            StructKind::Note => Tag::Note.into(),
        };
        let mut g = TagGroup::new(kind);
        let kids = std::mem::take(&mut self.children[n]);
        for c in kids {
            match c {
                Child::Node(m) => {
                    let sub = self.group(m);
                    if !sub.children.is_empty() {
                        g.push(Node::Group(sub));
                    }
                }
                Child::Leaf(id) => g.push(Node::Leaf(id)),
            }
        }
        g
    }

    /// The finished tag tree.
    pub fn finish(mut self, lang: &str) -> krilla::tagging::TagTree {
        let mut tree = krilla::tagging::TagTree::new().with_lang(Some(lang.to_string()));
        for r in std::mem::take(&mut self.roots) {
            let g = self.group(r);
            if !g.children.is_empty() {
                tree.push(g);
            }
        }
        tree
    }
}

/// Draws `page` with its top-left corner at `offset`. Returns the page's link areas (already
/// offset) so the caller can add them as annotations once the surface is finished.
pub fn draw_page(
    surface: &mut Surface,
    page: &Page,
    res: &mut Resources,
    offset: (f32, f32),
    mut tags: Option<&mut Tagger>,
) -> Result<Vec<LinkItem>> {
    let mut links = Vec::new();
    let moved = offset != (0.0, 0.0);
    if moved {
        surface.push_transform(&Transform::from_translate(offset.0, offset.1));
    }
    let mut next = 0;
    while next < page.items.len() {
        if let Some(t) = tags.as_deref_mut()
            && let Some((end, node)) = span_group_end(&page.items, next)
        {
            draw_span_group(surface, &page.items[next..end], node, res, t)?;
            next = end;
            continue;
        }
        let it = &page.items[next];
        next += 1;
        match it {
            Item::Glyphs(g) => {
                let font = res.font(g.font)?;
                with_tag(
                    surface,
                    tags.as_deref_mut(),
                    g.node,
                    g.artifact,
                    Some(span_of(g)),
                    |s| draw_placed_run(s, g, font, &mut res.outlines),
                );
            }
            Item::Image(im) => {
                // A drawing goes in as vectors, any other picture as an image XObject.
                let pic = if im.image.format == ImageFormat::Svg {
                    Picture::Drawing(res.drawing(&im.image)?)
                } else {
                    let (img, orientation) = res.image(im)?;
                    Picture::Raster(img, orientation)
                };
                with_tag(
                    surface,
                    tags.as_deref_mut(),
                    im.node,
                    ArtifactKind::Layout,
                    None,
                    |s| match pic {
                        Picture::Drawing(tree) => draw_drawing(s, im, &tree),
                        Picture::Raster(img, o) => draw_image(s, im, img, o),
                    },
                );
            }
            Item::Line(l) => {
                with_tag(
                    surface,
                    tags.as_deref_mut(),
                    l.node,
                    l.artifact,
                    None,
                    |s| {
                        let mut pb = PathBuilder::new();
                        pb.move_to(l.x0, l.y0);
                        pb.line_to(l.x1, l.y1);
                        if let Some(path) = pb.finish() {
                            s.set_fill(None);
                            s.set_stroke(Some(Stroke {
                                paint: luma::Color::black().into(),
                                width: l.width,
                                line_cap: LineCap::Butt,
                                ..Stroke::default()
                            }));
                            s.draw_path(&path);
                            s.set_stroke(None);
                        }
                    },
                );
            }
            Item::Dot(d) => {
                with_tag(surface, tags.as_deref_mut(), None, d.artifact, None, |s| {
                    if let Some(path) = circle(d.cx, d.cy, d.r) {
                        s.set_stroke(None);
                        s.set_fill(Some(Fill::default()));
                        s.draw_path(&path);
                    }
                });
            }
            Item::Rect(r) => {
                with_tag(
                    surface,
                    tags.as_deref_mut(),
                    None,
                    ArtifactKind::Layout,
                    None,
                    |s| draw_rect(s, r),
                );
            }
            Item::Link(l) => {
                let mut l = l.clone();
                l.x += offset.0;
                l.y += offset.1;
                links.push(l);
            }
        }
    }
    if moved {
        surface.pop();
    }
    Ok(links)
}

/// Where a group of runs that can share one marked-content span ends, when the run at
/// `start` begins one: the runs that follow it, horizontal and of the same structure node (a
/// paragraph's lines, a code line's coloured tokens). One span for all of them instead of one
/// per run: the structure tree's leaves were most of its size and of the time to write it.
fn span_group_end(items: &[Item], start: usize) -> Option<(usize, NodeId)> {
    let of_node = |it: &Item| match it {
        Item::Glyphs(g) if g.column != InColumn::Down => g.node,
        _ => None,
    };
    let node = of_node(&items[start])?;
    let len = items[start..]
        .iter()
        .take_while(|it| of_node(it) == Some(node))
        .count();
    (len > 1).then_some((start + len, node))
}

/// Draws `group` (runs of `node`, see [`span_group_end`]) inside one span.
fn draw_span_group(
    surface: &mut Surface,
    group: &[Item],
    node: NodeId,
    res: &mut Resources,
    tags: &mut Tagger,
) -> Result<()> {
    let runs: Vec<&GlyphRun> = group
        .iter()
        .filter_map(|it| match it {
            Item::Glyphs(g) => Some(g),
            _ => None,
        })
        .collect();
    // Every font first: an error must not leave the span open.
    let fonts = runs
        .iter()
        .map(|g| res.font(g.font))
        .collect::<Result<Vec<_>>>()?;
    let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
    for (g, font) in runs.into_iter().zip(fonts) {
        draw_placed_run(surface, g, font, &mut res.outlines);
    }
    surface.end_tagged();
    tags.push(node, id);
    Ok(())
}

/// The span a run's text is marked as. A column's stretch carries its text as `ActualText`:
/// its glyphs are placed one below the other, which text extraction would otherwise read as
/// one line per character.
fn span_of(g: &GlyphRun) -> SpanTag<'_> {
    let span = SpanTag::empty();
    if g.column == InColumn::Down {
        span.with_actual_text(Some(&g.text))
    } else {
        span
    }
}

/// Draws with `f` inside the marked content of `node` (a span when `span` is given) or as an
/// artifact of its kind.
fn with_tag(
    s: &mut Surface,
    tags: Option<&mut Tagger>,
    node: Option<NodeId>,
    artifact: ArtifactKind,
    span: Option<SpanTag>,
    f: impl FnOnce(&mut Surface),
) {
    match (tags, node) {
        (Some(t), Some(n)) => {
            let id = s.start_tagged(match span {
                Some(span) => ContentTag::Span(span),
                None => ContentTag::Other,
            });
            f(s);
            s.end_tagged();
            t.push(n, id);
        }
        (Some(_), None) => {
            let kind = match artifact {
                ArtifactKind::Layout => ArtifactType::Layout,
                ArtifactKind::Header => ArtifactType::Header,
                ArtifactKind::PageNumber => ArtifactType::PageNumber,
            };
            s.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
            f(s);
            s.end_tagged();
        }
        (None, _) => f(s),
    }
}

/// Draws a run as it stands in its column: turned a quarter clockwise about its origin (Latin),
/// narrowed about it (a number of three or four digits in one cell), or down the column.
fn draw_placed_run(s: &mut Surface, g: &GlyphRun, font: Font, outlines: &mut Outlines) {
    let transform = match g.column {
        InColumn::Across => return draw_run(s, g, font, outlines),
        InColumn::Down if outlined(g) => {
            // Outlined forms are cut from horizontal runs: a column's head or folio is placed
            // cell by cell.
            for cell in cells(g) {
                draw_run(s, &cell, font.clone(), outlines);
            }
            return;
        }
        InColumn::Down => return draw_run(s, g, font, outlines),
        InColumn::Squeezed(f) => Transform::from_row(f, 0.0, 0.0, 1.0, g.x * (1.0 - f), 0.0),
        InColumn::Turned => Transform::from_row(0.0, 1.0, -1.0, 0.0, g.x, g.y),
    };
    s.push_transform(&transform);
    if g.column == InColumn::Turned {
        let at_origin = GlyphRun {
            x: 0.0,
            y: 0.0,
            ..g.clone()
        };
        draw_run(s, &at_origin, font, outlines);
    } else {
        draw_run(s, g, font, outlines);
    }
    s.pop();
}

/// The glyphs of a run set down a column, each a horizontal run of its own in its cell.
fn cells(g: &GlyphRun) -> Vec<GlyphRun> {
    let mut pen = g.y;
    g.glyphs
        .iter()
        .map(|gl| {
            let one = GlyphRun {
                y: pen + gl.x_offset,
                glyphs: vec![RunGlyph::new(gl.id, gl.advance, 0.0, gl.text_range())].into(),
                column: InColumn::Across,
                ..g.clone()
            };
            pen += gl.advance;
            one
        })
        .collect()
}

fn draw_run(s: &mut Surface, g: &GlyphRun, font: Font, outlines: &mut Outlines) {
    if g.glyphs.is_empty() || g.size <= 0.0 {
        return;
    }
    let size = g.size;
    let level = gray_level(g);
    // Links are coloured; the default dark blue prints as a dark grey.
    let paint: krilla::paint::Paint = match g.rgb {
        Some([r, gr, b]) => rgb::Color::new(r, gr, b).into(),
        None => luma::Color::new(level).into(),
    };
    let fill = Fill {
        paint,
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    };
    s.set_stroke(None);
    let glyphs = milli_em_glyphs(g);
    // Running heads and page numbers are drawn as outlines: they are artifacts, and as text
    // they would land in the middle of a paragraph that runs across a page break when the
    // text is copied or extracted. Each distinct head or glyph is outlined once per file as a
    // form XObject in font units and placed, scaled, by reference: outlining every head on
    // every page made a long book's page streams several times larger than its text.
    if outlined(g) {
        let upem = font.units_per_em();
        let scale = size / upem;
        let mut place = |s: &mut Surface, key: OutlineKey, glyphs: &[KrillaGlyph], x: f32, y| {
            let graphic = match outlines.forms.get(&key) {
                Some(graphic) => graphic.clone(),
                None => {
                    let graphic = outline_graphic(s, glyphs, &font, upem, fill.clone());
                    outlines.forms.insert(key, graphic.clone());
                    graphic
                }
            };
            s.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
            s.draw_graphic(graphic);
            s.pop();
        };
        if outlines.by_glyph.contains(&g.artifact) {
            let mut x = g.x;
            for gl in &g.glyphs {
                let one = KrillaGlyph {
                    glyph_id: GlyphId::new(u32::from(gl.id)),
                    text_range: 0..0,
                    x_advance: 0.0,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                };
                let (gx, gy) = (x + gl.x_offset, g.y);
                place(s, glyph_key(g, gl.id), &[one], gx, gy);
                x += gl.advance;
            }
        } else {
            place(s, run_key(g, &glyphs), &glyphs, g.x, g.y);
        }
        return;
    }
    s.set_fill(Some(fill));
    s.draw_glyphs(
        Point::from_xy(g.x, g.y),
        &glyphs,
        font,
        &g.text,
        size,
        false,
    );
}

/// The run's glyphs for krilla, advances and offsets in ems rounded to 1/1000 em (0.01 pt at
/// 10.5 pt). The pen position is rounded, not each advance, so the error never adds up: the
/// last glyph of a justified line still ends within 0.005 pt of the measure. Whole thousandths
/// make the `TJ` adjustments short whole numbers (`-20` rather than `-19.999878`), which keeps
/// page streams smaller and compresses much better.
///
/// A run set down a column advances downwards: krilla's y axis points up, so its advances and
/// offsets along the column are negative y.
fn milli_em_glyphs(g: &GlyphRun) -> Vec<KrillaGlyph> {
    let milli = |pt: f32| (f64::from(pt) / f64::from(g.size) * 1000.0).round();
    let mut pen = 0.0f64;
    let mut at = 0.0f64;
    g.glyphs
        .iter()
        .map(|gl| {
            pen += f64::from(gl.advance);
            let next = (pen / f64::from(g.size) * 1000.0).round();
            let advance = ((next - at) / 1000.0) as f32;
            at = next;
            let offset = (milli(gl.x_offset) / 1000.0) as f32;
            let (x_advance, x_offset, y_advance, y_offset) = if g.column == InColumn::Down {
                (0.0, 0.0, -advance, -offset)
            } else {
                (advance, offset, 0.0, 0.0)
            };
            KrillaGlyph {
                glyph_id: GlyphId::new(u32::from(gl.id)),
                text_range: gl.text_range(),
                x_advance,
                x_offset,
                y_offset,
                y_advance,
                location: None,
            }
        })
        .collect()
}

/// A run's outlines, filled, with its origin at (0, 0), as a reusable graphic. Drawn at one
/// unit per font unit (`size` = units per em), so the paths keep the font's own (mostly
/// whole-number) coordinates, which are short to write and compress well.
fn outline_graphic(
    s: &mut Surface,
    glyphs: &[KrillaGlyph],
    font: &Font,
    size: f32,
    fill: Fill,
) -> Graphic {
    let mut builder = s.stream_builder();
    let mut sub = builder.surface();
    sub.set_stroke(None);
    sub.set_fill(Some(fill));
    sub.draw_glyphs(
        Point::from_xy(0.0, 0.0),
        glyphs,
        font.clone(),
        "",
        size,
        true,
    );
    sub.finish();
    Graphic::new(builder.finish(), false)
}

/// Places the stored image so that it shows upright (EXIF orientation) in the item's box.
fn draw_image(s: &mut Surface, im: &ImageItem, img: Image, o: u8) {
    // Stored size in points: rotated orientations swap the displayed box.
    let (ws, hs) = if (5..=8).contains(&o) {
        (im.height, im.width)
    } else {
        (im.width, im.height)
    };
    let Some(size) = Size::from_wh(ws, hs) else {
        return;
    };
    let t = match o {
        2 => Transform::from_row(-1.0, 0.0, 0.0, 1.0, ws, 0.0),
        3 => Transform::from_row(-1.0, 0.0, 0.0, -1.0, ws, hs),
        4 => Transform::from_row(1.0, 0.0, 0.0, -1.0, 0.0, hs),
        5 => Transform::from_row(0.0, 1.0, 1.0, 0.0, 0.0, 0.0),
        6 => Transform::from_row(0.0, 1.0, -1.0, 0.0, hs, 0.0),
        7 => Transform::from_row(0.0, -1.0, -1.0, 0.0, hs, ws),
        8 => Transform::from_row(0.0, -1.0, 1.0, 0.0, 0.0, ws),
        _ => Transform::identity(),
    };
    s.push_transform(&Transform::from_translate(im.x, im.y));
    s.push_transform(&t);
    s.draw_image(img, size);
    s.pop();
    s.pop();
}

/// A picture ready to place: a parsed SVG drawing or a krilla image with the EXIF orientation
/// still to apply.
enum Picture {
    Drawing(std::sync::Arc<usvg::Tree>),
    Raster(Image, u8),
}

/// Places an SVG drawing as vectors in the item's box.
fn draw_drawing(s: &mut Surface, im: &ImageItem, tree: &usvg::Tree) {
    use krilla_svg::SurfaceExt;
    let Some(size) = Size::from_wh(im.width, im.height) else {
        return;
    };
    s.push_transform(&Transform::from_translate(im.x, im.y));
    let settings = krilla_svg::SvgSettings {
        embed_text: false,
        ..Default::default()
    };
    s.draw_svg(tree, size, settings);
    s.pop();
}

/// A tint: a filled rectangle, no outline.
fn draw_rect(s: &mut Surface, r: &RectItem) {
    let Some(rect) = krilla::geom::Rect::from_xywh(r.x, r.y, r.width, r.height) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    if let Some(path) = pb.finish() {
        let level = (r.gray.clamp(0.0, 1.0) * 255.0).round() as u8;
        s.set_stroke(None);
        s.set_fill(Some(Fill {
            paint: luma::Color::new(level).into(),
            ..Fill::default()
        }));
        s.draw_path(&path);
    }
}

fn circle(cx: f32, cy: f32, r: f32) -> Option<krilla::geom::Path> {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    let mut pb = PathBuilder::new();
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
    pb.finish()
}
