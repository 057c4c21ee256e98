import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH server on 127.0.0.1 that a test starts for itself, through
/// `scripts/loopback-sshd.sh` (generated host and user keys, a free port).
public final class LoopbackSSHD: @unchecked Sendable {
    /// Holds the keys, the config, `known_hosts` and the server's log.
    public let directory: URL
    /// The port it listens on.
    public private(set) var port: Int

    /// The package root, from this file's path.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Starts a server with fresh keys in a new temporary directory.
    public init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("runbook-sshd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = 0
        port = try Self.script(["start", directory.path])
    }

    /// Stops the server and removes its directory (keys, config, log): tests leave nothing in
    /// the temporary directory.
    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The client key the server accepts.
    public var identity: String { directory.appendingPathComponent("id_ed25519").path }
    /// A known_hosts file trusting this server.
    public var knownHosts: String { directory.appendingPathComponent("known_hosts").path }
    /// The server's host public key line (`ssh-ed25519 AAAA… comment`).
    public var hostKeyLine: String {
        ((try? String(contentsOf: directory.appendingPathComponent("host_ed25519.pub"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    /// `ssh://user@127.0.0.1:port` for the current user.
    public var uri: String { "ssh://\(Self.user)@127.0.0.1:\(port)" }

    /// This process's user name (the server logs in as the same user).
    public static var user: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "root"
    }

    /// Stops the listener (established connections live on).
    public func stop() {
        _ = try? Self.script(["stop", directory.path])
    }

    /// Starts it again on the same port with the same keys.
    public func restart() throws {
        stop()
        port = try Self.script(["start", directory.path, String(port)])
    }

    /// Drops every established connection at once, as a network failure would: the
    /// per-connection server processes are killed, the listener stays.
    public func dropConnections() {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("sshd.pid"), encoding: .utf8),
            let listener = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        for pid in Self.children(of: listener) { kill(pid, SIGKILL) }
    }

    /// Direct children of `parent`, from /proc.
    static func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.range(of: ") ", options: .backwards)
            else { return nil }
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }

    @discardableResult
    static func script(_ arguments: [String]) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [packageRoot.appendingPathComponent("scripts/loopback-sshd.sh").path] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LoopbackError(description: "loopback-sshd.sh \(arguments.joined(separator: " ")) failed: \(errors)")
        }
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}

/// The test server could not be started.
public struct LoopbackError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
}
