#!/usr/bin/env bash
# Ratio runs that resist the machine's drift: ROUNDS rounds; in each round, for every benchmark of
# the target table, one fork per store, one store after the other, with the stores' order rotated
# from round to round. A store and its peers are thus measured within a few minutes of each other,
# and each round gives its own Larder-vs-peer ratio; interleaved_table.py reports every round's
# ratio and their median. A full run (run-all.sh) measures each store's benchmarks together, so
# a store's figure and its peer's can be 10 minutes apart, time enough for this machine to change
# speed by a quarter (see RESULTS.md).
# Run from the repository root after building: mvn -pl jmh -am package -DskipTests
# Writes into OUT (default jmh/results/<UTC date-time>-interleaved). About 12 minutes per round on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JAR=jmh/target/benchmarks.jar
OUT=${OUT:-jmh/results/$(date -u +%Y%m%d-%H%M%S)-interleaved}
ROUNDS=${ROUNDS:-3}
FIRST_ROUND=${FIRST_ROUND:-1} # to add rounds to an earlier run in the same OUT
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -pl jmh -am package -DskipTests" >&2; exit 1; }

source jmh/scripts/common.sh
machine_summary "$OUT/machine.txt"
sample_load "$OUT/load.txt"

READ_STORES=(larder larder-zerocopy ohc chronicle ehcache)
PUT_STORES=(larder ohc chronicle ehcache)
for round in $(seq "$FIRST_ROUND" "$ROUNDS"); do
  for bench in ReadBenchmark.get1t ReadBenchmark.get2t ReadBenchmark.mix1t ReadBenchmark.mix2t \
               PutBenchmark.put1t PutBenchmark.put2t; do
    if [[ $bench == Put* ]]; then stores=("${PUT_STORES[@]}"); else stores=("${READ_STORES[@]}"); fi
    n=${#stores[@]}
    for i in $(seq 0 $((n - 1))); do
      store=${stores[$(( (i + round - 1) % n ))]}
      echo "$(date -u +%T) round $round $bench $store"
      # anchored at both ends: "PutBenchmark.put1t" alone would also match EvictingPutBenchmark
      java -jar "$JAR" "\\.${bench}\$" -p store="$store" -f 1 -prof gc \
        -rf json -rff "$OUT/r${round}-${bench}-${store}.json" > "$OUT/r${round}-${bench}-${store}.txt" 2>&1
    done
  done
done >> "$OUT/progress.txt"
python3 jmh/scripts/interleaved_table.py "$OUT" > "$OUT/tables.md"
echo "results in $OUT"
