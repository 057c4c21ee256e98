import Testing

@testable import RunbookLint

struct NeverEndingRuleTests {
    @Test func followsAndForegroundServersWithoutAWindowWarn() throws {
        let text = guide("cd app\ntail -f log.txt", "uvicorn app:app --port 8000", "python3 -m http.server 8080 &")
        let findings = try lint(text, rule: "never-ending")
        #expect(spots(findings) == ["7:1 warning", "13:1 warning"])
        #expect(findings[1].fix == "annotate the block with background=true, or run it as a service")
    }

    @Test func anAnnotatedWindowOrBackgroundIsFine() throws {
        let text =
            "# G\n\n## Logs\n\n\(fence)bash { follow=5s }\ntail -f log\n\(fence)\n\n## Serve\n\n\(fence)bash { background=true }\nuvicorn app:app\n\(fence)\n"
        #expect(try lint(text, rule: "never-ending").isEmpty)
    }

    /// `background=false` runs the server in the foreground, as no annotation does: the
    /// runner stops it after the follow window, so it still warns.
    @Test func backgroundFalseIsTheForeground() throws {
        let text = "# G\n\n## Serve\n\n\(fence)bash { background=false }\nuvicorn app:app\n\(fence)\n"
        let findings = try lint(text, rule: "never-ending")
        #expect(spots(findings) == ["6:1 warning"])
        #expect(findings[0].message == "step serve/1 starts a server in the foreground; runbook stops it after the follow window")
    }

    /// A follow step that waits for a line ("until you see `ready`") is stopped once it is out:
    /// the finding says so.
    @Test func aFollowThatWaitsForALineSaysItStopsThere() throws {
        let text = "# G\n\n## Logs\n\nWatch until you see `ready`:\n\n\(fence)bash\ntail -f app.log\n\(fence)\n"
        let findings = try lint(text, rule: "never-ending")
        #expect(
            findings.map(\.message) == [
                "step logs/1 follows output until stopped; runbook stops it once it prints what is expected, or after the follow window"
            ])
    }
}
