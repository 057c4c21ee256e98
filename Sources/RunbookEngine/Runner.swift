import Foundation
import RunbookGuide
import RunbookJournal
import RunbookModel
import RunbookSSH

#if canImport(Glibc)
    import Glibc
#endif

/// A step's status in a run.
public enum StepStatus: String, Sendable, Codable {
    case pending, running, succeeded, failed, skipped, paused, interrupted
}

/// A run's status.
public enum RunStatus: String, Sendable, Codable {
    case running, succeeded, failed, paused, interrupted
}

/// How a step ended.
public struct StepResult: Sendable, Codable {
    /// Final status.
    public var status: StepStatus
    /// Exit status of the last attempt (nil for steps that did not run).
    public var exitCode: Int32?
    /// Wall time of all attempts.
    public var duration: Double
    /// Attempts made (verification steps retry).
    public var attempts: Int
    /// Expectations of the last attempt.
    public var assertions: [AssertionResult]
    /// The last lines of output, masked.
    public var outputTail: [String]
    /// Why it was skipped, paused or failed, when not an assertion.
    public var note: String?
    /// Each host's result, for a step on a target of several hosts (empty otherwise).
    public var hosts: [HostResult] = []
    /// Which line of the step's code (0-based) failed, when its shell said.
    public var failedCodeLine: Int? = nil
    /// That line's number in the guide, when the guide still holds it.
    public var failedLine: Int? = nil
}

/// One host's part in a step that ran on several.
public struct HostResult: Sendable, Codable, Equatable {
    /// The host's label (inventory name or address).
    public var host: String
    /// Its status.
    public var status: StepStatus
    /// Its last exit status.
    public var exitCode: Int32?
    /// Its wall time.
    public var duration: Double
    /// Why it failed or was interrupted.
    public var note: String?
}

/// What a person answers at a manual step on a terminal.
public enum ManualAnswer: Sendable {
    case done, skip, abort
}

/// How manual steps are handled.
public enum ManualMode: String, Sendable, CaseIterable {
    /// Ask on a terminal; pause without one.
    case prompt
    /// Always pause the run (exit 3).
    case pause
    /// Record every manual step as skipped.
    case skip
}

/// What the runner tells the command line; only the CLI prints.
public protocol RunObserver: AnyObject {
    /// A step is about to start (attempt counts from 1).
    func stepStarted(_ step: Step, position: Int, of total: Int, attempt: Int)
    /// One line of a step's output, secrets already masked.
    func stepOutput(_ step: Step, line: String)
    /// Lines of a step's output that arrived together, secrets already masked.
    func stepOutput(_ step: Step, lines: [String])
    /// A step ended.
    func stepFinished(_ step: Step, result: StepResult)
    /// A manual step on a terminal: what did the person do?
    func askManual(_ step: Step, instructions: String) -> ManualAnswer
    /// `--step`: run this step? false stops the run (as a pause).
    func confirmStep(_ step: Step, position: Int, of total: Int) -> Bool
    /// On a terminal, an interactive step is about to take over the terminal; `instructions`
    /// (what to paste into the editor it opens), secrets masked, are shown first.
    func willAttach(_ step: Step, instructions: String?)
    /// A target whose address an earlier step set was reached during the run, at `host`;
    /// `origin` says which names filled the address in, and which steps set them.
    func reached(_ target: String, host: String, origin: String)
}

extension RunObserver {
    /// Line by line, unless the observer writes them at once.
    public func stepOutput(_ step: Step, lines: [String]) {
        for line in lines { stepOutput(step, line: line) }
    }
}

/// Options for a run.
public struct RunOptions: Sendable {
    /// A failed step does not stop the run.
    public var keepGoing = false
    /// Manual steps: prompt, pause or skip.
    public var manual: ManualMode = .prompt
    /// stdin and stdout are a terminal.
    public var terminal = false
    /// Ask before every step.
    public var stepByStep = false
    /// How long verification steps keep retrying by default.
    public var verificationWindow: Double = 30
    /// How long follow commands run by default.
    public var followWindow: Double = 10
    /// How long a remote machine a step reboots has to go down and come back.
    public var rebootWindow: Double = 300
    /// Shell program.
    public var shell = "/bin/bash"
    /// Hosts a step on a multi-host target runs on at once.
    public var forks = 10

    /// Defaults.
    public init() {}
}

/// The outcome of a run.
public struct RunSummary: Sendable {
    /// Run id.
    public var id: String
    /// Final status.
    public var status: RunStatus
    /// Each selected step with its result, in run order.
    public var results: [(step: Step, result: StepResult)]
    /// The step the run paused at, if any.
    public var pausedAt: Step?
}

