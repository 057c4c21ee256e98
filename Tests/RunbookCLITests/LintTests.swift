import Foundation
import Testing

@Suite("runbook lint")
struct LintCLITests {
    static let guide = """
        # Deploy

        ## Variables

        \(fence)bash
        export DOMAIN="yourdomain.com"
        \(fence)

        ## Install

        \(fence)bash
        curl -fsSL "https://get.${DOMAIN}/install.sh" | sh
        git clone https://github.com/OWNER/REPO "$APP_DIR"
        \(fence)

        ## Logs

        \(fence)bash
        tail -f /var/log/app.log
        \(fence)

        """

    @Test func textFindingsAndExitStatusOne() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["lint", "g.md", "--shellcheck", "off"], in: dir)
        #expect(run.status == 1)
        #expect(
            run.stdout == """
                g.md:6:16: info: [placeholder] placeholder yourdomain.com (yourdomain.com) in a default; bind a real value with --vars or --set
                g.md:12:1: warning: [pipe-to-shell] a downloaded script is run unread (fix: download it, check its checksum or read it, then run it)
                g.md:13:30: error: [placeholder] placeholder OWNER/REPO (OWNER/REPO) in a command (fix: use a variable (${NAME}) bound with --vars)
                g.md:13:42: error: [undefined-variable] $APP_DIR is not defined by the guide, an earlier step or a binding (fix: declare it (export APP_DIR=…) in the variables section, or use ${APP_DIR:?set APP_DIR first})
                g.md:19:1: warning: [never-ending] step logs/1 follows output until stopped; runbook stops it after the follow window (fix: annotate the block with follow=10s)

                """)
    }

    @Test func warningsFailOnlyWithStrictAndRulesCanBeDisabled() throws {
        let dir = try workspace(["g.md": "# G\n\n## Logs\n\n```bash\ntail -f /var/log/app.log\n```\n"])
        #expect(try runbook(["lint", "g.md"], in: dir).status == 0)
        #expect(try runbook(["lint", "g.md", "--strict"], in: dir).status == 1)
        let disabled = try runbook(["lint", "g.md", "--strict", "--disable", "never-ending"], in: dir)
        #expect(disabled.status == 0)
        #expect(disabled.stdout.isEmpty)
        let unknown = try runbook(["lint", "g.md", "--disable", "never-endin"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--disable never-endin: no such rule"))
    }

    /// What the reader reports (here an unclosed `<details>`) is a finding like a rule's, and
    /// `--disable` and suppressions take its id.
    @Test func theReadersFindingsCanBeDisabledLikeRules() throws {
        let guide = "# G\n\n<details><summary>Older</summary>\n\n```bash\ngit checkout v1\n```\n"
        let dir = try workspace(["g.md": guide, "quiet.md": "<!-- runbook-lint disable-file=unclosed-details -->\n" + guide])
        let run = try runbook(["lint", "g.md", "--shellcheck", "off", "--strict"], in: dir)
        #expect(run.status == 1)
        #expect(
            run.stdout
                == "g.md:3:1: warning: [unclosed-details] <details> is never closed, so the 1 step after it is folded: "
                + "optional, run only with --only or --section (fix: close it with </details> where the folded part ends)\n")
        let disabled = try runbook(["lint", "g.md", "--strict", "--disable", "unclosed-details", "--shellcheck", "off"], in: dir)
        #expect(disabled.status == 0)
        #expect(disabled.stdout.isEmpty)
        let suppressed = try runbook(["lint", "quiet.md", "--strict", "--shellcheck", "off"], in: dir)
        #expect(suppressed.status == 0)
        #expect(suppressed.stdout.isEmpty)
        let help = try runbook(["lint", "--help"], in: dir)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            words.contains(
                "bad-annotation, shellcheck, unwritten-file, shell-startup, front-matter, encoding, unclosed-details, shell-inside."
            )
        )
    }

    @Test func anUnreadableFileIsExitTwoAndTheOthersAreStillChecked() throws {
        let dir = try workspace(["g.md": Self.guide, "binary.md": "\u{0}\u{1}"])
        let run = try runbook(["lint", "missing.md", "binary.md", "g.md", "--shellcheck", "off"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("missing.md"))
        #expect(run.stderr.contains("binary.md"))
        #expect(run.stdout.contains("g.md:13:30: error: [placeholder]"))
    }

    /// A directory stands for every Markdown file under it, in path order; hidden directories,
    /// `node_modules`, other files and a link back up are passed over. A directory with no
    /// guide is bad input, and the guides named beside it are still checked.
    @Test func aDirectoryIsEveryGuideUnderIt() throws {
        let guide = "# G\n\n```bash\ntail -f /var/log/app.log\n```\n"
        let dir = try workspace([
            "docs/b.md": guide, "docs/a/z.markdown": guide, "docs/a/Y.MD": guide, "docs/.old/c.md": guide,
            "docs/node_modules/pkg/README.md": guide, "docs/a/notes.txt": guide, "empty/.keep": "",
        ])
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("docs/a/up").path, withDestinationPath: "..")
        let run = try runbook(["lint", "docs/", "--shellcheck", "off", "--format", "json"], in: dir)
        #expect(run.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.map { $0["file"] as? String } == ["docs/a/Y.MD", "docs/a/z.markdown", "docs/b.md"])
        let mixed = try runbook(["lint", "empty", "docs/b.md", "--shellcheck", "off"], in: dir)
        #expect(mixed.status == 2)
        #expect(mixed.stderr == "runbook: error: empty: no Markdown files (*.md, *.markdown) under this directory\n")
        #expect(mixed.stdout.hasPrefix("docs/b.md:4:1: warning: [never-ending]"))
    }

    /// Guides and options in any order: every guide is checked, reported in the order given,
    /// with the options that came between them applied to all.
    @Test func manyGuidesWithOptionsBetweenThemAreAllCheckedInOrder() throws {
        var files: [String: String] = [:]
        var names: [String] = []
        for index in 0..<300 {
            let name = "g\(String(format: "%03d", 299 - index)).md"
            names.append(name)
            files[name] = Self.guide
        }
        let dir = try workspace(files)
        let options = ["--disable", "never-ending", "--shellcheck", "off"]
        let arguments = ["lint"] + names[0..<100] + ["--format", "json"] + names[100..<200] + options + names[200...]
        let run = try runbook(arguments, in: dir)
        #expect(run.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        var order: [String] = []
        for finding in findings {
            let file = try #require(finding["file"] as? String)
            if order.last != file { order.append(file) }
        }
        #expect(order == names)
        #expect(findings.count == 300 * 4)
        #expect(!findings.contains { $0["rule"] as? String == "never-ending" })
    }

    @Test func jsonHasTheSpecsSchema() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["lint", "g.md", "--format", "json", "--shellcheck", "off"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? Int == 1)
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.count == 5)
        #expect(Set(findings[0].keys) == ["rule", "severity", "file", "line", "column", "message", "fix"])
        #expect(findings[2]["rule"] as? String == "placeholder")
        #expect(findings[2]["severity"] as? String == "error")
        #expect(findings[2]["line"] as? Int == 13)
        #expect(findings[2]["column"] as? Int == 30)
        #expect(findings[0]["fix"] is NSNull)
    }

    @Test func githubAnnotationsAreWorkflowCommands() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["lint", "g.md", "--format", "github", "--shellcheck", "off"], in: dir)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(
            lines[0]
                == "::notice file=g.md,line=6,col=16,title=runbook placeholder::placeholder yourdomain.com (yourdomain.com) in a default; bind a real value with --vars or --set"
        )
        #expect(lines[2].hasPrefix("::error file=g.md,line=13,col=30,title=runbook placeholder::"))
        // Every line is `::level key=value,…::message` with no raw newline, comma or colon inside properties.
        for line in lines {
            #expect(
                line.range(
                    of: #"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[^,:]+::.+$"#, options: .regularExpression)
                    != nil, "\(line)")
        }
    }

    @Test func sarifIsAValidLookingSARIF210Log() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["lint", "g.md", "--format", "sarif", "--shellcheck", "off"], in: dir)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "runbook")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 5)
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == ruleID)
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "g.md")
            let region = try #require(location["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1)
            #expect((region["startColumn"] as? Int ?? 0) >= 1)
        }
        #expect(results[2]["level"] as? String == "error")
    }

    @Test func aCRLFGuideGetsTheSameFindingsAsItsLFCopy() throws {
        // An indented block in a list item: its findings' columns count the indentation.
        let guide = Self.guide + "\n## Check\n\n1. Then:\n\n   ```bash\n   curl -fsS https://yourdomain.com/health\n   ```\n"
        let crlf = guide.replacingOccurrences(of: "\n", with: "\r\n")
        let dir = try workspace(["lf.md": guide, "crlf.md": crlf])
        let lf = try runbook(["lint", "lf.md", "--shellcheck", "off"], in: dir)
        let windows = try runbook(["lint", "crlf.md", "--shellcheck", "off"], in: dir)
        #expect(lf.stdout.split(separator: "\n").count == 6)
        #expect(lf.stdout.contains("lf.md:27:22: error: [placeholder] placeholder yourdomain.com"))
        #expect(windows.stdout.replacingOccurrences(of: "crlf.md:", with: "lf.md:") == lf.stdout)
        #expect(windows.status == lf.status)
    }

    @Test func sarifURIsArePercentEncodedPaths() throws {
        let dir = try workspace(["my guide é.md": Self.guide])
        let run = try runbook(["lint", "my guide é.md", "--format", "sarif", "--shellcheck", "off"], in: dir)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        #expect(results.count == 5)
        let uris = Set(
            results.compactMap {
                (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
                    .flatMap { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String }
            })
        #expect(uris == ["my%20guide%20%C3%A9.md"])
    }

    @Test func varsChecksTheBinding() throws {
        let dir = try workspace([
            "g.md":
                "# G\n\n## Vars\n\n```bash\nexport DOMAIN=\"yourdomain.com\"\nexport API_TOKEN=\"\"\n```\n\n## Go\n\n```bash\necho \"$DOMAIN $API_TOKEN\"\n```\n",
            "prod.env": "DOMAIN=shop.acme.io\n",
            "good.env": "DOMAIN=shop.acme.io\nAPI_TOKEN=abc\n",
        ])
        let bad = try runbook(["lint", "g.md", "--vars", "prod.env", "--shellcheck", "off"], in: dir)
        #expect(bad.status == 1)
        #expect(
            bad.stdout.contains("g.md:7:1: error: [undefined-variable] API_TOKEN is required and prod.env does not bind it\n"))
        let good = try runbook(["lint", "g.md", "--vars", "good.env", "--shellcheck", "off"], in: dir)
        #expect(good.status == 0, "\(good.stdout)")
    }

    @Test func brokenBindingFileIsBadInputNotSkipped() throws {
        // A --vars file that does not parse once passed lint silently, as if never given.
        let dir = try workspace([
            "g.md": "# G\n\n```bash\necho \"$DOMAIN\"\n```\n",
            "h.md": "# H\n\n```bash\necho hi\n```\n",
            "bad.env": "DOMAIN=shop.acme.io\nAPI_TOKEN=\"open\n",
        ])
        let run = try runbook(["lint", "g.md", "h.md", "--vars", "bad.env", "--shellcheck", "off"], in: dir)
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(run.stderr == "runbook: error: bad.env:2:1: unterminated double-quoted value\n")
    }

    @Test func shellcheckFindingsArePartOfTheReport() throws {
        let dir = try workspace(["g.md": "# G\n\n## A\n\n```bash\nfor f in $(ls *.log); do echo $f; done\n```\n"])
        let run = try runbook(["lint", "g.md"], in: dir)
        #expect(run.stdout.contains("g.md:6:10: error: [shellcheck] SC2045: Iterating over ls output is fragile. Use globs.\n"))
        #expect(run.status == 1)
        // Without shellcheck on the PATH, lint says so once and goes on.
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let without = try runbook(["lint", "g.md", "g.md"], in: dir, environment: ["PATH": bin.path])
        #expect(
            without.stderr
                == "runbook: warning: shellcheck is not installed; its checks were skipped (apt-get install shellcheck)\n")
        #expect(!without.stdout.contains("shellcheck"))
    }

    /// shellcheck's scripts are written to a directory named for the lint's process, removed
    /// when it is done; one that a killed lint left (its process gone) is removed by the next
    /// lint. A live process's, and anything else, stay.
    @Test func scriptsAKilledLintLeftAreSweptByTheNext() throws {
        let dir = try workspace([
            "g.md": "# G\n\n## A\n\n```bash\nfor f in $(ls *.log); do echo $f; done\n```\n",
            "tmp/runbook-shellcheck.notapid.x/1.sh": "ls\n", "tmp/other/keep": "",
        ])
        let tmp = dir.appendingPathComponent("tmp")
        // A process that is gone: one that ran and was waited for.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = tmp.appendingPathComponent("runbook-shellcheck.\(gone.processIdentifier).Ab12Cd")
        let live = tmp.appendingPathComponent("runbook-shellcheck.\(getpid()).Ef34Gh")
        for left in [stale, live] {
            try FileManager.default.createDirectory(at: left, withIntermediateDirectories: true)
            try Data("ls\n".utf8).write(to: left.appendingPathComponent("0.sh"))
        }
        let run = try runbook(["lint", "g.md"], in: dir, environment: ["TMPDIR": tmp.path])
        #expect(run.stdout.contains("[shellcheck] SC2045"))
        #expect(run.status == 1)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
        #expect(remaining == ["other", live.lastPathComponent, "runbook-shellcheck.notapid.x"].sorted())
    }

    /// A shellcheck that fails (refuses its arguments, crashes, writes no JSON) is said, for
    /// each guide it failed on, instead of the guide passing as if it had been checked. These
    /// stand-ins are scripts named shellcheck on the PATH, each failing one of those ways.
    @Test func aShellcheckThatFailsIsSaidNotSilent() throws {
        let dir = try workspace(["g.md": "# G\n\n## A\n\n```bash\nfor f in $(ls *.log); do echo $f; done\n```\n"])
        let failures = [
            "echo 'shellcheck: unrecognized option --bogus' >&2; exit 4":
                "it exited with status 4: shellcheck: unrecognized option --bogus",
            "kill -SEGV $$": "it was killed by signal 11",
            "cat >/dev/null; echo 'Segmentation fault'": "its output was not the JSON it was asked for",
        ]
        for (body, reason) in failures {
            let bin = dir.appendingPathComponent("bin-\(abs(body.hashValue))")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let program = bin.appendingPathComponent("shellcheck")
            try Data("#!/bin/bash\n\(body)\n".utf8).write(to: program)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
            let run = try runbook(["lint", "g.md"], in: dir, environment: ["PATH": "\(bin.path):/usr/bin:/bin"])
            #expect(run.status == 0, "\(body)")
            #expect(run.stdout.isEmpty, "\(body)")
            #expect(
                run.stderr == "runbook: warning: shellcheck failed on g.md: \(reason); that guide has no shellcheck findings\n")
        }
        // The scripts are written to a directory of their own under TMPDIR; where none can be
        // made, lint says why.
        let missing = dir.appendingPathComponent("no-such-tmp").path
        let run = try runbook(["lint", "g.md"], in: dir, environment: ["TMPDIR": missing])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr
                == "runbook: warning: shellcheck failed on g.md: no directory for its scripts could be made in \(missing) "
                + "(No such file or directory); that guide has no shellcheck findings\n")
    }
}
