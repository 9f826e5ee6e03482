//! Accessibility metadata (EPUB Accessibility 1.1, schema.org properties) computed from what the
//! EPUB writer actually built: which pictures have a text alternative, whether the page list
//! was written, which hazards the book declares. Nothing here is a constant claim.

use super::xml;
use crate::book::model::Book;

/// The conformance claim written when the checks hold (see [`A11y::conforms`]).
pub const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA";

/// Which wording the generated summary uses: the book's script (see [`crate::words`]).
pub use crate::words::{Script, script};

/// What the writer built, counted while building it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Pictures the reader sees: figures, pictures in the text and the user's cover picture
    /// (the generated cover, the title drawn as outlines, is fully described by its alt text).
    pub pictures: usize,
    /// Of those, pictures with no text alternative (marked decorative in the EPUB).
    pub without_alt: usize,
    pub tables: usize,
    pub footnotes: usize,
    /// Entries of the page list, when one was written.
    pub pages: Option<usize>,
}

/// The accessibility metadata of one EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct A11y {
    pub access_modes: Vec<&'static str>,
    /// Each entry a comma-separated set of modes that alone suffice.
    pub access_mode_sufficient: Vec<&'static str>,
    pub features: Vec<&'static str>,
    pub hazards: Vec<String>,
    pub summary: String,
    /// Whether `dcterms:conformsTo` is claimed: every picture has a text alternative (the
    /// writer provides the rest for every book: language, titles, headings, navigation, roles,
    /// reading order, reflowable text).
    pub conforms: bool,
}

impl A11y {
    pub fn compute(book: &Book, facts: &Facts) -> A11y {
        let visual = facts.pictures > 0;
        let all_alt = facts.without_alt == 0;
        let mut access_modes = vec!["textual"];
        if visual {
            access_modes.push("visual");
        }
        let mut access_mode_sufficient = Vec::new();
        if all_alt {
            access_mode_sufficient.push("textual");
        }
        if visual {
            access_mode_sufficient.push("textual,visual");
        }
        let mut features = vec![
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "displayTransformability",
        ];
        if visual && all_alt {
            features.push("alternativeText");
        }
        if facts.pages.is_some() {
            features.push("printPageNumbers");
            features.push("pageNavigation");
        }
        let hazards = book.epub.accessibility_hazards.clone();
        let conforms = all_alt;
        let summary = book
            .epub
            .accessibility_summary
            .clone()
            .unwrap_or_else(|| summary(script(&book.meta.language), facts, &hazards, conforms));
        A11y {
            access_modes,
            access_mode_sufficient,
            features,
            hazards,
            summary,
            conforms,
        }
    }

    /// The `<meta>` elements for the package document. `page_source` names the print edition
    /// the page list follows.
    pub fn opf_meta(&self, page_source: Option<&str>) -> String {
        let mut out = String::new();
        let mut meta = |property: &str, value: &str| {
            out.push_str(&format!(
                "<meta property=\"{property}\">{}</meta>\n",
                xml::text(value)
            ));
        };
        for m in &self.access_modes {
            meta("schema:accessMode", m);
        }
        for m in &self.access_mode_sufficient {
            meta("schema:accessModeSufficient", m);
        }
        for f in &self.features {
            meta("schema:accessibilityFeature", f);
        }
        for h in &self.hazards {
            meta("schema:accessibilityHazard", h);
        }
        meta("schema:accessibilitySummary", &self.summary);
        if let Some(source) = page_source {
            meta("pageBreakSource", source);
        }
        if self.conforms {
            meta("dcterms:conformsTo", CONFORMS_TO);
        }
        out
    }
}

/// A hazard's name in the summary's wording.
fn hazard_word(h: &str, s: Script) -> &'static str {
    let (hans, hant, en) = match h {
        "flashing" => ("闪烁", "閃爍", "flashing"),
        "motionSimulation" => ("动态模拟", "動態模擬", "motion simulation"),
        "sound" => ("声音", "聲音", "sound"),
        "unknownFlashingHazard" => ("闪烁（未知）", "閃爍（未知）", "flashing (unknown)"),
        "unknownMotionSimulationHazard" => (
            "动态模拟（未知）",
            "動態模擬（未知）",
            "motion simulation (unknown)",
        ),
        "unknownSoundHazard" => ("声音（未知）", "聲音（未知）", "sound (unknown)"),
        _ => ("", "", ""),
    };
    match s {
        Script::Hans => hans,
        Script::Hant => hant,
        Script::Latin => en,
    }
}

