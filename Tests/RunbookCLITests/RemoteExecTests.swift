import Foundation
import RunbookTestSupport
import Testing

/// `runbook exec` and `resume` against real sshd processes on 127.0.0.1, started by the suite.
@Suite("exec over SSH", .serialized)
struct RemoteExecTests {
    /// A guide whose steps say where they run, as guides do.
    static let guide = """
        # Remote hello

        ## Variables

        \(fence)bash
        export WORK="/tmp/rb-remote"
        export API_TOKEN="changeme"
        \(fence)

        ## Prepare the server

        On the server:

        \(fence)bash
        mkdir -p "$WORK" && cd "$WORK"
        export STAMP=one
        UNEXPORTED=two
        greet() { echo "hi $1"; }
        echo "prepare ran" >> ran.log
        \(fence)

        ## Check the server

        On the server:

        \(fence)bash
        echo "in $PWD: $STAMP $UNEXPORTED $(greet there) token=$API_TOKEN"
        echo "$API_TOKEN" > token-copy
        \(fence)

        ## Summary

        \(fence)bash
        echo "back here"
        \(fence)

        """

    let server: LoopbackSSHD
    let home: URL

    init() throws {
        server = try LoopbackSSHD()
        home = try workspace()
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
    }

    func ssh(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws -> Run {
        var env = ["HOME": home.path]
        env.merge(environment) { $1 }
        return try runbook(arguments, in: dir, environment: env)
    }

    func trusted(_ server: LoopbackSSHD) -> [String] {
        ["--identity", server.identity, "--known-hosts", server.knownHosts]
    }

    /// What each step printed, from its log in the run directory.
    func logs(_ dir: URL) throws -> [String] {
        let runs = dir.appendingPathComponent(".runbook/runs")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted().last)
        let files = try FileManager.default.contentsOfDirectory(atPath: runs.appendingPathComponent(run).path).filter {
            $0.hasSuffix(".log")
        }.sorted()
        return try files.map {
            try String(contentsOf: runs.appendingPathComponent(run).appendingPathComponent($0), encoding: .utf8)
        }
    }

