internal import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP stream to `host:port` opened from a jump host (`ssh -J`, `ProxyJump`): a
/// `direct-tcpip` channel of the jump host's connection, with one end of a socket pair for the
/// connection behind it to use as its socket. One thread carries bytes between the pair's
/// other end and the channel; it alone uses the jump host's connection once the channel is
/// open.
final class SSHTunnel: @unchecked Sendable {
    /// The socket the connection behind the jump host reads and writes.
    let socket: Int32
    private let relayEnd: Int32
    private let jump: SSHConnection
    private let channel: OpaquePointer
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Latch()

    /// Opens the channel to `host:port` through `jump`, within `timeout` seconds, and starts
    /// carrying bytes.
    init(through jump: SSHConnection, to host: String, port: Int, timeout: Double) throws(SSHError) {
        var handle: OpaquePointer?
        let rc = jump.retrying(timeout) {
            handle = libssh2_channel_direct_tcpip_ex(jump.session, host, Int32(port), "127.0.0.1", 22)
            return handle == nil ? libssh2_session_last_errno(jump.session) : 0
        }
        guard rc == 0, let handle else {
            throw SSHError.connect(
                "\(host):\(port)",
                "\(jump.endpoint.named) could not open a connection to it: \(SSHConnection.lastError(jump.session))")
        }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            _ = libssh2_channel_free(handle)
            throw SSHError.connect("\(host):\(port)", "cannot make a socket pair: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(pair[1], F_SETFL, fcntl(pair[1], F_GETFL) | O_NONBLOCK)
        self.socket = pair[0]
        self.relayEnd = pair[1]
        self.jump = jump
        self.channel = handle
        let thread = Thread { [self] in
            relay()
            finished.signal()
        }
        thread.name = "runbook-ssh-jump"
        thread.start()
    }

    /// Stops carrying bytes and closes the channel and the jump host's connection (once);
    /// the connection behind it closes `socket` itself, first.
    func close() {
        guard stopping.trip() else { return }
        finished.wait()
        libssh2_session_set_blocking(jump.session, 1)
        libssh2_session_set_timeout(jump.session, 2000)
        _ = libssh2_channel_close(channel)
        _ = libssh2_channel_free(channel)
        Glibc.close(relayEnd)
        jump.close()
    }

    /// Carries bytes both ways until either side ends or `close` is called.
    private func relay() {
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        var toChannel: [UInt8] = []
        var toSocket: [UInt8] = []
        var socketEnded = false
        while !stopping.isTripped {
            var moved = false
            // From the connection behind the jump host to the channel.
            if toChannel.isEmpty, !socketEnded {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(relayEnd, $0.baseAddress, $0.count) }
                if n > 0 {
                    toChannel = Array(buffer[0..<n])
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    socketEnded = true
                    _ = libssh2_channel_send_eof(channel)
                }
            }
            if !toChannel.isEmpty {
                let written = toChannel.withUnsafeBufferPointer { bytes in
                    bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        rb_ssh2_channel_write(channel, $0, bytes.count)
                    }
                }
                if written > 0 {
                    toChannel.removeFirst(written)
                    moved = true
                } else if written != Int(LIBSSH2_ERROR_EAGAIN) {
                    break
                }
            }
            // From the channel back.
            if toSocket.isEmpty {
                let n = buffer.withUnsafeMutableBytes {
                    rb_ssh2_channel_read(channel, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                }
                if n > 0 {
                    toSocket = Array(buffer[0..<n])
                } else if n == 0 && libssh2_channel_eof(channel) == 1 {
                    break
                } else if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                    break
                }
            }
            if !toSocket.isEmpty {
                let n = toSocket.withUnsafeBytes { Glibc.write(relayEnd, $0.baseAddress, $0.count) }
                if n > 0 {
                    toSocket.removeFirst(n)
                    moved = true
                } else if n < 0, errno != EAGAIN, errno != EINTR {
                    break
                }
            }
            if !moved {
                // Nothing moved: keep the jump host's connection alive, then wait for either
                // side, briefly, so `close` is seen soon.
                _ = jump.keepalive()
                var fds = [
                    pollfd(fd: relayEnd, events: Int16(toSocket.isEmpty ? POLLIN : POLLIN | POLLOUT), revents: 0),
                    pollfd(fd: jump.socket, events: Int16(POLLIN), revents: 0),
                ]
                _ = poll(&fds, 2, 50)
            }
        }
        // The channel ended: the connection behind it sees its socket close.
        shutdown(relayEnd, Int32(SHUT_RDWR))
    }
}
