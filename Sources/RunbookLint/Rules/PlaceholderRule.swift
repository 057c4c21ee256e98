import Foundation
import RunbookGuide
import RunbookModel

/// `placeholder`: text left for the reader to replace (`yourdomain.com`, `<token>`, `CHANGEME`,
/// `/path/to/…`). An error in a block that runs; a warning in inline code, prose instructions,
/// artifacts and an `ssh` line that logs in; info as a variable's default, which is what
/// defaults are for.
struct PlaceholderRule: LintRule {
    static let id = "placeholder"
    var id: String { Self.id }
    var summary: String { "text left for the reader to replace" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        // Line numbers already checked as a step's code (index 0 unused).
        var covered = [Bool](repeating: false, count: linted.lineCount + 2)
        func cover(_ number: Int) {
            if number >= 0 && number < covered.count { covered[number] = true }
        }
        func isCovered(_ number: Int) -> Bool { Self.holds(covered, number) }
        let declarations = Set(linted.guide.variables.map(\.location.line))
        for step in linted.guide.steps where !step.code.isEmpty {
            // Most steps hold no placeholder at all: their lines are only marked as read.
            guard Placeholder.mayOccur(in: step.code) else {
                for index in 0..<step.code.lineCount { cover(step.codeLine + index) }
                continue
            }
            let running = step.isExecutable && step.kind != .variables
            for (index, line) in step.code.lines.enumerated() {
                cover(step.codeLine + index)
                for hit in Placeholder.occurrences(in: String(line)) {
                    let location = linted.location(of: step, codeLine: index, column: hit.column)
                    let declaration = step.kind == .variables || declarations.contains(location.line)
                    let severity: Severity = declaration ? .info : running ? .error : .warning
                    let what = declaration ? "default" : running ? "command" : step.kind == .manual ? "an instruction" : "block"
                    findings.append(
                        Diagnostic(
                            rule: id, severity: severity, location: location,
                            message: "placeholder \(hit.text) (\(hit.name)) in \(what.hasPrefix("an ") ? what : "a " + what)"
                                + (declaration ? "; bind a real value with --vars or --set" : ""),
                            fix: declaration ? nil : "use a variable (${NAME}) bound with --vars"))
                }
            }
        }
        // An `ssh` line that logs in (no step's code): a placeholder host leaves its target
        // unbound, which preflight refuses until a binding names the machine.
        for target in linted.guide.targets where target.source == "ssh-line" && !isCovered(target.line) {
            guard linted.isFenced(target.line) else { continue }
            let source = String(linted.line(target.line))
            guard Placeholder.mayOccur(in: source) else { continue }
            cover(target.line)
            for hit in Placeholder.occurrences(in: source) where hit.name != "..." {
                findings.append(
                    Diagnostic(
                        rule: id, severity: .warning,
                        location: SourceLocation(file: linted.guide.path, line: target.line, column: hit.column),
                        message: "placeholder \(hit.text) (\(hit.name)) in an ssh line"
                            + (target.uri == nil ? ": target \(target.name) stays unbound" : ""),
                        fix: "use a variable (ssh user@${HOST}) bound with --vars"
                            + (target.uri == nil ? ", or bind --target \(target.name)=ssh://user@host" : "")))
            }
        }
        // A person's instructions: found in the file from where the step begins.
        for step in linted.guide.steps where step.kind == .manual {
            for text in (step.instructions ?? "").lines where !text.isEmpty {
                let hits = Placeholder.occurrences(in: String(text)).filter { $0.name != "..." }
                guard !hits.isEmpty else { continue }
                let needle = text.trimmedInline
                guard
                    let number = (step.location.line...(step.location.line + 200)).first(where: {
                        linted.line($0).containsBytes(needle)
                    }),
                    !isCovered(number)
                else { continue }
                cover(number)
                let source = String(linted.line(number))
                for hit in Placeholder.occurrences(in: source) where hit.name != "..." {
                    findings.append(
                        Diagnostic(
                            rule: id, severity: .warning,
                            location: SourceLocation(file: linted.guide.path, line: number, column: hit.column),
                            message: "placeholder \(hit.text) (\(hit.name)) in an instruction"))
                }
            }
        }
        // Inline code and prose outside the steps' code. What is covered is read from a copy:
        // nothing below covers a line, and the captured variable was checked for exclusive
        // access on every line.
        let checked = covered
        linted.forEachLine { number, bytes in
            guard !Self.holds(checked, number), !linted.isFenced(number), bytes.containsByte(UInt8(ascii: "`")) else { return }
            // Only inline code spans: prose around them is the author's own words. Found by
            // bytes, read in place; a column counts characters.
            var searchStart = 0
            while let open = bytes[searchStart...].firstIndex(of: UInt8(ascii: "`")),
                let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "`"))
            {
                let span = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
                for hit in Placeholder.occurrences(in: span) where hit.name != "..." {
                    let column = String(decoding: bytes[..<open], as: UTF8.self).count + 1 + hit.column
                    findings.append(
                        Diagnostic(
                            rule: id, severity: .warning,
                            location: SourceLocation(file: linted.guide.path, line: number, column: column),
                            message: "placeholder \(hit.text) (\(hit.name)) in inline code"))
                }
                searchStart = close + 1
            }
        }
        return findings
    }

    /// True when line `number` is marked in `lines` (false past either end).
    private static func holds(_ lines: [Bool], _ number: Int) -> Bool {
        number >= 0 && number < lines.count && lines[number]
    }
}
