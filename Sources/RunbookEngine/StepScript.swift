import RunbookGuide
import RunbookModel

/// The bash a step runs as. A shell block is its own code. A block annotated (SPEC §3):
/// - `file=PATH` is written to PATH on the target (parent directories made, `mode=` applied),
///   as written, or with `expand=true` with `$NAME`/`${NAME}` of environment-style names
///   (capitals, digits, `_`) filled in by that shell, so bound values (secrets too) come from
///   the shell's environment and never travel in the script; an nginx `$host` stays as it is.
///   The block is written, not run.
/// - `runner=PROGRAM` is given to PROGRAM (a command line, `psql "$DATABASE_URL"`) on stdin.
/// - `run` alone runs a block in the language's interpreter (`python3`, `node`, `ruby`,
///   `perl`, `php`), or as bash when it has none.
/// Before this, every annotated artifact ran as bash: a config file's lines were commands.
enum StepScript {
    /// The script for `step`.
    static func script(for step: Step) -> String {
        let annotations = step.annotations
        if let path = step.writesFile {
            return write(
                step.code, to: path, mode: annotations["mode"],
                expand: annotations["expand"].map(AnnotationParser.isTrue) ?? false)
        }
        if let runner = step.runner { return feed(step.code, to: runner) }
        return step.code
    }

    /// `text` on the stdin of `command`, through a quoted heredoc.
    static func feed(_ text: String, to command: String) -> String {
        let end = delimiter(avoiding: text)
        return "\(command) <<'\(end)'\n\(text)\n\(end)"
    }

    /// Writes `text` (and a final line break) to `path`, then says where.
    static func write(_ text: String, to path: String, mode: String?, expand: Bool) -> String {
        let end = delimiter(avoiding: text)
        var lines = [
            "__rb_file=\(pathWord(path))",
            #"mkdir -p -- "$(dirname -- "$__rb_file")""#,
            expand
                ? "cat >| \"$__rb_file\" <<\(end)\n\(expandable(text))\n\(end)"
                : "cat >| \"$__rb_file\" <<'\(end)'\n\(text)\n\(end)",
        ]
        if let mode { lines.append("chmod \(mode) -- \"$__rb_file\"") }
        lines.append(#"__rb_n=$(wc -l < "$__rb_file"); echo "wrote $__rb_file ($__rb_n line$([ "$__rb_n" = 1 ] || echo s))""#)
        return lines.joined(separator: "\n")
    }

    /// A path as one shell word: `~/` is the home directory and `$NAME`s expand (the guide's
    /// paths use its variables, `${APP_DIR}/.env`); nothing else is special.
    static func pathWord(_ path: String) -> String {
        var rest = Substring(path)
        var prefix = ""
        if rest.hasPrefix("~/") {
            prefix = "\"$HOME\""
            rest = rest.dropFirst()
        }
        return prefix + "\"" + String(expandable(String(rest), quotes: true)) + "\""
    }

    /// `text` for an unquoted heredoc (or, with `quotes`, a double-quoted word): every `\`,
    /// backtick and `$` escaped except the `$` of `$NAME`/`${NAME…}` for environment-style
    /// names, which the shell then expands.
    static func expandable(_ text: String, quotes: Bool = false) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "$", i + 1 < chars.count {
                let braced = chars[i + 1] == "{"
                var j = braced ? i + 2 : i + 1
                let start = j
                while j < chars.count, chars[j].isASCII, chars[j].isUppercase || chars[j].isNumber || chars[j] == "_" {
                    j += 1
                }
                let name = String(chars[start..<j])
                let nameEnds = j == chars.count || !(chars[j].isLetter || chars[j].isNumber)
                if !name.isEmpty, !name.first!.isNumber, nameEnds, !braced || j < chars.count {
                    out.append("$")
                    i += 1
                    continue
                }
            }
            if c == "\\" || c == "`" || c == "$" || (quotes && c == "\"") { out.append("\\") }
            out.append(c)
            i += 1
        }
        return out
    }

    /// A heredoc delimiter that is no line of `text`.
    static func delimiter(avoiding text: String) -> String {
        var end = "RUNBOOK_EOF"
        var n = 1
        let lines = Set(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        while lines.contains(end) {
            n += 1
            end = "RUNBOOK_EOF_\(n)"
        }
        return end
    }
}
