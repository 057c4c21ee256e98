# shellcheck shell=bash
# Sourced by the benchmark scripts (from the package root).
#
#   best_ms RUNS COMMAND…   the best wall-clock time of RUNS runs of COMMAND, in milliseconds
#   corpus_or_dir COUNT|DIR see below
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

# corpus_or_dir COUNT|DIR  the *.md files under DIR, or COUNT generated guides: sets $files
#                         and $what (a line naming the corpus)
# shellcheck disable=SC2034  # $files and $what are read by the script that sources this file
corpus_or_dir() {
  if [ -d "$1" ]; then
    mapfile -t files < <(find "$1" -name '*.md' -type f | sort)
    [ "${#files[@]}" -gt 0 ] || { echo "no *.md files under $1" >&2; exit 2; }
    what="${#files[@]} guides under $1"
  else
    make_corpus "$1"
    what="${#files[@]} guides generated from runbooks/ and Tests/Fixtures/"
  fi
}

make_corpus() {
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
  .build/release/runbook-bench generate "$corpus" "$1"
  # shellcheck disable=SC2034  # read by the script that sources this file
  files=("$corpus"/*.md)
}

# step_guide TITLE COUNT BODY [LEAD]  a guide of COUNT sections "## Step I", each holding one
#                                     bash block: BODY, a printf format whose %d is the step's
#                                     number, after the paragraph LEAD when given
step_guide() {
  local title=$1 count=$2 body=$3 lead=${4:-} i
  echo "# $title"
  for i in $(seq "$count"); do
    printf '\n## Step %d\n\n' "$i"
    [ -z "$lead" ] || printf '%s\n\n' "$lead"
    # shellcheck disable=SC2059  # the body is the format
    printf "\`\`\`bash\n$body\n\`\`\`\n" "$i"
  done
}
