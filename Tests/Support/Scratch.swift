import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Temporary directories for tests, all under one directory of this test process that is
/// removed when the process exits: a test run leaves nothing in the temporary directory
/// (before, every run left its workspaces there, thousands over a few days).
public enum Scratch {
    /// This process's directory, made on first use, and removed at exit.
    public static let root: URL = {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("runbook-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { Scratch.removeRoot() }
        return root
    }()

    /// A new empty directory `prefix-UUID` under `root`, with `permissions` when given.
    public static func directory(_ prefix: String, permissions: Int? = nil) throws -> URL {
        let dir = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir, withIntermediateDirectories: true, attributes: permissions.map { [.posixPermissions: $0] })
        return dir
    }

    /// Removes `root` and everything under it.
    static func removeRoot() {
        try? FileManager.default.removeItem(at: root)
    }
}
