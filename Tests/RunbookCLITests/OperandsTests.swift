import Foundation
import Testing

@testable import RunbookCLI

@Suite("Lint's guides kept out of the argument parser")
struct OperandsTests {
    static let options: Set<String> = ["--format", "--vars"]

    @Test func operandsAfterTheFirstAreTakenOutInOrder() throws {
        let split = try #require(Operands.split(["lint", "a.md", "b.md", "c.md"], valueOptions: Self.options))
        #expect(split.arguments == ["lint", "a.md"])
        #expect(split.rest == ["b.md", "c.md"])
    }

    @Test func optionValuesStayWithTheirOptions() throws {
        let line = ["lint", "--format", "json", "a.md", "--strict", "b.md", "--vars", "x.env", "c.md", "--format=text", "d.md"]
        let split = try #require(Operands.split(line, valueOptions: Self.options))
        #expect(split.arguments == ["lint", "--format", "json", "a.md", "--strict", "--vars", "x.env", "--format=text"])
        #expect(split.rest == ["b.md", "c.md", "d.md"])
    }

    @Test func aLoneDashIsAnOperand() throws {
        let split = try #require(Operands.split(["lint", "-", "a.md"], valueOptions: Self.options))
        #expect(split.arguments == ["lint", "-"])
        #expect(split.rest == ["a.md"])
    }

    @Test func nothingToTakeOutOrATerminatorLeavesTheLineToTheParser() {
        #expect(Operands.split(["lint", "a.md", "--strict"], valueOptions: Self.options) == nil)
        #expect(Operands.split(["lint", "--format", "json"], valueOptions: Self.options) == nil)
        #expect(Operands.split(["lint", "a.md", "--", "b.md", "c.md"], valueOptions: Self.options) == nil)
        #expect(Operands.split(["lint", "--vars"], valueOptions: Self.options) == nil)
    }

    /// The table `Operands` relies on is every option of `lint` that takes a value, as the
    /// parser itself describes them; a new option fails this test until it is listed.
    @Test func lintsValueOptionsAreTheParsersOwn() throws {
        let help = try #require(try JSONSerialization.jsonObject(with: Data(LintCommand._dumpHelp().utf8)) as? [String: Any])
        let command = try #require(help["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var taking: Set<String> = []
        for argument in arguments where argument["kind"] as? String == "option" {
            for name in argument["names"] as? [[String: Any]] ?? [] {
                let spelled = name["name"] as? String ?? ""
                taking.insert((name["kind"] as? String == "short" ? "-" : "--") + spelled)
            }
        }
        #expect(taking == LintCommand.valueOptions)
    }

    @Test func parsingGivesTheCommandEveryGuideInOrder() throws {
        let line = ["lint", "--format", "json", "a.md", "b.md", "--strict", "c.md", "--disable", "placeholder", "d.md"]
        let lint = try #require(try RunbookCommand.parse(line) as? LintCommand)
        #expect(lint.files == ["a.md", "b.md", "c.md", "d.md"])
        #expect(lint.format == .json)
        #expect(lint.strict)
        #expect(lint.disabled == ["placeholder"])
    }
}
