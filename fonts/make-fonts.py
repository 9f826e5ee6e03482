#!/usr/bin/env python3
"""Regenerate bookpress's bundled default fonts from Debian packages.

Inputs (Debian bookworm):
  fonts-noto-cjk  1:20220127+repack1-1
      /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc  (face 2 = SC)
      /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc      (face 2 = SC)
  unicode-data    15.0.0-1
      /usr/share/unicode/Unihan_OtherMappings.txt.bz2          (field kTGH)
      /usr/share/unicode/Unihan_IRGSources.txt.bz2             (kIRG_HSource)
  Python's `big5hkscs` codec (Big5 + HKSCS-2004)
  fonts-noto-cjk's /usr/share/doc/fonts-noto-cjk/copyright   (OFL 1.1 text)
Tool: fontTools (pip `fonttools`; made with 4.68.0); optional: uharfbuzz
(only for the shaping comparison in the checks).

Usage:
  python3 fonts/make-fonts.py            # writes the two .otf files and OFL.txt
                                         # next to this script, then checks them
  python3 fonts/make-fonts.py --check    # only verify the existing .otf files

Each output is the SC face of the collection, subset with fontTools' subsetter
to the code points listed in `unicodes()` below, with every GSUB/GPOS feature,
script and language system, all name records, hinting, BASE, OS/2, VORG and
vhea/vmtx kept.  The only change besides subsetting: the CFF FontName, which
in the collection is shared by all faces ("NotoSerifCJKjp-Regular"), is set to
the face's own PostScript name (name ID 6, e.g. "NotoSerifCJKsc-Regular"), as in
Adobe's single-face OTF release.  Output is deterministic: head.modified is kept
from the source font (no timestamp recalculation) and GSUB/GPOS are always
packed by fontTools itself (never by HarfBuzz's repacker, which fontTools
would use when uharfbuzz is installed), so two runs give byte-identical files
with or without uharfbuzz.

After writing, the script verifies every output (see `check()`): all required
code points present, the GSUB/GPOS feature tags of every script/language
system equal to the source face's, the `ccmp` ligature for U+2014 U+2014 and
the `vert`/`halt` lookups present; with `uharfbuzz` importable it also shapes
test strings in both fonts and compares the glyphs.
"""

import bz2
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
NOTO = os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto")
DEBIAN_COPYRIGHT = os.environ.get(
    "NOTO_CJK_COPYRIGHT", "/usr/share/doc/fonts-noto-cjk/copyright"
)
UNIHAN = os.environ.get(
    "UNIHAN_OTHERMAPPINGS", "/usr/share/unicode/Unihan_OtherMappings.txt.bz2"
)
UNIHAN_IRG = os.environ.get(
    "UNIHAN_IRGSOURCES", "/usr/share/unicode/Unihan_IRGSources.txt.bz2"
)

FONTS = [
    # (source collection, face index, output file)
    ("NotoSerifCJK-Regular.ttc", 2, "NotoSerifCJKsc-Regular.otf"),
    ("NotoSansCJK-Bold.ttc", 2, "NotoSansCJKsc-Bold.otf"),
]

