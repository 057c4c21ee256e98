import ArgumentParser
import RunbookRender

extension GraphRenderer.Format: ExpressibleByArgument {}

/// `runbook graph GUIDE`: draws the step graph.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a guide's step graph as Mermaid or Graphviz dot.",
        discussion: """
            Example:
              runbook graph GUIDE_HOSTING.md --format dot | dot -Tsvg > guide.svg
            """)

    @OptionGroup var guide: GuideArgument
    @OptionGroup var binding: BindingOptions
    @Option(help: "mermaid or dot.") var format: GraphRenderer.Format = .mermaid

    func run() throws {
        let guide = try binding.applyChoices(to: try self.guide.load())
        Terminal.write(GraphRenderer.render(guide, format: format))
    }
}
