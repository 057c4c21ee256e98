# Where `runbook lint`'s instructions go, part by part: reads the output of
# `callgrind_annotate --inclusive=yes --threshold=100` for one lint run over `guides` files and
# prints each part's instructions per guide and its share of the run. Used by instructions.sh.
#
# A part is an inclusive cost: libcmark's parse is inside the Swift tree's, which is inside the
# reader's, so each row subtracts what the row above it holds. A function can be listed twice
# with the same cost (a thunk and the body it calls): each part keeps the largest figure of the
# lines it matches, never their sum. Written for mawk as for gawk (no asort).

function keep(part, n) {
    if (n > cost[part]) cost[part] = n
}

/PROGRAM TOTALS/ {
    gsub(",", "", $1)
    total = $1 + 0
    next
}

{
    n = $1
    gsub(",", "", n)
    n += 0
    if ($0 ~ /RunbookLint6LinterO4lint5batch/) keep("lint", n)
    else if ($0 ~ /RunbookMarkdown11GuideSourceV4load/) keep("load", n)
    else if ($0 ~ /[^A-Za-z_]cmark_parse_document /) keep("cmark", n)
    else if ($0 ~ /RunbookMarkdown0B6ParserO5parse/) keep("parse", n)
    else if ($0 ~ /RunbookGuide0B6ReaderO4read6source/) keep("reader", n)
    else if ($0 ~ /Reader33_[0-9A-F]+LLV9codeBlock_4info.*NodeC_SStF /) keep("blocks", n)
    else if ($0 ~ /Reader33_[0-9A-F]+LLV11openSection_5level/) keep("headings", n)
    else if ($0 ~ /Reader33_[0-9A-F]+LLV9paragraphyy/) keep("paragraphs", n)
    else if ($0 ~ /Reader33_[0-9A-F]+LLV6finish0A5Model/) keep("finish", n)
    else if ($0 ~ /RunbookLint11LintedGuideV5guide4text/) keep("linted", n)
    else if ($0 ~ /RunbookLint11LintedGuideVWOh/) keep("free", n)
    else if ($0 ~ /RunbookLint.*5check.*LintedGuide/ && match($0, /[0-9]+[A-Z][A-Za-z]*RuleV/)) {
        name = substr($0, RSTART, RLENGTH - 1)
        sub(/^[0-9]+/, "", name)
        if (!(name in rule)) names[++count] = name
        if (n > rule[name]) rule[name] = n
    }
}

function row(label, n) {
    printf "%-52s %12.0f %6.1f%%\n", label, n / guides, 100 * n / total
}

END {
    # The rules, costliest first (a selection sort: mawk has no asort).
    for (i = 1; i <= count; i++)
        for (j = i + 1; j <= count; j++)
            if (rule[names[j]] > rule[names[i]]) { t = names[i]; names[i] = names[j]; names[j] = t }
    rules = 0
    for (i = 1; i <= count; i++) rules += rule[names[i]]
    printf "%-52s %12s %7s\n", "part (instructions per guide)", "per guide", "share"
    row("start-up, command line, output (a run's, shared)", total - cost["lint"])
    row("reading the file", cost["load"])
    row("libcmark's parse", cost["cmark"])
    row("the Swift tree, made and freed", cost["parse"] - cost["cmark"])
    row("the reader's inference", cost["reader"] - cost["parse"])
    row("  of which code blocks", cost["blocks"])
    row("  of which headings", cost["headings"])
    row("  of which paragraphs", cost["paragraphs"])
    row("  of which the finish (ids, choices, runnability)", cost["finish"])
    row("lint's view of the guide (lines, fences, lexing)", cost["linted"])
    for (i = 1; i <= count; i++) row("rule " names[i], rule[names[i]])
    row("freeing the guide", cost["free"])
    row("the rest (suppressions, sorting)", cost["lint"] - cost["load"] - cost["reader"] - cost["linted"] - rules - cost["free"])
}
