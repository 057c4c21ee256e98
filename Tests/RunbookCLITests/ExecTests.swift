import Foundation
import RunbookTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A guide for exec tests; `extra` is appended.
func guide(_ body: String) -> String {
    "# Exec test\n\n" + body
}

@Suite("runbook exec", .serialized)
struct ExecTests {
    @Test func demoGuideDeploysVerifiesAndTearsDown() throws {
        let dir = try workspace()
        let port = freePort()
        let site = dir.appendingPathComponent("site").path
        let demo = packageRoot.appendingPathComponent("runbooks/demo.md").path
        let run = try runbook(["exec", demo, "--set", "SITE_PORT=\(port)", "--set", "SITE_DIR=\(site)"], in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.contains(
                "── [1/4] 2. build-the-site/1  on local  (\(demo):24)\n   │ health\n   │ index.html\n   ✔ succeeded"))
        #expect(run.stdout.contains("── [4/4] 5. verify/2  on local  (\(demo):64)\n   │ <h1>runbook demo</h1>\n   ✔ succeeded"))
        #expect(run.stdout.contains(" succeeded: 4 succeeded in "))
        let fetch = Process()
        fetch.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        fetch.arguments = ["-fsS", "--max-time", "5", "http://127.0.0.1:\(port)/"]
        let body = Pipe()
        fetch.standardOutput = body
        try fetch.run()
        let page = String(decoding: body.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        fetch.waitUntilExit()
        #expect(page.contains("<h1>runbook demo</h1>"))
        let teardown = try runbook(
            ["exec", demo, "--section", "teardown", "--set", "SITE_PORT=\(port)", "--set", "SITE_DIR=\(site)"], in: dir)
        #expect(teardown.status == 0)
        #expect(!FileManager.default.fileExists(atPath: site))
    }

    /// "Create `app.py`:" over a block without `file=`: runbook does not guess where to write,
    /// so the run stops there for the person to save it (it used to skip the block, and the
    /// step that runs the file failed), and goes on once they say it is done.
    @Test func aBlockToSaveIsThePersonsStepInItsPlace() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Write\n\nCreate `hello.py`:\n\n```python\nprint(\"hello from the file\")\n```\n\n"
                    + "## Run\n\n```bash\npython3 hello.py\n```\n")
        ])
        let paused = try runbook(["exec", "g.md"], in: dir)
        #expect(paused.status == 3, "\(paused.stdout)\(paused.stderr)")
        #expect(paused.stdout.contains("   │ Create hello.py:\n   │ print(\"hello from the file\")\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("hello.py").path))
        try "print(\"hello from the file\")\n".write(
            to: dir.appendingPathComponent("hello.py"), atomically: true, encoding: .utf8)
        let id = try #require(paused.stdout.components(separatedBy: "runbook resume ").last?.split(separator: " ").first)
        let resumed = try runbook(["resume", String(id), "--confirm"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("   │ hello from the file\n"))
    }

    /// `sqlite3 shop.db` opens its prompt, and the `sql` block after it is what is typed there:
    /// the run gives the block to the client on its input (before, the client waited for a
    /// person and the block was shown, never run), and a statement that fails fails the step.
    @Test func aBlockTypedAtAClientsPromptIsItsInput() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Database\n\n```bash\nsqlite3 shop.db\n```\n\n```sql\nCREATE TABLE orders (id INTEGER);\n"
                    + "INSERT INTO orders VALUES (1), (2);\n.quit\n```\n\n## Check\n\n"
                    + "```bash\nsqlite3 shop.db 'SELECT count(*) FROM orders;'\n```\n\nExpected: `2`\n"),
            "bad.md": guide("## Database\n\n```bash\nsqlite3 shop.db\n```\n\n```sql\nSELECT * FROM missing;\n```\n"),
            // The blocks after the first are typed at the same prompt: steps of their own.
            "more.md": guide(
                "## Database\n\n```bash\nsqlite3 more.db\n```\n\n```sql\nCREATE TABLE t (id INTEGER);\n```\n\n"
                    + "Then fill it:\n\n```sql\nINSERT INTO t VALUES (1), (2), (3);\n```\n\n"
                    + "## Check\n\n```sql\nSELECT count(*) FROM t;\n```\n\nExpected: `3`\n"),
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(
            plan.stdout.contains("   1  database/1  artifact+run  on local  :5  (input to sqlite3 shop.db)\n"), "\(plan.stdout)")
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ 2\n"), "\(run.stdout)")
        let bad = try runbook(["exec", "bad.md"], in: dir)
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("no such table: missing"), "\(bad.stdout)")
        let more = try runbook(["exec", "more.md"], in: dir)
        #expect(more.status == 0, "\(more.stdout)\(more.stderr)")
        #expect(more.stdout.contains("3 succeeded"), "\(more.stdout)")
        #expect(more.stdout.contains("   │ 3\n"), "\(more.stdout)")
    }

    /// A guide's `set -o noclobber` is for its own redirections: a `file=` block still
    /// replaces the file it writes.
    @Test func aFileBlockIsWrittenUnderNoclobber() throws {
        let dir = try workspace([
            "out.txt": "old\n",
            "g.md": guide(
                "## Write\n\n```bash\nset -o noclobber\n```\n\n```text { file=out.txt }\nnew content\n```\n\n"
                    + "```bash\ncat out.txt\n```\n"),
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8) == "new content\n")
    }

    /// SPEC §3's annotations on a block that is not shell: `file=` writes it (as written, or
    /// with `expand=true` filling in environment-style names from the shell, secrets too, which
    /// still never reach output or the run's files), `mode=` sets its mode, `runner=` gives it
    /// to a program, `run` to its language's interpreter. A shell block with `file=` is
    /// written, not run. Before, every such block ran as bash.
    @Test func annotatedBlocksAreWrittenOrGivenToTheirProgram() throws {
        let token = "tok-9Fz2Lq8Wm3Tx7Bv4"
        let dir = try workspace([
            "g.md": guide(
                """
                ## Variables

                \(fence)bash
                export APP_NAME="shop"
                export API_TOKEN=""
                \(fence)

                ## Files

                \(fence)ini { file=conf/app.ini mode=0600 }
                [a]
                b = $HOME `x` ${APP_NAME}
                \(fence)

                \(fence)nginx { file=conf/site.conf expand=true }
                server_name ${APP_NAME}.local;
                proxy_set_header Host $host;
                set $token "${API_TOKEN}";
                \(fence)

                \(fence)bash { file=deploy.sh mode=0755 }
                echo "deployed $APP_NAME"
                \(fence)

                ## Run

                \(fence)python { run }
                print("python says", 6 * 7)
                \(fence)

                \(fence)sql { runner="tr a-z A-Z" }
                select 1;
                \(fence)

                \(fence)bash
                ./deploy.sh
                \(fence)
                """)
        ])
        let dry = try runbook(["exec", "g.md", "--dry-run", "--set", "API_TOKEN=\(token)"], in: dir)
        #expect(dry.stdout.contains("  (g.md:12)\n    writes conf/app.ini (mode 0600), as written:\n    [a]\n"))
        #expect(dry.stdout.contains("  (g.md:17)\n    writes conf/site.conf, with $NAMEs filled in by the shell:\n"))
        #expect(dry.stdout.contains("  (g.md:29)\n    runs with python3:\n    print(\"python says\", 6 * 7)\n"))
        #expect(dry.stdout.contains("  (g.md:33)\n    runs with tr a-z A-Z:\n    select 1;\n"))
        let run = try runbook(["exec", "g.md", "--set", "API_TOKEN=\(token)"], in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        func read(_ name: String) -> String? { try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        #expect(read("conf/app.ini") == "[a]\nb = $HOME `x` ${APP_NAME}\n")
        #expect(read("conf/site.conf") == "server_name shop.local;\nproxy_set_header Host $host;\nset $token \"\(token)\";\n")
        #expect(read("deploy.sh") == "echo \"deployed $APP_NAME\"\n")
        let mode = { (name: String) in
            (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.posixPermissions])
                as? Int
        }
        #expect(mode("conf/app.ini") == 0o600)
        #expect(mode("deploy.sh") == 0o755)
        #expect(run.stdout.contains("   │ wrote conf/app.ini (2 lines)\n"))
        #expect(run.stdout.contains("   │ python says 42\n"))
        #expect(run.stdout.contains("   │ SELECT 1;\n"))
        // The script was written by one step and run by the last one, not by its own.
        #expect(run.stdout.components(separatedBy: "deployed shop").count == 2)
        #expect(!run.stdout.contains(token) && !run.stderr.contains(token))
        let stored = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent(".runbook").path)
        for path in stored {
            let text = (try? String(contentsOf: dir.appendingPathComponent(".runbook/\(path)"), encoding: .isoLatin1)) ?? ""
            #expect(!text.contains(token), "\(path)")
        }
    }

    /// The second runnable guide: nginx (Debian's nginx-light) in front of an app, with its
    /// configuration written by a `file= expand=true` block; then its teardown.
    @Test func nginxProxyGuideWritesItsConfigAndServesThroughNginx() throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"),
            "nginx is not installed (apt-get install nginx-light)")
        let dir = try workspace()
        let (proxy, app) = (freePort(), freePort())
        let work = dir.appendingPathComponent("work").path
        let path = packageRoot.appendingPathComponent("runbooks/nginx-proxy.md").path
        let binding = ["--set", "PROXY_PORT=\(proxy)", "--set", "APP_PORT=\(app)", "--set", "WORK_DIR=\(work)"]
        let run = try runbook(["exec", path] + binding, in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ wrote \(work)/nginx.conf (20 lines)\n"))
        #expect(run.stdout.contains("   │ hello from the app behind nginx\n   ✔ succeeded"))
        let config = try String(contentsOfFile: "\(work)/nginx.conf", encoding: .utf8)
        #expect(config.contains("        listen 127.0.0.1:\(proxy);\n"))
        #expect(config.contains("            proxy_set_header Host $host;\n"))
        #expect(config.contains("            proxy_pass http://127.0.0.1:\(app);\n"))
        let teardown = try runbook(["exec", path, "--section", "teardown"] + binding, in: dir)
        #expect(teardown.status == 0, "\(teardown.stdout)\(teardown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work))
    }

    /// A step whose sudo wants a password fails at once, as it must (its shell has no terminal
    /// to type it in), and the failure says so and what to do. Real sudo, as `nobody`, with a copy of
    /// runbook that user can run: without a terminal (setsid), and on one (`script` gives it a
    /// pty), where the step's shell used to share runbook's terminal from a background process
    /// group and sudo was stopped there for good.
    @Test(.enabled(if: getuid() == 0, "it becomes nobody, which needs root (CI runs as root)"))
    func sudoAskingForAPasswordFailsAtOnceAndSaysWhatToDo() throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo"), "sudo is not installed (apt-get install sudo)")
        let dir = try workspace(["g.md": guide("## Restart\n\n```bash\nsudo true\n```\n")])
        let binary = dir.appendingPathComponent("runbook")
        try FileManager.default.copyItem(at: runbookBinary, to: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dir.path)
        let asNobody = ["/usr/sbin/runuser", "-u", "nobody", "--"]
        let note =
            "   command: sudo true\n   sudo asked for a password, and a step's shell has no terminal to type it in: let this user run these commands without one (NOPASSWD in /etc/sudoers.d), or annotate the step interactive=true to run it on your terminal"
        for command in [
            ["/usr/bin/setsid", "--wait"] + asNobody + [binary.path, "exec", "--yes", "g.md"],
            asNobody + ["/usr/bin/script", "-qefc", "\(binary.path) exec --yes g.md", "/dev/null"],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            process.currentDirectoryURL = dir
            process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": dir.path, "TERM": "dumb"]
            // Output to a file (a pipe nobody reads could stall it); given up on after 30 s.
            let log = dir.appendingPathComponent("out-\(UUID().uuidString)")
            #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
            let out = try FileHandle(forWritingTo: log)
            process.standardOutput = out
            process.standardError = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            let hung = process.isRunning
            if hung { process.terminate() }
            process.waitUntilExit()
            try out.close()
            let text = try String(contentsOf: log, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
            #expect(!hung, "\(command[0]): still running after 30 s")
            #expect(process.terminationStatus == 1, "\(command[0]): \(text)")
            #expect(text.contains(note), "\(command[0]): \(text)")
        }
    }

    @Test func preflightRefusesAndNothingRuns() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Variables

                ```bash
                # Where to deploy
                export DEPLOY_HOST=""
                export REGION="<your-region>"
                export UNUSED_HERE=""
                ```

                ## Deploy

                ```bash
                touch ran-marker
                echo "$DEPLOY_HOST $REGION"
                ```
                """)
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(
            run.stderr == """
                preflight failed; nothing ran:
                  g.md:7: DEPLOY_HOST is not bound — Where to deploy; set it with --set DEPLOY_HOST=… or in a --vars file
                  g.md:8: REGION is not bound; the guide's default is a placeholder (<your-region>) — Where to deploy; set it with --set REGION=… or in a --vars file
                runbook: error: 2 problems to fix before this guide can run

                """)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran-marker").path))
        let placeholder = try runbook(["exec", "g.md", "--set", "DEPLOY_HOST=yourdomain.com", "--set", "REGION=eu"], in: dir)
        #expect(placeholder.status == 2)
        #expect(placeholder.stderr.contains("g.md:7: DEPLOY_HOST is bound to a placeholder (yourdomain.com)"))
        // Of a secret, only the kind: the value itself is never shown.
        let declared =
            "## Variables\n\n```bash\nexport API_TOKEN=\"\"\n```\n\n## Deploy\n\n```bash\ntest -n \"$API_TOKEN\"\n```\n"
        try Data(declared.utf8)
            .write(to: dir.appendingPathComponent("s.md"))
        let secret = try runbook(["exec", "s.md", "--set", "API_TOKEN=your_token_s3cr3t"], in: dir)
        #expect(secret.status == 2)
        #expect(secret.stderr.contains("s.md:4: API_TOKEN is bound to a placeholder (your-…)"))
        #expect(!secret.stderr.contains("s3cr3t"))
        let ok = try runbook(["exec", "g.md", "--set", "DEPLOY_HOST=db1.internal", "--set", "REGION=eu"], in: dir)
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("   │ db1.internal eu\n"))
    }

    /// A guide that lists its variables in a table instead of a block of exports: the names its
    /// steps read must be bound, as a block's would be, and the table's defaults apply.
    /// A declared name a program reads by itself (`PGPASSWORD` for psql) is needed though no
    /// step writes `$PGPASSWORD`: preflight asks for it, and the bound value reaches the
    /// program's environment, never the output.
    @Test func aNameProgramsReadIsBoundBeforeAnythingRuns() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Variables

                ```bash
                export PGPASSWORD=""
                ```

                ## Restore

                ```bash
                printenv PGPASSWORD | wc -c
                ```
                """)
        ])
        let refused = try runbook(["exec", "g.md"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("g.md:6: PGPASSWORD is not bound; set it with --set PGPASSWORD=… or in a --vars file"))
        let run = try runbook(["exec", "g.md", "--set", "PGPASSWORD=hunter2hunter"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ 14\n"))
        #expect(!run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"))
    }

    /// `ssh ops@$NODE` with NODE declared nowhere: preflight asks for NODE rather than
    /// connecting to an empty host, and takes it from the environment like any declared name.
    @Test func anAddressNothingDeclaresIsAskedForBeforeConnecting() throws {
        let dir = try workspace(["g.md": guide("## Diagnose\n\n```bash\nssh ops@$NODE\n```\n\n```bash\ndf -h /var\n```\n")])
        let refused = try runbook(["exec", "g.md", "--dry-run"], in: dir)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "g.md:6: NODE is not bound — the address of node, from its ssh line; set it with --set NODE=… or in a --vars file"
            ))
        let bound = try runbook(["exec", "g.md", "--dry-run"], in: dir, environment: ["NODE": "web3.internal"])
        #expect(bound.status == 0, "\(bound.stderr)")
        #expect(bound.stdout.contains("on node (ops@web3.internal)"))
        // A jump host's address alike.
        try guide("## Diagnose\n\n```bash\nssh -J \"ops@$BASTION\" deploy@10.0.0.5\n```\n\n```bash\ndf -h /var\n```\n")
            .write(to: dir.appendingPathComponent("j.md"), atomically: true, encoding: .utf8)
        let jump = try runbook(["exec", "j.md", "--dry-run"], in: dir)
        #expect(jump.status == 2)
        #expect(jump.stderr.contains("j.md:6: BASTION is not bound — the address of server, from its ssh line"))
    }

    /// "If Docker images take the space:" is a condition runbook cannot check: the block is
    /// left out of the run, said so in the plan and the checklist, and runs when asked for.
    @Test func aBlockUnderAConditionRunsOnlyWhenAskedFor() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Diagnose\n\n```bash\necho checked\n```\n\nIf Docker images take the space, prune them:\n\n"
                    + "```bash\necho pruned > pruned-marker\n```\n\n## Fix\n\n```bash\necho fixed\n```\n")
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(
            plan.stdout.contains(
                "  diagnose/2  command  on local  :11  (optional: only if Docker images take the space; runs only with --only)\n")
        )
        let json = try runbook(["plan", "g.md", "--json"], in: dir)
        let steps = try #require(
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["steps"] as? [[String: Any]])
        #expect(steps.map { $0["condition"] as? String } == [nil, "If Docker images take the space", nil])
        #expect(steps.map { $0["flow"] as? String } == ["main", "optional", "main"])
        let checklist = try runbook(["checklist", "g.md", "--format", "text"], in: dir)
        #expect(checklist.stdout.contains("diagnose/2 — locally · only if Docker images take the space\n"))
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ checked\n") && run.stdout.contains("   │ fixed\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pruned-marker").path))
        let asked = try runbook(["exec", "g.md", "--only", "diagnose/2"], in: dir)
        #expect(asked.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pruned-marker").path))
    }

    /// An incident runbook's mitigations, each sent to under its own condition ("If …, go to
    /// **Mitigation A**."), stay out of a run: it diagnoses and verifies, and `--section` runs
    /// the one the person picks.
    @Test func branchesTheGuideSendsToRunOnlyWhenPicked() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Diagnose\n\n```bash\necho diagnosed\n```\n\nIf the slot is inactive, go to **Mitigation A**. "
                    + "If the logs are the largest, go to **Mitigation B**.\n\n"
                    + "## Mitigation A: drop the slot\n\n```bash\necho dropped > dropped-marker\n```\n\n"
                    + "## Mitigation B: compress the logs\n\n```bash\necho compressed > compressed-marker\n```\n\n"
                    + "## Verify\n\n```bash\necho verified\n```\n")
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  § Mitigation A: drop the slot  [optional: conditional — runs only with --section]\n"))
        #expect(
            plan.stdout.contains(
                "  mitigation-a-drop-the-slot/1  command  on local  :13  "
                    + "(optional: only if the slot is inactive; runs only with --only or --section)\n"))
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("   │ diagnosed\n") && run.stdout.contains("   │ verified\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("dropped-marker").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("compressed-marker").path))
        let picked = try runbook(["exec", "g.md", "--section", "mitigation-b-compress-the-logs"], in: dir)
        #expect(picked.status == 0, "\(picked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("dropped-marker").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("compressed-marker").path))
    }

    /// An editor step without a terminal pauses for a person, and its instructions carry what
    /// the guide says to put in the file.
    @Test func anEditorStepPausesWithTheTextToPaste() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Unit\n\n```bash\nsudo nano /etc/app.conf\n```\n\nPaste the following:\n\n```ini\n[app]\nport=8080\n```\n")
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 3)
        #expect(
            run.stdout.contains(
                "   │ Run this yourself (it needs a person at a terminal):\n   │ sudo nano /etc/app.conf\n"
                    + "   │ Paste the following:\n   │ [app]\n   │ port=8080\n"))
    }

    @Test func variablesListedInATableAreBoundBeforeAnythingRuns() throws {
        let dir = try workspace([
            "g.md": """
            # Greet

            | Variable | Default | Description |
            |---|---|---|
            | `GREETING` | `hello` | what to say |
            | `WHO` | | who to greet |

            ```bash
            echo "$GREETING, $WHO" > greeting.txt
            ```

            """
        ])
        let refused = try runbook(["exec", "g.md", "--yes"], in: dir)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.hasPrefix(
                "preflight failed; nothing ran:\n  g.md:6: WHO is not bound — who to greet; set it with --set WHO=… or in a --vars file\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("greeting.txt").path))
        let lint = try runbook(["lint", "g.md", "--shellcheck", "off"], in: dir)
        #expect(lint.status == 0)
        #expect(lint.stdout.isEmpty)
        let ran = try runbook(["exec", "g.md", "--yes", "--set", "WHO=world"], in: dir)
        #expect(ran.status == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("greeting.txt"), encoding: .utf8) == "hello, world\n")
    }

    /// A failure names the command that failed and its line in the guide: in a console
    /// block in a list item (prompts, output lines and indentation passed over), after the
    /// line `cwd=` puts first. Where the shell cannot say (inside a function), the block's
    /// first line, as before.
    @Test func aFailureNamesTheFailingCommandAndItsLine() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Console

                1. Check:

                   ```console { cwd=/tmp retries=0 }
                   $ echo one
                   one
                   $ ls /no-such-dir-rb
                   $ echo never
                   ```

                ## Function

                ```bash
                check() { false; }
                check
                ```
                """)
        ])
        let run = try runbook(["exec", "g.md", "--keep-going"], in: dir)
        #expect(run.status == 1)
        #expect(
            run.stdout.contains("   at g.md:10\n   command: ls /no-such-dir-rb\n   expected exit status 0, got exit status 2"))
        #expect(run.stdout.contains("   at g.md:17\n   command: check() { false; } …\n   expected exit status 0"))
    }

    @Test func aFailedStepStopsTheRunUnlessKeepGoing() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## One

                ```bash
                echo one
                ```

                ## Two

                ```bash
                echo two
                false
                echo never
                ```

                ## Three

                ```bash
                echo three
                ```
                """)
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 1)
        #expect(
            run.stdout.contains(
                """
                ── [2/3] 2. two/1  on local  (g.md:11)
                   │ two
                   ✘ failed (exit status 1) in
                """))
        #expect(
            run.stdout.contains(
                "   at g.md:13\n   command: false\n   expected exit status 0, got exit status 1\n   last output:\n     two\n"
            ))
        #expect(!run.stdout.contains("three"))
        let going = try runbook(["exec", "g.md", "--keep-going"], in: dir)
        #expect(going.status == 1)
        #expect(going.stdout.contains("   │ three\n"))
        #expect(going.stdout.contains(" failed: 2 succeeded, 1 failed in "))
    }

    @Test func manualStepsPauseWithoutATerminalOrAreSkipped() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Console

                - Create a bucket in the AWS Console.

                ## After

                ```bash
                touch after-marker
                ```
                """)
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 3)
        #expect(
            run.stdout.contains(
                "── [1/2] 1. console/1  by a person  (g.md:5)\n   ⏸ paused: waiting for a person\n   │ - Create a bucket in the AWS Console.\n"
            ))
        #expect(
            run.stdout.range(
                of: #"when step 1 is done: runbook resume \d{8}-\d{4}-[0-9a-f]{4} --confirm\n"#, options: .regularExpression)
                != nil)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("after-marker").path))
        let skipped = try runbook(["exec", "g.md", "--manual", "skip"], in: dir)
        #expect(skipped.status == 0)
        #expect(skipped.stdout.contains("   ↷ skipped: manual step skipped (--manual=skip)\n"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("after-marker").path))
    }

    /// "Log out and log back in" on this machine: runbook's own login is the one its shells
    /// inherit, so when it lacks a group its user is in, the run pauses for the person to log
    /// in again, and a resume from a login with every group goes on by itself. Real
    /// credentials: `setpriv` runs runbook as nobody with root's group where a login of
    /// nobody has nogroup, then as nobody with nogroup.
    @Test(.enabled(if: getuid() == 0, "it becomes nobody, which needs root (CI runs as root)"))
    func aNewLoginHerePausesUntilTheLoginHasTheUsersGroups() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Groups\n\n```bash\necho before\n```\n\nLog out and log back in so that the group change takes effect.\n\n"
                    + "```bash\necho after\n```\n")
        ])
        let binary = dir.appendingPathComponent("runbook")
        try FileManager.default.copyItem(at: runbookBinary, to: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dir.path)
        let state = dir.appendingPathComponent("state").path
        func asNobody(in group: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try programOutput(
                "/usr/bin/setpriv", ["--reuid=nobody", "--regid=\(group)", "--clear-groups", binary.path] + arguments,
                environment: ["PATH": "\(dir.path)/bin:/usr/bin:/bin", "HOME": dir.path])
        }
        let old = try asNobody(in: "root", ["exec", "--yes", dir.appendingPathComponent("g.md").path, "--state-dir", state])
        #expect(old.status == 3, "\(old.output)")
        #expect(
            old.output.contains(
                "── [2/3] 2. groups/2  by a person  (\(dir.path)/g.md:9)\n   ⏸ paused: this login lacks the group nogroup, which a new login has: log out and back in, then resume the run from there\n   │ Log out and log back in so that the group change takes effect.\n"
            ))
        #expect(old.output.contains("   │ before\n") && !old.output.contains("after"))
        let new = try asNobody(in: "nogroup", ["resume", "--state-dir", state])
        #expect(new.status == 0, "\(new.output)")
        #expect(
            new.output.range(
                of: #"\n   ✔ succeeded in \d+\.\d\d s \(this login already has every group of nobody\)\n"#,
                options: .regularExpression) != nil, "\(new.output)")
        #expect(new.output.contains("   │ after\n"))

        // `newgrp` runs, and then the run pauses for the new login; --confirm goes on past it.
        // (A program first on PATH stands in for it: it would start nobody's shell, nologin.)
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: bin.appendingPathComponent("newgrp"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("newgrp").path)
        try Data(guide("## Groups\n\n```bash\necho before\nnewgrp nogroup\necho after\n```\n").utf8).write(
            to: dir.appendingPathComponent("g.md"))
        let ran = try asNobody(in: "root", ["exec", "--yes", dir.appendingPathComponent("g.md").path, "--state-dir", state])
        #expect(ran.status == 3, "\(ran.output)")
        #expect(
            ran.output.contains(
                "   │ before\n   ⏸ paused: it ran; this login lacks the group nogroup, which a new login has: log out and back in, then resume the run from there with --confirm, which does not run it again\n"
            ))
        let confirmed = try asNobody(in: "nogroup", ["resume", "--confirm", "--state-dir", state])
        #expect(confirmed.status == 0, "\(confirmed.output)")
        #expect(confirmed.output.contains("   │ after\n") && !confirmed.output.contains("before"))
    }

    @Test func interactiveCommandsWithoutATerminalPause() throws {
        let dir = try workspace(["g.md": guide("## Edit\n\n```bash\nnano .env\n```\n")])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 3)
        #expect(run.stdout.contains("   │ Run this yourself (it needs a person at a terminal):\n   │ nano .env\n"))
    }

    @Test func secretsAreMaskedInOutputAndLogs() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Vars\n\n```bash\nexport API_TOKEN=\"\"\n```\n\n## Use\n\n```bash\necho \"token is $API_TOKEN\"\necho \"$API_TOKEN\" | rev | rev\n```\n"
            ),
            "prod.env": "API_TOKEN=tok-9f8e7d6c5b4a\n",
        ])
        let run = try runbook(["exec", "g.md", "--vars", "prod.env", "--state-dir", "state"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ token is ****\n   │ ****\n"))
        #expect(!run.stdout.contains("tok-9f8e7d6c5b4a"))
        let runs = dir.appendingPathComponent("state/runs")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let runDir = runs.appendingPathComponent(id)
        #expect(id.range(of: #"^\d{8}-\d{4}-[0-9a-f]{4}$"#, options: .regularExpression) != nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: runDir.path).sorted()
        #expect(files == ["002-use-1.log", "journal.sqlite", "lock"])
        for file in files {
            #expect(
                try FileManager.default.attributesOfItem(atPath: runDir.appendingPathComponent(file).path)[.posixPermissions]
                    as? Int == 0o600, "\(file)")
        }
        let log = try String(contentsOf: runDir.appendingPathComponent("002-use-1.log"), encoding: .utf8)
        #expect(log == "token is ****\n****\n")
        let dirMode = try FileManager.default.attributesOfItem(atPath: runDir.path)[.posixPermissions] as? Int
        let logMode =
            try FileManager.default.attributesOfItem(atPath: runDir.appendingPathComponent("002-use-1.log").path)[
                .posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(logMode == 0o600)
    }

    @Test func boundValuesNeverBecomeScript() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Vars\n\n```bash\nexport NAME=\"\"\n```\n\n## Greet\n\n```bash\necho \"hello $NAME\"\necho hello ${NAME}\n```\n"
            )
        ])
        let evil = "$(touch pwned); \"; touch pwned2 #"
        let run = try runbook(["exec", "g.md", "--set", "NAME=\(evil)"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ hello \(evil)\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned2").path))
    }

    @Test func shellStateCarriesAcrossSteps() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Setup

                ```bash
                mkdir -p app && cd app
                export MODE=prod
                COUNT=3
                say() { echo "say: $*"; }
                printf 'export VIRTUAL_ENV=%s/venv\\n' "$PWD" > activate
                source ./activate
                ```

                ## Use

                ```bash
                basename "$PWD"
                echo "$MODE $COUNT $VIRTUAL_ENV"
                say done
                ```
                """)
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0)
        let app = dir.appendingPathComponent("app").path
        #expect(run.stdout.contains("   │ app\n   │ prod 3 \(app)/venv\n   │ say: done\n"))
    }

    @Test func exitInAStepFailsCleanlyAndTheNextStepKeepsTheState() throws {
        let dir = try workspace([
            "g.md": guide(
                "## A\n\n```bash\nexport KEEP=1\n```\n\n## B\n\n```bash\nexport LOST=1\nexit 3\n```\n\n## C\n\n```bash\necho \"keep=${KEEP:-} lost=${LOST:-}\"\n```\n"
            )
        ])
        let run = try runbook(["exec", "g.md", "--keep-going"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("   ✘ failed (exit status 3)"))
        #expect(run.stdout.contains("   │ keep=1 lost=\n"))
    }

    @Test func verificationsRetryWhileAServiceStarts() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Start

                ```bash
                (sleep 2; touch ready) > /dev/null 2>&1 &
                ```

                Verify it is ready:

                ```bash
                test -f ready && echo ready
                ```
                """)
        ])
        let started = Date()
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   … attempt 2\n"))
        #expect(run.stdout.contains("   │ ready\n   ✔ succeeded in "))
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func retriesAndIntervalAnnotationsBoundAFailingCheck() throws {
        let dir = try workspace(["g.md": guide("Verification:\n\n```bash { retries=2 interval=100ms }\ntest -f never\n```\n")])
        let started = Date()
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("after 3 attempts"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func expectedHTTPStatusAndOutputAreChecked() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Check

                ```bash { retries=0 }
                printf 'HTTP/1.1 301 Moved\\r\\n\\r\\nHTTP/2 503 \\r\\n\\r\\n{"status": "degraded"}\\n'
                ```

                Expected:

                - HTTP 200
                - JSON with `"status": "ok"`
                """)
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 1)
        #expect(
            run.stdout.contains(
                "   expected HTTP 200, got HTTP 503\n   expected output contains \"\"status\": \"ok\"\", got not found\n"))
    }

    @Test func followCommandsStopAfterTheirWindow() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Logs\n\n```bash { follow=1s }\necho start > app.log\ntail -f app.log\n```\n\n## Next\n\n```bash\necho next\n```\n"
            )
        ])
        let started = Date()
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ start\n   ✔ succeeded in "))
        #expect(run.stdout.contains("(follow window ended)"))
        #expect(run.stdout.contains("   │ next\n"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// "Watch the log until you see `ready`": the plan says the step stops there, and the run
    /// stops following once the line is out, not at the end of its 60 s window.
    @Test func followCommandsStopOnceTheyPrintWhatTheGuideWaitsFor() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Start\n\n```bash\n(sleep 1; echo 'app ready on :9000' >> app.log) &\n```\n\n## Watch\n\nWatch the log until you see `ready on :9000`:\n\n```bash { follow=60s }\ntouch app.log\ntail -f app.log\n```\n"
            )
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("(follows a log: stopped once it prints what is expected)\n"))
        #expect(plan.stdout.contains("        expects: output contains \"ready on :9000\"\n"))
        let started = Date()
        let run = try runbook(["exec", "g.md", "--yes"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("   │ app ready on :9000\n   ✔ succeeded in "))
        #expect(run.stdout.contains("(stopped following: it printed what was expected)"))
        #expect(Date().timeIntervalSince(started) < 30)
    }

    /// A block "as" the user runbook already runs as goes through no sudo (which a machine
    /// may not have): `SUDO_USER` stays unset.
    @Test func runningAsTheCurrentUserNeedsNoSudo() throws {
        let me = try #require(getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) })
        let dir = try workspace([
            "g.md": guide("## Who\n\nAs `\(me)`:\n\n```bash\necho \"$(id -un) ${SUDO_USER:-no-sudo}\" > who\n```\n")
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  who/1  command  on local (as \(me))  :7\n"))
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 0, "\(run.stdout)")
        let who = try String(contentsOf: dir.appendingPathComponent("who"), encoding: .utf8)
        #expect(who == "\(me) no-sudo\n")
    }

    /// A block folded into `<details>` is planned and shown, but runs only when asked for.
    @Test func aFoldedBlockRunsOnlyWhenAskedFor() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Prepare\n\n```bash\ntouch main-marker\n```\n\n<details>\n<summary>Optional: clean up</summary>\n\n"
                    + "```bash\ntouch folded-marker\n```\n\n</details>\n")
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("2 steps: 1 run, 0 manual, 1 optional"))
        #expect(
            plan.stdout.contains(
                "  prepare/2  command  on local  :12  (optional: folded in <details>; runs only with --only or --section)\n"))
        #expect(try runbook(["exec", "g.md"], in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("main-marker").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("folded-marker").path))
        #expect(try runbook(["exec", "g.md", "--only", "prepare/2"], in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("folded-marker").path))
    }

    /// A server started in the foreground would hold the run forever: it is stopped after the
    /// default follow window (10 s), and the run goes on.
    @Test func aForegroundServerStopsAfterTheFollowWindow() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Serve\n\n```bash\necho serving\npython3 -m http.server 0 --bind 127.0.0.1\n```\n\n"
                    + "## Next\n\n```bash\necho next\n```\n")
        ])
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  serve/1  command  on local  :5  (foreground server: stopped after a window)\n"))
        // `background=false` is not background: plan says what exec does with each.
        for (value, said) in [
            ("false", "(foreground server: stopped after a window)"), ("true", "(foreground server, run in the background)"),
        ] {
            try guide("## Serve\n\n```bash { background=\(value) }\npython3 -m http.server 0\n```\n")
                .write(to: dir.appendingPathComponent("b.md"), atomically: true, encoding: .utf8)
            let annotated = try runbook(["plan", "b.md"], in: dir)
            #expect(annotated.stdout.contains("  serve/1  command  on local  :5  \(said)\n"), "\(value)")
        }
        let started = Date()
        let (process, out, _) = try startRunbook(["exec", "g.md"], in: dir)
        // Were the server not stopped, the run would never end: it is ended here instead.
        let deadline = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGTERM) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: deadline)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        deadline.cancel()
        #expect(process.terminationStatus == 0)
        #expect(stdout.contains("   │ serving\n"))
        #expect(stdout.contains("(follow window ended)"))
        #expect(stdout.contains("   │ next\n"))
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 10 && elapsed < 25, "\(elapsed)")
    }

    /// "In another terminal:" after a server says it stays up while the guide goes on: the
    /// run starts it in the background and the next step reaches it. Stopped after its window,
    /// the server would be gone before the request.
    @Test func aServerTheGuideGoesOnBesideKeepsServing() throws {
        let port = freePort()
        let dir = try workspace([
            "g.md": guide(
                "## Serve\n\n```bash\necho kept-serving > index.html\npython3 -m http.server \(port) --bind 127.0.0.1\n```\n\n"
                    + "In another terminal:\n\n```bash\n"
                    + "curl -fsS --retry 20 --retry-connrefused --retry-delay 1 http://127.0.0.1:\(port)/index.html\n```\n")
        ])
        // The server outlives the run, as a person's would: stopped here, found by its command line.
        defer {
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? [] {
                let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                if String(decoding: command, as: UTF8.self).contains("http.server\u{0}\(port)\u{0}") { kill(pid, SIGTERM) }
            }
        }
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  serve/1  command  on local  :5  (foreground server, run in the background)\n"))
        let started = Date()
        let exec = try runbook(["exec", "g.md"], in: dir)
        #expect(exec.status == 0, "\(exec.stdout)\(exec.stderr)")
        #expect(exec.stdout.contains("   │ started in the background (pid "))
        #expect(exec.stdout.contains("   │ kept-serving\n"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// `python3 slow.py`, then "In another terminal:" and a plain `curl`: the application
    /// runs in the background, and the request, made while it is still starting (it waits a
    /// second and a half before it listens), is asked again until it answers, as a person
    /// switching terminals would have given it time.
    @Test func anApplicationTheGuideGoesOnBesideIsWaitedFor() throws {
        let port = freePort()
        let dir = try workspace([
            "slow.py": """
            import http.server, time
            time.sleep(1.5)
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b"hello from slow")
            http.server.HTTPServer(("127.0.0.1", \(port)), H).serve_forever()
            """,
            "g.md": guide(
                "## Run it\n\n```bash\npython3 slow.py\n```\n\nIn another terminal:\n\n```bash\n"
                    + "curl -s http://127.0.0.1:\(port)/\n```\n\n## Stop\n\n```bash\npkill -f 'python3 slow.py'\n```\n"),
        ])
        defer {
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? [] {
                let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                if String(decoding: command, as: UTF8.self) == "python3\u{0}slow.py\u{0}" { kill(pid, SIGTERM) }
            }
        }
        let plan = try runbook(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  run-it/1  command  on local  :5  (foreground server, run in the background)\n"))
        let exec = try runbook(["exec", "g.md"], in: dir)
        #expect(exec.status == 0, "\(exec.stdout)\(exec.stderr)")
        #expect(exec.stdout.contains("   │ started in the background (pid "))
        #expect(exec.stdout.contains("   │ hello from slow"))
        #expect(exec.stdout.contains("   … attempt 2\n"))
        // Started by the guide itself (`… &`, `systemctl restart`, `docker compose up -d`), a
        // service is waited for the same way by the check after it.
        try guide(
            "## Start\n\n```bash\nnohup python3 slow.py > slow.log 2>&1 &\n```\n\n## Check\n\n```bash\n"
                + "curl -s http://127.0.0.1:\(port)/\n```\n\n## Stop\n\n```bash\npkill -f 'python3 slow.py'\n```\n"
        ).write(to: dir.appendingPathComponent("own.md"), atomically: true, encoding: .utf8)
        let own = try runbook(["exec", "own.md"], in: dir)
        #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
        #expect(own.stdout.contains("   … attempt 2\n"))
        #expect(own.stdout.contains("   │ hello from slow"))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalInterruptsTheRunningStep(signal: Int32) throws {
        let dir = try workspace([
            "g.md": guide("## Wait\n\n```bash\necho waiting\nsleep 60\n```\n\n## After\n\n```bash\ntouch after-marker\n```\n")
        ])
        let (process, out, _) = try startRunbook(["exec", "g.md"], in: dir)
        Thread.sleep(forTimeInterval: 1.5)
        let started = Date()
        kill(process.processIdentifier, signal)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 4)
        #expect(Date().timeIntervalSince(started) < 8)
        #expect(stdout.contains("   │ waiting\n   ✘ interrupted\n"))
        #expect(stdout.contains(" interrupted: 1 interrupted in "))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("after-marker").path))
    }

    @Test func selectionByFromToOnlyAndSection() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## A

                ```bash
                echo A
                ```

                ## B

                ```bash
                echo B
                ```

                ## C

                ```bash
                echo C
                ```

                ## Rollback

                ```bash
                echo R
                ```
                """)
        ])
        func ran(_ args: [String]) throws -> [String] {
            let run = try runbook(["exec", "g.md"] + args, in: dir)
            #expect(run.status == 0, "\(args): \(run.stderr)")
            return run.stdout.split(separator: "\n").filter { $0.hasPrefix("   │ ") }.map { String($0.dropFirst(5)) }
        }
        #expect(try ran([]) == ["A", "B", "C"])
        #expect(try ran(["--from", "2"]) == ["B", "C"])
        #expect(try ran(["--to", "b/1"]) == ["A", "B"])
        #expect(try ran(["--only", "c/1", "--only", "1"]) == ["A", "C"])
        #expect(try ran(["--section", "rollback"]) == ["R"])
        let bad = try runbook(["exec", "g.md", "--from", "b/9"], in: dir)
        #expect(bad.status == 2)
        #expect(
            bad.stderr
                == "runbook: error: --from b/9: no such step (give a number 1…4 or an id from `runbook list`); did you mean b/1?\n"
        )
        let badSection = try runbook(["exec", "g.md", "--section", "deploy"], in: dir)
        #expect(badSection.status == 2)
        #expect(badSection.stderr == "runbook: error: --section deploy: no such section\n")
    }

    @Test func dryRunPrintsWhatWouldRunAndRunsNothing() throws {
        let dir = try workspace([
            "g.md": guide(
                "## Vars\n\n```bash\nexport WHO=\"\"\nexport DB_PASSWORD=\"\"\n```\n\n## Go\n\n```bash\ntouch marker\necho \"$WHO\"\n```\n"
            )
        ])
        let run = try runbook(["exec", "g.md", "--dry-run", "--set", "WHO=ops", "--set", "DB_PASSWORD=hunter22"], in: dir)
        #expect(run.status == 0)
        #expect(
            run.stdout == """
                preflight passed; 1 step would run (nothing was run):

                environment of every step:
                  WHO=ops
                  DB_PASSWORD=****

                2. go/1  command  on local  (g.md:12)
                    touch marker
                    echo "$WHO"

                """)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("marker").path))
        let missing = try runbook(["exec", "g.md", "--dry-run"], in: dir)
        #expect(missing.status == 2)
    }

    @Test func remoteTargetsNeedABinding() throws {
        let dir = try workspace(["g.md": guide("On the server:\n\n```bash\nhostname > host-marker\n```\n")])
        let unbound = try runbook(["exec", "g.md"], in: dir)
        #expect(unbound.status == 2)
        #expect(
            unbound.stderr.contains(
                "g.md:5: target server is not bound (first used by step 1 exec-test/1); bind it with --target server=ssh://user@host[:port], an --inventory group [server], or a Host server entry in ~/.ssh/config\n"
            ))
        let local = try runbook(["exec", "g.md", "--target", "server=local"], in: dir)
        #expect(local.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("host-marker").path))
    }

    @Test func runAnnotationsAndChoicesAtRunTime() throws {
        let dir = try workspace([
            "g.md": guide(
                """
                ## Setup

                ```bash
                mkdir -p sub
                ```

                ## Annotated

                ```bash { cwd=sub }
                pwd
                ```

                ```bash { background=true }
                sleep 0.2; echo from-background > bg-done
                ```

                ```bash { errexit=false }
                false
                echo carried on
                ```

                ```bash { timeout=1s name=slow }
                sleep 20
                ```

                ## Install

                ### Option A (recommended): apt

                ```bash
                echo via-apt
                ```

                ### Option B: source

                ```bash
                echo via-source
                ```
                """)
        ])
        let started = Date()
        let run = try runbook(["exec", "g.md", "--keep-going", "--choose", "install=B"], in: dir)
        #expect(run.status == 1)
        let sub = dir.appendingPathComponent("sub").path
        #expect(run.stdout.contains("── [2/6] 2. annotated/1  on local  (g.md:11)\n   │ \(sub)\n"))
        #expect(run.stdout.contains("   │ started in the background (pid "))
        #expect(run.stdout.contains("   │ carried on\n   ✔ succeeded"))
        #expect(run.stdout.contains("── [5/6] 5. slow  on local"))
        #expect(run.stdout.contains("   timed out after 1 s\n"))
        #expect(run.stdout.contains("   │ via-source\n"))
        #expect(!run.stdout.contains("via-apt"))
        #expect(Date().timeIntervalSince(started) < 15)
        Thread.sleep(forTimeInterval: 0.5)
        #expect((try? String(contentsOf: dir.appendingPathComponent("sub/bg-done"), encoding: .utf8)) == "from-background\n")
    }

    @Test func jsonSummaryIsTheRunAsStatusShowsIt() throws {
        let dir = try workspace([
            "g.md": guide("## A\n\n```bash\necho hi\n```\n\n## B\n\n```bash\nfalse\n```\n\n## C\n\n```bash\necho never\n```\n")
        ])
        let run = try runbook(["exec", "g.md", "--json"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("   │ hi\n"))
        // One document for a run, whichever command prints it.
        #expect(try runbook(["status", "--json"], in: dir).stdout == run.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? Int == 1)
        #expect(json["status"] as? String == "failed")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["id"] as? String } == ["a/1", "b/1", "c/1"])
        #expect(steps.map { $0["status"] as? String } == ["succeeded", "failed", "pending"])
        #expect(steps.map { $0["exit_code"] as? Int } == [0, 1, nil])
        #expect(steps.map { $0["target"] as? String } == ["local", "local", "local"])
        let checked = try #require(steps[1]["assertions"] as? [[String: Any]])
        #expect(checked.count == 1)
        #expect(checked.first?["expected"] as? String == "exit status 0")
        #expect(checked.first?["actual"] as? String == "exit status 1")
        #expect(checked.first?["passed"] as? Bool == false)
        #expect(steps[1]["failures"] as? [String] == ["expected exit status 0, got exit status 1"])
        #expect((steps[2]["assertions"] as? [Any])?.isEmpty == true)
    }
}

/// Runs `runbook` on a pseudo-terminal (util-linux `script`), typing `input`.
func runbookOnTerminal(
    _ arguments: [String], input: String, in directory: URL, noColor: Bool = false, environment: [String: String] = [:]
) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    let command = ([runbookBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    process.arguments = ["-qec", command, "/dev/null"]
    process.currentDirectoryURL = directory
    var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm"]
    if noColor { env["NO_COLOR"] = "1" }
    env.merge(environment) { $1 }
    process.environment = env
    let stdin = Pipe()
    let out = Pipe()
    process.standardInput = stdin
    process.standardOutput = out
    process.standardError = out
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try? stdin.fileHandleForWriting.close()
    return Run(
        status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: ""),
        stderr: "")
}

@Suite("runbook exec on a terminal", .serialized)
struct TerminalExecTests {
    let ttyGuide = """
        # T

        ## Ask

        ```bash { interactive=true }
        read -r -p "name? " answer
        echo "got $answer"
        export ANSWER=$answer
        ```

        ## Console

        - Create the bucket in the AWS Console.

        ## Use

        ```bash
        echo "still $ANSWER"
        ```
        """

    @Test func interactiveStepsGetTheTerminalAndManualStepsAsk() throws {
        let dir = try workspace(["tty.md": ttyGuide])
        let run = try runbookOnTerminal(["exec", "tty.md", "--yes"], input: "alice\nd\n", in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("name? got alice\n"))
        #expect(run.stdout.contains("   │ - Create the bucket in the AWS Console.\n   Done? [d]one / [s]kip / [a]bort: "))
        #expect(run.stdout.contains("(done by a person)"))
        #expect(run.stdout.contains("   │ still alice\n"))
        #expect(run.stdout.contains("\u{1B}[32m   ✔ succeeded"))
    }

    @Test func noColorTurnsColourOffAndAbortPauses() throws {
        let dir = try workspace(["tty.md": ttyGuide])
        let run = try runbookOnTerminal(["exec", "tty.md", "--yes"], input: "bob\na\n", in: dir, noColor: true)
        #expect(run.status == 3)
        #expect(!run.stdout.contains("\u{1B}["))
        #expect(run.stdout.contains("   ⏸ paused: stopped by a person\n"))
        #expect(!run.stdout.contains("still bob"))
    }

    @Test func confirmationAndStepPrompts() throws {
        let dir = try workspace(["g.md": "# G\n\n## A\n\n```bash\necho A\n```\n\n## B\n\n```bash\necho B\n```\n"])
        let refused = try runbookOnTerminal(["exec", "g.md"], input: "n\n", in: dir, noColor: true)
        #expect(refused.status == 2)
        #expect(
            refused.stdout.contains(
                "G: 2 steps\n   1. a/1  command  on local\n   2. b/1  command  on local\nRun these steps? [y/N] "))
        #expect(refused.stdout.contains("runbook: error: not confirmed; nothing ran"))
        #expect(!refused.stdout.contains("│ A"))
        let stepwise = try runbookOnTerminal(["exec", "g.md", "--step"], input: "y\ny\nn\n", in: dir, noColor: true)
        #expect(stepwise.status == 3)
        #expect(stepwise.stdout.contains("   │ A\n"))
        #expect(!stepwise.stdout.contains("   │ B\n"))
        #expect(stepwise.stdout.contains("Run step 2 b/1 on local? [Y/n] "))
    }
}

@Suite("runbook exec --dry-run with SSH targets")
struct DryRunRemoteTests {
    @Test func aBoundRemoteTargetIsShownNotContacted() throws {
        let dir = try workspace([
            "g.md":
                "# G\n\n## Login\n\n```bash\nssh -i \"$KEY\" admin@\"$HOST_IP\"\n```\n\n## Restart\n\n```bash\nsudo systemctl restart app\n```\n"
        ])
        // A documentation address (203.0.113.x) is a placeholder, not a machine: refused.
        let documentation = try runbook(
            ["exec", "g.md", "--dry-run", "--set", "HOST_IP=203.0.113.7", "--set", "KEY=/k.pem"], in: dir)
        #expect(documentation.status == 2)
        #expect(documentation.stderr.contains("g.md:6: HOST_IP is bound to a placeholder (203.0.113.7)"))
        let dry = try runbook(["exec", "g.md", "--dry-run", "--set", "HOST_IP=10.20.30.40", "--set", "KEY=/k.pem"], in: dir)
        #expect(dry.status == 0)
        #expect(
            dry.stdout.contains(
                "1. restart/1  command  on server (admin@10.20.30.40)  (g.md:11)\n    sudo systemctl restart app\n"))
        #expect(dry.stdout.contains("  KEY=****\n"))
        // A real run reaches every host before the first step; here nothing listens.
        let port = freePort()
        let real = try runbook(
            [
                "exec", "g.md", "--set", "HOST_IP=127.0.0.1", "--set", "KEY=/k.pem", "--target",
                "server=ssh://admin@127.0.0.1:\(port)",
            ], in: dir)
        #expect(real.status == 2)
        #expect(
            real.stderr.contains(
                "preflight failed; nothing ran:\n  target server: cannot connect to admin@127.0.0.1:\(port): Connection refused\n"
            ))
    }

    /// An address whose name only a later step sets cannot be reached when its step comes:
    /// preflight says so, and nothing runs.
    @Test func anAddressSetOnlyAfterItsStepIsRefusedAtPreflight() throws {
        let dir = try workspace([
            "g.md": """
            # Late

            \(fence)bash
            ssh deploy@$IP
            \(fence)

            \(fence)bash
            touch ran-marker
            \(fence)

            ## Later

            \(fence)bash
            export IP=$(echo 10.0.0.1)
            \(fence)
            """
        ])
        let run = try runbook(["exec", "g.md", "--yes"], in: dir)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains(
                "preflight failed; nothing ran:\n  g.md:7: target server's address ssh://deploy@$IP needs IP, which nothing binds and no step before step 1 sets; bind it with --target server=ssh://user@host[:port]\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran-marker").path))
    }
}

@Suite("runs and status", .serialized)
struct RunsStatusTests {
    @Test func runsAndStatusShowTheJournalWithoutSecrets() throws {
        let dir = try workspace([
            "g.md":
                "# G\n\n## Vars\n\n```bash\nexport DB_PASSWORD=\"\"\n```\n\n## One\n\n```bash\nexport APP_SECRET=\"made-$DB_PASSWORD\"\nexport MODE=prod\necho one\n```\n\n## Two\n\n```bash\nfalse\n```\n"
        ])
        let run = try runbook(["exec", "g.md", "--set", "DB_PASSWORD=pw-5e3cr3t"], in: dir)
        #expect(run.status == 1)
        let runs = try runbook(["runs"], in: dir)
        #expect(runs.status == 0)
        #expect(
            runs.stdout.range(
                of:
                    #"^\d{8}-\d{4}-[0-9a-f]{4}  failed       2/2 steps, 1 failed     \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  \d+\.\d s +g\.md\n$"#,
                options: .regularExpression) != nil, "\(runs.stdout)")
        let status = try runbook(["status"], in: dir)
        #expect(status.status == 0)
        let lines = status.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("   2  one/1  succeeded    exit 0  "))
        #expect(lines[2].hasPrefix("   3  two/1  failed       exit 1  "))
        let json = try runbook(["runs", "--json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? Int == 1)
        let entries = try #require(document["runs"] as? [[String: Any]])
        #expect(entries.map { $0["status"] as? String } == ["failed"])
        #expect(entries.map { $0["steps"] as? Int } == [2])
        #expect(entries.map { $0["finished"] as? Int } == [2])
        // Neither the bound secret nor a secret the guide derived reaches the state files.
        let runDir = dir.appendingPathComponent(".runbook/runs").appendingPathComponent(entries[0]["id"] as! String)
        for file in try FileManager.default.contentsOfDirectory(atPath: runDir.path) {
            let bytes = try Data(contentsOf: runDir.appendingPathComponent(file))
            #expect(bytes.range(of: Data("pw-5e3cr3t".utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data("APP_SECRET".utf8)) == nil, "\(file)")
        }
        let journal = try Data(contentsOf: runDir.appendingPathComponent("journal.sqlite"))
        #expect(journal.range(of: Data("declare -x MODE=\"prod\"".utf8)) != nil)
        let unknown = try runbook(["status", "nope"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "runbook: error: no run nope in .runbook; runbook runs lists them\n")
    }

    @Test func theNewestRunIsTheOneStartedLastEvenWithinAMinute() throws {
        let dir = try workspace([
            "a.md": "# A\n\n## One\n\n```bash\nfalse\n```\n",
            "b.md": "# B\n\n## One\n\n```bash\necho b\n```\n\n## Two\n\n```bash\nfalse\n```\n",
        ])
        // Five pairs of runs, most of them within one minute: each time b's is listed first,
        // and is the run status shows and resume continues.
        for _ in 0..<5 {
            #expect(try runbook(["exec", "a.md"], in: dir).status == 1)
            #expect(try runbook(["exec", "b.md"], in: dir).status == 1)
            let runs = try runbook(["runs"], in: dir)
            #expect(runs.stdout.split(separator: "\n").first?.hasSuffix("  b.md") == true, "\(runs.stdout)")
            let status = try runbook(["status"], in: dir)
            #expect(status.stdout.hasPrefix("run ") && status.stdout.split(separator: "\n")[0].contains("  b.md  "))
        }
        let resume = try runbook(["resume", "--rerun-interrupted"], in: dir)
        #expect(resume.status == 1)
        #expect(resume.stdout.contains("b.md"), "\(resume.stdout)")
    }

    @Test func killMinusNineLosesNoFinishedStep() throws {
        let dir = try workspace([
            "g.md":
                "# G\n\n## One\n\n```bash\necho one\n```\n\n## Two\n\n```bash\nsleep 30\n```\n\n## Three\n\n```bash\necho three\n```\n"
        ])
        let (process, _, _) = try startRunbook(["exec", "g.md"], in: dir)
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let status = try runbook(["status"], in: dir)
        let lines = status.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("  interrupted  g.md  started "))
        #expect(lines[1].hasPrefix("   1  one/1    succeeded    exit 0  "))
        #expect(lines[2] == "   2  two/1    interrupted")
        #expect(lines[3] == "   3  three/1  pending    ")
        let runs = try runbook(["runs"], in: dir)
        #expect(runs.stdout.contains("  interrupted  1/3 steps  "))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("three").path))
        // The killed runner's shell and its sleep do not outlive the test by long.
        _ = try runbook(["exec", "g.md", "--only", "1"], in: dir)
    }
}

@Suite("runbook resume", .serialized)
struct ResumeTests {
    let guideText = """
        # R

        ## One

        ```bash
        echo ran >> one-count
        mkdir -p work && cd work
        export STAGE=built
        UNEXPORTED=kept
        helper() { echo "helper $1"; }
        ```

        ## Two

        Verify it is ready:

        ```bash { retries=0 }
        test -f ../ready
        ```

        ## Three

        ```bash
        echo "$STAGE $UNEXPORTED $(basename "$PWD")"
        helper three
        ```
        """

    @Test func aFailedRunResumesAfterTheFixInANewProcessWithItsState() throws {
        let dir = try workspace(["g.md": guideText])
        let first = try runbook(["exec", "g.md"], in: dir)
        #expect(first.status == 1)
        #expect(first.stdout.contains("after fixing the cause: runbook resume "))
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("ready").path, contents: Data())
        let resumed = try runbook(["resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("at step 2 two/1 (1 of 3 steps already finished)\n── [1/2] 2. two/1"))
        #expect(resumed.stdout.contains("   │ built kept work\n   │ helper three\n"))
        #expect(try String(contentsOf: dir.appendingPathComponent("one-count"), encoding: .utf8) == "ran\n")
        let again = try runbook(["resume"], in: dir)
        #expect(again.status == 2)
        #expect(again.stderr == "runbook: error: no unfinished run in .runbook; runbook runs lists them\n")
    }

    @Test func anInterruptedStepNeedsConsentToRunAgain() throws {
        let dir = try workspace([
            "g.md":
                "# K\n\n## One\n\n```bash\necho ran >> one-count\n```\n\n## Two\n\n```bash\necho two >> two-count\nsleep 30\n```\n\n## Three\n\n```bash\necho three\n```\n"
        ])
        let (process, _, _) = try startRunbook(["exec", "g.md"], in: dir)
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let refused = try runbook(["resume"], in: dir)
        #expect(refused.status == 2)
        #expect(
            refused.stderr
                == "runbook: error: step 2 two/1 was interrupted and its outcome is unknown; run it again with --rerun-interrupted or skip it with --skip-interrupted\n"
        )
        let skipped = try runbook(["resume", "--skip-interrupted"], in: dir)
        #expect(skipped.status == 0)
        #expect(skipped.stdout.contains("   │ three\n"))
        #expect(try String(contentsOf: dir.appendingPathComponent("one-count"), encoding: .utf8) == "ran\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("two-count"), encoding: .utf8) == "two\n")
        let status = try runbook(["status"], in: dir)
        #expect(status.stdout.contains("   2  two/1    skipped      (interrupted, skipped on resume)\n"))
    }

    @Test func aPausedManualStepIsConfirmed() throws {
        let dir = try workspace([
            "g.md": "# M\n\n## Console\n\n- Create the bucket in the AWS Console.\n\n## After\n\n```bash\necho after\n```\n"
        ])
        let paused = try runbook(["exec", "g.md"], in: dir)
        #expect(paused.status == 3)
        #expect(paused.stdout.contains("when step 1 is done: runbook resume "))
        let again = try runbook(["resume"], in: dir)
        #expect(again.status == 3)
        let confirmed = try runbook(["resume", "--confirm"], in: dir)
        #expect(confirmed.status == 0)
        #expect(confirmed.stdout.contains("   │ after\n"))
        let status = try runbook(["status"], in: dir)
        #expect(status.stdout.contains("   1  console/1  succeeded    (done by a person (--confirm))\n"))
    }

    @Test func aRunInUseIsRefusedAndDriftIsReported() throws {
        let dir = try workspace(["g.md": "# L\n\n## One\n\n```bash\necho one\n```\n\n## Two\n\n```bash\nsleep 3\nfalse\n```\n"])
        let (process, _, _) = try startRunbook(["exec", "g.md"], in: dir)
        Thread.sleep(forTimeInterval: 1.0)
        let busy = try runbook(["resume"], in: dir)
        #expect(busy.status == 2)
        #expect(busy.stderr.contains(" is in use by process \(process.processIdentifier); wait for it to end\n"))
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        try Data("# L\n\n## One\n\n```bash\necho one, changed\n```\n\n## Two\n\n```bash\necho fixed\n```\n".utf8).write(
            to: dir.appendingPathComponent("g.md"))
        let resumed = try runbook(["resume"], in: dir)
        #expect(resumed.status == 0)
        #expect(
            resumed.stderr == """
                runbook: warning: g.md changed since run \(try #require(resumed.stdout.split(separator: " ").dropFirst(2).first)) started; steps not yet run use the new text
                runbook: warning: finished step 1 one/1 has changed; it is not run again

                """)
        #expect(resumed.stdout.contains("   │ fixed\n"))
    }
}

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("runbook report")
struct ReportTests {
    @Test func junitJSONMarkdownAndHTMLFromTheJournal() throws {
        let dir = try workspace([
            "g.md":
                "# P\n\n## Ok\n\n```bash\necho ok\n```\n\n## Check\n\n```bash { retries=0 }\necho 'HTTP/1.1 503 Unavailable'\n```\n\nExpected:\n\n- HTTP 200\n\n## Later\n\n```bash\necho later\n```\n"
        ])
        let run = try runbook(["exec", "g.md"], in: dir)
        #expect(run.status == 1)
        let junit = try runbook(["report", "--format", "junit"], in: dir)
        #expect(junit.status == 0)
        let lines = junit.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 12)
        #expect(lines[1].hasPrefix(#"<testsuites name="runbook" tests="3" failures="1" errors="0" skipped="1" time=""#))
        #expect(
            lines[3].range(
                of: #"^    <testcase classname="g.md" name="1 ok/1" time="\d+\.\d{3}"/>$"#, options: .regularExpression) != nil)
        #expect(lines[5] == #"      <failure message="exit status 0">expected HTTP 200, got HTTP 503</failure>"#)
        #expect(lines[8] == #"      <skipped message="pending"/>"#)
        let parser = XMLParser(data: Data(junit.stdout.utf8))
        #expect(parser.parse())
        let json = try runbook(["report", "--format", "json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["status"] as? String == "failed")
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["succeeded", "failed", "pending"])
        #expect(steps[1]["failures"] as? [String] == ["expected HTTP 200, got HTTP 503"])
        #expect(steps[0]["duration_ms"] as? Int != nil)
        #expect(steps[2]["duration_ms"] == nil)
        // status --json and report --format json are the same document.
        #expect(try runbook(["status", "--json"], in: dir).stdout == json.stdout)
        let md = try runbook(["report", "--format", "md"], in: dir)
        #expect(md.stdout.contains("| 2 | `check/1` | local | failed | 0 | "))
        #expect(md.stdout.contains("expected HTTP 200, got HTTP 503 |\n"))
        let html = try runbook(["report", "--format", "html", "-o", "report.html"], in: dir)
        #expect(html.status == 0)
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains(#"<tr class="failed"><td>2</td><td><code>check/1</code></td>"#))
        #expect(!page.contains("http://") && !page.contains("https://"))
    }

    /// The line of the command that failed (here the third of a block in a list item) is in
    /// the journal: status, JUnit, JSON, Markdown and HTML all say it.
    @Test func theFailingCommandsLineIsReported() throws {
        let dir = try workspace([
            "g.md": "# G\n\n## Deploy\n\n1. Run:\n\n   ```bash\n   echo one\n   echo two\n   false\n   echo after\n   ```\n"
        ])
        #expect(try runbook(["exec", "g.md"], in: dir).status == 1)
        let status = try runbook(["status"], in: dir)
        #expect(status.stdout.split(separator: "\n").last?.hasSuffix("  at g.md:10") == true, "\(status.stdout)")
        let junit = try runbook(["report", "--format", "junit"], in: dir).stdout
        #expect(
            junit.contains(
                #"<failure message="exit status 1">failed at g.md:10\#nexpected exit status 0, got exit status 1</failure>"#))
        let json = try runbook(["report", "--format", "json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.map { $0["failed_line"] as? Int } == [10])
        let md = try runbook(["report", "--format", "md"], in: dir).stdout
        #expect(md.contains("| failed at g.md:10; expected exit status 0, got exit status 1 |\n"))
        let html = try runbook(["report", "--format", "html"], in: dir).stdout
        #expect(html.contains("<td>failed at g.md:10 — expected exit status 0, got exit status 1</td>"))
    }
}

/// kill -9 of the runner at each instant of a step's life; resume must lose nothing finished
/// and re-run nothing finished without being asked.
@Suite("crash at every instant", .serialized)
struct CrashTests {
    let text =
        "# C\n\n## One\n\n```bash\necho 1 >> count-1\nexport CARRIED=yes\n```\n\n## Two\n\n```bash\necho 2 >> count-2\n```\n\n## Three\n\n```bash\necho 3 >> count-3\necho \"carried=$CARRIED\"\n```\n"

    func counts(_ dir: URL) -> [String] {
        (1...3).map { (try? String(contentsOf: dir.appendingPathComponent("count-\($0)"), encoding: .utf8)) ?? "" }
    }

    /// Between two steps, one commit records the first as finished and the next as started
    /// (it is durable before the next step runs), so a crash in that gap leaves the next step
    /// `interrupted` although it never began: resume asks instead of guessing.
    @Test(arguments: [
        ("before-started:1", ["pending", "pending", "pending"], [String](), ["1\n", "2\n", "3\n"]),
        ("after-started:1", ["interrupted", "pending", "pending"], ["--rerun-interrupted"], ["1\n", "2\n", "3\n"]),
        ("after-finished:1", ["succeeded", "interrupted", "pending"], ["--rerun-interrupted"], ["1\n", "2\n", "3\n"]),
        ("before-started:2", ["succeeded", "interrupted", "pending"], ["--rerun-interrupted"], ["1\n", "2\n", "3\n"]),
        ("after-started:2", ["succeeded", "interrupted", "pending"], ["--rerun-interrupted"], ["1\n", "2\n", "3\n"]),
        ("after-finished:2", ["succeeded", "succeeded", "interrupted"], ["--rerun-interrupted"], ["1\n", "2\n", "3\n"]),
        ("after-finished:2", ["succeeded", "succeeded", "interrupted"], ["--skip-interrupted"], ["1\n", "2\n", ""]),
        ("after-finished:3", ["succeeded", "succeeded", "succeeded"], [String](), ["1\n", "2\n", "3\n"]),
    ])
    func killedRunsResumeWithoutLossOrRepeats(point: String, afterCrash: [String], flags: [String], ran: [String]) throws {
        let dir = try workspace(["g.md": text])
        let crashed = try runbook(["exec", "g.md"], in: dir, environment: ["RUNBOOK_TEST_KILL_AT": point])
        #expect(crashed.status != 0)
        let json = try runbook(["status", "--json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(document["status"] as? String == "interrupted")
        #expect(steps.map { $0["status"] as? String } == afterCrash)
        if afterCrash.contains("interrupted") {
            let refused = try runbook(["resume"], in: dir)
            #expect(refused.status == 2)
        }
        let resumed = try runbook(["resume"] + flags, in: dir)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        if ran[2] == "3\n" && afterCrash[2] != "succeeded" { #expect(resumed.stdout.contains("   │ carried=yes\n")) }
        // Nothing finished ran twice, nothing that never finished was lost.
        #expect(counts(dir) == ran)
    }

    /// On a terminal, resume asks about an interrupted step: rerun, skip or abort.
    @Test(arguments: [
        ("r\n", Int32(0), ["1\n", "2\n", "3\n"]), ("s\n", Int32(0), ["1\n", "", "3\n"]), ("a\n", Int32(2), ["1\n", "", ""]),
    ])
    func aTerminalIsAskedAboutAnInterruptedStep(answer: String, status: Int32, ran: [String]) throws {
        let dir = try workspace(["g.md": text])
        let crashed = try runbook(["exec", "g.md"], in: dir, environment: ["RUNBOOK_TEST_KILL_AT": "after-started:2"])
        #expect(crashed.status != 0)
        let resumed = try runbookOnTerminal(["resume"], input: answer, in: dir, noColor: true)
        #expect(resumed.status == status, "\(resumed.stdout)")
        #expect(resumed.stdout.contains("Step 2 two/1 was interrupted; its outcome is unknown. [r]erun / [s]kip / [a]bort: "))
        if status == 2 { #expect(resumed.stdout.contains("runbook: error: not resumed")) }
        #expect(counts(dir) == ran)
        let json = try runbook(["status", "--json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(document["steps"] as? [[String: Any]])
        let expected: [String] =
            switch answer {
            case "r\n": ["succeeded", "succeeded", "succeeded"]
            case "s\n": ["succeeded", "skipped", "succeeded"]
            default: ["succeeded", "interrupted", "pending"]
            }
        #expect(steps.map { $0["status"] as? String } == expected)
    }
}