/// Set by the SIGINT/SIGTERM handler; read by the running step.
nonisolated(unsafe) private var interruptSignal: sig_atomic_t = 0

/// Runs selected steps in order, one persistent shell per target.
public final class Runner {
    /// sudo's words when it wanted a password it could not read (no terminal, no `-S`).
    static func isSudoPasswordPrompt(_ line: String) -> Bool {
        line.hasPrefix("sudo: a terminal is required") || line.hasPrefix("sudo: a password is required")
    }

    let guide: Guide
    let binding: Binding
    let steps: [Step]
    let options: RunOptions
    let directory: RunDirectory
    weak var observer: (any RunObserver)?
    let journal: Journal?
    /// Each shell's snapshot to start from (target key → snapshot): a resume's, and those of
    /// shells a reboot ended.
    private var restoring: [String: String]
    private var sessions: [String: ShellSession] = [:]
    /// Open connections per remote target (one per host), from preflight, and those the run
    /// opens to targets whose address an earlier step sets.
    private var connections: [String: [SSHConnection]]
    /// Where each target's steps run, from preflight: a target that is not here, not this
    /// machine and not reached is never run on this machine instead.
    let placements: [String: TargetPlacement]
    /// How the run reaches a target late.
    let sshOptions: SSHOptions
    /// The shell (target key) whose last step started a server in the background or a
    /// service: the next step there, when it `checksAServer`, is retried while it comes up.
    private var startedInBackground: String?
    /// The connections this run opened itself, closed when it ends.
    private var opened: [SSHConnection] = []
    /// Serialises what host threads tell the observer and write to the step's log.
    private let outputLock = NSLock()
    private let environment: [String: String]
    private let boundNames: [String]
    /// The guide's lines as the file is now, read when a step fails and its failing line is
    /// looked up.
    private lazy var guideLines: [Substring] = ((try? String(contentsOfFile: guide.path, encoding: .utf8)) ?? "").lines
    /// What a stored snapshot leaves out: bound names and the guide's secret names.
    private let unstored: Set<String>
    /// runbook's own environment at the start, which stored snapshots need not repeat.
    private let inherited: [String: String]

    /// Prepares a run; nothing starts until `run()`.
    /// `snapshots` (target key → snapshot) restore each target's shell state, for a resume.
    public init(
        guide: Guide, binding: Binding, steps: [Step], options: RunOptions, directory: RunDirectory,
        observer: any RunObserver, journal: Journal? = nil, snapshots: [String: String] = [:],
        connections: [String: [SSHConnection]] = [:], placements: [String: TargetPlacement] = [:],
        sshOptions: SSHOptions = SSHOptions()
    ) {
        self.journal = journal
        self.connections = connections
        self.placements = placements
        self.sshOptions = sshOptions
        self.restoring = snapshots
        self.guide = guide
        self.binding = binding
        self.steps = steps
        self.options = options
        self.directory = directory
        self.observer = observer
        let inherited = ProcessInfo.processInfo.environment
        var env = inherited
        var names: [String] = []
        for value in binding.values {
            guard let v = value.value else { continue }
            env[value.name] = v
            names.append(value.name)
        }
        self.environment = env
        self.boundNames = names
        self.inherited = inherited
        self.unstored = Set(names).union(guide.variables.filter(\.secret).map(\.name))
    }

