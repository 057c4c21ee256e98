import ArgumentParser
import RunbookGuide
import RunbookModel
import RunbookRender

/// `runbook list GUIDE`: one line per step.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a guide's steps, one line each, with the ids other commands accept.",
        discussion: """
            Example:
              runbook list GUIDE_HOSTING.md
              runbook exec GUIDE_HOSTING.md --only install-system-packages/1
            """)

    @OptionGroup var guide: GuideArgument
    @Flag(help: "Write the list as JSON (schema 1).") var json = false

    struct Entry: Encodable {
        var number: Int
        var id: String
        var kind: String
        var section: String
        var line: Int
        var target: String
        var runs: Bool
        var flow: String
        var choice: String?
        var option: String?
    }

    struct Document: Encodable {
        var schema = 1
        var guide: String
        var steps: [Entry]
    }

    func run() throws {
        // The branches `plan` and `exec` would take without --choose.
        let guide = try self.guide.load().choosingPlatform(.current)
        if json {
            let entries = guide.steps.map {
                Entry(
                    number: $0.number, id: $0.id, kind: $0.kind.rawValue, section: guide.sections[$0.section].slug,
                    line: $0.location.line, target: $0.target.name, runs: $0.runs, flow: $0.flow.rawValue,
                    choice: $0.choice, option: $0.option)
            }
            Terminal.write(JSONOutput.encode(Document(guide: guide.path, steps: entries)) + "\n")
            return
        }
        let idWidth = guide.steps.map(\.id.count).max() ?? 0
        let targetWidth = guide.steps.map(\.target.description.count).max() ?? 0
        for step in guide.steps {
            var notes: [String] = []
            if step.flow == .optional { notes.append(guide.sections[step.section].role ?? "optional") }
            if let choice = step.choice, let option = step.option {
                notes.append("\(choice)=\(option)" + (step.runs || !step.isExecutable ? "" : " not chosen"))
            }
            let first =
                (step.kind == .manual ? step.instructions ?? "" : step.code)
                .split(separator: "\n").map { $0.trimmedInline }
                .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
            let clipped = first.count > 60 ? String(first.prefix(57)) + "…" : first
            let line =
                String(format: "%3d  ", step.number)
                + pad(step.id, idWidth) + "  " + pad(step.kind.rawValue, 12) + "  "
                + pad(step.target.description, targetWidth) + "  "
                + clipped + (notes.isEmpty ? "" : "  [\(notes.joined(separator: ", "))]")
            Terminal.write(line + "\n")
        }
    }
}

/// `text` followed by spaces up to `width`; never cut.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