    /// `sudo reboot` on a server: the run waits for the machine to go down and come back, and
    /// goes on in a shell restored to the state before. The machine here is the test's own, so
    /// the block defines `reboot` as a function that does what a reboot does to the run: every
    /// connection is cut, and the server listens again a few seconds later (the real `reboot`
    /// is never reached: a function comes before the PATH). On this machine, a reboot is the
    /// person's to do.
    @Test func aRebootedServerIsWaitedForAndTheRunGoesOn() throws {
        let user = LoopbackSSHD.user
        let script = LoopbackSSHD.packageRoot.appendingPathComponent("scripts/loopback-sshd.sh").path
        let dir = try workspace([
            "g.md": """
            # Kernel update

            \(fence)bash
            ssh -p \(server.port) \(user)@127.0.0.1
            \(fence)

            \(fence)bash
            export BEFORE=kept
            \(fence)

            \(fence)bash
            reboot() { setsid bash -c 'sleep 0.5; pkill -KILL -P "$(cat \(server.directory.path)/sshd.pid)"; bash \(script) stop \(server.directory.path); sleep 2; bash \(script) start \(server.directory.path) \(server.port)' > /dev/null 2>&1 < /dev/null & }
            sudo true && reboot
            \(fence)

            \(fence)bash
            echo "after the reboot: $BEFORE"
            \(fence)
            """
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("(reboots server: the run waits for it to come back)"))
        let dry = try ssh(["exec", "g.md", "--dry-run"] + trusted(server), in: dir)
        #expect(dry.stdout.contains("sudo true && reboot\n    reboots server: the run waits for it to come back\n"))
        let run = try ssh(["exec", "g.md", "--yes"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ waiting for server to restart\n"))
        #expect(run.stdout.contains(" is back after "))
        #expect(run.stdout.contains("   │ after the reboot: kept\n"))

        // A machine that does not come back within the step's `timeout=` fails the step,
        // naming it; nothing after it runs.
        try """
        # Gone

        \(fence)bash
        ssh -p \(server.port) \(user)@127.0.0.1
        \(fence)

        \(fence)bash { timeout=4s }
        reboot() { setsid bash -c 'sleep 0.5; pkill -KILL -P "$(cat \(server.directory.path)/sshd.pid)"; bash \(script) stop \(server.directory.path)' > /dev/null 2>&1 < /dev/null & }
        reboot
        \(fence)

        \(fence)bash
        touch "\(dir.path)/after-the-reboot"
        \(fence)
        """.write(to: dir.appendingPathComponent("gone.md"), atomically: true, encoding: .utf8)
        let gone = try ssh(["exec", "gone.md", "--yes"] + trusted(server), in: dir)
        try server.restart()
        #expect(gone.status == 1, "\(gone.stdout)\(gone.stderr)")
        #expect(gone.stdout.contains("\(user)@127.0.0.1:\(server.port) did not come back within 4 s\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("after-the-reboot").path))

        // Here too a function stands in for the reboot, should runbook ever run the step.
        let here = try workspace(["g.md": "# Here\n\n```bash\nreboot() { touch rebooted; }\nreboot\n```\n"])
        let paused = try ssh(["exec", "g.md", "--yes"], in: here)
        #expect(paused.status == 3)
        #expect(paused.stdout.contains("   │ Run this yourself (it reboots this machine, where runbook runs):\n"))
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("rebooted").path))
    }

    /// "Log out and log back in" after `usermod -aG docker` on the server: group changes
    /// reach only a new login (a new channel on the old connection keeps the old groups), so
    /// the run logs in to the server again, and the shell there carries on from its state.
    /// The new login is a new TCP connection: `SSH_CONNECTION` names another client port. So
    /// is the one after `newgrp`, which ends its step.
    @Test func aNewLoginOnTheServerIsLoggedInToAgainAndItsShellCarriesOn() throws {
        let first = Scratch.root.appendingPathComponent("rb-first-login-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: first) }
        let dir = try workspace([
            "g.md": """
            # Groups

            ## Join the group

            On the server:

            \(fence)bash
            export KEPT=yes
            echo "$SSH_CONNECTION" > \(first)
            \(fence)

            Log out and log back in so that your group membership is re-evaluated.

            ## Use it

            On the server:

            \(fence)bash
            test -n "$SSH_CONNECTION" && test "$SSH_CONNECTION" != "$(cat \(first))" && echo "a new login, still $KEPT"
            echo "$SSH_CONNECTION" > \(first) && newgrp "$(id -gn)"
            test "$SSH_CONNECTION" != "$(cat \(first))" && echo "another after newgrp, still $KEPT"
            \(fence)

            """
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("manual  by a person  :12  (a new login on server: the run logs in there again)\n"))
        let run = try ssh(
            ["exec", "g.md", "--yes", "--target", "server=\(server.uri)"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(" s (logged in to server again: its shells start in a new login)\n"))
        #expect(run.stdout.contains("   │ a new login, still yes\n"))
        // `newgrp` ends its step, and the run logs in again after it.
        #expect(run.stdout.contains("── [4/4] 4. use-it/2  on server"))
        #expect(run.stdout.contains("   │ another after newgrp, still yes\n"))
    }

    /// `export IP=$(terraform output …)` and then `ssh ubuntu@$IP`: the address is known only
    /// once that step has run, so the run reaches the host when its first step comes, with the
    /// value the local shell then holds, and a resume reads it from the shell it restores.
    /// Without the value, the step fails and nothing meant for the server runs here.
    @Test func anAddressAnEarlierStepSetsIsReachedWhenItsStepComes() throws {
        let user = LoopbackSSHD.user
        let dir = try workspace([
            "g.md": """
            # Provision, then configure

            ## Provision

            \(fence)bash
            set -x
            export IP=$(echo 127.0.0.1)
            \(fence)

            ## Configure

            \(fence)bash
            ssh -p \(server.port) \(user)@$IP
            \(fence)

            \(fence)bash
            test -f "\(home.path)/ready"
            echo "reached over ssh: ${SSH_CONNECTION:+yes}"
            \(fence)
            """
        ])
        // Here, a step that runs on this machine sees no SSH_CONNECTION.
        let local = ["SSH_CONNECTION": ""]
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(
            plan.stdout.contains(
                "  server  ssh://\(user)@$IP:\(server.port)  [ssh-line :13]  — IP set during the run, by step 1 (provision/1)\n"))
        let dry = try ssh(["exec", "g.md", "--dry-run"] + trusted(server), in: dir)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(
            dry.stdout.contains(
                "2. configure/1  command  on server (ssh://\(user)@$IP:\(server.port), reached when its step comes: IP, set by step 1 (provision/1))"
            ))

        let first = try ssh(["exec", "g.md", "--yes"] + trusted(server), in: dir, environment: local)
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        #expect(
            first.stderr.contains(
                "connected to server: \(user)@127.0.0.1:\(server.port) (its address from IP, set by step 1 (provision/1))\n"))
        #expect(first.stdout.contains("── [2/2] 2. configure/1  on server"))

        try "".write(to: home.appendingPathComponent("ready"), atomically: true, encoding: .utf8)
        let id = try #require(
            first.stdout.components(separatedBy: "runbook resume ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let resumed = try ssh(["resume", id] + trusted(server), in: dir, environment: local)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("   │ reached over ssh: yes\n"))

        // Started after the step that sets IP, the run has no address: the step fails, and
        // the command meant for the server does not run on this machine.
        let skipped = try ssh(["exec", "g.md", "--yes", "--from", "2"] + trusted(server), in: dir, environment: local)
        #expect(skipped.status == 1)
        #expect(!skipped.stdout.contains("reached over ssh"))
        #expect(
            skipped.stdout.contains(
                "   cannot start a shell for server: its address ssh://\(user)@$IP:\(server.port) needs IP, which is empty on local; step 1 (provision/1) sets it, and has not run in this shell\n"
            ))
    }

    /// `ssh -J bastion host` in the guide: the run reaches the host through the bastion (here
    /// the same sshd, jumping to itself). With forwarding off on the bastion, preflight says
    /// it could not get through, which a direct connection would not have noticed.
    @Test func aGuidesJumpHostIsGoneThrough() throws {
        let user = LoopbackSSHD.user
        let dir = try workspace([
            "g.md": """
            # Behind the bastion

            ## Log in

            \(fence)bash
            ssh -J \(user)@127.0.0.1:\(server.port) -p \(server.port) \(user)@127.0.0.1
            \(fence)

            ## Work

            \(fence)bash
            echo "behind the bastion: $((6 * 7))"
            \(fence)
            """
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(
            plan.stdout.contains(
                "  server  ssh://\(user)@127.0.0.1:\(server.port)  via \(user)@127.0.0.1:\(server.port)  [ssh-line :6]\n"))
        let run = try ssh(["exec", "g.md"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ behind the bastion: 42\n"))
        #expect(
            run.stderr.contains(
                "connected to server: \(user)@127.0.0.1:\(server.port) via \(user)@127.0.0.1:\(server.port)\n"))

        try "AllowTcpForwarding no\n".write(
            to: server.directory.appendingPathComponent("sshd_config.extra"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: server.directory.appendingPathComponent("sshd_config.extra")) }
        try server.restart()
        let refused = try ssh(["exec", "g.md"] + trusted(server), in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("could not open a connection to it"))
    }

    /// `ssh -o ProxyCommand=…` in the guide: the run reaches the host over the command's
    /// stdin and stdout (here bash's `/dev/tcp` to the sshd, with the guide's own variable for
    /// the port filled in as the person's shell would), and `plan` says so.
    @Test func aGuidesProxyCommandIsRunToReachTheHost() throws {
        let user = LoopbackSSHD.user
        let dir = try workspace([
            "g.md": """
            # Behind a proxy

            \(fence)bash
            export PROXY_PORT=\(server.port)
            \(fence)

            ## Log in

            \(fence)bash
            ssh -o ProxyCommand="bash -c \\"exec 3<>/dev/tcp/%h/${PROXY_PORT}; cat <&3 & cat >&3\\"" -p \(server.port) \(user)@127.0.0.1
            \(fence)

            ## Work

            \(fence)bash
            echo "behind the proxy: $((6 * 7))"
            \(fence)
            """
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(
            plan.stdout.contains(
                "  server  ssh://\(user)@127.0.0.1:\(server.port)  through `bash -c \"exec 3<>/dev/tcp/%h/\(server.port); cat <&3 & cat >&3\"`  [ssh-line :10]\n"
            ),
            "\(plan.stdout)")
        let run = try ssh(["exec", "g.md"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ behind the proxy: 42\n"))
        #expect(
            run.stderr.contains(
                "connected to server: \(user)@127.0.0.1:\(server.port) through its ProxyCommand\n"
            ))
    }

    /// A choice between systems for the server is made once the server is reached, by the
    /// system it runs (read from it), not left to the first option. The loopback server is
    /// this machine, so the expected branch is the one for this machine's system.
    @Test func aChoiceBetweenSystemsGoesToTheSystemTheServerRuns() throws {
        let release = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        let id = try #require(
            release.split(separator: "\n").first { $0.hasPrefix("ID=") }.map {
                $0.dropFirst(3).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            })
        try #require(["fedora", "debian", "ubuntu"].contains(id), "the test expects Fedora, Debian or Ubuntu here, not \(id)")
        let user = LoopbackSSHD.user
        let dir = try workspace([
            "g.md": """
            # Install

            \(fence)bash
            ssh -p \(server.port) \(user)@127.0.0.1
            \(fence)

            On Fedora:

            \(fence)bash
            echo "branch fedora"
            \(fence)

            On Debian:

            \(fence)bash
            echo "branch debian"
            \(fence)

            On Ubuntu:

            \(fence)bash
            echo "branch ubuntu"
            \(fence)
            """
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("server's system is not known before it is reached"))
        let run = try ssh(["exec", "g.md"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("   │ branch \(id)\n"))
        #expect(run.stdout.components(separatedBy: "   │ branch ").count == 2)
        if id != "fedora" {
            #expect(run.stderr.contains("choice install: \(id), the one for server's system (\(id)), read from it\n"))
        }
    }

    @Test func stepsOnTheServerRunThereExactlyAsTheyRunLocally() throws {
        let work = Scratch.root.appendingPathComponent("rb-remote-\(UUID().uuidString)").path
        let local = try workspace(["guide.md": Self.guide])
        let localRun = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "WORK=\(work)-local", "--set", "API_TOKEN=tok-secret-1", "--target",
                "server=local",
            ], in: local)
        #expect(localRun.status == 0, "\(localRun.stderr)")
        let remote = try workspace(["guide.md": Self.guide])
        let remoteRun = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "WORK=\(work)", "--set", "API_TOKEN=tok-secret-1", "--target",
                "server=\(server.uri)",
            ] + trusted(server), in: remote)
        #expect(remoteRun.status == 0, "\(remoteRun.stderr)")
        #expect(remoteRun.stderr.contains("connected to server: \(LoopbackSSHD.user)@127.0.0.1:\(server.port)"))
        #expect(try logs(local) == ["", "in \(work)-local: one two hi there token=****\n", "back here\n"])
        #expect(try logs(remote) == ["", "in \(work): one two hi there token=****\n", "back here\n"])
        // The secret reached the server's shell as a value, and no file here.
        #expect(try String(contentsOfFile: "\(work)/token-copy", encoding: .utf8) == "tok-secret-1\n")
        #expect(try grepTree(remote.appendingPathComponent(".runbook"), for: "tok-secret-1").isEmpty)
        #expect(!remoteRun.stdout.contains("tok-secret-1") && !remoteRun.stderr.contains("tok-secret-1"))
    }

    /// A `file=` block is written on the step's target, through its shell there: the bound
    /// secret `expand=true` fills in comes from that shell's environment, not the script.
    @Test func aFileBlockIsWrittenOnTheTarget() throws {
        let out = Scratch.root.appendingPathComponent("rb-remote-file-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let dir = try workspace([
            "g.md": "# G\n\n## Config\n\n```bash\nexport API_TOKEN=\"\"\n```\n\nOn the server:\n\n"
                + "```ini { file=\(out)/app.ini expand=true mode=0640 }\n[api]\ntoken = ${API_TOKEN}\nhost = $host\n```\n"
        ])
        let run = try ssh(
            ["exec", "g.md", "--yes", "--set", "API_TOKEN=tok-remote-7", "--target", "server=\(server.uri)"]
                + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try String(contentsOfFile: "\(out)/app.ini", encoding: .utf8) == "[api]\ntoken = tok-remote-7\nhost = $host\n")
        let mode = try FileManager.default.attributesOfItem(atPath: "\(out)/app.ini")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try logs(dir) == ["wrote \(out)/app.ini (3 lines)\n"])
        #expect(try grepTree(dir.appendingPathComponent(".runbook"), for: "tok-remote-7").isEmpty)
    }

    /// "As USER:" for the user already logged in goes through no sudo on the server (which
    /// it may not have): `SUDO_USER` stays unset there.
    @Test func runningAsTheLoginUserNeedsNoSudoThere() throws {
        let out = Scratch.root.appendingPathComponent("rb-remote-who-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let dir = try workspace([
            "g.md": "# G\n\n## Who is on the server\n\nAs `\(LoopbackSSHD.user)`:\n\n"
                + "```bash\necho \"$(id -un) ${SUDO_USER:-no-sudo}\" > \(out)\n```\n"
        ])
        let plan = try ssh(["plan", "g.md"], in: dir)
        #expect(plan.stdout.contains("  who-is-on-the-server/1  command  on server (as \(LoopbackSSHD.user))  :7\n"))
        let run = try ssh(["exec", "g.md", "--yes", "--target", "server=\(server.uri)"] + trusted(server), in: dir)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "\(LoopbackSSHD.user) no-sudo\n")
    }

    @Test func anUnknownHostIsRefusedUntilAcceptedThenTrusted() throws {
        let dir = try workspace(["guide.md": Self.guide])
        let known = home.appendingPathComponent(".ssh/known_hosts")
        let base = [
            "exec", "guide.md", "--yes", "--set", "WORK=\(Scratch.root.path)/rb-remote-\(UUID().uuidString)", "--set",
            "API_TOKEN=x1", "--target",
            "server=\(server.uri)", "--identity", server.identity,
        ]
        let refused = try ssh(base, in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("preflight failed; nothing ran:"))
        #expect(refused.stderr.contains("the authenticity of host [127.0.0.1]:\(server.port) can't be established"))
        #expect(refused.stderr.contains("--accept-new-host-keys"))
        #expect(!FileManager.default.fileExists(atPath: known.path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".runbook/runs").path))

        let accepted = try ssh(base + ["--accept-new-host-keys"], in: dir)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("permanently added [127.0.0.1]:\(server.port)"))
        let keyParts = server.hostKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
        #expect(try String(contentsOf: known, encoding: .utf8) == "[127.0.0.1]:\(server.port) \(keyParts)\n")

        let again = try ssh(base, in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("permanently added"))
    }

    @Test func aChangedHostKeyIsRefusedEvenWhenAcceptingNewOnes() throws {
        let dir = try workspace(["guide.md": Self.guide])
        let known = home.appendingPathComponent(".ssh/known_hosts")
        let other = try LoopbackSSHD()
        // Another server's key recorded under this server's address.
        let otherKey = other.hostKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
        try Data("[127.0.0.1]:\(server.port) \(otherKey)\n".utf8).write(to: known)
        let run = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "API_TOKEN=x1", "--target", "server=\(server.uri)", "--identity",
                server.identity, "--accept-new-host-keys",
            ], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:\(server.port)"))
        #expect(try String(contentsOf: known, encoding: .utf8) == "[127.0.0.1]:\(server.port) \(otherKey)\n")
    }

