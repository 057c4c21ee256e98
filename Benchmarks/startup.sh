#!/usr/bin/env bash
# Start-up budgets (SPEC §11): `runbook --version` ≤ 20 ms, `runbook plan` of a guide ≤ 30 ms.
# Best of 10 wall-clock runs of the release binary. GUIDE defaults to the largest own fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
runbook=.build/release/runbook
guide=${1:-Tests/Fixtures/hosting-ec2.md}
source Benchmarks/timing.sh
printf '%-48s %6s %8s\n' "what" "ms" "budget"
printf '%-48s %6s %8s\n' "runbook --version" "$(best_ms 10 "$runbook" --version)" "20"
printf '%-48s %6s %8s\n' "runbook plan $(basename "$guide") ($(wc -l <"$guide") lines)" "$(best_ms 10 "$runbook" plan "$guide")" "30"
