import Foundation
import RunbookModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Scopes that ignore SIGPIPE overlap on several threads (runs side by side in one
/// process): one ending must not end the other's. The writes below go to pipes whose reader is
/// gone; if SIGPIPE were back at its default, the test process would end there.
@Suite("broken pipes")
struct BrokenPipesTests {
    /// Writes a byte to a pipe whose read end is closed: the errno, or 0 when it was written.
    func writeToClosedPipe() -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return -1 }
        close(ends[0])
        defer { close(ends[1]) }
        var byte: UInt8 = 1
        return write(ends[1], &byte, 1) < 0 ? errno : 0
    }

    /// Whether SIGPIPE is ignored now.
    func ignored() -> Bool {
        var now = sigaction()
        sigaction(SIGPIPE, nil, &now)
        return unsafeBitCast(now.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    @Test func anOverlappingScopeEndingFirstLeavesTheOtherIgnoring() {
        BrokenPipes.begin()
        #expect(ignored())
        BrokenPipes.begin()
        BrokenPipes.end()
        // The first scope has ended; the second still writes.
        #expect(ignored())
        #expect(writeToClosedPipe() == EPIPE)
        BrokenPipes.end()
    }

    /// Many scopes on many threads, each writing inside its own: every write fails with EPIPE.
    @Test func scopesOnManyThreadsEachSeeEPIPE() {
        let results = Fleet.map(Array(0..<64), forks: 8) { _ in
            BrokenPipes.begin()
            defer { BrokenPipes.end() }
            return writeToClosedPipe()
        }
        #expect(results == [Int32](repeating: EPIPE, count: 64))
    }
}
