import RunbookModel
import Testing

@testable import RunbookGuide

@Suite("annotations")
struct AnnotationTests {
    /// One representative valid value for every key.
    static let validValues: [(String, String)] = [
        ("name", "restart"), ("on", "ec2"), ("user", "app"), ("cwd", "/srv"), ("kind", "command"),
        ("skip", "true"), ("manual", "false"), ("run", "true"), ("runner", "psql"), ("file", "/etc/x"),
        ("mode", "0644"), ("expand", "true"), ("expect-exit", "1"), ("expect-output", "ok"),
        ("expect-match", "^ok$"), ("expect-status", "200"), ("retries", "10"), ("interval", "3s"),
        ("timeout", "2m"), ("follow", "500ms"), ("background", "true"), ("interactive", "false"),
        ("errexit", "false"), ("needs", "top/1"), ("secret", "A,B"), ("option", "A"), ("choice", "os"),
        ("section-role", "rollback"), ("excludeFromRunAll", "true"), ("ignore", "false"),
        ("interpreter", "python3"), ("promptEnv", "false"), ("tag", "db"),
    ]

    @Test(
        arguments: [
            ("bash", "bash", nil), ("  bash \t", "bash", nil), ("sh title.sh", "sh", nil), ("", "", nil),
            ("bash {name=x}", "bash", "{name=x}"), ("bash\t{ a=b }", "bash", "{ a=b }"), ("{ a=b } ", "", "{ a=b }"),
            ("python3 run.py {x}", "python3", "{x}"), ("bash{a=b} c", "bash", "{a=b} c"), ("é ü {a=b}", "é", "{a=b}"),
            ("c++", "c++", nil), ("yaml:compose.yml", "yaml:compose.yml", nil), ("ü", "ü", nil), ("bash{x}", "bash", "{x}"),
        ] as [(String, String, String?)])
    func infoStringSplitsIntoLanguageAndAttributes(info: String, language: String, attributes: String?) {
        let split = AnnotationParser.splitInfo(info)
        #expect(split.language == language)
        #expect(split.attributes == attributes)
    }

    @Test func everyKeyIsKnownAndEveryValidValueIsAccepted() {
        #expect(Set(Self.validValues.map(\.0)) == Set(AnnotationKey.all))
        for (key, value) in Self.validValues {
            var diagnostics: [Diagnostic] = []
            _ = AnnotationParser.parse("{ \(key)=\(value) }", at: .init(file: "g.md", line: 1), diagnostics: &diagnostics)
            #expect(diagnostics.isEmpty, "\(key)=\(value): \(diagnostics.map(\.message))")
        }
    }

    @Test(arguments: [
        ("kind", "script", "bad value 'script' for 'kind': expected command, verification, manual or artifact"),
        ("retries", "many", "bad value 'many' for 'retries': expected a whole number"),
        ("timeout", "soon", "bad value 'soon' for 'timeout': expected a duration such as 30s, 2m or 500ms"),
        ("expect-status", "999", "bad value '999' for 'expect-status': expected HTTP status codes such as 200 or 200,301"),
        ("mode", "rwx", "bad value 'rwx' for 'mode': expected an octal mode such as 0644"),
        ("expect-match", "(", "bad value '(' for 'expect-match': not a valid regular expression"),
        ("background", "maybe", "bad value 'maybe' for 'background': expected true or false"),
        ("section-role", "later", "bad value 'later' for 'section-role': expected main, rollback or optional"),
        ("on", "my host", "bad value 'my host' for 'on': expected a target name such as ec2 or local"),
        ("file", "", "bad value '' for 'file': expected a path such as /etc/app.conf"),
        ("cwd", " ", "bad value ' ' for 'cwd': expected a path such as /etc/app.conf"),
        (
            "runner", "",
            "bad value '' for 'runner': expected the program to give the block to, such as python3 or psql \"$DATABASE_URL\""
        ),
    ])
    func badValuesAreErrors(key: String, value: String, message: String) {
        var diagnostics: [Diagnostic] = []
        _ = AnnotationParser.parse("\(key)=\"\(value)\"", at: .init(file: "g.md", line: 7, column: 1), diagnostics: &diagnostics)
        #expect(diagnostics.map(\.message) == [message])
        #expect(diagnostics.map(\.rule) == ["bad-annotation"])
        #expect(diagnostics.map(\.severity) == [.error])
    }

