import Foundation
import RunbookModel

/// An Ansible INI inventory: `[group]` sections of hosts with `ansible_host`, `ansible_port`,
/// `ansible_user` and `ansible_ssh_private_key_file`; `[group:vars]` (and `[all:vars]`)
/// defaults; `[group:children]`; numeric ranges such as `web[01:03]`. A group name is a
/// target name and binds all of the group's hosts; a host name binds that host.
public struct Inventory: Sendable {
    /// A host as the inventory describes it.
    public struct Host: Sendable, Equatable {
        /// The inventory name.
        public var name: String
        /// Its own variables.
        public var vars: [String: String]
    }

    /// The file it came from.
    public let path: String
    var hosts: [String: Host] = [:]
    var hostOrder: [String] = []
    var groups: [String: [String]] = [:]
    var children: [String: [String]] = [:]
    var groupVars: [String: [String: String]] = [:]
    var groupLines: [String: Int] = [:]

    /// Parses inventory text; a malformed line is an error naming `path:line`.
    public init(text: String, path: String) throws(InventoryError) {
        self.path = path
        enum Section {
            case hosts(String)
            case vars(String)
            case children(String)
        }
        var section = Section.hosts("ungrouped")
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw InventoryError(
                        path: path, line: number,
                        message: "a section header must look like [group], [group:vars] or [group:children]")
                }
                let name = String(line.dropFirst().dropLast())
                let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
                guard let group = parts.first, Self.validName(group) else {
                    throw InventoryError(path: path, line: number, message: "'\(name)' is not a valid group name")
                }
                switch parts.count == 2 ? parts[1] : "" {
                case "": section = .hosts(group)
                case "vars": section = .vars(group)
                case "children": section = .children(group)
                default:
                    throw InventoryError(
                        path: path, line: number, message: "unknown section kind ':\(parts[1])' (expected :vars or :children)")
                }
                if groups[group] == nil { groups[group] = [] }
                if groupLines[group] == nil { groupLines[group] = number }
                continue
            }
            switch section {
            case .hosts(let group):
                let words = try Self.words(line, path: path, line: number)
                guard let first = words.first else { continue }
                var vars: [String: String] = [:]
                for word in words.dropFirst() {
                    guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                        throw InventoryError(path: path, line: number, message: "'\(word)' is not key=value")
                    }
                    vars[String(word[..<eq])] = String(word[word.index(after: eq)...])
                }
                for name in try Self.expand(first, path: path, line: number) {
                    if var existing = hosts[name] {
                        existing.vars.merge(vars) { $1 }
                        hosts[name] = existing
                    } else {
                        hosts[name] = Host(name: name, vars: vars)
                        hostOrder.append(name)
                    }
                    if !(groups[group] ?? []).contains(name) { groups[group, default: []].append(name) }
                    if let port = hosts[name]?.vars["ansible_port"] ?? hosts[name]?.vars["ansible_ssh_port"], Int(port) == nil {
                        throw InventoryError(path: path, line: number, message: "ansible_port=\(port) is not a number")
                    }
                }
            case .vars(let group):
                guard let eq = line.firstIndex(of: "="), eq != line.startIndex else {
                    throw InventoryError(path: path, line: number, message: "expected key=value in [\(group):vars]")
                }
                let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                    value = String(value.dropFirst().dropLast())
                }
                groupVars[group, default: [:]][key] = value
            case .children(let group):
                guard Self.validName(line) else {
                    throw InventoryError(path: path, line: number, message: "'\(line)' is not a group name")
                }
                children[group, default: []].append(line)
            }
        }
        for (group, kids) in children {
            for kid in kids where groups[kid] == nil {
                throw InventoryError(
                    path: path, line: groupLines[group] ?? 1,
                    message: "[\(group):children] names '\(kid)', which is not a group in this inventory")
            }
        }
    }

    /// Reads an inventory file.
    public static func load(path: String) throws(InventoryError) -> Inventory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InventoryError(path: path, line: 0, message: "cannot read the inventory")
        }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            throw InventoryError(path: path, line: 0, message: "not a text file (an Ansible INI inventory is expected)")
        }
        return try Inventory(text: text, path: path)
    }

    /// Group names, then host names: everything a target can be bound to.
    public var names: [String] { groups.keys.filter { $0 != "ungrouped" }.sorted() + hostOrder }

    /// The hosts a target name binds: a group's (children included), or one host; nil when
    /// the inventory does not know the name. `all` is every host.
    public func hosts(named name: String) -> [String]? {
        if name == "all" { return hostOrder }
        if groups[name] != nil {
            var seen: Set<String> = []
            var out: [String] = []
            var visiting: Set<String> = []
            func add(_ group: String) {
                guard !visiting.contains(group) else { return }
                visiting.insert(group)
                for host in groups[group] ?? [] where !seen.contains(host) {
                    seen.insert(host)
                    out.append(host)
                }
                for kid in children[group] ?? [] { add(kid) }
            }
            add(name)
            return out
        }
        return hosts[name] != nil ? [name] : nil
    }

    /// The endpoint for one inventory host: its own variables, then its groups', then
    /// `all:vars`; `~/.ssh/config` applies to the address as for `ssh`.
    public func endpoint(for name: String, config: SSHConfig, defaultUser: String = SSHEndpoint.localUser) -> SSHEndpoint {
        var vars: [String: String] = groupVars["all"] ?? [:]
        for group in groups.keys.sorted() where group != "all" && (hosts(named: group) ?? []).contains(name) {
            vars.merge(groupVars[group] ?? [:]) { $1 }
        }
        vars.merge(hosts[name]?.vars ?? [:]) { $1 }
        let address = vars["ansible_host"] ?? vars["ansible_ssh_host"] ?? name
        let user = vars["ansible_user"] ?? vars["ansible_ssh_user"]
        let port = (vars["ansible_port"] ?? vars["ansible_ssh_port"]).flatMap { Int($0) }
        var endpoint = config.endpoint(for: address, user: user, port: port, defaultUser: defaultUser)
        endpoint.label = name
        if let key = vars["ansible_ssh_private_key_file"] ?? vars["ansible_private_key_file"] {
            endpoint.identityFiles.insert(SSHConfig.expandingHome(key), at: 0)
        }
        // `ansible_ssh_common_args='-o ProxyJump=ops@bastion'` (or `-J`): the jump hosts.
        let args = [vars["ansible_ssh_common_args"], vars["ansible_ssh_extra_args"]].compactMap { $0 }.joined(separator: " ")
        switch Self.proxy(in: args) {
        case .jump(let hops):
            do throws(SSHError) {
                endpoint.via = try SSHEndpoint.jumps(hops, config: config) ?? []
                endpoint.proxy = nil
            } catch {
                endpoint.proxy = "ProxyJump \(hops) (\(error))"
            }
        case .command(let command):
            endpoint.via = []
            endpoint.proxyCommand = command
        case nil: break
        }
        return endpoint
    }

    /// How `ssh` options (`ansible_ssh_common_args`) reach a host: `-J HOPS`, `-o ProxyJump=HOPS`
    /// or `-o ProxyCommand=…`, the first of them winning as ssh reads options; nil when none does.
    static func proxy(in args: String) -> SSHArguments.Proxy? {
        guard args.contains("-J") || args.lowercased().contains("proxy"),
            let words = try? words(args, path: "", line: 0)
        else { return nil }
        return SSHArguments(words).proxy
    }

    static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
    }

    /// Splits a host line into words, honouring quotes in values.
    static func words(_ line: String, path: String, line number: Int) throws(InventoryError) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == " " || c == "\t" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if c == "#" && current.isEmpty {
                break
            } else {
                current.append(c)
            }
        }
        if quote != nil { throw InventoryError(path: path, line: number, message: "unclosed quote") }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `web[01:03].example.com` → web01…web03; `db[a:c]` → dba, dbb, dbc.
    static func expand(_ pattern: String, path: String, line number: Int) throws(InventoryError) -> [String] {
        guard let open = pattern.firstIndex(of: "["), let close = pattern[open...].firstIndex(of: "]") else { return [pattern] }
        let inside = pattern[pattern.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false).map(
            String.init)
        let prefix = String(pattern[..<open])
        let suffix = String(pattern[pattern.index(after: close)...])
        guard inside.count == 2 else {
            throw InventoryError(path: path, line: number, message: "a host range must look like [01:10] or [a:f]")
        }
        if let low = Int(inside[0]), let high = Int(inside[1]), low <= high, high - low < 10_000 {
            let width = inside[0].count
            return (low...high).map { prefix + String(format: "%0\(width)d", $0) + suffix }
        }
        if inside[0].count == 1, inside[1].count == 1, let a = inside[0].unicodeScalars.first?.value,
            let b = inside[1].unicodeScalars.first?.value, a <= b
        {
            return (a...b).compactMap { Unicode.Scalar($0).map { prefix + String(Character($0)) + suffix } }
        }
        throw InventoryError(path: path, line: number, message: "cannot expand the host range [\(inside.joined(separator: ":"))]")
    }
}

/// A problem in an inventory file, with its location.
public struct InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// 1-based line (0: the file as a whole).
    public var line: Int
    /// What is wrong.
    public var message: String

    /// `path:line: message`.
    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}