    /// Runs the steps. Ctrl-C or SIGTERM interrupts the running step and ends the run.
    public func run() -> RunSummary {
        interruptSignal = 0
        // Whoever started runbook may have blocked these (a parent's thread mask is
        // inherited); Ctrl-C and SIGTERM must reach the runner all the same.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let previousInt = signal(SIGINT) { _ in interruptSignal = 1 }
        let previousTerm = signal(SIGTERM) { _ in interruptSignal = 1 }
        BrokenPipes.begin()
        defer {
            signal(SIGINT, previousInt)
            signal(SIGTERM, previousTerm)
            BrokenPipes.end()
        }
        var results: [(step: Step, result: StepResult)] = []
        var status = RunStatus.succeeded
        var pausedAt: Step?
        var failed = false
        var startedRecorded = false
        for (index, step) in steps.enumerated() {
            if interruptSignal != 0 {
                status = .interrupted
                break
            }
            if options.stepByStep, options.terminal, observer?.confirmStep(step, position: index + 1, of: steps.count) == false {
                let result = StepResult(
                    status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                    note: "stopped at the --step prompt")
                results.append((step, result))
                observer?.stepFinished(step, result: result)
                status = .paused
                pausedAt = step
                break
            }
            crashPoint("before-started", step.number)
            do {
                if !startedRecorded { try journal?.stepStarted(step.number, at: Date().timeIntervalSince1970) }
                crashPoint("after-started", step.number)
            } catch {
                let result = StepResult(
                    status: .failed, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                    note: "not run: \(error.description)")
                results.append((step, result))
                observer?.stepFinished(step, result: result)
                failed = true
                break
            }
            let started = Date()
            var result = execute(step, position: index + 1)
            if step.traits.reboots, !isThisMachine(step.target), interruptSignal == 0,
                result.status == .succeeded || result.status == .interrupted
            {
                result = awaitReboot(step, after: result, started: started)
            }
            // `newgrp docker` (what follows it in the block is a step of its own): the steps
            // after it run in a new login.
            if step.traits.renewsLogin, step.kind != .manual, result.status == .succeeded {
                let renewal = renewLogin(step)
                if renewal.status == .succeeded {
                    result.note = [result.note, renewal.note].compactMap { $0 }.joined(separator: "; ")
                } else {
                    result.status = renewal.status
                    result.note = "it ran; " + (renewal.note ?? "") + " with --confirm, which does not run it again"
                }
            }
            if let codeLine = result.failedCodeLine { result.failedLine = step.guideLine(ofCodeLine: codeLine, in: guideLines) }
            // The step after a server started in the background may find it still starting.
            if step.kind != .manual { startedInBackground = nil }
            if result.status == .succeeded, step.runsInBackground || step.traits.startsService {
                startedInBackground = step.target.shellKey
            }
            // The next step's started record rides in the same commit when nothing can come
            // between the two steps (no prompt, and this step let the run go on).
            let goesOn =
                result.status == .succeeded || result.status == .skipped || (result.status == .failed && options.keepGoing)
            let next =
                index + 1 < steps.count && goesOn && !options.stepByStep && interruptSignal == 0 ? steps[index + 1].number : nil
            startedRecorded = record(step, result, started: started, nextStarting: next)
            crashPoint("after-finished", step.number)
            results.append((step, result))
            observer?.stepFinished(step, result: result)
            switch result.status {
            case .failed:
                failed = true
            case .paused:
                status = .paused
                pausedAt = step
            case .interrupted:
                status = .interrupted
            default:
                break
            }
            if status == .paused || status == .interrupted { break }
            if failed && !options.keepGoing { break }
        }
        if status == .succeeded && failed { status = .failed }
        try? journal?.finish(status: status.rawValue, at: Date().timeIntervalSince1970)
        for session in sessions.values { session.close() }
        sessions = [:]
        for connection in opened { connection.close() }
        opened = []
        directory.removeWork()
        return RunSummary(id: directory.id, status: status, results: results, pausedAt: pausedAt)
    }

    /// The finished record and the step's shell snapshot, durable before the next step.
    /// For the crash tests: `RUNBOOK_TEST_KILL_AT=after-finished:2` makes the runner SIGKILL
    /// itself at exactly that instant, which no outside `kill -9` can hit reliably. The kill
    /// is real; only its timing is chosen.
    private func crashPoint(_ name: String, _ number: Int) {
        if crashAt == "\(name):\(number)" { kill(getpid(), SIGKILL) }
    }

    private let crashAt = ProcessInfo.processInfo.environment["RUNBOOK_TEST_KILL_AT"]

    /// Returns whether the next step's started record was written too.
    @discardableResult
    private func record(_ step: Step, _ result: StepResult, started: Date, nextStarting next: Int? = nil) -> Bool {
        guard let journal else { return false }
        let key = step.target.shellKey
        var snapshots: [String: String] = [:]
        if step.kind != .manual {
            for sessionKey in sessionKeys(for: step.target) {
                guard let session = sessions[sessionKey] else { continue }
                // Remote shells never had runbook's environment; nothing there is inherited.
                let stored = Snapshot.filter(
                    session.snapshot, excluding: unstored, dropSecretNames: true, inherited: session.isRemote ? [:] : inherited)
                snapshots[sessionKey] = binding.mask(stored)
            }
        }
        let assertions = (try? String(decoding: JSONEncoder().encode(result.assertions), as: UTF8.self)) ?? "[]"
        let row = StepRecord(
            number: step.number, id: step.id, contentHash: Journal.fingerprint(step.code + (step.instructions ?? "")),
            target: key, status: result.status.rawValue, started: started.timeIntervalSince1970,
            ended: Date().timeIntervalSince1970, exitCode: result.exitCode.map(Int.init), attempts: result.attempts,
            assertions: assertions, note: result.note, failedLine: result.failedLine)
        let hosts = result.hosts.map {
            HostRecord(
                step: step.number, host: $0.host, status: $0.status.rawValue, exitCode: $0.exitCode.map(Int.init),
                duration: $0.duration, note: $0.note)
        }
        do {
            try journal.stepFinished(row, snapshots: snapshots, hosts: hosts, nextStarting: next)
            return next != nil
        } catch {
            return false
        }
    }

