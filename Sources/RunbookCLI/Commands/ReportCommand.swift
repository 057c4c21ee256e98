import ArgumentParser
import Foundation
import RunbookEngine
import RunbookJournal
import RunbookModel
import RunbookRender

/// `runbook report RUN --format …`: a run's outcome for CI and for people.
struct ReportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case junit, json, md, html
    }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report: JUnit (a test case per step), JSON, Markdown or HTML.",
        discussion: """
            Example:
              runbook report 20261123-0142-7f3a --format junit > runbook.xml
              runbook report --format html -o report.html
            """)

    @Argument(help: "Run id or a unique prefix; the newest run when omitted.") var runID: String?
    @Option(help: "junit, json, md or html.") var format: Format
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var output:
        String?
    @Option(help: ArgumentHelp("Where runs are kept.", valueName: "dir")) var stateDir = ".runbook"

    func run() throws {
        let view: RunView
        do {
            view = try RunStore.view(runID, in: stateDir)
        } catch {
            throw CLIError(message: error.description)
        }
        let text: String
        switch format {
        case .junit: text = RunReport.junit(view)
        case .json: text = RunReport.json(view)
        case .md: text = RunReport.markdown(view)
        case .html: text = RunReport.html(view)
        }
        try Output.write(text, to: output)
    }
}

/// Renders a journal's run. Everything comes from the journal, which holds no secret.
enum RunReport {
    /// The step's assertions, as the runner recorded them in the journal.
    static func assertions(_ step: StepRecord) -> [AssertionResult] {
        (try? JSONDecoder().decode([AssertionResult].self, from: Data(step.assertions.utf8))) ?? []
    }

    /// How long a step ran; nil for steps that did not run (pending, or decided on resume).
    static func seconds(_ step: StepRecord) -> Double? {
        guard step.attempts > 0, let start = step.started, let end = step.ended else { return nil }
        return end - start
    }

    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The assertions that failed, as sentences.
    static func failures(_ checked: [AssertionResult]) -> [String] {
        checked.filter { !$0.passed }.map { "expected \($0.expected), got \($0.actual)" }
    }

    /// Why a failed step failed: where (the failing command's line, when known), its note,
    /// and the expectations it missed, one to a line.
    static func failureText(_ step: StepRecord, guide: String) -> String {
        var lines = failures(assertions(step))
        if let note = step.note { lines.insert(note, at: 0) }
        if let line = step.failedLine { lines.insert("failed at \(guide):\(line)", at: 0) }
        return lines.joined(separator: "\n")
    }

    /// What a report's note column says of a step, one thing to a line: why a failed step
    /// failed, else its note.
    static func noteColumn(_ step: StepRecord, guide: String) -> String {
        step.status == "failed" ? failureText(step, guide: guide) : step.note ?? ""
    }

