#!/usr/bin/env bash
# Peak resident memory of `runbook exec` (SPEC §11: bounded, under 50 MB) on a 1,000-step guide
# and on one step printing MB megabytes (1000: 1 GB) of 100-byte lines. Release binary; the
# peak is the child's ru_maxrss, read by python3.
#
#   Benchmarks/memory.sh [MB]
set -euo pipefail
cd "$(dirname "$0")/.."
runbook=$PWD/.build/release/runbook
mb=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source Benchmarks/timing.sh
step_guide "Many steps" 1000 'echo "step %d"' > "$work/many.md"
line=$(printf '%099d' 0)
printf '# Output\n\n## Print\n\n```bash\n# yes ends on SIGPIPE when head has enough, which pipefail would report.\nyes %s | head -c %d || true\n```\n' "$line" $((mb * 1000000)) > "$work/print.md"

# One table row: WHAT, a note, then the command. The peak resident set of the command's run,
# in MB, and its wall time.
row() {
  local what=$1 note=$2
  shift 2
  python3 - "$what" "$note" "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("%-46s %10.1f %8.1f%s" % (sys.argv[1], peak, time.monotonic() - start, sys.argv[2]))
PY
}
printf '%-46s %10s %8s\n' "what" "peak MB" "s"
row "runbook --version" "" "$runbook" --version
row "runbook exec, 1,000 steps" "   (budget 50 MB)" "$runbook" exec "$work/many.md" --yes --state-dir "$work/state-many"
row "runbook exec, one step printing $mb MB" "   (budget 50 MB)" \
  "$runbook" exec "$work/print.md" --yes --state-dir "$work/state-print"
