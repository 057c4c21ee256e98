import Foundation
import RunbookGuide
import RunbookModel

/// How far a run got with one step, for `checklist --run`.
public struct StepProgress: Sendable, Equatable {
    /// `succeeded`, `failed`, `paused`, `interrupted`, `skipped`, `pending`, `running`.
    public var status: String
    /// What to show: `done 14:03 (1.2 s)`, `failed (exit 1)`, …
    public var detail: String

    /// Creates a step's progress.
    public init(status: String, detail: String) {
        self.status = status
        self.detail = detail
    }
}

/// A run's progress through a guide, by step id.
public struct ChecklistProgress: Sendable {
    /// The run's id.
    public var run: String
    /// The run's status.
    public var status: String
    /// Each step's progress, by step id.
    public var steps: [String: StepProgress]

    /// Creates a run's progress.
    public init(run: String, status: String, steps: [String: StepProgress]) {
        self.run = run
        self.status = status
        self.steps = steps
    }
}

/// Formats a checklist can be rendered in.
public enum ChecklistFormat: String, Sendable, CaseIterable {
    case md, html, text
}

/// A guide as a checklist for the person doing (or watching) it: numbered steps with a box
/// each, where each runs, the commands with bound values in place (secrets masked), what to
/// expect, manual items as their own boxes, the chosen branch of each choice, and the
/// optional sections (troubleshooting, rollback, teardown) at the end.
public enum Checklist {
    /// Renders with the built-in template for `format`, or `template` (Mustache text).
    public static func render(
        guide: Guide, binding: Binding, format: ChecklistFormat, template: String? = nil, progress: ChecklistProgress? = nil
    ) throws(TemplateError) -> String {
        let context = self.context(guide: guide, binding: binding, progress: progress, format: format)
        return try Templates.render(template ?? Templates.builtin("checklist.\(format.rawValue)"), context: context)
    }

