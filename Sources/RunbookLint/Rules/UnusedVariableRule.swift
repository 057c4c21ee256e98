import Foundation
import RunbookGuide
import RunbookModel

/// `unused-variable`: declared and never used by a step, an expectation, a target or another
/// variable's default, nor read by the programs the guide runs from their environment
/// (`PGPASSWORD` for psql, `AWS_PROFILE` for the AWS CLI).
struct UnusedVariableRule: LintRule {
    var id: String { "unused-variable" }
    var summary: String { "a declared variable nothing uses" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var used: Set<String> = []
        var texts: [String] = []
        for (step, scan) in zip(linted.guide.steps, linted.scans) where step.kind != .variables {
            // The code was lexed for undefined-variable already.
            if let scan { used.formUnion(scan.uses.map(\.name)) } else { texts.append(step.code) }
            texts += [step.instructions ?? ""] + step.expectations.map(\.description) + Array(step.annotations.values)
        }
        texts += linted.guide.targets.flatMap { [$0.uri ?? "", $0.identity ?? "", $0.jump ?? "", $0.proxyCommand ?? ""] }
        texts += linted.guide.variables.compactMap(\.defaultValue)
        for text in texts where text.containsByte(UInt8(ascii: "$")) {
            used.formUnion(ShellScan(text, definitions: false).uses.map(\.name))
        }
        return linted.guide.variables.filter { !used.contains($0.name) && !ProgramEnvironment.reads($0.name) }.map { variable in
            Diagnostic(
                rule: id, severity: .info, location: variable.location,
                message: "\(variable.name) is declared but no step uses it")
        }
    }
}
