import Foundation
import RunbookModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a child process could not be started.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the program's path.
    public var description: String
}

/// A child process in its own session (so its own process group, and no controlling
/// terminal), with a stdin pipe and one pipe for its merged stdout and stderr. Signals go to
/// the whole group, so Ctrl-C reaches what a step started.
final class ChildProcess {
    let pid: pid_t
    /// Write end of the child's stdin.
    let input: Int32
    /// Read end of the child's stdout+stderr.
    let output: Int32
    private(set) var exitStatus: Int32?

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else {
            throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 2)
        for fd in [stdinPipe[0], stdinPipe[1], stdoutPipe[0], stdoutPipe[1]] {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        let (child, result) = withUnsafePointer(to: &actions) {
            Spawning.spawn(executable, arguments, environment: environment, actions: $0, ownSession: true)
        }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard result == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        input = stdinPipe[1]
        output = stdoutPipe[0]
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
    }

    deinit {
        close(input)
        close(output)
        if exitStatus == nil {
            kill(pid, SIGKILL)
            _ = reap(block: true)
        }
    }

    /// Writes all of `text` to the child's stdin; false when the child is gone.
    @discardableResult
    func write(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Collects the exit status if the child has ended. `128 + signal` for a signal.
    func reap(block: Bool) -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let r = waitpid(pid, &status, block ? 0 : WNOHANG)
        guard r == pid else { return nil }
        let code = Self.exitCode(status)
        exitStatus = code
        return code
    }

    /// Descendants of the child started at or after `ticks` (clock ticks since boot): what the
    /// current step started, not the services earlier steps left running. Scans /proc, so it
    /// is only called when a step must be stopped.
    func descendants(startedSince ticks: UInt64) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var parent: [pid_t: pid_t] = [:]
        var started: [pid_t: UInt64] = [:]
        for entry in entries {
            guard let candidate = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command name: state(0) ppid(1) … starttime(19).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 19, let ppid = Int32(fields[1]), let start = UInt64(fields[19]) else { continue }
            parent[candidate] = ppid
            started[candidate] = start
        }
        var found: Set<pid_t> = []
        var frontier: Set<pid_t> = [pid]
        while !frontier.isEmpty {
            let next = Set(parent.filter { frontier.contains($0.value) }.map(\.key)).subtracting(found)
            found.formUnion(next)
            frontier = next
        }
        return found.filter { (started[$0] ?? 0) >= ticks }.sorted()
    }

    /// Now, in clock ticks since boot (the unit of /proc/PID/stat's start time).
    static func ticksSinceBoot() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
            let seconds = Double(text.split(separator: " ").first ?? "")
        else { return 0 }
        return UInt64(seconds * Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Signals the shell itself, not its process group (its background services stay).
    func signalShell(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Runs a program attached to this process's terminal (inherited stdin, stdout, stderr,
    /// same process group, so it is in the foreground) and waits for it. Ctrl-C goes to it.
    static func runAttached(executable: String, arguments: [String], environment: [String: String]) throws -> Int32 {
        let (child, result) = Spawning.spawn(executable, arguments, environment: environment, actions: nil, ownSession: false)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return exitCode(status)
    }

    /// A wait status as an exit status: the code, or `128 + signal` for a signal.
    private static func exitCode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
