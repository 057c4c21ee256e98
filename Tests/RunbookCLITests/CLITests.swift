import Foundation
import Testing

@Suite("runbook command line", .serialized)
struct CLITests {
    @Test func versionNamesTheLibraries() throws {
        let run = try runbook(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("runbook 0.1.0 (libcmark 0.30"))
        #expect(run.stdout.contains(", libssh2 1."))
    }

    @Test func listIsOneLinePerStep() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let run = try runbook(["list", "guide.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(
            run.stdout == """
                  1  variables/1                 variables     local  export DOMAIN="yourdomain.com"
                  2  option-a-recommended-apt/1  command       local  sudo apt-get install -y nginx  [install=A]
                  3  option-b-from-source/1      command       local  make install  [install=B not chosen]
                  4  check/1                     verification  local  curl -s -o /dev/null -w '%{http_code}' "https://${API}/he…
                  5  rollback/1                  command       local  git checkout v1  [rollback]

                """)
    }

    @Test func planJSONHasTheSpecsFields() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let run = try runbook(
            ["plan", "guide.md", "--json", "--set", "DOMAIN=example.net", "--set", "DEPLOY_TOKEN=s3cr3t-value"], in: dir)
        #expect(run.status == 0)
        #expect(!run.stdout.contains("s3cr3t-value"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? Int == 1)
        #expect(json["guide"] as? String == "guide.md")
        let variables = try #require(json["variables"] as? [[String: Any]])
        #expect(variables.map { $0["name"] as? String } == ["DOMAIN", "API", "DEPLOY_TOKEN"])
        #expect(variables.map { $0["value"] as? String } == ["example.net", "api.example.net", "****"])
        #expect(variables.map { $0["required"] as? Bool } == [true, false, true])
        #expect(variables.map { $0["derived"] as? Bool } == [false, true, false])
        #expect(variables.map { $0["secret"] as? Bool } == [false, false, true])
        #expect(variables.map { $0["description"] as? String } == ["Public hostname", "Public hostname", "Public hostname"])
        #expect(variables.map { $0["line"] as? Int } == [7, 8, 9])
        let targets = try #require(json["targets"] as? [[String: Any]])
        #expect(targets.map { $0["name"] as? String } == ["local"])
        #expect(targets.map { $0["hosts"] as? [String] } == [["localhost"]])
        let choices = try #require(json["choices"] as? [[String: Any]])
        #expect(choices.map { $0["id"] as? String } == ["install"])
        #expect(choices.map { $0["chosen"] as? String } == ["A"])
        #expect(choices.map { $0["reason"] as? String } == ["marked recommended in the guide"])
        #expect((choices[0]["options"] as? [[String: Any]])?.map { $0["id"] as? String } == ["A", "B"])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["number"] as? Int } == [1, 2, 3, 4, 5])
        #expect(
            steps.map { $0["id"] as? String } == [
                "variables/1", "option-a-recommended-apt/1", "option-b-from-source/1", "check/1", "rollback/1",
            ])
        #expect(steps.map { $0["kind"] as? String } == ["variables", "command", "command", "verification", "command"])
        #expect(
            steps.map { $0["section"] as? String } == [
                "variables", "option-a-recommended-apt", "option-b-from-source", "check", "rollback",
            ])
        #expect(steps.map { $0["line"] as? Int } == [5, 16, 22, 28, 38])
        #expect(steps.map { $0["target"] as? String } == ["local", "local", "local", "local", "local"])
        #expect(steps.map { $0["runs"] as? Bool } == [false, true, false, true, false])
        #expect(steps.map { $0["flow"] as? String } == ["main", "main", "main", "main", "optional"])
        #expect(steps.map { $0["choice"] as? String } == [nil, "install", "install", nil, nil])
        #expect(steps.map { $0["option"] as? String } == [nil, "A", "B", nil, nil])
        #expect(
            steps.map { $0["verifies"] as? [String] } == [
                [], [], [], ["option-a-recommended-apt/1", "option-b-from-source/1"], [],
            ])
        let expectations = try #require(steps[3]["expectations"] as? [[String: Any]])
        #expect(expectations.map { $0["type"] as? String } == ["exit-status", "http-status"])
        #expect(expectations[1]["value"] as? [Int] == [200])
    }

    @Test func planTextShowsBindingsChoicesAndOptionalSections() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let run = try runbook(
            ["plan", "guide.md", "--choose", "install=B"], in: dir, environment: ["DEPLOY_TOKEN": "from-env-secret"])
        #expect(run.status == 0)
        #expect(
            run.stdout.contains(
                "  DOMAIN        unbound (default \"yourdomain.com\" is a placeholder)  [unbound, required, MISSING]  :7  — Public hostname\n"
            ))
        #expect(run.stdout.contains("  DEPLOY_TOKEN  ****  [environment, required, secret]  :9  — Public hostname\n"))
        #expect(run.stdout.contains("  install: B — chosen with --choose  :14\n"))
        #expect(run.stdout.contains("  § Rollback  [optional: rollback — runs only with --section]\n"))
        #expect(!run.stdout.contains("from-env-secret"))
    }

    @Test func varsTemplateIsADotenvSkeleton() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let run = try runbook(["vars", "guide.md", "--template"], in: dir)
        #expect(run.status == 0)
        #expect(
            run.stdout == """
                # Variables for Small guide (guide.md)
                # Written by `runbook vars --template`. Fill in the empty values, then:
                #   runbook exec guide.md --vars THIS_FILE

                # Public hostname
                # required; the guide's "yourdomain.com" is a placeholder
                DOMAIN=

                # Public hostname
                # derived: defaults to api.${DOMAIN}
                # API="api.${DOMAIN}"

                # Public hostname
                # required; secret: keep this file out of version control
                DEPLOY_TOKEN=

                """)
    }

    @Test func varsShowsValuesWithTheirSource() throws {
        let dir = try workspace(["guide.md": smallGuide, "prod.env": "DOMAIN=prod.example.net\nDEPLOY_TOKEN='tok-123'\n"])
        let run = try runbook(["vars", "guide.md", "--vars", "prod.env", "--set", "DOMAIN=override.net"], in: dir)
        #expect(run.status == 0)
        #expect(
            run.stdout == """
                DOMAIN        override.net  [--set; required]  # Public hostname
                API           api.override.net  [derived; derived]  # Public hostname
                DEPLOY_TOKEN  ****  [prod.env:2; required, secret]  # Public hostname

                """)
    }

    @Test func templateRoundTripsThroughVars() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let template = try runbook(["vars", "guide.md", "--template"], in: dir)
        let filled = template.stdout.replacingOccurrences(of: "DOMAIN=\n", with: "DOMAIN=filled.org\n")
            .replacingOccurrences(of: "DEPLOY_TOKEN=\n", with: "DEPLOY_TOKEN=abc\n")
        try Data(filled.utf8).write(to: dir.appendingPathComponent("prod.env"))
        let run = try runbook(["vars", "guide.md", "--vars", "prod.env", "--json"], in: dir)
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let variables = try #require(json["variables"] as? [[String: Any]])
        #expect(variables.map { $0["value"] as? String } == ["filled.org", "api.filled.org", "****"])
        #expect(variables.map { $0["missing"] as? Bool } == [false, false, false])
    }

    @Test func graphInMermaidAndDot() throws {
        let dir = try workspace(["guide.md": smallGuide])
        let mermaid = try runbook(["graph", "guide.md"], in: dir)
        #expect(mermaid.status == 0)
        #expect(
            mermaid.stdout == """
                flowchart TD
                  subgraph S4["Option A (recommended): apt"]
                    s2["2. sudo apt-get install -y nginx @local"]
                  end
                  subgraph S5["Option B: from source"]
                    s3["3. make install @local"]
                  end
                  subgraph S6["Check"]
                    s4{{"4. curl -s -o /dev/null -w '%{http_code}… @local"}}
                  end
                  subgraph S7["Rollback"]
                    s5["5. git checkout v1 @local"]
                  end
                  s2 --> s4
                  s3 --> s4
                  s4 -. verifies .-> s2
                  s4 -. verifies .-> s3

                """)
        let dot = try runbook(["graph", "guide.md", "--format", "dot"], in: dir)
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph runbook {\n"))
        #expect(
            dot.stdout.contains(
                "  s2 -> s4;\n  s3 -> s4;\n  s4 -> s2 [style=dashed, label=\"verifies\"];\n  s4 -> s3 [style=dashed, label=\"verifies\"];\n}"
            ))
        #expect(dot.stdout.contains("style=dashed;"))
    }

    @Test func missingAndBinaryFilesExitTwo() throws {
        let dir = try workspace(["bin.md": "# x\n\u{0}\u{1}"])
        let missing = try runbook(["plan", "nope.md"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stdout == "")
        #expect(missing.stderr == "runbook: error: nope.md: no such file; check the path\n")
        let binary = try runbook(["plan", "bin.md"], in: dir)
        #expect(binary.status == 2)
        #expect(binary.stderr == "runbook: error: bin.md:2:1: not a text file (NUL byte); runbook reads Markdown guides\n")
    }

    @Test func invalidUTF8WarnsAndStillPlans() throws {
        let dir = try workspace()
        try Data(Array("# T\n\n```bash\necho caf".utf8) + [0xE9] + Array("\n```\n".utf8)).write(
            to: dir.appendingPathComponent("latin1.md"))
        let run = try runbook(["list", "latin1.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "latin1.md:4:9: warning: [encoding] invalid UTF-8 replaced with U+FFFD; save the file as UTF-8\n")
        #expect(run.stdout.contains("echo caf\u{FFFD}"))
    }

    @Test func unknownAnnotationKeyExitsTwoWithItsLocation() throws {
        let dir = try workspace(["guide.md": "# G\n\n```bash { nmae=x }\nls\n```\n"])
        let run = try runbook(["plan", "guide.md"], in: dir)
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(
            run.stderr == """
                guide.md:3:1: error: [bad-annotation] unknown annotation key 'nmae'; did you mean 'name'? (fix: name)
                runbook: error: guide.md: 1 error in the guide; fix them and try again

                """)
    }

    @Test func badBindingInputExitsTwo() throws {
        let dir = try workspace(["guide.md": smallGuide, "bad.env": "OK=1\nDOMAIN=\"open\n"])
        let badFile = try runbook(["vars", "guide.md", "--vars", "bad.env"], in: dir)
        #expect(badFile.status == 2)
        #expect(badFile.stderr == "runbook: error: bad.env:2:1: unterminated double-quoted value\n")
        let noFile = try runbook(["vars", "guide.md", "--vars", "missing.env"], in: dir)
        #expect(noFile.status == 2)
        #expect(noFile.stderr == "runbook: error: --vars missing.env: no such file\n")
        let badSet = try runbook(["plan", "guide.md", "--set", "novalue"], in: dir)
        #expect(badSet.status == 2)
        #expect(badSet.stderr == "runbook: error: --set novalue: expected NAME=VALUE\n")
        let badChoice = try runbook(["plan", "guide.md", "--choose", "install=Z"], in: dir)
        #expect(badChoice.status == 2)
        #expect(badChoice.stderr == "runbook: error: --choose install=Z: no such option; options are: A, B\n")
        let badTarget = try runbook(["plan", "guide.md", "--target", "web=ssh://x"], in: dir)
        #expect(badTarget.status == 2)
        #expect(badTarget.stderr == "runbook: error: --target web=ssh://x: the guide names no target 'web' (targets: local)\n")
        let rebindLocal = try runbook(["plan", "guide.md", "--target", "local=ssh://x"], in: dir)
        #expect(rebindLocal.status == 2)
        #expect(
            rebindLocal.stderr
                == "runbook: error: --target local=ssh://x: local is this machine, where unmarked steps run; "
                + "this guide names no other target, so its steps run here\n")
        #expect(try runbook(["plan", "guide.md", "--target", "local=local"], in: dir).status == 0)
        let unknownFlag = try runbook(["plan", "guide.md", "--frobnicate"], in: dir)
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.stderr.contains("Unknown option '--frobnicate'"))
    }

    @Test func helpHasAnExampleOnEveryCommand() throws {
        for command in ["plan", "list", "vars", "graph"] {
            let run = try runbook([command, "--help"])
            #expect(run.status == 0, "\(command)")
            #expect(run.stdout.contains("Example:"), "\(command)")
            #expect(run.stdout.contains("runbook \(command)") || run.stdout.contains("runbook exec"), "\(command)")
        }
    }

    @Test func everySeedLikeFixturePlans() throws {
        let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".md") }.sorted()
        #expect(names.count >= 3)
        for name in names {
            let run = try runbook(["plan", "--json", fixtures.appendingPathComponent(name).path])
            #expect(run.status == 0, "\(name): \(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            #expect((json?["steps"] as? [Any])?.isEmpty == false, "\(name)")
        }
    }
}

