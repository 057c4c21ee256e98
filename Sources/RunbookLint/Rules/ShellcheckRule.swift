import Foundation
import RunbookGuide
import RunbookModel

/// `shellcheck`: shellcheck's findings on the blocks that run, mapped back to the guide's lines
/// and columns. A guide's blocks are one script, in order, so a variable set in one block is
/// known in the next (as in the run's shell); one shellcheck process reads the scripts of a
/// batch of guides. What other rules already
/// report (undefined and unused variables) and what a guide cannot help (a sourced file that
/// is not there) is left out.
struct ShellcheckRule: LintRule {
    static let id = "shellcheck"
    var id: String { Self.id }
    var summary: String { "shellcheck's findings on blocks that run" }

    static let excluded = ["SC2154", "SC2034", "SC1090", "SC1091", "SC2164"]

    /// The shellcheck program, if installed.
    static let executable: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/shellcheck"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    struct Comment: Decodable {
        /// The script it is about, as given to shellcheck.
        var file: String?
        var line: Int
        var column: Int
        var level: String
        var code: Int
        var message: String
    }

    private struct Output: Decodable {
        var comments: [Comment]
    }

    /// A code line as shellcheck should read it. An `<angle-placeholder>` is a syntax error to
    /// the shell (a redirection with no file), and shellcheck stops at the first one, so the
    /// rest of the block would go unchecked and its parse errors would land beside the
    /// placeholder finding. Its brackets become `_`: the same width, so columns still map.
    static func shellReadable(_ line: Substring) -> String {
        guard line.utf8.contains(UInt8(ascii: "<")) else { return String(line) }
        var characters = Array(line)
        for hit in Placeholder.occurrences(in: String(line)) where hit.name == "<placeholder>" {
            characters[hit.column - 1] = "_"
            characters[hit.column + hit.text.count - 2] = "_"
        }
        return String(characters)
    }

    func check(_ linted: LintedGuide) -> [Diagnostic] { checked([linted])[0].findings }

    /// A guide's running shell blocks as one script, and the step line each script line is.
    struct Script {
        /// The script: the blocks in order, each followed by `:`.
        var text: String
        /// Script line (1-based) → the step and the line within its code.
        var origin: [Int: (step: Step, line: Int)]
    }

    /// The script of `linted`'s blocks that shellcheck reads, nil when none of them is shell.
    static func script(of linted: LintedGuide) -> Script? {
        let steps = linted.runningSteps.filter {
            $0.language.isEmpty || ["bash", "sh", "shell", "console", "zsh"].contains($0.language)
        }
        guard !steps.isEmpty else { return nil }
        var script = Script(text: "#!/bin/bash\n", origin: [:])
        var line = 2
        for step in steps {
            for (index, text) in step.code.lines.enumerated() {
                script.text += shellReadable(text) + "\n"
                script.origin[line] = (step, index)
                line += 1
            }
            // `:` keeps a block that ends inside an unfinished construct from swallowing the next.
            script.text += ":\n"
            line += 1
        }
        return script
    }

    /// The findings in each of `guides`, and why there are none to trust where shellcheck did
    /// not do its work (it could not start, crashed, refused its arguments or wrote something
    /// that is not its JSON): lint says so rather than report a guide clean that was not
    /// checked. One shellcheck reads every guide's script: one per guide cost about 8 ms of
    /// system time each besides the checking, most of a small guide's time.
    func checked(_ guides: [LintedGuide]) -> [(findings: [Diagnostic], failure: String?)] {
        var results = [(findings: [Diagnostic], failure: String?)](repeating: ([], nil), count: guides.count)
        guard let executable = Self.executable else { return results }
        let scripts = guides.map(Self.script(of:))
        let checked = scripts.indices.filter { scripts[$0] != nil }
        let outcomes = Self.run(executable, scripts: checked.map { scripts[$0]!.text })
        for (k, index) in checked.enumerated() {
            switch outcomes[k] {
            case .failure(let failure):
                results[index].failure = failure.reason
            case .success(let comments):
                let script = scripts[index]!
                results[index].findings = comments.compactMap { comment -> Diagnostic? in
                    guard let (step, line) = script.origin[comment.line] else { return nil }
                    let severity: Severity =
                        comment.level == "error" ? .error : comment.level == "warning" ? .warning : .info
                    return Diagnostic(
                        rule: id, severity: severity,
                        location: guides[index].location(of: step, codeLine: line, column: comment.column),
                        message: "SC\(comment.code): \(comment.message)")
                }
            }
        }
        return results
    }

    /// Why shellcheck gave nothing to read.
    struct Failure: Error {
        var reason: String
    }

    /// What shellcheck says of each of `scripts`: its comments when it ran and exited 0
    /// (nothing found) or 1 (findings), else what went wrong. The scripts are written to files
    /// of a private directory and given to one shellcheck; when that one fails, each script is
    /// given to one of its own, so that the failure is said of the guides it happened on.
    static func run(_ executable: String, scripts: [String]) -> [Result<[Comment], Failure>] {
        guard !scripts.isEmpty else { return [] }
        let outcome: Result<[[Comment]], Failure> = privateDirectory().flatMap { directory in
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let files = scripts.indices.map { "\(directory)/\($0).sh" }
            for (file, script) in zip(files, scripts)
            where !FileManager.default.createFile(atPath: file, contents: Data(script.utf8)) {
                return .failure(Failure(reason: "its script could not be written to \(directory)"))
            }
            return run(executable, files: files)
        }
        switch outcome {
        case .success(let comments): return comments.map { .success($0) }
        case .failure(let failure) where scripts.count == 1: return [.failure(failure)]
        case .failure: return scripts.flatMap { run(executable, scripts: [$0]) }
        }
    }

    /// A new directory only this user can read, under the system's temporary directory
    /// (`TMPDIR`, else `/tmp`), named for this process (`runbook-shellcheck.PID.XXXXXX`).
    private static func privateDirectory() -> Result<String, Failure> {
        let parent = temporaryParent()
        var template = Array((parent + "/" + directoryPrefix + "\(getpid()).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            let reason = String(cString: strerror(errno))
            return .failure(Failure(reason: "no directory for its scripts could be made in \(parent) (\(reason))"))
        }
        return .success(String(cString: made))
    }

    /// What the scripts' directories are called, before the process id.
    static let directoryPrefix = "runbook-shellcheck."

    /// The system's temporary directory, without a trailing `/`.
    static func temporaryParent() -> String {
        var parent = NSTemporaryDirectory()
        while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
        return parent
    }

    /// Removes the scripts' directories that a lint left when it was killed or interrupted
    /// before it could (its process is gone); another user's, or a live lint's, stay.
    static func sweep() {
        let parent = temporaryParent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(directoryPrefix) {
            let rest = name.dropFirst(directoryPrefix.count)
            guard let dot = rest.firstIndex(of: "."), let pid = pid_t(rest[..<dot]), pid > 0 else { continue }
            if kill(pid, 0) == -1, errno == ESRCH { try? FileManager.default.removeItem(atPath: parent + "/" + name) }
        }
    }

    /// Runs shellcheck on `files`: the comments on each file, in order, when it exited 0 or 1;
    /// else what went wrong, with the first line it wrote to standard error.
    private static func run(_ executable: String, files: [String]) -> Result<[[Comment]], Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "json1", "-s", "bash", "-e", excluded.joined(separator: ",")] + files
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return .failure(Failure(reason: "it could not be started (\(error.localizedDescription))"))
        }
        // Standard error is read beside standard output, so a full pipe on one side cannot
        // stall the other.
        let group = DispatchGroup()
        nonisolated(unsafe) var errors = Data()
        DispatchQueue.global().async(group: group) { errors = stderr.fileHandleForReading.readDataToEndOfFile() }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        let said = String(decoding: errors, as: UTF8.self).split(separator: "\n").first.map { ": \($0)" } ?? ""
        if process.terminationReason == .uncaughtSignal {
            return .failure(Failure(reason: "it was killed by signal \(process.terminationStatus)\(said)"))
        }
        guard process.terminationStatus == 0 || process.terminationStatus == 1 else {
            return .failure(Failure(reason: "it exited with status \(process.terminationStatus)\(said)"))
        }
        guard let parsed = try? JSONDecoder().decode(Output.self, from: output) else {
            return .failure(Failure(reason: "its output was not the JSON it was asked for"))
        }
        var byFile = [[Comment]](repeating: [], count: files.count)
        let index = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
        for comment in parsed.comments {
            guard let file = comment.file, let k = index[file] else { continue }
            byFile[k].append(comment)
        }
        return .success(byFile)
    }
}
