internal import CLibSSH2

/// Facts about the linked libssh2, and its one-time setup.
public enum SSHLibrary {
    /// The libssh2 version string, e.g. `1.10.0`.
    public static var version: String {
        guard let pointer = libssh2_version(0) else { return "unknown" }
        return String(cString: pointer)
    }

    /// `libssh2_init` must run once before sessions are made on several threads.
    private static let initialized: Bool = libssh2_init(0) == 0

    /// Runs `libssh2_init` once (thread-safe: a static is initialised exactly once).
    static func initialize() {
        _ = initialized
    }
}
