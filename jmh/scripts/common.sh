# Shared by run-all.sh and run-interleaved.sh (sourced, not run).

# Appends the machine summary (commit, date, CPU, memory, kernel, JVM) to $1.
machine_summary() {
  {
    echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . || echo ' (working tree differs from it)')"
    echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|Hypervisor vendor|L1d cache|L2 cache|L3 cache)'
    echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "kernel: $(uname -r)"
    java -version 2>&1
  } >> "$1"
}

# Other work on the machine distorts throughput: appends the load average to $1 every 30 s until
# the calling script exits.
sample_load() {
  ( while true; do echo "$(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) >> "$1" &
  LOADPID=$!
  trap 'kill $LOADPID 2>/dev/null || true' EXIT
}
