import Foundation
import RunbookModel

/// `bad-annotation`: an annotation runbook cannot use (unknown key, bad value, unknown target
/// or step in `needs`). The reader finds these; lint reports them.
struct BadAnnotationRule: LintRule {
    static let id = "bad-annotation"
    var id: String { Self.id }
    var summary: String { "an annotation runbook cannot use" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.guide.diagnostics.filter { $0.rule == id }
    }
}
