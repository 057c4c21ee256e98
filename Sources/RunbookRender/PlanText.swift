import Foundation
import RunbookGuide
import RunbookModel

/// The readable plan: variables, targets, choices, then every step under its section.
public enum PlanText {
    /// Renders the plan (targets as the command line bound them: `TargetRequest.applied`).
    public static func render(guide: Guide, binding: Binding) -> String {
        var out: [String] = []
        let running = guide.steps.filter(\.runs).count
        let manual = guide.steps.filter { $0.kind == .manual && $0.flow == .main }.count
        let optional = guide.steps.filter { $0.flow == .optional }.count
        out.append("plan: \(guide.title)  (\(guide.path))")
        out.append(
            "\(guide.steps.count) steps: \(running) run, \(manual) manual, \(optional) optional"
                + " · targets: \(guide.targets.map(\.name).joined(separator: ", "))"
                + " · choices: \(guide.choices.count)")
        out.append("")

        out.append("variables")
        if binding.values.isEmpty { out.append("  (none declared)") }
        let width = min(28, binding.values.map(\.name.count).max() ?? 0)
        for value in binding.values {
            let name = value.name.padding(toLength: max(width, value.name.count), withPad: " ", startingAt: 0)
            var shown: String
            if let v = value.value {
                shown = value.secret ? "****" : (v.isEmpty ? "\"\"" : v)
            } else if value.source == .derived, let d = value.variable?.defaultValue {
                shown = "\(binding.display(d))  (derived; waits for its inputs)"
            } else if let d = value.variable?.defaultValue, !d.isEmpty {
                shown = "unbound (default \"\(d)\" is a placeholder)"
            } else {
                shown = "unbound"
            }
            var notes: [String] = [value.source.description]
            if value.variable?.required == true { notes.append("required") }
            if value.secret { notes.append("secret") }
            if value.isMissing { notes.append("MISSING") }
            if value.variable == nil { notes.append("not declared by the guide") }
            var line = "  \(name)  \(shown)  [\(notes.joined(separator: ", "))]"
            if let variable = value.variable { line += "  :\(variable.location.line)" }
            if let description = value.variable?.description { line += "  — \(description)" }
            out.append(line)
        }
        out.append("")

        out.append("targets")
        for target in guide.targets {
            let uri = target.uri.map { binding.display($0) }
            var line = "  \(target.name)  "
            switch (target.name, uri) {
            case ("local", _): line += "this machine"
            case (_, let uri?):
                line += uri + (target.identity.map { "  (key \(binding.display($0)))" } ?? "")
                if target.source == "ssh-line", let jump = target.jump { line += "  via \(binding.display(jump))" }
                if target.source == "ssh-line", let command = target.proxyCommand {
                    line += "  through `\(binding.display(command))`"
                }
            case (_, nil): line += "UNBOUND — bind with --target \(target.name)=ssh://user@host[:port]"
            }
            if target.source == "inventory" { line += ": " + target.hosts.joined(separator: ", ") }
            if target.source != "builtin" {
                line += "  [\(target.source)" + (target.line > 0 ? " :\(target.line)" : "") + "]"
            }
            out.append(line + setDuringTheRun(target, guide: guide, binding: binding))
        }
        out.append("")

        if !guide.choices.isEmpty {
            out.append("choices")
            for group in guide.choices {
                out.append("  \(group.id): \(group.chosen) — \(group.reason)  :\(group.line)")
                for option in group.options {
                    let mark = option.id == group.chosen ? "→" : " "
                    out.append("    \(mark) \(option.id)  \(option.title)")
                }
                let others = group.options.filter { $0.id != group.chosen }.map(\.id)
                if let other = others.first { out.append("    (another: --choose \(group.id)=\(other))") }
            }
            out.append("")
        }

        out.append("steps")
        var lastSection = -1
        for step in guide.steps {
            if step.section != lastSection {
                lastSection = step.section
                let section = guide.sections[step.section]
                let heading = section.index == 0 ? "(before the first heading)" : section.heading
                let flow =
                    section.flow == .optional ? "  [optional: \(section.role ?? "optional") — runs only with --section]" : ""
                out.append("  § \(heading)\(flow)")
            }
            out.append(contentsOf: stepLines(step, guide: guide, binding: binding))
        }
        if !guide.diagnostics.isEmpty {
            out.append("")
            out.append("diagnostics")
            for d in guide.diagnostics { out.append("  " + d.formatted) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func stepLines(_ step: Step, guide: Guide, binding: Binding) -> [String] {
        var kind = step.kind.rawValue
        if step.kind == .artifact, step.runs { kind += "+run" }
        var flags: [String] = []
        if !step.runs, step.isExecutable, step.flow == .main, step.choice != nil { flags.append("not chosen") }
        if let onlyIf = step.onlyIf {
            // In a section off the main flow, `--section` runs it as well.
            let selected = guide.sections[step.section].flow == .optional ? "--only or --section" : "--only"
            flags.append("optional: \(onlyIf); runs only with \(selected)")
        } else if step.flow == .optional, guide.sections[step.section].flow == .main {
            flags.append("optional: folded in <details>; runs only with --only or --section")
        }
        if step.annotations["skip"] != nil, !step.isExecutable { flags.append("skip") }
        if step.traits.follows {
            flags.append(
                step.awaitedOutput.isEmpty
                    ? "follows a log: stopped after a window" : "follows a log: stopped once it prints what is expected")
        }
        if step.traits.interactive { flags.append("interactive: needs a person") }
        if let note = step.machineNote { flags.append(note) }
        if step.traits.foregroundServer {
            flags.append(
                step.runsInBackground
                    ? "foreground server, run in the background" : "foreground server: stopped after a window")
        }
        if let choice = step.choice, let option = step.option { flags.append("\(choice)=\(option)") }
        if step.kind == .artifact, step.isExecutable, let runner = step.runner {
            flags.append("input to \(binding.mask(binding.display(runner)))")
        }
        if let path = step.writesFile {
            flags.append("writes \(binding.display(path))" + (step.annotations["mode"].map { ", mode \($0)" } ?? ""))
        }
        let target = step.target.description
        let head =
            String(format: "%4d  ", step.number)
            + "\(step.id)  \(kind)  \(step.target.reason == "person" ? "by" : "on") \(target)  :\(step.location.line)"
            + (flags.isEmpty ? "" : "  (\(flags.joined(separator: "; ")))")
        var lines = [head]
        let body: String
        switch step.kind {
        case .manual: body = step.instructions ?? step.code
        case .variables:
            let names = guide.variables.filter {
                $0.location.line >= step.codeLine && $0.location.line < step.codeLine + step.code.lines.count
            }.map(\.name)
            body = "declares " + names.joined(separator: ", ")
        default: body = step.code
        }
        let preview = body.split(separator: "\n").map { $0.trimmedInline }
            .filter { !$0.isEmpty && !($0.hasPrefix("#") && step.kind != .manual) }
        for (i, line) in preview.prefix(3).enumerated() {
            let shown = binding.mask(step.kind == .variables || !step.expandsVariables ? line : binding.display(line))
            let clipped = shown.count > 100 ? String(shown.prefix(97)) + "…" : shown
            lines.append("        \(i == 0 ? "$" : " ") \(clipped)")
        }
        if preview.count > 3 { lines.append("          … \(preview.count - 3) more line\(preview.count - 3 == 1 ? "" : "s")") }
        let expectations = step.expectations.filter { $0 != .exitStatus(0) }
        if !expectations.isEmpty {
            lines.append(
                "        expects: " + expectations.map { binding.mask(binding.display($0.description)) }.joined(separator: "; "))
        }
        if !step.verifies.isEmpty { lines.append("        checks: " + step.verifies.joined(separator: ", ")) }
        if step.kind != .manual, let shown = step.instructions?.lines.first {
            // An editor's file text, shown before the editor opens.
            lines.append("        shows first: " + binding.mask(String(shown)))
        }
        if let session = step.opensSession { lines.append("        ⇒ opens a session on \(session); later steps run there") }
        return lines
    }
}

extension PlanText {
    /// "  — IP set during the run, by step 2 (provision/2)" for an address (key, jump hosts)
    /// with names the binding leaves open and earlier steps set: `exec` reaches it then.
    static func setDuringTheRun(_ target: TargetDecl, guide: Guide, binding: Binding) -> String {
        guard target.address.contains("$"), let first = guide.steps.first(where: { $0.target.name == target.name }) else {
            return ""
        }
        let declared = Set(guide.variables.map(\.name))
        let set = guide.openNames(in: target, binding: binding).filter { !declared.contains($0) }.compactMap { name in
            guide.setter(of: name, before: first).map { "\(name) set during the run, by step \($0.number) (\($0.id))" }
        }
        return set.isEmpty ? "" : "  — " + set.joined(separator: "; ")
    }
}
