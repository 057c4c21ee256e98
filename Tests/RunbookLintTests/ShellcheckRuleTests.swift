import Testing

@testable import RunbookLint

struct ShellcheckRuleTests {
    @Test func findingsAreMappedToTheGuidesLinesAndColumns() throws {
        let text =
            "# G\n\n## A\n\n- Do this:\n\n  \(fence)bash\n  cd /srv\n  for f in $(ls *.log); do echo $f; done\n  \(fence)\n"
        let findings = try lint(text, rule: "shellcheck")
        #expect(findings.map(\.message).contains { $0.hasPrefix("SC2045: ") })
        let loop = try #require(findings.first { $0.message.hasPrefix("SC2045") })
        #expect(loop.location.line == 9)
        #expect(loop.location.column == 12)
    }

    @Test func aCleanBlockHasNoFindings() throws {
        #expect(try lint(guide("cd /srv && ls -la"), rule: "shellcheck").isEmpty)
    }
}
