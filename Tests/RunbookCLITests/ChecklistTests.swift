import Foundation
import Testing

@Suite("runbook checklist", .serialized)
struct ChecklistTests {
    static let guide = """
        # Ship the shop

        ## Variables

        \(fence)bash
        # Public hostname
        export DOMAIN="yourdomain.com"
        export API_URL="https://api.${DOMAIN}"
        export API_TOKEN=""
        \(fence)

        ## Install

        ### Option A (recommended): apt

        \(fence)bash
        echo "apt install for ${DOMAIN}" > install-a
        \(fence)

        ### Option B: from source

        \(fence)bash
        echo "make install" > install-b
        \(fence)

        ## Configure DNS

        - [ ] Point ${DOMAIN} at the server in your DNS provider

        ## Deploy

        \(fence)bash
        echo "deploy with token $API_TOKEN" > deployed
        \(fence)

        ## Verify

        \(fence)bash
        test -f deployed && echo "HTTP/1.1 200 OK"
        \(fence)

        Expected:

        - HTTP 200

        ## Rollback

        \(fence)bash
        rm -f deployed
        \(fence)

        """

    func write(_ dir: URL) -> [String] {
        ["--set", "DOMAIN=shop.acme-test.net", "--set", "API_TOKEN=tok-9f8e7d-secret"]
    }

