import ArgumentParser
import Foundation
import RunbookEngine
import RunbookGuide
import RunbookJournal
import RunbookModel
import RunbookRender

#if canImport(Glibc)
    import Glibc
#endif

/// `runbook resume [RUN]`: continues a run after its last finished step.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a failed, paused, interrupted or crashed run where it stopped.",
        discussion: """
            The guide is read again; each target's shell state (variables, directory, functions, \
            an activated virtualenv) is restored from the journal; finished steps are not run \
            again. Values bound when the run started come back from the journal; secrets were \
            never stored, so give them again (--vars, --set or the environment). A step that was \
            interrupted needs --rerun-interrupted or --skip-interrupted; a paused manual step is \
            recorded as done with --confirm.

            Example:
              runbook resume
              runbook resume 20261123-0142 --vars secrets.env --rerun-interrupted
            """)

    @Argument(help: "Run id or a unique prefix; the newest unfinished run when omitted.") var runID: String?
    @OptionGroup var binding: BindingOptions
    @Flag(help: "Record the paused manual step as done and continue.") var confirm = false
    @Flag(help: "Run an interrupted step again.") var rerunInterrupted = false
    @Flag(help: "Record an interrupted step as skipped and continue.") var skipInterrupted = false
    @OptionGroup var flags: RunFlags

    func validate() throws {
        if rerunInterrupted && skipInterrupted {
            throw ValidationError("--rerun-interrupted and --skip-interrupted cannot be used together")
        }
    }

    func run() throws {
        let directory = try findRun()
        let lock: RunLock
        let journal: Journal
        let header: RunRecord
        let records: [StepRecord]
        let snapshots: [String: String]
        do {
            lock = try RunLock(runDirectory: directory)
            journal = try Journal.open(in: directory)
            header = try journal.run()
            records = try journal.steps()
            snapshots = try journal.snapshots()
        } catch {
            throw CLIError(message: error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        if header.status == "succeeded" {
            throw CLIError(message: "run \(header.id) already succeeded; nothing to resume")
        }
        var guide = try GuideArgument(guide: header.guide).load()
        // The branches the run started with.
        do {
            guide = try guide.choosing(recordedChoices(header, in: guide))
        } catch {
            throw CLIError(message: error.description)
        }
        reportDrift(guide: guide, header: header, records: records)

        // Bound values from the start of the run act as the environment: --vars and --set still win.
        var environment = ProcessInfo.processInfo.environment
        var secretHashes: [String: String] = [:]
        for (name, recorded) in RunRecord.entries(header.bindings) {
            // `NAME=value<TAB>source`.
            let value = String(recorded.prefix { $0 != "\t" })
            if SecretHash.isHash(value) {
                secretHashes[name] = value
            } else if value != "****" {
                environment[name] = value
            }
        }
        let bound: Binding
        do {
            bound = try Binding.resolve(
                guide: guide,
                input: BindingInput(sets: try binding.setPairs(), varsFiles: binding.varsFiles, environment: environment))
        } catch let error as BindingError {
            throw CLIError(message: error.description)
        }
        // Secrets were recorded only as hashes: say so when one given again is another value.
        for value in bound.values {
            if let stored = secretHashes[value.name], let given = value.value, !SecretHash.matches(given, stored) {
                Terminal.warning(
                    "\(value.name) is not the value run \(header.id) started with; the remaining steps use the new one")
            }
        }
        let request = try binding.targetRequest(for: guide, recorded: header.targets)

        let terminal = isatty(0) == 1 && isatty(1) == 1
        var remaining: [Step] = []
        let now = Date().timeIntervalSince1970
        for record in records where record.status != StepStatus.succeeded.rawValue && record.status != StepStatus.skipped.rawValue
        {
            guard let step = guide.steps.first(where: { $0.id == record.id }) else {
                throw CLIError(
                    message: "step \(record.number) \(record.id) is no longer in \(header.guide); restore it or start a new run")
            }
            do {
                if record.status == "running" || record.status == StepStatus.interrupted.rawValue {
                    if skipInterrupted {
                        try journal.decide(
                            record.number, status: StepStatus.skipped.rawValue, note: "interrupted, skipped on resume", at: now)
                        continue
                    }
                    if !rerunInterrupted {
                        guard terminal else {
                            throw CLIError(
                                message:
                                    "step \(record.number) \(record.id) was interrupted and its outcome is unknown; run it again with --rerun-interrupted or skip it with --skip-interrupted"
                            )
                        }
                        Terminal.errorRaw(
                            "Step \(record.number) \(record.id) was interrupted; its outcome is unknown. [r]erun / [s]kip / [a]bort: ",
                            newline: false)
                        switch readLine()?.lowercased() ?? "a" {
                        case "r", "rerun": break
                        case "s", "skip":
                            try journal.decide(
                                record.number, status: StepStatus.skipped.rawValue, note: "interrupted, skipped on resume",
                                at: now)
                            continue
                        default: throw CLIError(message: "not resumed", status: ExitStatus.badInput)
                        }
                    }
                }
                if record.status == StepStatus.paused.rawValue, confirm {
                    try journal.decide(
                        record.number, status: StepStatus.succeeded.rawValue, note: "done by a person (--confirm)", at: now)
                    continue
                }
            } catch let error as JournalError {
                throw CLIError(message: error.description)
            }
            remaining.append(step)
        }
        let style = Style(enabled: terminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let observer = TerminalObserver(guide: guide, style: style, json: flags.json)
        if remaining.isEmpty {
            try? journal.finish(status: RunStatus.succeeded.rawValue, at: now)
            observer.out("run \(header.id): nothing left to run; recorded as succeeded")
            return
        }
        let what = "run \(header.id) can resume"
        let placements = try Preflight.passed(guide: guide, binding: bound, steps: remaining, request: request, what: what)
        // Reconnect: the remote shells are rebuilt from their snapshots.
        let sshOptions = binding.sshOptions(recorded: header.targets)
        let connections = try Connections.open(placements, options: sshOptions, forks: flags.forks, binding: bound, what: what)
        let finished = records.filter { $0.status == StepStatus.succeeded.rawValue || $0.status == StepStatus.skipped.rawValue }
            .count
        observer.out(
            "resuming run \(header.id) at step \(remaining[0].number) \(remaining[0].id) (\(finished) of \(records.count) steps already finished)"
        )
        try? journal.reopen()
        let runDirectory: RunDirectory
        do {
            runDirectory = try RunDirectory.existing(directory)
        } catch {
            throw CLIError(message: "cannot prepare \(directory.path): \(error.localizedDescription)")
        }
        let started = Date()
        let summary = Runner(
            guide: guide, binding: bound, steps: remaining, options: flags.options(guide: guide, terminal: terminal),
            directory: runDirectory, observer: observer, journal: journal, snapshots: snapshots, connections: connections,
            placements: placements, sshOptions: sshOptions
        ).run()
        Connections.close(connections)
        try flags.end(
            summary, guide: guide, directory: runDirectory, observer: observer, elapsed: Date().timeIntervalSince(started))
    }

    func findRun() throws -> URL {
        do {
            if runID != nil { return try RunStore.find(runID, in: flags.stateDir) }
            for directory in RunStore.directories(in: flags.stateDir) {
                if let view = try? RunStore.load(directory), view.status != StepStatus.succeeded.rawValue { return directory }
            }
        } catch {
            throw CLIError(message: error.description)
        }
        throw CLIError(message: "no unfinished run in \(flags.stateDir); runbook runs lists them")
    }

    /// Finished steps whose text changed, that were removed, or that moved, are reported.
    func reportDrift(guide: Guide, header: RunRecord, records: [StepRecord]) {
        let text = (try? String(contentsOfFile: header.guide, encoding: .utf8)) ?? ""
        guard Journal.fingerprint(text) != header.guideHash else { return }
        Terminal.warning("\(header.guide) changed since run \(header.id) started; steps not yet run use the new text")
        var lastNumber = 0
        for record in records where record.status == StepStatus.succeeded.rawValue || record.status == StepStatus.skipped.rawValue
        {
            guard let step = guide.steps.first(where: { $0.id == record.id }) else {
                Terminal.warning("finished step \(record.number) \(record.id) is no longer in the guide")
                continue
            }
            if Journal.fingerprint(step.code + (step.instructions ?? "")) != record.contentHash {
                Terminal.warning("finished step \(record.number) \(record.id) has changed; it is not run again")
            }
            if step.number < lastNumber { Terminal.warning("finished step \(record.id) moved before an earlier finished step") }
            lastNumber = step.number
        }
    }
}
