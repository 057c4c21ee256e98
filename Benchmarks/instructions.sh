#!/usr/bin/env bash
# Work, not wall time: instructions executed by `runbook lint` and by the cmark CLI on the same
# generated guides, counted exactly by valgrind (callgrind). Wall time on a shared machine moves
# by 20-40 % between runs; this count does not, so it compares two builds of lint fairly.
# Then where lint's instructions went, part by part, per guide (Benchmarks/lint-parts.awk).
# Usage: Benchmarks/instructions.sh [COUNT|DIR]   (default 100 generated guides; DIR: the *.md
# files under it; needs valgrind)
set -euo pipefail
given=${1:-100}
if [ -d "$given" ]; then given=$(cd "$given" && pwd); fi
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
source Benchmarks/timing.sh
corpus_or_dir "$given"
work=$(mktemp -d)
trap 'rm -rf "$work" "${corpus:-}"' EXIT
# valgrind cannot read the static binary's debug information; the symbols are enough.
strip --strip-debug -o "$work/runbook" .build/release/runbook

instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$@" >/dev/null 2>&1 || true
  callgrind_annotate "$work/out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }'
}

cmark_n=$(instructions cmark "${files[@]}")
lint_n=$(instructions "$work/runbook" lint --shellcheck off "${files[@]}")
# Where lint's instructions went, from the same profile (Benchmarks/lint-parts.awk).
parts=$(callgrind_annotate --inclusive=yes --threshold=100 "$work/out" 2>/dev/null |
  awk -v guides="${#files[@]}" -f Benchmarks/lint-parts.awk)
echo "corpus: $what"
printf '%-40s %16s %9s\n' "what" "instructions" "vs cmark"
awk -v c="$cmark_n" -v l="$lint_n" 'BEGIN {
  printf "%-40s %16d %8.2fx\n", "cmark CLI (one process, all files)", c, 1
  printf "%-40s %16d %8.2fx\n", "runbook lint --shellcheck off", l, l / c
}'
echo
echo "$parts"
awk -v c="$cmark_n" -v n="${#files[@]}" 'BEGIN { printf "%-52s %12.0f\n", "cmark CLI, all of it, for comparison", c / n }'