    /// The journal's keys for a target's sessions: the target's key, or one per host
    /// (`web#web01`) for a target of several hosts.
    private func sessionKeys(for target: TargetRef) -> [String] {
        let key = target.shellKey
        guard let hosts = connections[target.name], hosts.count > 1 else { return [key] }
        return hosts.map { "\(key)#\($0.endpoint.label)" }
    }

    /// The target's sessions, started on first use: one local shell, or one remote shell per host.
    private func sessions(for target: TargetRef) throws -> [(host: String?, session: ShellSession)] {
        if connections[target.name] == nil, !isThisMachine(target) { try reach(target) }
        let keys = sessionKeys(for: target)
        let hosts = connections[target.name]
        var out: [(host: String?, session: ShellSession)] = []
        for (index, key) in keys.enumerated() {
            let label = (hosts?.count ?? 0) > 1 ? hosts?[index].endpoint.label : nil
            if let existing = sessions[key] {
                out.append((label, existing))
                continue
            }
            let workDirectory = try directory.workDirectory(for: Text.slugForFile(key))
            let created: ShellSession
            if let connection = hosts?[index] {
                created = try ShellSession(
                    connection: connection, bound: binding.values.compactMap { value in value.value.map { (value.name, $0) } },
                    workDirectory: workDirectory, restoring: restoring[key] ?? "", user: target.user)
            } else {
                created = try ShellSession(
                    shell: options.shell, environment: environment, bound: boundNames,
                    workDirectory: workDirectory, restoring: restoring[key] ?? "", user: target.user)
            }
            created.interruptRequested = { interruptSignal != 0 }
            sessions[key] = created
            out.append((label, created))
        }
        return out
    }

    /// True when `target`'s steps run on this machine.
    private func isThisMachine(_ target: TargetRef) -> Bool {
        target.name == "local" || placements[target.name]?.isLocal == true
    }

