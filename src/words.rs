//! Every word bookpress itself prints (the contents page, figure labels, the cover's and title
//! page's credits, the EPUB's navigation titles and landmarks), one table per language: the
//! book's `language` picks it. Simplified Chinese for zh, zh-CN, zh-SG and zh-Hans; Traditional
//! for zh-TW, zh-HK, zh-MO and zh-Hant; English for every other language.

/// Which table a language takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Simplified Chinese (zh, zh-CN, zh-SG, zh-Hans-…).
    Hans,
    /// Traditional Chinese (zh-TW, zh-HK, zh-MO, zh-Hant-…).
    Hant,
    /// Any other language: English.
    Latin,
}

/// The script of a BCP 47 language tag. An explicit script subtag wins over the region
/// (zh-Hans-HK is Simplified).
pub fn script(lang: &str) -> Script {
    let l = lang.trim().to_ascii_lowercase();
    let mut parts = l.split(['-', '_']);
    if parts.next() != Some("zh") {
        return Script::Latin;
    }
    let rest: Vec<&str> = parts.collect();
    if rest.contains(&"hans") {
        Script::Hans
    } else if rest.contains(&"hant") || rest.iter().any(|p| matches!(*p, "tw" | "hk" | "mo")) {
        Script::Hant
    } else {
        Script::Hans
    }
}

/// The words of one language.
#[derive(Debug)]
pub struct Words {
    /// The table of contents: its running head, bookmark and EPUB nav title.
    pub contents: &'static str,
    /// The title on the printed contents page (spaced out in Chinese: 目　录).
    pub contents_title: &'static str,
    /// The list of figures after the contents (`[pdf] lists`): its title, running head and
    /// bookmark.
    pub figures_list: &'static str,
    /// Before a figure's number (图1, Figure 1).
    figure: &'static str,
    /// Between the word and the number.
    figure_gap: &'static str,
    /// Between a figure's label and its caption in the PDF (图1　说明, Figure 1: Caption).
    pub caption_gap: &'static str,
    /// After editors' and authors' names (Chinese: 张三　编), or before them (English).
    edited: (&'static str, &'static str),
    written: (&'static str, &'static str),
    /// Between names.
    name_gap: &'static str,
    /// The cover picture's text alternative, before the title.
    cover_alt: &'static str,
    /// EPUB landmarks: cover, title page, preface, body; and the landmarks nav's own title.
    pub cover: &'static str,
    pub title_page: &'static str,
    pub preface: &'static str,
    pub body: &'static str,
    pub landmarks: &'static str,
    /// The EPUB page list's title.
    pub pages: &'static str,
    /// The heading of a section's footnotes in the EPUB.
    pub notes: &'static str,
    /// The quotation marks `check` suggests for straight quotes in Chinese text: “ ” on the
    /// mainland (GB/T 15834), 「 」 in Taiwan and Hong Kong.
    pub quotes: (&'static str, &'static str),
}

pub const HANS: Words = Words {
    contents: "目录",
    contents_title: "目\u{3000}录",
    figures_list: "图目录",
    figure: "图",
    figure_gap: "",
    caption_gap: "\u{3000}",
    edited: ("", "\u{3000}编"),
    written: ("", "\u{3000}著"),
    name_gap: "\u{3000}",
    cover_alt: "封面：",
    cover: "封面",
    title_page: "书名页",
    preface: "编者按",
    body: "正文",
    landmarks: "导览",
    pages: "页码",
    notes: "注释",
    quotes: ("“", "”"),
};

pub const HANT: Words = Words {
    contents: "目錄",
    contents_title: "目\u{3000}錄",
    figures_list: "圖目錄",
    figure: "圖",
    figure_gap: "",
    caption_gap: "\u{3000}",
    edited: ("", "\u{3000}編"),
    written: ("", "\u{3000}著"),
    name_gap: "\u{3000}",
    cover_alt: "封面：",
    cover: "封面",
    title_page: "書名頁",
    preface: "編者按",
    body: "正文",
    landmarks: "導覽",
    pages: "頁碼",
    notes: "註釋",
    quotes: ("「", "」"),
};

pub const EN: Words = Words {
    contents: "Contents",
    contents_title: "Contents",
    figures_list: "List of Figures",
    figure: "Figure",
    figure_gap: " ",
    caption_gap: ": ",
    edited: ("Edited by ", ""),
    written: ("By ", ""),
    name_gap: ", ",
    cover_alt: "Cover: ",
    cover: "Cover",
    title_page: "Title page",
    preface: "Preface",
    body: "Start of content",
    landmarks: "Guide",
    pages: "Pages",
    notes: "Notes",
    quotes: ("“", "”"),
};

/// The table of a script.
pub fn of(script: Script) -> &'static Words {
    match script {
        Script::Hans => &HANS,
        Script::Hant => &HANT,
        Script::Latin => &EN,
    }
}

/// The table of a BCP 47 language tag.
pub fn for_language(lang: &str) -> &'static Words {
    of(script(lang))
}

impl Words {
    /// A figure's label: 图1, 圖1.2, Figure 3.
    pub fn figure_label(&self, number: &str) -> String {
        format!("{}{}{number}", self.figure, self.figure_gap)
    }

    /// The editors' credit: 甲　乙　编, Edited by A, B.
    pub fn edited_by(&self, names: &[String]) -> String {
        self.credit(self.edited, names)
    }

    /// The authors' credit: 甲　著, By A.
    pub fn written_by(&self, names: &[String]) -> String {
        self.credit(self.written, names)
    }

    /// The cover picture's text alternative.
    pub fn cover_alt(&self, title: &str) -> String {
        format!("{}{title}", self.cover_alt)
    }

    fn credit(&self, (before, after): (&str, &str), names: &[String]) -> String {
        format!("{before}{}{after}", names.join(self.name_gap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_picks_the_table() {
        assert_eq!(script("zh-CN"), Script::Hans);
        assert_eq!(script("zh"), Script::Hans);
        assert_eq!(script("zh-SG"), Script::Hans);
        assert_eq!(script("zh-Hans-HK"), Script::Hans);
        assert_eq!(script("zh-TW"), Script::Hant);
        assert_eq!(script("zh-hk"), Script::Hant);
        assert_eq!(script("zh-MO"), Script::Hant);
        assert_eq!(script("zh-Hant"), Script::Hant);
        assert_eq!(script("en-US"), Script::Latin);
        assert_eq!(script("ja"), Script::Latin);
        assert_eq!(for_language("zh-TW").contents, "目錄");
        assert_eq!(for_language("zh-CN").contents, "目录");
        assert_eq!(for_language("en").contents, "Contents");
    }

    #[test]
    fn labels_and_credits_in_each_language() {
        let names = ["甲".to_string(), "乙".to_string()];
        assert_eq!(HANS.figure_label("1"), "图1");
        assert_eq!(HANT.figure_label("1.2"), "圖1.2");
        assert_eq!(EN.figure_label("3"), "Figure 3");
        assert_eq!(HANS.edited_by(&names), "甲\u{3000}乙\u{3000}编");
        assert_eq!(HANT.edited_by(&names), "甲\u{3000}乙\u{3000}編");
        assert_eq!(EN.edited_by(&names), "Edited by 甲, 乙");
        assert_eq!(EN.written_by(&names[..1]), "By 甲");
        assert_eq!(HANT.cover_alt("書"), "封面：書");
    }
}
