import Foundation
import RunbookGuide
import RunbookModel

/// A risky command shape: a pattern, the message and the fix, with the text every match
/// contains (any case): the pattern is tried only on lines that have it.
struct CommandShape {
    /// The pattern (case-insensitive).
    var pattern: String
    /// A word every match contains.
    var word: String
    var message: String
    var fix: String?
    /// Words one of which every match contains as well (none: no further condition).
    var also: Needles

    init(_ pattern: String, _ word: String, _ message: String, _ fix: String?, also: Needles = []) {
        self.pattern = pattern
        self.word = word
        self.message = message
        self.fix = fix
        self.also = also
    }
}

/// Rules that look for risky command shapes, line by line, in blocks that run.
protocol PatternRule: LintRule {
    /// The shapes to find, in order; the first that matches a line is reported.
    var patterns: [CommandShape] { get }
    /// Words one of which a line must contain (any case) before any pattern is tried; none
    /// means every line is tried.
    var hints: Needles { get }
    /// Text every matching line contains.
    var needs: [String] { get }
    /// Steps the rule skips (rollback and teardown may destroy things).
    func applies(to step: Step, in guide: Guide) -> Bool
    /// A match the guide itself makes harmless, on the `index`th line of `step`'s code.
    func excuses(_ shape: CommandShape, line: String, index: Int, of step: Step, in guide: Guide) -> Bool
}

extension PatternRule {
    func applies(to step: Step, in guide: Guide) -> Bool { true }
    func excuses(_ shape: CommandShape, line: String, index: Int, of step: Step, in guide: Guide) -> Bool { false }

    var hints: Needles { [] }
    var needs: [String] { [] }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let hints = hints
        let needs = needs
        let patterns = patterns
        for step in linted.runningSteps where applies(to: step, in: linted.guide) {
            guard hints.isEmpty || step.code.includesAny(hints) else { continue }
            for (index, line) in step.code.lines.enumerated() {
                let text = String(line)
                if text.trimmedInline.hasPrefix("#") { continue }
                guard hints.isEmpty || text.includesAny(hints), needs.allSatisfy(text.includes) else { continue }
                // By index: iterating the shapes copied each one (its strings and tables) per line.
                for k in patterns.indices
                where text.includes(patterns[k].word) && (patterns[k].also.isEmpty || text.includesAny(patterns[k].also)) {
                    guard let column = Text.column(of: patterns[k].pattern, in: text, caseInsensitive: true),
                        !excuses(patterns[k], line: text, index: index, of: step, in: linted.guide)
                    else { continue }
                    findings.append(
                        Diagnostic(
                            rule: id, severity: .warning, location: linted.location(of: step, codeLine: index, column: column),
                            message: patterns[k].message, fix: patterns[k].fix))
                    break
                }
            }
        }
        return findings
    }
}
