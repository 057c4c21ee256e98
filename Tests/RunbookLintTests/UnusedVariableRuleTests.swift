import Testing

@testable import RunbookLint

struct UnusedVariableRuleTests {
    @Test func declaredAndNeverUsedIsInfo() throws {
        let text =
            "# G\n\n## Vars\n\n\(fence)bash\nexport USED=1\nexport UNUSED=2\nexport IN_DEFAULT=3\nexport DERIVED=\"x-${IN_DEFAULT}\"\nexport BASTION=gw\n\(fence)\n\n"
            + "## Go\n\n\(fence)bash\necho $USED $DERIVED\n\(fence)\n\n\(fence)bash\nssh -J \"ops@$BASTION\" deploy@10.0.0.5\n\(fence)\n"
        let findings = try lint(text, rule: "unused-variable")
        #expect(findings.map(\.message) == ["UNUSED is declared but no step uses it"])
        #expect(spots(findings) == ["7:1 info"])
    }

    /// A name a program reads from its environment is used by running that program:
    /// `PGPASSWORD` by psql, `AWS_PROFILE` by aws, every `TF_VAR_…` by terraform, every
    /// `RESTIC_…` by restic. A name of the guide's own that only looks alike (`AWS_ACCOUNT_ID`,
    /// `TF_VAR`) is not.
    @Test func namesProgramsReadFromTheEnvironmentAreUsed() throws {
        let text =
            "# G\n\n\(fence)bash\nexport PGPASSWORD=s3cret\nexport AWS_PROFILE=prod\nexport TF_VAR_region=eu-west-1\n"
            + "export AWS_ACCOUNT_ID=123\nexport TF_VAR_=x\nexport DB_HOST=db1\n"
            // restic's repository and password (session 34), B2's keys for it.
            + "export RESTIC_REPOSITORY=s3:https://s3.amazonaws.com/b\nexport RESTIC_PASSWORD=x\nexport B2_ACCOUNT_ID=1\n"
            + "\(fence)\n\n## Go\n\n\(fence)bash\npsql -c 'select 1'\n\(fence)\n"
        let findings = try lint(text, rule: "unused-variable")
        #expect(
            findings.map(\.message) == [
                "AWS_ACCOUNT_ID is declared but no step uses it", "TF_VAR_ is declared but no step uses it",
                "DB_HOST is declared but no step uses it",
            ])
    }
}