    @Test func unknownKeyNamesTheClosestKnownKey() {
        let guide = read("# G\n\(fence)bash { nmae=restart timout=5s }\nls\n\(fence)\n")
        #expect(
            guide.errors.map(\.formatted) == [
                "guide.md:2:1: error: [bad-annotation] unknown annotation key 'nmae'; did you mean 'name'? (fix: name)",
                "guide.md:2:1: error: [bad-annotation] unknown annotation key 'timout'; did you mean 'timeout'? (fix: timeout)",
            ])
    }

    /// Other tools' attributes for how a block is shown (Hugo, MkDocs, Docusaurus, Pandoc, line
    /// highlights) are passed over; runbook's own keys beside them still count, and a key of
    /// nobody's is still an error.
    @Test(arguments: [
        "{linenos=true}", "{linenos=table hl_lines=\"2 3\" linenostart=10}", "{2}", "{1,4-6}", "{.bash #setup}",
        "{ title=\"install.sh\" showLineNumbers }", "{filename=\"setup.sh\" copy}", "{data-line=2}",
    ])
    func otherToolsDisplayKeysArePassedOver(attributes: String) {
        let guide = read("# G\n\(fence)bash \(attributes)\nls\n\(fence)\n")
        #expect(guide.errors.isEmpty)
        #expect(guide.steps.map(\.kind) == [.command])
        let mixed = read("# G\n\(fence)bash \(attributes.dropLast()) name=list timout=5s }\nls\n\(fence)\n")
        #expect(mixed.steps.map(\.id) == ["list"])
        #expect(mixed.errors.map(\.message) == ["unknown annotation key 'timout'; did you mean 'timeout'?"])
    }

    @Test func fenceAttributesInRunmeAndJSONSyntax() {
        let guide = read(
            """
            \(fence)bash { name=restart-backend on=ec2 timeout=120s }
            sudo systemctl restart backend
            \(fence)
            \(fence)sh {"name":"json-step","background":true,"retries":3}
            ./serve
            \(fence)
            """)
        #expect(guide.steps.map(\.id) == ["restart-backend", "json-step"])
        #expect(guide.steps[0].target == TargetRef(name: "ec2", reason: "annotation"))
        #expect(guide.steps[0].annotations["timeout"] == "120s")
        #expect(guide.steps[1].annotations == ["name": "json-step", "background": "true", "retries": "3"])
        #expect(guide.targets.map(\.name) == ["local", "ec2"])
    }

    @Test func htmlCommentBeforeABlockAndUnderAHeading() {
        let guide = read(
            """
            # G
            ## Wait for it
            <!-- runbook: retries=10 interval=3s -->

            \(fence)bash
            curl localhost
            \(fence)

            <!-- runbook: name=second on=web -->
            \(fence)bash
            curl web
            \(fence)
            ## Other
            \(fence)bash
            ls
            \(fence)
            """)
        #expect(guide.steps[0].annotations == ["retries": "10", "interval": "3s"])
        #expect(guide.steps[1].annotations == ["retries": "10", "interval": "3s", "name": "second", "on": "web"])
        #expect(guide.steps[1].id == "second")
        #expect(guide.steps[2].annotations == [:])
    }

    @Test func annotationsOverrideInference() {
        let guide = read(
            """
            \(fence)sql { runner="psql $DATABASE_URL" }
            select 1;
            \(fence)
            \(fence)bash { excludeFromRunAll=true }
            rm -rf build
            \(fence)
            \(fence)bash { ignore=true }
            echo shown only
            \(fence)
            \(fence)bash { kind=manual }
            open https://console.aws.amazon.com
            \(fence)
            \(fence)python { interpreter=python3 }
            print(1)
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.artifact, .command, .artifact, .manual, .artifact])
        #expect(guide.steps.map(\.runs) == [true, false, false, false, true])
        #expect(guide.steps[1].annotations["skip"] == "true")
        #expect(guide.steps[4].annotations["runner"] == "python3")
    }

    @Test func sectionRoleAnnotationMovesASectionOutOfTheMainFlow() {
        let guide = read(
            "# G\n## Research\n<!-- runbook: section-role=optional -->\n\(fence)bash\nrsync -av a/ b/\n\(fence)\n## Cleanup ideas\n<!-- runbook: section-role=main -->\n\(fence)bash\nls\n\(fence)\n"
        )
        #expect(guide.steps.map(\.flow) == [.optional, .main])
    }

    @Test func needsMustNameKnownSteps() {
        let guide = read(
            "\(fence)bash { name=build }\nmake\n\(fence)\n\(fence)bash { needs=biuld }\nmake install\n\(fence)\n\(fence)bash { needs=build,1 }\nls\n\(fence)\n"
        )
        #expect(guide.errors.map(\.message) == ["needs names unknown step 'biuld'; did you mean 'build'?"])
    }

    @Test func duplicateStepNamesAreErrors() {
        let guide = read("\(fence)bash { name=a }\nls\n\(fence)\n\(fence)bash { name=a }\npwd\n\(fence)\n")
        #expect(guide.errors.map(\.message) == ["step name 'a' is used twice; names must be unique"])
        #expect(guide.steps.map(\.id) == ["a", "top/2"])
    }

    @Test func frontMatterProblems() {
        let bad = read("---\ntargets: [unclosed\n---\n# G\n")
        #expect(bad.errors.map(\.message) == ["front matter is not valid YAML; fix it or remove the --- block"])
        let unknown = read("---\ntitle: Hosting\ndefault-targte: web\n---\n# G\n")
        #expect(unknown.errors.isEmpty)
        #expect(
            unknown.diagnostics.map(\.message) == [
                "unknown front matter key 'default-targte' ignored; did you mean 'default-target'?"
            ])
        #expect(unknown.diagnostics.map(\.location.line) == [3])
        // Other tools' keys, and keys like none of runbook's, are theirs: nothing to say.
        let foreign = read("---\ntitle: Quickstart\nms.date: 2026-09-14\nms.topic: quickstart\nreviewers: [ana]\n---\n# G\n")
        #expect(foreign.diagnostics.isEmpty)
    }
}
