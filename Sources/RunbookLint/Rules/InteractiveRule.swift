import Foundation
import RunbookModel

/// `interactive`: a command that waits for a person (`nano`, `less`, bare `ssh`, `psql` without
/// a command). Without a terminal the run pauses there.
struct InteractiveRule: LintRule {
    var id: String { "interactive" }
    var summary: String { "a command that waits for a person" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.runningSteps.compactMap { step in
            guard step.traits.interactive, step.annotations["interactive"] == nil else { return nil }
            return Diagnostic(
                rule: id, severity: .warning,
                location: linted.location(of: step, codeLine: linted.firstLine(of: step, where: { $0.interactive }), column: 1),
                message: "step \(step.id) waits for a person at a terminal; an unattended run pauses there",
                fix: "write the file with a heredoc (cat > FILE <<'EOF'), or pass the command (psql -c …)")
        }
    }
}
