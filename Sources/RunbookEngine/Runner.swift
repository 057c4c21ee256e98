#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import RunbookGuide
import RunbookJournal
import RunbookModel

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
    /// A step ended.
    func stepFinished(_ step: Step, result: StepResult)
    /// A manual step on a terminal: what did the person do?
    func askManual(_ step: Step, instructions: String) -> ManualAnswer
    /// `--step`: run this step? false stops the run (as a pause).
    func confirmStep(_ step: Step, position: Int, of total: Int) -> Bool
    /// On a terminal, an interactive step is about to take over the terminal.
    func willAttach(_ step: Step)
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
    /// Shell program.
    public var shell = "/bin/bash"

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
    let guide: Guide
    let binding: Binding
    let steps: [Step]
    let options: RunOptions
    let directory: RunDirectory
    weak var observer: (any RunObserver)?
    let journal: Journal?
    let initialSnapshots: [String: String]
    private var sessions: [String: ShellSession] = [:]
    private let environment: [String: String]
    private let boundNames: [String]
    /// What a stored snapshot leaves out: bound names and the guide's secret names.
    private let unstored: Set<String>
    /// runbook's own environment at the start, which stored snapshots need not repeat.
    private let inherited: [String: String]

    /// Prepares a run; nothing starts until `run()`.
    /// `snapshots` (target key → snapshot) restore each target's shell state, for a resume.
    public init(
        guide: Guide, binding: Binding, steps: [Step], options: RunOptions, directory: RunDirectory,
        observer: any RunObserver, journal: Journal? = nil, snapshots: [String: String] = [:]
    ) {
        self.journal = journal
        self.initialSnapshots = snapshots
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
        let previousPipe = signal(SIGPIPE, SIG_IGN)
        defer {
            signal(SIGINT, previousInt)
            signal(SIGTERM, previousTerm)
            signal(SIGPIPE, previousPipe)
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
                let result = StepResult(status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "stopped at the --step prompt")
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
                let result = StepResult(status: .failed, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "not run: \(error.description)")
                results.append((step, result))
                observer?.stepFinished(step, result: result)
                failed = true
                break
            }
            let started = Date()
            let result = execute(step, position: index + 1)
            // The next step's started record rides in the same commit when nothing can come
            // between the two steps (no prompt, and this step let the run go on).
            let goesOn = result.status == .succeeded || result.status == .skipped || (result.status == .failed && options.keepGoing)
            let next = index + 1 < steps.count && goesOn && !options.stepByStep && interruptSignal == 0 ? steps[index + 1].number : nil
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
        let key = step.target.user.map { "\(step.target.name)@\($0)" } ?? step.target.name
        var snapshots: [String: String] = [:]
        if let session = sessions[key], step.kind != .manual {
            let stored = Snapshot.filter(session.snapshot, excluding: unstored, dropSecretNames: true, inherited: inherited)
            snapshots[key] = binding.mask(stored)
        }
        let assertions = (try? String(decoding: JSONEncoder().encode(result.assertions), as: UTF8.self)) ?? "[]"
        let row = StepRecord(
            number: step.number, id: step.id, contentHash: Journal.fingerprint(step.code + (step.instructions ?? "")),
            target: key, status: result.status.rawValue, started: started.timeIntervalSince1970,
            ended: Date().timeIntervalSince1970, exitCode: result.exitCode.map(Int.init), attempts: result.attempts,
            assertions: assertions, note: result.note)
        do {
            try journal.stepFinished(row, snapshots: snapshots, nextStarting: next)
            return next != nil
        } catch {
            return false
        }
    }

    private func session(for target: TargetRef) throws -> ShellSession {
        let key = target.user.map { "\(target.name)@\($0)" } ?? target.name
        if let existing = sessions[key] { return existing }
        let created = try ShellSession(
            shell: options.shell, environment: environment, bound: boundNames,
            workDirectory: try directory.workDirectory(for: Text.slugForFile(key)),
            restoring: initialSnapshots[key] ?? "", user: target.user)
        created.interruptRequested = { interruptSignal != 0 }
        sessions[key] = created
        return created
    }

    private func manualInstructions(_ step: Step) -> String {
        let text = step.kind == .manual ? (step.instructions ?? step.code) : "Run this yourself (it needs a person at a terminal):\n" + step.code
        return binding.mask(binding.display(text))
    }

    private func execute(_ step: Step, position: Int) -> StepResult {
        if !step.isExecutable && step.kind != .manual {
            return StepResult(status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "skipped by annotation")
        }
        let needsPerson = step.kind == .manual || (step.traits.interactive && !options.terminal)
            || (step.annotations["interactive"].map(AnnotationParser.isTrue) ?? false && !options.terminal)
        if needsPerson {
            return manual(step, position: position)
        }
        let started = Date()
        let session: ShellSession
        do {
            session = try self.session(for: step.target)
        } catch {
            return StepResult(status: .failed, exitCode: nil, duration: 0, attempts: 1, assertions: [], outputTail: [], note: "cannot start a shell for \(step.target): \(error)")
        }
        let verification = step.kind == .verification
        let retries = step.annotations["retries"].flatMap(Int.init)
        let interval = step.annotations["interval"].flatMap(AnnotationParser.seconds)
        let window = verification && retries == nil ? options.verificationWindow : 0
        let follows = step.traits.follows || step.annotations["follow"] != nil
        var runOptions = ShellRunOptions()
        runOptions.errexit = step.annotations["errexit"].map(AnnotationParser.isTrue) ?? true
        runOptions.timeout = step.annotations["timeout"].flatMap(AnnotationParser.seconds)
        if follows { runOptions.followWindow = step.annotations["follow"].flatMap(AnnotationParser.seconds) ?? options.followWindow }
        var script = step.code
        if let cwd = step.annotations["cwd"] { script = "cd -- \(ShellSession.quote(binding.display(cwd)))\n" + script }
        if step.annotations["background"].map(AnnotationParser.isTrue) ?? false {
            let logURL = directory.url.appendingPathComponent(String(format: "%03d-background.log", step.number))
            let log = logURL.path
            // Created here, 0600: the shell's redirect would use its umask.
            close(open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
            script = "( \(script)\n) >> \(ShellSession.quote(log)) 2>&1 < /dev/null &\necho \"started in the background (pid $!), output in \(log)\""
        }

        let interactive = step.traits.interactive || (step.annotations["interactive"].map(AnnotationParser.isTrue) ?? false)
        if interactive && options.terminal {
            observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
            observer?.willAttach(step)
            let previous = signal(SIGINT, SIG_IGN)
            let code = session.runAttached(script, errexit: runOptions.errexit)
            signal(SIGINT, previous)
            let assertions = [AssertionResult(expected: "exit status 0", actual: "exit status \(code)", passed: code == 0)]
            return StepResult(status: code == 0 ? .succeeded : .failed, exitCode: code, duration: Date().timeIntervalSince(started), attempts: 1, assertions: assertions, outputTail: [], note: "ran on the terminal")
        }
        var attempt = 0
        var delay = interval ?? 1.0
        while true {
            attempt += 1
            observer?.stepStarted(step, position: position, of: steps.count, attempt: attempt)
            directory.appendLog(attempt == 1 ? "" : "\n--- attempt \(attempt) ---\n", for: step)
            var tail: [String] = []
            let outcome = session.run(script, options: runOptions) { [binding, directory, observer] line in
                let masked = binding.mask(line)
                observer?.stepOutput(step, line: masked)
                directory.appendLog(masked + "\n", for: step)
                tail.append(masked)
                if tail.count > 20 { tail.removeFirst() }
            }
            let maskedOutput = binding.mask(outcome.output)
            let assertions = Assertions.check(step.expectations.isEmpty ? [.exitStatus(0)] : step.expectations, exitCode: outcome.exitCode, output: outcome.output) { binding.display($0) }
                .map { AssertionResult(expected: binding.mask($0.expected), actual: binding.mask($0.actual), passed: $0.passed) }
            let passed = assertions.allSatisfy(\.passed)
            let duration = Date().timeIntervalSince(started)
            if outcome.interrupted || interruptSignal != 0 {
                return StepResult(status: .interrupted, exitCode: outcome.exitCode, duration: duration, attempts: attempt, assertions: assertions, outputTail: Array(tail.suffix(10)), note: "interrupted")
            }
            if passed {
                return StepResult(status: .succeeded, exitCode: outcome.exitCode, duration: duration, attempts: attempt, assertions: assertions, outputTail: Array(tail.suffix(10)), note: outcome.followStopped ? "follow window ended" : nil)
            }
            let more: Bool
            if let retries { more = attempt <= retries } else { more = duration + delay < window }
            if !more {
                var note: String? = nil
                if outcome.timedOut { note = "timed out after \(runOptions.timeout.map { String(format: "%.0f s", $0) } ?? "")" }
                _ = maskedOutput
                return StepResult(status: .failed, exitCode: outcome.exitCode, duration: duration, attempts: attempt, assertions: assertions, outputTail: Array(tail.suffix(10)), note: note)
            }
            // Still starting, probably: wait and look again, backing off.
            let until = Date().addingTimeInterval(delay)
            while Date() < until, interruptSignal == 0 { usleep(20_000) }
            if interval == nil { delay = min(delay * 2, 8) }
        }
    }

    private func manual(_ step: Step, position: Int) -> StepResult {
        let instructions = manualInstructions(step)
        observer?.stepStarted(step, position: position, of: steps.count, attempt: 1)
        directory.appendLog(instructions + "\n", for: step)
        switch options.manual {
        case .skip:
            return StepResult(status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "manual step skipped (--manual=skip)")
        case .pause:
            return StepResult(status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: instructions.split(separator: "\n").map(String.init), note: "waiting for a person")
        case .prompt:
            guard options.terminal, let observer else {
                return StepResult(status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: instructions.split(separator: "\n").map(String.init), note: "waiting for a person")
            }
            switch observer.askManual(step, instructions: instructions) {
            case .done: return StepResult(status: .succeeded, exitCode: nil, duration: 0, attempts: 1, assertions: [], outputTail: [], note: "done by a person")
            case .skip: return StepResult(status: .skipped, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "skipped by a person")
            case .abort: return StepResult(status: .paused, exitCode: nil, duration: 0, attempts: 0, assertions: [], outputTail: [], note: "stopped by a person")
            }
        }
    }
}
