import Foundation
import RunbookModel
import Testing

@testable import RunbookGuide

@Suite("expectations")
struct ExpectationTests {
    @Test func expectedListAfterABlock() {
        let guide = read(
            """
            # G
            Also verify from your laptop:
            \(fence)bash
            curl -i "https://${API_DOMAIN}/health"
            \(fence)
            Expected:

            - HTTP 200
            - JSON with `status: ok`
            """)
        #expect(guide.steps[0].expectations == [.exitStatus(0), .httpStatus([200]), .outputContains("status: ok")])
        #expect(guide.steps[0].kind == .verification)
        #expect(guide.steps.count == 1)
    }

    @Test func expectedSentenceWithCode() {
        let guide = read("\(fence)bash\ncat VERSION\n\(fence)\nShould output: `1.2.3`\n")
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("1.2.3")])
    }

    /// A version shown with wildcard parts (`v20.x.x`) expects any number there, as a span, a
    /// `console` block's output or a block of expected output; other text is expected as it is.
    @Test func aVersionWithWildcardPartsMatchesAnyNumberThere() throws {
        let span = read("\(fence)bash\nnode -v\n\(fence)\nExpected: `v20.x.x`\n")
        #expect(span.steps[0].expectations == [.exitStatus(0), .outputMatches(#"v20\.[0-9]+\.[0-9]+"#)])
        let console = read("\(fence)console\n$ python3 --version\nPython 3.12.x\n\(fence)\n")
        #expect(console.steps[0].expectations == [.exitStatus(0), .outputMatches(#"Python 3\.12\.[0-9]+"#)])
        let shown = read(
            "\(fence)bash\ngo version\n\(fence)\nExpected output:\n\n\(fence)text\ngo version go1.22.x linux/amd64\n\(fence)\n")
        let pattern = try #require(shown.steps[0].expectations.last)
        #expect(pattern == .outputMatches(#"go version go1\.22\.[0-9]+ linux\/amd64"#))
        if case .outputMatches(let text) = pattern {
            #expect(Text.matches(text, "go version go1.22.4 linux/amd64"))
            #expect(!Text.matches(text, "go version go1.21.4 linux/amd64"))
        }
        #expect(
            Patterns.expectation(forShown: "served index.html from nginx.conf")
                == .outputContains("served index.html from nginx.conf"))
        #expect(Patterns.expectation(forShown: "1.2.3") == .outputContains("1.2.3"))
    }

    /// "Should return …" with no colon says its expectation in the sentence itself.
    @Test func expectedSentenceWithoutAColon() {
        let guide = read("\(fence)bash\ncurl -s http://127.0.0.1:8000/health\n\(fence)\nShould return HTTP 200 with `ok`.\n")
        #expect(guide.steps[0].expectations == [.exitStatus(0), .httpStatus([200]), .outputContains("ok")])
    }

    /// "You should see `…`." and "This should return …" after a block expect what they say,
    /// and prose that names nothing to check expects nothing.
    @Test(arguments: [
        ("You should see `active (running)`.", [RunbookModel.Expectation.outputContains("active (running)")]),
        ("You should see all pods `Running`.", [.outputContains("Running")]),
        ("This should return `200 OK`.", [.httpStatus([200]), .outputContains("200 OK")]),
        ("The response should contain `\"ready\": true`.", [.outputContains("\"ready\": true")]),
        ("The output should show `3 rows`.", [.outputContains("3 rows")]),
        ("You should see the login page in your browser.", []),
        ("If you see `permission denied`, run it with sudo.", []),
        // A value only like the real one (another version, another time): nothing to match.
        ("The output should be something like `v20.11.0`.", []), ("You should see, e.g., `go1.22.1`.", []),
        ("It should print a version similar to `3.12.2`.", []),
        // About each thing the block lists; not what the block made ("should be").
        ("All services should show `running (healthy)`.", [.outputContains("running (healthy)")]),
        ("Each node should report `Ready`.", [.outputContains("Ready")]),
        ("All files should be owned by `www-data`.", []),
        // In a later sentence of the paragraph (session 33); a span before it is not expected.
        (
            "Review the plan. It should say `Plan: 7 to add, 0 to change, 0 to destroy.`",
            [.outputContains("Plan: 7 to add, 0 to change, 0 to destroy.")]
        ),
        ("Read `app.log` first. You should see `ready`.", [.outputContains("ready")]),
        ("Review the plan. It should be short.", []),
        ("The `app` service should show `healthy`.", [.outputContains("app"), .outputContains("healthy")]),
        ("The service should be restarted.", []),
        // What the status or the output should be (session 34); what a thing should be is not.
        ("The status should be `active (running)`.", [.outputContains("active (running)")]),
        ("The output should read `OK`.", [.outputContains("OK")]),
        ("The key should be in `/etc/ssl/private`.", []),
        ("Must print the new version (`3.14.2`).", [.outputContains("3.14.2")]),
        ("It must return `pong`.", [.outputContains("pong")]), ("You must restart it with `sudo reboot`.", []),
    ])
    func aSentenceSayingWhatTheOutputHolds(sentence: String, expected: [RunbookModel.Expectation]) {
        let guide = read("# G\n\(fence)bash\nsystemctl status app\n\(fence)\n\n\(sentence)\n")
        #expect(guide.steps[0].expectations == [.exitStatus(0)] + expected)
    }

    /// An expected text that is exactly a variable's default is that variable as bound
    /// (session 34: "Must print the new version (`3.14.2`)." failed every release but the
    /// guide's own). A default without a digit, a short one, one two variables share and a
    /// secret's stay as written.
    @Test func anExpectedDefaultIsTheBoundValue() {
        let guide = read(
            """
            # G
            \(fence)bash
            export VERSION=3.14.2
            export OTHER=3.14.2
            export PORT=8081
            export MODE=ok
            export API_TOKEN=tok-1234
            \(fence)
            \(fence)bash
            curl -fs localhost:8081/info
            \(fence)

            Must print `8081`, `3.14.2`, `ok` and `tok-1234`.
            """)
        #expect(
            guide.steps[1].expectations == [
                .exitStatus(0), .outputContains("${PORT}"), .outputContains("3.14.2"), .outputContains("ok"),
                .outputContains("tok-1234"),
            ])
    }

    /// The block "You should see something like:" introduces is output like the real one, not
    /// the real one: no lines the output must hold, and no step either (as a
    /// `[secondary_label Output]` block), where it used to be a person's step that paused every
    /// run. A shell block after such a sentence is still a step, and so is a block after a
    /// sentence that speaks of no output.
    @Test func aBlockAfterAYouShouldSeeSentenceIsNotExpectedOutput() {
        for lead in [
            "You should see something like:", "You should see output similar to this:",
            "The output will look similar to the following:", "It returns something like:",
        ] {
            let guide = read(
                """
                # G
                \(fence)bash
                systemctl status app
                \(fence)
                \(lead)
                \(fence)text
                Active: active (running) since Mon 2024-01-01 10:00:00 UTC; 5s ago
                \(fence)
                \(fence)bash
                curl -fsS localhost:8080/health
                \(fence)
                """)
            #expect(guide.steps[0].expectations == [.exitStatus(0)], "\(lead)")
            #expect(guide.steps.map(\.kind) == [.command, .command], "\(lead)")
        }
        let shell = read(
            "# G\n\(fence)bash\nmake\n\(fence)\nYou should see something like:\n\(fence)bash\nmake test\n\(fence)\n")
        #expect(shell.steps.map(\.code) == ["make", "make test"])
        let said = read(
            "# G\n\(fence)bash\nmake\n\(fence)\nPaste something like this into the form:\n\(fence)\nname: web\n\(fence)\n")
        #expect(said.steps.map(\.kind) == [.command, .manual])
    }

    /// "You should see:" (and "Once the command finishes you should see:", "You should get:")
    /// introduces the output itself, as "Expected output:" does: its lines are expected, and it
    /// is no person's step that paused every run.
    @Test func aBlockAfterYouShouldSeeIsExpectedOutput() {
        for lead in ["You should see:", "Once the command finishes you should see:", "You should get:"] {
            let guide = read(
                """
                # G
                \(fence)bash
                sudo kubeadm upgrade apply v1.31.2
                \(fence)
                \(lead)
                \(fence)
                SUCCESS! Your cluster was upgraded to "v1.31.2". Enjoy!
                \(fence)
                """)
            #expect(
                guide.steps[0].expectations == [
                    .exitStatus(0), .outputContains("SUCCESS! Your cluster was upgraded to \"v1.31.2\". Enjoy!"),
                ],
                "\(lead)")
            #expect(guide.steps.map(\.kind) == [.command], "\(lead)")
        }
        #expect(!Patterns.introducesShownOutput("You should see it:"))
        #expect(!Patterns.introducesShownOutput("Youshould see:"))
        #expect(!Patterns.introducesShownOutput("You should see, for example:"))
        #expect(Patterns.introducesShownOutput("should see:"))
    }

    /// The output block after "Expected output:" is what the step should print, not a step.
    @Test func expectedOutputBlockAfterABlock() {
        let guide = read(
            """
            # G
            \(fence)bash
            curl -fsS http://127.0.0.1:8000/health
            \(fence)
            Expected output:
            \(fence)
            status: ok

              ready
            \(fence)
            \(fence)bash
            systemctl is-active app
            \(fence)
            Expected output:
            \(fence)bash
            echo next
            \(fence)
            """)
        #expect(guide.steps.map(\.code) == ["curl -fsS http://127.0.0.1:8000/health", "systemctl is-active app", "echo next"])
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("status: ok"), .outputContains("ready")])
        #expect(guide.steps[1].expectations == [.exitStatus(0)])
    }

    /// Shown output lines that hold a time, a date, an age or a process id, and rows of
    /// tables, are what one run printed, not what the next will: they are no expectation, in
    /// an expected-output block or a `console` transcript. Addresses with ports and versions
    /// are not times.
    @Test func outputLinesThatChangeFromRunToRunAreNotExpected() {
        let guide = read(
            """
            # G
            \(fence)bash
            systemctl status app
            \(fence)
            Expected output:
            \(fence)
            ● app.service - The app
                 Active: active (running) since Mon 2024-01-01 10:00:00 UTC; 5s ago
               Main PID: 812 (app)
            NAME                    READY   STATUS    RESTARTS   AGE
            listening on 0.0.0.0:80 and [::]:8080
            \(fence)
            \(fence)console
            $ date; curl -s http://127.0.0.1:8000/version
            Tue Mar  5 10:04:31 UTC 2024
            app 1.2.3 built 2024-03-05
            version 1.2.3
            \(fence)
            """)
        #expect(
            guide.steps[0].expectations == [
                .exitStatus(0), .outputContains("● app.service - The app"),
                .outputContains("listening on 0.0.0.0:80 and [::]:8080"),
            ])
        #expect(guide.steps[1].expectations == [.exitStatus(0), .outputContains("version 1.2.3")])
    }

    @Test(arguments: [
        ("10:04:31", true), ("at 9:05 UTC", true), ("2024-03-05", true), ("5s ago", true), ("Main PID: 812", true),
        ("0.0.0.0:80", false), ("localhost:8080", false), ("v1.2.3", false), ("HTTP/1.1 200 OK", false),
        ("[::]:80", false), ("12345:67", false), ("agog", false),
        ("shop-7d9c8b6f5d-abcde   1/1     Running   0          2m", true), ("NAME\tREADY\tSTATUS", true),
        ("  Status:   active", false), ("a  b c", false), ("Done.  Next.  Last", true),
        // How long a container has been up.
        ("plausible-1  Up 2 minutes (healthy)", true), ("Up 3 seconds", true), ("Upgrade 2 hosts", false),
    ])
    func volatileOutput(line: String, volatile: Bool) {
        #expect(Patterns.isVolatileOutput(line) == volatile)
    }

    /// A shown line of columns aligned with blanks (`docker compose ps`'s header) is as wide as
    /// what is in it on the day: each run of two or more blanks (or a tab) between words
    /// matches any run of blanks; a single blank stays as it is.
    @Test func columnsAlignedWithBlanksMatchAnyWidth() throws {
        #expect(Patterns.expectation(forShown: "NAME                      STATUS") == .outputMatches(#"NAME[ \t]+STATUS"#))
        #expect(
            Patterns.expectation(forShown: "Status:   active (running)") == .outputMatches(#"Status:[ \t]+active \(running\)"#))
        #expect(Patterns.expectation(forShown: "version 1.2.3") == .outputContains("version 1.2.3"))
        let regex = try NSRegularExpression(pattern: #"NAME[ \t]+STATUS"#)
        let printed = "NAME             STATUS"
        #expect(regex.firstMatch(in: printed, range: NSRange(location: 0, length: printed.utf16.count)) != nil)
    }

    /// Expected JSON matches however it is spaced: guides show it pretty, `curl` prints it
    /// compact. Lines of brackets only say nothing.
    @Test func expectedJSONIgnoresSpacing() throws {
        let guide = read(
            """
            \(fence)bash
            curl -fsS http://127.0.0.1:8000/health
            \(fence)
            Expected output:
            \(fence)json
            {
              "status": "ok",
              "checks": ["db", "cache"],
              "note": "a, b: c"
            }
            \(fence)
            """)
        let patterns = guide.steps[0].expectations.compactMap { expectation -> String? in
            if case .outputMatches(let pattern) = expectation { return pattern }
            return nil
        }
        #expect(
            patterns == [
                #""status"\s*:\s*"ok""#, #""checks"\s*:\s*\s*\[\s*"db"\s*,\s*"cache"\s*]\s*"#,
                #""note"\s*:\s*"a, b: c""#,
            ])
        let compact = #"{"status":"ok","checks":["db","cache"],"note":"a, b: c"}"#
        let pretty = "{\n  \"status\" : \"ok\",\n  \"checks\": [ \"db\", \"cache\" ],\n  \"note\": \"a, b: c\"\n}"
        for output in [compact, pretty] {
            for pattern in patterns {
                let regex = try NSRegularExpression(pattern: pattern)
                #expect(regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) != nil, "\(pattern)")
            }
        }
        let wrong = try NSRegularExpression(pattern: patterns[0])
        let failing = #"{"status":"degraded"}"#
        #expect(wrong.firstMatch(in: failing, range: NSRange(failing.startIndex..., in: failing)) == nil)
    }

    /// Whatever a JSON line holds (quotes left open, escapes, regex characters, non-ASCII),
    /// its pattern compiles and matches the line as written.
    @Test(arguments: [
        #""a": "b\"c","#, #""unterminated: [1, 2"#, #""re": "^$.*+?()|\\d""#, #""é": "ü ö", "n": -1.5e3"#,
        #"{ "k" : { "x": [ ] } }"#, #"null"#, "\"tab\":\t\"x\"", #"\"#,
    ])
    func aJSONLinePatternMatchesItsLine(line: String) throws {
        let pattern = try #require(Patterns.jsonLinePattern(line))
        let regex = try NSRegularExpression(pattern: pattern)
        let text = line.trimmingCharacters(in: .whitespaces)
        #expect(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil, "\(pattern)")
    }

    /// Text outside strings in a bracketed line ("[upgrade/successful] SUCCESS! Your cluster
    /// …") keeps some spacing between its words, where JSON's punctuation takes any: the
    /// pattern matches the line as printed and not its words run together.
    @Test func aBracketedLineOfTextKeepsItsSpacing() throws {
        let line = #"[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.31.2". Enjoy!"#
        let pattern = try #require(Patterns.jsonLinePattern(line))
        #expect(
            pattern
                == #"\s*\[\s*upgrade\/successful\s*]\s*SUCCESS!\s+Your\s+cluster\s+was\s+upgraded\s+to\s+"v1\.31\.2"\.\s+Enjoy!"#)
        let regex = try NSRegularExpression(pattern: pattern)
        for (text, matches) in [(line, true), (#"[upgrade/successful]SUCCESS!Yourclusterwasupgradedto"v1.31.2".Enjoy!"#, false)] {
            #expect((regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil) == matches)
        }
        #expect(Patterns.jsonLinePattern(#"[ 'PRIMARY', true , 1 ]"#) == #"\s*\[\s*'PRIMARY'\s*,\s*true\s*,\s*1\s*]\s*"#)
    }

    /// A block that is not after a step, or is annotated, is read as usual.
    @Test func anExpectedOutputBlockNotAfterAStepIsABlock() {
        let guide = read("# G\nExpected output:\n\(fence)\nok\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == [.artifact])
        let annotated = read(
            "# G\n\(fence)bash\nls\n\(fence)\nExpected output:\n\(fence)text {kind=artifact}\nok\n\(fence)\n")
        #expect(annotated.steps.map(\.kind) == [.command, .artifact])
        #expect(annotated.steps[0].expectations == [.exitStatus(0)])
    }

    @Test func anExpectedListNotAfterABlockIsIgnored() {
        let guide = read("# G\n## Auth\nExpected:\n\n- HTTP 200\n")
        #expect(guide.steps.allSatisfy { $0.expectations.isEmpty })
    }

    @Test func shouldOutputComments() {
        let guide = read(
            """
            \(fence)bash
            grep KEY .env
            # Should output:
            # KEY=abc
            # OTHER=1
            echo done
            \(fence)
            """)
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("KEY=abc"), .outputContains("OTHER=1")])
    }

    /// A URL with "returns 200" is not a command: it does not become a step.
    @Test func inlineChecksInListsAreVerificationSteps() {
        let guide = read(
            """
            # G
            ## Checks
            - `curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/health` returns 200
            - `curl http://127.0.0.1/auth/me` returns 401/200
            - `cat /etc/app/version` prints `1.2`
            - `https://example.org/` returns 200
            """)
        #expect(guide.steps.map(\.kind) == [.verification, .verification, .verification])
        #expect(guide.steps[0].expectations == [.exitStatus(0), .httpStatus([200])])
        #expect(guide.steps[1].expectations == [.exitStatus(0), .httpStatus([401, 200])])
        #expect(guide.steps[2].expectations == [.exitStatus(0), .outputContains("1.2")])
        #expect(guide.steps[0].code == "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/health")
        // Its words in any case, after a line break; text that opens otherwise is no check.
        let wrapped = read(
            """
            # G
            ## Checks
            - `curl -s http://127.0.0.1:8000/health`
              Should Return HTTP 200
            - `systemctl is-active app` Shows `active`
            - `make test` runs the tests
            - `make lint` returned 0 before
            """)
        #expect(wrapped.steps.map(\.kind) == [.verification, .verification])
        #expect(wrapped.steps[0].expectations == [.exitStatus(0), .httpStatus([200])])
        #expect(wrapped.steps[1].expectations == [.exitStatus(0), .outputContains("active")])
    }

    /// The same check as a sentence after a label ("**Verify:**", "Check:") is a verification
    /// step in its place, on the section's machine; without the label, or without a command
    /// first, a sentence is prose.
    @Test func aLabelledCheckSentenceIsAVerificationStep() {
        let guide = read(
            """
            # G
            ## node_exporter on each app node
            \(fence)bash
            sudo systemctl enable --now node_exporter
            \(fence)

            **Verify:** `curl -s localhost:9100/metrics | head` should print lines starting with `# HELP`.

            Check: `curl -sI http://127.0.0.1/` returns 200.

            Check: the `nginx` service should be running.

            `make lint` returns 0 before a release.
            """)
        #expect(guide.steps.map(\.kind) == [.command, .verification, .verification])
        #expect(guide.steps[1].code == "curl -s localhost:9100/metrics | head")
        #expect(guide.steps[1].expectations == [.exitStatus(0), .outputContains("# HELP")])
        #expect(guide.steps[1].target.name == "app")
        #expect(guide.steps[2].expectations == [.exitStatus(0), .httpStatus([200])])
        #expect(guide.steps[2].location.line == 9)
    }

    @Test func annotationExpectations() {
        let guide = read(
            "\(fence)bash { expect-exit=3 expect-output=ready expect-match=\"v[0-9]+\" expect-status=200,301 }\n./check\n\(fence)\n"
        )
        #expect(
            guide.steps[0].expectations == [
                .exitStatus(3), .outputContains("ready"), .outputMatches("v[0-9]+"), .httpStatus([200, 301]),
            ])
    }
}

