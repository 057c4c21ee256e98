import ArgumentParser
import Foundation
import RunbookGuide
import RunbookLint
import RunbookModel

extension LintFormat: ExpressibleByArgument {}

/// `runbook lint FILE…`: checks guides without running anything.
struct LintCommand: ParsableCommand {
    enum Toggle: String, ExpressibleByArgument, CaseIterable { case on, off }

    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check guides for placeholders, undefined variables, secrets, hangs and risky commands.",
        discussion: """
            Nothing runs. Exit status: 0 clean, 1 an error was found (or, with --strict, a \
            warning), 2 a file could not be read. Silence a rule for one block with \
            <!-- runbook-lint disable=RULE --> before it, or for a file with \
            <!-- runbook-lint disable-file=RULE -->.

            Rules: \(Linter.ruleIDs.joined(separator: ", ")).

            Example:
              runbook lint docs/*.md
              runbook lint docs/
              runbook lint GUIDE.md --vars prod.env --format github
            """)

    @Argument(
        help: "Guides to check; a directory: every *.md and *.markdown file under it.",
        completion: .file(extensions: ["md", "markdown"]))
    var files: [String]
    @Option(
        name: .customLong("vars"),
        help: ArgumentHelp("Also check this binding: required variables bound, no placeholders (repeatable).", valueName: "file"))
    var varsFiles: [String] = []
    @Option(help: "text, json, github or sarif.") var format: LintFormat = .text
    @Flag(help: "Warnings fail too (exit 1).") var strict = false
    @Option(name: .customLong("disable"), help: ArgumentHelp("Do not run this rule (repeatable).", valueName: "rule"))
    var disabled: [String] = []
    @Option(help: "Run shellcheck on blocks that run: on (default) or off.") var shellcheck: Toggle = .on

    /// The options above that take a value, as typed: how `Operands` tells a value from a guide.
    static let valueOptions: Set<String> = ["--vars", "--format", "--disable", "--shellcheck"]

    func validate() throws {
        let known = Set(Linter.ruleIDs)
        for rule in disabled where !known.contains(rule) {
            throw ValidationError("--disable \(rule): no such rule (rules: \(Linter.ruleIDs.joined(separator: ", ")))")
        }
    }

    func run() throws {
        // A binding that cannot be read is bad input for every guide: said once, before any.
        for path in varsFiles {
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError(message: "--vars \(path): no such file") }
            do { _ = try Dotenv.load(path: path) } catch { throw CLIError(message: error.description) }
        }
        var options = LintOptions()
        options.disabled = Set(disabled)
        options.bindingFiles = varsFiles
        options.shellcheck = shellcheck == .on
        var reports: [LintReport] = []
        var unreadable = false
        var notes: Set<String> = []
        var paths: [String] = []
        for operand in files {
            do {
                paths += try GuideFiles.expand(operand)
            } catch {
                Terminal.error(error.description)
                unreadable = true
            }
        }
        for result in Linter.lint(paths: paths, options: options) {
            switch result {
            case .success(let report):
                reports.append(report)
                notes.formUnion(report.notes)
            case .failure(let error):
                Terminal.error("\(error)")
                unreadable = true
            }
        }
        for note in notes.sorted() { Terminal.warning(note) }
        Terminal.write(format.render(reports))
        let findings = reports.flatMap(\.findings)
        if unreadable { throw ExitCode(ExitStatus.badInput) }
        if findings.contains(where: { $0.severity == .error || (strict && $0.severity == .warning) }) {
            throw ExitCode(ExitStatus.failed)
        }
    }
}
