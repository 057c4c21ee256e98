import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The parts of `~/.ssh/config` runbook honours: `Host` blocks with `HostName`, `User`, `Port`
/// and `IdentityFile`, read as OpenSSH reads them (the first value obtained wins;
/// identity files accumulate; patterns with `*`, `?` and `!`; `Include`). `Match` blocks
/// are skipped, since their conditions need more than a host name.
public struct SSHConfig: Sendable {
    struct Block: Sendable {
        var patterns: [String]
        var options: [(key: String, value: String)]
    }

    var blocks: [Block] = []
    /// How many levels of `ProxyJump` to read: a host's, its first hop's own, and so on (a
    /// cycle of hosts jumping through each other ends here).
    var jumpDepth = 4
    let home: String

    /// An empty configuration.
    public init(home: String = SSHConfig.homeDirectory) {
        self.home = home
    }

    /// Parses config text. `file` names it in nothing (the config is advisory); unknown
    /// keywords are ignored, as `ssh` ignores what it does not use here.
    public init(text: String, home: String = SSHConfig.homeDirectory, includeDepth: Int = 0) {
        self.home = home
        var current = Block(patterns: ["*"], options: [])
        var skipping = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (key, value) = Self.keyValue(line)
            switch key {
            case "host":
                blocks.append(current)
                current = Block(patterns: value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init), options: [])
                skipping = false
            case "match":
                blocks.append(current)
                current = Block(patterns: [], options: [])
                skipping = true
            case "include" where !skipping && includeDepth < 8:
                for path in value.split(separator: " ").map(String.init) {
                    let full =
                        path.hasPrefix("/") || path.hasPrefix("~/")
                        ? Self.expandingHome(path, home: home) : home + "/.ssh/" + path
                    for file in Self.glob(full) {
                        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
                        let included = SSHConfig(text: text, home: home, includeDepth: includeDepth + 1)
                        blocks.append(current)
                        blocks.append(contentsOf: included.blocks)
                        current = Block(patterns: current.patterns, options: [])
                    }
                }
            default:
                if !skipping { current.options.append((key, value)) }
            }
        }
        blocks.append(current)
    }

    /// Reads `~/.ssh/config`; a missing file is an empty configuration.
    public static func load(home: String = SSHConfig.homeDirectory) -> SSHConfig {
        guard let text = try? String(contentsOfFile: home + "/.ssh/config", encoding: .utf8) else { return SSHConfig(home: home) }
        return SSHConfig(text: text, home: home)
    }

    /// `path` with a leading `~/` made `home`'s, as ssh reads it.
    public static func expandingHome(_ path: String, home: String = homeDirectory) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }

    /// `$HOME`, else the password database's.
    public static var homeDirectory: String {
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return home }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// True when a `Host` line names `name` literally (not only through a wildcard).
    public func hasHost(named name: String) -> Bool {
        blocks.contains { $0.patterns.contains { $0.lowercased() == name.lowercased() } }
    }

    /// The endpoint for `alias`: explicit `user` and `port` win over the config.
    public func endpoint(for alias: String, user: String?, port: Int?, defaultUser: String = SSHEndpoint.localUser) -> SSHEndpoint
    {
        var hostName: String?
        var configUser: String?
        var configPort: Int?
        var identities: [String] = []
        var proxy: String?
        var jump: String?
        for block in blocks where Self.matches(alias, patterns: block.patterns) {
            for (key, value) in block.options {
                switch key {
                case "proxyjump" where jump == nil && proxy == nil: jump = value
                case "proxycommand" where jump == nil && proxy == nil: proxy = value.lowercased() == "none" ? "" : value
                case "hostname" where hostName == nil: hostName = value.replacingOccurrences(of: "%h", with: alias)
                case "user" where configUser == nil: configUser = value
                case "port" where configPort == nil: configPort = Int(value)
                case "identityfile": identities.append(value)
                default: break
                }
            }
        }
        let resolvedUser = user ?? configUser ?? defaultUser
        let host = hostName ?? alias
        let expanded = identities.map { expand($0, user: resolvedUser, host: host) }
        var endpoint = SSHEndpoint(
            label: alias, host: host, port: port ?? configPort ?? 22, user: resolvedUser, identityFiles: expanded)
        endpoint.proxyCommand = proxy.flatMap { $0.isEmpty ? nil : $0 }
        // A hop that cannot be read is kept as the proxy, for the connection to refuse with it.
        if jumpDepth > 0, let jump, jump.lowercased() != "none" {
            var hops = self
            hops.jumpDepth -= 1
            do throws(SSHError) {
                endpoint.via = try SSHEndpoint.jumps(jump, config: hops) ?? []
            } catch {
                endpoint.proxy = "ProxyJump \(jump) (\(error))"
            }
        }
        return endpoint
    }

    private func expand(_ path: String, user: String, host: String) -> String {
        Self.expandingHome(path, home: home).replacingOccurrences(of: "%d", with: home)
            .replacingOccurrences(of: "%r", with: user)
            .replacingOccurrences(of: "%h", with: host)
            .replacingOccurrences(of: "%%", with: "%")
    }

    static func keyValue(_ line: String) -> (String, String) {
        // `Key value`, `Key=value` and `Key = value` are all accepted by ssh.
        let separator = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) ?? line.endIndex
        let key = line[..<separator].lowercased()
        var value = line[separator...].drop(while: { $0 == " " || $0 == "\t" || $0 == "=" })
        value = value.drop(while: { $0 == " " || $0 == "\t" })
        var text = String(value).trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return (key, text)
    }

    /// OpenSSH pattern lists: any positive match, and no negated match.
    static func matches(_ host: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns.flatMap({ $0.split(separator: ",").map(String.init) }) {
            if pattern.hasPrefix("!") {
                if wildcard(String(pattern.dropFirst()), host) { return false }
            } else if wildcard(pattern, host) {
                matched = true
            }
        }
        return matched
    }

    static func wildcard(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern.lowercased(), text.lowercased(), 0) == 0
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
