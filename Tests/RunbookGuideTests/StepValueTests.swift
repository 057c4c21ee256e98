import Foundation
import RunbookModel
import Testing

/// `Step` keeps its fields in a shared box: it must still behave as a plain value.
@Suite("a step is a value")
struct StepValueTests {
    static let step = Step(
        number: 1, id: "deploy/1", kind: .command, section: 2,
        location: SourceLocation(file: "g.md", line: 10, column: 1), codeLine: 11, language: "bash",
        code: "echo hi", target: .local, runs: true, expectations: [.exitStatus(0)],
        annotations: ["timeout": "5s"])

    @Test func changingACopyLeavesTheOriginal() {
        var copy = Self.step
        copy.code = "echo bye"
        copy.expectations.append(.exitStatus(1))
        copy.annotations["timeout"] = nil
        copy.traits.follows = true
        #expect(Self.step.code == "echo hi")
        #expect(Self.step.expectations == [.exitStatus(0)])
        #expect(Self.step.annotations == ["timeout": "5s"])
        #expect(!Self.step.traits.follows)
        #expect(copy.code == "echo bye")
        #expect(copy.expectations == [.exitStatus(0), .exitStatus(1)])
        #expect(copy.annotations.isEmpty)
        #expect(copy.traits.follows)
    }

    @Test func changingAnElementOfAnArrayLeavesACopyOfTheArray() {
        var steps = [Self.step, Self.step]
        let before = steps
        steps[1].number = 2
        steps[1].verifies = ["deploy/1"]
        #expect(before[1].number == 1)
        #expect(before[1].verifies.isEmpty)
        #expect(steps[1].number == 2)
        #expect(steps[1].verifies == ["deploy/1"])
        #expect(steps[0] == Self.step)
    }

    @Test func equalityAndHashingFollowTheFields() {
        var same = Self.step
        same.code = "echo hi"  // written, so in a box of its own, but equal
        var other = Self.step
        other.runs = false
        #expect(same == Self.step)
        #expect(same.hashValue == Self.step.hashValue)
        #expect(other != Self.step)
        #expect(Set([Self.step, same, other]).count == 2)
    }

    @Test func jsonHasOneKeyPerField() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(Self.step)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "number", "id", "kind", "section", "location", "codeLine", "language", "code", "target", "runs",
                "verifies", "expectations", "flow", "annotations", "traits",
            ])
        #expect(object["code"] as? String == "echo hi")
        #expect(try JSONDecoder().decode(Step.self, from: data) == Self.step)
    }
}
