import Foundation
import RunbookGuide
import RunbookModel
import RunbookSSH

/// Where one target's steps run, once bound.
public struct TargetPlacement: Sendable {
    /// The guide's name for it.
    public var name: String
    /// The hosts; empty for this machine, and for a target reached late.
    public var hosts: [SSHEndpoint]
    /// An address that holds names an earlier step sets, so it is known only during the run.
    public var late: LateAddress? = nil

    /// True when steps run on this machine.
    public var isLocal: Bool { hosts.isEmpty && late == nil }
}

/// A target that cannot be reached when its step comes.
public struct UnreachedTarget: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A target whose address holds names an earlier step of the guide sets, as in
/// `export IP=$(terraform output -raw public_ip)` and then `ssh ubuntu@$IP`: the run reaches
/// it when its first step comes, with the values the setting steps' shells then hold.
public struct LateAddress: Sendable {
    /// A name in the address and the step that sets it.
    public struct Setter: Sendable {
        public var name: String
        public var step: Step
    }

    /// The address, with what the binding gives filled in.
    public var uri: String
    /// Each name still in the address (or its identity file or jump hosts), in order.
    public var setters: [Setter]
    let declared: TargetDecl?
    let binding: Binding
    let config: SSHConfig

    /// The late address of `declared`, whose `open` names the binding leaves unset: each is
    /// set by the last step before `step` that assigns it. Nil when a name without such a step
    /// is the guide's own variable (preflight reports it unbound); a problem when it is not.
    static func find(
        _ open: [String], in declared: TargetDecl?, before step: Step, guide: Guide, binding: Binding, config: SSHConfig
    ) -> (late: LateAddress?, problem: PreflightProblem?) {
        let setters = open.compactMap { name in guide.setter(of: name, before: step).map { Setter(name: name, step: $0) } }
        let uri = declared?.uri ?? ""
        if setters.count == open.count {
            return (
                LateAddress(uri: binding.resolved(uri), setters: setters, declared: declared, binding: binding, config: config),
                nil
            )
        }
        let declaredNames = Set(guide.variables.map(\.name))
        guard let unset = open.first(where: { name in !declaredNames.contains(name) && !setters.contains { $0.name == name } })
        else { return (nil, nil) }
        let target = step.target.name
        return (
            nil,
            PreflightProblem(
                message: "target \(target)'s address \(uri) needs \(unset), which nothing binds and no step before step "
                    + "\(step.number) sets; bind it with --target \(target)=ssh://user@host[:port]",
                location: step.location)
        )
    }

    /// The endpoint once `values` give each setter's name.
    public func endpoint(values: [String: String]) throws(SSHError) -> SSHEndpoint {
        let fill = { (text: String) in ShellExpansion.substitute(self.binding.resolved(text)) { values[$0] } }
        return try Targets.endpoint(fill(uri), declared: declared, resolve: fill, config: config)
    }

    /// "IP, set by step 2 (provision/2)".
    public var origin: String {
        setters.map { "\($0.name), set by step \($0.step.number) (\($0.step.id))" }.joined(separator: "; ")
    }
}

/// What the command line says about targets.
public struct TargetRequest: Sendable {
    /// `--target NAME=URI`.
    public var explicit: [String: String] = [:]
    /// `--inventory FILE`.
    public var inventory: Inventory?
    /// `~/.ssh/config`.
    public var config: SSHConfig

    /// A request with nothing bound beyond the guide and `config`.
    public init(explicit: [String: String] = [:], inventory: Inventory? = nil, config: SSHConfig = SSHConfig()) {
        self.explicit = explicit
        self.inventory = inventory
        self.config = config
    }

    /// The guide with its targets as this request binds them, first match winning: `--target`,
    /// an inventory group or host of that name, the guide's own address (front matter, an `ssh`
    /// line), a `Host` of that name in `~/.ssh/config`. Each bound target says how (`source`:
    /// `--target`, `inventory`, `ssh-config`) and names its hosts, for `plan`; `Targets.place`
    /// reaches the same hosts.
    public func applied(to guide: Guide) -> Guide {
        var guide = guide
        for i in guide.targets.indices where guide.targets[i].name != "local" {
            let name = guide.targets[i].name
            if let uri = explicit[name] {
                guide.targets[i].uri = uri
                guide.targets[i].source = "--target"
                guide.targets[i].hosts = [
                    uri == "local" ? "localhost" : (try? SSHEndpoint.parse(uri, config: config))?.named ?? uri
                ]
            } else if let inventory, let hosts = inventory.hosts(named: name) {
                guide.targets[i].uri = "inventory \(inventory.path) [\(name)]"
                guide.targets[i].source = "inventory"
                guide.targets[i].hosts = hosts.map { inventory.endpoint(for: $0, config: config).named }
            } else if guide.targets[i].uri == nil, config.hasHost(named: name) {
                guide.targets[i].uri = "ssh://\(name)"
                guide.targets[i].source = "ssh-config"
                guide.targets[i].hosts = [config.endpoint(for: name, user: nil, port: nil).named]
            }
        }
        return guide
    }
}

