import Testing

@testable import RunbookLint

struct BadAnnotationRuleTests {
    @Test func unknownKeysAndBadValuesAreErrors() throws {
        let text = "# G\n\n## A\n\n\(fence)bash { retries=many tiemout=5s }\necho\n\(fence)\n"
        let findings = try lint(text, rule: "bad-annotation")
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.severity == .error && $0.location.line == 5 })
        #expect(findings.contains { $0.message.contains("tiemout") && $0.fix == "timeout" })
    }
}
