internal import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How to connect and whom to trust.
public struct SSHOptions: Sendable {
    /// The known_hosts file (`~/.ssh/known_hosts` unless `--known-hosts`).
    public var knownHostsFile: String
    /// Record the key of a host not yet in known_hosts (a changed key is still refused).
    public var acceptNewHostKeys = false
    /// Identity files named on the command line, tried before the host's own and the defaults.
    public var identityFiles: [String] = []
    /// Try ssh-agent first (when `SSH_AUTH_SOCK` is set).
    public var useAgent = true
    /// The agent's socket: `SSH_AUTH_SOCK` unless said.
    public var agentSocket: String? = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"]
    /// The passphrase for an encrypted key file, or nil (asked only for encrypted keys).
    public var passphrase: @Sendable (String) -> String? = { _ in nil }
    /// Seconds to wait for TCP and for each blocking protocol step.
    public var connectTimeout: Double = 10
    /// Seconds between keepalives while a connection is idle.
    public var keepaliveInterval: Int = 15
    /// The home directory the default identities live in.
    public var home: String

    /// Options with OpenSSH's defaults under `home`.
    public init(home: String = SSHConfig.homeDirectory) {
        self.home = home
        self.knownHostsFile = home + "/.ssh/known_hosts"
    }
}

/// What a read from a channel found.
public enum SSHRead: Equatable, Sendable {
    /// This many bytes of stdout were read.
    case data(Int)
    /// This many bytes of stderr were read.
    case stderr(Int)
    /// Nothing arrived in the time allowed.
    case idle
    /// The remote command ended (its exit status is in `exitStatus`).
    case ended
    /// The connection is gone.
    case lost(String)
}

/// One authenticated SSH connection (libssh2). It is used by one thread at a time; blocking
/// waits are `poll` on its socket, never on Swift's cooperative pool (runbook does not use it).
/// The session and socket are freed exactly once, when the connection is closed or released.
public final class SSHConnection: @unchecked Sendable {
    /// Where it is connected.
    public let endpoint: SSHEndpoint
    /// How it authenticated: `agent`, or the identity file's path.
    public let authenticatedWith: String
    /// The host key's fingerprint, `SHA256:…`.
    public let fingerprint: String
    /// True when the host key was recorded by this connection (`--accept-new-host-keys`).
    public let recordedHostKey: Bool
    let session: OpaquePointer
    let socket: Int32
    private var closed = false
    private let keepaliveInterval: Int
    /// The stream through jump hosts or a proxy command this connection runs over, if any.
    private let carrier: (any SSHCarrier)?

    /// Connects, verifies the host key and authenticates; throws with the reason otherwise.
    public init(endpoint: SSHEndpoint, options: SSHOptions) throws(SSHError) {
        SSHLibrary.initialize()
        // Everything that can fail happens before a property is set: a class whose init
        // throws after that still runs deinit, which would free the handles a second time.
        let established = try Self.establish(endpoint: endpoint, options: options)
        self.endpoint = endpoint
        self.session = established.session
        self.socket = established.socket
        self.authenticatedWith = established.method
        self.fingerprint = established.fingerprint
        self.recordedHostKey = established.recorded
        self.keepaliveInterval = options.keepaliveInterval
        self.carrier = established.carrier
    }

    deinit { close() }

