#!/usr/bin/env python3
"""bench.py [--runs N] — the bookpress benchmark (issue: speed and scale).

Builds the release binary, generates the 100- and 1000-page books with `examples/genbook.rs`
(deterministic, not committed), then for the sample book and both generated books measures
bookpress (EPUB and PDF separately, and both) and Typst (PyPI package `typst`, given only the
bundled fonts, compile time measured inside a fresh Python process so Python's start-up is not
counted): median wall time, peak RSS and output size. Also prints bookpress's per-stage
`--timings` for each book. Run from anywhere: `python3 bench/bench.py`."""
import argparse, os, statistics, subprocess, sys, tempfile, time, json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, 'target', 'release', 'bookpress')
FONTS = os.path.join(ROOT, 'fonts')

def run_measured(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in MB, stdout)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = p.communicate()
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err.decode()}')
    return wall, out.decode(), err.decode()

def peak_rss(cmd):
    """Peak resident memory of one run of cmd, in MB (os.wait4 reports the child's maxrss)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss / 1024

def median_wall(cmd, runs):
    walls = []
    for _ in range(runs):
        w, _, _ = run_measured(cmd)
        walls.append(w)
    return statistics.median(walls)

TYPST = r'''
import sys, time, typst
t = time.perf_counter()
pdf = typst.compile(sys.argv[1], font_paths=[sys.argv[2]], ignore_system_fonts=True, root="/")
dt = time.perf_counter() - t
open(sys.argv[3], "wb").write(pdf)
print(dt)
'''

def typst_run(typ, out_pdf, runs):
    times = []
    for _ in range(runs):
        p = subprocess.run([sys.executable, '-c', TYPST, typ, FONTS, out_pdf], capture_output=True, text=True)
        if p.returncode != 0:
            return None, None
        times.append(float(p.stdout.strip()))
    rss = peak_rss([sys.executable, '-c', TYPST, typ, FONTS, out_pdf])
    base = peak_rss([sys.executable, '-c', 'import typst'])
    return statistics.median(times), rss - base

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=5)
    a = ap.parse_args()
    subprocess.run(['cargo', 'build', '--release', '-q', '--example', 'genbook'], cwd=ROOT, check=True)
    subprocess.run(['cargo', 'build', '--release', '-q'], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix='bookpress-bench-')
    books = [('sample', os.path.join(ROOT, 'book'))]
    for pages in (100, 1000):
        d = os.path.join(tmp, f'book{pages}')
        subprocess.run([os.path.join(ROOT, 'target', 'release', 'examples', 'genbook'), str(pages), d], check=True,
                       stdout=subprocess.DEVNULL)
        books.append((f'{pages} pages', d))
    env = dict(os.environ, SOURCE_DATE_EPOCH='1622678400')
    rows = []
    for name, d in books:
        out = os.path.join(tmp, 'out-' + name.replace(' ', ''))
        both = [BIN, 'build', d, '-o', out]
        epub = both + ['--format', 'epub']
        pdf = both + ['--format', 'pdf']
        subprocess.run(both, check=True, capture_output=True)  # warm the file cache
        r = {'book': name,
             'both_s': median_wall(both, a.runs), 'epub_s': median_wall(epub, a.runs), 'pdf_s': median_wall(pdf, a.runs),
             'rss_mb': peak_rss(both)}
        files = sorted(os.listdir(out))
        r['epub_kb'] = sum(os.path.getsize(os.path.join(out, f)) for f in files if f.endswith('.epub')) / 1024
        r['pdf_kb'] = sum(os.path.getsize(os.path.join(out, f)) for f in files if f.endswith('.pdf') and '-print' not in f) / 1024
        _, _, err = run_measured(both + ['--timings'])
        r['stages'] = ' '.join(l.split(':')[0].strip() + '=' + l.split(':')[1].strip().replace(' ms', 'ms')
                               for l in err.splitlines() if l.strip().endswith('ms'))
        pages = subprocess.run(['pdfinfo', os.path.join(out, [f for f in files if f.endswith('.pdf') and '-print' not in f][0])],
                               capture_output=True, text=True).stdout
        r['pages'] = next((l.split()[-1] for l in pages.splitlines() if l.startswith('Pages:')), '?')
        typ = os.path.join(tmp, name.replace(' ', '') + '.typ')
        subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'to_typst.py'), d, typ], check=True)
        tpdf = os.path.join(tmp, name.replace(' ', '') + '-typst.pdf')
        r['typst_s'], r['typst_rss_mb'] = typst_run(typ, tpdf, max(1, a.runs // 2))
        r['typst_pdf_kb'] = os.path.getsize(tpdf) / 1024 if os.path.exists(tpdf) else None
        rows.append(r)
        print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
    print('| book | pages | EPUB+PDF | EPUB only | PDF only | peak RSS | EPUB size | PDF size | Typst PDF | Typst RSS | Typst PDF size | ratio |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        ratio = f"{r['typst_s'] / r['pdf_s']:.1f}×" if r['typst_s'] else 'n/a'
        ts = f"{r['typst_s']:.3f} s" if r['typst_s'] else 'n/a'
        trss = f"{r['typst_rss_mb']:.0f} MB" if r['typst_rss_mb'] else 'n/a'
        tsize = f"{r['typst_pdf_kb']:.0f} KB" if r['typst_pdf_kb'] else 'n/a'
        print(f"| {r['book']} | {r['pages']} | {r['both_s']:.3f} s | {r['epub_s']:.3f} s | {r['pdf_s']:.3f} s | {r['rss_mb']:.0f} MB | "
              f"{r['epub_kb']:.0f} KB | {r['pdf_kb']:.0f} KB | {ts} | {trss} | {tsize} | {ratio} |")
    print()
    for r in rows:
        print(f"stages ({r['book']}): {r['stages']}")

if __name__ == '__main__':
    main()
