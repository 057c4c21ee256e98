import Foundation
import RunbookGuide
import RunbookModel

#if canImport(Glibc)
    import Glibc
#endif

/// `.runbook/runs/<run-id>/`: one directory per run (0700), one output log per step (0600).
public struct RunDirectory: Sendable {
    /// `20261123-0142-7f3a`: the minute it started, then the millisecond within it; sorts by
    /// time, short enough to type.
    public var id: String
    /// The directory.
    public var url: URL

    /// Creates a new run directory under `stateDirectory`.
    public static func create(in stateDirectory: String, now: Date = Date()) throws -> RunDirectory {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmm"
        let runs = URL(fileURLWithPath: stateDirectory).appendingPathComponent("runs")
        for directory in [URL(fileURLWithPath: stateDirectory), runs] {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(directory.path, 0o700)
        }
        // The last part is the millisecond within that minute (at most 59999, four hex digits),
        // so that runs started in the same minute sort by time too: `runs`, `status` and
        // `resume` take the newest by its id. Runs started in the same millisecond take the
        // next free value.
        let milliseconds = Int((now.timeIntervalSince1970 * 1000).rounded(.down))
        let minute = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds / 60_000 * 60)))
        var within = milliseconds % 60_000
        var id: String
        var url: URL
        repeat {
            id = minute + "-" + String(format: "%04x", within)
            url = runs.appendingPathComponent(id)
            within += 1
        } while FileManager.default.fileExists(atPath: url.path)
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        chmod(url.path, 0o700)
        let work = url.appendingPathComponent("work")
        try FileManager.default.createDirectory(
            at: work, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return RunDirectory(id: id, url: url)
    }

    /// An existing run's directory (for a resume); its scratch area is made again.
    public static func existing(_ url: URL) throws -> RunDirectory {
        let work = url.appendingPathComponent("work")
        try FileManager.default.createDirectory(
            at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return RunDirectory(id: url.lastPathComponent, url: url)
    }

    /// Where a target's shell writes its scripts and snapshots.
    public func workDirectory(for target: String) throws -> URL {
        let dir = url.appendingPathComponent("work").appendingPathComponent(target)
        try FileManager.default.createDirectory(
            at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return dir
    }

    /// The log file of a step: `003-start-the-server-1.log`.
    public func logURL(for step: Step) -> URL {
        url.appendingPathComponent(String(format: "%03d-", step.number) + Text.slugForFile(step.id) + ".log")
    }

    /// Appends masked text to a step's log, creating it 0600.
    public func appendLog(_ text: String, for step: Step) {
        let path = logURL(for: step).path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Removes the scratch scripts and snapshots (they may hold unmasked state).
    public func removeWork() {
        try? FileManager.default.removeItem(at: url.appendingPathComponent("work"))
    }
}

extension Text {
    /// A step id as a file name part: `start-the-server/1` → `start-the-server-1`.
    static func slugForFile(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }
}