/// Binds targets to machines and connects to them, before anything runs.
public enum Targets {
    /// The placement of every target `steps` run on, bound as `TargetRequest.applied` says.
    public static func place(guide: Guide, binding: Binding, steps: [Step], request: TargetRequest) -> (
        [String: TargetPlacement], [PreflightProblem]
    ) {
        let guide = request.applied(to: guide)
        var placements: [String: TargetPlacement] = [:]
        var problems: [PreflightProblem] = []
        var seen: Set<String> = []
        for step in steps where !seen.contains(step.target.name) {
            let name = step.target.name
            seen.insert(name)
            let declared = guide.targets.first { $0.name == name }
            if name == "local" {
                placements[name] = TargetPlacement(name: name, hosts: [])
            } else if declared?.source == "inventory", let inventory = request.inventory, let hosts = inventory.hosts(named: name)
            {
                guard !hosts.isEmpty else {
                    problems.append(
                        PreflightProblem(
                            message: "target \(name) is inventory group \(name) in \(inventory.path), which has no hosts",
                            location: step.location))
                    continue
                }
                placements[name] = TargetPlacement(
                    name: name, hosts: hosts.map { inventory.endpoint(for: $0, config: request.config) })
            } else if let declared, let uri = declared.uri {
                let expanded = binding.resolved(uri)
                let open = guide.openNames(in: declared, binding: binding)
                if !open.isEmpty {
                    // An unbound variable of the guide's is reported as such above; a name an
                    // earlier step sets is filled in when the run comes to this target.
                    let found = LateAddress.find(
                        open, in: declared, before: step, guide: guide, binding: binding, config: request.config)
                    if let late = found.late { placements[name] = TargetPlacement(name: name, hosts: [], late: late) }
                    if let problem = found.problem { problems.append(problem) }
                    continue
                }
                do throws(SSHError) {
                    placements[name] = TargetPlacement(
                        name: name,
                        hosts: expanded == "local"
                            ? [] : [try endpoint(expanded, declared: declared, resolve: binding.resolved, config: request.config)]
                    )
                } catch {
                    problems.append(PreflightProblem(message: "target \(name): \(error.description)", location: step.location))
                }
            } else {
                problems.append(
                    PreflightProblem(
                        message: "target \(name) is not bound (first used by step \(step.number) \(step.id)); "
                            + "bind it with --target \(name)=ssh://user@host[:port], an --inventory group [\(name)], or a Host \(name) entry in ~/.ssh/config",
                        location: step.location))
            }
        }
        return (placements, problems)
    }

    /// The endpoint of `uri`, with the guide's identity file and jump hosts, their names
    /// filled in by `resolve`.
    static func endpoint(_ uri: String, declared: TargetDecl?, resolve: (String) -> String, config: SSHConfig)
        throws(SSHError) -> SSHEndpoint
    {
        var endpoint = try SSHEndpoint.parse(uri, config: config)
        if let identity = declared?.identity.map(resolve), !identity.contains("$") {
            endpoint.identityFiles.insert(SSHConfig.expandingHome(identity), at: 0)
        }
        // The guide's `ssh -J` line: its jump hosts, each with `~/.ssh/config` applied.
        if declared?.source == "ssh-line", let jump = declared?.jump.map(resolve),
            let hops = try SSHEndpoint.jumps(jump, config: config)
        {
            endpoint.via = hops
            endpoint.proxy = nil
            endpoint.proxyCommand = nil
        }
        // Its `ssh -o ProxyCommand=…`: the command the connection runs over, bound names in it.
        if declared?.source == "ssh-line", let command = declared?.proxyCommand.map(resolve) {
            endpoint.via = []
            endpoint.proxy = nil
            endpoint.proxyCommand = command
        }
        return endpoint
    }

    /// Connects to every host of every remote placement, `forks` at a time. Each failure is a
    /// preflight problem naming the host; nothing is left connected when there is one.
    public static func connect(_ placements: [String: TargetPlacement], options: SSHOptions, forks: Int) -> (
        [String: [SSHConnection]], [PreflightProblem]
    ) {
        let jobs = placements.values.sorted { $0.name < $1.name }.flatMap { placement in
            placement.hosts.map { (placement.name, $0) }
        }
        guard !jobs.isEmpty else { return ([:], []) }
        let results = Fleet.map(jobs, forks: forks) { job -> Result<SSHConnection, SSHError> in
            do throws(SSHError) {
                return .success(try SSHConnection(endpoint: job.1, options: options))
            } catch {
                return .failure(error)
            }
        }
        var connections: [String: [SSHConnection]] = [:]
        var problems: [PreflightProblem] = []
        for (job, result) in zip(jobs, results) {
            switch result {
            case .success(let connection): connections[job.0, default: []].append(connection)
            case .failure(let error):
                let host = job.1.label == job.1.host ? "" : " (\(job.1.label))"
                problems.append(PreflightProblem(message: "target \(job.0)\(host): \(error.description)", location: nil))
            }
        }
        if !problems.isEmpty {
            for list in connections.values { list.forEach { $0.close() } }
            return ([:], problems)
        }
        return (connections, [])
    }
}