    @Test func markdownHasTheValuesTheChosenBranchTheStepsAndTheOptionalSectionsLast() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["checklist", "g.md"] + write(dir), in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let md = run.stdout
        #expect(md.hasPrefix("# Ship the shop — checklist\n\nGuide: `g.md` · 5 steps\n"))
        #expect(md.contains("| `DOMAIN` | `shop.acme-test.net` | --set |\n"))
        #expect(md.contains("| `API_URL` | `https://api.shop.acme-test.net` | derived |\n"))
        #expect(md.contains("| `API_TOKEN` | `****` | --set |\n"))
        #expect(
            md.contains(
                "- `install`: **Option A (recommended): apt** (marked recommended in the guide); not taken: Option B: from source\n"
            ))
        #expect(
            md.contains(
                "- [ ] **2.** `option-a-recommended-apt/1` — locally · option Option A (recommended): apt\n\n```bash\necho \"apt install for shop.acme-test.net\" > install-a\n```\n"
            ))
        #expect(!md.contains("make install"))
        #expect(
            md.contains(
                "- [ ] **4.** `configure-dns/1` — by a person\n\nPoint shop.acme-test.net at the server in your DNS provider\n"))
        #expect(md.contains("echo \"deploy with token ****\" > deployed"))
        #expect(
            md.contains(
                "- [ ] **6.** `verify/1` — locally\n\n```bash\ntest -f deployed && echo \"HTTP/1.1 200 OK\"\n```\n\nExpect: HTTP 200\n"
            ))
        let whenNeeded = try #require(md.range(of: "# When needed"))
        let rollback = try #require(md.range(of: "## Rollback"))
        #expect(whenNeeded.upperBound < rollback.lowerBound)
        #expect(md.range(of: "## Verify")!.upperBound < whenNeeded.lowerBound)
        #expect(!md.contains("tok-9f8e7d-secret"))
    }

    @Test func choosingAnotherBranchShowsIt() throws {
        let dir = try workspace(["g.md": Self.guide])
        let md = try runbook(["checklist", "g.md", "--choose", "install=B"] + write(dir), in: dir).stdout
        #expect(md.contains("make install"))
        #expect(!md.contains("apt install for"))
        #expect(
            md.contains("- `install`: **Option B: from source** (chosen with --choose); not taken: Option A (recommended): apt\n")
        )
    }

    @Test func withARunEachStepShowsHowFarItGot() throws {
        let dir = try workspace([
            "g.md": Self.guide.replacingOccurrences(of: "test -f deployed &&", with: "test -f never-there &&")
        ])
        let exec = try runbook(
            ["exec", "g.md", "--manual", "skip", "--only", "2", "--only", "4", "--only", "5", "--only", "6"] + write(dir), in: dir
        )
        #expect(exec.status == 1)
        let md = try runbook(["checklist", "g.md", "--run", "2026", "--format", "md"] + write(dir), in: dir).stdout
        #expect(
            md.range(
                of: #"Guide: `g.md` · 5 steps · run `\d{8}-\d{4}-[0-9a-f]{4}`: \*\*failed\*\*, 3 done\n"#,
                options: .regularExpression) != nil)
        #expect(
            md.range(
                of:
                    #"- \[x\] \*\*2\.\*\* `option-a-recommended-apt/1` — locally · option Option A \(recommended\): apt · _done \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+\.\d s\)_\n"#,
                options: .regularExpression) != nil)
        #expect(md.contains("- [x] **4.** `configure-dns/1` — by a person · _skipped_\n"))
        #expect(md.contains("- [ ] **6.** `verify/1` — locally · _failed (exit 1)_\n"))
        #expect(md.contains("- [ ] **7.** `rollback/1` — locally · _not in this run_\n"))
        let text = try runbook(["checklist", "g.md", "--run", "2026", "--format", "text"] + write(dir), in: dir).stdout
        #expect(text.contains("[ ] 6. verify/1 — locally · failed (exit 1)\n"))
        #expect(text.contains("[x] 4. configure-dns/1 — by a person · skipped\n"))
    }

    /// The person doing the guide by hand is told where to log in, with the command the guide
    /// gave: after an `ssh` line in a block ("then log in"), before the first step on a machine
    /// reached from an `ssh` line alone in its block, and again on coming back to it.
    @Test func aPersonIsToldWhereToLogIn() throws {
        let dir = try workspace([
            "g.md": """
            # Login

            ## Build

            \(fence)bash
            make dist
            ssh -i ~/.ssh/deploy.pem -p 2222 deploy@$HOST
            \(fence)

            \(fence)bash
            sudo systemctl restart app
            \(fence)

            ## Back here

            On your laptop:

            \(fence)bash
            curl -s https://example.org/health
            \(fence)

            ## Again

            On the server:

            \(fence)bash
            sudo journalctl -u app -n 20
            \(fence)
            """
        ])
        let md = try runbook(["checklist", "g.md", "--set", "HOST=10.1.2.3"], in: dir).stdout
        #expect(
            md.contains(
                "make dist\n```\n\n_then log in to server (`ssh -i ~/.ssh/deploy.pem -p 2222 deploy@10.1.2.3`): the steps after this one run there_\n"
            ))
        #expect(md.contains("— on server\n\n```bash\nsudo systemctl restart app"))
        #expect(
            md.contains(
                "— on server\n\n_log in to server first: `ssh -i ~/.ssh/deploy.pem -p 2222 deploy@10.1.2.3`_\n\n```bash\nsudo journalctl"
            ))
        let text = try runbook(["checklist", "g.md", "--set", "HOST=10.1.2.3", "--format", "text"], in: dir).stdout
        #expect(text.contains("(log in to server first: ssh -i ~/.ssh/deploy.pem -p 2222 deploy@10.1.2.3)\nsudo journalctl"))
    }

    /// A block that logs in and goes on there (`ssh ops@…` then `df -h /`) runs on that
    /// machine: "log in … first" says so once, with no "then log in" after the same block.
    @Test func aBlockThatLogsInAndGoesOnSaysSoOnce() throws {
        let dir = try workspace([
            "g.md": "# G\n\n\(fence)bash\nssh ops@10.1.2.3\ndf -h /\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        ])
        let md = try runbook(["checklist", "g.md"], in: dir).stdout
        #expect(md.contains("— on server\n\n_log in to server first: `ssh ops@10.1.2.3`_\n\n```bash\ndf -h /\n```\n\n- [ ]"))
        #expect(!md.contains("then log in"))
    }

    @Test func textIsPlainAndMasksSecrets() throws {
        let dir = try workspace(["g.md": Self.guide])
        let text = try runbook(["checklist", "g.md", "--format", "text"] + write(dir), in: dir).stdout
        #expect(
            text.hasPrefix("Ship the shop — checklist\nguide g.md · 5 steps\n\nVALUES\n  DOMAIN = shop.acme-test.net   (--set)\n")
        )
        #expect(text.contains("  API_TOKEN = ****   (--set)\n"))
        #expect(text.contains("[ ] 5. deploy/1 — locally\necho \"deploy with token ****\" > deployed\n"))
        #expect(!text.contains("tok-9f8e7d-secret"))
        #expect(!text.contains("&quot;"))
    }

    @Test func htmlIsOneSelfContainedPageThatWorksInChromium() throws {
        let dir = try workspace(["g.md": Self.guide])
        let run = try runbook(["checklist", "g.md", "--format", "html", "-o", "checklist.html"] + write(dir), in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let page = try String(contentsOf: dir.appendingPathComponent("checklist.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(page.contains("@media print"))
        #expect(page.contains("localStorage"))
        #expect(page.contains(#"<input type="checkbox" data-step="deploy/1">"#))
        #expect(page.contains("echo &quot;deploy with token ****&quot; &gt; deployed"))
        #expect(!page.contains("tok-9f8e7d-secret"))
        #expect(!page.contains("http://") && !page.contains("src=\"//"))
        let check = try checkHTML(dir.appendingPathComponent("checklist.html"), expecting: "0 of 5 done")
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("after a tick and a reload: 'kept: 1 of 5 done'; console errors: 0"))
    }

    @Test(arguments: ["hosting-ec2.md", "deployment-plan.md", "compose-stack.md"])
    func theFixtureGuidesRenderAsWorkingPages(fixture: String) throws {
        let dir = try workspace()
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("Tests/Fixtures/\(fixture)"), to: dir.appendingPathComponent(fixture))
        let run = try runbook(["checklist", fixture, "--format", "html", "-o", "page.html"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let check = try checkHTML(dir.appendingPathComponent("page.html"))
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func theChromiumCheckFailsOnABrokenPage() throws {
        let dir = try workspace([
            "g.md": Self.guide,
            "broken.mustache":
                "<!doctype html><body><p id=\"progress\">x</p><p>{{title}}</p><script>undefinedFunction();</script></body>",
        ])
        let run = try runbook(
            ["checklist", "g.md", "--format", "html", "--template", "broken.mustache", "-o", "broken.html"], in: dir)
        #expect(run.status == 0)
        #expect(
            try String(contentsOf: dir.appendingPathComponent("broken.html"), encoding: .utf8).contains("<p>Ship the shop</p>"))
        let check = try checkHTML(dir.appendingPathComponent("broken.html"))
        #expect(check.status == 1)
        #expect(check.output.contains("FAILED: console errors:"))
    }

    @Test func aCustomTemplateIsUsedAndABadOneIsReportedWithItsPlace() throws {
        let dir = try workspace([
            "g.md": Self.guide,
            "mine.mustache": "{{% CONTENT_TYPE: TEXT}}{{title}}:{{#main}}{{#steps}} {{number}}={{badge}}{{/steps}}{{/main}}\n",
            "bad.mustache": "line one\n{{#main}}\n{{/steps}}\n",
        ])
        let mine = try runbook(["checklist", "g.md", "--template", "mine.mustache"] + write(dir), in: dir)
        #expect(mine.stdout == "Ship the shop: 2=locally 4=by a person 5=locally 6=locally\n")
        let bad = try runbook(["checklist", "g.md", "--template", "bad.mustache"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("runbook: error: bad.mustache: line 3, column "))
        let missing = try runbook(["checklist", "g.md", "--template", "nope.mustache"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr == "runbook: error: --template nope.mustache: cannot read it\n")
    }

    /// Runs scripts/check-html.sh (headless Chromium) on a page.
    func checkHTML(_ page: URL, expecting progress: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments =
            [packageRoot.appendingPathComponent("scripts/check-html.sh").path, page.path] + (progress.map { [$0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
