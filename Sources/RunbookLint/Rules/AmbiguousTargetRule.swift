import Foundation
import RunbookModel

/// `ambiguous-target`: a running block whose machine nothing states, between blocks that run
/// on another machine: the reader probably means that machine too.
struct AmbiguousTargetRule: LintRule {
    var id: String { "ambiguous-target" }
    var summary: String { "a block whose machine is not stated and differs from its neighbours" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        let steps = linted.runningSteps
        var findings: [Diagnostic] = []
        for (i, step) in steps.enumerated() where step.target.reason == "default" {
            let before = i > 0 ? steps[i - 1].target.name : nil
            let after = i + 1 < steps.count ? steps[i + 1].target.name : nil
            guard let neighbour = before ?? after, neighbour != step.target.name, before == nil || after == nil || before == after
            else { continue }
            findings.append(
                Diagnostic(
                    rule: id, severity: .warning, location: linted.location(of: step, codeLine: 0, column: 1),
                    message:
                        "step \(step.id) runs on \(step.target.name) by default, but the steps around it run on \(neighbour)",
                    fix: "say where it runs (\"On \(neighbour):\") or annotate it with on=\(neighbour)"))
        }
        return findings
    }
}