    /// After a step that reboots a remote target: waits (up to `rebootWindow`, or the step's
    /// `timeout=`) until each
    /// host's connection is gone, then until the host takes a new one; the target's shells
    /// start again from their snapshots when next used. The step succeeds once every host is
    /// back, and fails, naming the host, when one does not go down or come back in time.
    private func awaitReboot(_ step: Step, after result: StepResult, started: Date) -> StepResult {
        let name = step.target.name
        guard let hosts = connections[name] else { return result }
        func say(_ line: String) {
            outputLock.withLock {
                observer?.stepOutput(step, line: line)
                directory.appendLog(line + "\n", for: step)
            }
        }
        func failed(_ note: String) -> StepResult {
            StepResult(
                status: interruptSignal != 0 ? .interrupted : .failed, exitCode: result.exitCode,
                duration: Date().timeIntervalSince(started), attempts: result.attempts, assertions: result.assertions,
                outputTail: result.outputTail, note: note)
        }
        // `timeout=` on the step gives the machine longer (`shutdown -r +10`) or less.
        let window = step.annotations["timeout"].flatMap(AnnotationParser.seconds) ?? options.rebootWindow
        let deadline = Date().addingTimeInterval(window)
        say("waiting for \(name) to restart")
        for connection in hosts {
            // Down: a command on the old connection no longer gets through.
            while (try? connection.execute("true", timeout: 5)) != nil {
                guard Date() < deadline, interruptSignal == 0 else {
                    return failed("\(connection.endpoint.named) did not go down within \(Int(window)) s")
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }
        // The shells there are gone with the machine; their state comes back from snapshots.
        endShells(on: name, closing: false)
        var back: [SSHConnection] = []
        for connection in hosts {
            while true {
                if let reached = try? SSHConnection(endpoint: connection.endpoint, options: sshOptions) {
                    back.append(reached)
                    break
                }
                guard Date() < deadline, interruptSignal == 0 else {
                    back.forEach { $0.close() }
                    return failed("\(connection.endpoint.named) did not come back within \(Int(window)) s")
                }
                Thread.sleep(forTimeInterval: 2)
            }
        }
        connections[name] = back
        opened += back
        let elapsed = Date().timeIntervalSince(started)
        say(String(format: "%@ is back after %.0f s", name, elapsed))
        return StepResult(
            status: .succeeded, exitCode: result.exitCode ?? 0, duration: elapsed, attempts: result.attempts,
            assertions: result.assertions, outputTail: result.outputTail, note: "rebooted")
    }

    /// Ends the shells on target `name` (each of its users and hosts), keeping each one's
    /// state to start the next from; `closing` ends them on the machine too (a rebooted
    /// machine's are gone already).
    private func endShells(on name: String, closing: Bool) {
        for key in sessions.keys where key == name || key.hasPrefix(name + "@") || key.hasPrefix(name + "#") {
            restoring[key] = sessions[key]?.snapshot
            if closing { sessions[key]?.close() }
            sessions[key] = nil
        }
    }

    /// A new login on the step's machine ("Log out and log back in", so that `usermod -aG`
    /// takes effect; `newgrp docker`). A remote target's hosts are logged in to again and
    /// its shells start there from their state when next used; a shell run as another user
    /// through sudo starts again too (sudo reads the groups anew). This machine's login is
    /// runbook's own and its shells inherit it: when it lacks a group the user has now, the
    /// person logs in again and resumes the run from there (skipped with `--manual skip`).
    private func renewLogin(_ step: Step) -> StepResult {
        let name = step.target.name
        let started = Date()
        func done(_ note: String) -> StepResult {
            StepResult(
                status: .succeeded, exitCode: nil, duration: Date().timeIntervalSince(started), attempts: 1, assertions: [],
                outputTail: [], note: note)
        }
        if isThisMachine(step.target) {
            if let user = step.target.user, user != SSHEndpoint.localUser {
                endShells(on: name, closing: true)
                return done("\(user)'s shell here starts again, with the groups \(user) has now")
            }
            guard let missing = LoginGroups.missingFromThisLogin(), !missing.isEmpty else {
                return done("this login already has every group of \(SSHEndpoint.localUser)")
            }
            // A command (`newgrp docker`) has run: its output is its own.
            let instructions = step.kind == .manual ? manualInstructions(step) : ""
            if !instructions.isEmpty { directory.appendLog(instructions + "\n", for: step) }
            let note =
                "this login lacks the group\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")), which a new login has: log out and back in, then resume the run from there"
            if options.manual == .skip {
                return StepResult(
                    status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                    note: "manual step skipped (--manual=skip); " + note)
            }
            return StepResult(
                status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [],
                outputTail: instructions.split(separator: "\n").map(String.init), note: note)
        }
        // Not reached yet: its first login is a new one.
        guard let hosts = connections[name] else { return done("\(name) is not logged in to yet; its first login is new") }
        var fresh: [SSHConnection] = []
        for host in hosts {
            do {
                fresh.append(try SSHConnection(endpoint: host.endpoint, options: sshOptions))
            } catch {
                fresh.forEach { $0.close() }
                return StepResult(
                    status: .failed, exitCode: nil, duration: Date().timeIntervalSince(started), attempts: 1,
                    assertions: [], outputTail: [],
                    note: binding.mask("cannot log in to \(host.endpoint.named) again: \(error)"))
            }
        }
        endShells(on: name, closing: true)
        // The old login ends, as logging out ends it.
        for host in hosts { host.close() }
        opened.removeAll { old in hosts.contains { $0 === old } }
        connections[name] = fresh
        opened += fresh
        return done("logged in to \(name) again: its shells start in a new login")
    }

    /// Connects to a target whose address holds names an earlier step set (`LateAddress`),
    /// with the values the setting steps' shells hold now.
    private func reach(_ target: TargetRef) throws {
        guard let late = placements[target.name]?.late else {
            throw UnreachedTarget(description: "target \(target.name) was not reached when the run started")
        }
        var values: [String: String] = [:]
        for setter in late.setters {
            guard setter.step.target.name != target.name else {
                throw UnreachedTarget(
                    description: "its address \(late.uri) needs \(setter.name), which only step \(setter.step.number) "
                        + "(\(setter.step.id)) sets, on \(target.name) itself")
            }
            let session = try sessions(for: setter.step.target)[0].session
            // Its stderr (where a guide's `set -x` would trace the printf) is not the value.
            let read = session.run("{ printf '%s' \"${\(setter.name)-}\"; } 2>/dev/null") { _ in }
            guard read.exitCode == 0, !read.output.isEmpty else {
                throw UnreachedTarget(
                    description: "its address \(late.uri) needs \(setter.name), which is empty on \(setter.step.target); "
                        + "step \(setter.step.number) (\(setter.step.id)) sets it, and has not run in this shell")
            }
            values[setter.name] = read.output
        }
        let endpoint = try late.endpoint(values: values)
        let connection = try SSHConnection(endpoint: endpoint, options: sshOptions)
        connections[target.name] = [connection]
        opened.append(connection)
        observer?.reached(target.name, host: binding.mask(endpoint.named), origin: late.origin)
    }

