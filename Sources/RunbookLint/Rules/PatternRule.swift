import Foundation
import RunbookGuide
import RunbookModel

/// Rules that look for risky command shapes, line by line, in blocks that run.
protocol PatternRule: LintRule {
    /// (pattern, message, fix) triples; the first that matches a line is reported.
    var patterns: [(pattern: String, message: String, fix: String?)] { get }
    /// Steps the rule skips (rollback and teardown may destroy things).
    func applies(to step: Step, in guide: Guide) -> Bool
}

extension PatternRule {
    func applies(to step: Step, in guide: Guide) -> Bool { true }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for step in linted.runningSteps where applies(to: step, in: linted.guide) {
            for (index, line) in step.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = String(line)
                if text.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
                for entry in patterns {
                    guard let range = text.range(of: entry.pattern, options: [.regularExpression, .caseInsensitive]) else { continue }
                    findings.append(Diagnostic(
                        rule: id, severity: .warning,
                        location: linted.location(of: step, codeLine: index, column: text.distance(from: text.startIndex, to: range.lowerBound) + 1),
                        message: entry.message, fix: entry.fix))
                    break
                }
            }
        }
        return findings
    }
}

/// `destructive`: commands that destroy data, outside rollback and teardown sections.
struct DestructiveRule: PatternRule {
    var id: String { "destructive" }
    var summary: String { "a command that destroys data, outside rollback or teardown" }
    var patterns: [(pattern: String, message: String, fix: String?)] {
        [
            (#"\brm\s+(-[a-z]*r[a-z]*f|-[a-z]*f[a-z]*r|-r\s+-f|-f\s+-r)[a-z]*\s+("?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?(?![:A-Za-z0-9_]*\?))"#,
             "rm -rf on a variable: if it is empty or unset, this removes the wrong tree", "write ${NAME:?} so an unset variable stops the step"),
            (#"\bmkfs(\.[a-z0-9]+)?\s"#, "mkfs formats a file system", nil),
            (#"\bdd\s+[^|;]*\bof=/dev/"#, "dd writes over a device", nil),
            (#"\bdrop\s+(database|schema|table)\b"#, "DROP destroys data", nil),
            (#"\b(docker[- ]compose|docker\s+compose)\b[^|;]*\bdown\b[^|;]*\s-v\b"#, "compose down -v deletes the volumes", nil),
            (#"\bgit\s+clean\s+-[a-z]*f[a-z]*d[a-z]*x|\bgit\s+clean\s+-[a-z]*x[a-z]*d[a-z]*f"#, "git clean -fdx deletes untracked and ignored files", nil),
        ]
    }

    func applies(to step: Step, in guide: Guide) -> Bool {
        guard let section = guide.sections.first(where: { $0.index == step.section }) else { return true }
        var current: Section? = section
        while let s = current {
            if let role = s.role, ["rollback", "teardown", "cleanup"].contains(role) { return false }
            if Text.matches(#"\b(rollback|roll back|teardown|tear down|clean ?up|uninstall|reset)\b"#, s.title) { return false }
            current = s.parent.flatMap { parent in guide.sections.first { $0.index == parent } }
        }
        return true
    }
}

/// `pipe-to-shell`: a downloaded script run without being read.
struct PipeToShellRule: PatternRule {
    var id: String { "pipe-to-shell" }
    var summary: String { "a downloaded script piped into a shell" }
    var patterns: [(pattern: String, message: String, fix: String?)] {
        [(#"\b(curl|wget)\b[^|;]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b"#,
          "a downloaded script is run unread", "download it, check its checksum or read it, then run it")]
    }
}

/// `insecure`: switches that turn off a protection.
struct InsecureRule: PatternRule {
    var id: String { "insecure" }
    var summary: String { "a command that turns off a protection" }
    var patterns: [(pattern: String, message: String, fix: String?)] {
        [
            (#"\bcurl\b[^|;]*\s(-k|--insecure)\b"#, "curl -k accepts any TLS certificate", "fix the certificate, or pass --cacert"),
            (#"StrictHostKeyChecking[= ]+no"#, "StrictHostKeyChecking=no trusts any host key", "add the host's key to known_hosts (ssh-keyscan, checked)"),
            (#"\bchmod\s+(-R\s+)?0?777\b"#, "chmod 777 lets every user write here", "grant only what is needed (755, 750, a group)"),
            (#"sslmode=disable"#, "sslmode=disable sends database traffic in clear", "use sslmode=require or verify-full"),
        ]
    }
}
