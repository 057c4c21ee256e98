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
        /// Adds the names `text` reads to `used` (most text has no `$`, and is not lexed).
        func lex(_ text: String?) {
            guard let text, text.containsByte(UInt8(ascii: "$")) else { return }
            for use in ShellScan(text, definitions: false).uses { used.insert(use.name) }
        }
        for (step, scan) in zip(linted.guide.steps, linted.scans) where step.kind != .variables {
            // The code was lexed for undefined-variable already.
            if let scan {
                for use in scan.uses { used.insert(use.name) }
            } else {
                lex(step.code)
            }
            lex(step.instructions)
            for expectation in step.expectations {
                // An exit or HTTP status is numbers: no name to read, no text to make.
                if case .exitStatus = expectation { continue }
                if case .httpStatus = expectation { continue }
                lex(expectation.description)
            }
            for value in step.annotations.values { lex(value) }
        }
        for target in linted.guide.targets {
            for text in [target.uri, target.identity, target.jump, target.proxyCommand] { lex(text) }
        }
        for variable in linted.guide.variables { lex(variable.defaultValue) }
        return linted.guide.variables.filter { !used.contains($0.name) && !ProgramEnvironment.reads($0.name) }.map { variable in
            Diagnostic(
                rule: id, severity: .info, location: variable.location,
                message: "\(variable.name) is declared but no step uses it")
        }
    }
}
