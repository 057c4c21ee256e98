import ArgumentParser
import Foundation
import RunbookEngine
import RunbookGuide
import RunbookJournal
import RunbookMarkdown
import RunbookModel
import RunbookSSH

/// The guide a command reads.
struct GuideArgument: ParsableArguments {
    @Argument(help: "The Markdown guide to read.", completion: .file(extensions: ["md", "markdown", "txt"]))
    var guide: String

    init() {}

    /// A guide named by a run's journal rather than the command line.
    init(guide: String) {
        self.guide = guide
    }

    /// Reads the guide; a missing or binary file, or errors in it (bad annotations, broken
    /// front matter), exit 2 with every problem and its location.
    func load() throws -> Guide {
        let guide: Guide
        do {
            guide = try GuideReader.read(path: self.guide)
        } catch let error as SourceError {
            throw CLIError(message: error.description)
        }
        for diagnostic in guide.diagnostics where diagnostic.severity != .error {
            Terminal.errorRaw(diagnostic.formatted)
        }
        let errors = guide.errors
        if !errors.isEmpty {
            for diagnostic in errors { Terminal.errorRaw(diagnostic.formatted) }
            throw CLIError(
                message:
                    "\(self.guide): \(errors.count) error\(errors.count == 1 ? "" : "s") in the guide; fix them and try again")
        }
        return guide
    }
}

