import Foundation
import RunbookGuide
import RunbookModel

/// `destructive`: commands that destroy data, outside rollback and teardown sections.
struct DestructiveRule: PatternRule {
    var id: String { "destructive" }
    var summary: String { "a command that destroys data, outside rollback or teardown" }
    /// Each shape is written once; the line filter is their words.
    static let shapes: [CommandShape] = [
        .init(
            #"\brm\s+(-[a-z]*r[a-z]*f|-[a-z]*f[a-z]*r|-r\s+-f|-f\s+-r)[a-z]*\s+("?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?(?![:A-Za-z0-9_]*\?))"#,
            "rm",
            "rm -rf on a variable: if it is empty or unset, this removes the wrong tree",
            "write ${NAME:?} so an unset variable stops the step", also: ["$"]
        ),
        .init(#"\bmkfs(\.[a-z0-9]+)?\s"#, "mkfs", "mkfs formats a file system", nil),
        .init(#"\bdd\s+[^|;]*\bof=/dev/"#, "dd", "dd writes over a device", nil, also: ["of=/dev/"]),
        .init(
            #"\bdrop\s+(database|schema|table)\b"#, "drop", "DROP destroys data", nil, also: ["database", "schema", "table"]),
        .init(#"\bdropdb\s"#, "dropdb", "dropdb destroys a database, as DROP DATABASE does", nil),
        .init(
            #"\bmysqladmin\b[^|;]*\sdrop\s"#, "mysqladmin", "mysqladmin drop destroys a database, as DROP DATABASE does",
            nil, also: ["drop"]),
        .init(#"\btruncate\s+table\b"#, "truncate", "TRUNCATE empties a table", nil, also: ["table"]),
        .init(#"\bflush(all|db)\b"#, "flush", "FLUSHALL and FLUSHDB delete every key of Redis", nil),
        .init(
            #"\b(docker[- ]compose|docker\s+compose)\b[^|;]*\bdown\b[^|;]*\s-v\b"#, "down",
            "compose down -v deletes the volumes", nil, also: ["-v"]
        ),
        .init(
            #"\bgit\s+clean\s+-[a-z]*f[a-z]*d[a-z]*x|\bgit\s+clean\s+-[a-z]*x[a-z]*d[a-z]*f"#, "clean",
            "git clean -fdx deletes untracked and ignored files", nil, also: ["git"]
        ),
        .init(
            #"\bkubectl\b[^|;]*\sdelete\s+(-[^\s]+\s+)*(namespace|ns|pvc|persistentvolumeclaims?)\b"#, "kubectl",
            "kubectl delete of a namespace or a volume claim deletes what it holds", nil, also: ["delete"]
        ),
        .init(
            #"\b(terraform|tofu)\b[^|;]*\sdestroy\b"#, "destroy", "terraform destroy deletes the infrastructure it manages",
            nil
        ),
    ]
    static let hintWords = Needles(shapes.map { $0.word })
    var hints: Needles { Self.hintWords }
    var patterns: [CommandShape] { Self.shapes }

    func applies(to step: Step, in guide: Guide) -> Bool {
        // Cheap first: only a step that could match pays for the section walk.
        guard step.code.includesAny(hints) else { return false }
        // A section's index is its place in `sections` (as `Guide.section(_:isWithin:)` reads it):
        // looked up directly, not searched for, which made a guide of thousands of sections
        // quadratic.
        // Its fields are read in place: a copy of a `Section` retains all its strings.
        var current: Int? = step.section
        while let index = current, guide.sections.indices.contains(index) {
            if let role = guide.sections[index].role, Self.undoingRoles.contains(role) { return false }
            let title = guide.sections[index].title
            if title.includesAny(Self.undoingWords),
                Text.matches(#"\b(rollback|roll back|teardown|tear down|clean ?up|uninstall|reset)\b"#, title)
            {
                return false
            }
            current = guide.sections[index].parent
        }
        return true
    }

    /// `dropdb NAME` or `DROP DATABASE NAME` of a database made earlier in the same section
    /// (`createdb NAME`, `CREATE DATABASE NAME`): a scratch database, as a restore test makes,
    /// not data the guide found. (One made in another section may hold what a run put in it.)
    func excuses(_ shape: CommandShape, line: String, index: Int, of step: Step, in guide: Guide) -> Bool {
        guard shape.word == "dropdb" || shape.word == "drop", let name = Self.droppedDatabase(in: line) else { return false }
        let before = step.code.lines.prefix(index).joined(separator: "\n")
        return Self.creates(name, in: before)
            || guide.steps.contains { $0.number < step.number && $0.section == step.section && Self.creates(name, in: $0.code) }
    }

    /// The database `dropdb …` (its last word) or `DROP DATABASE [IF EXISTS] …` in `line` drops.
    static func droppedDatabase(in line: String) -> String? {
        let found =
            Text.firstMatch(#"\bdropdb\b([^;&|]*)"#, in: line).flatMap { $0[1].split(separator: " ").last.map(String.init) }
            ?? Text.firstMatch(#"\bdrop\s+database\s+(?:if\s+exists\s+)?([^\s;]+)"#, in: line, options: [.caseInsensitive])?[1]
        return found.map { $0.trimmingCharacters(in: Self.nameQuotes) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `code` makes the database `name`: `createdb … NAME`, or `CREATE DATABASE [IF NOT EXISTS] NAME`.
    static func creates(_ name: String, in code: String) -> Bool {
        guard code.includes("create") else { return false }
        let quoted = NSRegularExpression.escapedPattern(for: name)
        return Text.matches(#"\bcreatedb\b[^;&|\n]*[\s"']"# + quoted + #"["']?\s*($|[;&|\n])"#, code)
            || Text.matches(
                #"\bcreate\s+database\s+(?:if\s+not\s+exists\s+)?["`]?"# + quoted + #"["`]?(?![\w$])"#, code)
    }

    /// What may stand around a database's name.
    private static let nameQuotes = CharacterSet(charactersIn: "\"'`;")

    /// The flow roles of sections that may destroy what the guide made.
    static let undoingRoles: Set<String> = ["rollback", "teardown", "cleanup"]
    /// The words one of which a title that says it undoes needs (the pattern after it decides).
    static let undoingWords: Needles = ["roll", "tear", "clean", "uninstall", "reset"]
}