# Blocks kept whole (only the code points the font actually has end up in it).
# The "required" flag marks what bookpress promises (issue 3, "Fonts"); the
# others are cheap extras that ordinary Chinese text meets (pinyin, Greek and
# Cyrillic of GB 2312, units, radicals, kana in Japanese names, ...).
# The Hangul jamo blocks (about 0.5 MB per font) are there only so that the
# Korean features calt, ljmo, vjmo and tjmo keep glyphs to act on: without
# them the subsetter prunes those features and the feature lists would no
# longer equal the source's.  Hangul syllables (U+AC00..U+D7AF) are not kept.
RANGES = [
    # (first, last, required, what)
    (0x0020, 0x007E, True, "Basic Latin"),
    (0x00A0, 0x00FF, True, "Latin-1 Supplement"),
    (0x0100, 0x017F, True, "Latin Extended-A"),
    (0x0180, 0x024F, False, "Latin Extended-B (pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ)"),
    (0x0250, 0x02AF, False, "IPA Extensions (ɑ ɡ)"),
    (0x02B0, 0x02FF, False, "Spacing Modifier Letters (ˇ ˉ ˊ ˋ ˙)"),
    (0x0300, 0x036F, False, "Combining Diacritical Marks"),
    (0x0370, 0x03FF, False, "Greek and Coptic"),
    (0x0400, 0x04FF, False, "Cyrillic"),
    (0x1100, 0x11FF, False, "Hangul Jamo (see note below)"),
    (0x1E00, 0x1EFF, False, "Latin Extended Additional (ḿ)"),
    (0x2000, 0x206F, True, "General Punctuation"),
    (0x2070, 0x209F, False, "Superscripts and Subscripts"),
    (0x20A0, 0x20CF, False, "Currency Symbols"),
    (0x2100, 0x214F, True, "Letterlike Symbols (℃ № ℉ ™)"),
    (0x2150, 0x218F, True, "Number Forms (Ⅰ–Ⅻ ⅰ–ⅹ)"),
    (0x2190, 0x21FF, False, "Arrows"),
    (0x2200, 0x22FF, False, "Mathematical Operators (∵ ∴ ≈ ≠ ≤ ≥ ⋯)"),
    (0x2300, 0x23FF, False, "Miscellaneous Technical (⌒)"),
    (0x2460, 0x24FF, True, "Enclosed Alphanumerics (① ⑴ ⒈)"),
    (0x2500, 0x257F, False, "Box Drawing"),
    (0x2580, 0x259F, False, "Block Elements"),
    (0x25A0, 0x25FF, True, "Geometric Shapes (● ▲ ■ ○ ◎)"),
    (0x2600, 0x26FF, False, "Miscellaneous Symbols (★ ☆ ♀ ♂)"),
    (0x2700, 0x27BF, False, "Dingbats (❶–❿)"),
    (0x2E00, 0x2E7F, True, "Supplemental Punctuation (⸺ ⸻)"),
    (0x2E80, 0x2EFF, False, "CJK Radicals Supplement"),
    (0x2F00, 0x2FDF, False, "Kangxi Radicals"),
    (0x2FF0, 0x2FFF, False, "Ideographic Description Characters"),
    (0x3000, 0x303F, True, "CJK Symbols and Punctuation"),
    (0x3040, 0x309F, False, "Hiragana"),
    (0x30A0, 0x30FF, False, "Katakana"),
    (0x3100, 0x312F, False, "Bopomofo"),
    (0x31A0, 0x31BF, False, "Bopomofo Extended"),
    (0x31C0, 0x31EF, False, "CJK Strokes"),
    (0x3130, 0x318F, False, "Hangul Compatibility Jamo"),
    (0x3200, 0x32FF, True, "Enclosed CJK Letters and Months (㈠ ㊀)"),
    (0x3300, 0x33FF, False, "CJK Compatibility (㎡ ㎏ ㎞)"),
    (0x3400, 0x4DBF, True, "CJK Unified Ideographs Extension A (classical text)"),
    (0x4E00, 0x9FFF, True, "CJK Unified Ideographs"),
    (0xA960, 0xA97F, False, "Hangul Jamo Extended-A"),
    (0xD7B0, 0xD7FF, False, "Hangul Jamo Extended-B"),
    (0xFB00, 0xFB4F, False, "Alphabetic Presentation Forms (ﬁ ﬂ)"),
    # GBK encodes 21 code points of CJK Compatibility Ideographs; 12 of them
    # (U+FA0E 﨎, U+FA0F, U+FA11 﨑, U+FA13, ...) are unified ideographs that
    # NFC does not fold, the 9 others may come from GBK-converted text.
    *[(c, c, False, "CJK Compatibility Ideograph in GBK") for c in (
        0xF92C, 0xF979, 0xF995, 0xF9E7, 0xF9F1, 0xFA0C, 0xFA0D, 0xFA0E,
        0xFA0F, 0xFA11, 0xFA13, 0xFA14, 0xFA18, 0xFA1F, 0xFA20, 0xFA21,
        0xFA23, 0xFA24, 0xFA27, 0xFA28, 0xFA29)],
    (0xFE00, 0xFE0F, False, "Variation Selectors (keeps the font's UVS records)"),
    (0xFE10, 0xFE1F, True, "Vertical Forms"),
    (0xFE30, 0xFE4F, True, "CJK Compatibility Forms"),
    (0xFE50, 0xFE6F, False, "Small Form Variants"),
    (0xFF00, 0xFFEF, True, "Halfwidth and Fullwidth Forms"),
    (0xFFFC, 0xFFFD, False, "Specials (U+FFFD)"),
]


