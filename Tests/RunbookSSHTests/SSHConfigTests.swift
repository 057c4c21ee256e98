import Foundation
import Testing

@testable import RunbookSSH

struct SSHConfigTests {
    let config = SSHConfig(
        text: """
            # comment
            Host web1 web-*
              HostName 10.0.0.%h
              User deploy
              IdentityFile ~/.ssh/deploy_key

            Host web-canary !web-old
              Port 2200

            Host db
              HostName=db.internal
              Port = 5522
            Match user root
              User nobody
            Host *
              User fallback
              IdentityFile %d/.ssh/common
            """, home: "/home/ann")

    @Test func firstValueWinsAndIdentitiesAccumulate() {
        let endpoint = config.endpoint(for: "web1", user: nil, port: nil, defaultUser: "ann")
        #expect(
            endpoint
                == SSHEndpoint(
                    label: "web1", host: "10.0.0.web1", port: 22, user: "deploy",
                    identityFiles: ["/home/ann/.ssh/deploy_key", "/home/ann/.ssh/common"]))
    }

    @Test func patternsWildcardsAndNegation() {
        #expect(config.endpoint(for: "web-canary", user: nil, port: nil).port == 2200)
        #expect(SSHConfig.matches("web-old", patterns: ["web-*"]))
        #expect(!SSHConfig.matches("web-old", patterns: ["web-canary", "!web-old"]))
        #expect(SSHConfig.matches("WEB-x", patterns: ["web-?"]))
        #expect(!SSHConfig.matches("web-xy", patterns: ["web-?"]))
    }

    @Test func equalsSignsAndMatchBlocksAreHandled() {
        let endpoint = config.endpoint(for: "db", user: nil, port: nil, defaultUser: "ann")
        #expect(endpoint.host == "db.internal")
        #expect(endpoint.port == 5522)
        // The Match block is skipped; `Host *` supplies the user.
        #expect(endpoint.user == "fallback")
    }

    /// A host reached through `ProxyJump` carries its hops (each with the config applied, the
    /// first with its own jump, as ssh reaches it); through `ProxyCommand`, the command the
    /// connection runs over; `ProxyJump none` is no jump. Hosts that jump through each other
    /// are read four levels deep, not forever.
    @Test func aJumpHostIsKept() {
        let jumps = SSHConfig(
            text: "Host app\n  HostName 10.0.0.5\n  ProxyJump ops@bastion\nHost db\n  ProxyCommand ssh -W %h:%p gw\n"
                + "Host direct\n  ProxyJump none\nHost bastion\n  ProxyJump edge\nHost edge\n  HostName 203.0.113.9\n"
                + "Host two\n  ProxyJump bastion,gw\nHost gw\n  ProxyJump elsewhere\n"
                + "Host loop-a\n  ProxyJump loop-b\nHost loop-b\n  ProxyJump loop-a\n", home: "/home/ann")
        let app = jumps.endpoint(for: "app", user: nil, port: nil, defaultUser: "ann")
        #expect(app.proxy == nil)
        #expect(app.via.map(\.description) == ["ops@bastion"])
        #expect(app.via.first?.via.map(\.named) == ["edge (\(SSHEndpoint.localUser)@203.0.113.9)"])
        // The second hop is reached through the first: its own jump is not taken.
        let two = jumps.endpoint(for: "two", user: nil, port: nil, defaultUser: "ann")
        #expect(two.via.map(\.label) == ["bastion", "gw"])
        #expect(two.via.map { $0.via.map(\.label) } == [["edge"], []])
        var depth = 0
        var hop = jumps.endpoint(for: "loop-a", user: nil, port: nil, defaultUser: "ann")
        while let next = hop.via.first {
            depth += 1
            hop = next
        }
        #expect(depth == 4)
        #expect(jumps.endpoint(for: "db", user: nil, port: nil).proxyCommand == "ssh -W %h:%p gw")
        #expect(jumps.endpoint(for: "db", user: nil, port: nil).proxy == nil)
        #expect(jumps.endpoint(for: "db", user: nil, port: nil).via == [])
        #expect(jumps.endpoint(for: "direct", user: nil, port: nil).via == [])
        #expect(config.endpoint(for: "web1", user: nil, port: nil).via == [])
    }

    @Test func theURIWinsOverTheConfig() throws {
        let endpoint = try SSHEndpoint.parse("ssh://ops@db:6000", config: config, defaultUser: "ann")
        #expect(endpoint.user == "ops")
        #expect(endpoint.port == 6000)
        #expect(endpoint.host == "db.internal")
        #expect(endpoint.label == "db")
        #expect(endpoint.knownHostsName == "[db.internal]:6000")
    }

    @Test func addressesAreParsedOrRefusedWithTheReason() throws {
        let plain = try SSHEndpoint.parse("ssh://10.1.2.3", defaultUser: "ann")
        #expect(plain == SSHEndpoint(label: "10.1.2.3", host: "10.1.2.3", port: 22, user: "ann"))
        #expect(plain.knownHostsName == "10.1.2.3")
        #expect(try SSHEndpoint.parse("ssh://me@[::1]:2222/").host == "::1")
        #expect(throws: SSHError.badAddress("ssh://h:99999", "the port must be 1…65535")) {
            try SSHEndpoint.parse("ssh://h:99999")
        }
        #expect(throws: SSHError.badAddress("ssh://@h", "the user before @ is empty")) { try SSHEndpoint.parse("ssh://@h") }
        #expect(throws: SSHError.badAddress("http://h", "expected ssh://[user@]host[:port]")) {
            try SSHEndpoint.parse("http://h")
        }
    }
}
