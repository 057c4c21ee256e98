import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// A run's header row.
public struct RunRecord: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"
    /// `20261123-0142-7f3a`.
    public var id: String
    /// The guide's path as given.
    public var guide: String
    /// FNV-1a of the guide's bytes, to notice a changed guide.
    public var guideHash: String
    /// `running`, `succeeded`, `failed`, `paused`, `interrupted`.
    public var status: String
    /// Seconds since 1970.
    public var started: Double
    /// When the run ended; nil while running (or after a crash).
    public var ended: Double?
    /// Selected step numbers, comma-separated, in run order.
    public var selection: String
    /// Non-secret bindings as `NAME=value` lines; secret names as `NAME=****`.
    public var bindings: String
    /// `name=uri` lines.
    public var targets: String
    /// `group=option` lines.
    public var choices: String

    /// Creates a header.
    public init(
        id: String, guide: String, guideHash: String, status: String, started: Double, ended: Double? = nil,
        selection: String, bindings: String, targets: String, choices: String
    ) {
        self.id = id
        self.guide = guide
        self.guideHash = guideHash
        self.status = status
        self.started = started
        self.ended = ended
        self.selection = selection
        self.bindings = bindings
        self.targets = targets
        self.choices = choices
    }
}

extension RunRecord {
    /// The `name=value` lines of a header field (`bindings`, `targets`, `choices`), in order;
    /// the value is everything after the first `=`.
    public static func entries(_ field: String) -> [(name: String, value: String)] {
        field.split(separator: "\n").compactMap { line -> (name: String, value: String)? in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }
}

/// One step's row.
public struct StepRecord: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "step"
    /// Display number.
    public var number: Int
    /// Stable id.
    public var id: String
    /// FNV-1a of the step's text, to notice a changed step on resume.
    public var contentHash: String
    /// Target name.
    public var target: String
    /// Step status.
    public var status: String
    /// When it started.
    public var started: Double?
    /// When it ended.
    public var ended: Double?
    /// Exit status of the last attempt.
    public var exitCode: Int?
    /// Attempts made.
    public var attempts: Int
    /// Assertion results, JSON.
    public var assertions: String
    /// Why it was skipped, paused or failed.
    public var note: String?
    /// The guide's line of the command that failed, when the shell said which it was.
    public var failedLine: Int?

    /// Creates a row.
    public init(
        number: Int, id: String, contentHash: String, target: String, status: String, started: Double? = nil,
        ended: Double? = nil, exitCode: Int? = nil, attempts: Int = 0, assertions: String = "[]", note: String? = nil,
        failedLine: Int? = nil
    ) {
        self.number = number
        self.id = id
        self.contentHash = contentHash
        self.target = target
        self.status = status
        self.started = started
        self.ended = ended
        self.exitCode = exitCode
        self.attempts = attempts
        self.assertions = assertions
        self.note = note
        self.failedLine = failedLine
    }
}

/// One host's result for a step that ran on several hosts.
public struct HostRecord: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "host_result"
    /// The step's number.
    public var step: Int
    /// The host's label.
    public var host: String
    /// Its status.
    public var status: String
    /// Its last exit status.
    public var exitCode: Int?
    /// Its wall time in seconds.
    public var duration: Double
    /// Why it failed or was interrupted.
    public var note: String?

    /// Creates a row.
    public init(step: Int, host: String, status: String, exitCode: Int?, duration: Double, note: String?) {
        self.step = step
        self.host = host
        self.status = status
        self.exitCode = exitCode
        self.duration = duration
        self.note = note
    }
}

/// Why a journal could not be opened or written.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, with the path.
    public var description: String
}

/// A run's durable record: `journal.sqlite` (0600) in the run's directory. Each write is its
/// own transaction, committed before the call returns (WAL, synchronous=FULL), so a crash at
/// any instant loses nothing that had been recorded.
public final class Journal: @unchecked Sendable {
    let queue: DatabaseQueue
    /// The journal's file.
    public let url: URL