    /// Ends the connection politely (once).
    public func close() {
        guard !closed else { return }
        closed = true
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, 2000)
        _ = rb_ssh2_session_disconnect(session, "runbook done")
        libssh2_session_free(session)
        Glibc.close(socket)
        carrier?.close()
    }

    private struct Established {
        var session: OpaquePointer
        var socket: Int32
        var method: String
        var fingerprint: String
        var recorded: Bool
        var carrier: (any SSHCarrier)?
    }

    private static func establish(endpoint: SSHEndpoint, options: SSHOptions) throws(SSHError) -> Established {
        let (fd, carrier) = try stream(to: endpoint, options: options)
        guard let session = rb_ssh2_session_init() else {
            Glibc.close(fd)
            carrier?.close()
            throw SSHError.handshake(endpoint.description, "cannot create an SSH session")
        }
        func fail(_ error: SSHError) -> SSHError {
            libssh2_session_free(session)
            Glibc.close(fd)
            carrier?.close()
            return error
        }
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(options.connectTimeout * 1000))
        if libssh2_session_handshake(session, libssh2_socket_t(fd)) != 0 {
            // A proxy command that failed says why on its stderr.
            let said = (carrier as? SSHProxyCommand)?.stderrTail ?? ""
            throw fail(
                .handshake(
                    endpoint.description, lastError(session) + (said.isEmpty ? "" : " (its ProxyCommand said: \(said))")))
        }
        // Host key: verified before a single credential is offered.
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &length, &type) else {
            throw fail(.handshake(endpoint.description, "the server sent no host key"))
        }
        let fingerprint = KnownHosts.fingerprint(session: session)
        var recorded = false
        do throws(SSHError) {
            switch try KnownHosts.check(
                session: session, endpoint: endpoint, key: key, length: length, type: type, path: options.knownHostsFile)
            {
            case .match:
                break
            case .revoked(let line):
                throw SSHError.revokedHostKey(
                    host: endpoint.knownHostsName, fingerprint: fingerprint, file: options.knownHostsFile, line: line)
            case .mismatch:
                throw SSHError.changedHostKey(
                    host: endpoint.knownHostsName, fingerprint: fingerprint, file: options.knownHostsFile)
            case .notFound:
                guard options.acceptNewHostKeys else {
                    throw SSHError.unknownHostKey(
                        host: endpoint.knownHostsName, fingerprint: fingerprint, file: options.knownHostsFile)
                }
                try KnownHosts.append(endpoint: endpoint, key: key, length: length, type: type, path: options.knownHostsFile)
                recorded = true
            }
        } catch {
            throw fail(error)
        }
        let method: String
        do {
            method = try authenticate(session: session, endpoint: endpoint, options: options)
        } catch {
            throw fail(error)
        }
        libssh2_keepalive_config(session, 1, UInt32(max(1, options.keepaliveInterval)))
        libssh2_session_set_blocking(session, 0)
        return Established(
            session: session, socket: fd, method: method, fingerprint: fingerprint, recorded: recorded, carrier: carrier)
    }

    /// The byte stream the session runs over: TCP to the host, a proxy command's stdin and
    /// stdout, or behind jump hosts a stream the last hop (reached through the ones before it)
    /// opens to the host.
    private static func stream(to endpoint: SSHEndpoint, options: SSHOptions) throws(SSHError) -> (
        Int32, (any SSHCarrier)?
    ) {
        // Dialled directly, a host behind a proxy is unreachable, or another machine.
        if let proxy = endpoint.proxy {
            throw SSHError.connect(
                endpoint.named,
                "~/.ssh/config reaches it through \(proxy), which runbook cannot read; "
                    + "bind the target to an address this machine reaches, or reach it with ProxyJump or ProxyCommand")
        }
        if let command = endpoint.proxyCommand {
            let proxy = try SSHProxyCommand(command, for: endpoint)
            return (proxy.socket, proxy)
        }
        guard let last = endpoint.via.last else {
            return (try connectSocket(endpoint: endpoint, timeout: options.connectTimeout), nil)
        }
        // The last hop is reached through the hops before it; the first, as it is itself
        // reached (its own jump or proxy command).
        var hop = last
        if endpoint.via.count > 1 { hop.via = Array(endpoint.via.dropLast()) }
        let jump = try SSHConnection(endpoint: hop, options: options)
        do throws(SSHError) {
            let tunnel = try SSHTunnel(through: jump, to: endpoint.host, port: endpoint.port, timeout: options.connectTimeout)
            return (tunnel.socket, tunnel)
        } catch {
            jump.close()
            throw error
        }
    }

    /// TCP to the first address that answers, within `timeout`; Nagle off (every step is a
    /// small write waiting for a small reply).
    private static func connectSocket(endpoint: SSHEndpoint, timeout: Double) throws(SSHError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            throw SSHError.connect(endpoint.description, String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, Int32(timeout * 1000)) == 1 {
                    var error: Int32 = 0
                    var size = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
                    result = error == 0 ? 0 : -1
                    errno = error
                } else {
                    errno = ETIMEDOUT
                }
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(fd)
        }
        throw SSHError.connect(endpoint.description, lastError)
    }

    /// ssh-agent, then identity files: explicit ones, the host's, then `~/.ssh/id_{ed25519,ecdsa,rsa}`.
    private static func authenticate(session: OpaquePointer, endpoint: SSHEndpoint, options: SSHOptions) throws(SSHError)
        -> String
    {
        var tried: [String] = []
        let user = endpoint.user
        if options.useAgent, let socket = options.agentSocket, !socket.isEmpty {
            switch agentAuthenticate(session: session, user: user, socket: socket) {
            case .success: return "agent"
            case .failure(let why): tried.append("ssh-agent (\(why))")
            }
        }
        let defaults = ["id_ed25519", "id_ecdsa", "id_rsa"].map { options.home + "/.ssh/" + $0 }
        var seen: Set<String> = []
        let explicit = options.identityFiles + endpoint.identityFiles
        for path in explicit + defaults where !seen.contains(path) {
            seen.insert(path)
            let isDefault = !explicit.contains(path)
            guard let contents = FileManager.default.contents(atPath: path) else {
                if !isDefault { tried.append("\(path) (cannot read it)") }
                continue
            }
            var passphrase: String?
            if PrivateKeyFile.isEncrypted(contents) {
                passphrase = options.passphrase(path)
                if passphrase == nil {
                    tried.append("\(path) (encrypted; give its passphrase in RUNBOOK_SSH_PASSPHRASE or run on a terminal)")
                    continue
                }
            }
            let rc = rb_ssh2_userauth_publickey_fromfile(session, user, path, passphrase ?? "")
            if rc == 0 { return path }
            switch rc {
            case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_KEYFILE_AUTH_FAILED:
                tried.append("\(path) (\(passphrase == nil ? "unreadable key" : "wrong passphrase or unreadable key"))")
            default:
                tried.append("\(path) (not accepted)")
            }
            if libssh2_session_last_errno(session) == LIBSSH2_ERROR_SOCKET_DISCONNECT { break }
        }
        let list =
            tried.isEmpty
            ? "no identity to offer (no agent, no --identity, no ~/.ssh/id_*)" : "tried " + tried.joined(separator: ", ")
        throw SSHError.authentication("\(endpoint.description)", "publickey; \(list)")
    }

    private enum AgentResult {
        case success
        case failure(String)
    }

    private static func agentAuthenticate(session: OpaquePointer, user: String, socket: String) -> AgentResult {
        guard let agent = libssh2_agent_init(session) else { return .failure("cannot start") }
        defer { libssh2_agent_free(agent) }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0 else { return .failure("cannot connect") }
        defer { libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else { return .failure("cannot list identities") }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            count += 1
            if libssh2_agent_userauth(agent, user, current) == 0 { return .success }
            previous = current
        }
        return .failure(count == 0 ? "no identities" : "\(count) identit\(count == 1 ? "y" : "ies") not accepted")
    }

    static func lastError(_ session: OpaquePointer) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        libssh2_session_last_error(session, &message, &length, 0)
        return message.map { String(cString: $0) } ?? "unknown error"
    }

    /// Waits until the socket can move in the direction libssh2 is blocked on, at most `milliseconds`.
    func waitSocket(_ milliseconds: Int32) {
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var pfd = pollfd(fd: socket, events: events, revents: 0)
        _ = poll(&pfd, 1, milliseconds)
    }

    /// Repeats a non-blocking call while it says EAGAIN, up to `timeout` seconds.
    func retrying(_ timeout: Double, _ call: () -> Int32) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let rc = call()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            if Date() > deadline { return LIBSSH2_ERROR_TIMEOUT }
            waitSocket(100)
        }
    }

    /// Sends a keepalive when one is due; false when the connection is gone.
    func keepalive() -> Bool {
        var next: Int32 = 0
        let rc = libssh2_keepalive_send(session, &next)
        return rc == 0 || rc == LIBSSH2_ERROR_EAGAIN
    }

    /// Opens a channel running `command` (through the login shell, as sshd does), on a
    /// pseudo-terminal of that size and type when `terminal` is given (as `ssh -t` does).
    public func open(command: String, timeout: Double = 10, terminal: SSHTerminal? = nil) throws(SSHError) -> SSHChannel {
        guard !closed else { throw SSHError.lost(endpoint.description, "the connection was closed") }
        let deadline = Date().addingTimeInterval(timeout)
        var handle: OpaquePointer?
        while handle == nil {
            handle = rb_ssh2_channel_open_session(session)
            if handle == nil {
                let errno = libssh2_session_last_errno(session)
                guard errno == LIBSSH2_ERROR_EAGAIN, Date() < deadline else {
                    throw Self.failure(endpoint, errno, "cannot open a channel: \(Self.lastError(session))")
                }
                waitSocket(100)
            }
        }
        let channel = SSHChannel(connection: self, handle: handle!)
        if let terminal {
            let rc = retrying(max(0.1, deadline.timeIntervalSinceNow)) {
                libssh2_channel_request_pty_ex(
                    handle, terminal.type, UInt32(terminal.type.utf8.count), nil, 0, Int32(terminal.columns),
                    Int32(terminal.rows), 0, 0)
            }
            if rc != 0 {
                channel.close()
                throw Self.failure(endpoint, rc, "cannot get a terminal: \(Self.lastError(session))")
            }
        }
        let rc = retrying(max(0.1, deadline.timeIntervalSinceNow)) { rb_ssh2_channel_exec(handle, command) }
        if rc != 0 {
            channel.close()
            throw Self.failure(endpoint, rc, "cannot start `\(command)`: \(Self.lastError(session))")
        }
        return channel
    }

    /// Runs a short command on its own channel and returns its exit status and output.
    public func execute(_ command: String, timeout: Double = 10) throws(SSHError) -> (status: Int32, output: String) {
        let channel = try open(command: command, timeout: timeout)
        defer { channel.close() }
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        let deadline = Date().addingTimeInterval(timeout)
        loop: while Date() < deadline {
            switch channel.read(into: &buffer, waiting: 100) {
            case .data(let n), .stderr(let n): collected.append(contentsOf: buffer[0..<n])
            case .idle: continue
            case .ended: break loop
            case .lost(let why): throw SSHError.lost(endpoint.description, why)
            }
        }
        return (channel.exitStatus, String(decoding: collected, as: UTF8.self))
    }

    static func failure(_ endpoint: SSHEndpoint, _ code: Int32, _ message: String) -> SSHError {
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_TIMEOUT,
            LIBSSH2_ERROR_BAD_SOCKET:
            .lost(endpoint.description, message)
        default:
            .channel(endpoint.description, message)
        }
    }
}

