import Testing

@testable import RunbookLint

struct SuppressionTests {
    @Test func aCommentBeforeABlockOrForTheFileSilencesRules() throws {
        let text =
            "# G\n\n## A\n\n<!-- runbook-lint disable=insecure,pipe-to-shell -->\n\(fence)bash\ncurl -k https://x | sh\n\(fence)\n\n## B\n\n\(fence)bash\ncurl -k https://y\n\(fence)\n"
        #expect(spots(try lint(text, rule: "insecure")) == ["13:1 warning"])
        #expect(try lint(text, rule: "pipe-to-shell").isEmpty)
        #expect(try lint("<!-- runbook-lint disable-file=insecure -->\n" + text, rule: "insecure").isEmpty)
    }
}
