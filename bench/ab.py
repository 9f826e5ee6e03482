#!/usr/bin/env python3
"""ab.py BOOK ROUNDS BINARY... — two or more bookpress binaries on one book, alternating.

Each round builds BOOK once with each binary (EPUB and PDF, SOURCE_DATE_EPOCH fixed, each into
its own output folder) and prints, per binary, the medians of the wall time, the CPU time (user
+ system, from wait4) and their ratio ("CPUs utilized"), and the peak RSS.

On a busy machine wall times measure the other jobs more than bookpress. `PRE="chrt -f 50"`
(root) runs each build under the real-time scheduler, ahead of ordinary processes, so that its
wall time is close to an idle machine's for a build this short; `OUTROOT=/dev/shm` puts the
output folders on tmpfs, where fsync costs nothing, to leave the disk out. Both are said in
what is reported. Example: `PRE="chrt -f 50" python3 bench/ab.py book 30 old/bookpress new/bookpress`."""
import os, statistics, subprocess, sys, tempfile, time


def main():
    book, rounds, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pre = os.environ.get('PRE', '').split()
    root = os.environ.get('OUTROOT') or tempfile.mkdtemp(prefix='bookpress-ab-')
    env = dict(os.environ, SOURCE_DATE_EPOCH='1622678400')
    res = {b: ([], [], []) for b in bins}
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for i, b in enumerate(bins):
            out = os.path.join(root, f'ab-out-{i}')
            t = time.perf_counter()
            p = subprocess.Popen(pre + [b, '-q', 'build', book, '-o', out], env=env)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f'{b} failed on {book}')
            res[b][0].append(wall)
            res[b][1].append(ru.ru_utime + ru.ru_stime)
            res[b][2].append(ru.ru_maxrss / 1024)
    for b, (wall, cpu, rss) in res.items():
        w, c = statistics.median(wall), statistics.median(cpu)
        print(f'{b}: wall {w * 1000:.1f} ms, CPU {c * 1000:.1f} ms, CPUs utilized {c / w:.2f}, '
              f'peak RSS {statistics.median(rss):.0f} MB')
    print(f'{rounds} rounds; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after')


if __name__ == '__main__':
    main()
