import Foundation
import RunbookTestSupport
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

    /// One shellcheck reads a batch of guides: each finding goes to its own guide, at its line.
    @Test func aBatchsFindingsGoToTheirOwnGuides() throws {
        let dir = try Scratch.directory("rb-shellcheck-batch")
        let texts = [
            "a.md": guide("cd /srv", "for f in $(ls *.log); do echo \"$f\"; done"),
            "b.md": "# B\n\nNo commands here.\n",
            "c.md": guide("rm -rf $DIR/*"),
        ]
        for (name, text) in texts { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let paths = ["a.md", "b.md", "c.md"].map { dir.appendingPathComponent($0).path }
        let reports = try Linter.lint(batch: paths, options: LintOptions()).map { try $0.get() }
        let found = reports.map { report in
            report.findings.filter { $0.rule == "shellcheck" }.map {
                "\($0.location.line):\($0.location.column) \($0.message.prefix(6))"
            }
        }
        #expect(found == [["12:10 SC2045", "12:15 SC2035"], [], ["6:8 SC2115", "6:8 SC2086"]])
        #expect(reports.map(\.path) == paths)
        #expect(reports.allSatisfy { $0.notes.isEmpty })
    }

    /// Batches are for shellcheck: without it a thread takes one guide at a time; with it up
    /// to 16, fewer when there are too few guides to give every thread some.
    @Test func batchesAreForShellcheck() {
        #expect(Linter.batchSize(guides: 2000, forks: 2, shellchecked: false) == 1)
        #expect(Linter.batchSize(guides: 2000, forks: 2, shellchecked: true) == 16)
        #expect(Linter.batchSize(guides: 20, forks: 2, shellchecked: true) == 10)
        #expect(Linter.batchSize(guides: 3, forks: 4, shellchecked: true) == 1)
        #expect(Linter.batchSize(guides: 0, forks: 2, shellchecked: true) == 1)
    }

    /// When the shellcheck given a batch fails, each script goes to one of its own: the failure
    /// is said of the script it happened on, the others are checked, and the scripts' files
    /// are gone afterwards. The stand-in crashes on a script that holds `crash`, else runs
    /// shellcheck, and logs the files it was given.
    @Test func aFailingBatchIsCheckedScriptByScript() throws {
        let real = try #require(ShellcheckRule.executable)
        let dir = try Scratch.directory("rb-shellcheck-standin")
        let log = dir.appendingPathComponent("files.log").path
        let standIn = dir.appendingPathComponent("shellcheck")
        let script = """
            #!/bin/bash
            for a in "$@"; do [ -f "$a" ] && echo "$a" >> '\(log)'; done
            for a in "$@"; do [ -f "$a" ] && grep -q crash "$a" && kill -SEGV $$; done
            exec '\(real)' "$@"

            """
        try Data(script.utf8).write(to: standIn)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn.path)
        let outcomes = ShellcheckRule.run(
            standIn.path, scripts: ["#!/bin/bash\nls *.txt\n", "#!/bin/bash\necho crash\n", "#!/bin/bash\necho $1\n"])
        let described = outcomes.map { outcome in
            switch outcome {
            case .success(let comments): comments.map { "SC\($0.code) \($0.line):\($0.column)" }.joined(separator: ",")
            case .failure(let failure): failure.reason
            }
        }
        #expect(described == ["SC2035 2:4", "it was killed by signal 11", "SC2086 2:6"])
        // One run with all three, then one each.
        let given = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(given.count == 6)
        #expect(given.allSatisfy { !FileManager.default.fileExists(atPath: String($0)) })
    }
}
