use super::*;

fn fix(s: &str) -> String {
    apply(s, &lint_source(s, Path::new("a.md")).edits)
}

/// Each case: the source, and what `--fix` makes of it.
fn cases(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(fix(src), *want, "source: {src:?}");
    }
}

/// Sources that must come out unchanged, with no finding.
fn untouched(sources: &[&str]) {
    for s in sources {
        let l = lint_source(s, Path::new("a.md"));
        assert!(
            l.findings.is_empty() && l.edits.is_empty(),
            "{s:?}: {:#?}",
            l.findings
        );
    }
}

#[test]
fn seed_style_punctuation_is_fixed() {
    cases(&[
        (
            "6月3日,全市党史学习教育经验交流会举行,会上,相关县市区和市直部门(高职院校)作了发言。有哪些好经验?\n",
            "6月3日，全市党史学习教育经验交流会举行，会上，相关县市区和市直部门（高职院校）作了发言。有哪些好经验？\n",
        ),
        ("即:面对面\n", "即：面对面\n"),
        (
            "与村(社区)党组织书记谈心谈话,解决率达99.69%。\n",
            "与村（社区）党组织书记谈心谈话，解决率达99.69%。\n",
        ),
        ("好;很好!真的?\n", "好；很好！真的？\n"),
        // A mark after a number, a percentage or a closing quote, in a Chinese sentence.
        ("共计100,其中党员80名。\n", "共计100，其中党员80名。\n"),
        ("增长了15%,达到新高。\n", "增长了15%，达到新高。\n"),
        ("他说“你好”,然后走了。\n", "他说“你好”，然后走了。\n"),
        ("他说“Hello”,然后走了。\n", "他说“Hello”，然后走了。\n"),
        // Before an opening quote that starts English text.
        ("他说:“Hello, world!”\n", "他说：“Hello, world!”\n"),
        // At the end of the paragraph.
        ("为什么?\n", "为什么？\n"),
        ("3,然后\n", "3，然后\n"),
    ]);
}

#[test]
fn english_inside_chinese_text_keeps_its_punctuation() {
    untouched(&[
        "他说“Hello, world!”然后走了。\n",
        "他说：“Hello, world!”\n",
        "程序输出Hello, world!之后退出。\n",
        "这本书叫《Learn Rust, the Hard Way》。\n",
        "中文,English\n",
        "我们用Python 3,它很好。\n",
        "机器学习(machine learning)是一门学科。\n",
        "Hello, world (really).\n",
        "He said: “你好” to me, then left!\n",
    ]);
}

#[test]
fn identifiers_urls_and_code_are_left_alone() {
    untouched(&[
        "调用env.close()关闭环境。\n",
        "先运行 env.close() 再退出。\n",
        "用print(\"你好\")输出。\n",
        "函数f(x, y)返回两者之和。\n",
        "见 https://example.org/a,b?q=1 网站\n",
        "访问www.example.org查询。\n",
        "邮件发到a.b@example.cn即可。\n",
        "代码 `a,b(c)` 里\n",
        "代码`中文,中文`里\n",
        "| 字面值 | `...u8`, `...i32`, `...f64` 等 |\n|---|---|\n| a | b |\n",
        "重载（`Index`, `IndexMut`）。\n",
        "```\n中文,中文\n```\n",
        "    缩进代码,中文\n",
        "链接<https://example.org/a,b>里\n",
        "链接[中文](https://example.org/a,b \"标题,中文\")里\n",
        "行内<span class=\"a,b\">HTML</span>里\n",
        "<div>\n中文,中文\n</div>\n",
        "配置文件config.toml里\n",
        "打开说明.md文件\n",
    ]);
}

#[test]
fn numbers_and_times_are_left_alone() {
    untouched(&[
        "圆周率约为3.14。\n",
        "共1,000人参加。\n",
        "会议10:30开始。\n",
        "比分3:2。\n",
        "版本2.0.1发布了。\n",
        "第3,4章。\n",
        "计算点与坐标 (0.0, 0.0) 之间的距离。\n",
        "第(1)条\n",
    ]);
    cases(&[
        ("时间:10:30。\n", "时间：10:30。\n"),
        ("版本1.0.\n", "版本1.0。\n"),
    ]);
}

