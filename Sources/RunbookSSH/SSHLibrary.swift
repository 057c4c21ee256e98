internal import CLibSSH2

/// Facts about the linked libssh2; the transport itself builds on this module.
public enum SSHLibrary {
    /// The libssh2 version string, e.g. `1.10.0`.
    public static var version: String {
        guard let pointer = libssh2_version(0) else { return "unknown" }
        return String(cString: pointer)
    }
}
