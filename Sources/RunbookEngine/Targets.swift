import Foundation
import RunbookGuide
import RunbookModel
import RunbookSSH

/// Where one target's steps run, once bound.
public struct TargetPlacement: Sendable {
    /// The guide's name for it.
    public var name: String
    /// The hosts; empty for this machine.
    public var hosts: [SSHEndpoint]

    /// True when steps run on this machine.
    public var isLocal: Bool { hosts.isEmpty }
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
            } else if let uri = declared?.uri {
                let expanded = binding.resolved(uri)
                // An unbound variable in the address is reported as such by preflight.
                guard !expanded.contains("$") else { continue }
                do throws(SSHError) {
                    placements[name] = TargetPlacement(
                        name: name,
                        hosts: expanded == "local"
                            ? [] : [try endpoint(expanded, declared: declared, binding: binding, config: request.config)])
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

    private static func endpoint(_ uri: String, declared: TargetDecl?, binding: Binding, config: SSHConfig) throws(SSHError)
        -> SSHEndpoint
    {
        var endpoint = try SSHEndpoint.parse(uri, config: config)
        if let identity = declared?.identity.map({ binding.resolved($0) }), !identity.contains("$") {
            endpoint.identityFiles.insert(SSHConfig.expandingHome(identity), at: 0)
        }
        // The guide's `ssh -J` line: its jump hosts, each with `~/.ssh/config` applied.
        if declared?.source == "ssh-line", let jump = declared?.jump.map({ binding.resolved($0) }),
            let hops = try SSHEndpoint.jumps(jump, config: config)
        {
            endpoint.via = hops
            endpoint.proxy = nil
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
