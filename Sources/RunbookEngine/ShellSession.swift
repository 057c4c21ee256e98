import Foundation
import RunbookSSH

#if canImport(Glibc)
    import Glibc
#endif

/// How one run of a script in a session ended.
public struct ShellOutcome: Sendable, Equatable {
    /// The script's exit status (`128 + signal` when killed).
    public var exitCode: Int32
    /// Everything it printed, stdout and stderr interleaved, unmasked (callers mask); of a
    /// longer output, its last 4 to 8 MiB (`ShellSession.keptOutput`).
    public var output: String
    /// The shell itself ended (a failing command under errexit, `exit`, a kill): the
    /// session was rebuilt from the last snapshot.
    public var sessionLost: Bool
    /// Stopped because `timeout` passed.
    public var timedOut: Bool
    /// A follow command was stopped after its window, as a person presses Ctrl-C.
    public var followStopped: Bool
    /// Stopped by Ctrl-C or SIGTERM to the runner.
    public var interrupted: Bool
    /// The connection to the shell's machine dropped: how the script ended is unknown.
    public var connectionLost: String? = nil
    /// The line of the script (1-based) whose command failed and ended it under errexit, as
    /// the shell's ERR trap reported it; nil when it did not say (no errexit, a failure inside
    /// a function, a guide's own ERR trap).
    public var failedLine: Int? = nil
}

/// Options for one script run.
public struct ShellRunOptions: Sendable {
    /// errexit + pipefail (the default), or not.
    public var errexit = true
    /// Kill the script after this many seconds.
    public var timeout: Double?
    /// Stop the script's commands after this many seconds and count it as done.
    public var followWindow: Double?
    /// With a follow window: stop as soon as each of these texts has been printed (within a
    /// line), as a person watching a log for them would, rather than when the window ends.
    public var followUntil: [String] = []

    /// Defaults: errexit, no timeout, no follow window.
    public init(errexit: Bool = true, timeout: Double? = nil, followWindow: Double? = nil) {
        self.errexit = errexit
        self.timeout = timeout
        self.followWindow = followWindow
    }
}

/// How a step run on the terminal ended.
public struct AttachedOutcome: Sendable, Equatable {
    /// The script's exit status (127 when it could not start).
    public var status: Int32
    /// Why the terminal could not be joined to a shell, when it could not.
    public var problem: String?
}

/// One bash per target for the whole run, as a person keeps one terminal open: variables
/// (exported or not), the working directory, functions and whatever a step sources carry to
/// the next step. After every step the shell writes a snapshot of that state; when a step ends
/// the shell (a failing command, `exit`), the session is rebuilt from the last snapshot.
public final class ShellSession {
    /// Where the shell runs.
    enum Host {
        /// On this machine, started by `launcher` (empty, or `sudo -n … -u USER`).
        case local(launcher: [String], shell: String, environment: [String: String])
        /// Over SSH, as `user` when given; `bound` values are handed over as data.
        case remote(connection: SSHConnection, user: String?, bound: [(String, String)])
    }

    /// The shell's state after the last step that left it running: `declare -p` of its
    /// variables (bound ones excluded), `declare -f`, and its directory.
    public private(set) var snapshot: String
    private var transport: any ShellTransport
    private let host: Host
    private let workDirectory: URL
    private let snapshotFile: URL
    private let nonce: String
    private var stepCounter = 0
    private let bound: Set<String>
    /// Checked while a script runs; true stops it as interrupted.
    public var interruptRequested: @Sendable () -> Bool = { false }

