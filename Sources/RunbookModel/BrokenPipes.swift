import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGPIPE ignored while any part of runbook writes to pipes whose reader may be gone (a
/// step's shell): the write fails with EPIPE and the caller says what happened,
/// where the signal would end the process.
///
/// Scopes are counted, not saved and restored each on its own: where two overlap on different
/// threads (a test process runs guides side by side), the first to end restored the
/// disposition it found, the default, while the other was still writing, and the next EPIPE
/// killed the process. The disposition found is put back when the last scope ends.
public enum BrokenPipes {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var holders = 0
        var found: sighandler_t?
    }

    private static let state = State()

    /// Starts a scope: from here until its `end()`, SIGPIPE is ignored.
    public static func begin() {
        state.lock.lock()
        defer { state.lock.unlock() }
        if state.holders == 0 { state.found = signal(SIGPIPE, SIG_IGN) }
        state.holders += 1
    }

    /// Ends a scope that `begin()` started; the last one to end puts back what the first found.
    public static func end() {
        state.lock.lock()
        defer { state.lock.unlock() }
        precondition(state.holders > 0, "BrokenPipes.end() without a begin()")
        state.holders -= 1
        if state.holders == 0 { signal(SIGPIPE, state.found) }
    }
}