    /// JUnit XML: the run is a test suite, each step a test case.
    static func junit(_ view: RunView) -> String {
        let failures = view.steps.filter { $0.status == "failed" }.count
        let errors = view.steps.filter { $0.status == "interrupted" }.count
        let skipped = view.steps.filter { ["skipped", "pending", "paused"].contains($0.status) }.count
        let total = view.steps.compactMap(seconds).reduce(0, +)
        var out = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="runbook" tests="\#(view.steps.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)" time="\#(String(format: "%.3f", total))">"#,
            #"  <testsuite name="\#(xml(view.run.guide))" id="\#(view.run.id)" tests="\#(view.steps.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)" time="\#(String(format: "%.3f", total))">"#,
        ]
        for step in view.steps {
            let head =
                #"    <testcase classname="\#(xml(view.run.guide))" name="\#(step.number) \#(xml(step.id))" time="\#(String(format: "%.3f", seconds(step) ?? 0))""#
            switch step.status {
            case "succeeded":
                out.append(head + "/>")
            case "failed":
                out.append(head + ">")
                out.append(
                    #"      <failure message="\#(xml(step.exitCode.map { "exit status \($0)" } ?? "failed"))">\#(xml(failureText(step, guide: view.run.guide)))</failure>"#
                )
                out.append("    </testcase>")
            case "interrupted":
                out.append(head + ">")
                out.append(#"      <error message="interrupted">the step was interrupted; its outcome is unknown</error>"#)
                out.append("    </testcase>")
            default:
                out.append(head + ">")
                out.append(#"      <skipped message="\#(xml(step.status + (step.note.map { ": \($0)" } ?? "")))"/>"#)
                out.append("    </testcase>")
            }
        }
        out.append("  </testsuite>")
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    struct JSONStep: Encodable {
        var number: Int
        var id: String
        var target: String
        var status: String
        var exitCode: Int?
        var attempts: Int
        var started: String?
        var durationMs: Int?
        var note: String?
        /// The guide's line of the command that failed, when the shell said which.
        var failedLine: Int?
        var assertions: [AssertionResult]
        /// The assertions that failed, as sentences (kept from schema 1's first documents).
        var failures: [String]
        var hosts: [JSONHost]?
    }
    struct JSONHost: Encodable {
        var host: String
        var status: String
        var exitCode: Int?
        var durationMs: Int
        var note: String?
    }
    struct JSONDocument: Encodable {
        var schema = 1
        var run: String
        var guide: String
        var status: String
        var steps: [JSONStep]
    }

    /// The run as JSON (schema 1): what `status --json` and `report --format json` write.
    static func json(_ view: RunView) -> String {
        JSONOutput.encode(
            JSONDocument(
                run: view.run.id, guide: view.run.guide, status: view.status,
                steps: view.steps.map {
                    let checked = assertions($0)
                    return JSONStep(
                        number: $0.number, id: $0.id, target: $0.target, status: $0.status, exitCode: $0.exitCode,
                        attempts: $0.attempts,
                        started: $0.started.map(clock), durationMs: seconds($0).map { Int($0 * 1000) }, note: $0.note,
                        failedLine: $0.failedLine, assertions: checked,
                        failures: failures(checked),
                        hosts: view.hosts(of: $0.number).isEmpty
                            ? nil
                            : view.hosts(of: $0.number).map {
                                JSONHost(
                                    host: $0.host, status: $0.status, exitCode: $0.exitCode, durationMs: Int($0.duration * 1000),
                                    note: $0.note)
                            })
                })) + "\n"
    }

    static func markdown(_ view: RunView) -> String {
        var out = [
            "# Run \(view.run.id): \(view.status)", "", "Guide: `\(view.run.guide)`", "",
            "| # | step | target | status | exit | time | note |", "|---|---|---|---|---|---|---|",
        ]
        for step in view.steps {
            let note = noteColumn(step, guide: view.run.guide).replacingOccurrences(of: "\n", with: "; ")
            out.append(
                "| \(step.number) | `\(step.id)` | \(step.target) | \(step.status) | \(step.exitCode.map(String.init) ?? "") | \(seconds(step).map { String(format: "%.2f s", $0) } ?? "") | \(note.replacingOccurrences(of: "|", with: "\\|")) |"
            )
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// One self-contained page, from `templates/report.html.mustache` (styles shared with
    /// the checklist).
    static func html(_ view: RunView) -> String {
        let steps = view.steps.map { step -> [String: Any] in
            [
                "number": step.number, "id": step.id, "target": step.target, "status": step.status,
                "exit": step.exitCode.map(String.init) ?? "", "time": seconds(step).map { String(format: "%.2f s", $0) } ?? "",
                "note": noteColumn(step, guide: view.run.guide).replacingOccurrences(of: "\n", with: " — "),
                "hosts": view.hosts(of: step.number).map { host -> [String: Any] in
                    [
                        "host": host.host, "status": host.status, "exit": host.exitCode.map(String.init) ?? "",
                        "time": String(format: "%.2f s", host.duration), "note": host.note ?? "",
                    ]
                },
            ]
        }
        let finished = view.steps.filter { $0.status == "succeeded" || $0.status == "skipped" }.count
        let context: [String: Any] = [
            "id": view.run.id, "status": view.status, "guide": view.run.guide, "started": clock(view.run.started),
            "finished": finished, "total": view.steps.count, "steps": steps,
        ]
        // The built-in template is part of the binary; a failure here is a bug, shown as such.
        return (try? Templates.render(Templates.builtin("report.html"), context: context))
            ?? "<!doctype html><p>report template failed</p>\n"
    }
}
