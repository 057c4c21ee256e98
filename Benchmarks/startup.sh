#!/usr/bin/env bash
# Start-up budgets (SPEC §11): `runbook --version` ≤ 20 ms, `runbook plan` of a guide ≤ 30 ms.
# Best of 10 wall-clock runs of the release binary. GUIDE defaults to the largest own fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
runbook=.build/release/runbook
guide=${1:-Tests/Fixtures/hosting-ec2.md}
best_ms() {
  local best=""
  for _ in $(seq 10); do
    local start end ms
    start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
printf '%-48s %6s %8s\n' "what" "ms" "budget"
printf '%-48s %6s %8s\n' "runbook --version" "$(best_ms "$runbook" --version)" "20"
printf '%-48s %6s %8s\n' "runbook plan $(basename "$guide") ($(wc -l <"$guide") lines)" "$(best_ms "$runbook" plan "$guide")" "30"