    /// The journal file inside a run directory.
    public static func url(in runDirectory: URL) -> URL { runDirectory.appendingPathComponent("journal.sqlite") }

    /// Creates the journal for a new run with its steps pending.
    public static func create(in runDirectory: URL, run: RunRecord, steps: [StepRecord]) throws(JournalError) -> Journal {
        let url = Self.url(in: runDirectory)
        let fd = Glibc.open(url.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw JournalError(description: "\(url.path): cannot create the journal: \(String(cString: strerror(errno)))")
        }
        Glibc.close(fd)
        let journal = try Journal(url: url)
        do {
            try journal.queue.write { db in
                try run.insert(db)
                for step in steps { try step.insert(db) }
            }
        } catch {
            throw JournalError(description: "\(url.path): \(error)")
        }
        return journal
    }

    /// Opens an existing journal.
    public static func open(in runDirectory: URL) throws(JournalError) -> Journal {
        let url = Self.url(in: runDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw JournalError(description: "\(runDirectory.path): no journal in this run directory")
        }
        return try Journal(url: url)
    }

    private init(url: URL) throws(JournalError) {
        self.url = url
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
        } catch {
            throw JournalError(description: "\(url.path): cannot open the journal: \(error)")
        }
        // SQLite creates -wal and -shm beside the file with the process umask; keep them private.
        for suffix in ["", "-wal", "-shm"] { chmod(url.path + suffix, 0o600) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.column("id", .text).primaryKey()
                t.column("guide", .text).notNull()
                t.column("guideHash", .text).notNull()
                t.column("status", .text).notNull()
                t.column("started", .double).notNull()
                t.column("ended", .double)
                t.column("selection", .text).notNull()
                t.column("bindings", .text).notNull()
                t.column("targets", .text).notNull()
                t.column("choices", .text).notNull()
            }
            try db.create(table: "step") { t in
                t.column("number", .integer).primaryKey()
                t.column("id", .text).notNull()
                t.column("contentHash", .text).notNull()
                t.column("target", .text).notNull()
                t.column("status", .text).notNull()
                t.column("started", .double)
                t.column("ended", .double)
                t.column("exitCode", .integer)
                t.column("attempts", .integer).notNull()
                t.column("assertions", .text).notNull()
                t.column("note", .text)
            }
            try db.create(table: "snapshot") { t in
                t.column("target", .text).primaryKey()
                t.column("content", .text).notNull()
                t.column("step", .integer).notNull()
            }
        }
        migrator.registerMigration("v2 host results") { db in
            try db.create(table: "host_result") { t in
                t.column("step", .integer).notNull()
                t.column("host", .text).notNull()
                t.column("status", .text).notNull()
                t.column("exitCode", .integer)
                t.column("duration", .double).notNull()
                t.column("note", .text)
                t.primaryKey(["step", "host"])
            }
        }
        migrator.registerMigration("v3 failed line") { db in
            try db.alter(table: "step") { t in t.add(column: "failedLine", .integer) }
        }
        return migrator
    }

    /// Records that a step is starting; durable before the step runs.
    public func stepStarted(_ number: Int, at time: Double) throws(JournalError) {
        try write { db in
            try db.execute(
                sql: "UPDATE step SET status = 'running', started = ?, ended = NULL WHERE number = ?", arguments: [time, number])
        }
    }

    /// Records how a step ended and each target's shell snapshot, in one transaction; with
    /// `nextStarting`, also the next step's started record (one commit between two steps).
    public func stepFinished(
        _ record: StepRecord, snapshots: [String: String], hosts: [HostRecord] = [], nextStarting next: Int? = nil
    ) throws(JournalError) {
        try write { db in
            try record.update(db)
            for host in hosts { try host.upsert(db) }
            if let next {
                try db.execute(
                    sql: "UPDATE step SET status = 'running', started = ?, ended = NULL WHERE number = ?",
                    arguments: [record.ended ?? Date().timeIntervalSince1970, next])
            }
            for (target, content) in snapshots {
                try db.execute(
                    sql:
                        "INSERT INTO snapshot (target, content, step) VALUES (?, ?, ?) ON CONFLICT(target) DO UPDATE SET content = excluded.content, step = excluded.step",
                    arguments: [target, content, record.number])
            }
        }
    }

    /// Records the run's final status.
    public func finish(status: String, at time: Double) throws(JournalError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET status = ?, ended = ?", arguments: [status, time])
        }
    }

    /// Marks the run as running again (a resume).
    public func reopen() throws(JournalError) {
        try write { db in try db.execute(sql: "UPDATE run SET status = 'running', ended = NULL") }
    }

    /// Records a step's outcome decided without running it (confirmed, skipped).
    public func decide(_ number: Int, status: String, note: String, at time: Double) throws(JournalError) {
        try write { db in
            try db.execute(
                sql: "UPDATE step SET status = ?, note = ?, ended = ? WHERE number = ?", arguments: [status, note, time, number])
        }
    }

    /// The run's header.
    public func run() throws(JournalError) -> RunRecord {
        do {
            guard let run = try queue.read({ try RunRecord.fetchOne($0) }) else {
                throw JournalError(description: "\(url.path): the journal has no run")
            }
            return run
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(description: "\(url.path): \(error)")
        }
    }

    /// Every step's row, by number.
    public func steps() throws(JournalError) -> [StepRecord] {
        do {
            return try queue.read { try StepRecord.order(Column("number")).fetchAll($0) }
        } catch {
            throw JournalError(description: "\(url.path): \(error)")
        }
    }

    /// Per-host results of steps that ran on several hosts, by step then host order.
    public func hostResults() throws(JournalError) -> [HostRecord] {
        do {
            return try queue.read { try HostRecord.order(Column("step"), Column("rowid")).fetchAll($0) }
        } catch {
            throw JournalError(description: "\(url.path): \(error)")
        }
    }

    /// Each target's last snapshot.
    public func snapshots() throws(JournalError) -> [String: String] {
        do {
            return try queue.read { db in
                Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT target, content FROM snapshot").map {
                        ($0["target"] as String, $0["content"] as String)
                    })
            }
        } catch {
            throw JournalError(description: "\(url.path): \(error)")
        }
    }

    private func write(_ body: (Database) throws -> Void) throws(JournalError) {
        do {
            try queue.write(body)
        } catch {
            throw JournalError(description: "\(url.path): cannot record: \(error)")
        }
    }

    /// FNV-1a 64 of `text`, hex: a content fingerprint, not a secret's hash.
    public static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(format: "%016llx", hash)
    }
}

/// The lock a process holds while it works on a run (flock on `lock` in the run directory):
/// a second process is refused, and a run whose lock nobody holds is not running.
public final class RunLock {
    private let fd: Int32

    /// Takes the lock, or says who holds it.
    public init(runDirectory: URL) throws(JournalError) {
        let path = runDirectory.appendingPathComponent("lock").path
        // `fd` is assigned only once the lock is held: a class whose init throws after all its
        // properties are set still runs deinit, which would close the descriptor a second time
        // (and, in a threaded process, possibly someone else's newly opened file).
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw JournalError(description: "\(path): cannot open the run's lock") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(descriptor, &holder, holder.count, 0)
            Glibc.close(descriptor)
            let pid =
                n > 0
                ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                : "another process"
            throw JournalError(
                description: "run \(runDirectory.lastPathComponent) is in use by process \(pid); wait for it to end")
        }
        fd = descriptor
        ftruncate(fd, 0)
        let me = "\(getpid())\n"
        _ = me.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        Glibc.close(fd)
    }

    /// True when some process holds the run's lock (it is running now).
    public static func isHeld(runDirectory: URL) -> Bool {
        let path = runDirectory.appendingPathComponent("lock").path
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