@Suite("variable declarations")
struct VariableTests {
    let guide = read(
        """
        # G
        \(fence)bash
        export DOMAIN="yourdomain.com"
        export FRONTEND_DOMAIN="www.${DOMAIN}"

        # EC2 access (greenfield)
        export SSH_KEY_PATH=""
        export EC2_PUBLIC_IP=""

        export APP_USER="workforce"
        export OPENAI_API_KEY=""
        export LITERAL='${NOT_EXPANDED}'
        export DB_PASSWORD=hunter2 # inline comment
        \(fence)
        """)

    @Test func requiredDerivedSecretAndDescription() {
        let table = guide.variables.map {
            "\($0.name) default=\($0.defaultValue ?? "nil") req=\($0.required) der=\($0.derived) sec=\($0.secret) desc=\($0.description ?? "-") line=\($0.location.line)"
        }
        #expect(
            table == [
                "DOMAIN default=yourdomain.com req=true der=false sec=false desc=- line=3",
                "FRONTEND_DOMAIN default=www.${DOMAIN} req=false der=true sec=false desc=- line=4",
                "SSH_KEY_PATH default= req=true der=false sec=false desc=EC2 access (greenfield) line=7",
                "EC2_PUBLIC_IP default= req=true der=false sec=false desc=EC2 access (greenfield) line=8",
                "APP_USER default=workforce req=false der=false sec=false desc=- line=10",
                "OPENAI_API_KEY default= req=true der=false sec=true desc=- line=11",
                "LITERAL default=${NOT_EXPANDED} req=false der=false sec=false desc=- line=12",
                "DB_PASSWORD default=hunter2 req=false der=false sec=true desc=- line=13",
            ])
    }

    @Test func frontMatterVarsAndSecrets() {
        let guide = read("---\nvars:\n  REGION: eu-west-1\n  BUCKET: \"\"\nsecrets: [BUCKET]\n---\n# G\n")
        #expect(guide.variables.map(\.name) == ["REGION", "BUCKET"])
        #expect(guide.variables.map(\.required) == [false, true])
        #expect(guide.variables.map(\.secret) == [false, true])
        #expect(guide.variables.map(\.source) == ["front-matter", "front-matter"])
    }

    @Test func secretAnnotationMarksNames() {
        let guide = read("\(fence)bash { secret=SESSION }\nexport SESSION=\"\"\n\(fence)\n")
        #expect(guide.variables.map(\.secret) == [true])
    }

    @Test(arguments: [
        ("OPENAI_API_KEY", true), ("SLACK_BOT_TOKEN", true), ("DB_PASSWD", true), ("GOOGLE_CREDENTIALS", true),
        ("PRIVATE_PEM", true), ("SSH_KEY_PATH", false), ("KEY_FILE", false), ("DOMAIN", false), ("APP_USER", false),
        // What a secret is called, or its ARN, is no secret.
        ("KEY_NAME", false), ("SECRET_NAME", false), ("DB_SECRET_ARN", false), ("KEY_NAMESPACE", true),
    ])
    func secretNames(name: String, secret: Bool) {
        #expect(Text.isSecretName(name) == secret)
    }
}