    @Test func aKeyTheServerRefusesStopsThePreflight() throws {
        let dir = try workspace(["guide.md": Self.guide])
        let other = try LoopbackSSHD()
        let run = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "API_TOKEN=x1", "--target", "server=\(server.uri)", "--identity",
                other.identity, "--known-hosts", server.knownHosts,
            ], in: dir)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains(
                "target server: \(LoopbackSSHD.user)@127.0.0.1:\(server.port): permission denied: publickey; tried \(other.identity) (not accepted)"
            ))
    }

    @Test func anEncryptedIdentityTakesItsPassphraseFromTheEnvironment() throws {
        let dir = try workspace(["guide.md": Self.guide])
        let key = dir.appendingPathComponent("locked").path
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "open sesame", "-f", key]
        try keygen.run()
        keygen.waitUntilExit()
        try Data((try String(contentsOfFile: key + ".pub", encoding: .utf8)).utf8).write(
            to: server.directory.appendingPathComponent("authorized_keys"))
        let arguments = [
            "exec", "guide.md", "--yes", "--set", "WORK=\(Scratch.root.path)/rb-remote-\(UUID().uuidString)", "--set",
            "API_TOKEN=x1",
            "--target", "server=\(server.uri)", "--identity", key, "--known-hosts", server.knownHosts,
        ]
        let without = try ssh(arguments, in: dir)
        #expect(without.status == 2)
        #expect(without.stderr.contains("\(key) (encrypted; give its passphrase in RUNBOOK_SSH_PASSPHRASE or run on a terminal)"))
        let with = try ssh(arguments, in: dir, environment: ["RUNBOOK_SSH_PASSPHRASE": "open sesame"])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(!with.stdout.contains("open sesame") && !with.stderr.contains("open sesame"))
    }

    @Test func anUnboundTargetIsRefusedNamingEveryWayToBindIt() throws {
        let dir = try workspace(["guide.md": Self.guide])
        let run = try ssh(["exec", "guide.md", "--yes", "--set", "API_TOKEN=x1"], in: dir)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains(
                "target server is not bound (first used by step 2 prepare-the-server/1); bind it with --target server=ssh://user@host[:port], an --inventory group [server], or a Host server entry in ~/.ssh/config"
            ))
    }

    @Test func theGuidesOwnSSHLineAndFrontMatterBindTheirTargets() throws {
        let guide = """
            ---
            targets:
              web: \(server.uri)
            ---
            # Own addresses

            ## Log in

            \(fence)bash
            ssh -i "$DEPLOY_KEY" -p "$PORT" \(LoopbackSSHD.user)@"$HOST_IP"
            \(fence)

            ## Work there

            \(fence)bash
            echo "session $SSH_CONNECTION" | cut -d' ' -f1,4-
            \(fence)

            ## Web

            <!-- runbook: on=web -->
            \(fence)bash
            echo "web $SSH_CONNECTION" | cut -d' ' -f1,4-
            \(fence)

            """
        let dir = try workspace(["guide.md": guide])
        let run = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "DEPLOY_KEY=\(server.identity)", "--set", "PORT=\(server.port)", "--set",
                "HOST_IP=127.0.0.1",
                "--known-hosts", server.knownHosts, "--identity", server.identity,
            ], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try logs(dir) == ["session 127.0.0.1 \(server.port)\n", "web 127.0.0.1 \(server.port)\n"])
        #expect(run.stderr.contains("connected to server: \(LoopbackSSHD.user)@127.0.0.1:\(server.port)\n"))
        #expect(run.stderr.contains("connected to web: \(LoopbackSSHD.user)@127.0.0.1:\(server.port)\n"))
    }

    @Test func aHostInSSHConfigBindsTheTargetOfItsName() throws {
        let dir = try workspace(["guide.md": Self.guide])
        try Data(
            "Host server\n  HostName 127.0.0.1\n  Port \(server.port)\n  User \(LoopbackSSHD.user)\n  IdentityFile \(server.identity)\n"
                .utf8
        )
        .write(to: home.appendingPathComponent(".ssh/config"))
        let run = try ssh(
            [
                "exec", "guide.md", "--yes", "--set", "WORK=\(Scratch.root.path)/rb-remote-\(UUID().uuidString)", "--set",
                "API_TOKEN=x1",
                "--known-hosts", server.knownHosts,
            ], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("connected to server: server (\(LoopbackSSHD.user)@127.0.0.1:\(server.port))"))
    }

    @Test func aDroppedConnectionInterruptsTheStepAndResumeReconnectsAndRestoresTheShell() throws {
        let work = Scratch.root.appendingPathComponent("rb-remote-\(UUID().uuidString)").path
        let guide = Self.guide.replacingOccurrences(of: "echo \"in $PWD:", with: "sleep 3\necho \"in $PWD:")
        let dir = try workspace(["guide.md": guide])
        let arguments =
            ["exec", "guide.md", "--yes", "--set", "WORK=\(work)", "--set", "API_TOKEN=x1", "--target", "server=\(server.uri)"]
            + trusted(server)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { server.dropConnections() }
        let first = try ssh(arguments, in: dir)
        #expect(first.status == 4, "\(first.stderr)")
        let status = try ssh(["status"], in: dir)
        #expect(status.stdout.contains("prepare-the-server/1  succeeded"))
        #expect(status.stdout.contains("check-the-server/1    interrupted"))
        #expect(status.stdout.contains("connection to \(LoopbackSSHD.user)@127.0.0.1:\(server.port) lost"))

        let refused = try ssh(["resume", "--set", "API_TOKEN=x1"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--rerun-interrupted"))

        let resumed = try ssh(["resume", "--set", "API_TOKEN=x1", "--rerun-interrupted"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("connected to server"))
        // The shell came back with its directory, variables and function; step 2 did not run again.
        #expect(try logs(dir)[1] == "in \(work): one two hi there token=****\n")
        #expect(try String(contentsOfFile: "\(work)/ran.log", encoding: .utf8) == "prepare ran\n")
    }

    /// "On the web servers:" names the target `web`; the inventory's `[web]` group binds it.
    @Test func anInventoryGroupRunsEachStepOnEveryHostAndKeepsPerHostResults() throws {
        let second = try LoopbackSSHD()
        let work = Scratch.root.appendingPathComponent("rb-fleet-\(UUID().uuidString)").path
        let guide = """
            # Fleet

            ## Stamp the web servers

            On the web servers:

            \(fence)bash
            mkdir -p \(work)-$RB_HOST && echo "stamped $RB_HOST"
            \(fence)

            ## Mark the host

            On each web server, check its name:

            \(fence)bash
            test "$RB_HOST" != two
            test "$RB_HOST" != one
            \(fence)

            """
        // Each server's login shell learns its name from an environment file runbook never sees.
        for (name, host) in [("one", server), ("two", second)] {
            let keys = try String(contentsOf: host.directory.appendingPathComponent("authorized_keys"), encoding: .utf8)
            try Data("environment=\"RB_HOST=\(name)\" \(keys)".utf8).write(
                to: host.directory.appendingPathComponent("authorized_keys"))
            try Data("PermitUserEnvironment yes\n".utf8).write(to: host.directory.appendingPathComponent("sshd_config.extra"))
            try host.restart()
        }
        let group = try webGroup(with: second)
        let dir = try workspace(["guide.md": guide, "hosts.ini": group.inventory, "known_hosts": group.knownHosts])
        let run = try ssh(
            ["exec", "guide.md", "--yes", "--inventory", "hosts.ini", "--known-hosts", "known_hosts", "--forks", "2"], in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "connected to web: one (\(LoopbackSSHD.user)@127.0.0.1:\(server.port)), two (\(LoopbackSSHD.user)@127.0.0.1:\(second.port))"
            ))
        #expect(FileManager.default.fileExists(atPath: "\(work)-one") && FileManager.default.fileExists(atPath: "\(work)-two"))
        let log = try logs(dir)[0].split(separator: "\n").sorted()
        #expect(log == ["[one] stamped one", "[two] stamped two"])
        // exec names the host whose line and command it shows: the first that failed.
        #expect(
            run.stdout.contains("   at guide.md:17 (on one)\n   command: test \"$RB_HOST\" != one\n"), "\(run.stdout)")

        let status = try ssh(["status", "--json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["succeeded", "failed"])
        let stamped = try #require(steps[0]["hosts"] as? [[String: Any]])
        #expect(stamped.map { $0["status"] as? String } == ["succeeded", "succeeded"])
        let hosts = try #require(steps[1]["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["one", "two"])
        #expect(hosts.map { $0["status"] as? String } == ["failed", "failed"])
        #expect(hosts.map { $0["exit_code"] as? Int } == [1, 1])
        // Each host stopped at its own line; the step's line is the first failing host's.
        #expect(steps[1]["note"] as? String == "one: failed at line 17; two: failed at line 16")
        #expect(steps[1]["failed_line"] as? Int == 17)
        let text = try ssh(["status"], in: dir)
        #expect(
            text.stdout.contains("at guide.md:17  (one: failed at line 17; two: failed at line 16)\n"), "\(text.stdout)")
    }

    /// An inventory group `[web]` of this suite's server (`one`) and `second` (`two`), and a
    /// known_hosts file that trusts both.
    func webGroup(with second: LoopbackSSHD) throws -> (inventory: String, knownHosts: String) {
        let inventory = """
            [web]
            one ansible_host=127.0.0.1 ansible_port=\(server.port) ansible_user=\(LoopbackSSHD.user)
            two ansible_host=127.0.0.1 ansible_port=\(second.port) ansible_user=\(LoopbackSSHD.user) ansible_ssh_private_key_file=\(second.identity)

            [web:vars]
            ansible_ssh_private_key_file=\(server.identity)
            """
        let known =
            try String(contentsOfFile: server.knownHosts, encoding: .utf8)
            + (try String(contentsOfFile: second.knownHosts, encoding: .utf8))
        return (inventory, known)
    }

    @Test func aServerThatRefusesATerminalFailsTheStepSayingWhy() throws {
        try Data("PermitTTY no\n".utf8).write(to: server.directory.appendingPathComponent("sshd_config.extra"))
        try server.restart()
        let dir = try workspace(["g.md": Self.interactiveGuide])
        let before = try attachDirectories()
        let run = try execOnTerminal(in: dir, typing: "alice\n")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("   ✘ failed"))
        #expect(run.stdout.contains("cannot get a terminal"))
        #expect(!run.stdout.contains("got alice") && !run.stdout.contains("still"))
        #expect(try attachDirectories().subtracting(before).isEmpty)
    }

    @Test func anInteractiveStepOnSeveralHostsIsThePersonsToDoOnEach() throws {
        let second = try LoopbackSSHD()
        let group = try webGroup(with: second)
        let guide = "# Fleet\n\n## Edit\n\nOn the web servers:\n\n\(fence)bash\nnano /etc/motd\n\(fence)\n"
        let dir = try workspace(["guide.md": guide, "hosts.ini": group.inventory, "known_hosts": group.knownHosts])
        let run = try runbookOnTerminal(
            ["exec", "guide.md", "--yes", "--inventory", "hosts.ini", "--known-hosts", "known_hosts"], input: "d\n", in: dir,
            noColor: true, environment: ["HOME": home.path])
        #expect(run.status == 0, "\(run.stdout)")
        // One terminal cannot be joined to two hosts at once: the person does it on each.
        #expect(run.stdout.contains("   │ Run this yourself (it needs a person at a terminal):\n   │ nano /etc/motd\n"))
        #expect(run.stdout.contains("(done by a person)"))
        #expect(!run.stdout.contains("this step uses the terminal"))
    }

    /// A guide whose first server step needs a person at a terminal.
    static let interactiveGuide = """
        # Edit on the server

        ## Ask

        On the server:

        \(fence)bash { interactive=true }
        read -r -p "name? " answer
        test "$answer" != no
        echo "got $answer on ${SSH_TTY:+a terminal} with a ${#API_TOKEN}-character token"
        export ANSWER=$answer
        cd /tmp
        \(fence)

        ## Use

        On the server:

        \(fence)bash
        echo "still $ANSWER in $PWD, ${SSH_TTY:-no terminal}"
        \(fence)

        """

    /// `runbook exec g.md` on a terminal with the server bound and trusted, typing `input`.
    func execOnTerminal(in dir: URL, typing input: String, _ more: [String] = []) throws -> Run {
        try runbookOnTerminal(
            ["exec", "g.md", "--yes", "--target", "server=\(server.uri)"] + trusted(server) + more, input: input, in: dir,
            noColor: true, environment: ["HOME": home.path])
    }

    /// The remote attach directories in /tmp.
    func attachDirectories() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix(".runbook-attach.") })
    }

    @Test func anInteractiveStepOnTheServerGetsATerminalThereAndItsShellCarriesOn() throws {
        let dir = try workspace(["g.md": Self.interactiveGuide])
        let before = try attachDirectories()
        let run = try execOnTerminal(in: dir, typing: "alice\n", ["--set", "API_TOKEN=tok-secret-7"])
        #expect(run.status == 0, "\(run.stdout)")
        // The person typed at a pty on the server; the bound value was there as data.
        #expect(run.stdout.contains("got alice on a terminal with a 12-character token\n"))
        #expect(run.stdout.contains("   │ still alice in /tmp, no terminal\n"))
        #expect(!run.stdout.contains("Run this yourself"))
        // What the person saw on the terminal is theirs; the next step's output is logged.
        #expect(try logs(dir) == ["still alice in /tmp, no terminal\n"])
        // The hand-over directory on the server is gone.
        #expect(try attachDirectories().subtracting(before).isEmpty)
    }

    @Test func aFailingInteractiveStepOnTheServerFailsTheRun() throws {
        let dir = try workspace(["g.md": Self.interactiveGuide])
        let before = try attachDirectories()
        let run = try execOnTerminal(in: dir, typing: "no\n")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("   ✘ failed"))
        #expect(!run.stdout.contains("still"))
        #expect(try attachDirectories().subtracting(before).isEmpty)
    }

    /// Files under `dir` that contain `needle`.
    func grepTree(_ dir: URL, for needle: String) throws -> [String] {
        var hits: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: dir.path)
        while let path = enumerator?.nextObject() as? String {
            let full = dir.appendingPathComponent(path).path
            if let data = FileManager.default.contents(atPath: full), String(decoding: data, as: UTF8.self).contains(needle) {
                hits.append(path)
            }
        }
        return hits
    }
}

