import Foundation
import RunbookSSH

#if canImport(Glibc)
    import Glibc
#endif

/// What a read from a session's shell found.
enum TransportRead: Equatable {
    /// This many bytes of output.
    case data(Int)
    /// Nothing in the time allowed.
    case idle
    /// The output stream ended.
    case ended
    /// The connection to the shell's machine is gone; the shell's fate is unknown.
    case lost(String)
}

/// Where a session's bash runs: the same protocol (`ShellSession`) over a local pipe or an
/// SSH channel. A transport is one running shell; `ShellHost.start` makes a new one.
protocol ShellTransport: AnyObject {
    /// Sends text to the shell's stdin; false when it is gone.
    func send(_ text: String) -> Bool
    /// Reads output (stdout and stderr merged), waiting up to `milliseconds`.
    func receive(into buffer: inout [UInt8], waiting milliseconds: Int32) -> TransportRead
    /// The shell's exit status once it has ended; nil while it runs.
    func exitStatus() -> Int32?
    /// Waits for the shell to end and returns its status (`128 + signal` when killed).
    func waitForExit() -> Int32
    /// A mark taken as a step begins, for `stop`.
    func stepBegins() -> UInt64
    /// Lines the step script runs before the step (remote: record when it began).
    var stepPrologue: String { get }
    /// Signals what the current step started (not what earlier steps left running).
    func stop(startedSince mark: UInt64, signal: Int32)
    /// Kills the shell itself (its background children live on).
    func killShell()
    /// Ends the shell as a person's `exit` would, waiting at most `grace` seconds.
    func close(grace: Double)
}

/// A bash on this machine: a child process with pipes.
final class LocalShell: ShellTransport {
    let process: ChildProcess

    init(process: ChildProcess) {
        self.process = process
    }

    func send(_ text: String) -> Bool { process.write(text) }

    func receive(into buffer: inout [UInt8], waiting milliseconds: Int32) -> TransportRead {
        var pollfd = Glibc.pollfd(fd: process.output, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, milliseconds) > 0 else { return .idle }
        let count = read(process.output, &buffer, buffer.count)
        if count > 0 { return .data(count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return .idle }
        return .ended
    }

    func exitStatus() -> Int32? { process.reap(block: false) }
    func waitForExit() -> Int32 { process.reap(block: true) ?? 1 }
    func stepBegins() -> UInt64 { ChildProcess.ticksSinceBoot() }
    var stepPrologue: String { "" }

    func stop(startedSince mark: UInt64, signal: Int32) {
        for pid in process.descendants(startedSince: mark) { kill(pid, signal) }
    }

    func killShell() {
        process.signalShell(SIGKILL)
        _ = process.reap(block: true)
    }

    func close(grace: Double) {
        process.write("exit 0\n")
        let deadline = Date().addingTimeInterval(grace)
        while process.reap(block: false) == nil, Date() < deadline { usleep(5_000) }
        if process.reap(block: false) == nil {
            kill(process.pid, SIGKILL)
            _ = process.reap(block: true)
        }
    }
}

/// A bash on another machine, on one channel of a persistent SSH connection.
///
/// The channel runs `sh -c 'bash …; printf MARK $?' >&2`: the outer `sh` reports the
/// shell's exit status on stderr the moment bash ends, even while the background services it
/// started still hold the channel's stdout open. Steps are stopped through a second channel
/// that signals the shell's descendants started since the step began (from /proc).
final class RemoteShell: ShellTransport {
    let connection: SSHConnection
    private let channel: SSHChannel
    private let exitMarker: String
    private var status: Int32?
    /// When the marker said bash had ended: what bash wrote last on stdout (its ERR trap's
    /// line, an `exit 0`'s snapshot) may come after the marker, because sshd reads the two
    /// pipes apart. Until the channel has been quiet a while (a second at most), it is read.
    private var endedAt: Date?
    private var pending: [UInt8] = []
    private var stderrText: [UInt8] = []
    /// The remote bash's pid, reported when it starts.
    private(set) var pid: Int32 = 0
    private let markFile: String

