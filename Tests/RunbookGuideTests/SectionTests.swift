import Foundation
import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

@Suite("sections, labels, slugs, ids")
struct SectionTests {
    /// The top section is the file's name, as Foundation's lastPathComponent gives it.
    @Test(arguments: ["guide.md", "docs/sub/g.md", "/abs//x.md", "./a b.md", "docs/", "", "/", "dir//"])
    func theTopSectionIsTheFilesName(path: String) throws {
        let guide = try GuideReader.read(markdown: "# G\n", path: path)
        #expect(guide.sections[0].title == (path as NSString).lastPathComponent)
    }

    @Test(arguments: [
        ("3.2.1 Create a dedicated app user", "3.2.1", "Create a dedicated app user"),
        ("Step 4: Start the server", "Step 4", "Start the server"),
        ("Phase 2: Production Configuration", "Phase 2", "Production Configuration"),
        ("A. Appendix", "A", "Appendix"),
        ("0) Repository layout", "0", "Repository layout"),
        ("2. Nginx Configuration", "2", "Nginx Configuration"),
        ("10)\tTabbed  title", "10", "Tabbed  title"),
        ("3:  Two spaces", "3", "Two spaces"),
        ("1.2.3 Ünïcode title", "1.2.3", "Ünïcode title"),
        ("4.\u{00A0}No-break space", "4", "No-break space"),
    ])
    func labelsAreSplitOff(heading: String, label: String, title: String) {
        let split = Text.splitLabel(heading)
        #expect(split.label == label)
        #expect(split.title == title)
    }

    @Test(arguments: [
        "Overview", "AWS setup", "Option A (recommended): Amazon Linux", "2FA for admins", "1.2.a title", "2024",
        "1.", "step 4: lower-case first letter", "A.B. testing", "Stepping out",
    ])
    func headingsWithoutALabelKeepTheirTitle(heading: String) {
        #expect(Text.splitLabel(heading).label == nil)
        #expect(Text.splitLabel(heading).title == heading)
    }

    @Test(arguments: [
        ("3.2.1 Create a dedicated app user", "3-2-1-create-a-dedicated-app-user"),
        ("Don't  panic!", "dont-panic"),
        ("Café & Crème", "caf-cr-me"),
        ("Nginx’s config", "nginxs-config"),
        ("***", "section"),
        ("✅ Step 2: Deploy v1.2 🚀", "step-2-deploy-v1-2"), ("\u{212A}ubernetes", "kubernetes"), ("日本 ２", "section"),
    ])
    func slugsKeepASCIILettersAndDigits(title: String, slug: String) {
        #expect(Text.slug(title) == slug)
    }

    /// The byte paths of `splitLabel` agree with its regexes on every heading built from
    /// these parts: label words, numbers, separators (ASCII and dashes), blanks, and a space
    /// only Unicode calls one.
    @Test func splitLabelAgreesWithItsRegexes() {
        let words = ["Step", "phase", "SECTION", "Stepping", "A", "12", "4.1"]
        let gaps = ["", " ", "\u{00A0}"]
        let ids = ["", "4", "A", "4.1", "4.x"]
        let separators = ["", ":", ".", ")", "-", "–", "é"]
        let titles = ["", "Title", "-Go"]
        let headings = combinations([words, gaps, ids, gaps, separators, ["", " ", "\t"], titles])
        for heading in headings {
            let fast = Text.splitLabel(heading)
            let reference = Text.splitLabelByRegex(heading)
            #expect(fast.label == reference.label && fast.title == reference.title, "\(heading.debugDescription)")
        }
        #expect(headings.count == 7 * 3 * 5 * 3 * 7 * 3 * 3)
    }

