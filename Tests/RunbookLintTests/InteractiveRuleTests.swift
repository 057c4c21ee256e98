import Testing

@testable import RunbookLint

struct InteractiveRuleTests {
    @Test func commandsThatWaitForAPersonWarn() throws {
        let findings = try lint(
            guide("sudo nano /etc/app.conf", "psql \"$DB\"", "psql \"$DB\" -c 'select 1'"), rule: "interactive")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning"])
    }
}
