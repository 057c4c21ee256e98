import ArgumentParser
import Foundation
import RunbookMarkdown
import RunbookSSH

#if canImport(Glibc)
    import Glibc
#endif

/// The `runbook` command: turns Markdown deployment guides into step graphs you can plan,
/// run, resume, lint and hand to a person as a checklist.
public struct RunbookCommand: ParsableCommand {
    /// Version printed by `--version`.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Make Markdown deployment guides executable.",
        discussion: """
            runbook reads a guide as it is written (variables to export, shell blocks, \
            "Verification:" paragraphs, options, "On the server:" prose) and builds a typed step graph.

            Examples:
              runbook plan GUIDE_HOSTING.md
              runbook exec GUIDE_HOSTING.md --vars prod.env
              runbook vars GUIDE_HOSTING.md --template > prod.env
              runbook plan GUIDE_HOSTING.md --vars prod.env --json
            """,
        version: "runbook \(version) (libcmark \(MarkdownParser.libraryVersion), libssh2 \(SSHLibrary.version))",
        subcommands: [
            ExecCommand.self, ResumeCommand.self, PlanCommand.self, ListCommand.self, VarsCommand.self, GraphCommand.self,
            LintCommand.self, ChecklistCommand.self, RunsCommand.self, StatusCommand.self, ReportCommand.self,
        ]
    )

    /// Creates the root command.
    public init() {}

    /// Parses `arguments` into the command to run. `lint`'s guides after the first are kept
    /// out of the parser (see `Operands`) and added to the parsed command.
    static func parse(_ arguments: [String]) throws -> ParsableCommand {
        guard arguments.first == LintCommand.configuration.commandName,
            let operands = Operands.split(arguments, valueOptions: LintCommand.valueOptions)
        else { return try parseAsRoot(arguments) }
        let command = try parseAsRoot(operands.arguments)
        guard var lint = command as? LintCommand else { return command }
        lint.files += operands.rest
        return lint
    }

    /// Parses `arguments`, runs the command and returns the process exit status. Usage errors
    /// exit 2 (bad input), as every other input problem does.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parse(arguments)
            try command.run()
            return 0
        } catch let error as CLIError {
            Terminal.error(error.message)
            return error.status
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { Terminal.errorRaw(message) }
            return code == .validationFailure ? ExitStatus.badInput : code.rawValue
        }
    }
}

/// Exit statuses, as the spec fixes them.
public enum ExitStatus {
    /// Succeeded.
    public static let success: Int32 = 0
    /// A step (or a lint error) failed.
    public static let failed: Int32 = 1
    /// Bad input or preflight failed; nothing ran.
    public static let badInput: Int32 = 2
    /// Paused for a person.
    public static let paused: Int32 = 3
    /// Interrupted.
    public static let interrupted: Int32 = 4
}

/// An error the CLI reports with its own exit status.
struct CLIError: Error {
    var message: String
    var status: Int32 = ExitStatus.badInput
}

/// stdout for data, stderr for messages.
enum Terminal {
    static func error(_ message: String) {
        errorRaw("runbook: error: \(message)")
    }

    static func warning(_ message: String) {
        errorRaw("runbook: warning: \(message)")
    }

    static func errorRaw(_ message: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((message + (newline && !message.hasSuffix("\n") ? "\n" : "")).utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Asks on the controlling terminal with echo off (as `ssh` asks for a passphrase); nil
    /// without a terminal. What is typed is never echoed or kept.
    static func secretPrompt(_ prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        _ = prompt.withCString { Glibc.write(tty, $0, strlen($0)) }
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = Glibc.write(tty, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(tty, &byte, 1) == 1, byte != 0x0A, byte != 0x0D { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
