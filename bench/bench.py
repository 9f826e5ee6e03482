#!/usr/bin/env python3
"""bench.py [--runs N] [--typst-runs N] [--books sample,100,1000,illustrated] — the bookpress benchmark.

Builds the release binary, generates the 100- and 1000-page books with `examples/genbook.rs`
(deterministic, not committed), then for each book measures bookpress (EPUB and PDF together, and
each alone) and Typst (PyPI package `typst`, given only the two bundled font files and no system
fonts; compile time measured inside a fresh Python process, so Python's start-up and the module
import are not counted): median wall time, peak RSS and output size. Also prints bookpress's
per-stage `--timings` (median per stage) for each book. Run from anywhere: `python3 bench/bench.py`.
Timings are only as good as the machine is quiet: the load average is printed before and after.

`illustrated` (not in the default list: it writes about 300 MB) generates a book of 10 sections
with 60 large PNGs (the sample's four pictures upscaled to 3600 pixels wide with Pillow, each
numbered so that no two are the same file) and times a build into a cold output folder (no
picture cache) and a rebuild with nothing changed, with CPU time and peak RSS.

`--hostile [BINARY]` builds only the generated worst cases of issue 12, one build each, measured
with /usr/bin/time: 12,500 to 100,000 consecutive headings (CPU time per 1,000 headings shows
whether the build is linear), text-only books of 1, 5 and 20 MB (peak RSS less that of a
one-line book, divided by the source size), a paragraph, a CJK line and a Latin word as long as
the section cap allows, and a 50 MB section (refused at once)."""
import argparse, glob, json, os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, 'target', 'release', 'bookpress')
GEN = os.path.join(ROOT, 'target', 'release', 'examples', 'genbook')
FONTS = os.path.join(ROOT, 'fonts')


