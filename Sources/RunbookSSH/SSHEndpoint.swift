import Foundation

/// One host to reach over SSH, after `~/.ssh/config` and the binding are applied.
public struct SSHEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// How the host was named (an alias from `~/.ssh/config` or an inventory, or the host).
    public var label: String
    /// The address to connect to and to look up in known_hosts.
    public var host: String
    /// The port (22 unless said).
    public var port: Int
    /// The remote user.
    public var user: String
    /// Identity files named for this host (`--identity`, `IdentityFile`, `ansible_ssh_private_key_file`).
    public var identityFiles: [String]
    /// A proxy the host is reached through that runbook cannot use (a `ProxyJump` it cannot
    /// read), if any: the connection is refused with it.
    public var proxy: String?
    /// The command whose stdin and stdout are the connection (`ProxyCommand`), with ssh's `%h`,
    /// `%p`, `%r`, `%n` still in it, if the host is reached through one.
    public var proxyCommand: String?
    /// The jump hosts it is reached through (`ssh -J a,b`, `ProxyJump`), first hop first.
    public var via: [SSHEndpoint] = []

    /// Creates an endpoint.
    public init(
        label: String, host: String, port: Int = 22, user: String, identityFiles: [String] = [], proxy: String? = nil
    ) {
        self.label = label
        self.host = host
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.proxy = proxy
    }

    /// `user@host:port`.
    public var description: String { "\(user)@\(host)" + (port == 22 ? "" : ":\(port)") }

    /// The hops of a `ProxyJump` value (`ops@bastion,gw:2222`), each read as `ssh` reads a
    /// host, `config` applied; nil for `none`. The first hop keeps how `config` says it is
    /// reached (its own `ProxyJump` or `ProxyCommand`), as ssh does; each later hop is reached
    /// through the one before it.
    public static func jumps(_ value: String, config: SSHConfig) throws(SSHError) -> [SSHEndpoint]? {
        guard value.lowercased() != "none" else { return nil }
        var hops: [SSHEndpoint] = []
        for hop in value.split(separator: ",") {
            var endpoint = try parse("ssh://" + hop.trimmingCharacters(in: .whitespaces), config: config)
            if !hops.isEmpty {
                endpoint.via = []
                endpoint.proxy = nil
                endpoint.proxyCommand = nil
            }
            hops.append(endpoint)
        }
        return hops
    }

    /// `user@host:port`, after the label when the label is another name (`web01 (ops@10.0.0.5)`),
    /// and the jump hosts it is reached through (`… via ops@bastion`) or that a proxy
    /// command reaches it.
    public var named: String {
        (label == host ? description : "\(label) (\(description))")
            + (via.isEmpty ? "" : " via " + via.map(\.description).joined(separator: ","))
            // Not the command itself: the guide's values are in it, secrets too.
            + (proxyCommand == nil ? "" : " through its ProxyCommand")
    }

    /// The name known_hosts uses: `host`, or `[host]:port` off port 22.
    public var knownHostsName: String { port == 22 ? host : "[\(host)]:\(port)" }

    /// Parses `ssh://[user@]host[:port]` and applies `~/.ssh/config` (`config`) to the host:
    /// what the URI says wins over the config, as on the `ssh` command line.
    public static func parse(_ uri: String, config: SSHConfig = SSHConfig(), defaultUser: String = SSHEndpoint.localUser)
        throws(SSHError) -> SSHEndpoint
    {
        guard uri.hasPrefix("ssh://") else { throw SSHError.badAddress(uri, "expected ssh://[user@]host[:port]") }
        var rest = Substring(uri.dropFirst("ssh://".count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            if user?.isEmpty ?? true { throw SSHError.badAddress(uri, "the user before @ is empty") }
        }
        var port: Int?
        var host = String(rest)
        if rest.hasPrefix("[") {
            // [::1]:2222
            guard let close = rest.firstIndex(of: "]") else { throw SSHError.badAddress(uri, "unclosed [") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = Int(rest[rest.index(after: colon)...]) ?? -1
        }
        if let port, !(1...65535).contains(port) { throw SSHError.badAddress(uri, "the port must be 1…65535") }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { throw SSHError.badAddress(uri, "no host") }
        return config.endpoint(for: host, user: user, port: port, defaultUser: defaultUser)
    }

    /// The local user's name, the default remote user as for `ssh`.
    public static var localUser: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}

/// Why an SSH connection or command failed. Every case says which host and what to do.
public enum SSHError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An `ssh://` address that cannot be used.
    case badAddress(String, String)
    /// TCP could not connect (refused, unreachable, timed out, name unknown).
    case connect(String, String)
    /// The SSH handshake failed.
    case handshake(String, String)
    /// The host is not in known_hosts and new keys are not accepted.
    case unknownHostKey(host: String, fingerprint: String, file: String)
    /// The host presented a different key than known_hosts records: never accepted.
    case changedHostKey(host: String, fingerprint: String, file: String)
    /// known_hosts marks the key the host presented `@revoked` (`file:line`): never accepted.
    case revokedHostKey(host: String, fingerprint: String, file: String, line: Int)
    /// No identity was accepted.
    case authentication(String, String)
    /// A channel or command failed.
    case channel(String, String)
    /// The connection dropped.
    case lost(String, String)

    /// One line (or a few) that a person can act on.
    public var description: String {
        switch self {
        case .badAddress(let uri, let why): "\(uri): \(why)"
        case .connect(let host, let why): "cannot connect to \(host): \(why)"
        case .handshake(let host, let why): "\(host): SSH handshake failed: \(why)"
        case .unknownHostKey(let host, let fingerprint, let file):
            "the authenticity of host \(host) can't be established: its key \(fingerprint) is not in \(file); "
                + "check the fingerprint, then add it (ssh-keyscan, or one run with --accept-new-host-keys)"
        case .changedHostKey(let host, let fingerprint, let file):
            "REMOTE HOST IDENTIFICATION HAS CHANGED for \(host): it now offers \(fingerprint), which does not match \(file). "
                + "Someone could be eavesdropping, or the host was rebuilt; if you know why, remove the old entry (ssh-keygen -R) and try again"
        case .revokedHostKey(let host, let fingerprint, let file, let line):
            "\(host) offers the key \(fingerprint), which \(file):\(line) marks @revoked; refused. "
                + "The host must be given a new key before anything connects to it"
        case .authentication(let host, let why): "\(host): permission denied: \(why)"
        case .channel(let host, let why): "\(host): \(why)"
        case .lost(let host, let why): "connection to \(host) lost: \(why)"
        }
    }
}
