import ArgumentParser
import RunbookGuide
import RunbookRender

/// `runbook plan GUIDE`: shows the step graph as far as it is bound.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the step graph a guide reads as, as far as it is bound.",
        discussion: """
            Nothing is connected to and nothing runs. Unbound variables and targets are shown as \
            such, and the command exits 0: it is for reading a guide.

            Example:
              runbook plan GUIDE_HOSTING.md --vars prod.env --choose install-system-packages=B
            """)

    @OptionGroup var guide: GuideArgument
    @OptionGroup var binding: BindingOptions
    @Flag(help: "Write the plan as JSON (schema 1).") var json = false

    func run() throws {
        let read = try binding.applyChoices(to: try self.guide.load())
        let bound = try binding.binding(for: read)
        let guide = try binding.targetRequest(for: read).applied(to: read)
        if json {
            Terminal.write(PlanDocument(guide: guide, binding: bound).json() + "\n")
        } else {
            Terminal.write(PlanText.render(guide: guide, binding: bound))
        }
    }
}
