import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What every process runbook starts is started with: steps' shells, and the proxy commands
/// SSH connections run over.
public enum Spawning {
    /// Marks every descriptor above stderr close-on-exec. Whatever launched runbook may have
    /// left pipes open in it; a shell, and the services a guide starts from it, must not hold
    /// them (a caller waiting for EOF would wait as long as the service lives).
    public static func keepDescriptorsFromChildren() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Spawn attributes every child gets: default handling for the signals the runner
    /// catches or ignores, and no blocked signals. The spawning thread may block signals (test
    /// runners and dispatch threads do); a child must not inherit that, or Ctrl-C and SIGTERM
    /// would never reach a step. `ownSession` starts the child in a session of its own: a
    /// process group of its own, and no controlling terminal, so a command that opens
    /// `/dev/tty` (sudo asking for a password, ssh for a passphrase) fails at once. In this
    /// process's session it was in a background group, and the terminal stopped it there
    /// (SIGTTIN) for good.
    public static func attributes(ownSession: Bool) -> posix_spawnattr_t {
        // POSIX_SPAWN_SETSID (glibc 2.26), which spawn.h declares only under _GNU_SOURCE.
        let spawnSetSID: Int32 = 0x80
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (ownSession ? spawnSetSID : 0)
        posix_spawnattr_setflags(&attributes, Int16(flags))
        return attributes
    }

    /// `posix_spawn` as every child is started: inherited descriptors kept from it, the
    /// attributes of `attributes(ownSession:)`, its C strings freed after. `environment` nil
    /// passes this process's own. Returns the pid and posix_spawn's result (0 when started).
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String]?,
        actions: UnsafePointer<posix_spawn_file_actions_t>?, ownSession: Bool
    ) -> (pid: pid_t, result: Int32) {
        keepDescriptorsFromChildren()
        var attributes = attributes(ownSession: ownSession)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var child: pid_t = 0
        let result: Int32
        if var envp {
            result = posix_spawn(&child, executable, actions, &attributes, argv, &envp)
        } else {
            result = posix_spawn(&child, executable, actions, &attributes, argv, environ)
        }
        return (child, result)
    }
}
