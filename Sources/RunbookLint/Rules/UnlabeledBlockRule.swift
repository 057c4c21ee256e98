import Foundation
import RunbookGuide
import RunbookModel

/// `unlabeled-block`: a fenced block with no info string, and what runbook took it for.
struct UnlabeledBlockRule: LintRule {
    var id: String { "unlabeled-block" }
    var summary: String { "a code block with no language" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var fence: String?
        for (index, raw) in linted.lines.enumerated() {
            let trimmed = raw.trimmedInline
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first }) { fence = nil }
                continue
            }
            guard trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") else { continue }
            let marker = String(trimmed.prefix { $0 == trimmed.first })
            fence = marker
            guard trimmed.dropFirst(marker.count).trimmedInline.isEmpty else { continue }
            let number = index + 1
            let step = linted.guide.steps.first { $0.codeLine == number + 1 || $0.location.line == number }
            let taken = step.map { "read as \($0.kind.rawValue)" + ($0.isExecutable ? " that runs" : "") } ?? "not a step"
            let indent = raw.prefix { $0 == " " }.count
            findings.append(Diagnostic(
                rule: id, severity: .info, location: SourceLocation(file: linted.guide.path, line: number, column: indent + 1),
                message: "code block without a language (\(taken))", fix: "label it (```bash, ```text, ```nginx)"))
        }
        return findings
    }
}