    /// Starts a shell. `bound` are the names of bound variables: they come from the
    /// environment every time and are never written into a snapshot.
    /// `user` runs the shell as that user through `sudo -n` (a guide's `sudo -iu USER`), unless
    /// it is the user this process already runs as: no sudo for that (the machine may have none).
    public init(
        shell: String = "/bin/bash", environment: [String: String], bound: [String], workDirectory: URL,
        directory: String? = nil, restoring snapshot: String = "", user: String? = nil
    ) throws {
        self.bound = Set(bound)
        let launcher: [String]
        if let user, user != SSHEndpoint.localUser {
            // The scripts and snapshots live in the run's 0700 directory: hand it to that user.
            if getuid() == 0, let pw = getpwnam(user) { chown(workDirectory.path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
            launcher = ["/usr/bin/sudo", "-n", "-E", "-H", "-u", user]
        } else {
            launcher = []
        }
        self.workDirectory = workDirectory
        self.snapshotFile = workDirectory.appendingPathComponent("snapshot.sh")
        let nonce = Self.makeNonce()
        self.nonce = nonce
        var env = environment
        env["__RB_SNAPSHOT_FILE"] = snapshotFile.path
        env["__RB_BOUND"] = bound.joined(separator: " ")
        env["BASH_ENV"] = nil
        env["ENV"] = nil
        self.host = .local(launcher: launcher, shell: shell, environment: env)
        // Filtered again: a snapshot an older runbook saved may hold its own functions.
        self.snapshot = Snapshot.filter(snapshot, excluding: self.bound)
        self.transport = try Self.start(
            host, nonce: nonce, directory: directory, snapshot: self.snapshot, workDirectory: workDirectory)
    }

    /// Starts a shell on another machine over `connection`: the same session, one channel.
    /// `bound` (name, value) pairs are exported in it, handed over as data. `user` is reached
    /// through `sudo -n` there, unless it is the user the connection logged in as.
    public init(
        connection: SSHConnection, bound: [(String, String)], workDirectory: URL, restoring snapshot: String = "",
        user: String? = nil
    ) throws {
        self.bound = Set(bound.map(\.0))
        self.workDirectory = workDirectory
        self.snapshotFile = workDirectory.appendingPathComponent("snapshot.sh")
        let nonce = Self.makeNonce()
        self.nonce = nonce
        self.host = .remote(connection: connection, user: user == connection.endpoint.user ? nil : user, bound: bound)
        self.snapshot = Snapshot.filter(snapshot, excluding: self.bound)
        self.transport = try Self.start(
            host, nonce: nonce, directory: nil, snapshot: self.snapshot, workDirectory: workDirectory)
    }

    private static func makeNonce() -> String {
        "__RB_DONE_" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }

    /// True for a shell on another machine.
    public var isRemote: Bool {
        if case .remote = host { return true }
        return false
    }

    deinit {
        _ = transport.exitStatus()
    }

    /// Defines how the shell reports its state: every variable, then the functions and the
    /// directory; `Snapshot.filter` keeps what may be kept. Builtins only, no fork. A step's
    /// `exit 0` (`if [ -f done ]; then exit 0; fi`) ends the shell; its EXIT trap reports the
    /// step as ended well, with its state, as the step's end would (`__RB_EXITED__` first), and
    /// the session starts a new shell from it. Any other status ends the shell as a failure
    /// does, and the new shell starts from the snapshot before the step.
    /// A command failing under errexit in a step fires the ERR trap first: it says which line
    /// of the step failed (`$LINENO` counts on from the `eval` line's), as the status line
    /// does with `!` for the status, and ends the shell as errexit would have. Only the shell
    /// itself: under a guide's `set -E` a subshell inherits the trap, and its failure may not
    /// end the step.
    /// `__rb_begin` and `__rb_end` are the fixed lines around every step (`run`), defined once
    /// here so that each step sends only its own text: bash reads a pipe one byte at a time.
    /// `stepPrologue` is the transport's line for the start of a step.
    private static func prelude(stepPrologue: String = "") -> String {
        #"""
        exec 2>&1
        __rb_snapshot() {
          declare -p
          echo __RB_FUNCTIONS__
          declare -f
          printf 'cd -- %q 2>/dev/null\n' "$PWD"
          [[ -o allexport ]] && echo 'set -a'
          [[ -z ${__rb_xtrace-} ]] || echo '__rb_xtrace=x'
          return 0
        }
        __rb_exit_trap() {
          [[ $? == 0 && -n ${__rb_in_step-} ]] || return 0
          __rb_xtrace=${-//[^x]/}
          printf '\n%s %d\n%s\n' "$__rb_nonce" 0 __RB_EXITED__
          __rb_snapshot
          printf '%s\n' "${__rb_nonce}_END"
        }
        trap '{ __rb_exit_trap; } 2>/dev/null' EXIT
        __rb_err_trap() {
          local s=$?
          [[ -n ${__rb_in_step-} && $- == *e* && $BASHPID == "$$" ]] || return "$s"
          printf '\n%s ! %d\n' "$__rb_nonce" "$(($1 - __rb_at + 1))"
          exit "$s"
        }
        trap '{ __rb_err_trap "$LINENO"; } 2>/dev/null' ERR
        __rb_begin() {
        \#(stepPrologue)
          if [[ $1 == e ]]; then set -eo pipefail; else set +eo pipefail; fi
          __rb_in_step=1
        }
        __rb_end() {
          __rb_s=$? __rb_xtrace=${-//[^x]/}
          set +x
          __rb_in_step=
          set +eo pipefail
          printf '\n%s %d\n' "$__rb_nonce" "$__rb_s"
          __rb_snapshot
          printf '%s\n' "${__rb_nonce}_END"
        }

        """#
    }

    private static func start(_ host: Host, nonce: String, directory: String?, snapshot: String, workDirectory: URL) throws
        -> any ShellTransport
    {
        let transport: any ShellTransport
        switch host {
        case .local(let launcher, let shell, let environment):
            let command = launcher + [shell, "--noprofile", "--norc"]
            let process = try ChildProcess(
                executable: command[0], arguments: Array(command.dropFirst()), environment: environment)
            transport = LocalShell(process: process)
        case .remote(let connection, let user, let bound):
            transport = try RemoteShell(connection: connection, user: user, nonce: nonce, bound: bound)
        }
        _ = transport.send(prelude(stepPrologue: transport.stepPrologue) + "__rb_nonce=\(nonce)\n")
        if let directory { _ = transport.send("cd -- \(quote(directory))\n") }
        _ = transport.send(restoring(snapshot, nonce: nonce))
        return transport
    }

    /// Lines that restore `snapshot` in a shell reading them (none for an empty one). Readonly
    /// and special names fail harmlessly; bound names come from the environment. The snapshot
    /// travels as data in a quoted heredoc and is evaluated once read.
    private static func restoring(_ snapshot: String, nonce: String) -> String {
        guard !snapshot.isEmpty else { return "" }
        return
            "IFS= read -r -d '' __rb_restore <<'\(nonce)_RESTORE'\n\(snapshot)\n\(nonce)_RESTORE\neval \"$__rb_restore\" 2>/dev/null\nunset __rb_restore\n"
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// How much of a step's output a session keeps for its outcome (`ShellOutcome.output`):
    /// at least the last 4 MiB, at most 8 MiB. Every line is handed on as it arrives. With
    /// the outcome's text, made from it and as long again, a run stays under the spec's
    /// 50 MB however much a step prints (`Benchmarks/memory.sh`).
    static let keptOutput = 8 << 20

    /// Runs `script` in the session and returns how it ended. `output` receives the
    /// script's output as it arrives, the complete lines of each read together (unmasked;
    /// the caller masks).
    public func run(_ script: String, options: ShellRunOptions = ShellRunOptions(), output: ([String]) -> Void)
        -> ShellOutcome
    {
        stepCounter += 1
        let errexit = options.errexit && options.followWindow == nil ? "e" : "+e"
        // The step travels as data, one single-quoted word (no expansion; read once, where a
        // heredoc went through a pipe and was read again byte by byte), and is evaluated with
        // stdin from /dev/null, so it cannot read this protocol. `__rb_begin` sets errexit and
        // marks the step; the `eval` stays at the top level (in a function, a step's `declare`
        // and `local` would be that function's). Then `__rb_end` sends the status line and the
        // shell's snapshot on the same stream. A guide's `set -x` traces its own steps, never
        // these lines: xtrace goes off as a step ends (`{ …; } 2>/dev/null` hides the `set +x`
        // itself), remembered, and back on for the next step.
        let command = """
            __rb_script=\(Self.quote(script + "\n"))
            __rb_begin \(errexit); __rb_at=$LINENO; eval "${__rb_xtrace:+set -x; }$__rb_script" < /dev/null
            { __rb_end; } 2>/dev/null

            """
        let started = Date()
        var collected: [UInt8] = []
        var lineStart = 0
        var outputEnd: Int?
        var finished: Int32?
        var newSnapshot: String?
        var timedOut = false
        var followStopped = false
        var followSignal: Int32 = 0
        var interrupted = false
        var lost: String?
        var killDeadline: Date?
        var failedLine: Int?
        let sentinel = Array("\n\(nonce) ".utf8)
        let endMarker = Array("\(nonce)_END\n".utf8)
        var endSearch = 0
        /// Finds, in what has arrived, the status line (where the step's output ends) and then
        /// the snapshot after it, each once it is complete.
        func findEnd() {
            if outputEnd == nil, let range = find(sentinel, in: collected, from: max(0, lineStart - 1)),
                let newline = collected[range.upperBound...].firstIndex(of: 0x0A)
            {
                outputEnd = range.lowerBound
                let status = String(decoding: collected[range.upperBound..<newline], as: UTF8.self)
                // `! LINE` from the ERR trap: the shell is ending, no snapshot follows.
                if status.hasPrefix("! ") { failedLine = Int(status.dropFirst(2)) }
                finished = Int32(status) ?? 1
            }
            if let end = outputEnd, finished != nil, newSnapshot == nil {
                let snapshotStart =
                    (collected[end...].firstIndex(of: 0x0A).flatMap { first in collected[(first + 1)...].firstIndex(of: 0x0A) }
                        ?? end) + 1
                if let marker = find(endMarker, in: collected, from: min(max(snapshotStart, endSearch), collected.count)) {
                    newSnapshot = String(decoding: collected[snapshotStart..<marker.lowerBound], as: UTF8.self)
                } else {
                    // The snapshot comes in many reads: the next search starts where this one
                    // could not have found the marker.
                    endSearch = max(snapshotStart, collected.count - endMarker.count + 1)
                }
            }
        }

        // What earlier steps left running (services started with `&`) is not this step's to
        // stop: only processes started since this step began are signalled.
        let stepStart = transport.stepBegins()
        func stopStep(_ signal: Int32) {
            transport.stop(startedSince: stepStart, signal: signal)
        }
        if !transport.send(command) {
            if case .remote(let connection, _, _) = host {
                return ShellOutcome(
                    exitCode: 255, output: "", sessionLost: true, timedOut: false, followStopped: false, interrupted: false,
                    connectionLost: "\(connection.endpoint): cannot send the step")
            }
            return lostSession(
                output: "", exitCode: transport.waitForExit(), timedOut: false, followStopped: false, interrupted: false)
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var eof = false
        // Whether the shell itself has ended is asked when nothing arrives, and at most every
        // 20 ms while output does (a service a step left running may hold the pipe open and
        // keep writing after the shell is gone): not once for each of a step's many reads.
        var askedExit = started
        // When a follow command is stopped: at the end of its window, or once what it was
        // followed for has been printed.
        var followFrom = options.followWindow
        var awaited = options.followWindow == nil ? [] : options.followUntil
        while newSnapshot == nil && !eof {
            var arrived = false
            switch transport.receive(into: &buffer, waiting: 100) {
            case .data(let count):
                arrived = true
                collected.append(contentsOf: buffer[0..<count])
                // Long output: room for all that is kept, made once, so that the array does not
                // double past it (a doubling holds the old copy and the new one at once, and
                // the new one twice the size).
                if collected.count > 1 << 20, collected.capacity < Self.keptOutput + 2 * buffer.count {
                    collected.reserveCapacity(Self.keptOutput + 2 * buffer.count)
                }
                findEnd()
                // Emit complete lines of the step's own output, holding back a possible
                // sentinel: all of this read's lines at once.
                let limit = outputEnd ?? collected.count
                var lines: [String] = []
                while let newline = collected[lineStart..<limit].firstIndex(of: 0x0A) {
                    if outputEnd == nil, collected.count - newline <= sentinel.count,
                        Array(collected[newline...]) == Array(sentinel.prefix(collected.count - newline))
                    {
                        break
                    }
                    lines.append(String(decoding: collected[lineStart..<newline], as: UTF8.self))
                    lineStart = newline + 1
                }
                if !lines.isEmpty { output(lines) }
                if !awaited.isEmpty {
                    // The lines handed on, and the one held back (a last line may be the start
                    // of the status line, until more arrives: a followed log's often is).
                    let held = String(decoding: collected[lineStart..<limit], as: UTF8.self)
                    awaited.removeAll { text in held.contains(text) || lines.contains { $0.contains(text) } }
                    if awaited.isEmpty, let window = followFrom { followFrom = min(window, Date().timeIntervalSince(started)) }
                }
                // What was handed on is kept only as the last `keptOutput` bytes, for the
                // step's assertions: a step that prints without end does not fill memory.
                if outputEnd == nil, lineStart > Self.keptOutput {
                    let drop = lineStart - Self.keptOutput / 2
                    collected.removeFirst(drop)
                    lineStart -= drop
                }
            case .idle:
                break
            case .ended:
                eof = true
            case .lost(let why):
                lost = why
                eof = true
            }
            if newSnapshot != nil { break }
            let now = Date()
            let askExit = !arrived || now.timeIntervalSince(askedExit) >= 0.02
            if askExit { askedExit = now }
            if lost == nil, askExit, transport.exitStatus() != nil {
                // Drain what is left, then stop: the shell is gone.
                drain: while true {
                    switch transport.receive(into: &buffer, waiting: 50) {
                    case .data(let count): collected.append(contentsOf: buffer[0..<count])
                    default: break drain
                    }
                }
                // The status line and snapshot may come in with the last bytes (the ERR trap's
                // line, an `exit 0`): not output.
                findEnd()
                eof = true
            }
            let elapsed = now.timeIntervalSince(started)
            if lost != nil { continue }
            if !interrupted, interruptRequested() {
                interrupted = true
                stopStep(SIGINT)
                killDeadline = Date().addingTimeInterval(3)
            }
            if let timeout = options.timeout, !timedOut, elapsed > timeout {
                timedOut = true
                stopStep(SIGTERM)
                killDeadline = Date().addingTimeInterval(3)
            }
            if let window = followFrom, elapsed > window {
                // Ctrl-C first, as a person would; then firmer, for commands that ignore it.
                let stage = elapsed > window + 3 ? SIGKILL : elapsed > window + 1 ? SIGTERM : SIGINT
                if !followStopped || stage != followSignal {
                    followStopped = true
                    followSignal = stage
                    stopStep(stage)
                }
            }
            if let deadline = killDeadline, Date() > deadline {
                stopStep(SIGKILL)
                transport.killShell()
                killDeadline = nil
            }
        }
        let end = outputEnd ?? collected.count
        var rest: [String] = []
        while let newline = collected[lineStart..<end].firstIndex(of: 0x0A) {
            rest.append(String(decoding: collected[lineStart..<newline], as: UTF8.self))
            lineStart = newline + 1
        }
        if lineStart < end { rest.append(String(decoding: collected[lineStart..<end], as: UTF8.self)) }
        if !rest.isEmpty { output(rest) }
        // What the step printed, without its final line break.
        var printed = collected[..<end]
        if printed.last == 0x0A { printed = printed.dropLast() }
        let text = String(decoding: printed, as: UTF8.self)
        if let code = finished, let newSnapshot {
            snapshot = Snapshot.filter(newSnapshot, excluding: bound)
            if newSnapshot.hasPrefix("__RB_EXITED__\n") {
                // The step's `exit 0` ended the shell: the next step gets a new one, in this state.
                transport.killShell()
                do {
                    transport = try Self.start(
                        host, nonce: nonce, directory: nil, snapshot: snapshot, workDirectory: workDirectory)
                } catch {
                    return ShellOutcome(
                        exitCode: 0, output: text, sessionLost: true, timedOut: timedOut, followStopped: followStopped,
                        interrupted: interrupted, connectionLost: (error as? SSHError)?.description)
                }
            }
            return ShellOutcome(
                exitCode: followStopped && code >= 128 ? 0 : code, output: text, sessionLost: false, timedOut: timedOut,
                followStopped: followStopped, interrupted: interrupted)
        }
        if let lost {
            // How the step ended is unknown; the session cannot be rebuilt without a connection.
            return ShellOutcome(
                exitCode: 255, output: text, sessionLost: true, timedOut: timedOut, followStopped: followStopped,
                interrupted: interrupted, connectionLost: lost)
        }
        let code = transport.waitForExit()
        var outcome = lostSession(
            output: text, exitCode: code, timedOut: timedOut, followStopped: followStopped, interrupted: interrupted)
        outcome.failedLine = failedLine
        return outcome
    }

    private func lostSession(output: String, exitCode: Int32, timedOut: Bool, followStopped: Bool, interrupted: Bool)
        -> ShellOutcome
    {
        // Only the shell: what earlier steps started in the background keeps running.
        transport.killShell()
        var connectionLost: String?
        do {
            transport = try Self.start(host, nonce: nonce, directory: nil, snapshot: snapshot, workDirectory: workDirectory)
        } catch let error as SSHError {
            connectionLost = error.description
        } catch {}
        return ShellOutcome(
            exitCode: exitCode == 0 ? 1 : exitCode, output: output, sessionLost: true, timedOut: timedOut,
            followStopped: followStopped, interrupted: interrupted, connectionLost: connectionLost)
    }

    /// Runs `script` with this process's terminal, for commands a person drives (`nano`,
    /// `less`, `psql` without a command): a separate shell restores this session's snapshot,
    /// runs the script, and saves its snapshot, which this session then continues from. On a
    /// remote target that shell runs on a pseudo-terminal there, joined to this one.
    public func runAttached(_ script: String, errexit: Bool = true) -> AttachedOutcome {
        stepCounter += 1
        let ended: Attached
        switch host {
        case .local(let launcher, let shell, let environment):
            ended = attachHere(script, errexit: errexit, command: launcher + [shell], environment: environment)
        case .remote(let connection, let user, let bound):
            ended = attachThere(script, errexit: errexit, connection: connection, user: user, bound: bound)
        }
        if ended.status == 0, let saved = ended.snapshot {
            snapshot = Snapshot.filter(saved, excluding: bound)
            // Continue from what the person left behind.
            transport.killShell()
            if let restarted = try? Self.start(
                host, nonce: nonce, directory: nil, snapshot: snapshot, workDirectory: workDirectory)
            {
                transport = restarted
            }
        }
        return AttachedOutcome(status: ended.status, problem: ended.problem)
    }

    /// How an attached shell ended: its status and the snapshot it left, or why it could not start.
    private struct Attached {
        var status: Int32
        var snapshot: String?
        var problem: String?

        static func failed(_ problem: String, status: Int32 = 127) -> Attached {
            Attached(status: status, snapshot: nil, problem: problem)
        }
    }

    /// The prelude for a shell on a terminal: its errors go to the terminal, not to stdout.
    private static var attachedPrelude: String { prelude().replacingOccurrences(of: "exec 2>&1\n", with: "") }

    /// The end of an attached shell's script: the status, and the snapshot written to `file`
    /// after running `tidy`.
    private static func attachedEnding(snapshotTo file: String, tidy: String = "") -> String {
        "__rb_s=$?\nset +eo pipefail\n\(tidy)__rb_snapshot > \(file)\nexit $__rb_s\n"
    }

    /// A bash on this machine with the terminal; its script and snapshot are files in the
    /// run's 0700 work directory.
    private func attachHere(_ script: String, errexit: Bool, command: [String], environment: [String: String])
        -> Attached
    {
        let restore = workDirectory.appendingPathComponent("attached-restore.sh")
        let file = workDirectory.appendingPathComponent("attached-\(stepCounter).sh")
        let wrapper = workDirectory.appendingPathComponent("attached-run.sh")
        defer { [restore, file, wrapper].forEach { unlink($0.path) } }
        do {
            try Data(snapshot.utf8).write(to: restore)
            try Data((script + "\n").utf8).write(to: file)
            let body =
                Self.attachedPrelude + """
                    source \(Self.quote(restore.path)) 2>/dev/null
                    \(errexit ? "set -eo pipefail" : "")
                    source \(Self.quote(file.path))

                    """ + Self.attachedEnding(snapshotTo: "\"$__RB_SNAPSHOT_FILE\"")
            try Data(body.utf8).write(to: wrapper)
            for url in [restore, file, wrapper] { chmod(url.path, 0o600) }
        } catch {
            return .failed("cannot write the step for the terminal: \(error.localizedDescription)")
        }
        let arguments = Array(command.dropFirst()) + ["--noprofile", "--norc", wrapper.path]
        let status: Int32
        do {
            status = try ChildProcess.runAttached(executable: command[0], arguments: arguments, environment: environment)
        } catch {
            return .failed("\(error)")
        }
        defer { unlink(snapshotFile.path) }
        return Attached(status: status, snapshot: status == 0 ? try? String(contentsOf: snapshotFile, encoding: .utf8) : nil)
    }

    /// A bash on the remote, on a pseudo-terminal there joined to this one (as `ssh -t`). Its
    /// setup (bound values, the snapshot, the script) passes through a FIFO in a private
    /// directory, so it never rests on the remote's disk and never appears in a process list;
    /// the snapshot it leaves is read back from that directory, which is then removed.
    private func attachThere(
        _ script: String, errexit: Bool, connection: SSHConnection, user: String?, bound: [(String, String)]
    ) -> Attached {
        let sudo = RemoteShell.launcher(user)
        let makeDirectory = #"umask 077 && d=$(mktemp -d /tmp/.runbook-attach.XXXXXX) && mkfifo "$d/setup" && echo "$d""#
        let made: (status: Int32, output: String)
        do {
            made = try connection.execute(sudo + "sh -c " + Self.quote(makeDirectory))
        } catch {
            return .failed("\(error)")
        }
        let said = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.status == 0 else { return .failed("cannot make a private directory in the remote's /tmp: \(said)") }
        let directory = Self.quote(said)
        /// `body` run by `shell` there, as the step's user, with the directory as `$1`.
        func inDirectory(_ shell: String, _ body: String) -> String {
            sudo + shell + " -c " + Self.quote(body) + " runbook " + directory
        }
        defer {
            // Opening the FIFO read-write never blocks, and frees a writer still waiting for a reader.
            _ = try? connection.execute(inDirectory("sh", #"exec 3<>"$1/setup"; rm -rf "$1""#), timeout: 5)
        }
        // What sshd sets for a pty (SSH_TTY, TERM) stays with the pty: the session it hands
        // back to has none, unless the guide itself set them.
        let setup =
            RemoteShell.exports(bound, nonce: nonce) + "__rb_tty=${SSH_TTY-} __rb_term=${TERM-}\n" + Self.attachedPrelude
            + Self.restoring(snapshot, nonce: nonce)
            + "IFS= read -r -d '' __rb_script <<'\(nonce)_SCRIPT' || true\n\(script)\n\(nonce)_SCRIPT\n"
            + (errexit ? "set -eo pipefail\n" : "") + "eval \"$__rb_script\"\n"
            + Self.attachedEnding(
                snapshotTo: #""$__rb_dir/snapshot""#,
                tidy: #"[[ ${SSH_TTY-} == "$__rb_tty" ]] && unset SSH_TTY; [[ ${TERM-} == "$__rb_term" ]] && unset TERM"# + "\n")
        let shell: SSHChannel
        let feeder: SSHChannel
        do {
            // The shell opens the FIFO first and waits there for the feeder's data.
            shell = try connection.open(
                command: inDirectory("bash --noprofile --norc", #"__rb_dir=$1; . "$1/setup""#), terminal: .current())
            feeder = try connection.open(command: inDirectory("sh", #"cat > "$1/setup""#))
        } catch {
            return .failed("\(error)")
        }
        defer {
            feeder.close()
            shell.close()
        }
        guard feeder.write(setup) else { return .failed("the connection dropped while the step was handed over", status: 255) }
        feeder.sendEOF()
        let status = shell.relay(input: STDIN_FILENO, output: STDOUT_FILENO)
        guard status == 0, let saved = try? connection.execute(sudo + "cat " + directory + "/snapshot"), saved.status == 0
        else { return Attached(status: status) }
        return Attached(status: status, snapshot: saved.output)
    }

    /// Ends the shell as a person's would: `exit`. What it started in the background keeps
    /// running. Waits at most `grace` seconds.
    public func close(grace: Double = 5) {
        transport.close(grace: grace)
    }

    /// The first `needle` in `hay` at or after `start`: its first byte found by `memchr`, the
    /// rest compared in place (the stdlib's generic `firstRange(of:)` measured about 0.3 ms more
    /// per step on this hot path, and a copy of each candidate cost more than the search).
    private func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Range<Int>? {
        guard let first = needle.first, start + needle.count <= hay.count else { return nil }
        return hay.withUnsafeBytes { hay in
            needle.withUnsafeBytes { needle in
                let base = hay.baseAddress!
                var at = start
                let last = hay.count - needle.count
                while at <= last, let found = memchr(base + at, Int32(first), last - at + 1) {
                    at = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at..<(at + needle.count) }
                    at += 1
                }
                return nil
            }
        }
    }
}