    @Test func slugsIdsAndNumbers() {
        let guide = read(
            """
            # Guide
            ## 3.2.1 Create a dedicated app user
            \(fence)bash
            sudo useradd app
            \(fence)
            \(fence)bash
            id app
            \(fence)
            ## Step 2: Start
            \(fence)bash
            systemctl start app
            \(fence)
            """)
        #expect(guide.steps.map(\.id) == ["create-a-dedicated-app-user/1", "create-a-dedicated-app-user/2", "start/1"])
        #expect(guide.steps.map(\.number) == [1, 2, 3])
        #expect(guide.sections.map(\.slug) == ["top", "guide", "create-a-dedicated-app-user", "start"])
        #expect(guide.step(named: "3")?.id == "start/1")
        #expect(guide.step(named: "start/1")?.number == 3)
        #expect(guide.step(named: "nope") == nil)
    }

    @Test func duplicateSlugsArePrefixedWithTheParent() {
        let guide = read(
            """
            # G
            ## Backend
            ### Verify
            \(fence)bash
            curl localhost
            \(fence)
            ## Frontend
            ### Verify
            \(fence)bash
            curl localhost:3000
            \(fence)
            """)
        #expect(guide.steps.map(\.id) == ["verify/1", "frontend-verify/1"])
    }

    @Test func stepsBeforeAnyHeadingBelongToTop() {
        let guide = read("\(fence)bash\necho hi\n\(fence)\n")
        #expect(guide.steps.map(\.id) == ["top/1"])
    }

    @Test func sectionNamedByLabelSlugOrTitle() {
        let guide = read("# G\n## 3.2 Install packages\n### 3.2.1 Nginx\n")
        #expect(guide.section(named: "3.2")?.slug == "install-packages")
        #expect(guide.section(named: "nginx")?.slug == "nginx")
        #expect(guide.section(named: "PACKAGES")?.slug == "install-packages")
        #expect(guide.section(named: "missing") == nil)
        #expect(guide.section(2, isWithin: 1))
        #expect(!guide.section(1, isWithin: 2))
    }