/// `--vars`, `--set`, `--target`, `--choose`: what the user binds.
struct BindingOptions: ParsableArguments {
    @Option(
        name: .customLong("vars"), help: ArgumentHelp("A dotenv file of values (repeatable; later files win).", valueName: "file")
    )
    var varsFiles: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Bind one variable; wins over --vars.", valueName: "name=value"))
    var sets: [String] = []

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp("Bind a target: NAME=ssh://user@host[:port] or NAME=local.", valueName: "name=uri"))
    var targets: [String] = []

    @Option(name: .customLong("choose"), help: ArgumentHelp("Pick a branch of a choice group.", valueName: "group=option"))
    var choices: [String] = []

    @Option(
        name: .customLong("identity"),
        help: ArgumentHelp("An SSH identity file, tried after ssh-agent and before ~/.ssh/id_* (repeatable).", valueName: "path"))
    var identities: [String] = []

    @Option(
        name: .customLong("inventory"),
        help: ArgumentHelp("An Ansible INI inventory: a group (or host) named like a target binds it.", valueName: "file"))
    var inventory: String?

    @Option(
        name: .customLong("known-hosts"),
        help: ArgumentHelp("The known_hosts file (default ~/.ssh/known_hosts).", valueName: "file"))
    var knownHosts: String?

    @Flag(
        name: .customLong("accept-new-host-keys"),
        help: "Record the key of a host not yet known (a changed key is still refused).")
    var acceptNewHostKeys = false

    static func split(_ pair: String, flag: String) throws -> (String, String) {
        guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
            throw CLIError(message: "\(flag) \(pair): expected NAME=VALUE")
        }
        return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
    }

    /// Parsed `--set` pairs.
    func setPairs() throws -> [NamedValue] {
        try sets.map {
            let (name, value) = try Self.split($0, flag: "--set")
            guard Text.matches(#"^[A-Za-z_][A-Za-z0-9_]*$"#, name, caseInsensitive: false) else {
                throw CLIError(message: "--set \(name)=…: '\(name)' is not a valid variable name")
            }
            return NamedValue(name: name, value: value)
        }
    }

    /// Binds the guide's variables from flags, files and the environment.
    func binding(for guide: Guide) throws -> Binding {
        for path in varsFiles where !FileManager.default.fileExists(atPath: path) {
            throw CLIError(message: "--vars \(path): no such file")
        }
        do {
            return try Binding.resolve(
                guide: guide,
                input: BindingInput(sets: try setPairs(), varsFiles: varsFiles, environment: ProcessInfo.processInfo.environment))
        } catch let error as BindingError {
            throw CLIError(message: error.description)
        }
    }

    /// Where targets are, from `--target`, `--inventory` and `~/.ssh/config`, plus what a
    /// resumed run recorded (`recorded`: the journal's target lines; flags win over them).
    func targetRequest(for guide: Guide, recorded: String = "") throws -> TargetRequest {
        var explicit = try boundTargets(for: guide)
        var inventoryPath = inventory
        for (name, value) in RunRecord.entries(recorded) {
            if name == "@inventory" {
                if inventoryPath == nil { inventoryPath = value }
            } else if !name.hasPrefix("@"), explicit[name] == nil, guide.targets.contains(where: { $0.name == name }) {
                explicit[name] = value
            }
        }
        var loaded: Inventory?
        if let inventoryPath {
            do {
                loaded = try Inventory.load(path: inventoryPath)
            } catch {
                throw CLIError(message: "--inventory \(error.description)")
            }
        }
        return TargetRequest(explicit: explicit, inventory: loaded, config: SSHConfig.load())
    }

    /// What a run records so that `resume` reconnects the same way: the `--target` pairs,
    /// then `@inventory=`, `@identity=` and `@known-hosts=` lines (paths, never secrets).
    func recordedTargets(_ request: TargetRequest) -> [String: String] {
        var out = request.explicit
        if let inventory = request.inventory { out["@inventory"] = absolute(inventory.path) }
        if !identities.isEmpty { out["@identity"] = identities.map(absolute).joined(separator: ",") }
        if let knownHosts { out["@known-hosts"] = absolute(knownHosts) }
        return out
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// How to connect: known_hosts, identities, passphrases (`RUNBOOK_SSH_PASSPHRASE`, else a
    /// prompt on the terminal), plus what a resumed run recorded.
    func sshOptions(recorded: String = "") -> SSHOptions {
        var options = SSHOptions()
        var known = knownHosts
        var identityFiles = identities
        for (name, value) in RunRecord.entries(recorded) {
            if name == "@known-hosts", known == nil { known = value }
            if name == "@identity", identityFiles.isEmpty { identityFiles = value.split(separator: ",").map(String.init) }
        }
        if let known { options.knownHostsFile = known }
        options.identityFiles = identityFiles
        options.acceptNewHostKeys = acceptNewHostKeys
        options.passphrase = { path in
            if let given = ProcessInfo.processInfo.environment["RUNBOOK_SSH_PASSPHRASE"] { return given }
            return Terminal.secretPrompt("Enter passphrase for key '\(path)': ")
        }
        return options
    }

    /// `--target` bindings, checked against the guide's targets.
    func boundTargets(for guide: Guide) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in targets {
            let (name, uri) = try Self.split(pair, flag: "--target")
            guard guide.targets.contains(where: { $0.name == name }) else {
                let known = guide.targets.map(\.name)
                let suggestion = Text.closest(to: name, in: known, maxDistance: 2).map { "; did you mean '\($0)'?" } ?? ""
                throw CLIError(
                    message:
                        "--target \(pair): the guide names no target '\(name)' (targets: \(known.joined(separator: ", ")))\(suggestion)"
                )
            }
            // `local` is this machine by definition: rebinding it would leave the guide's
            // unmarked steps running here while the command line said otherwise.
            if name == "local", uri != "local" {
                let named = guide.targets.map(\.name).filter { $0 != "local" }
                throw CLIError(
                    message: "--target \(pair): local is this machine, where unmarked steps run; "
                        + (named.isEmpty
                            ? "this guide names no other target, so its steps run here"
                            : "bind the targets the guide names instead (\(named.joined(separator: ", ")))"))
            }
            // The address is checked by the parser that will use it (IPv6 in brackets, port range).
            if uri != "local" {
                do {
                    _ = try SSHEndpoint.parse(uri)
                } catch {
                    guard case .badAddress(_, let why) = error else { throw CLIError(message: "--target \(pair): \(error)") }
                    // "expected ssh://…" already says what an address is.
                    throw CLIError(
                        message: "--target \(pair): \(why)"
                            + (why.hasPrefix("expected") ? " or local" : "; give ssh://[user@]host[:port] or local"))
                }
            }
            out[name] = uri
        }
        return out
    }

    /// The guide with `--choose` applied.
    func applyChoices(to guide: Guide) throws -> Guide {
        var selections: [String: String] = [:]
        for pair in choices {
            let (group, option) = try Self.split(pair, flag: "--choose")
            selections[group] = option
        }
        do {
            // A choice between systems goes to the system its steps run on, unless --choose
            // says otherwise; a --choose of one system decides later choices for that machine.
            return try guide.choosing(selections).choosingPlatform(.current)
        } catch {
            throw CLIError(message: error.description)
        }
    }
}

/// The branches a run took (its journal's `choices`), for the choice groups the guide still has.
func recordedChoices(_ run: RunRecord, in guide: Guide) -> [String: String] {
    var chosen: [String: String] = [:]
    for (group, option) in RunRecord.entries(run.choices) where guide.choices.contains(where: { $0.id == group }) {
        chosen[group] = option
    }
    return chosen
}
