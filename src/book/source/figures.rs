//! Figures: numbered as `[book] figure_numbers` says, and labelled unless the caption carries
//! its own label.

use super::*;

impl Builder<'_, '_> {
    /// Numbers a figure as `[book] figure_numbers` says.
    pub(super) fn new_figure(
        &mut self,
        image: Image,
        caption: Vec<Inline>,
        credit: Option<String>,
        line: u32,
    ) -> Figure {
        *self.ctx.figures += 1;
        self.ctx.chapter.1 += 1;
        let number = *self.ctx.figures;
        let label = match self.ctx.figure_numbers {
            FigureNumbers::Book => self.ctx.words.figure_label(&number.to_string()),
            FigureNumbers::Chapter => self
                .ctx
                .words
                .figure_label(&format!("{}.{}", self.ctx.chapter.0, self.ctx.chapter.1)),
            FigureNumbers::Source => String::new(),
        };
        Figure {
            number,
            id: format!("fig-{number}"),
            label: figure_label_for(&label, &caption),
            caption,
            alt: String::new(),
            credit: credit.filter(|c| !c.trim().is_empty()),
            image,
            span: self.span(line),
        }
    }

    /// A paragraph ends: it is the caption of the figure just before it, a figure of its own
    /// (a picture alone), or a paragraph.
    pub(super) fn end_paragraph(
        &mut self,
        inlines: Vec<Inline>,
        line: u32,
        figure: Option<(Image, Vec<Inline>, String)>,
        caption: bool,
    ) {
        self.last_char = None;
        // The caption of the figure just before: marked as one, or a short line that
        // starts with a label (`图 2.10 …`, often pushed to the middle with spaces).
        let labelled = || caption_has_label(crate::book::model::plain_text(&inlines).trim_start());
        if (caption || labelled()) && html::is_caption_sized(&inlines) {
            let mut content = inlines.clone();
            if let Some(Inline::Text(t)) = content.first_mut() {
                *t = t.trim_start().to_string();
            }
            if let Some(f) = self.last_captionless_figure() {
                f.label = figure_label_for(&f.label, &content);
                f.caption = content;
                return;
            }
        }
        let only_image = inlines.iter().filter(|i| !is_blank(i)).count() == 1
            && inlines.iter().any(|i| matches!(i, Inline::Image { .. }));
        match figure {
            Some((image, caption, credit)) if only_image => {
                let mut f = self.new_figure(image, caption, Some(credit), line);
                if f.caption.is_empty() {
                    f.alt = inlines
                        .iter()
                        .find_map(|i| match i {
                            Inline::Image { alt, .. } => Some(alt.trim().to_string()),
                            _ => None,
                        })
                        .unwrap_or_default();
                }
                self.push_block(Block::Figure(f));
            }
            _ => self.push_block(Block::Paragraph {
                content: inlines,
                span: self.span(line),
            }),
        }
    }
}

/// The label a figure prints: none when its caption already starts with one (`图 1.1 …`,
/// `图1`, `表2`, `Figure 3`, `Fig. 3`).
pub(super) fn figure_label_for(label: &str, caption: &[Inline]) -> String {
    if caption_has_label(&crate::book::model::plain_text(caption)) {
        String::new()
    } else {
        label.to_string()
    }
}

pub fn caption_has_label(caption: &str) -> bool {
    let t = caption.trim_start_matches(|c: char| c.is_whitespace());
    let rest = [
        "图", "圖", "表", "Figure", "figure", "Fig.", "Fig", "fig.", "Table", "table",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p));
    let Some(rest) = rest else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\u{3000}', '\u{a0}']);
    rest.chars().next().is_some_and(|c| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c)
    })
}
