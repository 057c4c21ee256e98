import Testing

@testable import RunbookLint

struct UnusedVariableRuleTests {
    @Test func declaredAndNeverUsedIsInfo() throws {
        let text = "# G\n\n## Vars\n\n\(fence)bash\nexport USED=1\nexport UNUSED=2\nexport IN_DEFAULT=3\nexport DERIVED=\"x-${IN_DEFAULT}\"\n\(fence)\n\n## Go\n\n\(fence)bash\necho $USED $DERIVED\n\(fence)\n"
        let findings = try lint(text, rule: "unused-variable")
        #expect(findings.map(\.message) == ["UNUSED is declared but no step uses it"])
        #expect(spots(findings) == ["7:1 info"])
    }
}

struct HardcodedSecretRuleTests {
    @Test func literalSecretsAndKnownKeyShapesAreErrors() throws {
        let text = guide(
            "export API_TOKEN=\"q9Xv2LmT7rB4nKp8sW3z\"",
            "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
            "echo ghp_0123456789abcdefghijklmnopqrstuvwxyzAB > t",
            "cat > k <<'EOF'\n-----BEGIN OPENSSH PRIVATE KEY-----\nEOF")
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["6:19 error", "12:37 error", "18:6 error", "25:1 error"])
        #expect(findings[1].message == "an AWS access key id is written into the guide; revoke it and bind it with --vars instead")
    }

    @Test func variablesPlaceholdersAndLowEntropyAreFine() throws {
        let text = guide(
            "export API_TOKEN=\"$VAULT_TOKEN\"",
            "export DB_PASSWORD=\"changeme\"",
            "export SECRET_KEY_FILE=/etc/app/secret.key",
            "export SESSION_SECRET=aaaaaaaaaaaaaaaa")
        #expect(try lint(text, rule: "hardcoded-secret").isEmpty)
    }
}

struct NeverEndingRuleTests {
    @Test func followsAndForegroundServersWithoutAWindowWarn() throws {
        let text = guide("cd app\ntail -f log.txt", "uvicorn app:app --port 8000", "python3 -m http.server 8080 &")
        let findings = try lint(text, rule: "never-ending")
        #expect(spots(findings) == ["7:1 warning", "13:1 warning"])
        #expect(findings[1].fix == "annotate the block with background=true, or run it as a service")
    }

    @Test func anAnnotatedWindowOrBackgroundIsFine() throws {
        let text = "# G\n\n## Logs\n\n\(fence)bash { follow=5s }\ntail -f log\n\(fence)\n\n## Serve\n\n\(fence)bash { background=true }\nuvicorn app:app\n\(fence)\n"
        #expect(try lint(text, rule: "never-ending").isEmpty)
    }
}

struct InteractiveRuleTests {
    @Test func commandsThatWaitForAPersonWarn() throws {
        let findings = try lint(guide("sudo nano /etc/app.conf", "psql \"$DB\"", "psql \"$DB\" -c 'select 1'"), rule: "interactive")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning"])
    }
}

struct DestructiveRuleTests {
    @Test func destructiveCommandsWarnOutsideRollback() throws {
        let text = guide("rm -rf \"$BUILD_DIR\"/*", "rm -rf \"${BUILD_DIR:?}\"/*", "docker compose down -v", "psql -c 'DROP DATABASE shop'", "git clean -fdx")
            + "\n## Rollback\n\n\(fence)bash\nrm -rf \"$RELEASE\"\n\(fence)\n"
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["6:1 warning", "18:1 warning", "24:10 warning", "30:1 warning"])
        #expect(findings[0].fix == "write ${NAME:?} so an unset variable stops the step")
    }
}

struct PipeToShellRuleTests {
    @Test func aDownloadPipedIntoAShellWarns() throws {
        let findings = try lint(guide("curl -fsSL https://get.docker.com | sudo sh", "wget -qO- https://x.io/i.sh | bash", "curl -fsSLo i.sh https://x.io/i.sh && less i.sh"), rule: "pipe-to-shell")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning"])
    }
}