def ktgh():
    """Code points with a kTGH (通用规范汉字表, 2013) entry in Unihan."""
    cps = []
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("U+"):
                continue
            cp, field, _ = line.rstrip("\n").split("\t", 2)
            if field == "kTGH":
                cps.append(int(cp[2:], 16))
    if len(cps) < 8000:
        sys.exit(f"{UNIHAN}: only {len(cps)} kTGH entries; wrong file?")
    return sorted(cps)


def ktgh_extension():
    """kTGH code points outside U+4E00..U+9FFF (Extension A, B, C, ...)."""
    return [c for c in ktgh() if not 0x4E00 <= c <= 0x9FFF]


def big5_hkscs():
    """Everything Big5 and HKSCS map to: Python's `big5hkscs` codec (Big5 with
    the HKSCS-2004 additions, decoded double byte by double byte) and every
    ideograph Unihan gives a Hong Kong source for (kIRG_HSource: H- for
    HKSCS, HB0/HB1/HB2 for Big5, HD and HU), which brings in the ideographs
    HKSCS-2008 and HKSCS-2016 added after the codec was written."""
    cps = set()
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                text = bytes((lead, trail)).decode("big5hkscs")
            except UnicodeDecodeError:
                continue
            cps.update(ord(c) for c in text)
    with bz2.open(UNIHAN_IRG, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("U+") and "\tkIRG_HSource\t" in line:
                cps.add(int(line.split("\t", 1)[0][2:], 16))
    if len(cps) < 18000:
        sys.exit(f"big5hkscs codec and {UNIHAN_IRG}: only {len(cps)} code points")
    return cps


def unicodes(required_only=False):
    s = set()
    for a, b, req, _ in RANGES:
        if req or not required_only:
            s.update(range(a, b + 1))
    s.update(ktgh_extension())
    # Traditional Chinese text of Taiwan and Hong Kong (issue 11, "Fonts").
    s.update(big5_hkscs())
    return s


def options():
    o = subset.Options()
    o.layout_features = ["*"]
    o.layout_scripts = ["*"]
    o.layout_closure = True
    o.name_IDs = ["*"]
    o.name_languages = ["*"]
    o.name_legacy = True
    o.notdef_glyph = True
    o.notdef_outline = True
    o.hinting = True
    o.desubroutinize = False
    o.glyph_names = False  # CID-keyed CFF: glyphs are named by CID anyway
    o.font_number = 0  # set per font
    o.recalc_timestamp = False
    # fontTools packs GSUB/GPOS with HarfBuzz's repacker when uharfbuzz is
    # importable and with its own packer otherwise; both are deterministic but
    # give different bytes.  Always use fontTools' own (--no-harfbuzz-repacker),
    # so the output does not depend on what else is installed.
    o.harfbuzz_repacker = False
    o.recalc_bounds = True
    o.canonical_order = True
    return o


def build(src, index, out):
    o = options()
    o.font_number = index
    font = subset.load_font(src, o, lazy=False)
    sub = subset.Subsetter(options=o)
    sub.populate(unicodes=sorted(unicodes()))
    sub.subset(font)
    psname = font["name"].getDebugName(6)
    cff = font["CFF "].cff
    if psname and cff.fontNames[0] != psname:
        cff.fontNames = [psname]
    subset.save_font(font, out, o)
    font.close()


# ---------------------------------------------------------------- licence

# The copyright lines of upstream noto-cjk's Serif/LICENSE and Sans/LICENSE
# (Noto CJK is Adobe's Source Han, hence the Reserved Font Name "Source");
# the years are checked against each font's own notice (name ID 0).
COPYRIGHT = {
    "NotoSerifCJKsc-Regular.otf": ("2017-2022", "Noto Serif CJK SC"),
    "NotoSansCJKsc-Bold.otf": ("2014-2021", "Noto Sans CJK SC Bold"),
}


def ofl_text():
    """OFL.txt: copyright lines + the SIL-1.1 text of Debian's copyright file."""
    body, inside = [], False
    with open(DEBIAN_COPYRIGHT, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("License: SIL-1.1") and not line[len("License: SIL-1.1"):].strip():
                inside = True
                continue
            if inside:
                if not line.startswith(" "):
                    if body:
                        break
                    inside = False  # the "License:" field of a Files stanza
                    continue
                text = line[1:]
                body.append("" if text == "." else text)
    while body and not body[-1]:
        body.pop()
    if not body or "SIL OPEN FONT LICENSE Version 1.1" not in body[1]:
        sys.exit(f"{DEBIAN_COPYRIGHT}: no SIL-1.1 licence stanza found")
    head = []
    for out, (years, name) in COPYRIGHT.items():
        head.append(f"{name} ({out}):")
        head.append(
            f"Copyright {years} Adobe (http://www.adobe.com/), "
            "with Reserved Font Name 'Source'."
        )
        head.append("")
    head += [
        "Source is a trademark of Adobe in the United States and/or other countries.",
        "Noto is a trademark of Google Inc.",
        "",
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        "This license is copied below, and is also available with a FAQ at:",
        "https://openfontlicense.org",
        "",
        "",
    ]
    return "\n".join(head + body) + "\n"


def check_copyright(out):
    years, _ = COPYRIGHT[os.path.basename(out)]
    notice = TTFont(out, lazy=True)["name"].getDebugName(0) or ""
    if f"{years} Adobe" not in notice:
        sys.exit(f"{out}: name ID 0 {notice!r} does not match {years}; update COPYRIGHT")


# ---------------------------------------------------------------- checks


def feature_map(font, tag):
    """{(script, langsys): sorted feature tags}; langsys 'dflt' is DefaultLangSys.
    A language system the subsetter dropped because it equals the script's
    default is looked up through the default, as a shaper would."""
    if tag not in font:
        return {}
    t = font[tag].table
    feats = t.FeatureList.FeatureRecord
    out = {}
    for sr in t.ScriptList.ScriptRecord:
        sc = sr.Script
        dflt = None
        if sc.DefaultLangSys is not None:
            dflt = sorted({feats[i].FeatureTag for i in sc.DefaultLangSys.FeatureIndex})
            out[(sr.ScriptTag, "dflt")] = dflt
        for lr in sc.LangSysRecord:
            out[(sr.ScriptTag, lr.LangSysTag)] = sorted(
                {feats[i].FeatureTag for i in lr.LangSys.FeatureIndex}
            )
    return out


def lookups_of(font, table, feature, script="hani", lang="ZHS "):
    t = font[table].table
    feats = t.FeatureList.FeatureRecord
    for sr in t.ScriptList.ScriptRecord:
        if sr.ScriptTag != script:
            continue
        ls = sr.Script.DefaultLangSys
        for lr in sr.Script.LangSysRecord:
            if lr.LangSysTag == lang:
                ls = lr.LangSys
        idx = []
        for i in ls.FeatureIndex:
            if feats[i].FeatureTag == feature:
                idx += feats[i].Feature.LookupListIndex
        return [t.LookupList.Lookup[i] for i in idx]
    return []


def has_dash_ligature(font):
    """Is there a ccmp ligature U+2014 U+2014 -> one glyph (hani/ZHS)?"""
    g = font.getBestCmap().get(0x2014)
    for lk in lookups_of(font, "GSUB", "ccmp"):
        for st in lk.SubTable:
            if lk.LookupType == 7:
                st = st.ExtSubTable
            ligs = getattr(st, "ligatures", None)
            if not ligs:
                continue
            for lig in ligs.get(g, []):
                if lig.Component == [g]:
                    return lig.LigGlyph
    return None


def shape_check(src, index, out):
    try:
        import uharfbuzz as hb
    except ImportError:
        print("  (uharfbuzz not installed: shaping comparison skipped)")
        return True
    orig = TTFont(src, fontNumber=index, lazy=True).getGlyphOrder()
    new = TTFont(out, lazy=True).getGlyphOrder()

    def shape(path, idx, order, text, feats, direction, language):
        face = hb.Face(hb.Blob.from_file_path(path), idx)
        font = hb.Font(face)
        buf = hb.Buffer()
        buf.add_str(text)
        buf.direction = direction
        buf.script = "Hani"
        buf.language = language
        hb.shape(font, buf, feats)
        return [
            (order[i.codepoint], i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset)
            for i, p in zip(buf.glyph_infos, buf.glyph_positions)
        ]

    # (text, features, direction[, language]); language zh-Hans unless given
    tests = [
        ("——", {}, "ltr"),
        ("——", {}, "ttb"),
        ("……", {}, "ltr"),
        ("⸺⸻", {}, "ltr"),
        ("「中文」，“引号”。（括号）", {}, "ltr"),
        ("「中文」，“引号”。（括号）", {"halt": True}, "ltr"),
        ("「中文」，“引号”。（括号）", {}, "ttb"),
        ("「中文」，“引号”。（括号）", {"vhal": True}, "ttb"),
        ("，。、：；！？", {"halt": True}, "ltr"),
        ("2025年，AVA公司Typeface 123%", {}, "ltr"),
        ("\u9aa8\u9aa8\u9aa8", {}, "ltr"),
        ("𬌗㑇", {}, "ltr"),
        ("ǎǐǒǔǚ·—…⋯", {}, "ltr"),
        ("①㈠㊀℃№●▲■", {}, "ltr"),
        ("ｆｉ ﬁ fi ffl", {"liga": True}, "ltr"),
        # Extension A (classical text) and the Traditional forms locl picks
        # for Taiwan (ZHT) and Hong Kong (ZHH): 骨 角 令 門 and the
        # centred punctuation of both regions
        ("䓕㐀䶵", {}, "ltr"),
        ("骨角令門，。、；：！？", {}, "ltr", "zh-Hant"),
        ("骨角令門，。、；：！？", {}, "ltr", "zh-HK"),
        ("「中文」，『引號』。", {"halt": True}, "ltr", "zh-Hant"),
        ("骨角令門，。", {}, "ttb", "zh-HK"),
    ]
    ok = True
    for text, feats, d, *lang in tests:
        lang = lang[0] if lang else "zh-Hans"
        a = shape(src, index, orig, text, feats, d, lang)
        b = shape(out, 0, new, text, feats, d, lang)
        same = a == b
        ok &= same
        print(f"  shape {text!r} {feats or ''} {d} {lang}: {'same' if same else 'DIFFERENT'}")
        if not same:
            print("    orig", a)
            print("    new ", b)
    return ok


def locl_pairs(font, lang):
    """{input glyph: substitute} of the single substitutions of hani/lang locl."""
    pairs = {}
    for lk in lookups_of(font, "GSUB", "locl", lang=lang):
        for st in lk.SubTable:
            if lk.LookupType == 7:
                st = st.ExtSubTable
            pairs.update(getattr(st, "mapping", {}) or {})
    return pairs


def check_locl_alternates(orig, new):
    """Every ZHT/ZHH locl substitute of a kept character is kept too (layout
    closure), so Taiwan and Hong Kong text gets its own glyph forms: compare,
    character by character, what the source's and the output's locl map to."""
    ok = True
    ocmap, ncmap = orig.getBestCmap(), new.getBestCmap()
    for lang in ("ZHT ", "ZHH "):
        a, b = locl_pairs(orig, lang), locl_pairs(new, lang)
        wrong = [c for c, g in ncmap.items() if a.get(ocmap.get(c)) != b.get(g)]
        kept = sum(1 for g in ncmap.values() if g in b)
        print(f"  locl {lang.strip()}: {kept:,} characters have an alternate;"
              f" differing from source: {len(wrong)}")
        ok &= not wrong
    return ok


def check(src, index, out):
    ok = True
    orig = TTFont(src, fontNumber=index, lazy=True)
    new = TTFont(out)
    print(f"{os.path.basename(out)}: {os.path.getsize(out):,} bytes,"
          f" {len(new.getGlyphOrder()):,} glyphs (source face {len(orig.getGlyphOrder()):,})")
    print(f"  tables: {' '.join(sorted(t for t in new.keys() if t != 'GlyphOrder'))}")
    lost = sorted(set(orig.keys()) - set(new.keys()))
    if lost:
        ok = False
        print(f"  LOST TABLES: {lost}")
    ocmap = orig.getBestCmap()
    ncmap = new.getBestCmap()
    required = unicodes(required_only=True)
    want = {c for c in required if c in ocmap}
    missing = sorted(want - set(ncmap))
    print(f"  cmap: {len(ncmap):,} code points; required and in source: {len(want):,};"
          f" missing from output: {len(missing)}")
    if missing:
        ok = False
        print("  MISSING:", " ".join(f"U+{c:04X}" for c in missing[:50]))
    uro = [c for c in range(0x4E00, 0xA000) if c not in ncmap]
    print(f"  U+4E00..U+9FFF not covered: {len(uro)}"
          + (f" (U+{uro[0]:04X}..U+{uro[-1]:04X}, also absent from source)" if uro else ""))
    if any(c in ocmap for c in uro):
        ok = False
    for name, cps in (("Extension A", range(0x3400, 0x4DC0)), ("Big5 + HKSCS", big5_hkscs())):
        have = [c for c in cps if c in ocmap]
        lost = [c for c in have if c not in ncmap]
        print(f"  {name}: {len(have):,} in source, {len(have) - len(lost):,} in output")
        ok &= not lost
    ext = ktgh_extension()
    ext_missing = [c for c in ext if c not in ncmap]
    print(f"  kTGH outside U+4E00..U+9FFF: {len(ext)}; in output: {len(ext) - len(ext_missing)};"
          f" missing: {len(ext_missing)} {' '.join(f'U+{c:04X}' for c in ext_missing)}")
    extra = sorted(set(ncmap) - unicodes())
    if extra:
        print(f"  code points kept beyond the requested set (layout closure): {len(extra)}")
    for tag in ("GSUB", "GPOS"):
        a, b = feature_map(orig, tag), feature_map(new, tag)
        # a language system dropped as identical to the default resolves to it
        for (sc, ls), v in a.items():
            if (sc, ls) not in b and (sc, "dflt") in b:
                b[(sc, ls)] = b[(sc, "dflt")]
        tags_a = sorted({f for v in a.values() for f in v})
        tags_b = sorted({f for v in b.values() for f in v})
        same = a == b
        ok &= same
        print(f"  {tag}: {len(a)} script/langsys, features {' '.join(tags_b)}:"
              f" {'equal to source' if same else 'DIFFERENT'}")
        if not same:
            print(f"    source: {' '.join(tags_a)}")
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    print(f"    {k}: source {a.get(k)} output {b.get(k)}")
    lig = has_dash_ligature(new)
    print(f"  GSUB ccmp (hani/ZHS) U+2014 U+2014 ligature -> {lig}")
    ok &= lig is not None
    for table, feat, lang in (
        ("GSUB", "locl", "ZHS "), ("GSUB", "locl", "ZHT "), ("GSUB", "locl", "ZHH "),
        ("GSUB", "vert", "ZHS "), ("GPOS", "halt", "ZHS "), ("GPOS", "vhal", "ZHS "),
    ):
        n = len(lookups_of(new, table, feat, lang=lang))
        m = len(lookups_of(orig, table, feat, lang=lang))
        print(f"  {table} {feat} (hani/{lang.strip()}): {n} lookups (source {m})")
        ok &= n == m and n > 0
    ok &= check_locl_alternates(orig, new)
    psname = new["name"].getDebugName(6)
    print(f"  name: {new['name'].getDebugName(4)!r}, {new['name'].getDebugName(5)!r},"
          f" PostScript {psname!r}, CFF {new['CFF '].cff.fontNames[0]!r}")
    ok &= shape_check(src, index, out)
    return ok


def main():
    check_only = "--check" in sys.argv[1:]
    ok = True
    for src, index, out in FONTS:
        src = os.path.join(NOTO, src)
        out = os.path.join(HERE, out)
        if not check_only:
            print(f"building {out} from {src} face {index} ...", flush=True)
            build(src, index, out)
        check_copyright(out)
        ok &= check(src, index, out)
    if not check_only:
        with open(os.path.join(HERE, "OFL.txt"), "w", encoding="utf-8") as f:
            f.write(ofl_text())
    total = sum(
        os.path.getsize(os.path.join(HERE, f))
        for f in os.listdir(HERE)
        if os.path.isfile(os.path.join(HERE, f))
    )
    print(f"fonts/ total: {total:,} bytes ({total / 2**20:.2f} MiB)")
    # 45 MB for the folder (issue 11), other bundled fonts included
    if total >= 45 * 10**6:
        ok = False
        print("fonts/ is NOT under 45 MB")
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
