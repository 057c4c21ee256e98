import ArgumentParser
import RunbookGuide
import RunbookRender

/// `runbook vars GUIDE`: variables, their values and where each came from.
struct VarsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vars",
        abstract: "Show a guide's variables, their bound values and where each came from.",
        discussion: """
            Binding order, highest first: --set › --vars (later files win) › the environment › \
            the guide's default. Derived defaults (www.${DOMAIN}) are evaluated after binding. \
            Secret values are shown as ****.

            Example:
              runbook vars GUIDE_HOSTING.md --template > prod.env
              runbook vars GUIDE_HOSTING.md --vars prod.env
            """)

    @OptionGroup var guide: GuideArgument
    @OptionGroup var binding: BindingOptions
    @Flag(help: "Write a dotenv skeleton with descriptions as comments.") var template = false
    @Flag(help: "Write JSON (schema 1).") var json = false

    func validate() throws {
        if template && json { throw ValidationError("--template and --json cannot be used together") }
    }

    func run() throws {
        let guide = try self.guide.load()
        if template {
            Terminal.write(VarsText.template(guide))
            return
        }
        let bound = try binding.binding(for: guide)
        Terminal.write(json ? VarsText.json(bound, guide: guide) + "\n" : VarsText.table(bound))
    }
}