#[test]
fn full_stop_between_chinese_characters() {
    cases(&[
        ("今天下雨.明天晴。\n", "今天下雨。明天晴。\n"),
        ("结束了.\n", "结束了。\n"),
        ("见图1.\n", "见图1。\n"),
    ]);
    untouched(&["e.g. 例如\n", "中文 Mr. Smith 中文\n", "中文.md\n"]);
}

#[test]
fn ellipses_and_dashes() {
    cases(&[
        ("他说...然后走了。\n", "他说……然后走了。\n"),
        ("等等......\n", "等等……\n"),
        ("他说。。。然后\n", "他说……然后\n"),
        ("这就是他--一个好人。\n", "这就是他——一个好人。\n"),
        ("...然后呢?\n", "……然后呢？\n"),
    ]);
    untouched(&[
        "Wait... what?\n",
        "中文 Wait... 中文\n",
        "用 --no-system-fonts 选项\n",
        "选项--no-system-fonts很好\n",
        "中文..中文\n",
        "a--b 中文\n",
    ]);
}

#[test]
fn stray_spaces_beside_chinese_punctuation() {
    cases(&[
        ("有鸟焉。 其南有山。\n", "有鸟焉。其南有山。\n"),
        ("第一， 第二\n", "第一，第二\n"),
        ("他说 “你好”\n", "他说“你好”\n"),
        ("一、  概述\n", "一、概述\n"),
    ]);
    // Spaces between two ideographs separate words on purpose (slogans, names): left.
    untouched(&[
        "开展“学党史 当先锋 办实事”实践活动。\n",
        "第一章 总则\n",
        "中文 English 中文\n",
        "中文。 English\n",
        // Removing the space would change what the emphasis markers mean.
        "他说。 **强调**\n",
    ]);
}

#[test]
fn full_width_space_indentation_is_one_warning_per_file() {
    let s = "# 标题\n\n\u{3000}\u{3000}第一段。\n\n\u{3000}\u{3000}第二段，\n\u{3000}\u{3000}续行。\n\n中间\u{3000}空格。\n";
    let l = lint_source(s, Path::new("a.md"));
    assert_eq!(l.findings.len(), 1, "{:#?}", l.findings);
    let d = &l.findings[0];
    assert_eq!((d.line, d.column), (3, 1));
    assert!(d.message.starts_with("3 lines of text are indented"), "{d}");
    assert_eq!(
        apply(s, &l.edits),
        "# 标题\n\n第一段。\n\n第二段，\n续行。\n\n中间\u{3000}空格。\n"
    );
}

#[test]
fn math_is_reported_once_per_file_and_not_edited() {
    let s = "# 标题\n\n设$f(x)=a,b$,则成立。\n\n又有$$x,y$$。\n";
    let l = lint_source(s, Path::new("a.md"));
    let math: Vec<_> = l
        .findings
        .iter()
        .filter(|d| d.message == "math is printed as its TeX source")
        .collect();
    assert_eq!(math.len(), 1, "{:#?}", l.findings);
    assert_eq!((math[0].line, math[0].column), (3, 2));
    // Only the comma after the math (Chinese on its right, nothing Latin) is fixed.
    assert_eq!(
        apply(s, &l.edits),
        "# 标题\n\n设$f(x)=a,b$，则成立。\n\n又有$$x,y$$。\n"
    );
    untouched(&[
        "价格从$5涨到$10。\n",
        "价格从 $5 涨到 $10。\n",
        "目录是 *$HOME/.cargo/bin*。请把它加入 `$PATH`。\n",
    ]);
}