/// The generated summary, true for `facts`, in the book's script.
pub fn summary(s: Script, facts: &Facts, hazards: &[String], conforms: bool) -> String {
    let n = facts.pictures;
    let missing = facts.without_alt;
    let mut parts: Vec<String> = Vec::new();
    match s {
        Script::Hans => {
            parts.push("本书为可重排的 EPUB 3 电子书，正文为文字，按阅读顺序排列，有目录，各篇有标题层级，可用于导航".into());
            if n > 0 && missing == 0 {
                parts.push(format!("{n} 幅图片都有文字说明"));
            } else if n > 0 {
                parts.push(format!(
                    "{n} 幅图片中有 {missing} 幅没有文字说明，已标为装饰图片"
                ));
            }
            if facts.tables > 0 {
                parts.push("表格有列标题".into());
            }
            if facts.footnotes > 0 {
                parts.push("注释与正文互相链接".into());
            }
            if let Some(p) = facts.pages {
                parts.push(format!("标有 PDF 印刷本的 {p} 个页码，可按页码跳转"));
            }
        }
        Script::Hant => {
            parts.push("本書為可重排的 EPUB 3 電子書，正文為文字，按閱讀順序排列，有目錄，各篇有標題層級，可用於導覽".into());
            if n > 0 && missing == 0 {
                parts.push(format!("{n} 幅圖片都有文字說明"));
            } else if n > 0 {
                parts.push(format!(
                    "{n} 幅圖片中有 {missing} 幅沒有文字說明，已標為裝飾圖片"
                ));
            }
            if facts.tables > 0 {
                parts.push("表格有欄標題".into());
            }
            if facts.footnotes > 0 {
                parts.push("註釋與正文互相連結".into());
            }
            if let Some(p) = facts.pages {
                parts.push(format!("標有 PDF 印刷本的 {p} 個頁碼，可按頁碼跳轉"));
            }
        }
        Script::Latin => {
            parts.push("This reflowable EPUB 3 publication is text in reading order with a table of contents and headings for navigation".into());
            if n > 0 && missing == 0 {
                parts.push(format!("all {n} pictures have a text alternative"));
            } else if n > 0 {
                parts.push(format!(
                    "{missing} of its {n} pictures have no text alternative and are marked decorative"
                ));
            }
            if facts.tables > 0 {
                parts.push("tables have column headers".into());
            }
            if facts.footnotes > 0 {
                parts.push("notes and their references link to each other".into());
            }
            if let Some(p) = facts.pages {
                parts.push(format!(
                    "it marks the {p} page numbers of the PDF print edition for page navigation"
                ));
            }
        }
    }
    let (sep, end, hazard) = hazard_sentence(s, hazards);
    if !hazard.is_empty() {
        parts.push(hazard);
    }
    let mut text = parts.join(sep) + end;
    if conforms {
        text.push_str(match s {
            Script::Hans => "符合 EPUB Accessibility 1.1 和 WCAG 2.1 AA 级。",
            Script::Hant => "符合 EPUB Accessibility 1.1 及 WCAG 2.1 AA 級。",
            Script::Latin => " It meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA.",
        });
    }
    text
}

