# shellcheck shell=bash
# Sourced by the benchmark scripts (from the package root).
#
#   best_ms RUNS COMMAND…   the best wall-clock time of RUNS runs of COMMAND, in milliseconds
#   make_corpus COUNT       COUNT guides generated from runbooks/ and Tests/Fixtures/ into a
#                           temporary directory removed on exit: sets $corpus and $files
#
# Output and exit status are not looked at (lint exits 1 when it finds something); a script
# runs what it times once, checked, before timing it where that matters.
best_ms() {
  local runs=$1 best="" start end ms
  shift
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

make_corpus() {
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
  .build/release/runbook-bench generate "$corpus" "$1"
  # shellcheck disable=SC2034  # read by the script that sources this file
  files=("$corpus"/*.md)
}
