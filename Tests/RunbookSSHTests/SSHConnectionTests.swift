import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookSSH

/// Against a real sshd on 127.0.0.1 that the suite starts itself.
@Suite(.serialized) struct SSHConnectionTests {
    let server: LoopbackSSHD
    let home: URL

    init() throws {
        server = try LoopbackSSHD()
        home = Scratch.root.appendingPathComponent("runbook-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
    }

    func endpoint() throws -> SSHEndpoint {
        try SSHEndpoint.parse(server.uri, config: SSHConfig(home: home.path))
    }

    func options(knownHosts: String? = nil, identity: String? = nil) -> SSHOptions {
        var options = SSHOptions(home: home.path)
        options.knownHostsFile = knownHosts ?? server.knownHosts
        options.identityFiles = [identity ?? server.identity]
        options.useAgent = false
        return options
    }

    @Test func runsACommandAndReportsItsExitStatus() throws {
        let connection = try SSHConnection(endpoint: try endpoint(), options: options())
        #expect(connection.authenticatedWith == server.identity)
        let result = try connection.execute("echo hello; echo oops >&2; exit 7")
        #expect(result.status == 7)
        #expect(result.output.contains("hello\n"))
        #expect(result.output.contains("oops\n"))
    }

    @Test func aChannelKeepsOneShellAcrossWrites() throws {
        let connection = try SSHConnection(endpoint: try endpoint(), options: options())
        let channel = try connection.open(command: "exec bash --noprofile --norc")
        #expect(channel.write("X=41\ncd /tmp\n"))
        #expect(channel.write("echo $((X+1)) $PWD\nexit 3\n"))
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var ended = false
        let deadline = Date().addingTimeInterval(10)
        while !ended && Date() < deadline {
            switch channel.read(into: &buffer, waiting: 100) {
            case .data(let n), .stderr(let n): collected.append(contentsOf: buffer[0..<n])
            case .ended: ended = true
            case .idle: continue
            case .lost(let why):
                Issue.record("lost: \(why)")
                return
            }
        }
        #expect(ended)
        #expect(String(decoding: collected, as: UTF8.self) == "42 /tmp\n")
        #expect(channel.exitStatus == 3)
    }

    @Test func anUnknownHostIsRefusedWithItsFingerprint() throws {
        let empty = home.appendingPathComponent(".ssh/known_hosts").path
        #expect(throws: SSHError.self) { try SSHConnection(endpoint: try endpoint(), options: options(knownHosts: empty)) }
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: options(knownHosts: empty))
        } catch let error as SSHError {
            guard case .unknownHostKey(let host, let fingerprint, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(host == "[127.0.0.1]:\(server.port)")
            #expect(fingerprint == (try sshKeygenFingerprint()))
        }
        #expect(!FileManager.default.fileExists(atPath: empty))
    }