    @Test func flowSectionsAreOptionalAndInherit() {
        let guide = read(
            """
            # G
            ## Deploy
            \(fence)bash
            make deploy
            \(fence)
            ## 8) Troubleshooting
            ### Logs
            \(fence)bash
            journalctl -u app -n 50
            \(fence)
            ## Rollback plan
            \(fence)bash
            git checkout v1
            \(fence)
            ## 10) Cost control (AWS) and teardown
            \(fence)bash
            terraform destroy
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional, .optional])
        #expect(guide.steps.map(\.runs) == [true, false, false, false])
        #expect(
            guide.sections.map { $0.role ?? "-" } == [
                "-", "-", "-", "troubleshooting", "troubleshooting", "rollback", "cost-control",
            ])
    }

    /// The guide's own title names what it is about, not a flow off the main one: a
    /// "Monitoring setup" guide, or a "Rollback procedure", runs its steps. A later title with
    /// the same words is off the main flow as ever.
    @Test func theGuidesTitleIsNoFlowRole() {
        let guide = read(
            """
            # Monitoring setup: Prometheus and Grafana
            ## Install
            \(fence)bash
            sudo apt-get install -y prometheus
            \(fence)
            # Monitoring
            \(fence)bash
            curl -s localhost:9090/-/healthy
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "monitoring"])
        let rollback = read("# Rollback procedure\n\n\(fence)bash\ngit checkout v1\n\(fence)\n")
        #expect(rollback.steps.map(\.runs) == [true])
    }

    /// Sections at the guide's end that remove what it made ("Uninstall", "Removing the
    /// runner", with what they hold) are teardown, and closing notes may follow them; the same
    /// titles before the deploy ("Uninstall old versions", "Delete the default site") and a
    /// removal of what was there before are setup.
    @Test func removalSectionsAtTheEndAreTeardown() {
        let guide = read(
            """
            # G
            ## 1. Uninstall old versions
            \(fence)bash
            sudo apt-get remove docker.io
            \(fence)
            ## 2. Delete the default site
            \(fence)bash
            sudo rm /etc/nginx/sites-enabled/default
            \(fence)
            ## 3. Deploy
            \(fence)bash
            helm upgrade --install api acme/api
            \(fence)
            ## 4. Removing the runner
            ### Stop it
            \(fence)bash
            sudo ./svc.sh stop
            \(fence)
            ## 5. Uninstall
            \(fence)bash
            helm uninstall api
            \(fence)
            ## Next steps
            Read the docs.
            """)
        #expect(guide.steps.map(\.flow) == [.main, .main, .main, .optional, .optional])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "-", "-", "teardown", "teardown", "teardown", "-"])
        let before = read(
            "# G\n## Deploy\n\(fence)bash\nmake\n\(fence)\n## Remove the existing config\n\(fence)bash\nrm a\n\(fence)\n")
        #expect(before.steps.map(\.flow) == [.main, .main])
        #expect(Patterns.removesWhatItMade("5. Delete the cluster"))
        #expect(!Patterns.removesWhatItMade("Deleting old backups"))
        #expect(!Patterns.removesWhatItMade("Deploy and remove"))
    }

    /// "Upgrading" at the end of a guide that sets something up is later upkeep (role
    /// `upgrade`), as a teardown is: a first deploy checked out the next version right after
    /// installing this one. A guide whose title speaks of upgrading runs its upgrade, and
    /// "Update the DNS records" is a step of the setup.
    @Test func upgradeSectionsAtTheEndOfASetupAreUpkeep() {
        let guide = read(
            """
            # Self-hosting Plausible
            ## Launch
            \(fence)bash
            docker compose up -d
            \(fence)
            ## Update the DNS records
            \(fence)bash
            ./dns.sh set stats 203.0.113.10
            \(fence)
            ## Upgrading
            \(fence)bash
            git checkout v2.1.2 && docker compose up -d
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .main, .optional])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "-", "upgrade"])
        let upgrade = read(
            "# Upgrading Plausible\n## Launch\n\(fence)bash\nmake\n\(fence)\n## Upgrading\n\(fence)bash\nmake up\n\(fence)\n")
        #expect(upgrade.steps.map(\.flow) == [.main, .main])
        #expect(Patterns.upgradesLater("5. Upgrades"))
        #expect(!Patterns.upgradesLater("Update the DNS records"))
        #expect(!Patterns.upgradesLater("Why upgrade"))
    }

    /// "If …, go to **Mitigation A**. If …, go to **Mitigation B**.": sibling sections side by
    /// side that the guide sends the reader to, each under its own condition, are off the main
    /// flow and their steps carry the condition; what follows them is the main flow again.
    @Test func sectionsTheGuideSendsToUnderConditionsAreBranches() {
        let guide = read(
            """
            # Disk full
            ## Diagnose
            1. Check the slots:

               \(fence)bash
               psql -c 'SELECT slot_name, active FROM pg_replication_slots'
               \(fence)

               If `active` is `f`, go to **Mitigation A**. If the logs are the largest, go to
               [Mitigation B](#mitigation-b-compress-old-logs).
            ## Mitigation A: drop the slot
            \(fence)bash
            psql -c "SELECT pg_drop_replication_slot('analytics')"
            \(fence)
            ### Watch it
            \(fence)bash
            df -h /var
            \(fence)
            ## Mitigation B (logs)
            \(fence)bash
            gzip /var/log/postgresql/old.log
            \(fence)
            ## Verify
            \(fence)bash
            df -h /var
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional, .optional, .main])
        #expect(
            guide.steps.map { $0.condition ?? "-" } == [
                "-", "If active is f", "If active is f", "If the logs are the largest", "-",
            ])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "conditional", "conditional", "conditional", "-"])
        // One jump is no branch ("go to" may skip ahead), nor are jumps to numbered steps or to
        // sections with another between them: that is passing over what lies between.
        for text in [
            "If it is `f`, go to **Mitigation A**.",
            "If you have a cluster, go to Step 3. If not, go to Step 2.",
            "If it is `f`, go to **Mitigation A**. If not, go to **Verify**.",
        ] {
            let skipping = read(
                """
                # G
                ## Check
                \(fence)bash
                psql -c 'SELECT 1'
                \(fence)
                \(text)
                ## Step 2: Make one
                \(fence)bash
                make cluster
                \(fence)
                ## Mitigation A
                \(fence)bash
                rm slot
                \(fence)
                ## Step 3: Use it
                \(fence)bash
                make deploy
                \(fence)
                ## Verify
                \(fence)bash
                make check
                \(fence)
                """)
            #expect(skipping.steps.map(\.flow) == [.main, .main, .main, .main, .main], "\(text)")
        }
        #expect(
            Patterns.conditionalJumps("Run it. If it fails, go to the Rollback section. If it hangs, continue with Step 4.")
                .map { "\($0.condition) → \($0.destination)" } == ["If it fails → the Rollback section", "If it hangs → Step 4"])
    }

    /// "Confirm with the owner of the slot first. Then:": the sentences before "Then" are the
    /// person's step before the block, and the block is no verification for the "Confirm".
    @Test func whatALeadInSaysBeforeThenIsThePersons() {
        let guide = read(
            """
            # G
            ## Fix
            Confirm with the owner of the slot in #team-data first. Then:
            \(fence)bash
            psql -c "SELECT pg_drop_replication_slot('analytics')"
            \(fence)
            Open a thread in #incidents. Then log in:
            \(fence)bash
            ssh ops@db1
            \(fence)
            The service restarts by itself. Then run:
            \(fence)bash
            systemctl status app
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.manual, .command, .manual, .command])
        #expect(
            guide.steps.map { $0.instructions ?? $0.code } == [
                "Confirm with the owner of the slot in #team-data first.",
                "psql -c \"SELECT pg_drop_replication_slot('analytics')\"", "Open a thread in #incidents.",
                "systemctl status app",
            ])
        #expect(Patterns.thenLeadIn("Then run:") == nil)
        #expect(Patterns.thenLeadIn("Build it. Thenceforth:") == nil)
        // In one sentence, when the part before ", then" is a person's (session 34: a runner's
        // removal token); not when it is the block's own work.
        let one = read(
            """
            # G
            Get a removal token from the same page, then on the build machine:
            \(fence)bash
            ./config.sh remove --token "$TOKEN"
            \(fence)
            Open the AWS console and create an access key, then run:
            \(fence)bash
            aws configure list
            \(fence)
            Update the package index, then install nginx:
            \(fence)bash
            sudo apt-get update && sudo apt-get install -y nginx
            \(fence)
            """)
        #expect(one.steps.map(\.kind) == [.manual, .command, .manual, .command, .command])
        #expect(
            one.steps.compactMap(\.instructions) == [
                "Get a removal token from the same page", "Open the AWS console and create an access key",
            ])
    }

    @Test(arguments: [
        "FAQ", "Monitoring", "Maintenance", "Operations (logs)", "Clean up", "Security hardening checklist", "Teardown",
        "Destroy the environment", "Decommissioning", "Recovering from a failure state", "Disaster recovery",
    ])
    func everyFlowWordMakesASectionOptional(title: String) {
        let guide = read("# G\n## \(title)\n\(fence)bash\nls\n\(fence)\n")
        #expect(guide.steps[0].flow == .optional)
    }

    /// "Revoking (only if the key leaked)": a heading's condition in parentheses puts its
    /// section, subsections and all, off the main flow, each step saying why; other
    /// parentheses ("(Ubuntu)", "(optional if you use Docker)") do not.
    @Test func aHeadingsConditionPutsItsSectionOffTheMainFlow() {
        let guide = read(
            """
            # G
            ## Get the certificate
            \(fence)bash
            sudo certbot --nginx -d a.org
            \(fence)
            ## Revoking (only if the key leaked)
            \(fence)bash
            sudo certbot revoke --cert-name a.org
            \(fence)
            ### Then delete it
            \(fence)bash
            sudo certbot delete --cert-name a.org
            \(fence)
            ## Reset (if the upgrade failed)
            \(fence)bash
            kubeadm reset
            \(fence)
            ## Install (Ubuntu)
            \(fence)bash
            apt-get install -y nginx
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional, .optional, .main])
        #expect(
            guide.steps.map { $0.condition ?? "-" } == [
                "-", "If the key leaked", "If the key leaked", "If the upgrade failed", "-",
            ])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "conditional", "conditional", "conditional", "-"])
        #expect(Patterns.headingCondition("Cleanup (optional if you use Docker)") == nil)
        #expect(Patterns.headingCondition("Restore (when needed)") == "When needed")
        #expect(Patterns.headingCondition("Restore (only when the primary is lost)") == "When the primary is lost")
        #expect(Patterns.headingCondition("Rotate the keys (as needed)") == "When needed")
        #expect(Patterns.headingCondition("Reset (if needed)") == "If needed")
        #expect(Patterns.headingCondition("Install (when)") == nil)
        #expect(Patterns.headingCondition("Backups (as needed by the audit)") == nil)
    }

    /// "Put the site in maintenance mode" and "Leave maintenance mode" are steps of the flow;
    /// "Maintenance" is a section of tasks for later (session 34: a WordPress move's first and
    /// last steps waited for --section).
    @Test func maintenanceModeIsAStepOfTheFlow() {
        let guide = read(
            "# G\n## 1. Put the site in maintenance mode\n\(fence)bash\nwp maintenance-mode activate\n\(fence)\n"
                + "## Maintenance\n\(fence)bash\nwp core update\n\(fence)\n")
        #expect(guide.steps.map(\.flow) == [.main, .optional])
    }

    /// In one paragraph among blocks, "In Cloudflare, change the `A` record … to the new IP." is
    /// the person's DNS change (session 34: lost before the `dig` that checks it); "The A
    /// record should point to the new IP." tells nothing to do.
    @Test func aDNSChangeInProseIsThePersons() {
        let guide = read(
            "# G\n## DNS\nIn Cloudflare, change the `A` record for `blog.example.net` to the new IP. TTL is 5 minutes.\n\n"
                + "\(fence)bash\ndig +short blog.example.net\n\(fence)\n\nThe A record should point to the new IP.\n\n"
                + "\(fence)bash\ndig +short www.blog.example.net\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == [.manual, .command, .command])
        #expect(Patterns.changesDNS("Create a CNAME for `www` pointing at the apex."))
        #expect(!Patterns.changesDNS("Create a CNAME record:"))
    }

    /// A heading that is a condition itself puts its section off the main flow, as "(only if
    /// …)" does (session 34: "If something goes wrong" restored the old jar right after every
    /// deploy); a "When" heading only when it names a failure. "Backout plan" is a rollback.
    @Test func aHeadingThatIsAConditionWaitsToBeAskedFor() {
        let conditions: [(String, String?)] = [
            ("If something goes wrong", "If something goes wrong"), ("If the deploy fails:", "If the deploy fails"),
            ("What to do if the health check fails?", "If the health check fails"),
            ("What if it breaks", "If it breaks"), ("In case of problems", "In case of problems"),
            ("When things go wrong", "When things go wrong"), ("When to use this runbook", nil),
            ("Install the agent", nil), ("If", nil), ("If-else in bash", nil),
        ]
        for (title, condition) in conditions {
            #expect(Patterns.headingCondition(title) == condition, "\(title)")
        }
        let guide = read(
            """
            # G
            ## Deploy
            \(fence)bash
            sudo systemctl restart orders
            \(fence)
            ## If something goes wrong
            \(fence)bash
            sudo cp orders.jar.bak orders.jar
            \(fence)
            ## Backout plan
            \(fence)bash
            git checkout v1
            \(fence)
            ## Back up the database
            \(fence)bash
            pg_dump app > app.sql
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional, .main])
        #expect(guide.sections.map { $0.role ?? "-" } == ["-", "-", "-", "conditional", "rollback", "-"])
        #expect(guide.steps.map { $0.condition ?? "-" } == ["-", "If something goes wrong", "-", "-"])
    }

    /// Recovery is a role only as recovering from something: recovery codes and keys are setup.
    @Test(arguments: ["Save the recovery codes", "Recovery key", "Set up account recovery"])
    func recoveryThingsAreSetup(title: String) {
        let guide = read("# G\n## \(title)\n\(fence)bash\nls\n\(fence)\n")
        #expect(guide.steps[0].flow == .main)
    }

    /// What a guide folds into `<details>` is not its main path; the blocks around it are.
    @Test func blocksFoldedInDetailsAreOptional() {
        let guide = read(
            """
            # G
            ## Prepare
            \(fence)bash
            git checkout main
            \(fence)

            <details>
            <summary>Optional: clean old images</summary>

            \(fence)bash
            docker image prune -af
            \(fence)

            <details><summary>Even older</summary>

            \(fence)bash
            docker system prune -af
            \(fence)

            </details>
            </details>

            \(fence)bash
            make build
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional, .main])
        #expect(guide.steps.map(\.runs) == [true, false, false, true])
    }

    /// Closed `<details>` draw no warning; one left open folds the rest of the guide, which
    /// the reader says where it opened, with how many steps it folds.
    @Test func anUnclosedDetailsIsReportedWhereItOpens() {
        let closed = read("# G\n<details>\n\n\(fence)bash\nls\n\(fence)\n\n</details>\n\n\(fence)bash\npwd\n\(fence)\n")
        #expect(closed.diagnostics.isEmpty)
        let guide = read(
            """
            # G
            \(fence)bash
            git pull
            \(fence)

            <details><summary>Older releases</summary>

            \(fence)bash
            git checkout v1
            \(fence)

            ## Build
            \(fence)bash
            make build
            \(fence)
            """)
        #expect(guide.steps.map(\.flow) == [.main, .optional, .optional])
        #expect(guide.diagnostics.count == 1)
        let warning = guide.diagnostics.first
        #expect(warning?.rule == "unclosed-details")
        #expect(warning?.severity == .warning)
        #expect(warning?.location.line == 6)
        #expect(warning?.location.column == 1)
        #expect(
            warning?.message
                == "<details> is never closed, so the 2 steps after it are folded: optional, run only with --only or --section")
        // Nothing after it to fold: nothing to say.
        #expect(read("# G\n\(fence)bash\nls\n\(fence)\n\n<details>\nSee also the wiki.\n").diagnostics.isEmpty)
    }

    @Test(arguments: ["Install", "Operational notes for the deploy", "Checkout the code"])
    func otherTitlesStayInTheMainFlow(title: String) {
        let guide = read("# G\n## \(title)\n\(fence)bash\nls\n\(fence)\n")
        #expect(guide.steps[0].flow == .main)
    }

    /// A block a lead-in puts a condition on ("If the build fails, clean first:") is optional:
    /// runbook cannot tell whether it holds. Setup harmless to repeat ("If you haven't
    /// already"), what a run meets by getting there ("If successful") and a choice of system
    /// stay in the main flow.
    @Test(
        arguments: [
            ("If the build fails, clean first:", "If the build fails"),
            ("If Docker images take the space:", "If Docker images take the space"),
            ("**If `sudo snap install` fails**, install snapd:", "If sudo snap install fails"),
            ("If you haven't already, install it:", nil), ("If needed, create the directory:", nil),
            ("If successful, update production:", nil), ("If the tests pass, deploy:", nil),
            ("If you're on Ubuntu:", nil), ("Clean first if the build fails:", nil), ("If the build fails, clean first.", nil),
            ("IF THE BUILD FAILS, CLEAN FIRST:", "IF THE BUILD FAILS"), ("Iffy builds need a clean first:", nil),
            ("When you no longer need the environment:", "When you no longer need the environment"),
            ("When you no longer need it, remove it:", "When you no longer need it"),
            ("When you're done editing, save the file:", nil),
            // The sentence that introduces the block decides, not one before it.
            ("If you get an error, check for typos. Once the syntax is correct, reload Nginx:", nil),
            ("Nginx must be running. If it is not, start it:", "If it is not"),
            ("If you use e.g. Apache, stop it:", "If you use e.g. Apache"),
        ] as [(String, String?)])
    func aConditionalLeadInMakesItsBlockOptional(leadIn: String, condition: String?) {
        let guide = read("# G\n\n\(fence)bash\nmake\n\(fence)\n\n\(leadIn)\n\n\(fence)bash\nmake clean\n\(fence)\n")
        #expect(guide.steps.map(\.condition) == [nil, condition])
        #expect(guide.steps.map(\.flow) == [.main, condition == nil ? .main : .optional])
    }
}
