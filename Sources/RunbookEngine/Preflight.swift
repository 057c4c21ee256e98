import Foundation
import RunbookGuide
import RunbookModel

/// Something that must be settled before anything runs.
public struct PreflightProblem: Sendable, Hashable, CustomStringConvertible {
    /// What is missing and how to supply it.
    public var message: String
    /// Where the guide declares or uses it.
    public var location: SourceLocation?

    /// `file:line: message`.
    public var description: String {
        (location.map { "\($0.file):\($0.line): " } ?? "") + message
    }
}

/// Checks that a run can start: every variable the selected steps use is bound to a value
/// that is not a placeholder, and every target they run on can be reached.
public enum Preflight {
    /// Problems, in guide order (none when the run may start), and where each target the
    /// steps use is. Reaching the targets (`Targets.connect`) is the last part of preflight,
    /// done by the caller once these problems are settled; a dry run stops before it.
    public static func check(guide: Guide, binding: Binding, steps: [Step], request: TargetRequest) -> (
        problems: [PreflightProblem], placements: [String: TargetPlacement]
    ) {
        var problems: [PreflightProblem] = []
        let used = usedNames(steps: steps, guide: guide)
        for value in binding.values where value.isMissing && used.contains(value.name) {
            guard let variable = value.variable else { continue }
            var message = "\(value.name) is not bound"
            if let placeholder = value.placeholder, value.value != nil {
                message = "\(value.name) is bound to a placeholder (\(placeholder))"
            } else if let placeholder = value.placeholder {
                message += "; the guide's default is a placeholder (\(placeholder))"
            }
            if let description = variable.description { message += " — \(description)" }
            message += "; set it with --set \(value.name)=… or in a --vars file"
            problems.append(PreflightProblem(message: message, location: variable.location))
        }
        let (placements, unbound) = Targets.place(guide: guide, binding: binding, steps: steps, request: request)
        return (problems + unbound, placements)
    }

    /// Names the steps (and the derived defaults they depend on, and their targets) refer to,
    /// and the declared names their programs read by themselves.
    static func usedNames(steps: [Step], guide: Guide) -> Set<String> {
        var text = steps.map { $0.code + " " + $0.expectations.map(\.description).joined(separator: " ") }.joined(separator: "\n")
        for target in guide.targets where steps.contains(where: { $0.target.name == target.name }) {
            text += " " + target.address
        }
        var names = ShellText.referencedNames(in: text)
        // What the programs they run read from the environment (`PGPASSWORD` for psql), when
        // any of them runs a command.
        if steps.contains(where: \.isExecutable) {
            names.formUnion(guide.variables.map(\.name).filter(ProgramEnvironment.reads))
        }
        // Derived defaults pull in what they are derived from.
        var changed = true
        while changed {
            changed = false
            for variable in guide.variables where variable.derived && names.contains(variable.name) {
                for name in ShellText.referencedNames(in: variable.defaultValue ?? "") where !names.contains(name) {
                    names.insert(name)
                    changed = true
                }
            }
        }
        return names
    }
}

/// Which steps a run covers.
public struct Selection: Sendable {
    /// `--from`: first step (number or id).
    public var from: String?
    /// `--to`: last step.
    public var to: String?
    /// `--only`: exactly these steps.
    public var only: [String] = []
    /// `--section`: a section (slug, label or part of its title) and its subsections.
    public var section: String?

    /// Everything in the main flow.
    public init(from: String? = nil, to: String? = nil, only: [String] = [], section: String? = nil) {
        self.from = from
        self.to = to
        self.only = only
        self.section = section
    }

    /// The selected steps in run order: steps that run, and manual steps a person must do.
    /// Optional sections are included only when named by `--section` or `--only`.
    public func steps(of guide: Guide) throws(SelectionError) -> [Step] {
        func resolve(_ reference: String, flag: String) throws(SelectionError) -> Step {
            if let step = guide.step(named: reference) { return step }
            let suggestion =
                Text.closest(to: reference, in: guide.steps.map(\.id), maxDistance: 4).map { "; did you mean \($0)?" } ?? ""
            throw SelectionError(
                description:
                    "\(flag) \(reference): no such step (give a number 1…\(guide.steps.count) or an id from `runbook list`)\(suggestion)"
            )
        }
        let chosen = Dictionary(uniqueKeysWithValues: guide.choices.map { ($0.id, $0.chosen) })
        func inChosenBranch(_ step: Step) -> Bool { step.choice.map { chosen[$0] == step.option } ?? true }
        func takesPart(_ step: Step) -> Bool {
            (step.isExecutable || step.kind == .manual || step.annotations["skip"] != nil) && inChosenBranch(step)
        }
        if !only.isEmpty {
            var picked: [Step] = []
            for reference in only { picked.append(try resolve(reference, flag: "--only")) }
            return picked.sorted { $0.number < $1.number }.filter { $0.isExecutable || $0.kind == .manual }
        }
        var candidates: [Step]
        if let name = section {
            guard let section = guide.section(named: name) else {
                let known = guide.sections.filter { $0.index != 0 }.map(\.slug)
                let suggestion = Text.closest(to: name, in: known, maxDistance: 4).map { "; did you mean \($0)?" } ?? ""
                throw SelectionError(description: "--section \(name): no such section\(suggestion)")
            }
            candidates = guide.steps.filter { guide.section($0.section, isWithin: section.index) && takesPart($0) }
        } else {
            candidates = guide.steps.filter { $0.flow == .main && takesPart($0) }
        }
        if let from {
            let first = try resolve(from, flag: "--from")
            candidates = candidates.filter { $0.number >= first.number }
        }
        if let to {
            let last = try resolve(to, flag: "--to")
            candidates = candidates.filter { $0.number <= last.number }
        }
        return candidates
    }
}

/// A `--from`/`--to`/`--only`/`--section` that names nothing.
public struct SelectionError: Error, Sendable, CustomStringConvertible {
    /// What was wrong and what to do.
    public var description: String
}
