import Foundation
import RunbookGuide
import RunbookModel

/// `shellcheck`: shellcheck's findings on the blocks that run, mapped back to the guide's lines
/// and columns. The blocks go to one shellcheck process as one script, in order, so a variable
/// set in one block is known in the next (as in the run's shell). What other rules already
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

    private struct Comment: Decodable {
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

    func check(_ linted: LintedGuide) -> [Diagnostic] { checked(linted).findings }

    /// The findings, and why there are none to trust when shellcheck did not do its work (it
    /// could not start, crashed, refused its arguments or wrote something that is not its
    /// JSON): lint says so rather than report a guide clean that was not checked.
    func checked(_ linted: LintedGuide) -> (findings: [Diagnostic], failure: String?) {
        guard let executable = Self.executable else { return ([], nil) }
        let steps = linted.runningSteps.filter {
            $0.language.isEmpty || ["bash", "sh", "shell", "console", "zsh"].contains($0.language)
        }
        guard !steps.isEmpty else { return ([], nil) }
        // Script line → (step, line within the step's code).
        var script = "#!/bin/bash\n"
        var origin: [Int: (Step, Int)] = [:]
        var line = 2
        for step in steps {
            for (index, text) in step.code.lines.enumerated() {
                script += Self.shellReadable(text) + "\n"
                origin[line] = (step, index)
                line += 1
            }
            // `:` keeps a block that ends inside an unfinished construct from swallowing the next.
            script += ":\n"
            line += 1
        }
        let data: Data
        switch Self.run(executable, input: Data(script.utf8)) {
        case .failure(let failure): return ([], failure.reason)
        case .success(let output): data = output
        }
        guard let parsed = try? JSONDecoder().decode(Output.self, from: data) else {
            return ([], "its output was not the JSON it was asked for")
        }
        let findings = parsed.comments.compactMap { comment -> Diagnostic? in
            guard let (step, index) = origin[comment.line] else { return nil }
            let severity: Severity = comment.level == "error" ? .error : comment.level == "warning" ? .warning : .info
            return Diagnostic(
                rule: id, severity: severity, location: linted.location(of: step, codeLine: index, column: comment.column),
                message: "SC\(comment.code): \(comment.message)")
        }
        return (findings, nil)
    }

    /// Why shellcheck gave nothing to read.
    struct Failure: Error {
        var reason: String
    }

    /// Runs shellcheck on `input`: its standard output when it ran and exited 0 (nothing
    /// found) or 1 (findings), else what went wrong, with the first line it wrote to standard
    /// error.
    static func run(_ executable: String, input: Data) -> Result<Data, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "json1", "-s", "bash", "-e", excluded.joined(separator: ","), "-"]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return .failure(Failure(reason: "it could not be started (\(error.localizedDescription))"))
        }
        // Input is written and standard error read beside the read of standard output, so a
        // full pipe on either side cannot stall the other.
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
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
        return .success(output)
    }
}