    /// How a step ends when its shell cannot be started: interrupted when the connection was
    /// lost, failed otherwise.
    private func unstarted(_ step: Step, _ error: any Error) -> StepResult {
        if let error = error as? SSHError, case .lost = error {
            return StepResult(
                status: .interrupted, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                note: error.description)
        }
        return StepResult(
            status: .failed, exitCode: nil, duration: 0, attempts: 1, assertions: [], outputTail: [],
            note: "cannot start a shell for \(step.target): \(error)")
    }

    private func manualInstructions(_ step: Step) -> String {
        let text =
            step.kind == .manual
            ? (step.instructions ?? step.code)
            : "Run this yourself (\(step.traits.reboots ? "it reboots this machine, where runbook runs" : "it needs a person at a terminal")):\n"
                + step.code
                + (step.instructions.map { "\n\n" + $0 } ?? "")
        return binding.mask(binding.display(text))
    }

    private func execute(_ step: Step, position: Int) -> StepResult {
        if !step.isExecutable && step.kind != .manual {
            return StepResult(
                status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                note: "skipped by annotation")
        }
        // "Log out and log back in": the run does it (`newgrp docker` renews after it runs).
        if step.traits.renewsLogin && step.kind == .manual {
            observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
            return renewLogin(step)
        }
        // A person drives interactive commands on a terminal, here or on a remote host (on a
        // pty there); on several hosts at once they are the person's to do on each.
        let attachable = options.terminal && (connections[step.target.name]?.count ?? 1) == 1
        // Rebooting the machine runbook runs on would end the run: that is the person's.
        let needsPerson =
            step.kind == .manual || (step.traits.interactive && !attachable)
            || (step.annotations["interactive"].map(AnnotationParser.isTrue) ?? false && !attachable)
            || (step.traits.reboots && isThisMachine(step.target))
        if needsPerson {
            return manual(step, position: position)
        }
        let started = Date()
        let targetSessions: [(host: String?, session: ShellSession)]
        do {
            targetSessions = try self.sessions(for: step.target)
        } catch {
            // The step's header still comes first, so the failure reads as this step's.
            observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
            return unstarted(step, error)
        }
        let verification = step.kind == .verification
        let retries = step.annotations["retries"].flatMap(Int.init)
        let interval = step.annotations["interval"].flatMap(AnnotationParser.seconds)
        let waitsForServer = startedInBackground == step.target.shellKey && step.checksAServer
        let window = (verification || waitsForServer) && retries == nil ? options.verificationWindow : 0
        // A server in the foreground never returns either: it runs for the follow window and
        // is stopped, as lint's never-ending rule tells the author, unless it is backgrounded.
        let backgrounded = step.runsInBackground
        let follows =
            step.traits.follows || (step.traits.foregroundServer && !backgrounded) || step.annotations["follow"] != nil
        var runOptions = ShellRunOptions()
        runOptions.errexit = step.annotations["errexit"].map(AnnotationParser.isTrue) ?? true
        runOptions.timeout = step.annotations["timeout"].flatMap(AnnotationParser.seconds)
        if follows {
            runOptions.followWindow = step.annotations["follow"].flatMap(AnnotationParser.seconds) ?? options.followWindow
            // What the step expects to see printed: following stops once it has been.
            runOptions.followUntil = step.awaitedOutput.map(binding.display)
        }
        var script = StepScript.script(for: step)
        // The script line where the step's code begins, while the script runs the code as
        // written (a file written or a runner fed is another script).
        var codeStart: Int? = script == step.code ? 1 : nil
        if let cwd = step.annotations["cwd"] {
            script = "cd -- \(ShellSession.quote(binding.display(cwd)))\n" + script
            codeStart = codeStart.map { $0 + 1 }
        }
        if backgrounded {
            let logURL = directory.url.appendingPathComponent(String(format: "%03d-background.log", step.number))
            let log = logURL.path
            // Created here, 0600: the shell's redirect would use its umask.
            close(open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
            script =
                "( \(script)\n) >> \(ShellSession.quote(log)) 2>&1 < /dev/null &\necho \"started in the background (pid $!), output in \(log)\""
            codeStart = nil
        }

        let interactive = step.traits.interactive || (step.annotations["interactive"].map(AnnotationParser.isTrue) ?? false)
        if interactive && attachable, let session = targetSessions.first?.session {
            observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
            observer?.willAttach(step, instructions: step.instructions.map { binding.mask(binding.display($0)) })
            let previous = signal(SIGINT, SIG_IGN)
            let outcome = session.runAttached(script, errexit: runOptions.errexit)
            signal(SIGINT, previous)
            let code = outcome.status
            let assertions = [AssertionResult(expected: "exit status 0", actual: "exit status \(code)", passed: code == 0)]
            return StepResult(
                status: code == 0 ? .succeeded : .failed, exitCode: code, duration: Date().timeIntervalSince(started),
                attempts: 1, assertions: assertions, outputTail: [], note: outcome.problem ?? "ran on the terminal")
        }
        let plan = AttemptPlan(
            script: script, codeStart: codeStart, options: runOptions, retries: retries, interval: interval, window: window)
        if targetSessions.count == 1, let only = targetSessions.first {
            return attempts(step, on: only.session, host: nil, plan: plan, position: position, started: started)
        }
        // Several hosts: the step runs on all of them at once (`forks` at a time) and
        // succeeds only where it succeeds on every one.
        observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
        let results = Fleet.map(targetSessions, forks: options.forks) { [self] pair in
            (pair.host ?? "", attempts(step, on: pair.session, host: pair.host, plan: plan, position: position, started: Date()))
        }
        let hosts = results.map {
            HostResult(host: $0.0, status: $0.1.status, exitCode: $0.1.exitCode, duration: $0.1.duration, note: $0.1.note)
        }
        let status: StepStatus =
            results.contains { $0.1.status == .interrupted }
            ? .interrupted : results.contains { $0.1.status == .failed } ? .failed : .succeeded
        let failing = results.filter { $0.1.status != .succeeded }
        // Each failing host says where its shell stopped: hosts can fail at different lines.
        let note =
            failing.isEmpty
            ? nil
            : failing.map { host, result in
                let line = result.failedCodeLine.flatMap { step.guideLine(ofCodeLine: $0, in: guideLines) }
                return "\(host): \(result.status.rawValue)" + (line.map { " at line \($0)" } ?? "")
                    + (result.note.map { " (\($0))" } ?? "")
            }.joined(separator: "; ")
        return StepResult(
            status: status, exitCode: failing.first?.1.exitCode ?? results.first?.1.exitCode,
            duration: Date().timeIntervalSince(started),
            attempts: results.map(\.1.attempts).max() ?? 1,
            assertions: results.flatMap { host in
                host.1.assertions.map {
                    AssertionResult(expected: "\(host.0): \($0.expected)", actual: $0.actual, passed: $0.passed)
                }
            },
            outputTail: Array(results.flatMap { host in host.1.outputTail.map { "[\(host.0)] \($0)" } }.suffix(10)), note: note,
            hosts: hosts, failedCodeLine: failing.first?.1.failedCodeLine)
    }

    /// How a step's script is run and retried.
    private struct AttemptPlan {
        var script: String
        /// The script line where the step's code begins (nil when the script does not run the
        /// code as written: a file written, a runner fed, a step in the background).
        var codeStart: Int?
        var options: ShellRunOptions
        var retries: Int?
        var interval: Double?
        var window: Double
    }

    /// Runs a step on one session until it passes or its retries run out. With `host`, the
    /// step runs on several hosts at once: output lines are prefixed with the host and only
    /// the first attempt is announced.
    private func attempts(_ step: Step, on session: ShellSession, host: String?, plan: AttemptPlan, position: Int, started: Date)
        -> StepResult
    {
        var attempt = 0
        var delay = plan.interval ?? 1.0
        let prefix = host.map { "[\($0)] " } ?? ""
        while true {
            attempt += 1
            outputLock.withLock {
                if host == nil { observer?.stepStarted(step, position: position, of: steps.count, attempt: attempt) }
                directory.appendLog(attempt == 1 ? "" : "\n--- \(prefix)attempt \(attempt) ---\n", for: step)
            }
            var tail: [String] = []
            let outcome = session.run(plan.script, options: plan.options) { [binding, directory, observer, outputLock] lines in
                let masked = lines.map { prefix + binding.mask($0) }
                outputLock.withLock {
                    observer?.stepOutput(step, lines: masked)
                    directory.appendLog(masked.joined(separator: "\n") + "\n", for: step)
                }
                tail.append(contentsOf: masked.suffix(20))
                if tail.count > 20 { tail.removeFirst(tail.count - 20) }
            }
            let assertions = Assertions.check(
                step.expectations.isEmpty ? [.exitStatus(0)] : step.expectations, exitCode: outcome.exitCode,
                output: outcome.output
            ) { binding.display($0) }
            .map { AssertionResult(expected: binding.mask($0.expected), actual: binding.mask($0.actual), passed: $0.passed) }
            let passed = assertions.allSatisfy(\.passed)
            let duration = Date().timeIntervalSince(started)
            if let lost = outcome.connectionLost {
                // How far the step got is unknown: interrupted, never failed or succeeded.
                let message = binding.mask(lost)
                return StepResult(
                    status: .interrupted, exitCode: nil, duration: duration, attempts: attempt, assertions: [],
                    outputTail: Array(tail.suffix(10)),
                    note: message.hasPrefix("connection to") ? message : "connection lost: \(message)")
            }
            if outcome.interrupted || interruptSignal != 0 {
                return StepResult(
                    status: .interrupted, exitCode: outcome.exitCode, duration: duration, attempts: attempt,
                    assertions: assertions, outputTail: Array(tail.suffix(10)), note: "interrupted")
            }
            if passed {
                return StepResult(
                    status: .succeeded, exitCode: outcome.exitCode, duration: duration, attempts: attempt, assertions: assertions,
                    outputTail: Array(tail.suffix(10)),
                    note: !outcome.followStopped
                        ? nil
                        : plan.options.followUntil.isEmpty
                            ? "follow window ended" : "stopped following: it printed what was expected")
            }
            let more: Bool
            if let retries = plan.retries { more = attempt <= retries } else { more = duration + delay < plan.window }
            if !more {
                var note: String? = nil
                if outcome.timedOut {
                    note = "timed out after \(plan.options.timeout.map { String(format: "%.0f s", $0) } ?? "")"
                } else if tail.contains(where: Self.isSudoPasswordPrompt) {
                    note =
                        "sudo asked for a password, and a step's shell has no terminal to type it in: let this user run these commands without one (NOPASSWD in /etc/sudoers.d), or annotate the step interactive=true to run it on your terminal"
                }
                return StepResult(
                    status: .failed, exitCode: outcome.exitCode, duration: duration, attempts: attempt, assertions: assertions,
                    outputTail: Array(tail.suffix(10)), note: note, failedCodeLine: failedCodeLine(of: step, outcome, plan))
            }
            // Still starting, probably: wait and look again, backing off.
            let until = Date().addingTimeInterval(delay)
            while Date() < until, interruptSignal == 0 { usleep(20_000) }
            if plan.interval == nil { delay = min(delay * 2, 8) }
        }
    }

    /// The line of `step`'s code whose command failed: the shell's line less the lines the
    /// script put before the code; nil when the shell did not say or the line is not the code's.
    private func failedCodeLine(of step: Step, _ outcome: ShellOutcome, _ plan: AttemptPlan) -> Int? {
        guard let line = outcome.failedLine, let start = plan.codeStart else { return nil }
        let index = line - start
        return index >= 0 && index < step.code.lineCount ? index : nil
    }

    /// A manual step left paused, its instructions shown as its output.
    private static func waitingForAPerson(_ instructions: String) -> StepResult {
        StepResult(
            status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [],
            outputTail: instructions.split(separator: "\n").map(String.init), note: "waiting for a person")
    }

    private func manual(_ step: Step, position: Int) -> StepResult {
        let instructions = manualInstructions(step)
        observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
        directory.appendLog(instructions + "\n", for: step)
        switch options.manual {
        case .skip:
            return StepResult(
                status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                note: "manual step skipped (--manual=skip)")
        case .pause:
            return Self.waitingForAPerson(instructions)
        case .prompt:
            // Without a terminal to ask on, a prompt pauses as --manual=pause does.
            guard options.terminal, let observer else { return Self.waitingForAPerson(instructions) }
            switch observer.askManual(step, instructions: instructions) {
            case .done:
                return StepResult(
                    status: .succeeded, exitCode: nil, duration: 0, attempts: 1, assertions: [], outputTail: [],
                    note: "done by a person")
            case .skip:
                return StepResult(
                    status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                    note: "skipped by a person")
            case .abort:
                return StepResult(
                    status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [],
                    note: "stopped by a person")
            }
        }
    }
}
