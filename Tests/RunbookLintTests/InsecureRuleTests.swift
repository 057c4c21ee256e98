import Testing

@testable import RunbookLint

struct InsecureRuleTests {
    @Test func switchesThatTurnOffProtectionWarn() throws {
        let text = guide(
            "curl -k https://internal/health", "scp -o StrictHostKeyChecking=no f host:/tmp", "chmod 777 /srv/app",
            "psql \"postgres://u@h/db?sslmode=disable\"", "chmod 755 /srv/app && curl -fsS https://x")
        let findings = try lint(text, rule: "insecure")
        #expect(spots(findings) == ["6:1 warning", "12:8 warning", "18:1 warning", "24:25 warning"])
    }
}
