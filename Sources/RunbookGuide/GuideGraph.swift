import RunbookModel

/// Why a `--choose` selection could not be applied.
public struct ChoiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, lower-case, with what to do.
    public var description: String
}

extension Step {
    /// Would `exec` run this step if it were selected: command and verification steps, and
    /// artifacts annotated `run`, `runner` or `file`; never a `skip`ped step.
    public var isExecutable: Bool {
        if let skip = annotations["skip"], skip != "false", skip != "no", skip != "0" { return false }
        switch kind {
        case .command, .verification: return true
        case .artifact:
            if let run = annotations["run"] { return run != "false" && run != "no" && run != "0" }
            return annotations["runner"] != nil || annotations["file"] != nil
        case .variables, .manual: return false
        }
    }

    /// Whether `${NAME}` in the step's text stands for a bound value, so `plan` and the
    /// checklist show the value: in shell and a person's instructions, and in a `file=` block
    /// written with `expand=true`. Any other block (a config file shown, or written as it is)
    /// keeps its `${NAME}` and nginx `$host` as written, since that is what it holds.
    public var expandsVariables: Bool {
        switch kind {
        case .command, .verification, .manual, .variables: true
        case .artifact: annotations["expand"].map(AnnotationParser.isTrue) ?? false
        }
    }

    /// The line of the guide (`lines`, its text split into lines) that holds line `index`
    /// (0-based) of the step's code: the guide's lines from the block's first code line on,
    /// matched in order to the code's, each to the first that ends with it, so that a
    /// console block's prompts and output and a list item's indentation are passed over. Nil
    /// when they do not match (the guide changed since it was read).
    public func guideLine(ofCodeLine index: Int, in lines: [Substring]) -> Int? {
        let code = self.code.lines
        guard index >= 0, index < code.count, codeLine >= 1 else { return nil }
        var number = codeLine
        for (position, codeText) in code[...index].enumerated() {
            let wanted = codeText.trimmedInline
            while number <= lines.count, !lines[number - 1].trimmedInline.hasSuffix(wanted) { number += 1 }
            guard number <= lines.count else { return nil }
            if position == index { return number }
            number += 1
        }
        return nil
    }

    /// Where `exec` writes the block (`file=`): such a block is written there, not run.
    public var writesFile: String? { annotations["file"] }

    /// Interpreters for an artifact annotated `run` without a `runner`, by its language.
    static let interpreters: [String: String] = [
        "python": "python3", "python3": "python3", "py": "python3", "javascript": "node", "js": "node",
        "node": "node", "ruby": "ruby", "rb": "ruby", "perl": "perl", "pl": "perl", "php": "php",
    ]

    /// The program that runs the step's text on its stdin, when bash does not: its `runner=`,
    /// or for an artifact its language's interpreter (`python3` for a `python` block). Nil for
    /// shell, and for a block that is written (`file=`), not run.
    public var runner: String? {
        guard writesFile == nil else { return nil }
        if let runner = annotations["runner"] { return runner }
        return kind == .artifact ? Self.interpreters[language.lowercased()] : nil
    }

    /// "only if the build fails", for a step under a condition ("If the build fails"); nil
    /// for any other.
    public var onlyIf: String? { condition.map { "only " + $0.prefix(1).lowercased() + $0.dropFirst() } }

    /// A check that a server answers: expectations beyond the exit status, or nothing but
    /// `curl`/`wget` requests that send nothing (no data, upload or method), so that asking
    /// again changes nothing. Right after a server starts in the background, `exec` retries
    /// such a step while the server comes up, as a verification.
    public var checksAServer: Bool {
        guard kind == .command || kind == .verification else { return false }
        if expectations.contains(where: { $0 != .exitStatus(0) }) { return true }
        var requests = 0
        var other = false
        for line in ShellText.logicalLines(code) where !line.isHeredocBody {
            ShellText.forEachCommand(in: ShellText.words(line.text)) { command in
                guard let (name, args) = ShellText.program(of: command) else { return }
                if (name == "curl" || name == "wget") && !args.contains(where: Self.sendsSomething) {
                    requests += 1
                } else if !["grep", "head", "jq", "echo", "test", "["].contains(name) {
                    other = true
                }
            }
        }
        return requests > 0 && !other
    }

    private static func sendsSomething(_ arg: String) -> Bool {
        ["-d", "-X", "-T", "-F", "--data", "--json", "--request", "--upload-file", "--form", "--post-", "--method", "--body-"]
            .contains { arg.hasPrefix($0) }
    }

    /// What a run does about a step that reboots its machine or starts a new login there;
    /// nil for any other step.
    public var machineNote: String? {
        if traits.reboots {
            return target.name == "local"
                ? "reboots this machine: a person's to do" : "reboots \(target.name): the run waits for it to come back"
        }
        guard traits.renewsLogin else { return nil }
        return target.name == "local"
            ? "a new login on this machine: the run pauses for it unless this login has the user's groups"
            : "a new login on \(target.name): the run logs in there again"
    }

    /// Annotated `background=true`, or a foreground server the guide goes on beside ("In
    /// another terminal:"): `exec` starts it in the background, its output in a log. An
    /// annotation `background=false` wins.
    public var runsInBackground: Bool {
        annotations["background"].map(AnnotationParser.isTrue) ?? (traits.foregroundServer && traits.keptRunning)
    }