    /// Starts bash (as `user` through `sudo -n`, if given) on `connection` and waits for it to
    /// report its pid. `bound` values reach it as data read by `read`, never as script text.
    init(connection: SSHConnection, user: String?, nonce: String, bound: [(String, String)], timeout: Double = 10)
        throws(SSHError)
    {
        self.connection = connection
        self.exitMarker = "\(nonce)_EXIT"
        self.markFile = "/tmp/.runbook-\(nonce).t0"
        let script = "\(Self.launcher(user))bash --noprofile --norc; printf '\\n%s %d\\n' \(exitMarker) $? >&2"
        channel = try connection.open(command: "exec /bin/sh -c \(ShellSession.quote(script))", timeout: timeout)
        let setup = "exec 2>&1\nprintf '%s %d\\n' \(nonce)_PID $$\n" + Self.exports(bound, nonce: nonce)
        guard channel.write(setup) else { throw SSHError.lost(connection.endpoint.description, "the shell did not start") }
        // Wait for `NONCE_PID n`.
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        let marker = Array("\(nonce)_PID ".utf8)
        while Date() < deadline {
            switch receive(into: &buffer, waiting: 100) {
            case .data(let n):
                collected.append(contentsOf: buffer[0..<n])
                if let start = collected.firstRange(of: marker), let end = collected[start.upperBound...].firstIndex(of: 0x0A) {
                    pid = Int32(String(decoding: collected[start.upperBound..<end], as: UTF8.self)) ?? 0
                    // Anything after the line is the shell's; keep it for the first step.
                    pending = Array(collected[(end + 1)...])
                    return
                }
            case .idle:
                continue
            case .ended:
                let said = String(decoding: collected + stderrText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw SSHError.channel(
                    connection.endpoint.description, "the remote shell ended at once" + (said.isEmpty ? "" : ": \(said)"))
            case .lost(let why):
                throw SSHError.lost(connection.endpoint.description, why)
            }
        }
        throw SSHError.channel(connection.endpoint.description, "the remote shell did not start within \(Int(timeout)) s")
    }

    /// What runs a remote command as `user` (a guide's `sudo -iu USER`): `sudo -n`, so a
    /// password prompt fails at once instead of waiting; nothing for the login user.
    static func launcher(_ user: String?) -> String {
        user.map { "sudo -n -H -u \(ShellSession.quote($0)) " } ?? ""
    }

    /// Lines that export `bound` values in a shell reading them: each value travels as data in
    /// a quoted heredoc (no expansion; the nonce cannot occur in a value), never as script text.
    static func exports(_ bound: [(String, String)], nonce: String) -> String {
        bound.map { name, value in
            "IFS= read -r -d '' \(name) <<'\(nonce)_VALUE'\n\(value)\n\(nonce)_VALUE\n\(name)=${\(name)%$'\\n'}; export \(name)\n"
        }.joined()
    }

    func send(_ text: String) -> Bool { status == nil && channel.write(text) }

    func receive(into buffer: inout [UInt8], waiting milliseconds: Int32) -> TransportRead {
        if !pending.isEmpty {
            let n = min(pending.count, buffer.count)
            buffer.replaceSubrange(0..<n, with: pending[0..<n])
            pending.removeFirst(n)
            return .data(n)
        }
        if status != nil { return lastOutput(into: &buffer) }
        switch channel.read(into: &buffer, waiting: milliseconds) {
        case .data(let n):
            return .data(n)
        case .stderr(let n):
            // Only the outer sh (and what fails before bash starts) writes here.
            stderrText.append(contentsOf: buffer[0..<n])
            let marker = Array("\n\(exitMarker) ".utf8)
            if let start = stderrText.firstRange(of: marker), let end = stderrText[start.upperBound...].firstIndex(of: 0x0A) {
                status = Int32(String(decoding: stderrText[start.upperBound..<end], as: UTF8.self)) ?? 1
                endedAt = Date()
                let before = Array(stderrText[..<start.lowerBound])
                stderrText = []
                if !before.isEmpty {
                    pending = before
                    return receive(into: &buffer, waiting: 0)
                }
                return .ended
            }
            // Not the marker (yet): pass on everything before the last line break, which
            // may begin the marker.
            if let newline = stderrText.lastIndex(of: 0x0A), newline > 0 {
                pending = Array(stderrText[..<newline])
                stderrText.removeFirst(newline)
                return receive(into: &buffer, waiting: 0)
            }
            return .idle
        case .idle:
            return .idle
        case .ended:
            if status == nil { status = channel.exitStatus }
            return .ended
        case .lost(let why):
            return .lost(SSHError.lost(connection.endpoint.description, why).description)
        }
    }

    /// What bash wrote on stdout before it ended that is still arriving after the marker:
    /// read until 100 ms pass with nothing, for a second after the marker at most (a service
    /// the guide started may write on without end).
    private func lastOutput(into buffer: inout [UInt8]) -> TransportRead {
        while let endedAt, Date().timeIntervalSince(endedAt) < 1 {
            switch channel.read(into: &buffer, waiting: 100) {
            case .data(let n): return .data(n)
            case .stderr: continue
            default: self.endedAt = nil
            }
        }
        return .ended
    }

    func exitStatus() -> Int32? { status }

    func waitForExit() -> Int32 {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(5)
        while status == nil, Date() < deadline {
            if case .lost = receive(into: &buffer, waiting: 100) { break }
        }
        return status ?? 255
    }

    func stepBegins() -> UInt64 { 0 }

    /// The remote clock is the remote's: the shell notes when the step began in a file the
    /// stop command reads. Builtins only, no fork.
    var stepPrologue: String {
        "read -r __rb_up __rb_x < /proc/uptime 2>/dev/null && printf '%s\\n' \"$__rb_up\" >| \(markFile)\n"
    }

    func stop(startedSince mark: UInt64, signal: Int32) {
        guard pid > 0 else { return }
        let name = signal == SIGKILL ? "KILL" : signal == SIGTERM ? "TERM" : "INT"
        _ = try? connection.execute(
            "exec /bin/bash -c \(ShellSession.quote(Self.stopScript)) runbook-stop \(name) \(pid) \(markFile)", timeout: 5)
    }

    /// Signals the descendants of a shell started since the time in a file (seconds of
    /// uptime): what the running step started, not the services earlier steps left behind.
    static let stopScript = #"""
        sig=$1 shell=$2
        read -r up _ < "$3" || exit 0
        hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
        whole=${up%.*} frac=${up#*.}
        t0=$(( whole * hz + 10#${frac:-0} * hz / 100 ))
        declare -A children started
        for f in /proc/[0-9]*/stat; do
          read -r line < "$f" 2>/dev/null || continue
          pid=${f#/proc/}; pid=${pid%/stat}
          rest=${line##*) }
          read -r -a fields <<< "$rest"
          children[${fields[1]}]+=" $pid"
          started[$pid]=${fields[19]}
        done
        todo=("$shell") victims=()
        while ((${#todo[@]})); do
          p=${todo[0]}; todo=("${todo[@]:1}")
          for c in ${children[$p]}; do
            todo+=("$c")
            (( ${started[$c]:-0} >= t0 )) && victims+=("$c")
          done
        done
        ((${#victims[@]})) && kill -s "$sig" "${victims[@]}" 2>/dev/null
        exit 0
        """#

    func killShell() {
        guard pid > 0, status == nil else { return }
        _ = try? connection.execute("kill -KILL \(pid)", timeout: 5)
        _ = waitForExit()
    }

    func close(grace: Double) {
        if status == nil {
            _ = channel.write("rm -f \(markFile)\nexit 0\n")
            let deadline = Date().addingTimeInterval(grace)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while status == nil, Date() < deadline {
                switch receive(into: &buffer, waiting: 50) {
                case .lost: return channel.close()
                default: continue
                }
            }
        }
        channel.close()
    }
}