/// One channel: a remote command's stdin, its stdout and stderr (merged), its exit status.
public final class SSHChannel: @unchecked Sendable {
    let connection: SSHConnection
    private let handle: OpaquePointer
    private var freed = false
    private var lastKeepalive = Date()

    init(connection: SSHConnection, handle: OpaquePointer) {
        self.connection = connection
        self.handle = handle
    }

    deinit { close() }

    /// Writes all of `text`; false when the channel or connection is gone.
    @discardableResult
    public func write(_ text: String) -> Bool {
        write(bytes: Array(text.utf8))
    }

    /// Writes all of `bytes`; false when the channel or connection is gone.
    @discardableResult
    public func write(bytes: [UInt8]) -> Bool {
        var offset = 0
        let deadline = Date().addingTimeInterval(60)
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: buffer.count - offset) {
                    rb_ssh2_channel_write(handle, $0, buffer.count - offset)
                }
            }
            if n > 0 {
                offset += n
            } else if n == Int(LIBSSH2_ERROR_EAGAIN) {
                // The window is full: let incoming data (window adjusts) through.
                if Date() > deadline { return false }
                connection.waitSocket(50)
            } else {
                return false
            }
        }
        return true
    }

    /// Reads what is available (stdout first, then stderr), waiting up to `milliseconds`.
    /// At the end of the stream, `.ended`; `exitStatus` then says how the command ended.
    public func read(into buffer: inout [UInt8], waiting milliseconds: Int32) -> SSHRead {
        for pass in 0..<2 {
            let out = readOnce(into: &buffer)
            if out != .idle { return out }
            if libssh2_channel_eof(handle) == 1 { return .ended }
            if pass == 0 {
                if Date().timeIntervalSince(lastKeepalive) > 1 {
                    lastKeepalive = Date()
                    if !connection.keepalive() { return .lost(SSHConnection.lastError(connection.session)) }
                }
                connection.waitSocket(milliseconds)
            }
        }
        return .idle
    }

    private func readOnce(into buffer: inout [UInt8]) -> SSHRead {
        for stderr in [false, true] {
            let n = buffer.withUnsafeMutableBufferPointer { pointer in
                pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: pointer.count) {
                    stderr
                        ? rb_ssh2_channel_read_stderr(handle, $0, pointer.count) : rb_ssh2_channel_read(handle, $0, pointer.count)
                }
            }
            if n > 0 { return stderr ? .stderr(n) : .data(n) }
            if n == 0 || n == Int(LIBSSH2_ERROR_EAGAIN) { continue }
            if n == Int(LIBSSH2_ERROR_CHANNEL_CLOSED) || n == Int(LIBSSH2_ERROR_CHANNEL_EOF_SENT) { return .ended }
            return .lost(SSHConnection.lastError(connection.session))
        }
        return .idle
    }

    /// The remote command's exit status (after `.ended`); 255 when the remote sent none, as ssh.
    public var exitStatus: Int32 {
        _ = connection.retrying(2) { libssh2_channel_close(handle) }
        _ = connection.retrying(2) { libssh2_channel_wait_closed(handle) }
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        if libssh2_channel_get_exit_signal(handle, &signal, &signalLength, nil, nil, nil, nil) == 0, let name = signal {
            defer { free(name) }
            return 128 + Self.signalNumber(String(cString: name))
        }
        return libssh2_channel_get_exit_status(handle)
    }

    /// Joins the channel (opened with a `terminal`) to this process's terminal until the remote
    /// command ends, as `ssh -t` does: `input` is put in raw mode, so every key (Ctrl-C
    /// included) goes to the remote pty, which echoes and signals; what the command prints
    /// goes to `output`; the remote pty follows the terminal's size. Returns the command's
    /// exit status, 255 when the connection was lost.
    public func relay(input: Int32, output: Int32) -> Int32 {
        let saved = RawTerminal(input)
        defer { saved?.restore() }
        var size = SSHTerminal.size(of: output)
        var buffer = [UInt8](repeating: 0, count: 16384)
        var inputOpen = true
        while true {
            var waiting: Int32 = 100
            switch readOnce(into: &buffer) {
            case .data(let n), .stderr(let n):
                Self.writeAll(output, buffer[0..<n])
                // More may follow at once: the keyboard is looked at without waiting, so a
                // flood of output never holds back a key (Ctrl-C, q) from the remote.
                waiting = 0
            case .ended:
                return exitStatus
            case .lost:
                return 255
            case .idle:
                if libssh2_channel_eof(handle) == 1 { return exitStatus }
            }
            if Date().timeIntervalSince(lastKeepalive) > 1 {
                lastKeepalive = Date()
                if !connection.keepalive() { return 255 }
            }
            if let now = SSHTerminal.size(of: output), now.columns != size?.columns || now.rows != size?.rows {
                size = now
                _ = libssh2_channel_request_pty_size_ex(handle, Int32(now.columns), Int32(now.rows), 0, 0)
            }
            var fds = [
                pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: inputOpen ? input : -1, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&fds, 2, waiting)
            guard inputOpen, fds[1].revents != 0 else { continue }
            let n = Glibc.read(input, &buffer, buffer.count)
            if n > 0 {
                if !write(bytes: Array(buffer[0..<n])) { return 255 }
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                inputOpen = false
                sendEOF()
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                rest = rest.dropFirst(n)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Tells the remote command its input is over.
    public func sendEOF() {
        _ = connection.retrying(2) { libssh2_channel_send_eof(handle) }
    }

    /// Closes and frees the channel (once).
    public func close() {
        guard !freed else { return }
        freed = true
        _ = connection.retrying(1) { libssh2_channel_close(handle) }
        _ = connection.retrying(1) { libssh2_channel_free(handle) }
    }

    static func signalNumber(_ name: String) -> Int32 {
        ["HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "SEGV": 11, "PIPE": 13, "ALRM": 14, "TERM": 15][name] ?? 1
    }
}

/// The pseudo-terminal a channel asks for: its type (`TERM`) and size.
public struct SSHTerminal: Sendable, Equatable {
    /// `TERM`, e.g. `xterm-256color`.
    public var type: String
    /// Columns.
    public var columns: Int
    /// Rows.
    public var rows: Int

    /// A terminal of that type and size.
    public init(type: String, columns: Int, rows: Int) {
        self.type = type
        self.columns = columns
        self.rows = rows
    }

    /// The size of the terminal `fd` is, or nil when it is not one.
    public static func size(of fd: Int32) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// This process's terminal as the remote should see it: `TERM` and the size of `fd`
    /// (80×24 when it reports none).
    public static func current(_ fd: Int32 = STDOUT_FILENO) -> SSHTerminal {
        let size = Self.size(of: fd) ?? (80, 24)
        return SSHTerminal(
            type: ProcessInfo.processInfo.environment["TERM"] ?? "xterm", columns: size.columns, rows: size.rows)
    }
}

/// A terminal put in raw mode, and how to put it back.
private struct RawTerminal {
    let fd: Int32
    let saved: termios

    /// Raw mode on `fd`, or nil when it is not a terminal.
    init?(_ fd: Int32) {
        var settings = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &settings) == 0 else { return nil }
        self.fd = fd
        self.saved = settings
        cfmakeraw(&settings)
        // TCSANOW: what the person typed ahead stays in the input, for the remote command.
        tcsetattr(fd, TCSANOW, &settings)
    }

    func restore() {
        var settings = saved
        tcsetattr(fd, TCSANOW, &settings)
    }
}

/// What runbook needs to know about a private key file before offering it.
enum PrivateKeyFile {
    /// True for an OpenSSH key with a cipher other than `none`, or an encrypted PEM key.
    static func isEncrypted(_ contents: Data) -> Bool {
        let text = String(decoding: contents, as: UTF8.self)
        if text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY") { return true }
        guard let begin = text.range(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
            let end = text.range(of: "-----END OPENSSH PRIVATE KEY-----")
        else { return false }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let blob = Data(base64Encoded: String(body)) else { return false }
        let bytes = [UInt8](blob)
        let magic = Array("openssh-key-v1\0".utf8)
        guard bytes.count > magic.count + 4, Array(bytes[0..<magic.count]) == magic else { return false }
        var offset = magic.count
        let length =
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        offset += 4
        guard offset + length <= bytes.count else { return false }
        return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self) != "none"
    }
}
