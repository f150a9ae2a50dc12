#!/bin/bash
for r in 1 2; do
  for v in new old; do
    java -jar /tmp/$v-benchmarks.jar 'PolicyCostBenchmark' -rf json -rff $v-r$r.json > $v-r$r.txt 2>&1
    echo "== $v r$r"; python3 /work/main/jmh/scripts/policy_cost.py $v-r$r.json
  done
done
echo DONE
