#!/usr/bin/env python3
"""Tables of an interleaved run (run-interleaved.sh): every round's throughput per store, and per
round the ratio of each Larder variant to the best off-heap peer of that same round, with the
median over the rounds. Every number printed comes from the result files.

usage: interleaved_table.py DIR
"""
import glob
import json
import os
import re
import statistics
import sys

from results_table import OFF_HEAP_PEERS, ROWS, ops

VARIANTS = [("larder", "get (copy)"), ("larder-zerocopy", "read (zero-copy)")]
TARGET = 1.5


def load(directory):
    scores = {}
    for path in glob.glob(os.path.join(directory, "r*-*.json")):
        m = re.match(r"r(\d+)-", os.path.basename(path))
        if os.path.getsize(path) == 0:
            continue  # a fork that was interrupted
        with open(path) as f:
            data = json.load(f)
        for r in data:
            if "store" not in r["params"]:
                continue  # a benchmark of another class that the name pattern also matched
            name = ".".join(r["benchmark"].rsplit(".", 2)[-2:])
            scores[(int(m.group(1)), name, r["params"]["store"])] = r["primaryMetric"]["score"]
    return scores


def main(directory):
    scores = load(directory)
    rounds = sorted({k[0] for k in scores})
    stores = [s for s in ["larder", "larder-zerocopy"] + OFF_HEAP_PEERS if any(k[2] == s for k in scores)]
    print("### Throughput per round (ops/s)")
    print()
    print("| benchmark | round | " + " | ".join(stores) + " |")
    print("|---|---:|" + "---:|" * len(stores))
    for bench, label in ROWS:
        for r in rounds:
            cells = [ops(scores[(r, bench, s)]) if (r, bench, s) in scores else "n/a" for s in stores]
            print("| %s | %d | %s |" % (label, r, " | ".join(cells)))
    print()
    print("### Larder vs the best off-heap peer of the same round — target >= %.1fx" % TARGET)
    print()
    print("| benchmark | Larder variant | " + " | ".join("round %d" % r for r in rounds)
          + " | median | rounds met |")
    print("|---|---|" + "---:|" * len(rounds) + "---:|---:|")
    for bench, label in ROWS:
        for variant, vlabel in VARIANTS:
            ratios, cells = [], []
            for r in rounds:
                own = scores.get((r, bench, variant))
                peers = [(scores[(r, bench, p)], p) for p in OFF_HEAP_PEERS if (r, bench, p) in scores]
                if own is None or not peers:
                    cells.append("n/a")
                    continue
                best, name = max(peers)
                ratios.append(own / best)
                cells.append("%.2fx (%s)" % (own / best, name))
            if not ratios:
                continue
            if bench.startswith("PutBenchmark"):
                vlabel = "put"
            met = sum(1 for x in ratios if x >= TARGET)
            print("| %s | %s | %s | **%.2fx** | %d of %d |"
                  % (label, vlabel, " | ".join(cells), statistics.median(ratios), met, len(ratios)))


if __name__ == "__main__":
    main(sys.argv[1])
