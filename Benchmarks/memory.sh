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
{
  echo "# Many steps"
  for i in $(seq 1000); do printf '\n## Step %d\n\n```bash\necho "step %d"\n```\n' "$i" "$i"; done
} > "$work/many.md"
line=$(printf '%099d' 0)
printf '# Output\n\n## Print\n\n```bash\n# yes ends on SIGPIPE when head has enough, which pipefail would report.\nyes %s | head -c %d || true\n```\n' "$line" $((mb * 1000000)) > "$work/print.md"

# The peak resident set of one run, in MB, and its wall time.
peak() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print("%.1f %.1f" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, time.monotonic() - start))
PY
}
version=$(peak "$runbook" --version)
many=$(peak "$runbook" exec "$work/many.md" --yes --state-dir "$work/state-many")
print=$(peak "$runbook" exec "$work/print.md" --yes --state-dir "$work/state-print")
printf '%-46s %10s %8s\n' "what" "peak MB" "s"
for row in "runbook --version|$version" "runbook exec, 1,000 steps|$many" "runbook exec, one step printing $mb MB|$print"; do
  name=${row%%|*}
  set -- ${row#*|}
  printf '%-46s %10s %8s%s\n' "$name" "$1" "$2" "$([ "$name" = "runbook --version" ] && echo "" || echo "   (budget 50 MB)")"
done
