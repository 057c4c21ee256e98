#!/usr/bin/env bash
# Parse throughput: runbook's guide reader against the cmark CLI on the same generated corpus.
# Budget (SPEC §11): lint at most 2x cmark; the reader is the part of lint measured here.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
bench=.build/release/runbook-bench
source Benchmarks/timing.sh
make_corpus "$count"

cmark_ms=$(best_ms 5 cmark "${files[@]}")
read -r line < <("$bench" read "${files[@]}")
markdown_ms=$(sed -E 's/.*markdown_ms=([0-9.]+).*/\1/' <<<"$line")
reader_ms=$(sed -E 's/.*reader_ms=([0-9.]+).*/\1/' <<<"$line")
bytes=$(sed -E 's/.*bytes=([0-9]+).*/\1/' <<<"$line")
echo "corpus: ${#files[@]} guides, $((bytes / 1024)) KiB (generated from runbooks/ and Tests/Fixtures/)"
printf '%-44s %10s %8s\n' "what" "ms" "vs cmark"
printf '%-44s %10s %8s\n' "cmark CLI (one process, all files)" "$cmark_ms" "1.00x"
awk -v c="$cmark_ms" -v m="$markdown_ms" -v r="$reader_ms" 'BEGIN {
  printf "%-44s %10.1f %7.2fx\n", "runbook: libcmark parse + Swift tree", m, m / c
  printf "%-44s %10.1f %7.2fx\n", "runbook: full guide reader (step graph)", r, r / c
}'
