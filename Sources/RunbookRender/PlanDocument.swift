import Foundation
import RunbookGuide
import RunbookModel

/// The plan as `plan --json` writes it (schema 1). Field names are the spec's and stay stable.
public struct PlanDocument: Encodable, Sendable {
    struct VariableEntry: Encodable {
        var name: String
        var `default`: String?
        var value: String?
        var source: String
        var required: Bool
        var derived: Bool
        var secret: Bool
        var missing: Bool
        var description: String?
        var line: Int
    }
    struct TargetEntry: Encodable {
        var name: String
        var uri: String?
        var hosts: [String]
        var identity: String?
        var source: String
        var line: Int
        var bound: Bool
    }
    struct OptionEntry: Encodable {
        var id: String
        var title: String
        var recommended: Bool
        var line: Int
    }
    struct ChoiceEntry: Encodable {
        var id: String
        var options: [OptionEntry]
        var chosen: String
        var reason: String
        var line: Int
    }
    struct ExpectationEntry: Encodable {
        var type: String
        var value: ExpectationValue
        enum ExpectationValue: Encodable {
            case int(Int)
            case text(String)
            case ints([Int])
            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                switch self {
                case .int(let v): try c.encode(v)
                case .text(let v): try c.encode(v)
                case .ints(let v): try c.encode(v)
                }
            }
        }
    }
    struct SectionEntry: Encodable {
        var slug: String
        var label: String?
        var title: String
        var level: Int
        var line: Int
        var parent: String?
        var flow: String
        var role: String?
    }
    struct StepEntry: Encodable {
        var number: Int
        var id: String
        var kind: String
        var section: String
        var line: Int
        var column: Int
        var target: String
        var user: String?
        var targetReason: String
        var runs: Bool
        var verifies: [String]
        var expectations: [ExpectationEntry]
        var choice: String?
        var option: String?
        var flow: String
        /// The prose's condition on an optional step ("If the build fails"), when it has one.
        var condition: String?
        var language: String
        var code: String
        var instructions: String?
        var follows: Bool
        var interactive: Bool
        var opensSession: String?
        var annotations: [String: String]
    }
    struct DiagnosticEntry: Encodable {
        var rule: String
        var severity: String
        var file: String
        var line: Int
        var column: Int
        var message: String
        var fix: String?
    }

    var schema = 1
    var guide: String
    var title: String
    var variables: [VariableEntry]
    var targets: [TargetEntry]
    var choices: [ChoiceEntry]
    var sections: [SectionEntry]
    var steps: [StepEntry]
    var diagnostics: [DiagnosticEntry]

    /// Builds the document; every string passes through the binding's secret mask.
    public init(guide: Guide, binding: Binding) {
        let mask = binding.mask
        self.guide = guide.path
        self.title = guide.title
        variables = binding.values.compactMap { value in
            guard let variable = value.variable else { return nil }
            return VariableEntry(
                name: value.name, default: variable.defaultValue.map(mask),
                value: value.value.map { value.secret ? "****" : $0 }, source: value.source.description,
                required: variable.required, derived: variable.derived, secret: value.secret,
                missing: value.isMissing, description: variable.description, line: variable.location.line)
        }
        targets = guide.targets.map {
            TargetEntry(
                name: $0.name, uri: $0.uri.map { binding.display($0) }, hosts: $0.hosts.map { binding.display($0) },
                identity: $0.identity.map { binding.display($0) }, source: $0.source, line: $0.line,
                bound: $0.uri != nil)
        }
        choices = guide.choices.map { group in
            ChoiceEntry(
                id: group.id,
                options: group.options.map {
                    OptionEntry(id: $0.id, title: $0.title, recommended: $0.recommended, line: $0.line)
                },
                chosen: group.chosen, reason: group.reason, line: group.line)
        }
        let slugs = guide.sections.map(\.slug)
        sections = guide.sections.map {
            SectionEntry(
                slug: $0.slug, label: $0.label, title: $0.title, level: $0.level, line: $0.line,
                parent: $0.parent.map { slugs[$0] }, flow: $0.flow.rawValue, role: $0.role)
        }
        steps = guide.steps.map { step in
            StepEntry(
                number: step.number, id: step.id, kind: step.kind.rawValue, section: slugs[step.section],
                line: step.location.line, column: step.location.column, target: step.target.name,
                user: step.target.user, targetReason: step.target.reason, runs: step.runs,
                verifies: step.verifies, expectations: step.expectations.map(Self.entry), choice: step.choice,
                option: step.option, flow: step.flow.rawValue, condition: step.condition, language: step.language,
                code: mask(step.code),
                instructions: step.instructions.map(mask), follows: step.traits.follows,
                interactive: step.traits.interactive, opensSession: step.opensSession,
                annotations: step.annotations)
        }
        diagnostics = guide.diagnostics.map {
            DiagnosticEntry(
                rule: $0.rule, severity: $0.severity.rawValue, file: $0.location.file, line: $0.location.line,
                column: $0.location.column, message: $0.message, fix: $0.fix)
        }
    }

    static func entry(_ expectation: Expectation) -> ExpectationEntry {
        switch expectation {
        case .exitStatus(let code): ExpectationEntry(type: "exit-status", value: .int(code))
        case .outputContains(let text): ExpectationEntry(type: "output-contains", value: .text(text))
        case .outputMatches(let pattern): ExpectationEntry(type: "output-matches", value: .text(pattern))
        case .httpStatus(let codes): ExpectationEntry(type: "http-status", value: .ints(codes))
        }
    }

    enum CodingKeys: String, CodingKey {
        case schema, guide, title, variables, targets, choices, sections, steps, diagnostics
    }

    /// Pretty JSON with sorted keys, so output is stable across runs.
    public func json() -> String {
        JSONOutput.encode(self)
    }
}
