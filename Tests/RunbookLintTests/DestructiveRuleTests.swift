import Testing

@testable import RunbookLint

struct DestructiveRuleTests {
    @Test func destructiveCommandsWarnOutsideRollback() throws {
        let text =
            guide(
                "rm -rf \"$BUILD_DIR\"/*", "rm -rf \"${BUILD_DIR:?}\"/*", "docker compose down -v",
                "psql -c 'DROP DATABASE shop'", "git clean -fdx")
            + "\n## Rollback\n\n\(fence)bash\nrm -rf \"$RELEASE\"\n\(fence)\n"
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["6:1 warning", "18:1 warning", "24:10 warning", "30:1 warning"])
        #expect(findings[0].fix == "write ${NAME:?} so an unset variable stops the step")
    }
}
