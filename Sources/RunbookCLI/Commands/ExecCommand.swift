import ArgumentParser
import Foundation
import RunbookEngine
import RunbookGuide
import RunbookJournal
import RunbookModel
import RunbookRender
import RunbookSSH

#if canImport(Glibc)
    import Glibc
#endif

extension ManualMode: ExpressibleByArgument {}

/// `runbook exec GUIDE`: runs a guide's steps, in order, on this machine.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a guide: preflight, then each step with its assertions.",
        discussion: """
            Nothing runs until every variable the selected steps use is bound and every target \
            is reachable. Each target has one shell for the whole run, so `cd`, exports, functions \
            and an activated virtualenv carry from step to step. A step stops at its first failing \
            command; verification steps retry for up to 30 s. Exit status: 0 succeeded, 1 a step \
            failed, 2 bad input or preflight failed (nothing ran), 3 paused for a person, \
            4 interrupted.

            Example:
              runbook exec GUIDE_HOSTING.md --vars prod.env
              runbook exec runbooks/demo.md --section teardown --yes
            """)

    @OptionGroup var guide: GuideArgument
    @OptionGroup var binding: BindingOptions
    @Option(help: ArgumentHelp("Start at this step (number or id).", valueName: "step")) var from: String?
    @Option(help: ArgumentHelp("Stop after this step.", valueName: "step")) var to: String?
    @Option(help: ArgumentHelp("Run only these steps (repeatable).", valueName: "step")) var only: [String] = []
    @Option(help: ArgumentHelp("Run one section and its subsections, optional ones included.", valueName: "name")) var section:
        String?
    @Flag(help: "Do the whole preflight and print what would run where; run nothing.") var dryRun = false
    @Flag(help: "Ask before every step.") var step = false
    @OptionGroup var flags: RunFlags

    func run() throws {
        var guide = try binding.applyChoices(to: try self.guide.load())
        let bound = try binding.binding(for: guide)
        let request = try binding.targetRequest(for: guide)
        var selected = try select(in: guide)
        var placements = try Preflight.passed(
            guide: guide, binding: bound, steps: selected, request: request, what: "this guide can run")
        if selected.isEmpty {
            throw CLIError(message: "no steps selected; `runbook list \(self.guide.guide)` shows them")
        }
        let terminal = isatty(0) == 1 && isatty(1) == 1
        let style = Style(enabled: terminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        if dryRun {
            Terminal.write(DryRun.render(guide: guide, binding: bound, steps: selected, placements: placements))
            return
        }
        var connections = try Connections.open(
            placements, options: binding.sshOptions(), forks: flags.forks, binding: bound, what: "this guide can run")
        // Choices between systems for a machine go to the system it turns out to run, read
        // from it now that it is reached; the steps (and what they need) follow the choice.
        let systems = Connections.systems(of: guide.targetsWithSystemChoices, in: connections)
        let decided = guide.choosingPlatform(.current, remote: systems)
        if decided.choices != guide.choices {
            for (before, after) in zip(guide.choices, decided.choices) where before.chosen != after.chosen {
                Terminal.errorRaw("choice \(after.id): \(after.chosen), \(after.reason)")
            }
            guide = decided
            selected = try select(in: guide)
            let needed = try Preflight.passed(
                guide: guide, binding: bound, steps: selected, request: request, what: "this guide can run")
            let unreached = needed.filter { !$0.value.isLocal && connections[$0.key] == nil }
            placements = needed
            try connections.merge(
                Connections.open(
                    unreached, options: binding.sshOptions(), forks: flags.forks, binding: bound, what: "this guide can run")
            ) { $1 }
        }
        if terminal && !flags.yes {
            Terminal.errorRaw(DryRun.summary(guide: guide, steps: selected))
            Terminal.errorRaw("Run these steps? [y/N] ", newline: false)
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                throw CLIError(message: "not confirmed; nothing ran", status: ExitStatus.badInput)
            }
        }
        let directory: RunDirectory
        do {
            directory = try RunDirectory.create(in: flags.stateDir)
        } catch {
            throw CLIError(message: "cannot create the run directory in \(flags.stateDir): \(error.localizedDescription)")
        }
        let lock: RunLock
        let journal: Journal
        do {
            lock = try RunLock(runDirectory: directory.url)
            journal = try Journal.create(
                in: directory.url,
                run: RunRecord.describing(
                    guide: guide, binding: bound, steps: selected, targets: binding.recordedTargets(request), id: directory.id),
                steps: selected.map {
                    StepRecord(
                        number: $0.number, id: $0.id, contentHash: Journal.fingerprint($0.code + ($0.instructions ?? "")),
                        target: $0.target.description, status: StepStatus.pending.rawValue)
                })
        } catch {
            throw CLIError(message: error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        var options = flags.options(guide: guide, terminal: terminal)
        options.stepByStep = step
        let observer = TerminalObserver(guide: guide, style: style, json: flags.json)
        let started = Date()
        let summary = Runner(
            guide: guide, binding: bound, steps: selected, options: options, directory: directory, observer: observer,
            journal: journal, connections: connections, placements: placements, sshOptions: binding.sshOptions()
        ).run()
        Connections.close(connections)
        try flags.end(summary, guide: guide, directory: directory, observer: observer, elapsed: Date().timeIntervalSince(started))
    }
}

extension ExecCommand {
    /// The steps `--from`, `--to`, `--only` and `--section` select.
    func select(in guide: Guide) throws -> [Step] {
        do {
            return try Selection(from: from, to: to, only: only, section: section).steps(of: guide)
        } catch {
            throw CLIError(message: error.description)
        }
    }
}

/// Flags `exec` and `resume` share, and how both end a run.
struct RunFlags: ParsableArguments {
    @Flag(help: "Do not ask for confirmation on a terminal.") var yes = false
    @Flag(help: "A failed step does not stop the run; the run still ends failed.") var keepGoing = false
    @Option(help: "Manual steps: prompt (on a terminal; else pause), pause, or skip.") var manual: ManualMode = .prompt
    @Option(help: ArgumentHelp("Where runs are kept.", valueName: "dir")) var stateDir = ".runbook"
    @Flag(help: "Print the run as JSON (schema 1, as status --json) on stdout; step output goes to stderr.") var json = false
    @Option(help: ArgumentHelp("Hosts of a multi-host target a step runs on at once.", valueName: "n")) var forks = 10

    func validate() throws {
        if forks < 1 { throw ValidationError("--forks must be at least 1") }
    }

    /// Runner options from these flags and the guide's front matter.
    func options(guide: Guide, terminal: Bool) -> RunOptions {
        var options = RunOptions()
        options.keepGoing = keepGoing
        options.manual = manual
        options.terminal = terminal
        options.forks = forks
        if let shell = guide.settings.shell { options.shell = shell.hasPrefix("/") ? shell : "/bin/\(shell)" }
        return options
    }

    /// Prints the run's last lines (and JSON) and ends with its exit status.
    func end(_ summary: RunSummary, guide: Guide, directory: RunDirectory, observer: TerminalObserver, elapsed: Double) throws {
        observer.finish(summary, guide: guide, directory: directory, elapsed: elapsed)
        if json {
            // The run as its journal holds it, the same document `status --json` prints.
            do {
                Terminal.write(RunReport.json(try RunStore.load(directory.url)))
            } catch {
                throw CLIError(message: error.description)
            }
        }
        switch summary.status {
        case .succeeded, .running: return
        case .failed: throw ExitCode(ExitStatus.failed)
        case .paused: throw ExitCode(ExitStatus.paused)
        case .interrupted: throw ExitCode(ExitStatus.interrupted)
        }
    }
}

extension Preflight {
    /// Preflight as `exec` and `resume` run it for `steps` (manual ones need no binding or
    /// target): where each target is, or exit 2 naming every problem.
    static func passed(guide: Guide, binding: Binding, steps: [Step], request: TargetRequest, what: String) throws -> [String:
        TargetPlacement]
    {
        let (problems, placements) = check(
            guide: guide, binding: binding, steps: steps.filter { $0.kind != .manual }, request: request)
        try report(problems, binding: binding, what: what)
        return placements
    }

    /// Prints the problems and ends with exit 2 when there are any.
    static func report(_ problems: [PreflightProblem], binding: Binding, what: String) throws {
        guard !problems.isEmpty else { return }
        Terminal.errorRaw("preflight failed; nothing ran:")
        for problem in problems { Terminal.errorRaw("  " + binding.mask(problem.description)) }
        throw CLIError(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") to fix before \(what)")
    }
}

/// The SSH connections of a run.
enum Connections {
    /// The last part of preflight: every host reached, its key verified, logged in, and said
    /// so on stderr; exit 2 naming each host that was not.
    static func open(
        _ placements: [String: TargetPlacement], options: SSHOptions, forks: Int, binding: Binding, what: String
    ) throws -> [String: [SSHConnection]] {
        let (connections, unreachable) = Targets.connect(placements, options: options, forks: forks)
        try Preflight.report(unreachable, binding: binding, what: what)
        announce(connections)
        return connections
    }

    /// The system each of `targets` runs, read over its connection (`uname -s` and
    /// `/etc/os-release`); a target of several hosts only when they all run the same one.
    static func systems(of targets: Set<String>, in connections: [String: [SSHConnection]]) -> [String: Platform] {
        var systems: [String: Platform] = [:]
        for name in targets {
            guard let hosts = connections[name], !hosts.isEmpty else { continue }
            let read = hosts.compactMap { connection -> Platform? in
                guard let result = try? connection.execute("uname -s; cat /etc/os-release 2>/dev/null"), result.status == 0
                else { return nil }
                let lines = result.output.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                return Platform(uname: String(lines.first ?? ""), release: lines.count > 1 ? String(lines[1]) : "")
            }
            if read.count == hosts.count, let first = read.first, read.allSatisfy({ $0 == first }) { systems[name] = first }
        }
        return systems
    }

    /// Says on stderr which hosts were reached, and any host key newly recorded.
    private static func announce(_ connections: [String: [SSHConnection]]) {
        for (name, list) in connections.sorted(by: { $0.key < $1.key }) {
            for connection in list where connection.recordedHostKey {
                Terminal.warning(
                    "permanently added \(connection.endpoint.knownHostsName) (\(connection.fingerprint)) to the known hosts (--accept-new-host-keys)"
                )
            }
            let hosts = list.map(\.endpoint.named)
            Terminal.errorRaw("connected to \(name): \(hosts.joined(separator: ", "))")
        }
    }

    /// Ends every connection.
    static func close(_ connections: [String: [SSHConnection]]) {
        for list in connections.values { list.forEach { $0.close() } }
    }
}

/// ANSI styling, only on a terminal and never with NO_COLOR.
struct Style {
    var enabled: Bool
    func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { enabled ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    func yellow(_ s: String) -> String { enabled ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
}

/// Prints a run as it happens: a header per step, its output, its result.
final class TerminalObserver: RunObserver {
    let guide: Guide
    let style: Style
    let json: Bool

    init(guide: Guide, style: Style, json: Bool) {
        self.guide = guide
        self.style = style
        self.json = json
    }

    func out(_ text: String) {
        if json { Terminal.errorRaw(text) } else { Terminal.write(text + "\n") }
    }

    func stepStarted(_ step: Step, position: Int, of total: Int, attempt: Int) {
        if attempt > 1 {
            out(style.dim("   … attempt \(attempt)"))
            return
        }
        let where_ = step.kind == .manual ? "by a person" : "on \(step.target)"
        out(style.bold("── [\(position)/\(total)] \(step.number). \(step.id)  \(where_)  (\(guide.path):\(step.location.line))"))
    }

    func stepOutput(_ step: Step, line: String) {
        out("   │ " + line)
    }

    func stepOutput(_ step: Step, lines: [String]) {
        // One write for what arrived together: a step that prints a million lines is not a
        // million writes.
        out(lines.map { "   │ " + $0 }.joined(separator: "\n"))
    }

    func stepFinished(_ step: Step, result: StepResult) {
        let time = String(format: "%.2f s", result.duration)
        switch result.status {
        case .succeeded:
            let note = result.note.map { " (\($0))" } ?? ""
            let tries = result.attempts > 1 ? " after \(result.attempts) attempts" : ""
            out(style.green("   ✔ succeeded in \(time)\(tries)\(note)"))
        case .skipped:
            out(style.yellow("   ↷ skipped" + (result.note.map { ": \($0)" } ?? "")))
        case .paused:
            out(style.yellow("   ⏸ paused: " + (result.note ?? "waiting for a person")))
            for line in result.outputTail { out("   │ " + line) }
        case .interrupted:
            out(style.red("   ✘ interrupted"))
        case .failed:
            out(
                style.red(
                    "   ✘ failed" + (result.exitCode.map { " (exit status \($0))" } ?? "") + " in \(time)"
                        + (result.attempts > 1 ? " after \(result.attempts) attempts" : "")))
            // The failing command's own line when the shell said which, else the block's first.
            // On several hosts they are the first failing host's, which is named.
            let host = result.hosts.first { $0.status != .succeeded }.map { " (on \($0.host))" } ?? ""
            if let index = result.failedCodeLine {
                out("   at \(guide.path):\(result.failedLine ?? step.codeLine)\(host)")
                out("   command: \(step.code.lines[index].trimmedInline)")
            } else {
                out("   at \(guide.path):\(step.codeLine)\(host)")
                let first = step.code.split(separator: "\n").first.map(String.init) ?? ""
                out("   command: \(first)\(step.code.contains("\n") ? " …" : "")")
            }
            if let note = result.note { out("   \(note)") }
            for assertion in result.assertions where !assertion.passed {
                out("   expected \(assertion.expected), got \(assertion.actual)")
            }
            if !result.outputTail.isEmpty {
                out("   last output:")
                for line in result.outputTail.suffix(5) { out("     " + line) }
            }
        case .pending, .running:
            break
        }
    }

    func askManual(_ step: Step, instructions: String) -> ManualAnswer {
        for line in instructions.lines { out("   │ " + line) }
        while true {
            Terminal.errorRaw("   Done? [d]one / [s]kip / [a]bort: ", newline: false)
            guard let answer = readLine()?.lowercased() else { return .abort }
            switch answer {
            case "d", "done", "y", "yes": return .done
            case "s", "skip": return .skip
            case "a", "abort", "q": return .abort
            default: continue
            }
        }
    }

    func confirmStep(_ step: Step, position: Int, of total: Int) -> Bool {
        Terminal.errorRaw("Run step \(step.number) \(step.id) on \(step.target)? [Y/n] ", newline: false)
        let answer = readLine()?.lowercased() ?? "n"
        return answer.isEmpty || answer == "y" || answer == "yes"
    }

    func willAttach(_ step: Step, instructions: String?) {
        for line in instructions?.lines ?? [] { out("   │ " + line) }
        out(style.dim("   (this step uses the terminal; runbook continues when it ends)"))
    }

    func reached(_ target: String, host: String, origin: String) {
        Terminal.errorRaw("connected to \(target): \(host) (its address from \(origin))")
    }

    func finish(_ summary: RunSummary, guide: Guide, directory: RunDirectory, elapsed: Double) {
        let counts = Dictionary(grouping: summary.results, by: { $0.result.status }).mapValues(\.count)
        let parts = [StepStatus.succeeded, .failed, .skipped, .paused, .interrupted].compactMap { status in
            counts[status].map { "\($0) \(status.rawValue)" }
        }
        let line =
            "run \(summary.id) \(summary.status.rawValue): " + parts.joined(separator: ", ")
            + String(format: " in %.1f s", elapsed) + "; logs in \(directory.url.path)"
        let colored =
            summary.status == .succeeded ? style.green(line) : summary.status == .failed ? style.red(line) : style.yellow(line)
        out("")
        out(colored)
        if let paused = summary.pausedAt {
            out("when step \(paused.number) is done: runbook resume \(summary.id) --confirm")
        } else if summary.status == .failed {
            out("after fixing the cause: runbook resume \(summary.id)")
        } else if summary.status == .interrupted {
            out("to continue: runbook resume \(summary.id) --rerun-interrupted (or --skip-interrupted)")
        }
    }
}

/// `exec --dry-run` and the confirmation summary.
enum DryRun {
    static func render(guide: Guide, binding: Binding, steps: [Step], placements: [String: TargetPlacement]) -> String {
        var out = ["preflight passed; \(steps.count) step\(steps.count == 1 ? "" : "s") would run (nothing was run):", ""]
        let bound = binding.values.filter { $0.value != nil }
        if !bound.isEmpty {
            out.append("environment of every step:")
            for value in bound { out.append("  \(value.name)=\(value.secret ? "****" : value.value!)") }
            out.append("")
        }
        for step in steps {
            let hosts = placements[step.target.name].flatMap {
                $0.isLocal
                    ? ($0.name == "local" ? nil : "this machine")
                    : $0.late.map { "\($0.uri), reached when its step comes: \($0.origin)" }
                        ?? $0.hosts.map(\.named).joined(separator: ", ")
            }
            let where_ = step.kind == .manual ? "by a person" : "on \(step.target)" + (hosts.map { " (\($0))" } ?? "")
            out.append("\(step.number). \(step.id)  \(step.kind.rawValue)  \(where_)  (\(guide.path):\(step.location.line))")
            if let path = step.writesFile {
                let how = step.expandsVariables ? "with $NAMEs filled in by the shell" : "as written"
                out.append(
                    "    writes \(binding.display(path))\(step.annotations["mode"].map { " (mode \($0))" } ?? ""), \(how):")
            } else if let runner = step.runner {
                out.append("    runs with \(runner):")
            }
            let body = step.kind == .manual ? (step.instructions ?? step.code) : step.code
            for line in body.lines { out.append("    " + binding.mask(String(line))) }
            if let note = step.machineNote { out.append("    " + note) }
            let expectations = step.expectations.filter { $0 != .exitStatus(0) }
            if !expectations.isEmpty {
                out.append(
                    "    expects: " + expectations.map { binding.mask(binding.display($0.description)) }.joined(separator: "; "))
            }
            if step.kind == .verification { out.append("    retries for up to 30 s until its checks pass") }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    static func summary(guide: Guide, steps: [Step]) -> String {
        var lines = ["\(guide.title): \(steps.count) steps"]
        for step in steps.prefix(15) {
            lines.append(
                String(format: "%4d. ", step.number)
                    + "\(step.id)  \(step.kind.rawValue)  \(step.kind == .manual ? "by a person" : "on \(step.target)")"
                    + (step.machineNote.map { "  (\($0))" } ?? ""))
        }
        if steps.count > 15 { lines.append("   … and \(steps.count - 15) more") }
        return lines.joined(separator: "\n")
    }
}

extension RunRecord {
    /// The header for a new run: the guide and its fingerprint, the selection, and the
    /// bindings with every secret value left out.
    static func describing(guide: Guide, binding: Binding, steps: [Step], targets: [String: String], id: String) -> RunRecord {
        let text = (try? String(contentsOfFile: guide.path, encoding: .utf8)) ?? ""
        let bindings = binding.values.compactMap { value -> String? in
            guard let v = value.value else { return nil }
            return "\(value.name)=\(value.secret ? SecretHash.make(v) : v)\t\(value.source)"
        }
        return RunRecord(
            id: id, guide: guide.path, guideHash: Journal.fingerprint(text), status: RunStatus.running.rawValue,
            started: Date().timeIntervalSince1970, selection: steps.map { String($0.number) }.joined(separator: ","),
            bindings: bindings.joined(separator: "\n"),
            targets: targets.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n"),
            choices: guide.choices.map { "\($0.id)=\($0.chosen)" }.joined(separator: "\n"))
    }
}
