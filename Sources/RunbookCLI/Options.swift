import ArgumentParser
import Foundation
import RunbookGuide
import RunbookMarkdown
import RunbookModel

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
            throw CLIError(message: "\(self.guide): \(errors.count) error\(errors.count == 1 ? "" : "s") in the guide; fix them and try again")
        }
        return guide
    }
}

/// `--vars`, `--set`, `--target`, `--choose`: what the user binds.
struct BindingOptions: ParsableArguments {
    @Option(name: .customLong("vars"), help: ArgumentHelp("A dotenv file of values (repeatable; later files win).", valueName: "file"))
    var varsFiles: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Bind one variable; wins over --vars.", valueName: "name=value"))
    var sets: [String] = []

    @Option(name: .customLong("target"), help: ArgumentHelp("Bind a target: NAME=ssh://user@host[:port] or NAME=local.", valueName: "name=uri"))
    var targets: [String] = []

    @Option(name: .customLong("choose"), help: ArgumentHelp("Pick a branch of a choice group.", valueName: "group=option"))
    var choices: [String] = []

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

    /// `--target` bindings, checked against the guide's targets.
    func boundTargets(for guide: Guide) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in targets {
            let (name, uri) = try Self.split(pair, flag: "--target")
            guard guide.targets.contains(where: { $0.name == name }) else {
                let known = guide.targets.map(\.name)
                let suggestion = Text.closest(to: name, in: known, maxDistance: 2).map { "; did you mean '\($0)'?" } ?? ""
                throw CLIError(message: "--target \(pair): the guide names no target '\(name)' (targets: \(known.joined(separator: ", ")))\(suggestion)")
            }
            guard uri == "local" || Text.matches(#"^ssh://([^@/\s]+@)?[^@:/\s]+(:[0-9]{1,5})?/?$"#, uri) else {
                throw CLIError(message: "--target \(pair): expected ssh://[user@]host[:port] or local")
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
            return try guide.choosing(selections)
        } catch {
            throw CLIError(message: error.description)
        }
    }
}
