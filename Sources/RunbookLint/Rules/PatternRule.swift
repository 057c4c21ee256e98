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

/// Compiled once: the same few patterns are asked of every line of every guide.
enum CompiledPatterns {
    nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]
    private static let lock = NSLock()

    static func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[pattern] { return hit }
        let compiled = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        cache[pattern] = compiled
        return compiled
    }

    /// The pattern's first match in `text`, as a column (1-based).
    static func column(of pattern: String, in text: String) -> Int? {
        guard let regex = regex(pattern) else { return nil }
        let ns = text as NSString
        guard let match = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return ns.substring(to: match.range.location).count + 1
    }
}

extension PatternRule {
    func applies(to step: Step, in guide: Guide) -> Bool { true }

    /// Words one of which a line must contain (lower-cased) before any pattern is tried.
    var hints: [String] { [] }
    /// Text every matching line contains.
    var needs: [String] { [] }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for step in linted.runningSteps where applies(to: step, in: linted.guide) {
            guard hints.isEmpty || step.code.includesAny(hints) else { continue }
            for (index, line) in step.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = String(line)
                if text.trimmedInline.hasPrefix("#") { continue }
                guard hints.isEmpty || text.includesAny(hints), needs.allSatisfy(text.includes) else { continue }
                for entry in patterns {
                    guard let column = CompiledPatterns.column(of: entry.pattern, in: text) else { continue }
                    findings.append(Diagnostic(
                        rule: id, severity: .warning, location: linted.location(of: step, codeLine: index, column: column),
                        message: entry.message, fix: entry.fix))
                    break
                }
            }
        }
        return findings
    }
}
