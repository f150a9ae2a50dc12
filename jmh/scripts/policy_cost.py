#!/usr/bin/env python3
"""Per-pair ratios from PolicyCostBenchmark's JSON (jmh -rf json).

Iteration i of a fork (warm-up included) read store A or B in the pattern A B B A A B B A ...
With an even number of warm-up iterations, measured iterations 2k and 2k+1 are one A and one B.
Prints, per benchmark and order of stores, each pair's B/A throughput and the median; then, per
benchmark, the policy's ratio as the geometric mean of the two orders' medians (the order bias
cancels), expressed as full/noeviction.

The two stores are named in the "stores" parameter as "A/B" (session 12's first runs wrote "A,B").

Usage: python3 jmh/scripts/policy_cost.py run.json [more.json ...]
"""
import json
import math
import re
import statistics
import sys


def store_of(i):
    return ((i + 1) >> 1) & 1


def main(paths):
    medians = {}  # (benchmark, "A,B") -> list of fork medians
    for path in paths:
        for run in json.load(open(path)):
            bench = run["benchmark"].rsplit(".", 1)[1]
            order = run["params"]["stores"]
            warmup = run["warmupIterations"]
            if warmup % 2:
                sys.exit(f"{path}: {warmup} warm-up iterations; the pairing needs an even number")
            for fork in run["primaryMetric"]["rawData"]:
                ratios = []
                for k in range(0, len(fork) - 1, 2):
                    i = warmup + k
                    a, b = (fork[k], fork[k + 1]) if store_of(i) == 0 else (fork[k + 1], fork[k])
                    ratios.append(b / a)
                med = statistics.median(ratios)
                q = statistics.quantiles(ratios, n=4)
                print(f"{bench} [{order}] {len(ratios)} pairs: median B/A {med:.3f} "
                      f"(quartiles {q[0]:.3f}-{q[2]:.3f}, range {min(ratios):.3f}-{max(ratios):.3f})")
                medians.setdefault((bench, order), []).append(med)
    benches = sorted({b for b, _ in medians})
    for bench in benches:
        fwd = [m for (b, o), ms in medians.items() if b == bench and re.split("[/,]", o)[0].endswith("noeviction") for m in ms]
        rev = [1 / m for (b, o), ms in medians.items() if b == bench and re.split("[/,]", o)[1].endswith("noeviction") for m in ms]
        if fwd and rev:
            f, r = statistics.median(fwd), statistics.median(rev)
            print(f"{bench}: full/noeviction {f:.3f} (noeviction built first), {r:.3f} (full built first), "
                  f"geometric mean {math.sqrt(f * r):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