@Suite("plan with bound targets")
struct PlanTargetTests {
    @Test func planShowsWhereEachTargetIsBoundAndItsHosts() throws {
        let dir = try workspace([
            "g.md": "# G\n\n## Deploy\n\nOn the server:\n\n```bash\nuptime\n```\n",
            "hosts.ini":
                "[server]\nweb1 ansible_host=10.0.0.5 ansible_user=ops\nweb2 ansible_host=10.0.0.6 ansible_user=ops ansible_port=2222\n",
        ])
        let text = try runbook(["plan", "g.md", "--inventory", "hosts.ini"], in: dir)
        #expect(
            text.stdout.contains(
                "  server  inventory hosts.ini [server]: web1 (ops@10.0.0.5), web2 (ops@10.0.0.6:2222)  [inventory :7]\n"))
        let json = try runbook(["plan", "g.md", "--target", "server=ssh://deploy@203.0.113.7:2200", "--json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let server = try #require((document["targets"] as? [[String: Any]])?.first { $0["name"] as? String == "server" })
        #expect(server["uri"] as? String == "ssh://deploy@203.0.113.7:2200")
        #expect(server["hosts"] as? [String] == ["deploy@203.0.113.7:2200"])
        #expect(server["source"] as? String == "--target")
        #expect(server["bound"] as? Bool == true)
    }
}

@Suite("choices between systems")
struct SystemChoiceTests {
    /// A --choose of one system decides the later choice between systems on that machine.
    @Test func aChosenSystemDecidesLaterChoicesForThatMachine() throws {
        let dir = try workspace([
            "g.md": """
            # G

            ## Packages

            ### Option A (recommended): Amazon Linux 2023

            ```bash
            ssh ec2-user@203.0.113.7
            sudo dnf install -y nginx
            ```

            ### Option B (alternate): Ubuntu 24.04 LTS

            ```bash
            sudo apt-get install -y nginx
            ```

            ## Client

            Ubuntu 24.04:

            ```bash
            sudo apt-get install -y postgresql-client
            ```

            Amazon Linux 2023:

            ```bash
            sudo dnf install -y postgresql15
            ```
            """
        ])
        let plan = try runbook(["plan", "g.md", "--choose", "packages=B"], in: dir)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("  client: ubuntu — the one for server's system (ubuntu), as packages chose  :20\n"))
        #expect(plan.stdout.contains("  client/1  command  on server  :22  (client=ubuntu)\n"))
        #expect(plan.stdout.contains("  client/2  command  on server  :28  (not chosen; client=amazon)\n"))
        // Without --choose, list shows the branches plan and exec take.
        let list = try runbook(["list", "g.md"], in: dir)
        #expect(list.stdout.contains("sudo dnf install -y postgresql15  [client=amazon]\n"))
        #expect(list.stdout.contains("sudo apt-get install -y postgresql-client  [client=ubuntu not chosen]\n"))
    }
}

