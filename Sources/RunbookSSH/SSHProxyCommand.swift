import Foundation
import RunbookModel

#if canImport(Glibc)
    import Glibc
#endif

/// The byte stream a connection runs over when it does not dial the host itself: a jump
/// host's channel (`SSHTunnel`) or a proxy command (`SSHProxyCommand`). The connection reads
/// and writes `socket` and closes it; `close` then ends what carries the bytes.
protocol SSHCarrier: AnyObject, Sendable {
    var socket: Int32 { get }
    func close()
}

extension SSHTunnel: SSHCarrier {}

/// A flag set once, from any thread: a carrier's `close` ends what it carries the first time
/// only, and a relay loop asks whether it has been set.
final class Latch: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    /// Sets the flag; true for the call that set it, false for every later one.
    func trip() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !set else { return false }
        set = true
        return true
    }

    /// True once the flag is set.
    var isTripped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return set
    }
}

/// `ProxyCommand`: a command, run by `/bin/sh -c` in a session of its own, whose stdin and
/// stdout are the connection (`ssh -W %h:%p bastion`, `aws ssm start-session …`,
/// `cloudflared access ssh --hostname %h`). `%h`, `%p`, `%r`, `%n` and `%%` are expanded as
/// ssh expands them. What it writes to stderr is kept for the error when the connection fails.
final class SSHProxyCommand: SSHCarrier, @unchecked Sendable {
    let socket: Int32
    private let pid: pid_t
    /// An unlinked file holding the command's stderr.
    private let errors: Int32
    private let closing = Latch()

    /// Starts `command` for `endpoint`; throws when it cannot be started.
    init(_ command: String, for endpoint: SSHEndpoint) throws(SSHError) {
        let expanded = Self.expand(command, endpoint: endpoint)
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SSHError.connect(endpoint.named, "cannot make a socket pair: \(String(cString: strerror(errno)))")
        }
        var template = Array("/tmp/runbook-proxy-XXXXXX".utf8CString)
        let errors = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if errors >= 0 {
            _ = fcntl(errors, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        if errors >= 0 {
            posix_spawn_file_actions_adddup2(&actions, errors, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let (child, result) = withUnsafePointer(to: &actions) {
            Spawning.spawn("/bin/sh", ["-c", expanded], environment: nil, actions: $0, ownSession: true)
        }
        Glibc.close(pair[1])
        guard result == 0 else {
            Glibc.close(pair[0])
            if errors >= 0 { Glibc.close(errors) }
            throw SSHError.connect(endpoint.named, "cannot start its ProxyCommand: \(String(cString: strerror(result)))")
        }
        self.socket = pair[0]
        self.pid = child
        self.errors = errors
    }

    /// `command` with ssh's tokens for `endpoint` in place: `%h` the host, `%p` the port, `%r`
    /// the user, `%n` the name as given, `%%` a percent sign.
    static func expand(_ command: String, endpoint: SSHEndpoint) -> String {
        var out = ""
        var percent = false
        for character in command {
            guard percent else {
                if character == "%" { percent = true } else { out.append(character) }
                continue
            }
            percent = false
            switch character {
            case "h": out += endpoint.host
            case "p": out += String(endpoint.port)
            case "r": out += endpoint.user
            case "n": out += endpoint.label
            case "%": out += "%"
            default: out += "%" + String(character)
            }
        }
        return percent ? out + "%" : out
    }

    /// What the command wrote to stderr, its last lines (for a failed connection's error).
    var stderrTail: String {
        guard errors >= 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let size = lseek(errors, 0, SEEK_END)
        let start = max(0, Int(size) - bytes.count)
        let n = bytes.withUnsafeMutableBytes { pread(errors, $0.baseAddress, $0.count, off_t(start)) }
        guard n > 0 else { return "" }
        let text = String(decoding: bytes[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.split(separator: "\n").suffix(3).joined(separator: "; ")
    }

    /// Ends the command (once): SIGTERM to its group, SIGKILL after two seconds.
    func close() {
        guard closing.trip() else { return }
        kill(-pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(2)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(10_000)
        }
        if errors >= 0 { Glibc.close(errors) }
    }
}
