import Foundation
import RunbookGuide
import RunbookModel

/// `undefined-variable`: `$NAME` in a running block that nothing defines: no declaration, no
/// earlier step, no binding source, no well-known environment variable. `${NAME:-x}`, `\$NAME`,
/// single quotes and quoted heredocs are respected. After a `source FILE` or `set -a` (which may
/// define anything) it is a warning.
struct UndefinedVariableRule: LintRule {
    static let id = "undefined-variable"
    var id: String { Self.id }
    var summary: String { "a variable no declaration, earlier step or binding defines" }

    /// What a login shell, sshd, sudo or a CI runner provides.
    static let environment: WordSet = [
        "HOME", "PATH", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "HOSTNAME", "HOSTTYPE", "LANG", "LC_ALL", "TERM",
        "TMPDIR", "UID", "EUID", "PPID", "IFS", "RANDOM", "LINENO", "SECONDS", "REPLY", "OPTARG", "OPTIND", "BASHPID",
        "BASH", "BASH_VERSION", "BASH_SOURCE", "BASH_REMATCH", "FUNCNAME", "PIPESTATUS", "GROUPS", "EDITOR", "VISUAL",
        "PAGER", "SUDO_USER", "SUDO_UID", "SUDO_GID", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "SSH_AUTH_SOCK",
        "DISPLAY", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "VIRTUAL_ENV", "CI",
        "GITHUB_WORKSPACE", "GITHUB_SHA", "GITHUB_REF", "GITHUB_ENV", "GITHUB_OUTPUT", "RUNNER_TEMP", "COLUMNS", "LINES",
        "OSTYPE", "MACHTYPE", "HISTFILE", "PS1", "PS4", "EPOCHSECONDS", "EPOCHREALTIME", "SRANDOM",
    ]

    /// How bash reads `step`'s code: `shell`, a block run as shell; `filled`, a `file=`
    /// block written with `expand=true`. A block written as it is or given to another program
    /// is neither.
    static func reading(_ step: Step) -> (shell: Bool, filled: Bool) {
        let running = step.isExecutable && step.kind != .variables
        let shell = running && step.runner == nil && step.writesFile == nil
        // A written file fills in environment-style names only: nginx's `$host` stays.
        let filled = running && step.writesFile != nil && step.expandsVariables
        return (shell, filled)
    }

    /// True when the rule reads what `step`'s code defines (its references are read for every
    /// step): a variables block, and code bash reads.
    static func readsDefinitions(of step: Step) -> Bool {
        let (shell, filled) = reading(step)
        return step.kind == .variables || shell || filled
    }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        // The environment's names are asked apart: copying them into every guide's set
        // rehashed them all once per guide.
        var defined = Set(linted.guide.variables.map(\.name))
        if let binding = linted.binding { defined.formUnion(binding.values.filter { $0.value != nil }.map(\.name)) }
        // What earlier steps set, per shell: a run keeps one shell per machine and user, so a
        // name set on the server is not set on this machine.
        var setIn: [String: Set<String>] = [:]
        // Where each name was first set, for the message when another shell reads it.
        var firstSet: [String: Step] = [:]
        var importsUnknown: Set<String> = []
        var findings: [Diagnostic] = []
        for (step, scan) in zip(linted.guide.steps, linted.scans) {
            guard let scan else { continue }
            let (shell, filled) = Self.reading(step)
            let key = step.target.shellKey
            if shell || filled {
                var reported: Set<String> = []
                for use in scan.uses
                where !use.defaulted && !defined.contains(use.name) && !Self.environment.contains(use.name)
                    && !reported.contains(use.name) && (shell || !use.name.utf8.contains(where: ASCII.isLower))
                    && setIn[key]?.contains(use.name) != true
                {
                    // Defined in this block before (or on) the line that reads it.
                    if let line = scan.defines[use.name], line <= use.line { continue }
                    reported.insert(use.name)
                    let unknown = importsUnknown.contains(key) || scan.importsUnknown
                    let elsewhere = firstSet[use.name].map {
                        " (step \($0.id) sets it on \($0.target), and each machine's shell keeps its own variables)"
                    }
                    findings.append(
                        Diagnostic(
                            rule: id, severity: unknown ? .warning : .error,
                            location: linted.location(of: step, codeLine: use.line, column: use.column),
                            message: "$\(use.name) is not defined by the guide, an earlier step"
                                + (elsewhere == nil ? "" : " on \(step.target)") + " or a binding"
                                + (elsewhere ?? "")
                                + (unknown ? " (a sourced file, set -a, eval or export $(…) may define it)" : ""),
                            fix: firstSet[use.name].map {
                                "run this step where \($0.id) runs (on=\($0.target.name)), or set \(use.name) on \(step.target) too"
                            }
                                ?? "declare it (export \(use.name)=…) in the variables section, or use ${\(use.name):?set \(use.name) first}"
                        ))
                }
            }
            // Only shell that runs defines: a `.env` or Dockerfile shown as text, or written
            // with `file=`, defines nothing in the shell, whatever assignments it shows.
            if step.kind == .variables {
                defined.formUnion(scan.defines.keys)
            } else if shell {
                setIn[key, default: []].formUnion(scan.defines.keys)
                for name in scan.defines.keys where firstSet[name] == nil { firstSet[name] = step }
            } else {
                continue
            }
            if scan.importsUnknown { importsUnknown.insert(key) }
        }
        if let binding = linted.binding {
            // --vars: every required variable bound, and to a real value.
            let files = linted.bindingFiles.joined(separator: ", ")
            for value in binding.values where value.isMissing {
                guard let variable = value.variable, variable.required else { continue }
                let message =
                    value.value == nil
                    ? "\(value.name) is required and \(files) does not bind it"
                    : "\(value.name) is bound to a placeholder (\(value.placeholder ?? "…")) in \(files)"
                findings.append(
                    Diagnostic(
                        rule: value.value == nil ? id : PlaceholderRule.id, severity: .error, location: variable.location,
                        message: message))
            }
        }
        return findings
    }
}
