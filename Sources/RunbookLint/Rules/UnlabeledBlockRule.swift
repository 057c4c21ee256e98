import Foundation
import RunbookGuide
import RunbookModel

/// `unlabeled-block`: a fenced block with no info string, and what runbook took it for.
struct UnlabeledBlockRule: LintRule {
    var id: String { "unlabeled-block" }
    var summary: String { "a code block with no language" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.fences.filter { $0.info.isEmpty }.map { fence in
            let step = linted.guide.steps.first { $0.codeLine == fence.open + 1 || $0.location.line == fence.open }
            let taken = step.map { "read as \($0.kind.rawValue)" + ($0.isExecutable ? " that runs" : "") } ?? "not a step"
            return Diagnostic(
                rule: id, severity: .info,
                location: SourceLocation(file: linted.guide.path, line: fence.open, column: fence.indent + 1),
                message: "code block without a language (\(taken))", fix: "label it (```bash, ```text, ```nginx)")
        }
    }
}