    @Test func acceptingANewHostRecordsItOnceAndTrustsItAfterwards() throws {
        let file = home.appendingPathComponent(".ssh/known_hosts").path
        try Data("# my hosts\n@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO\n".utf8).write(
            to: URL(fileURLWithPath: file))
        var accepting = options(knownHosts: file)
        accepting.acceptNewHostKeys = true
        let first = try SSHConnection(endpoint: try endpoint(), options: accepting)
        #expect(first.recordedHostKey)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let keyParts = server.hostKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
        #expect(
            text
                == "# my hosts\n@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO\n[127.0.0.1]:\(server.port) \(keyParts)\n"
        )
        // Without the flag, the recorded key is now trusted; nothing more is written.
        let second = try SSHConnection(endpoint: try endpoint(), options: options(knownHosts: file))
        #expect(!second.recordedHostKey)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
    }

    @Test func aChangedHostKeyIsAlwaysRefused() throws {
        let file = home.appendingPathComponent(".ssh/known_hosts").path
        let otherKey = try anotherKey()
        try Data("[127.0.0.1]:\(server.port) \(otherKey)\n".utf8).write(to: URL(fileURLWithPath: file))
        var accepting = options(knownHosts: file)
        accepting.acceptNewHostKeys = true
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: accepting)
            Issue.record("a changed host key was accepted")
        } catch let error as SSHError {
            guard case .changedHostKey(let host, _, let named) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(host == "[127.0.0.1]:\(server.port)")
            #expect(named == file)
            #expect(error.description.contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "[127.0.0.1]:\(server.port) \(otherKey)\n")
    }

    @Test func hashedKnownHostsEntriesMatch() throws {
        let (file, hashed) = try hashedKnownHosts()
        #expect(hashed.hasPrefix("|1|"))
        #expect(!hashed.contains("127.0.0.1"))
        let connection = try SSHConnection(endpoint: try endpoint(), options: options(knownHosts: file))
        #expect(try connection.execute("echo ok").output == "ok\n")
    }

    /// The server's key as known_hosts writes it: `ssh-ed25519 AAAA…`.
    var serverKey: String { server.hostKeyLine.split(separator: " ").prefix(2).joined(separator: " ") }

    /// Connects with `file` as known_hosts; the `@revoked` line it was refused for, or nil
    /// when it connected.
    func revokedLine(knownHosts file: String, acceptingNew: Bool = false) throws -> Int? {
        var settings = options(knownHosts: file)
        settings.acceptNewHostKeys = acceptingNew
        do {
            let connection = try SSHConnection(endpoint: try endpoint(), options: settings)
            #expect(try connection.execute("echo ok").output == "ok\n")
            return nil
        } catch let error as SSHError {
            guard case .revokedHostKey(let host, let fingerprint, let named, let line) = error else { throw error }
            #expect(fingerprint == (try sshKeygenFingerprint()))
            #expect(named == file)
            #expect(host == "[127.0.0.1]:\(server.port)")
            #expect(
                error.description.hasPrefix(
                    "\(host) offers the key \(fingerprint), which \(file):\(line) marks @revoked; refused."))
            return line
        }
    }

    @Test func aRevokedHostKeyIsRefusedWhateverElseTheFileSays() throws {
        let file = home.appendingPathComponent(".ssh/known_hosts").path
        let trusted = try String(contentsOfFile: server.knownHosts, encoding: .utf8)
        let text = trusted + "# rotated after the incident\n@revoked * \(serverKey) old key\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        #expect(try revokedLine(knownHosts: file) == 3)
        // The same with Windows line ends: each "\r\n" ends one line.
        try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try revokedLine(knownHosts: file) == 3)
        // Not trusted anew either, and the file stays as it was.
        try Data("@revoked [127.0.0.1]:\(server.port) \(serverKey)\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try revokedLine(knownHosts: file, acceptingNew: true) == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "@revoked [127.0.0.1]:\(server.port) \(serverKey)\n")
    }

    @Test func aHashedRevokedNameMatchesLikeAHashedEntry() throws {
        let (file, hashed) = try hashedKnownHosts()
        let name = try #require(hashed.split(separator: " ").first)
        #expect(name.hasPrefix("|1|"))
        try Data((hashed + "@revoked \(name) \(serverKey)\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try revokedLine(knownHosts: file) == 2)
    }

    @Test func aRevokedLineForOtherHostsOrAnotherKeyDoesNotApply() throws {
        let file = home.appendingPathComponent(".ssh/known_hosts").path
        let otherKey = try anotherKey()
        let text =
            try String(contentsOfFile: server.knownHosts, encoding: .utf8)
            + "@revoked db.example.org,[127.0.0.1]:1 \(serverKey)\n"
            + "@revoked *,![127.0.0.1]:\(server.port) \(serverKey)\n"
            + "@revoked * \(otherKey)\n"
            + "@cert-authority *.example.org \(otherKey)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        #expect(try revokedLine(knownHosts: file) == nil)
    }

    @Test func aKeyTheServerDoesNotAcceptIsRefusedNamingWhatWasTried() throws {
        let wrong = home.appendingPathComponent("wrong").path
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrong])
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: options(identity: wrong))
            Issue.record("a wrong key was accepted")
        } catch let error as SSHError {
            guard case .authentication = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("\(wrong) (not accepted)"))
        }
    }

    @Test func anEncryptedKeyUsesItsPassphrase() throws {
        let locked = home.appendingPathComponent("locked").path
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "s3cret pass", "-f", locked])
        try Data((try String(contentsOfFile: locked + ".pub", encoding: .utf8)).utf8).write(
            to: server.directory.appendingPathComponent("authorized_keys"))
        #expect(PrivateKeyFile.isEncrypted(FileManager.default.contents(atPath: locked)!))
        #expect(!PrivateKeyFile.isEncrypted(FileManager.default.contents(atPath: server.identity)!))
        var withoutPassphrase = options(identity: locked)
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: withoutPassphrase)
            Issue.record("connected without the passphrase")
        } catch let error as SSHError {
            #expect(
                error.description.contains(
                    "\(locked) (encrypted; give its passphrase in RUNBOOK_SSH_PASSPHRASE or run on a terminal)"))
        }
        withoutPassphrase.passphrase = { _ in "wrong" }
        #expect(throws: SSHError.self) { try SSHConnection(endpoint: try endpoint(), options: withoutPassphrase) }
        var withPassphrase = options(identity: locked)
        withPassphrase.passphrase = { path in path == locked ? "s3cret pass" : nil }
        let connection = try SSHConnection(endpoint: try endpoint(), options: withPassphrase)
        #expect(connection.authenticatedWith == locked)
    }

    @Test func theDefaultIdentityUnderHomeIsTried() throws {
        try FileManager.default.copyItem(atPath: server.identity, toPath: home.appendingPathComponent(".ssh/id_ed25519").path)
        var options = options()
        options.identityFiles = []
        let connection = try SSHConnection(endpoint: try endpoint(), options: options)
        #expect(connection.authenticatedWith == home.appendingPathComponent(".ssh/id_ed25519").path)
    }

    @Test func anAgentIsTriedFirst() throws {
        let socket = home.appendingPathComponent("agent.sock").path
        // In the foreground (-D): a daemonised agent would hold the output pipe open.
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { agent.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline { usleep(20_000) }
        var options = options()
        options.useAgent = true
        options.agentSocket = socket
        options.identityFiles = []
        // An empty agent is tried and said to be, then nothing else is there to offer.
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: options)
            Issue.record("connected with an empty agent and no key")
        } catch let error as SSHError {
            #expect(error.description.hasSuffix("publickey; tried ssh-agent (no identities)"))
        }
        let add = Process()
        add.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-add")
        add.arguments = ["-q", server.identity]
        add.environment = ["SSH_AUTH_SOCK": socket]
        add.standardError = FileHandle.nullDevice
        try add.run()
        add.waitUntilExit()
        #expect(add.terminationStatus == 0)
        let connection = try SSHConnection(endpoint: try endpoint(), options: options)
        #expect(connection.authenticatedWith == "agent")
    }

    @Test func nothingListeningIsAConnectError() throws {
        server.stop()
        do {
            _ = try SSHConnection(endpoint: try endpoint(), options: options())
            Issue.record("connected to a stopped server")
        } catch let error as SSHError {
            guard case .connect = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("Connection refused"))
        }
    }

    /// A host reached through a `ProxyCommand`: the command runs with ssh's `%h`, `%p`, `%r`
    /// in place, and the session runs over its stdin and stdout. Here OpenSSH's own client
    /// carries the bytes (`ssh -W %h:%p`, the usual bastion), then bash's `/dev/tcp`. A
    /// command that cannot reach the host fails the connection with what it said.
    @Test(arguments: ["ssh", "bash"])
    func aHostBehindAProxyCommandIsReachedThroughIt(carrier: String) throws {
        var behind = try endpoint()
        behind.proxyCommand =
            carrier == "ssh"
            ? "ssh -q -i \(server.identity) -o UserKnownHostsFile=\(server.knownHosts) -o StrictHostKeyChecking=yes "
                + "-o BatchMode=yes -p \(server.port) -W %h:%p %r@127.0.0.1"
            : "exec bash -c 'exec 3<>/dev/tcp/%h/%p; cat <&3 & cat >&3'"
        let connection = try SSHConnection(endpoint: behind, options: options())
        let result = try connection.execute("X=proxied; echo \"$X\" \"$(seq 1 20000 | wc -l)\"")
        #expect(result.status == 0)
        #expect(result.output == "proxied 20000\n")
        #expect(connection.endpoint.named == "\(behind.description) through its ProxyCommand")
        connection.close()

        behind.proxyCommand = "echo 'no route to %h' >&2; exit 1"
        do {
            _ = try SSHConnection(endpoint: behind, options: options())
            Issue.record("connected through a proxy command that failed")
        } catch {
            #expect(error.description.hasSuffix("(its ProxyCommand said: no route to 127.0.0.1)"))
        }
    }

    /// `~/.ssh/config` chains of hops: `inner` jumps through `middle`, which jumps through
    /// `outer` (all three the same sshd): the connection goes outer, middle, inner.
    @Test func aHopsOwnJumpIsFollowed() throws {
        let config = SSHConfig(
            text: """
                Host inner middle outer
                  HostName 127.0.0.1
                  Port \(server.port)
                  User \(LoopbackSSHD.user)
                Host inner
                  ProxyJump middle
                Host middle
                  ProxyJump outer
                """, home: home.path)
        let inner = try SSHEndpoint.parse("ssh://inner", config: config)
        #expect(inner.via.map(\.label) == ["middle"])
        #expect(inner.via.first?.via.map(\.label) == ["outer"])
        let connection = try SSHConnection(endpoint: inner, options: options())
        let result = try connection.execute("echo two hops")
        #expect(result.output == "two hops\n")
        connection.close()
    }

    @Test(arguments: [
        ("ssh -W %h:%p %r@gw", "ssh -W db.internal:2222 deploy@gw"), ("nc %h %p", "nc db.internal 2222"),
        ("echo 100%% %n %x", "echo 100% db %x"), ("end %", "end %"),
    ])
    func proxyCommandTokensAreExpandedAsSSHDoes(command: String, expanded: String) {
        let endpoint = SSHEndpoint(label: "db", host: "db.internal", port: 2222, user: "deploy")
        #expect(SSHProxyCommand.expand(command, endpoint: endpoint) == expanded)
    }

    /// Through a jump host (here the same sshd, `ssh -J` to itself): the session runs over a
    /// stream the jump host opens, and a shell keeps its state across writes as it does
    /// directly. With forwarding off on the jump host the stream cannot open, which a direct
    /// connection would not notice: the bytes did go through it.
    @Test func aHostBehindAJumpHostIsReachedThroughIt() throws {
        var behind = try endpoint()
        behind.via = [try endpoint()]
        let connection = try SSHConnection(endpoint: behind, options: options())
        let result = try connection.execute("X=through; echo \"$X\" \"$(seq 1 20000 | wc -l)\"")
        #expect(result.status == 0)
        #expect(result.output == "through 20000\n")
        connection.close()

        try "AllowTcpForwarding no\n".write(
            to: server.directory.appendingPathComponent("sshd_config.extra"), atomically: true, encoding: .utf8)
        try server.restart()
        defer {
            try? FileManager.default.removeItem(at: server.directory.appendingPathComponent("sshd_config.extra"))
            try? server.restart()
        }
        var refused = try endpoint()
        refused.via = [try endpoint()]
        let options = options()
        do {
            _ = try SSHConnection(endpoint: refused, options: options)
            Issue.record("connected through a jump host that forwards nothing")
        } catch {
            guard case .connect = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("could not open a connection to it"))
        }
        #expect(try SSHConnection(endpoint: try endpoint(), options: options).execute("echo direct").output == "direct\n")
    }

    /// A new ed25519 public key, as known_hosts writes it: `ssh-ed25519 AAAA…`.
    func anotherKey() throws -> String {
        let other = home.appendingPathComponent("other-\(UUID().uuidString)")
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other.path])
        return try String(contentsOfFile: other.path + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(
            separator: " ")
    }

    /// The server's known_hosts line hashed by `ssh-keygen -H` into the home's known_hosts:
    /// its path and text.
    func hashedKnownHosts() throws -> (file: String, text: String) {
        let file = home.appendingPathComponent(".ssh/known_hosts").path
        try FileManager.default.copyItem(atPath: server.knownHosts, toPath: file)
        try run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", file])
        return (file, try String(contentsOfFile: file, encoding: .utf8))
    }

    func sshKeygenFingerprint() throws -> String {
        let output = try run(
            "/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", server.directory.appendingPathComponent("host_ed25519.pub").path])
        return String(output.split(separator: " ")[1])
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let run = try programOutput(executable, arguments)
        #expect(run.status == 0)
        return run.output
    }
}

/// known_hosts host patterns, without a server.
@Suite struct KnownHostsPatternTests {
    @Test(arguments: [
        ("[127.0.0.1]:2222", "*", true),
        ("[127.0.0.1]:2222", "[127.0.0.1]:2222", true),
        ("[127.0.0.1]:2222", "127.0.0.1", false),
        ("[127.0.0.1]:2222", "[127.0.0.?]:22*", true),
        ("web1.example.org", "db.example.org,web?.EXAMPLE.org", true),
        ("web1.example.org", "*.example.org,!web1.example.org", false),
        ("web1.example.org", "!db.example.org", false),
        ("web12.example.org", "web?.example.org", false),
        ("web1.example.org", "*example*", true),
        ("web1.example.org", "", false),
    ])
    func hostPatternsMatchAsOpenSSHDoes(name: String, patterns: String, matches: Bool) {
        #expect(KnownHosts.matches(name, patterns: patterns) == matches)
    }
}
