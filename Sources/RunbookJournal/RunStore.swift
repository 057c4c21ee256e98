import Foundation

/// A run as `runs` and `status` show it.
public struct RunView: Sendable {
    /// The run's directory.
    public var directory: URL
    /// Its header.
    public var run: RunRecord
    /// Its steps.
    public var steps: [StepRecord]
    /// The status to show: a `running` run whose lock nobody holds was killed, so it is
    /// `interrupted`, and so is its running step.
    public var status: String
    /// Per-host results of steps that ran on several hosts.
    public var hosts: [HostRecord] = []

    /// The host results of one step, in the order the hosts were bound.
    public func hosts(of step: Int) -> [HostRecord] { hosts.filter { $0.step == step } }
}

/// The runs kept under a state directory (`.runbook/runs/<id>/journal.sqlite`).
public enum RunStore {
    /// Run directories, newest first (ids sort by time).
    public static func directories(in stateDirectory: String) -> [URL] {
        let runs = URL(fileURLWithPath: stateDirectory).appendingPathComponent("runs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        return names.sorted(by: >).map { runs.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: Journal.url(in: $0).path) }
    }

    /// Loads one run.
    public static func load(_ directory: URL) throws(JournalError) -> RunView {
        let journal = try Journal.open(in: directory)
        let run = try journal.run()
        var steps = try journal.steps()
        var status = run.status
        if status == "running" && !RunLock.isHeld(runDirectory: directory) {
            status = "interrupted"
            for i in steps.indices where steps[i].status == "running" { steps[i].status = "interrupted" }
        }
        return RunView(directory: directory, run: run, steps: steps, status: status, hosts: try journal.hostResults())
    }

    /// Loads the run `find` names.
    public static func view(_ id: String?, in stateDirectory: String) throws(JournalError) -> RunView {
        try load(try find(id, in: stateDirectory))
    }

    /// The run named `id` (or a unique prefix of it); the newest when nil.
    public static func find(_ id: String?, in stateDirectory: String) throws(JournalError) -> URL {
        let all = directories(in: stateDirectory)
        guard let id else {
            guard let newest = all.first else {
                throw JournalError(description: "no runs in \(stateDirectory); start one with runbook exec GUIDE")
            }
            return newest
        }
        let matches = all.filter { $0.lastPathComponent == id || $0.lastPathComponent.hasPrefix(id) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw JournalError(description: "no run \(id) in \(stateDirectory); runbook runs lists them") }
        throw JournalError(description: "\(id) names several runs: " + matches.map(\.lastPathComponent).joined(separator: ", "))
    }
}