    /// For a step that follows output: the texts it expects to see printed, which end the
    /// following once all are out ("Watch the logs until you see `ready`:", `expect=`).
    public var awaitedOutput: [String] {
        guard traits.follows || traits.foregroundServer || annotations["follow"] != nil else { return [] }
        return expectations.compactMap {
            if case .outputContains(let text) = $0 { return text }
            return nil
        }
    }
}

extension Guide {
    /// Sets `runs` from kind, flow and the chosen branch of every choice.
    public mutating func applyRunnability() {
        let chosen = Dictionary(uniqueKeysWithValues: choices.map { ($0.id, $0.chosen) })
        for i in steps.indices {
            // Read in a scope of its own: a copy of the step still held when `runs` is set
            // would make the step copy its storage.
            let runs: Bool
            do {
                let step = steps[i]
                let inChosenBranch = step.choice.map { chosen[$0] == step.option } ?? true
                runs = step.isExecutable && step.flow == .main && inChosenBranch
            }
            steps[i].runs = runs
        }
    }

    /// The guide with `--choose GROUP=OPTION` selections applied. Options match by id
    /// (case-insensitive) or by whole words of their title.
    public func choosing(_ selections: [String: String]) throws(ChoiceError) -> Guide {
        var guide = self
        for (groupName, optionName) in selections.sorted(by: { $0.key < $1.key }) {
            guard let g = guide.choices.firstIndex(where: { $0.id == groupName }) else {
                let known = guide.choices.map(\.id)
                throw ChoiceError(
                    description: known.isEmpty
                        ? "--choose \(groupName)=\(optionName): this guide has no choice groups"
                        : "--choose \(groupName)=\(optionName): no such choice group; groups are: \(known.joined(separator: ", "))"
                )
            }
            let group = guide.choices[g]
            let wanted = optionName.lowercased()
            guard
                let option = group.options.first(where: { $0.id.lowercased() == wanted })
                    ?? group.options.first(where: { option in
                        // Whole words of the title ("ubuntu" in "Option B (alternate): Ubuntu 24.04").
                        wanted.count >= 3 && ("-" + Text.slug(option.title) + "-").contains("-" + Text.slug(wanted) + "-")
                    })
            else {
                throw ChoiceError(
                    description: "--choose \(groupName)=\(optionName): no such option; options are: "
                        + group.options.map(\.id).joined(separator: ", "))
            }
            guide.choices[g].chosen = option.id
            guide.choices[g].reason = Guide.chosenWithChoose
        }
        guide.applyRunnability()
        return guide
    }

    /// The section a `--section` argument names: a slug, a label (`3.2`) or part of a title.
    public func section(named name: String) -> Section? {
        let lower = name.lowercased()
        return sections.first { $0.slug == lower }
            ?? sections.first { $0.label?.lowercased() == lower }
            ?? sections.first { $0.index != 0 && $0.title.lowercased().contains(lower) }
    }

    /// Is section `index` the section `ancestor` or inside it?
    public func section(_ index: Int, isWithin ancestor: Int) -> Bool {
        var current: Int? = index
        while let c = current {
            if c == ancestor { return true }
            current = sections[c].parent
        }
        return false
    }

    /// Errors among the reader's diagnostics (bad annotations, broken front matter).
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

extension Guide {
    /// The step that gives `name` its value by the time `step` runs: the last one before it
    /// that assigns the name (`export IP=$(terraform output -raw ip)`), a person's excepted.
    public func setter(of name: String, before step: Step) -> Step? {
        steps.last { $0.number < step.number && $0.kind != .manual && ShellText.uses(of: name, in: $0.code).assigns }
    }

    /// The names `target`'s address still holds once `binding` fills in what it binds, in
    /// order: the guide's unbound variables, and names only a step sets during the run.
    public func openNames(in target: TargetDecl, binding: Binding) -> [String] {
        ShellText.referencedNames(in: binding.resolved(target.address)).sorted()
    }
}

extension TargetDecl {
    /// Where a guide's names can stand in its address: the URI, the identity file, the jump
    /// hosts and the proxy command, one after another.
    public var address: String { [uri, identity, jump, proxyCommand].compactMap { $0 }.joined(separator: " ") }

    /// The `ssh` command a person logs in with (`ssh -i KEY -p 2222 deploy@host`), from the
    /// address the guide or a binding gives; nil for this machine, an inventory group or an
    /// unbound target.
    public var loginCommand: String? {
        guard let uri, uri.hasPrefix("ssh://") else { return nil }
        var address = uri.dropFirst("ssh://".count)
        var port: Substring?
        // `[::1]:2222`, `host:2222`, `host:${PORT}`: the port is what follows the last colon
        // outside brackets.
        let host = address.lastIndex(of: "@").map { address[address.index(after: $0)...] } ?? address
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]"),
            host.hasPrefix("[") || !host[..<colon].contains(":")
        {
            port = address[address.index(after: colon)...]
            address = address[..<colon]
        }
        var words = ["ssh"]
        if let identity { words += ["-i", identity] }
        if let jump { words += ["-J", jump] }
        if let proxyCommand {
            // In double quotes, as guides write it: its `$NAME`s read from the person's shell.
            let quoted = proxyCommand.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            words += ["-o", "ProxyCommand=\"\(quoted)\""]
        }
        if let port, !port.isEmpty { words += ["-p", String(port)] }
        return (words + [String(address)]).joined(separator: " ")
    }
}