    /// What the templates see; every value is already masked.
    static func context(guide: Guide, binding: Binding, progress: ChecklistProgress?, format: ChecklistFormat) -> [String: Any] {
        let chosen = Dictionary(uniqueKeysWithValues: guide.choices.map { ($0.id, $0.chosen) })
        let shown = guide.steps.filter { step in
            step.kind != .variables && (step.choice.map { chosen[$0] == step.option } ?? true)
        }
        func present(_ text: String) -> String { binding.mask(binding.display(text)) }
        var counter = 0
        // The machine the person is on as the list goes, to say when to log in elsewhere.
        var machine = "local"
        func login(_ name: String) -> [String: Any] {
            var out: [String: Any] = ["machine": name]
            if let command = guide.targets.first(where: { $0.name == name })?.loginCommand { out["command"] = present(command) }
            return out
        }
        func stepContext(_ step: Step) -> [String: Any] {
            let manual = step.kind == .manual
            // A block runbook writes to a file is a step a person does too: save it there.
            let writes = step.isExecutable ? step.writesFile.map(present) : nil
            let artifact = !step.isExecutable && !manual
            if !artifact { counter += 1 }
            let expectations = step.expectations.filter { $0 != .exitStatus(0) }.map { present($0.description) }
            let here = step.target.name == "local" && step.target.user == nil
            let badge: String
            if manual {
                badge = "by a person"
            } else if artifact {
                badge = "reference"
            } else if let writes {
                badge = "save as \(writes)" + (here ? "" : " on \(step.target)")
            } else {
                badge = (here ? "locally" : "on \(step.target)") + (step.runner.map { " with \($0)" } ?? "")
            }
            var entry: [String: Any] = [
                "number": step.number, "id": step.id, "kind": step.kind.rawValue, "badge": badge,
                "manual": manual, "artifact": artifact, "checkable": !artifact,
                "language": step.language, "location": "\(guide.path):\(step.location.line)",
                "expectations": expectations, "has_expectations": !expectations.isEmpty,
                "expectations_text": expectations.joined(separator: "; "),
                "retries": step.kind == .verification,
            ]
            if manual {
                // "In the SQL editor:" followed by the SQL: the words, then the code as code.
                let instructions = step.instructions ?? step.code
                let code = step.code.trimmingCharacters(in: .whitespacesAndNewlines)
                if !code.isEmpty, instructions != step.code, instructions.hasSuffix(code) {
                    entry["text"] = present(
                        String(instructions.dropLast(code.count)).trimmingCharacters(in: .whitespacesAndNewlines))
                    entry["code"] = present(code)
                } else {
                    entry["text"] = present(instructions)
                }
            } else {
                entry["code"] = step.expandsVariables ? present(step.code) : binding.mask(step.code)
            }
            if !manual && !artifact {
                if step.target.name != machine, step.target.name != "local" { entry["login"] = login(step.target.name) }
                machine = step.target.name
            }
            // A block that logs in and goes on there ran on that machine already: "log in …
            // first" said it, and the steps after it stay there.
            if let session = step.opensSession, session != step.target.name {
                let command = guide.targets.first { $0.name == session }?.loginCommand.map { " (`\(present($0))`)" } ?? ""
                entry["then"] = "then log in to \(session)\(command): the steps after this one run there"
                machine = session
            }
            if let option = step.option, let group = guide.choices.first(where: { $0.id == step.choice }),
                let title = group.options.first(where: { $0.id == option })?.title
            {
                entry["option"] = "option \(title)"
            }
            if let onlyIf = step.onlyIf { entry["option"] = onlyIf }
            if let progress, let state = progress.steps[step.id] {
                entry["status"] = state.status
                entry["status_detail"] = state.detail
                entry["done"] = state.status == "succeeded" || state.status == "skipped"
            } else {
                entry["done"] = false
                if progress != nil {
                    entry["status"] = "not in run"
                    entry["status_detail"] = "not in this run"
                }
            }
            return entry
        }
        // Each section's steps, found once (filtering every step per section was quadratic).
        var stepsOf: [Int: [Step]] = [:]
        for step in shown { stepsOf[step.section, default: []].append(step) }
        func sections(_ flow: Flow) -> [[String: Any]] {
            guide.sections.compactMap { section -> [String: Any]? in
                let steps = (stepsOf[section.index] ?? []).filter { $0.flow == flow }
                guard !steps.isEmpty else { return nil }
                let heading = [section.label, section.title].compactMap { $0 }.joined(separator: " ")
                var entry: [String: Any] = [
                    "heading": heading.isEmpty ? guide.title : heading, "level": section.level, "slug": section.slug,
                    "steps": steps.map(stepContext),
                ]
                if let role = section.role { entry["role"] = role }
                return entry
            }
        }
        let main = sections(.main)
        var optional = sections(.optional)
        // The templates list every section in one loop and open "When needed" here.
        if !optional.isEmpty { optional[0]["when_needed"] = true }
        let variables = binding.values.filter { $0.variable != nil }.map { value -> [String: Any] in
            let shownValue: String
            if value.isMissing {
                shownValue = value.placeholder.map { "unbound (placeholder \($0))" } ?? "unbound"
            } else if value.secret {
                shownValue = "****"
            } else if let variable = value.variable, variable.derived, (value.value ?? "").isEmpty {
                shownValue = variable.defaultValue ?? ""
            } else {
                shownValue = value.value ?? ""
            }
            var entry: [String: Any] = [
                "name": value.name, "value": binding.mask(shownValue), "missing": value.isMissing, "secret": value.secret,
                "source": value.source.description,
            ]
            if let description = value.variable?.description { entry["description"] = binding.mask(description) }
            return entry
        }
        let choices = guide.choices.map { group -> [String: Any] in
            let title = group.options.first { $0.id == group.chosen }?.title ?? group.chosen
            return [
                "id": group.id, "chosen": title, "reason": group.reason,
                "others": group.options.filter { $0.id != group.chosen }.map(\.title).joined(separator: ", "),
            ]
        }
        let total = counter
        var context: [String: Any] = [
            "title": guide.title, "guide": guide.path, "variables": variables, "has_variables": !variables.isEmpty,
            "choices": choices, "has_choices": !choices.isEmpty, "main": main, "optional": optional, "sections": main + optional,
            "has_optional": !optional.isEmpty, "total": total,
            "storage_key": "runbook-checklist:" + guide.path + ":" + String(guide.steps.count),
        ]
        if let progress {
            let done = progress.steps.values.filter { $0.status == "succeeded" || $0.status == "skipped" }.count
            context["run"] = ["id": progress.run, "status": progress.status, "done": done]
        }
        return context
    }
}
