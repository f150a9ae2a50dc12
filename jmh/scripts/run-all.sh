#!/usr/bin/env bash
# The full benchmark procedure behind jmh/RESULTS.md: machine summary, one JMH run of every
# benchmark against every store with -prof gc, the footprint program, the generated tables.
# Run from the repository root after building: mvn -pl jmh -am package -DskipTests
# Writes into OUT (default jmh/results/<UTC date-time>). Takes about 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JAR=jmh/target/benchmarks.jar
OUT=${OUT:-jmh/results/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -pl jmh -am package -DskipTests" >&2; exit 1; }

{
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . || echo ' (working tree differs from it)')"
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|Hypervisor vendor|L1d cache|L2 cache|L3 cache)'
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  java -version 2>&1
} > "$OUT/machine.txt"

# Other work on the machine distorts throughput: sample the load average during the run.
( while true; do echo "$(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > "$OUT/load.txt" &
LOADPID=$!
trap 'kill $LOADPID 2>/dev/null || true' EXIT

java -jar "$JAR" 'ReadBenchmark|PutBenchmark' -prof gc -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt" 2>&1
java -cp "$JAR" dev.larder.jmh.Footprint > "$OUT/footprint.txt" 2>&1
python3 jmh/scripts/results_table.py "$OUT/jmh.json" > "$OUT/tables.md"
{ echo; sed -n '/^Footprint,/,$p' "$OUT/footprint.txt"; } >> "$OUT/tables.md"
echo "results in $OUT"
