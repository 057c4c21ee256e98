import Foundation
import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

@Suite("dotenv files, as python-dotenv reads them")
struct DotenvTests {
    /// Each case was run through python-dotenv 1.2 (`dotenv_values`) to pin the expected value.
    @Test func trickyCasesMatchPythonDotenv() throws {
        let text = #"""
            # comment
            export A=plain
            B = spaced  # inline comment
            C=hash#notcomment
            D='single $A \n literal'
            E="double ${A} \n escape \" quote \$ kept"
            F="multi
            line"
            G=${A}-${MISSING:-dflt}-${A:-x}
            H='it\'s'
            I=
            J
            K="a" # trailing
            L=x\ny
            """#
        let entries = try Dotenv.parse(text, file: "t.env")
        let values = entries.map { "\($0.name)=\($0.value.map { String(reflecting: $0) } ?? "nil")@\($0.line)" }
        #expect(
            values == [
                #"A="plain"@2"#, #"B="spaced"@3"#, #"C="hash#notcomment"@4"#, #"D="single $A \\n literal"@5"#,
                #"E="double plain \n escape \" quote \\$ kept"@6"#, #"F="multi\nline"@7"#,
                #"G="plain-dflt-plain"@9"#, #"H="it\'s"@10"#, #"I=""@11"#, "J=nil@12", #"K="a"@13"#,
                #"L="x\\ny"@14"#,
            ])
    }

    @Test func interpolationFallsBackToTheLookup() throws {
        let entries = try Dotenv.parse("X=${HOME_DIR}/app\nY='${HOME_DIR}'", file: "t.env") { $0 == "HOME_DIR" ? "/home/u" : nil }
        #expect(entries.map(\.value) == ["/home/u/app", "${HOME_DIR}"])
    }

    @Test(arguments: [
        ("A=\"unterminated\nB=2\n", 1, "unterminated double-quoted value"),
        ("OK=1\nA='x\n", 2, "unterminated single-quoted value"),
        ("A=\"x\" junk\n", 1, "unexpected text after the value of A; quote values that contain spaces"),
        ("A=1\n\n=nokey\n", 3, "expected NAME=value; a line cannot start with '='"),
    ])
    func malformedStatementsAreErrorsWithTheirLine(text: String, line: Int, reason: String) {
        #expect(throws: DotenvError(location: SourceLocation(file: "bad.env", line: line), reason: reason)) {
            _ = try Dotenv.parse(text, file: "bad.env")
        }
    }

    @Test func errorFormatNamesFileAndLine() {
        let error = DotenvError(location: SourceLocation(file: "prod.env", line: 4), reason: "unterminated double-quoted value")
        #expect(error.description == "prod.env:4:1: unterminated double-quoted value")
    }
}

@Suite("binding")
struct BindingTests {
    let guide = read(
        """
        \(fence)bash
        export DOMAIN="yourdomain.com"
        export API_DOMAIN="api.${DOMAIN}"
        export APP_USER="app"
        export APP_HOME="/home/${APP_USER}"
        export REGION="eu-west-1"
        export OPENAI_API_KEY=""
        \(fence)
        """)

    func temporaryFile(_ text: String) -> String {
        let path = Scratch.root.appendingPathComponent("runbook-test-\(UUID().uuidString).env").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func precedenceSetOverVarsOverEnvironmentOverDefault() throws {
        let first = temporaryFile("DOMAIN=first.org\nAPP_USER=fromfile\nREGION=file-region\n")
        let second = temporaryFile("DOMAIN=second.org\n")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let binding = try Binding.resolve(
            guide: guide,
            input: BindingInput(
                sets: [NamedValue(name: "APP_USER", value: "fromset")], varsFiles: [first, second],
                environment: ["REGION": "env-region", "OPENAI_API_KEY": "sk-test-123", "UNRELATED": "x"]))
        let rows = binding.values.map { "\($0.name)=\($0.value ?? "nil") (\($0.source))" }
        #expect(
            rows == [
                "DOMAIN=second.org (\(second):1)", "API_DOMAIN=api.second.org (derived)", "APP_USER=fromset (--set)",
                "APP_HOME=/home/fromset (derived)", "REGION=file-region (\(first):3)",
                "OPENAI_API_KEY=sk-test-123 (environment)",
            ])
        #expect(binding.missing.isEmpty)
        #expect(binding.secretValues == ["sk-test-123"])
        #expect(binding.mask("key is sk-test-123.") == "key is ****.")
    }

    @Test func unboundAndPlaceholderValuesAreMissing() throws {
        let binding = try Binding.resolve(
            guide: guide, input: BindingInput(sets: [NamedValue(name: "OPENAI_API_KEY", value: "CHANGEME")]))
        #expect(binding.missing.map(\.name) == ["DOMAIN", "OPENAI_API_KEY"])
        #expect(binding.value("API_DOMAIN") == nil)
        #expect(binding.value("APP_HOME") == "/home/app")
        #expect(
            binding.display("curl https://${API_DOMAIN}/ as $APP_USER with ${OPENAI_API_KEY}")
                == "curl https://${API_DOMAIN}/ as app with ****")
    }

    @Test func brokenVarsFileIsABindingError() {
        let path = temporaryFile("DOMAIN=\"x\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: BindingError.self) {
            _ = try Binding.resolve(guide: guide, input: BindingInput(varsFiles: [path]))
        }
    }
}

@Suite("shell parameter expansion")
struct ShellExpansionTests {
    @Test(arguments: [
        ("www.${DOMAIN}", "www.example.org"), ("$APP_USER/x", "app/x"), ("${UNSET:-fallback}", "fallback"),
        ("${EMPTY:-fallback}", "fallback"), ("${EMPTY-fallback}", ""), ("${APP_USER:+set}", "set"),
        ("${UNSET:+set}", ""), ("\\$DOMAIN", "$DOMAIN"), ("'$DOMAIN'", "'$DOMAIN'"), ("${TMPDIR:-/tmp}/site", "/tmp/site"),
        ("cost: $5", "cost: $5"),
    ])
    func expands(input: String, output: String) {
        let values = ["DOMAIN": "example.org", "APP_USER": "app", "EMPTY": ""]
        #expect(ShellExpansion.expand(input) { values[$0] }.text == output)
    }

    /// For display, bound names show their values and the rest stay exactly as written: an
    /// nginx `$host`, PowerShell's `$env:TOKEN` and a `${X:?message}` are not rewritten.
    @Test(arguments: [
        (
            "proxy_set_header Host $host; proxy_pass http://127.0.0.1:$PORT;",
            "proxy_set_header Host $host; proxy_pass http://127.0.0.1:8080;"
        ),
        (".\\install.ps1 -Token $env:AGENT_TOKEN", ".\\install.ps1 -Token $env:AGENT_TOKEN"),
        ("cd ${APP_DIR:?set APP_DIR} && ls $APP_DIR/${SUB}", "cd ${APP_DIR:?set APP_DIR} && ls $APP_DIR/${SUB}"),
        ("${UNSET:-fallback} ${PORT:-1}", "fallback 8080"),
    ])
    func substituteLeavesUnboundNamesAsWritten(input: String, output: String) {
        #expect(ShellExpansion.substitute(input) { $0 == "PORT" ? "8080" : nil } == output)
    }

    @Test func reportsUnresolvedNames() {
        #expect(ShellExpansion.expand("${A}-$B-${C:-c}") { _ in nil }.unresolved == ["A", "B"])
    }
}

@Suite("placeholders")
struct PlaceholderTests {
    @Test(arguments: [
        "yourdomain.com", "your-bucket-name", "https://example.com/x", "you@example.com", "<your-token>",
        "OWNER/REPO", "postgres://USER:PASSWORD@HOST/db", "CHANGEME", "REPLACE_ME", "TODO", "xxx",
        "/path/to/key.pem", "...", "api.example.org", "change-me", "BOT_TOKEN=replace-me", "changeme",
        "ssh ubuntu@203.0.113.10", "192.0.2.1", "http://198.51.100.7:8080/", "2001:db8::1", "yourdomain.example",
        "certbot -d api.your-domain.example", "your_api_key", "CHANGE_ME", "ReplaceMe",
        "SESSION_SECRET=replace-with-a-long-random-string", "KEY=replace_with_your_key", "token: REPLACE_THIS",
    ])
    func placeholdersAreFound(text: String) {
        #expect(Placeholder.find(in: text) != nil)
    }

    @Test(arguments: [
        "workforce", "api.fixxit.ai", "/home/ec2-user/app", "cat <<EOF", "<br>", "todo-list", "eu-west-1", "<h1>",
        "git commit -m 'change merge'", "replace-mesh", "10.0.2.15", "1203.0.113.5", "192.0.20.1", "203.0.1134",
        "cp .env.example .env", "yourdomain.examples", "Change me later", "replace your disk", "log in to your server",
        "replace with care", "replace-with", "replacement_this",
    ])
    func realValuesAreNotPlaceholders(text: String) {
        #expect(Placeholder.find(in: text) == nil)
    }

    /// Where each placeholder starts, in characters (after text that is not ASCII too); the
    /// example.com host inside an address is the address's, and `your-token` inside
    /// `<your-token>` is the angle placeholder's, not second findings.
    @Test func occurrencesHaveCharacterColumnsAndOneFindingPerSpot() {
        let line = #"é → mail admin@example.com at <your-token> then echo "...""#
        let found = Placeholder.occurrences(in: line)
        #expect(found.map(\.name) == ["you@example.com", "<placeholder>", "..."])
        #expect(found.map(\.column) == [10, 31, 55])
        #expect(found.map(\.text) == ["admin@example.com", "<your-token>", "..."])
        #expect(Placeholder.occurrences(in: "...").map(\.column) == [1])
        // Side by side, each is found; of two as long at one spot, the kind listed first.
        #expect(Placeholder.occurrences(in: "your-app <api-key>").map(\.name) == ["your-…", "<placeholder>"])
        #expect(Placeholder.occurrences(in: "yourdomain.com").map(\.name) == ["yourdomain.com"])
        #expect(Placeholder.find(in: "<your-token>") == "<placeholder>")
    }

    /// The angle placeholders found by bytes are the pattern's matches, on texts made of the
    /// bytes that decide them (a fixed seed: the same texts every run).
    @Test func angleSpansAreThePatternsMatches() throws {
        let regex = try NSRegularExpression(pattern: #"<[A-Za-z][A-Za-z0-9 _-]*[A-Za-z0-9]>"#, options: [.caseInsensitive])
        let alphabet = Array("<<>>aZk09 _-.!/".utf8)
        var state: UInt64 = 42
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var bytes: [UInt8] = []
            var bits = state
            for _ in 0..<Int(state >> 60) + 2 {
                bytes.append(alphabet[Int(bits % UInt64(alphabet.count))])
                bits /= UInt64(alphabet.count)
                if bits == 0 { bits = state >> 7 }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = regex.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)).map(\.range)
            #expect(Placeholder.angleSpans(bytes) == expected, "\(text)")
        }
        // One letter is too short, a `-` cannot end one, a `<` starts again.
        #expect(Placeholder.angleSpans(Array("a <b> <c d> <e-> <f_1> <<gh> <h".utf8)).map(\.location) == [6, 17, 24])
    }

    /// A documentation address (RFC 5737) is a placeholder like example.com: a default of one
    /// is required, and an `ssh` line to one gives no address to connect to.
    @Test func aDocumentationAddressIsAPlaceholder() {
        let guide = read(
            """
            # G
            \(fence)bash
            export DROPLET_IP=203.0.113.10
            export PORT=8080
            \(fence)
            \(fence)bash
            ssh root@198.51.100.20
            uptime
            \(fence)
            """)
        #expect(guide.variables.map(\.required) == [true, false])
        #expect(Placeholder.find(in: "203.0.113.10") == "documentation IP")
        let server = guide.targets.first { $0.name == "server" }
        #expect(server?.uri == nil)
        #expect(server?.hosts == [])
    }

    /// The whole-text prefilter never rules out a text that has a placeholder, and rules out
    /// plain text.
    @Test func mayOccurHoldsForEveryPlaceholder() {
        let found = [
            "yourdomain.com", "https://example.com/x", "<your-token>", "OWNER/REPO", "postgres://USER:PASSWORD@HOST/db",
            "CHANGEME", "REPLACE_ME", "TODO", "xxx", "/path/to/key.pem", "...", "<api-token>", "203.0.113.10",
            "2001:DB8::1", "orders-YYYYMMDD-HHMMSS.sql.gz",
        ]
        for text in found {
            #expect(Placeholder.mayOccur(in: text), "\(text)")
            #expect(!Placeholder.occurrences(in: text).isEmpty, "\(text)")
        }
        for text in ["ls -la /srv/app", "echo 1 < 2", "docker compose up -d", "", "<"] {
            #expect(!Placeholder.mayOccur(in: text), "\(text)")
            #expect(Placeholder.occurrences(in: text).isEmpty, "\(text)")
        }
    }

    /// `find` names the first kind in the patterns' order, and looks past markup and
    /// heredoc delimiters to a placeholder later in the text.
    @Test(
        arguments: [
            ("you@example.com", "you@example.com"),
            ("https://api.example.com", "example.com host"),
            ("yourdomain.com/path/to/x", "yourdomain.com"),
            ("<br> then <api-token>", "<placeholder>"),
            ("cat <<-EOF <EOF>", nil),
            ("'...'", "..."),
            ("TODO: later", "TODO"),
            ("/tmp/orders-YYYYMMDD-HHMMSS.sql.gz", "YYYYMMDD"), ("journalctl --since YYYY-MM-DD", "YYYYMMDD"),
            ("logs-YYYY.tar", "YYYYMMDD"), ("date +%Y%m%d", nil), ("dayjs().format('yyyy-MM-dd')", nil),
            ("YYYYY", nil),
        ] as [(String, String?)])
    func theKindFoundIsTheFirstInPatternOrder(text: String, kind: String?) {
        #expect(Placeholder.find(in: text) == kind)
    }
}

@Suite("runnable guides in runbooks/")
struct RunbookGuidesTests {
    @Test func everyGuidePlansWithoutErrors() throws {
        let dir = repositoryRoot.appendingPathComponent("runbooks")
        let guides = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }.sorted()
        #expect(!guides.isEmpty)
        for name in guides {
            let guide = try GuideReader.read(path: dir.appendingPathComponent(name).path)
            #expect(guide.diagnostics.isEmpty, "\(name): \(guide.diagnostics.map(\.formatted))")
            #expect(guide.steps.contains { $0.runs }, "\(name) has no step that runs")
        }
    }

    @Test func demoGuideReadsAsWritten() throws {
        let guide = try GuideReader.read(path: repositoryRoot.appendingPathComponent("runbooks/demo.md").path)
        #expect(
            shape(guide) == [
                "variables/1:variables:local", "build-the-site/1:command:local", "start-the-server/1:command:local",
                "verify/1:verification:local", "verify/2:verification:local", "troubleshooting/1:command:local",
                "teardown/1:command:local",
            ])
        #expect(guide.steps.map(\.runs) == [false, true, true, true, true, false, false])
        #expect(guide.steps[3].expectations == [.exitStatus(0), .httpStatus([200])])
    }
}
