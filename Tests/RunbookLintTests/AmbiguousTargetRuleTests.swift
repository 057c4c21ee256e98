import Testing

@testable import RunbookLint

struct AmbiguousTargetRuleTests {
    @Test func anUnstatedMachineBetweenRemoteStepsWarns() throws {
        let text =
            "# G\n\n## One\n\nOn the server:\n\n\(fence)bash\nuptime\n\(fence)\n\n## Two\n\n\(fence)bash\ndf -h\n\(fence)\n\n## Three\n\nOn the server:\n\n\(fence)bash\nfree -m\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["14:1 warning"])
        #expect(findings[0].fix == "say where it runs (\"On server:\") or annotate it with on=server")
    }

    /// A block of its own that leaves the session ("Log out:" over `exit`) says the blocks
    /// after it are back on this machine: no warning for them (session 33: the smoke test
    /// after a terraform guide's logout was warned about).
    @Test func blocksAfterAnExitOfTheirOwnAreStated() throws {
        let text =
            "# G\n\n## Login\n\n\(fence)sh\nssh ubuntu@10.20.30.40\ncloud-init status --wait\n\(fence)\n\n"
            + "Log out:\n\n\(fence)sh\nexit\n\(fence)\n\n## Smoke test\n\n\(fence)sh\ncurl -fsS http://10.20.30.40/healthz\n\(fence)\n"
        #expect(try lint(text, rule: "ambiguous-target").isEmpty)
    }

