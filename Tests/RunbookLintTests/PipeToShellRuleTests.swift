import Testing

@testable import RunbookLint

struct PipeToShellRuleTests {
    @Test func aDownloadPipedIntoAShellWarns() throws {
        let findings = try lint(
            guide(
                "curl -fsSL https://get.docker.com | sudo sh", "wget -qO- https://x.io/i.sh | bash",
                "curl -fsSLo i.sh https://x.io/i.sh && less i.sh"), rule: "pipe-to-shell")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning"])
    }
}