#[test]
fn marks_are_judged_across_emphasis_but_not_across_blocks() {
    cases(&[
        ("这是**强调**,然后\n", "这是**强调**，然后\n"),
        ("这是[链接](a.md),然后\n", "这是[链接](a.md)，然后\n"),
        // Code is looked through: the sentence around it is Chinese.
        (
            "类型是 `&String`, 而不是 `str`。\n",
            "类型是 `&String`，而不是 `str`。\n",
        ),
        (
            "尝试增大区间 (变量 `i` 的范围) 来增加\n",
            "尝试增大区间（变量 `i` 的范围）来增加\n",
        ),
        // The space after a half-width mark goes with it, unless English follows.
        ("第一, 第二; 第三\n", "第一，第二；第三\n"),
        ("他说: “Hello”\n", "他说：“Hello”\n"),
        ("中文 (注) English\n", "中文（注） English\n"),
        ("结束了. \n下一句\n", "结束了。 \n下一句\n"),
        (
            "| 甲 | 乙 |\n|---|---|\n| 中文,中文 | a,b |\n",
            "| 甲 | 乙 |\n|---|---|\n| 中文，中文 | a,b |\n",
        ),
        ("- 第一项,好\n- item, two\n", "- 第一项，好\n- item, two\n"),
    ]);
    // A heading in Chinese and an English paragraph after it: the English stays.
    untouched(&["# 标题\n\nHello, world!\n", "中文\n\n, world\n"]);
}

#[test]
fn straight_quotes_pair_into_curly_ones() {
    cases(&[
        ("他说\"你好\",然后走了。\n", "他说“你好”，然后走了。\n"),
        ("他说\"Hello\"然后走了。\n", "他说“Hello”然后走了。\n"),
    ]);
    untouched(&["He said \"hi\" to me.\n", "他说\"你好\n"]);
}

#[test]
fn taiwan_and_hong_kong_books_get_corner_brackets() {
    for lang in ["zh-TW", "zh-HK", "zh-Hant"] {
        let s = "他說\"你好\"，然後走了。\n";
        let l = lint_source_in(s, Path::new("a.md"), lang);
        assert_eq!(apply(s, &l.edits), "他說「你好」，然後走了。\n", "{lang}");
        assert!(
            l.findings[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.contains('「'))
        );
    }
    let l = lint_source_in("他说\"你好\"。\n", Path::new("a.md"), "zh-CN");
    assert_eq!(apply("他说\"你好\"。\n", &l.edits), "他说“你好”。\n");
}

#[test]
fn escaped_marks_are_left_as_written() {
    untouched(&["中文\\,中文\n"]);
}

#[test]
fn fix_changes_only_what_is_flagged() {
    let s = "中文,中文 and English, too. 见 `a,b` 和env.close(),然后...\n";
    let l = lint_source(s, Path::new("a.md"));
    assert_eq!(l.edits.len(), l.findings.len(), "{:#?}", l.findings);
    assert_eq!(
        fix(s),
        "中文，中文 and English, too. 见 `a,b` 和env.close()，然后……\n"
    );
    // Fixed text has nothing left to fix.
    let again = lint_source(&fix(s), Path::new("a.md"));
    assert!(again.findings.is_empty(), "{:#?}", again.findings);
}

#[test]
fn bom_and_crlf_front_matter_are_skipped() {
    let s = "\u{FEFF}+++\r\ntitle = \"中,文\"\r\n+++\r\n\r\n中文,中文\r\n";
    assert_eq!(
        fix(s),
        "\u{FEFF}+++\r\ntitle = \"中,文\"\r\n+++\r\n\r\n中文，中文\r\n"
    );
}

#[test]
fn front_matter_is_not_touched_and_positions_are_exact() {
    let s = "+++\ntitle = \"a,b\"\n+++\n\n第一段,第二句。\n";
    let found = lint_source(s, Path::new("a.md")).findings;
    assert_eq!(found.len(), 1);
    let d = &found[0];
    assert_eq!((d.line, d.column), (5, 4));
    assert!(
        d.to_string()
            .starts_with("a.md:5:4: warning: half-width `,` in Chinese text")
    );
}
