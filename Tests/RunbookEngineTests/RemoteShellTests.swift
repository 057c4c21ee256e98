import Foundation
import RunbookSSH
import RunbookTestSupport
import Testing

@testable import RunbookEngine

/// The session protocol over SSH, against a real sshd on 127.0.0.1 started by the suite.
@Suite("one bash per remote target", .serialized)
struct RemoteShellTests {
    let server: LoopbackSSHD

    init() throws {
        server = try LoopbackSSHD()
    }

    func connect() throws -> SSHConnection {
        var options = SSHOptions(home: NSTemporaryDirectory())
        options.knownHostsFile = server.knownHosts
        options.identityFiles = [server.identity]
        options.useAgent = false
        return try SSHConnection(endpoint: try SSHEndpoint.parse(server.uri), options: options)
    }

    func remote(bound: [(String, String)] = [], restoring: String = "") throws -> ShellSession {
        try ShellSession(connection: try connect(), bound: bound, workDirectory: try scratch(), restoring: restoring)
    }

    @Test func stateCarriesFromStepToStepAsItDoesLocally() throws {
        let s = try remote()
        try expectStateCarries(in: s)
        #expect(s.snapshot.contains("LOCAL_ONLY"))
        s.close()
    }

    @Test func boundValuesArriveAsDataAndAreExported() throws {
        let tricky = "it's $(touch /tmp/pwned-remote) `x` \"q\" \\ end"
        let s = try remote(bound: [("TOKEN", tricky), ("EMPTY", "")])
        let out = run(s, "printf '%s|' \"$TOKEN\" \"${EMPTY-unset}\"; bash -c 'printf %s \"$TOKEN\"' | wc -c")
        #expect(out.exitCode == 0)
        #expect(out.output == "\(tricky)||\(tricky.utf8.count)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned-remote"))
        // Bound names never enter the snapshot.
        #expect(!s.snapshot.contains("TOKEN"))
        s.close()
    }

    @Test func aFailingStepEndsTheShellWhichIsRebuiltFromTheLastSnapshot() throws {
        let s = try remote()
        #expect(run(s, "export KEEP=kept; cd /tmp").exitCode == 0)
        let failed = run(s, "echo before\nexport LOST=lost\nfalse\necho after")
        #expect(failed.exitCode == 1)
        #expect(failed.output == "before")
        #expect(failed.sessionLost)
        #expect(failed.connectionLost == nil)
        #expect(failed.failedLine == 3)
        let exited = run(s, "exit 7")
        #expect(exited.exitCode == 7)
        #expect(exited.failedLine == nil)
        let after = run(s, "echo \"$KEEP ${LOST:-none} $PWD\"")
        #expect(after.exitCode == 0)
        #expect(after.output == "kept none /tmp")
        // `exit 0` ends the step well, and the next shell starts in the state it left.
        let done = run(s, "export ADDED=added; cd /\nexit 0\necho not reached")
        #expect(done.exitCode == 0)
        #expect(done.output == "")
        let next = run(s, "echo \"$KEEP $ADDED $PWD\"")
        #expect(next.output == "kept added /")
        s.close()
    }

    @Test func backgroundServicesOutliveTheStepAndTheRun() throws {
        let marker = Scratch.root.appendingPathComponent("rb-remote-bg-\(UUID().uuidString)").path
        let s = try remote()
        let started = run(s, "sleep 30 &\necho $! > \(marker)")
        #expect(started.exitCode == 0)
        // The next step is not held up by the background child holding the channel's output.
        let next = run(s, "echo next")
        #expect(next.output == "next")
        s.close()
        let pid = try #require(
            Int32(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0)
        kill(pid, SIGKILL)
        unlink(marker)
    }

    @Test func followAndTimeoutStopOnlyTheStepsOwnProcesses() throws {
        let s = try remote()
        let survivorFile = Scratch.root.appendingPathComponent("rb-remote-survivor-\(UUID().uuidString)").path
        // Under a guide's noclobber the step's start is still noted each time; a stale note
        // would make the follow window below stop the survivor too.
        #expect(run(s, "set -o noclobber").output == "")
        #expect(run(s, "sleep 40 > /dev/null 2>&1 &\necho $! > \(survivorFile)").output == "")
        let followed = run(s, "echo watching; tail -f /dev/null", ShellRunOptions(followWindow: 0.5))
        #expect(followed.exitCode == 0)
        #expect(followed.followStopped)
        #expect(followed.output == "watching")
        let timed = run(s, "sleep 20", ShellRunOptions(timeout: 0.5))
        #expect(timed.timedOut)
        #expect(timed.exitCode != 0)
        let survivor = try #require(
            Int32(
                try String(contentsOfFile: survivorFile, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        #expect(kill(survivor, 0) == 0)
        kill(survivor, SIGKILL)
        #expect(run(s, "echo still here").output == "still here")
        s.close()
    }

    @Test func aDroppedConnectionIsReportedNotMistakenForAFailure() throws {
        let s = try remote()
        #expect(run(s, "export A=1").exitCode == 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.4) { server.dropConnections() }
        let out = run(s, "echo started; sleep 5; echo never")
        #expect(out.connectionLost != nil)
        #expect(out.output == "started")
        #expect(out.sessionLost)
    }

    @Test func aRestoredSnapshotComesBackOnANewConnection() throws {
        let first = try remote()
        #expect(run(first, "cd /tmp\nexport EXPORTED=one\nLOCAL_ONLY='two words'\ngreet() { echo \"hi $1\"; }").exitCode == 0)
        let saved = first.snapshot
        first.close()
        let second = try remote(restoring: saved)
        let out = run(second, "echo \"$PWD $EXPORTED $LOCAL_ONLY\"; greet again")
        #expect(out.output == "/tmp one two words\nhi again")
        second.close()
    }
}
