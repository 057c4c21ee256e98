import Foundation
import GRDB
import RunbookTestSupport
import Testing

@testable import RunbookJournal

func runDirectory() throws -> URL {
    let dir = Scratch.root.appendingPathComponent("rb-journal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return dir
}

let header = RunRecord(
    id: "20261123-0142-7f3a", guide: "g.md", guideHash: "abc", status: "running", started: 100, selection: "1,2",
    bindings: "DOMAIN=x\t--set", targets: "", choices: "")

@Suite("journal")
struct JournalTests {
    @Test func recordsStepsSnapshotsAndTheRunDurably() throws {
        let dir = try runDirectory()
        let journal = try Journal.create(
            in: dir, run: header,
            steps: [
                StepRecord(number: 1, id: "a/1", contentHash: "h1", target: "local", status: "pending"),
                StepRecord(number: 2, id: "b/1", contentHash: "h2", target: "local", status: "pending"),
            ])
        try journal.stepStarted(1, at: 101)
        // A second process reading now sees the started record.
        let reader = try Journal.open(in: dir)
        #expect(try reader.steps().map(\.status) == ["running", "pending"])
        try journal.stepFinished(
            StepRecord(
                number: 1, id: "a/1", contentHash: "h1", target: "local", status: "succeeded", started: 101, ended: 102,
                exitCode: 0, attempts: 1),
            snapshots: ["local": "declare -x A=\"1\"\n"])
        try journal.finish(status: "succeeded", at: 103)
        #expect(
            try reader.steps() == [
                StepRecord(
                    number: 1, id: "a/1", contentHash: "h1", target: "local", status: "succeeded", started: 101, ended: 102,
                    exitCode: 0, attempts: 1),
                StepRecord(number: 2, id: "b/1", contentHash: "h2", target: "local", status: "pending"),
            ])
        #expect(try reader.snapshots() == ["local": "declare -x A=\"1\"\n"])
        var finished = header
        finished.status = "succeeded"
        finished.ended = 103
        #expect(try reader.run() == finished)
        for suffix in ["", "-wal", "-shm"] {
            let path = Journal.url(in: dir).path + suffix
            if FileManager.default.fileExists(atPath: path) {
                #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600, "\(suffix)")
            }
        }
    }

    /// A journal written before steps recorded their failing line (schema v2) opens, gains
    /// the column, and a resumed run records the line in it.
    @Test func aJournalFromBeforeFailedLinesIsMigrated() throws {
        let dir = try runDirectory()
        let old = try DatabaseQueue(path: Journal.url(in: dir).path)
        try Journal.migrator.migrate(old, upTo: "v2 host results")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO run (id, guide, guideHash, status, started, selection, bindings, targets, choices)
                    VALUES ('20261123-0142-7f3a', 'g.md', 'abc', 'failed', 100, '1', '', '', '');
                    INSERT INTO step (number, id, contentHash, target, status, attempts, assertions)
                    VALUES (1, 'a/1', 'h1', 'local', 'failed', 1, '[]');
                    """)
        }
        try old.close()
        let journal = try Journal.open(in: dir)
        #expect(
            try journal.steps() == [
                StepRecord(number: 1, id: "a/1", contentHash: "h1", target: "local", status: "failed", attempts: 1)
            ])
        try journal.stepFinished(
            StepRecord(
                number: 1, id: "a/1", contentHash: "h1", target: "local", status: "failed", started: 101, ended: 102,
                exitCode: 1, attempts: 1, failedLine: 14),
            snapshots: [:])
        #expect(try Journal.open(in: dir).steps().map(\.failedLine) == [14])
    }

    @Test func aRunDirectoryHoldsOneJournal() throws {
        let dir = try runDirectory()
        _ = try Journal.create(in: dir, run: header, steps: [])
        #expect(throws: JournalError.self) { _ = try Journal.create(in: dir, run: header, steps: []) }
        #expect(throws: JournalError.self) { _ = try Journal.open(in: try runDirectory()) }
    }

    @Test func theLockRefusesASecondHolderAndNamesTheFirst() throws {
        let dir = try runDirectory()
        #expect(!RunLock.isHeld(runDirectory: dir))
        var lock: RunLock? = try RunLock(runDirectory: dir)
        #expect(RunLock.isHeld(runDirectory: dir))
        // flock locks belong to open file descriptions: a second open in this process conflicts too.
        #expect(
            throws: JournalError(description: "run \(dir.lastPathComponent) is in use by process \(getpid()); wait for it to end")
        ) {
            _ = try RunLock(runDirectory: dir)
        }
        lock = nil
        _ = lock
        #expect(!RunLock.isHeld(runDirectory: dir))
    }

    @Test func fingerprintsAreStable() {
        #expect(Journal.fingerprint("") == "cbf29ce484222325")
        #expect(Journal.fingerprint("echo hi") == Journal.fingerprint("echo hi"))
        #expect(Journal.fingerprint("echo hi") != Journal.fingerprint("echo ho"))
    }
}