@Suite("--target addresses")
struct TargetAddressTests {
    @Test func addressesAreCheckedByTheParserThatUsesThem() throws {
        let dir = try workspace(["g.md": "# G\n\n## Deploy\n\nOn the server:\n\n```bash\nuptime\n```\n"])
        let scheme = try runbook(["plan", "g.md", "--target", "server=http://x"], in: dir)
        #expect(scheme.status == 2)
        #expect(scheme.stderr == "runbook: error: --target server=http://x: expected ssh://[user@]host[:port] or local\n")
        let port = try runbook(["plan", "g.md", "--target", "server=ssh://h:99999"], in: dir)
        #expect(port.status == 2)
        #expect(
            port.stderr
                == "runbook: error: --target server=ssh://h:99999: the port must be 1…65535; give ssh://[user@]host[:port] or local\n"
        )
        let ipv6 = try runbook(["plan", "g.md", "--target", "server=ssh://ops@[::1]:2222"], in: dir)
        #expect(ipv6.status == 0)
        #expect(ipv6.stdout.contains("  server  ssh://ops@[::1]:2222  [--target :7]\n"))
        let local = try runbook(["plan", "g.md", "--target", "local=ssh://ops@h"], in: dir)
        #expect(local.status == 2)
        #expect(
            local.stderr
                == "runbook: error: --target local=ssh://ops@h: local is this machine, where unmarked steps run; "
                + "bind the targets the guide names instead (server)\n")
    }
}