@Suite("secret bindings in the journal")
struct SecretBindingTests {
    @Test func aSecretIsRecordedAsAHashAndAChangedOneIsNoticedOnResume() throws {
        let dir = try workspace([
            "g.md":
                "# G\n\n## Vars\n\n```bash\nexport DB_PASSWORD=\"\"\n```\n\n## One\n\n```bash\ntest -n \"$DB_PASSWORD\"\n```\n\n## Two\n\n```bash\ntest -f go-on\n```\n"
        ])
        let first = try runbook(["exec", "g.md", "--set", "DB_PASSWORD=pw-first-1"], in: dir)
        #expect(first.status == 1)
        let runs = dir.appendingPathComponent(".runbook/runs")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let journal = try Data(contentsOf: runs.appendingPathComponent(run).appendingPathComponent("journal.sqlite"))
        #expect(journal.range(of: Data("pw-first-1".utf8)) == nil)
        #expect(journal.range(of: Data("DB_PASSWORD=pbkdf2-sha256$50000$".utf8)) != nil)
        try Data().write(to: dir.appendingPathComponent("go-on"))
        let changed = try runbook(["resume", "--set", "DB_PASSWORD=pw-second-2"], in: dir)
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(
            changed.stderr.contains(
                "runbook: warning: DB_PASSWORD is not the value run \(run) started with; the remaining steps use the new one\n"))
        let again = try runbook(["exec", "g.md", "--set", "DB_PASSWORD=pw-first-1", "--only", "2", "--only", "3"], in: dir)
        #expect(again.status == 0)
        // The same secret given again draws no warning.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("go-on"))
        let failing = try runbook(["exec", "g.md", "--set", "DB_PASSWORD=pw-third-3"], in: dir)
        #expect(failing.status == 1)
        try Data().write(to: dir.appendingPathComponent("go-on"))
        let same = try runbook(["resume", "--set", "DB_PASSWORD=pw-third-3"], in: dir)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(!same.stderr.contains("is not the value"))
    }
}