struct InsecureRuleTests {
    @Test func switchesThatTurnOffProtectionWarn() throws {
        let text = guide("curl -k https://internal/health", "scp -o StrictHostKeyChecking=no f host:/tmp", "chmod 777 /srv/app", "psql \"postgres://u@h/db?sslmode=disable\"", "chmod 755 /srv/app && curl -fsS https://x")
        let findings = try lint(text, rule: "insecure")
        #expect(spots(findings) == ["6:1 warning", "12:8 warning", "18:1 warning", "24:25 warning"])
    }
}

struct UnlabeledBlockRuleTests {
    @Test func aBlockWithoutALanguageIsInfoSayingHowItWasRead() throws {
        let text = "# G\n\n## A\n\n\(fence)\nsudo systemctl restart app\n\(fence)\n\n## B\n\n\(fence)text\nhello\n\(fence)\n"
        let findings = try lint(text, rule: "unlabeled-block")
        #expect(spots(findings) == ["5:1 info"])
        #expect(findings[0].message == "code block without a language (read as command that runs)")
    }
}

struct AmbiguousTargetRuleTests {
    @Test func anUnstatedMachineBetweenRemoteStepsWarns() throws {
        let text = "# G\n\n## One\n\nOn the server:\n\n\(fence)bash\nuptime\n\(fence)\n\n## Two\n\n\(fence)bash\ndf -h\n\(fence)\n\n## Three\n\nOn the server:\n\n\(fence)bash\nfree -m\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["14:1 warning"])
        #expect(findings[0].fix == "say where it runs (\"On server:\") or annotate it with on=server")
    }

    @Test func localStepsAmongLocalStepsAreFine() throws {
        #expect(try lint(guide("uptime", "df -h", "free -m"), rule: "ambiguous-target").isEmpty)
    }
}

struct BadAnnotationRuleTests {
    @Test func unknownKeysAndBadValuesAreErrors() throws {
        let text = "# G\n\n## A\n\n\(fence)bash { retries=many tiemout=5s }\necho\n\(fence)\n"
        let findings = try lint(text, rule: "bad-annotation")
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.severity == .error && $0.location.line == 5 })
        #expect(findings.contains { $0.message.contains("tiemout") && $0.fix == "timeout" })
    }
}

struct ShellcheckRuleTests {
    @Test func findingsAreMappedToTheGuidesLinesAndColumns() throws {
        let text = "# G\n\n## A\n\n- Do this:\n\n  \(fence)bash\n  cd /srv\n  for f in $(ls *.log); do echo $f; done\n  \(fence)\n"
        let findings = try lint(text, rule: "shellcheck")
        #expect(findings.map(\.message).contains { $0.hasPrefix("SC2045: ") })
        let loop = try #require(findings.first { $0.message.hasPrefix("SC2045") })
        #expect(loop.location.line == 9)
        #expect(loop.location.column == 12)
    }

    @Test func aCleanBlockHasNoFindings() throws {
        #expect(try lint(guide("cd /srv && ls -la"), rule: "shellcheck").isEmpty)
    }
}

struct SuppressionTests {
    @Test func aCommentBeforeABlockOrForTheFileSilencesRules() throws {
        let text = "# G\n\n## A\n\n<!-- runbook-lint disable=insecure,pipe-to-shell -->\n\(fence)bash\ncurl -k https://x | sh\n\(fence)\n\n## B\n\n\(fence)bash\ncurl -k https://y\n\(fence)\n"
        #expect(spots(try lint(text, rule: "insecure")) == ["13:1 warning"])
        #expect(try lint(text, rule: "pipe-to-shell").isEmpty)
        #expect(try lint("<!-- runbook-lint disable-file=insecure -->\n" + text, rule: "insecure").isEmpty)
    }
}
