import Testing

@testable import RunbookLint

struct UnusedVariableRuleTests {
    @Test func declaredAndNeverUsedIsInfo() throws {
        let text =
            "# G\n\n## Vars\n\n\(fence)bash\nexport USED=1\nexport UNUSED=2\nexport IN_DEFAULT=3\nexport DERIVED=\"x-${IN_DEFAULT}\"\n\(fence)\n\n## Go\n\n\(fence)bash\necho $USED $DERIVED\n\(fence)\n"
        let findings = try lint(text, rule: "unused-variable")
        #expect(findings.map(\.message) == ["UNUSED is declared but no step uses it"])
        #expect(spots(findings) == ["7:1 info"])
    }
}
