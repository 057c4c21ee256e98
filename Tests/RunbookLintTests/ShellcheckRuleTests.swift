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

    /// `<postgres_user>` is a syntax error to shellcheck (a redirection with no file). The
    /// placeholder rule reports it; shellcheck sees a word of the same width in its place, so
    /// none of its parse errors land on the lines around it and the rest of the block is checked.
    @Test func anAnglePlaceholderIsNotAShellSyntaxError() throws {
        let text = guide(
            "docker compose exec -T db \\\n  pg_dump -U <postgres_user> <postgres_db> \\\n  | gzip > /backups/db.sql.gz\nfor f in $(ls *.log); do echo \"$f\"; done"
        )
        let findings = try lint(text, rule: "shellcheck")
        #expect(findings.map(\.message).filter { $0.hasPrefix("SC1") } == [])
        #expect(
            findings.map { "\($0.location.line):\($0.location.column) \($0.message.prefix(6))" } == [
                "9:10 SC2045", "9:15 SC2035",
            ])
        #expect(try lint(text, rule: "placeholder").count == 2)
    }

    @Test func aCleanBlockHasNoFindings() throws {
        #expect(try lint(guide("cd /srv && ls -la"), rule: "shellcheck").isEmpty)
    }
}
