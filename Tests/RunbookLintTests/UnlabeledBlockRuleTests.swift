import Testing

@testable import RunbookLint

struct UnlabeledBlockRuleTests {
    @Test func aBlockWithoutALanguageIsInfoSayingHowItWasRead() throws {
        let text = "# G\n\n## A\n\n\(fence)\nsudo systemctl restart app\n\(fence)\n\n## B\n\n\(fence)text\nhello\n\(fence)\n"
        let findings = try lint(text, rule: "unlabeled-block")
        #expect(spots(findings) == ["5:1 info"])
        #expect(findings[0].message == "code block without a language (read as command that runs)")
    }
}
