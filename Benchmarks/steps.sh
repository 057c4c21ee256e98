#!/usr/bin/env bash
# Per-step overhead of `runbook exec` (one shell per target, a snapshot and a durable journal
# record per step) against bash running the same commands in one script. SPEC §11: at most
# 3 ms per step above bash. Release binary; best of 5.
set -euo pipefail
cd "$(dirname "$0")/.."
runbook=$PWD/.build/release/runbook
steps=${1:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source Benchmarks/timing.sh
step_guide "Overhead benchmark" "$steps" 'echo "step %d" > /dev/null\ncd .' > "$work/guide.md"
{
  for i in $(seq "$steps"); do printf 'echo "step %d" > /dev/null\ncd .\n' "$i"; done
} > "$work/script.sh"

cd "$work"
bash_ms=$(best_ms 5 bash script.sh)
runbook_ms=$(best_ms 5 "$runbook" exec guide.md --yes --state-dir "$work/state")
printf '%-46s %8s %12s\n' "what ($steps steps)" "ms" "per step"
awk -v s="$steps" -v b="$bash_ms" -v r="$runbook_ms" 'BEGIN {
  printf "%-46s %8d %9.2f ms\n", "bash, one script", b, b / s
  printf "%-46s %8d %9.2f ms\n", "runbook exec: shell, snapshot, durable journal", r, r / s
  printf "%-46s %8s %9.2f ms   (budget 3 ms)\n", "overhead per step", "", (r - b) / s
}'
