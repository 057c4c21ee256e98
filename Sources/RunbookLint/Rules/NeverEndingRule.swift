import Foundation
import RunbookGuide
import RunbookModel

/// `never-ending`: a follow command (`tail -f`) or a server in the foreground (`uvicorn`,
/// `npm run dev`, `python -m http.server`) with no `follow=` window and not run in the
/// background (`background=false` runs it in the foreground, as the runner reads it). It runs
/// for the default window and is stopped, which is rarely what the author meant.
struct NeverEndingRule: LintRule {
    var id: String { "never-ending" }
    var summary: String { "a command that does not return on its own" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.runningSteps.compactMap { step in
            guard step.traits.follows || step.traits.foregroundServer,
                step.annotations["follow"] == nil, !step.runsInBackground
            else { return nil }
            let what = step.traits.follows ? "follows output until stopped" : "starts a server in the foreground"
            // A follow step that expects a line stops when it is printed, else at the window's end.
            let stops =
                step.traits.follows && !step.awaitedOutput.isEmpty
                ? "once it prints what is expected, or after the follow window" : "after the follow window"
            return Diagnostic(
                rule: id, severity: .warning,
                location: linted.location(
                    of: step, codeLine: linted.firstLine(of: step, where: { $0.follows || $0.foregroundServer }) ?? 0, column: 1),
                message: "step \(step.id) \(what); runbook stops it \(stops)",
                fix: step.traits.follows
                    ? "annotate the block with follow=10s" : "annotate the block with background=true, or run it as a service")
        }
    }
}
