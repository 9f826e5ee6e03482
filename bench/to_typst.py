#!/usr/bin/env python3
"""to_typst.py BOOK_DIR OUT.typ — writes Typst markup equivalent to a bookpress book (same text,
headings, figures, A5 page, 10.5 pt Noto Serif CJK SC body, justified, 2-em indent on every
paragraph, line height about 1.7), so the benchmark compares like with like."""
import os, re, sys, tomllib

def esc(s):
    return re.sub(r'([\\#\[\]*_`$<>@=\-+/~"])', r'\\\1', s)

def main(book, out):
    meta = tomllib.load(open(os.path.join(book, 'book.toml'), 'rb'))['book']
    rel = os.path.relpath(book, os.path.dirname(os.path.abspath(out)))
    o = ['#set page(paper: "a5", margin: (top: 20mm, bottom: 22mm, x: 20mm), numbering: "1")',
         # Line pitch 1.7 em as bookpress: edges at ascender/descender (1 em in Noto CJK) + 0.7 em.
         '#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn", '
         'top-edge: "ascender", bottom-edge: "descender")',
         '#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.7em, spacing: 0.7em)',
         '#show heading: set text(font: "Noto Sans CJK SC", weight: "bold")',
         # Running heads as bookpress: the book title on even pages, the section title on odd.
         '#set page(header: context { set text(8pt); align(center, if calc.even(here().page()) '
         f'[{esc(meta["title"])}] else {{ let h = query(heading.where(level: 1).before(here())); '
         'if h.len() > 0 { h.last().body } }); v(-0.6em); line(length: 100%, stroke: 0.3pt) })',
         f'#align(center)[#text(size: 20pt, font: "Noto Sans CJK SC", weight: "bold")[{esc(meta["title"])}]]',
         '#pagebreak()', '#outline()', '#pagebreak()']
    for sec in meta['sections']:
        text = open(os.path.join(book, sec), encoding='utf-8').read()
        title = kicker = author = None
        m = re.match(r'\+\+\+\n(.*?)\n\+\+\+\n', text, re.S)
        if m:
            fm = tomllib.loads(m.group(1))
            title, kicker, author = fm.get('title'), fm.get('kicker'), fm.get('author')
            text = text[m.end():]
        o.append('#pagebreak(weak: true)')
        if kicker:
            o.append(f'#align(center, text(9pt)[{esc(kicker)}])')
        if title:
            o.append(f'= {esc(title)}')
        if author:
            o.append(f'#align(center)[{esc(author)}]')
        for block in re.split(r'\n\s*\n', text):
            block = block.strip()
            if not block:
                continue
            if block.startswith('#'):
                level = len(block) - len(block.lstrip('#'))
                o.append('=' * level + ' ' + esc(block.lstrip('#').strip()))
                continue
            fig = re.fullmatch(r'!\[(.*?)\]\((\S+?)(?: "(.*?)")?\)', block)
            if fig:
                cap, path, credit = fig.groups()
                o.append(f'#figure(image("{rel}/{path}", width: 100%), caption: [{esc(cap)} {esc(credit or "")}])')
                continue
            o.append(esc(block.replace('\n', '')))
    open(out, 'w', encoding='utf-8').write('\n\n'.join(o) + '\n')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
