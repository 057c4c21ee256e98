import ArgumentParser
import Foundation
import RunbookJournal
import RunbookModel
import RunbookRender

func clock(_ seconds: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
}

/// `runbook runs`: the runs in the state directory.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs: id, guide, status, progress, start and duration.",
        discussion: """
            Example:
              runbook runs
              runbook status 20261123-0142-7f3a
            """)

    @Option(help: ArgumentHelp("Where runs are kept.", valueName: "dir")) var stateDir = ".runbook"
    @Flag(help: "Write JSON (schema 1).") var json = false

    struct Entry: Encodable {
        var id: String
        var guide: String
        var status: String
        var steps: Int
        var finished: Int
        var started: String
        var ended: String?
    }
    struct Document: Encodable {
        var schema = 1
        var runs: [Entry]
    }

    func run() throws {
        var views: [RunView] = []
        for directory in RunStore.directories(in: stateDir) {
            do {
                views.append(try RunStore.load(directory))
            } catch {
                Terminal.warning(error.description)
            }
        }
        if json {
            let entries = views.map { view in
                Entry(
                    id: view.run.id, guide: view.run.guide, status: view.status, steps: view.steps.count,
                    finished: Self.finishedCount(view),
                    started: clock(view.run.started), ended: view.run.ended.map(clock))
            }
            Terminal.write(JSONOutput.encode(Document(runs: entries)) + "\n")
            return
        }
        if views.isEmpty {
            Terminal.write("no runs in \(stateDir)\n")
            return
        }
        for view in views { Terminal.write(Self.line(view) + "\n") }
    }

    /// The step statuses that count as done in a run's progress.
    static let finished: Set<String> = ["succeeded", "failed", "skipped"]

    /// How many of a run's steps are done, as both the list and its JSON count them.
    static func finishedCount(_ view: RunView) -> Int { view.steps.filter { finished.contains($0.status) }.count }

    /// One run as `runs` lists it: id, status, progress (with how many steps failed, since a
    /// failed step is finished too), start, how long it took, guide.
    static func line(_ view: RunView) -> String {
        let done = finishedCount(view)
        let failed = view.steps.filter { $0.status == "failed" }.count
        var progress = "\(done)/\(view.steps.count) steps"
        if failed > 0 { progress += ", \(failed) failed" }
        let took = view.run.ended.map { String(format: "%.1f s", $0 - view.run.started) } ?? "-"
        return [view.run.id, pad(view.status, 11), pad(progress, 22), clock(view.run.started), pad(took, 8), view.run.guide]
            .joined(separator: "  ")
    }
}

/// `runbook status [RUN]`: every step of a run.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every step of a run (the newest by default) with its status.",
        discussion: """
            Example:
              runbook status
              runbook status 20261123-0142 --json
            """)

    @Argument(help: "Run id or a unique prefix; the newest run when omitted.") var runID: String?
    @Option(help: ArgumentHelp("Where runs are kept.", valueName: "dir")) var stateDir = ".runbook"
    @Flag(help: "Write JSON (schema 1).") var json = false

    func run() throws {
        let view: RunView
        do {
            view = try RunStore.view(runID, in: stateDir)
        } catch {
            throw CLIError(message: error.description)
        }
        if json {
            Terminal.write(RunReport.json(view))
            return
        }
        Terminal.write("run \(view.run.id)  \(view.status)  \(view.run.guide)  started \(clock(view.run.started))\n")
        let width = view.steps.map(\.id.count).max() ?? 0
        for step in view.steps {
            var line = String(format: "%4d  ", step.number) + pad(step.id, width) + "  " + pad(step.status, 11)
            if let code = step.exitCode { line += "  exit \(code)" }
            if let seconds = RunReport.seconds(step) { line += String(format: "  %.1f s", seconds) }
            if step.attempts > 1 { line += "  \(step.attempts) attempts" }
            if let failed = step.failedLine { line += "  at \(view.run.guide):\(failed)" }
            if let note = step.note { line += "  (\(note))" }
            Terminal.write(line + "\n")
            for host in view.hosts(of: step.number) {
                var detail = "        " + pad(host.host, width - 2) + "  " + pad(host.status, 11)
                if let code = host.exitCode { detail += "  exit \(code)" }
                detail += String(format: "  %.1f s", host.duration)
                if let note = host.note { detail += "  (\(note))" }
                Terminal.write(detail + "\n")
            }
        }
    }
}