/// How the summary's clauses are joined and ended in the book's script, and its clause on
/// hazards (empty when `hazards` names none this knows).
fn hazard_sentence(s: Script, hazards: &[String]) -> (&'static str, &'static str, String) {
    let named: Vec<&str> = hazards
        .iter()
        .map(|h| hazard_word(h, s))
        .filter(|w| !w.is_empty())
        .collect();
    let none = hazards.iter().any(|h| h == "none");
    let unknown = hazards.iter().any(|h| h == "unknown");
    match s {
        Script::Hans => (
            "；",
            "。",
            if none {
                "没有闪烁、动态模拟或声音危害".to_string()
            } else if unknown {
                "是否有闪烁、动态模拟或声音危害未知".to_string()
            } else if named.is_empty() {
                String::new()
            } else {
                format!("含有以下危害：{}", named.join("、"))
            },
        ),
        Script::Hant => (
            "；",
            "。",
            if none {
                "沒有閃爍、動態模擬或聲音危害".to_string()
            } else if unknown {
                "是否有閃爍、動態模擬或聲音危害未知".to_string()
            } else if named.is_empty() {
                String::new()
            } else {
                format!("含有以下危害：{}", named.join("、"))
            },
        ),
        Script::Latin => (
            "; ",
            ".",
            if none {
                "it has no flashing, motion simulation or sound hazards".to_string()
            } else if unknown {
                "whether it has flashing, motion simulation or sound hazards is unknown".to_string()
            } else if named.is_empty() {
                String::new()
            } else {
                format!("hazards: {}", named.join(", "))
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(lang: &str) -> Book {
        let mut b = crate::epub::tests::sample_book();
        b.meta.language = lang.into();
        b
    }

    fn facts(pictures: usize, without_alt: usize, pages: Option<usize>) -> Facts {
        Facts {
            pictures,
            without_alt,
            pages,
            ..Facts::default()
        }
    }

    #[test]
    fn alternative_text_only_when_every_picture_has_one() {
        let b = book("zh-CN");
        let all = A11y::compute(&b, &facts(3, 0, None));
        assert!(all.features.contains(&"alternativeText"));
        assert_eq!(all.access_modes, ["textual", "visual"]);
        assert_eq!(all.access_mode_sufficient, ["textual", "textual,visual"]);
        assert!(all.conforms);

        let one_missing = A11y::compute(&b, &facts(3, 1, None));
        assert!(!one_missing.features.contains(&"alternativeText"));
        assert_eq!(one_missing.access_mode_sufficient, ["textual,visual"]);
        assert!(!one_missing.conforms);
        assert!(!one_missing.opf_meta(None).contains("dcterms:conformsTo"));
        assert!(
            one_missing
                .summary
                .contains("3 幅图片中有 1 幅没有文字说明"),
            "{}",
            one_missing.summary
        );

        // No pictures: nothing visual, and no claim about alternatives.
        let text_only = A11y::compute(&b, &facts(0, 0, None));
        assert_eq!(text_only.access_modes, ["textual"]);
        assert_eq!(text_only.access_mode_sufficient, ["textual"]);
        assert!(!text_only.features.contains(&"alternativeText"));
        assert!(text_only.conforms);
    }

    #[test]
    fn page_numbers_only_with_a_page_list() {
        let b = book("zh-CN");
        let without = A11y::compute(&b, &facts(1, 0, None));
        assert!(!without.features.contains(&"printPageNumbers"));
        assert!(!without.opf_meta(None).contains("pageBreakSource"));
        let with = A11y::compute(&b, &facts(1, 0, Some(19)));
        assert!(with.features.contains(&"printPageNumbers"));
        assert!(with.summary.contains("19 个页码"), "{}", with.summary);
        let meta = with.opf_meta(Some("book.pdf"));
        assert!(meta.contains("<meta property=\"pageBreakSource\">book.pdf</meta>"));
        assert!(meta.contains(&format!(
            "<meta property=\"dcterms:conformsTo\">{CONFORMS_TO}</meta>"
        )));
    }

    #[test]
    fn hazards_and_summary_follow_the_book() {
        let mut b = book("zh-TW");
        let a = A11y::compute(&b, &facts(2, 0, Some(5)));
        assert_eq!(a.hazards, ["none"]);
        assert!(a.summary.contains("圖片都有文字說明") && a.summary.contains("沒有閃爍"));
        assert!(!a.summary.contains("图片"), "{}", a.summary);
        b.epub.accessibility_hazards = vec!["flashing".into(), "noSoundHazard".into()];
        let a = A11y::compute(&b, &facts(2, 0, None));
        assert_eq!(a.hazards, ["flashing", "noSoundHazard"]);
        assert!(a.summary.contains("含有以下危害：閃爍"), "{}", a.summary);
        let meta = a.opf_meta(None);
        assert!(meta.contains("<meta property=\"schema:accessibilityHazard\">flashing</meta>"));
        assert!(!meta.contains(">none<"));

        let en = A11y::compute(&book("en-GB"), &facts(2, 0, None));
        assert!(
            en.summary.starts_with("This reflowable EPUB 3"),
            "{}",
            en.summary
        );
        assert!(
            en.summary
                .contains("all 2 pictures have a text alternative")
        );

        b.epub.accessibility_summary = Some("自訂說明".into());
        assert_eq!(A11y::compute(&b, &facts(0, 0, None)).summary, "自訂說明");
    }
}
