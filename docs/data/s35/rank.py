#!/usr/bin/python3
"""Session 35: every candidate of the three default shapes searches trained 15 epochs (d.sh) against the search's own
scores (inherited accuracy, 300-step proxy) and its rank. Prints one row per candidate and per-seed summaries."""
import re, glob, statistics
logs = {1: "adam-shapes-1-s27.log", 2: "adam-shapes-2.log", 3: "adam-shapes-3.log"}
for s, log in logs.items():
    text = open(log).read()
    inh, proxy, mf = {}, {}, {}
    for m in re.finditer(r"candidate (argmax|sample \d+): ([\d.]+) MFLOPs, inherited accuracy ([\d.]+) %(?:, after 300 steps of training from scratch ([\d.]+) %)?", text):
        o = m.group(1); mf[o] = float(m.group(2)); inh[o] = float(m.group(3))
        if m.group(4): proxy[o] = float(m.group(4))
    rows = []
    for m in re.finditer(r"rank (\d): (argmax|sample \d+) (in_c\S+)", text):
        r, o = int(m.group(1)), m.group(2)
        f = f"rank-seed{s}-r{r}.log"
        try:
            t = re.search(r"test accuracy ([\d.]+) %", open(f).read())
        except FileNotFoundError:
            t = None
        rows.append((r, o, mf.get(o), inh.get(o), proxy.get(o), float(t.group(1)) if t else None))
    print(f"seed {s} ({log})")
    print(f"  {'rank':>4} {'origin':<9} {'MFLOPs':>6} {'inherited':>9} {'proxy':>6} {'15-ep test':>10}")
    for r, o, m, i, p, t in rows:
        print(f"  {r:>4} {o:<9} {m:>6.3f} {i:>9.2f} {('%.2f' % p) if p else '-':>6} {('%.2f' % t) if t else '-':>10}")
    done = [t for *_, t in rows if t is not None]
    if len(done) == len(rows):
        print(f"  pick (rank 1) {rows[0][5]:.2f}; mean of the five {statistics.mean(done):.2f}; best {max(done):.2f} ({[o for r,o,*_,t in rows if t==max(done)][0]})")