    /// Between two different machines, this machine is the least likely place: it warns; so
    /// does a block between a machine and a step the guide says runs here.
    @Test func anUnstatedStepBetweenTwoOtherMachinesWarns() throws {
        let text =
            "# G\n\nOn the old database server:\n\n\(fence)bash\npg_dump -Fc app > /tmp/app.dump\n\(fence)\n\n"
            + "Copy it over:\n\n\(fence)bash\nscp /tmp/app.dump db-new:/tmp/\n\(fence)\n\n"
            + "On the new database server:\n\n\(fence)bash\npg_restore -d app /tmp/app.dump\n\(fence)\n\n"
            + "\(fence)bash\necho done\n\(fence)\n\nOn your laptop:\n\n\(fence)bash\nopen https://app\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["12:1 warning", "22:1 warning"])
        #expect(
            findings.first?.message
                == "step g/2 runs on local by default, but the step before it runs on old-database and the one after on database")
        #expect(findings.first?.fix == "say where it runs (\"On old-database:\") or annotate it with on=old-database")
        // After a machine, until the guide says it comes back here ("On your laptop:"), it is
        // still on that machine (session 33: "On the server:" to install Caddy, then `sudo
        // systemctl reload caddy` unstated, then "On your local machine, build and upload:").
        let mixed =
            "# G\n\nOn the server:\n\n\(fence)bash\nuptime\n\(fence)\n\n\(fence)bash\necho a\n\(fence)\n\n"
            + "On your laptop:\n\n\(fence)bash\necho b\n\(fence)\n"
        let back = try lint(mixed, rule: "ambiguous-target")
        #expect(spots(back) == ["10:1 warning"])
        #expect(
            back.first?.message
                == "step g/2 runs on local by default, but the step before it runs on server and the guide moves to this machine only at g/3"
        )
        // This machine, then a block that says nothing, then a machine: no warning.
        let out =
            "# G\n\nOn your laptop:\n\n\(fence)bash\necho b\n\(fence)\n\n\(fence)bash\necho a\n\(fence)\n\n"
            + "On the server:\n\n\(fence)bash\nuptime\n\(fence)\n"
        #expect(try lint(out, rule: "ambiguous-target").isEmpty)
    }

    /// `terraform destroy` in a session an `ssh` line opened earlier: the guide forgot to leave
    /// it. On this machine, or after `exit`, or said to run on the server, no warning.
    @Test func aProvisionerLeftInAnSSHSessionWarns() throws {
        let text =
            "# G\n\n## Provision\n\n\(fence)bash\nterraform apply -auto-approve\nssh ubuntu@10.20.30.40\n\(fence)\n\n"
            + "## Configure\n\n\(fence)bash\nsudo apt-get install -y nginx\n\(fence)\n\n"
            + "## Tear down\n\n\(fence)bash\necho bye\nterraform destroy -auto-approve\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["20:1 warning"])
        #expect(
            findings.first?.message
                == "step tear-down/1 runs on server, where an ssh session left it, but terraform works on the machine that holds its state and credentials, usually yours"
        )
        let left = text.replacingOccurrences(of: "## Tear down\n\n\(fence)bash\n", with: "## Tear down\n\n\(fence)bash\nexit\n")
        #expect(try lint(left, rule: "ambiguous-target").isEmpty)
        let stated = text.replacingOccurrences(of: "## Tear down\n\n", with: "## Tear down\n\nOn the server:\n\n")
        #expect(try lint(stated, rule: "ambiguous-target").isEmpty)
    }

    /// Unstated steps one after another, after a step on another machine, are one stretch:
    /// its first step warns once (where the text stops saying where it is), and the steps
    /// after it in the stretch do not repeat it.
    @Test func anUnstatedStretchAfterAnotherMachineWarnsAtItsStart() throws {
        let text =
            "# G\n\n## Fetch\n\nOn db1:\n\n\(fence)bash\ncd /var/backups\n\(fence)\n\n"
            + "## Restore\n\n\(fence)bash\npg_restore -d app app.dump\n\(fence)\n\n"
            + "## Verify\n\n\(fence)bash\npsql -d app -c 'select 1'\n\(fence)\n\n"
            + "## Start\n\n\(fence)bash\nsystemctl start app\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["14:1 warning"])
        #expect(findings.map(\.message) == ["step restore/1 runs on local by default, but the step before it runs on db1"])
        #expect(findings.map(\.fix) == ["say where it runs (\"On db1:\") or annotate it with on=db1"])
        // Saying where the stretch runs ends it: "On your laptop:" is stated.
        let stated = text.replacingOccurrences(of: "## Restore\n\n", with: "## Restore\n\nOn your laptop:\n\n")
        #expect(try lint(stated, rule: "ambiguous-target").isEmpty)
    }

    @Test func localStepsAmongLocalStepsAreFine() throws {
        #expect(try lint(guide("uptime", "df -h", "free -m"), rule: "ambiguous-target").isEmpty)
    }

    @Test func aLocalDefaultStepWorkingInACloudUsersHomeWarns() throws {
        let findings = try lint(
            guide("echo start", "cd /srv\ncp -a \"/home/ec2-user/app\" /home/ec2-user/app-prod"), rule: "ambiguous-target")
        #expect(spots(findings) == ["13:8 warning"])
        #expect(
            findings.map(\.message) == [
                "step step-2/1 runs on local by default, but it works in /home/ec2-user, a cloud server's home directory"
            ])
        #expect(findings.map(\.fix) == ["say where it runs (\"On server:\") or annotate it with on=server"])
    }

    @Test func theFixNamesTheGuidesRemoteTarget() throws {
        let text =
            "# G\n\n## Two\n\n\(fence)bash\necho two\n\(fence)\n\n"
            + "## Three\n\n\(fence)bash\nls /home/ubuntu\n\(fence)\n\n## Four\n\n\(fence)bash\necho four\n\(fence)\n\n"
            + "## One\n\nOn the EC2 instance:\n\n\(fence)bash\nuptime\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["12:4 warning"])
        #expect(findings.map(\.fix) == ["say where it runs (\"On ec2:\") or annotate it with on=ec2"])
    }

    /// A check at the guide's start, before the `ssh` line that logs in to the server, runs
    /// on the person's machine as the guide says by that line: no warning. The same step with
    /// the server named by prose after it is still one.
    @Test func stepsBeforeTheFirstLoginAreThePersonsOwn() throws {
        let before =
            "# G\n\n## Prerequisites\n\n\(fence)sh\ndig +short app.example.org\n\(fence)\n\n"
            + "## Install\n\n\(fence)sh\nssh admin@web1\n\(fence)\n\n\(fence)sh\nsudo apt install -y certbot\n\(fence)\n"
        #expect(try lint(before, rule: "ambiguous-target").isEmpty)
        let named =
            "# G\n\n## Prerequisites\n\n\(fence)sh\ndig +short app.example.org\n\(fence)\n\n"
            + "## Install\n\nOn the server:\n\n\(fence)sh\nsudo apt install -y certbot\n\(fence)\n"
        #expect(spots(try lint(named, rule: "ambiguous-target")) == ["6:1 warning"])
    }

    @Test func copiesToTheServerSshLinesOtherHomesAndStatedMachinesAreFine() throws {
        let text =
            guide(
                "scp build.tgz ec2-user@203.0.113.7:/home/ec2-user/",
                "rsync -a dist/ ubuntu@203.0.113.7:/home/ubuntu/app/",
                "ssh ubuntu@203.0.113.7 'ls /home/ubuntu'",
                "ls /home/alice /home/ubuntu-backup /mnt/home/ubuntu")
            + "\n## Laptop\n\nOn your laptop:\n\n\(fence)bash\nls /home/ubuntu\n\(fence)\n"
        #expect(try lint(text, rule: "ambiguous-target").isEmpty)
    }
    /// "Back on your laptop" leaves the session, and a rollback that says nothing of where it
    /// runs then manages, on this machine, a service the guide runs only on the server
    /// (session 34's Spring Boot guide): a warning at that line. A service the guide also
    /// runs here, and a rollback that says "On app-01:", draw none.
    @Test func aServiceManagedOnlyOnAnotherMachineWarns() throws {
        let deploy =
            "# G\n\n## Deploy\n\n\(fence)bash\nssh app-01\nsudo systemctl restart orders.service\n\(fence)\n\n"
            + "Back on your laptop, put it back in the pool:\n\n\(fence)bash\ncurl -X POST http://lb/ready\n\(fence)\n\n"
            + "## If something goes wrong\n\n"
        let unstated = deploy + "\(fence)bash\nsudo cp a.bak a\nsudo systemctl restart orders\n\(fence)\n"
        let findings = try lint(unstated, rule: "ambiguous-target")
        #expect(spots(findings) == ["20:1 warning"])
        #expect(
            findings.first?.message
                == "step if-something-goes-wrong/1 runs on local by default, but it manages the orders service, which step deploy/1 runs on app-01"
        )
        #expect(findings.first?.fix == "say where it runs (\"On app-01:\") or annotate it with on=app-01")
        let journal = deploy + "\(fence)bash\njournalctl -fu orders\n\(fence)\n"
        #expect(spots(try lint(journal, rule: "ambiguous-target")) == ["19:1 warning"])
        #expect(
            try lint(deploy + "On app-01:\n\n\(fence)bash\nsudo systemctl restart orders\n\(fence)\n", rule: "ambiguous-target")
                .isEmpty)
        let bothHere =
            deploy + "\(fence)bash\nsudo systemctl restart orders\n\(fence)\n\nOn your laptop:\n\n"
            + "\(fence)bash\nsystemctl --user status orders\n\(fence)\n"
        #expect(try lint(bothHere, rule: "ambiguous-target").isEmpty)
    }
    /// A person's step the text places on a machine ("On redis-1 only, edit … and set:") says
    /// where the person is for the unplaced block after it: the warning names that machine,
    /// not the running step before it (session 34's Sentinel guide: "On server:").
    @Test func aPlacedPersonsStepBeforeIsWhereThePersonIs() throws {
        let text =
            "# G\n\nOn all nodes:\n\n\(fence)bash\nsudo apt-get install -y redis-server\n\(fence)\n\n"
            + "On redis-1 only, edit `/etc/redis/redis.conf` and set:\n\n\(fence)ini\nbind 0.0.0.0\n\(fence)\n\n"
            + "Restart it:\n\n\(fence)bash\nsudo systemctl restart redis-server\n\(fence)\n"
        let findings = try lint(text, rule: "ambiguous-target")
        #expect(spots(findings) == ["18:1 warning"])
        #expect(findings.first?.message == "step g/3 runs on local by default, but the step before it runs on redis-1")
        #expect(findings.first?.fix == "say where it runs (\"On redis-1:\") or annotate it with on=redis-1")
    }
}
