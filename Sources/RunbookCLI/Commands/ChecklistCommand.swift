import ArgumentParser
import Foundation
import RunbookGuide
import RunbookJournal
import RunbookModel
import RunbookRender

extension ChecklistFormat: ExpressibleByArgument {}

/// `runbook checklist GUIDE`: the guide as a checklist for a person.
struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Render a guide as a checklist: numbered steps, bound values, expectations, where each runs.",
        discussion: """
            Secrets are shown as ****. With --run, each step shows how far that run got (done \
            with its time, failed with its exit status, paused, interrupted, pending). The HTML \
            is one self-contained page that keeps its ticks across a reload. Templates are \
            Mustache (templates/ in the source); --template renders with your own.

            Example:
              runbook checklist GUIDE_HOSTING.md --vars prod.env --format html -o checklist.html
              runbook checklist GUIDE_HOSTING.md --run 20261123-0142 --format md
            """)

    @OptionGroup var guide: GuideArgument
    @OptionGroup var binding: BindingOptions
    @Option(name: .customLong("run"), help: ArgumentHelp("Show this run's progress (id or unique prefix).", valueName: "run"))
    var runID: String?
    @Option(help: "md, html or text.") var format: ChecklistFormat = .md
    @Option(
        help: ArgumentHelp("A Mustache template to render with instead of the built-in one.", valueName: "file"),
        completion: .file())
    var template: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var output:
        String?
    @Option(help: ArgumentHelp("Where runs are kept.", valueName: "dir")) var stateDir = ".runbook"

    func run() throws {
        var guide = try self.guide.load()
        var progress: ChecklistProgress?
        if let runID {
            let view: RunView
            do {
                view = try RunStore.view(runID, in: stateDir)
            } catch {
                throw CLIError(message: error.description)
            }
            // The branches that run took, unless --choose says otherwise.
            guide = (try? guide.choosing(recordedChoices(view.run, in: guide))) ?? guide
            progress = Self.progress(view)
        }
        guide = try binding.applyChoices(to: guide)
        let bound = try binding.binding(for: guide)
        var custom: String?
        if let template {
            guard let text = try? String(contentsOfFile: template, encoding: .utf8) else {
                throw CLIError(message: "--template \(template): cannot read it")
            }
            custom = text
        }
        let text: String
        do {
            text = try Checklist.render(guide: guide, binding: bound, format: format, template: custom, progress: progress)
        } catch {
            throw CLIError(message: "\(template ?? "built-in template"): \(error.description)")
        }
        try Output.write(text, to: output)
    }

    /// Each step's progress in a run, by step id.
    static func progress(_ view: RunView) -> ChecklistProgress {
        var steps: [String: StepProgress] = [:]
        for step in view.steps {
            let seconds = RunReport.seconds(step)
            let detail: String
            switch step.status {
            case "succeeded":
                detail =
                    "done" + (step.ended.map { " " + clock($0) } ?? "") + (seconds.map { String(format: " (%.1f s)", $0) } ?? "")
            case "failed": detail = "failed" + (step.exitCode.map { " (exit \($0))" } ?? "")
            case "paused": detail = "paused: waiting for a person"
            case "interrupted": detail = "interrupted: outcome unknown"
            default: detail = step.status
            }
            steps[step.id] = StepProgress(status: step.status, detail: detail)
        }
        return ChecklistProgress(run: view.run.id, status: view.status, steps: steps)
    }
}

/// Where a command's document goes: a file (`-o`) or stdout.
enum Output {
    static func write(_ text: String, to path: String?) throws {
        guard let path else { return Terminal.write(text) }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CLIError(message: "-o \(path): cannot write: \(error.localizedDescription)")
        }
    }
}
