#!/usr/bin/env python3
"""Turns one JMH JSON result file (-rf json) of ReadBenchmark/PutBenchmark into the Markdown
tables of RESULTS.md: throughput, allocation per operation, and the Larder-vs-peer ratios.
Every number printed comes from the file; nothing is typed in by hand.

usage: results_table.py RESULT.json
"""
import json
import sys

STORES = ["larder", "larder-zerocopy", "caffeine", "chm", "ohc", "chronicle", "ehcache"]
OFF_HEAP_PEERS = ["ohc", "chronicle", "ehcache"]
ROWS = [("ReadBenchmark.get1t", "get, 1 thread"), ("ReadBenchmark.get2t", "get, 2 threads"),
        ("ReadBenchmark.mix1t", "75/25 mix, 1 thread"), ("ReadBenchmark.mix2t", "75/25 mix, 2 threads"),
        ("PutBenchmark.put1t", "put, 1 thread"), ("PutBenchmark.put2t", "put, 2 threads")]
ALLOC = "gc.alloc.rate.norm"


def load(path):
    with open(path) as f:
        data = json.load(f)
    res = {}
    for r in data:
        bench = r["benchmark"].rsplit(".", 2)
        name = bench[-2] + "." + bench[-1]
        # EvictingPutBenchmark (Larder only) has a policy, not a store
        store = r["params"].get("store") or "larder/" + r["params"].get("policy", "?")
        pm = r["primaryMetric"]
        sec = r.get("secondaryMetrics", {})
        alloc = sec.get(ALLOC) or sec.get("\u00b7" + ALLOC)
        res[(name, store)] = {
            "score": pm["score"], "error": pm["scoreError"], "cnt": len(pm.get("rawData", [[]])[0]),
            "alloc": alloc["score"] if alloc else None,
            "threads": r.get("threads"), "forks": r.get("forks"),
            "wi": r.get("warmupIterations"), "wt": r.get("warmupTime"),
            "mi": r.get("measurementIterations"), "mt": r.get("measurementTime"),
            "entries": r["params"].get("entries"),
        }
    return data, res


def ops(v):
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    return "%.0f k" % (v / 1e3)


def main(path):
    data, res = load(path)
    present = [s for s in STORES if any((b, s) in res for b, _ in ROWS)]
    first = next((r for r in data if "store" in r["params"]), data[0])
    print("JMH %s, %s %s; forks %s, warmup %s x %s, measurement %s x %s; entries %s"
          % (first.get("jmhVersion"), first.get("vmName"), first.get("jdkVersion"), first.get("forks"),
             first.get("warmupIterations"), first.get("warmupTime"), first.get("measurementIterations"),
             first.get("measurementTime"), first["params"].get("entries")))
    print()
    print("### Throughput (ops/s, higher is better; ± is JMH's 99.9% confidence half-width)")
    print()
    print("| benchmark | " + " | ".join(present) + " |")
    print("|---|" + "---:|" * len(present))
    for b, label in ROWS:
        cells = []
        for s in present:
            r = res.get((b, s))
            if r is None:
                cells.append("n/a")
            else:
                rel = 100.0 * r["error"] / r["score"] if r["score"] and r["error"] == r["error"] else float("nan")
                cells.append("%s ± %.0f%%" % (ops(r["score"]), rel))
        print("| %s | %s |" % (label, " | ".join(cells)))
    print()
    print("### Allocation (gc.alloc.rate.norm, bytes per operation)")
    print()
    print("| benchmark | " + " | ".join(present) + " |")
    print("|---|" + "---:|" * len(present))
    for b, label in ROWS:
        cells = []
        for s in present:
            r = res.get((b, s))
            cells.append("n/a" if r is None or r["alloc"] is None else "%.1f" % r["alloc"])
        print("| %s | %s |" % (label, " | ".join(cells)))
    print()
    print("### Larder vs the best off-heap peer (OHC, Chronicle Map, Ehcache off-heap) — target >= 1.5x")
    print()
    print("| benchmark | Larder variant | Larder ops/s | best off-heap peer | peer ops/s | ratio | target met |")
    print("|---|---|---:|---|---:|---:|---|")
    for b, label in ROWS:
        peers = [(res[(b, p)]["score"], p) for p in OFF_HEAP_PEERS if (b, p) in res]
        if not peers:
            continue
        best, best_name = max(peers)
        variants = ["larder", "larder-zerocopy"] if b.startswith("ReadBenchmark") else ["larder"]
        for v in variants:
            if (b, v) not in res:
                continue
            ls = res[(b, v)]["score"]
            ratio = ls / best
            print("| %s | %s | %s | %s | %s | %.2fx | %s |"
                  % (label, "get (copy)" if v == "larder" and b.startswith("ReadBenchmark") else
                     ("read (zero-copy)" if v == "larder-zerocopy" else "put"),
                     ops(ls), best_name, ops(best), ratio, "yes" if ratio >= 1.5 else "**no**"))
    evicting = sorted((b, s) for (b, s) in res if b.startswith("EvictingPutBenchmark"))
    if evicting:
        print()
        print("### Writes into a full cache (EvictingPutBenchmark, Larder only, maxEntries = half the keys)")
        print()
        print("| benchmark | policy | ops/s | alloc B/op |")
        print("|---|---|---:|---:|")
        for b, s in evicting:
            r = res[(b, s)]
            rel = 100.0 * r["error"] / r["score"] if r["score"] and r["error"] == r["error"] else float("nan")
            print("| %s | %s | %s ± %.0f%% | %s |" % (b.split(".")[1], s.split("/", 1)[1], ops(r["score"]), rel,
                                                  "n/a" if r["alloc"] is None else "%.1f" % r["alloc"]))


if __name__ == "__main__":
    main(sys.argv[1])
