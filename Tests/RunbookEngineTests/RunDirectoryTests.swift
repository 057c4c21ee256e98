import Foundation
import Testing

@testable import RunbookEngine

struct RunDirectoryTests {
    /// A fresh state directory, removed when the test ends.
    func stateDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rundir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func idsOfRunsStartedInOneMinuteSortByTime() throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        // 2026-11-23 01:42:00 UTC, then 0.25 s, 30 s and 59.5 s into that minute.
        let minute = Date(timeIntervalSince1970: 1_795_398_120)
        let offsets: [Double] = [59.5, 0.25, 30, 0]
        var ids: [Double: String] = [:]
        for offset in offsets {
            ids[offset] = try RunDirectory.create(in: state.path, now: minute.addingTimeInterval(offset)).id
        }
        #expect(ids[0] == "20261123-0142-0000")
        #expect(ids[0.25] == "20261123-0142-00fa")
        #expect(ids[30] == "20261123-0142-7530")
        #expect(ids[59.5] == "20261123-0142-e86c")
        #expect(offsets.sorted().map { ids[$0]! } == ids.values.sorted())
    }

    @Test func runsStartedInTheSameMillisecondTakeTheNextId() throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let now = Date(timeIntervalSince1970: 1_795_398_120.5)
        let first = try RunDirectory.create(in: state.path, now: now)
        let second = try RunDirectory.create(in: state.path, now: now)
        #expect(first.id == "20261123-0142-01f4")
        #expect(second.id == "20261123-0142-01f5")
        let names = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("runs").path).sorted()
        #expect(names == ["20261123-0142-01f4", "20261123-0142-01f5"])
    }
}
