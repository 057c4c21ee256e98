#!/usr/bin/env bash
# `runbook lint` over a large generated corpus against the cmark CLI on the same files.
# SPEC §11: lint at most 2x cmark. Release binary; best of 3. shellcheck is measured apart
# (`--shellcheck off` for the budget figure): it is another program, run once per guide.
#
#   Benchmarks/lint.sh [COUNT]   COUNT generated guides (2000)
#   Benchmarks/lint.sh DIR       the *.md files under DIR instead (your own guides)
set -euo pipefail
given=${1:-2000}
if [ -d "$given" ]; then given=$(cd "$given" && pwd); fi
cd "$(dirname "$0")/.."
runbook=.build/release/runbook
source Benchmarks/timing.sh
corpus_or_dir "$given"

cmark_ms=$(best_ms 3 cmark "${files[@]}")
lint_ms=$(best_ms 3 "$runbook" lint --shellcheck off "${files[@]}")
some=("${files[@]:0:100}")
cmark_some=$(best_ms 3 cmark "${some[@]}")
shellcheck_some=$(best_ms 3 "$runbook" lint "${some[@]}")
nocheck_some=$(best_ms 3 "$runbook" lint --shellcheck off "${some[@]}")
echo "corpus: $what"
printf '%-52s %10s %9s\n' "what" "ms" "vs cmark"
printf '%-52s %10s %9s\n' "cmark CLI (one process, all files)" "$cmark_ms" "1.00x"
awk -v c="$cmark_ms" -v l="$lint_ms" -v cs="$cmark_some" -v s="$shellcheck_some" -v n="$nocheck_some" 'BEGIN {
  printf "%-52s %10d %8.2fx   (budget 2x)\n", "runbook lint --shellcheck off", l, l / c
  printf "%-52s %10d %8.2fx   (first 100 guides; cmark %d ms)\n", "runbook lint with shellcheck", s, s / cs, cs
  printf "%-52s %10d %8.2fx   (first 100 guides)\n", "runbook lint --shellcheck off", n, n / cs
}'
