import Testing

@testable import RunbookLint

struct AmbiguousTargetRuleTests {
    @Test func anUnstatedMachineBetweenRemoteStepsWarns() throws {
        let text =
            "# G\n\n## One\n\nOn the server:\n\n\(fence)bash\nuptime\n\(fence)\n\n## Two\n\n\(fence)bash\ndf -h\n\(fence)\n\n## Three\n\nOn the server:\n\n\(fence)bash\nfree -m\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["14:1 warning"])
        #expect(findings[0].fix == "say where it runs (\"On server:\") or annotate it with on=server")
    }

    @Test func localStepsAmongLocalStepsAreFine() throws {
        #expect(try lint(guide("uptime", "df -h", "free -m"), rule: "ambiguous-target").isEmpty)
    }
}