def run(cmd):
    """Runs cmd to completion; returns (wall seconds, peak RSS in MB, stderr text)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err.decode()}')
    return wall, ru.ru_maxrss / 1024, err.decode()


def median_run(cmd, runs):
    """Median wall time and the largest peak RSS over `runs` runs."""
    res = [run(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in res), max(r[1] for r in res)


TYPST = r'''
import sys, time, typst
t = time.perf_counter()
pdf = typst.compile(sys.argv[1], font_paths=[sys.argv[2]], ignore_system_fonts=True, root="/")
dt = time.perf_counter() - t
open(sys.argv[3], "wb").write(pdf)
print(dt)
'''


def typst_run(typ, out_pdf, runs):
    """Median compile time (s) and peak RSS (MB, minus that of Python having imported typst)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, '-c', TYPST, typ, FONTS, out_pdf],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate()
        if p.returncode != 0:
            print(f'typst failed on {typ}: {err.decode()[-500:]}', file=sys.stderr)
            return None, None
        times.append(float(out.decode().strip()))
    # Peak RSS of one more run, and of Python that only imports typst, through wait4.
    def maxrss(args):
        p = subprocess.Popen([sys.executable, '-c'] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return os.wait4(p.pid, 0)[2].ru_maxrss / 1024
    full = maxrss([TYPST, typ, FONTS, out_pdf])
    base = maxrss(['import typst'])
    return statistics.median(times), full - base


def book_stats(d):
    """Sections, figures and CJK characters of a generated or sample book."""
    text = ''.join(open(f, encoding='utf-8').read() for f in sorted(glob.glob(os.path.join(d, '*.md'))))
    cjk = sum(1 for c in text if '\u3400' <= c <= '\u9fff')
    return {'sections': len(glob.glob(os.path.join(d, '*.md'))), 'figures': text.count('!['), 'cjk_chars': cjk}


def pdf_pages(path):
    out = subprocess.run(['pdfinfo', path], capture_output=True, text=True).stdout
    return int(next((l.split()[-1] for l in out.splitlines() if l.startswith('Pages:')), '0'))


def stages(cmd, runs):
    """Median time per `--timings` stage over `runs` runs, in ms, in the order printed."""
    per = {}
    for _ in range(runs):
        _, _, err = run(cmd + ['--timings'])
        for l in err.splitlines():
            m = re.match(r'\s*(.+?):\s+([\d.]+) ms$', l)
            if m:
                per.setdefault(m.group(1), []).append(float(m.group(2)))
    return {k: statistics.median(v) for k, v in per.items()}


# Section size cap of the loader (src/book/mod.rs, MAX_SECTION_BYTES).
SECTION_CAP = 5 * 1024 * 1024
HEADINGS = (12_500, 25_000, 50_000, 100_000)
TEXT_MB = (1, 5, 20)


def write_book(d, sections, title='极端'):
    """A book folder of `sections` [(file name, text)], with the EPUB page list off."""
    os.makedirs(d, exist_ok=True)
    names = ', '.join(f'"{n}"' for n, _ in sections)
    with open(os.path.join(d, 'book.toml'), 'w', encoding='utf-8') as f:
        f.write(f'[book]\ntitle = "{title}"\nsections = [{names}]\n[epub]\npage_list = false\n')
    for n, text in sections:
        with open(os.path.join(d, n), 'w', encoding='utf-8') as f:
            f.write(text)
    return sum(len(t.encode()) for _, t in sections)


def sample_paragraphs():
    """The sample book's body paragraphs (the text-only books repeat them)."""
    paras = []
    for f in sorted(glob.glob(os.path.join(ROOT, 'book', '*.md'))):
        if f.endswith('README.md'):
            continue
        body = open(f, encoding='utf-8').read().rsplit('+++\n', 1)[-1]
        paras += [p.strip() for p in body.split('\n\n')
                  if len(p.strip()) > 40 and not p.strip().startswith(('#', '!', '+', '|', '-', '>', '`'))]
    return paras


def text_book(d, mb):
    """A text-only book of `mb` MB: sections of 512 KB of the sample's paragraphs, a heading
    every 20 paragraphs."""
    paras, total, sections = sample_paragraphs(), int(mb * 1024 * 1024), []
    size = 0
    while size < total:
        k = len(sections) + 1
        parts, s, i = [f'# 第{k}章\n'], 0, 0
        while s < 512 * 1024 and size + s < total:
            if i % 20 == 0:
                parts.append(f'## 第{k}.{i // 20 + 1}节\n')
            p = paras[(k * 7 + i) % len(paras)]
            parts.append(p + '\n')
            s, i = s + len(p.encode()) + 2, i + 1
        sections.append((f'{k:03}.md', '\n'.join(parts)))
        size += s
    return write_book(d, sections, '纯文字')


def hostile_books(tmp):
    """Generated worst cases (issue 12). Returns [(group, name, folder, source bytes)]."""
    para = '正文的一句话，说明这本书如何排版。'
    room = SECTION_CAP - 64  # the heading and some slack under the cap
    out = [('fixed', 'one line', os.path.join(tmp, 'tiny'), None)]
    write_book(out[0][2], [('a.md', '# 小\n\n正文。\n')])
    for n in HEADINGS:
        d = os.path.join(tmp, f'headings-{n}')
        text = '# 极端\n\n' + '\n\n'.join(f'## 第{i}节' for i in range(n)) + '\n\n正文。\n'
        out.append(('headings', f'{n:,} headings', d, write_book(d, [('a.md', text)])))
    for mb in TEXT_MB:
        d = os.path.join(tmp, f'text-{mb}')
        out.append(('text', f'text only, {mb} MB', d, text_book(d, mb)))
    cases = {
        'one paragraph at the cap': para * (room // len(para.encode())),
        'one CJK line at the cap': '长' * (room // 3) + '\n',
        'one Latin word at the cap': 'a' * room + '\n',
        '50 MB paragraph (over the cap)': para * (50 * 1024 * 1024 // len(para.encode())),
    }
    for name, text in cases.items():
        d = os.path.join(tmp, 'worst-' + re.sub(r'\W+', '-', name))
        out.append(('worst', name, d, write_book(d, [('a.md', '# 极端\n\n' + text)])))
    return out


def hostile(binary, tmp):
    """One build of each generated worst case: exit code, wall and CPU time, peak RSS. The text
    books also get (peak RSS − the one-line book's) ÷ source size; the headings, CPU time per
    1,000 headings, which stays flat when the build is linear."""
    print('| case | source | exit | wall | CPU | peak RSS | (RSS − fixed) ÷ source | CPU per 1,000 headings |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    fixed = None
    books = hostile_books(tmp)
    stats = os.path.join(tmp, 'time.txt')
    for group, name, d, size in books:
        # Measured by /usr/bin/time, not wait4 here: a child forked from this Python process
        # starts with its peak RSS (the generated texts), which ru_maxrss keeps across exec.
        subprocess.run(['/usr/bin/time', '-f', '%x %e %U %S %M', '-o', stats, binary, 'build', d,
                            '-o', os.path.join(tmp, 'out-' + os.path.basename(d)), '-q'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        code, wall, user, system, kb = open(stats).read().split()[-5:]
        code, wall, cpu, rss = int(code), float(wall), float(user) + float(system), int(kb) / 1024
        if group == 'fixed':
            fixed = rss
        ratio = f'{(rss - fixed) / (size / 2**20):.1f}×' if group == 'text' else ''
        per = f'{cpu / (int(name.split()[0].replace(",", "")) / 1000) * 1000:.0f} ms' if group == 'headings' else ''
        src = f'{size / 2**20:.1f} MB' if size else ''
        print(f'| {name} | {src} | {code} | {wall:.2f} s | {cpu:.2f} s '
              f'| {rss:.0f} MB | {ratio} | {per} |')


def illustrated_book(d, pictures=60, sections=10):
    """The illustrated case: the sample's text, and its pictures upscaled into large PNGs."""
    from PIL import Image, ImageDraw
    os.makedirs(os.path.join(d, 'images'), exist_ok=True)
    sources = sorted(glob.glob(os.path.join(ROOT, 'book', 'images', '*.jpg')))
    text = open(os.path.join(ROOT, 'book', '02-hetang.md'), encoding='utf-8').read()
    paras = [p for p in text.split('\n\n') if p.strip() and not p.startswith(('#', '!', '+'))]
    names = []
    for s in range(sections):
        body = [f'# 第{s + 1}章 插图']
        for k in range(pictures // sections):
            n = s * (pictures // sections) + k
            img = Image.open(sources[n % len(sources)]).convert('RGB')
            img = img.resize((3600, round(3600 * img.height / img.width)), Image.LANCZOS)
            ImageDraw.Draw(img).rectangle([40, 40, 240 + 40 * (n % 10), 120], fill=(255, 255, 255))
            img.save(os.path.join(d, 'images', f'p{n:03}.png'), optimize=False)
            body += paras[k % len(paras):k % len(paras) + 2] + [f'![插图 {n + 1}](images/p{n:03}.png)']
        name = f'{s + 1:02}.md'
        open(os.path.join(d, name), 'w', encoding='utf-8').write('\n\n'.join(body) + '\n')
        names.append(name)
    open(os.path.join(d, 'book.toml'), 'w', encoding='utf-8').write(
        '[book]\ntitle = "插图书"\nsections = [' + ', '.join(f'"{n}"' for n in names) + ']\n')


def cpu_run(cmd):
    """(wall s, user+system CPU s, peak RSS MB) of one run."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err.decode()}')
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def cold_and_rebuild(name, d, out, runs):
    """Median of `runs` builds into an emptied output folder, then of rebuilds into it."""
    import shutil
    both = [BIN, 'build', d, '-o', out]
    cold = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cold.append(cpu_run(both))
    warm = [cpu_run(both) for _ in range(runs)]
    med = lambda rs, i: statistics.median(r[i] for r in rs)
    pics = sum(os.path.getsize(p) for p in glob.glob(os.path.join(d, 'images', '*')))
    files = {f: os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if '.' in f[1:]}
    pdf = next(v for f, v in files.items() if f.endswith('.pdf'))
    epub = next(v for f, v in files.items() if f.endswith('.epub'))
    return {'book': name, 'cold_s': med(cold, 0), 'cold_cpu_s': med(cold, 1),
            'cold_rss_mb': max(r[2] for r in cold), 'rebuild_s': med(warm, 0),
            'rebuild_cpu_s': med(warm, 1), 'rebuild_rss_mb': max(r[2] for r in warm),
            'pictures_mb': pics / 1e6, 'pdf_mb': pdf / 1e6, 'epub_mb': epub / 1e6}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hostile', metavar='BINARY', nargs='?', const=BIN,
                    help='only build the generated worst cases (issue 12) with BINARY: 12,500 to '
                         '100,000 headings, text-only books of 1, 5 and 20 MB, a paragraph, a line and a '
                         'word as long as the section cap allows, and a 50 MB section (refused)')
    ap.add_argument('--runs', type=int, default=9)
    ap.add_argument('--typst-runs', type=int, default=3)
    ap.add_argument('--books', default='sample,100,1000')
    ap.add_argument('--json', help='also write the results here')
    a = ap.parse_args()
    if a.hostile:
        hostile(a.hostile, tempfile.mkdtemp(prefix='bookpress-hostile-'))
        return
    print(f'load average before: {os.getloadavg()[0]:.2f}', file=sys.stderr)
    subprocess.run(['cargo', 'build', '--release', '-q', '--bin', 'bookpress', '--example', 'genbook'],
                   cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix='bookpress-bench-')
    books = []
    cold_rows = []
    for b in a.books.split(','):
        if b == 'illustrated':
            d = os.path.join(tmp, 'illustrated')
            illustrated_book(d)
            r = cold_and_rebuild('illustrated (60 PNGs)', d, os.path.join(tmp, 'out-illustrated'), a.runs)
            print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
            cold_rows.append(r)
        elif b == 'sample':
            books.append(('sample', os.path.join(ROOT, 'book')))
        else:
            d = os.path.join(tmp, f'book{b}')
            subprocess.run([GEN, b, d], check=True, stdout=subprocess.DEVNULL)
            books.append((f'{b} pages', d))
    rows = []
    for name, d in books:
        out = os.path.join(tmp, 'out-' + name.replace(' ', ''))
        both = [BIN, 'build', d, '-o', out]
        run(both)  # warm the file cache
        r = {'book': name, **book_stats(d)}
        r['both_s'], r['rss_mb'] = median_run(both, a.runs)
        r['epub_s'], r['epub_rss_mb'] = median_run(both + ['--format', 'epub'], a.runs)
        r['pdf_s'], r['pdf_rss_mb'] = median_run(both + ['--format', 'pdf'], a.runs)
        run(both)
        files = os.listdir(out)
        epub = next(os.path.join(out, f) for f in files if f.endswith('.epub'))
        pdf = next(os.path.join(out, f) for f in files if f.endswith('.pdf') and not f.endswith('-print.pdf'))
        r['epub_kb'], r['pdf_kb'] = os.path.getsize(epub) / 1024, os.path.getsize(pdf) / 1024
        r['pages'] = pdf_pages(pdf)
        r['stages_ms'] = stages(both, a.runs)
        typ = os.path.join(tmp, name.replace(' ', '') + '.typ')
        subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'to_typst.py'), d, typ], check=True)
        tpdf = os.path.join(tmp, name.replace(' ', '') + '-typst.pdf')
        r['typst_s'], r['typst_rss_mb'] = typst_run(typ, tpdf, a.typst_runs)
        r['typst_pdf_kb'] = os.path.getsize(tpdf) / 1024 if os.path.exists(tpdf) else None
        r['typst_pages'] = pdf_pages(tpdf) if os.path.exists(tpdf) else None
        rows.append(r)
        print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
    print(f'load average after: {os.getloadavg()[0]:.2f}', file=sys.stderr)
    if a.json:
        json.dump(rows, open(a.json, 'w'), ensure_ascii=False, indent=1)

    def f(v, unit, fmt='.3f'):
        return 'n/a' if v is None else f'{v:{fmt}} {unit}'
    print('| book | pages | EPUB+PDF | EPUB | PDF | peak RSS | EPUB size | PDF size '
          '| Typst (pages) | Typst RSS | Typst PDF size | Typst ÷ PDF |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for r in rows:
        ratio = f"{r['typst_s'] / r['pdf_s']:.1f}×" if r['typst_s'] else 'n/a'
        print(f"| {r['book']} | {r['pages']} | {f(r['both_s'], 's')} | {f(r['epub_s'], 's')} | {f(r['pdf_s'], 's')} "
              f"| {f(r['rss_mb'], 'MB', '.0f')} | {f(r['epub_kb'], 'KB', '.0f')} | {f(r['pdf_kb'], 'KB', '.0f')} "
              f"| {f(r['typst_s'], 's')} ({r['typst_pages']}) | {f(r['typst_rss_mb'], 'MB', '.0f')} "
              f"| {f(r['typst_pdf_kb'], 'KB', '.0f')} | {ratio} |")
    print()
    if cold_rows:
        print('| book | pictures | cold: wall | CPU | peak RSS | rebuild: wall | CPU | peak RSS | PDF size | EPUB size |')
        print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for r in cold_rows:
        print(f"| {r['book']} | {r['pictures_mb']:.0f} MB | {r['cold_s']:.2f} s | {r['cold_cpu_s']:.2f} s "
              f"| {r['cold_rss_mb']:.0f} MB | {r['rebuild_s']:.2f} s | {r['rebuild_cpu_s']:.2f} s "
              f"| {r['rebuild_rss_mb']:.0f} MB | {r['pdf_mb']:.1f} MB | {r['epub_mb']:.1f} MB |")
    print()
    for r in rows:
        print(f"{r['book']}: {r['sections']} sections, {r['figures']} figures, {r['cjk_chars']} CJK characters; "
              'stages (ms, median): ' + ', '.join(f'{k} {v:.1f}' for k, v in r['stages_ms'].items()))


if __name__ == '__main__':
    main()
