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

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        guard let executable = Self.executable else { return [] }
        let steps = linted.runningSteps.filter {
            $0.language.isEmpty || ["bash", "sh", "shell", "console", "zsh"].contains($0.language)
        }
        guard !steps.isEmpty else { return [] }
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "json1", "-s", "bash", "-e", Self.excluded.joined(separator: ","), "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return []
        }
        let bytes = Data(script.utf8)
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(bytes)
            try? input.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let parsed = try? JSONDecoder().decode(Output.self, from: data) else { return [] }
        return parsed.comments.compactMap { comment in
            guard let (step, index) = origin[comment.line] else { return nil }
            let severity: Severity = comment.level == "error" ? .error : comment.level == "warning" ? .warning : .info
            return Diagnostic(
                rule: id, severity: severity, location: linted.location(of: step, codeLine: index, column: comment.column),
                message: "SC\(comment.code): \(comment.message)")
        }
    }
}
