#!/usr/bin/env bash
# The full benchmark procedure behind jmh/RESULTS.md: machine summary, one JMH run of every
# benchmark against every store with -prof gc, the footprint program, the generated tables, and
# w-tinylfu's read cost against noeviction (PolicyCostBenchmark, both stores in one fork).
# Run from the repository root after building: mvn -pl jmh -am package -DskipTests
# Writes into OUT (default jmh/results/<UTC date-time>). Takes about 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JAR=jmh/target/benchmarks.jar
OUT=${OUT:-jmh/results/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -pl jmh -am package -DskipTests" >&2; exit 1; }

source jmh/scripts/common.sh
: > "$OUT/machine.txt"
machine_summary "$OUT/machine.txt"
: > "$OUT/load.txt"
sample_load "$OUT/load.txt"

java -jar "$JAR" 'ReadBenchmark|PutBenchmark' -prof gc -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt" 2>&1
java -cp "$JAR" dev.larder.jmh.Footprint > "$OUT/footprint.txt" 2>&1
python3 jmh/scripts/results_table.py "$OUT/jmh.json" > "$OUT/tables.md"
{ echo; sed -n '/^Footprint,/,$p' "$OUT/footprint.txt"; } >> "$OUT/tables.md"
java -jar "$JAR" 'PolicyCostBenchmark' -rf json -rff "$OUT/policy-cost.json" > "$OUT/policy-cost.txt" 2>&1
{ echo; echo "Policy read cost (PolicyCostBenchmark):"; python3 jmh/scripts/policy_cost.py "$OUT/policy-cost.json"; } >> "$OUT/tables.md"
echo "results in $OUT"
