import Foundation
import RunbookModel
import RunbookTestSupport

@testable import RunbookLint

let fence = "```"

/// Lints `markdown` (written to a temporary file) and returns the findings of `rule` as
/// `line:column severity` strings, plus the findings themselves.
func lint(_ markdown: String, rule: String, vars: String? = nil) throws -> [Diagnostic] {
    let dir = try Scratch.directory("rb-lint")
    let path = dir.appendingPathComponent("g.md").path
    try Data(markdown.utf8).write(to: URL(fileURLWithPath: path))
    var options = LintOptions()
    if let vars {
        let file = dir.appendingPathComponent("prod.env").path
        try Data(vars.utf8).write(to: URL(fileURLWithPath: file))
        options.bindingFiles = [file]
    }
    return try Linter.lint(path: path, options: options).findings.filter { $0.rule == rule }
}

/// `line:column severity` of each finding.
func spots(_ findings: [Diagnostic]) -> [String] {
    findings.map { "\($0.location.line):\($0.location.column) \($0.severity.rawValue)" }
}

/// A guide with one section per block: `## Step N` then the block.
func guide(_ blocks: String...) -> String { guide(blocks) }

/// `guide` of a list of blocks.
func guide(_ blocks: [String]) -> String {
    "# G\n" + blocks.enumerated().map { "\n## Step \($0.offset + 1)\n\n\(fence)bash\n\($0.element)\n\(fence)\n" }.joined()
}
