/// What a step is, as the reader classified it.
public enum StepKind: String, Sendable, Codable, CaseIterable {
    /// Assignments evaluated as declarations, never run as a script.
    case variables
    /// A shell block that runs.
    case command
    /// A shell block that runs as an assertion on the step(s) it checks.
    case verification
    /// Config or code in another language; written or shown, not run.
    case artifact
    /// Something only a person can do.
    case manual
}

/// Whether a section is part of the main flow or runs only when selected.
public enum Flow: String, Sendable, Codable {
    /// Runs in a normal `exec`.
    case main
    /// Troubleshooting, rollback, teardown, …: planned, linted, rendered, run only when selected.
    case optional
}

/// A heading and the steps under it.
public struct Section: Sendable, Hashable, Codable {
    /// Index in `Guide.sections`.
    public var index: Int
    /// Unique slug, the first part of step ids.
    public var slug: String
    /// Leading number such as `3.2.1`, `Step 4`, `Phase 2`, `A`, when the heading has one.
    public var label: String?
    /// Heading text without the label.
    public var title: String
    /// Heading text as written.
    public var heading: String
    /// 1…6; 0 for the implicit root section before the first heading.
    public var level: Int
    /// Line of the heading.
    public var line: Int
    /// Index of the parent section.
    public var parent: Int?
    /// Main flow or optional.
    public var flow: Flow
    /// Why the section is optional (`rollback`, `troubleshooting`, …).
    public var role: String?

    /// Creates a section.
    public init(
        index: Int, slug: String, label: String?, title: String, heading: String, level: Int,
        line: Int, parent: Int?, flow: Flow, role: String?
    ) {
        self.index = index
        self.slug = slug
        self.label = label
        self.title = title
        self.heading = heading
        self.level = level
        self.line = line
        self.parent = parent
        self.flow = flow
        self.role = role
    }
}

/// An assertion attached to a step.
public enum Expectation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The step's exit status.
    case exitStatus(Int)
    /// The output contains this text (after binding `${NAME}`).
    case outputContains(String)
    /// The output matches this regular expression.
    case outputMatches(String)
    /// The HTTP status printed by the command is one of these.
    case httpStatus([Int])

    /// Human-readable form used by plans and checklists.
    public var description: String {
        switch self {
        case .exitStatus(let code): "exit status \(code)"
        case .outputContains(let text): "output contains \"\(text)\""
        case .outputMatches(let pattern): "output matches /\(pattern)/"
        case .httpStatus(let codes): "HTTP " + codes.map(String.init).joined(separator: " or ")
        }
    }
}

/// Where a step runs: a target name and, when a session switched it, the user.
public struct TargetRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `local` or a remote target's name.
    public var name: String
    /// The user a `sudo -iu` switched to, if any.
    public var user: String?
    /// How the reader decided: `default`, `prose`, `session`, `annotation`, `front-matter`.
    public var reason: String

    /// Creates a reference.
    public init(name: String, user: String? = nil, reason: String) {
        self.name = name
        self.user = user
        self.reason = reason
    }

    /// The local machine, by default.
    public static let local = TargetRef(name: "local", reason: "default")

    /// A person does it (manual steps): shown as "by a person", recorded on `local`.
    public static let person = TargetRef(name: "local", reason: "person")

    /// The shell a run keeps for this target: one per machine and user (`server`,
    /// `server@deploy`). Variables a step sets stay in its shell.
    public var shellKey: String { user.map { "\(name)@\($0)" } ?? name }

    /// `name`, `name (as user)`, or `a person` for manual steps.
    public var description: String {
        if reason == "person" { return "a person" }
        return user.map { "\(name) (as \($0))" } ?? name
    }
}

/// Traits of a step's commands that change how it runs.
public struct CommandTraits: Sendable, Hashable, Codable {
    /// Follows a log (`tail -f`, `journalctl -f`, `watch`, …): run for a window, then stop.
    public var follows: Bool = false
    /// Waits for a person (`nano`, `less`, bare `ssh`, `psql` without a command, …).
    public var interactive: Bool = false
    /// Starts a foreground server that never returns (`uvicorn`, `npm run dev`, …).
    public var foregroundServer: Bool = false
    /// The guide goes on while that server runs ("In another terminal:"): a run starts it in
    /// the background, as a person leaves it running in a terminal of its own.
    public var keptRunning: Bool = false
    /// Restarts the machine (`reboot`, `shutdown -r`, `systemctl reboot`): a run waits for a
    /// remote one to come back, and leaves this machine's to a person.
    public var reboots: Bool = false
    /// Starts a service that keeps running (`systemctl restart app`, `docker compose up -d`,
    /// `… &`): a check right after it may find it still starting.
    public var startsService: Bool = false
    /// Needs a new login on its machine before what follows ("Log out and log back in", so
    /// that `usermod -aG docker` takes effect; `newgrp docker`): a run logs in to a remote
    /// target again, and pauses for the person on this machine unless this login already has
    /// the user's groups.
    public var renewsLogin: Bool = false

    /// No traits.
    public init(
        follows: Bool = false, interactive: Bool = false, foregroundServer: Bool = false, keptRunning: Bool = false,
        reboots: Bool = false, startsService: Bool = false, renewsLogin: Bool = false
    ) {
        self.follows = follows
        self.interactive = interactive
        self.foregroundServer = foregroundServer
        self.keptRunning = keptRunning
        self.reboots = reboots
        self.startsService = startsService
        self.renewsLogin = renewsLogin
    }
}

/// One node of the step graph.
///
/// The fields sit behind one reference, copied on write: rules and renderers walk the steps
/// by value, and copying a step is then one retain instead of one per string and array.
public struct Step: Sendable, Hashable, Codable {
    /// The stored fields, each documented on the property of the same name below.
    private struct Fields: Sendable, Hashable, Codable {
        var number: Int
        var id: String
        var kind: StepKind
        var section: Int
        var location: SourceLocation
        var codeLine: Int
        var language: String
        var code: String
        var instructions: String?
        var target: TargetRef
        var runs: Bool
        var verifies: [String]
        var expectations: [Expectation]
        var choice: String?
        var option: String?
        var flow: Flow
        var annotations: [String: String]
        var traits: CommandTraits
        var opensSession: String?
        var condition: String? = nil
        var savedAs: String? = nil
    }

    /// The box holding the fields. Only a uniquely referenced box is written to (see
    /// `mutate`), so a box shared between copies is never mutated: that is what makes it
    /// safe to send.
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// Changes the fields in a box of this step's own (a copy of the box when it is shared).
    @inline(__always) private mutating func mutate(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        change(&storage.fields)
    }

    /// 1…N in document order.
    public var number: Int {
        get { storage.fields.number }
        set { mutate { $0.number = newValue } }
    }
    /// `<section-slug>/<n>` or the `name=` annotation.
    public var id: String {
        get { storage.fields.id }
        set { mutate { $0.id = newValue } }
    }
    /// What the reader classified it as.
    public var kind: StepKind {
        get { storage.fields.kind }
        set { mutate { $0.kind = newValue } }
    }
    /// Index of the innermost section above it.
    public var section: Int {
        get { storage.fields.section }
        set { mutate { $0.section = newValue } }
    }
    /// Where the block (or list item) starts.
    public var location: SourceLocation {
        get { storage.fields.location }
        set { mutate { $0.location = newValue } }
    }
    /// Line of the first line of `code` in the file.
    public var codeLine: Int {
        get { storage.fields.codeLine }
        set { mutate { $0.codeLine = newValue } }
    }
    /// Info string language (`bash`, `sql`, …), empty when unlabeled.
    public var language: String {
        get { storage.fields.language }
        set { mutate { $0.language = newValue } }
    }
    /// The text that runs or is shown.
    public var code: String {
        get { storage.fields.code }
        set { mutate { $0.code = newValue } }
    }
    /// For manual steps: the instructions a person reads.
    public var instructions: String? {
        get { storage.fields.instructions }
        set { mutate { $0.instructions = newValue } }
    }
    /// Where it runs.
    public var target: TargetRef {
        get { storage.fields.target }
        set { mutate { $0.target = newValue } }
    }
    /// Whether `exec` runs it (command and verification steps, and annotated artifacts).
    public var runs: Bool {
        get { storage.fields.runs }
        set { mutate { $0.runs = newValue } }
    }
    /// Ids of the steps a verification checks.
    public var verifies: [String] {
        get { storage.fields.verifies }
        set { mutate { $0.verifies = newValue } }
    }
    /// Assertions.
    public var expectations: [Expectation] {
        get { storage.fields.expectations }
        set { mutate { $0.expectations = newValue } }
    }
    /// Choice group id when the step is inside a branch.
    public var choice: String? {
        get { storage.fields.choice }
        set { mutate { $0.choice = newValue } }
    }
    /// Option id of that branch.
    public var option: String? {
        get { storage.fields.option }
        set { mutate { $0.option = newValue } }
    }
    /// Main flow or optional.
    public var flow: Flow {
        get { storage.fields.flow }
        set { mutate { $0.flow = newValue } }
    }
    /// Annotation keys and values, after merging section and block annotations.
    public var annotations: [String: String] {
        get { storage.fields.annotations }
        set { mutate { $0.annotations = newValue } }
    }
    /// Command traits inferred from the code.
    public var traits: CommandTraits {
        get { storage.fields.traits }
        set { mutate { $0.traits = newValue } }
    }
    /// A `session` this step's code opened (`ssh host`) — the target later steps inherit.
    public var opensSession: String? {
        get { storage.fields.opensSession }
        set { mutate { $0.opensSession = newValue } }
    }

    /// The condition the prose puts on it ("If the build fails"): such a step is optional,
    /// run only when asked for, since runbook cannot tell whether the condition holds.
    public var condition: String? {
        get { storage.fields.condition }
        set { mutate { $0.condition = newValue } }
    }

    /// Where the guide says to save a block it gives no `file=` ("Save this as `app.py`:"):
    /// the step is then a person's, since runbook does not guess where to write.
    public var savedAs: String? {
        get { storage.fields.savedAs }
        set { mutate { $0.savedAs = newValue } }
    }

    /// Creates a step.
    public init(
        number: Int, id: String, kind: StepKind, section: Int, location: SourceLocation,
        codeLine: Int, language: String, code: String, instructions: String? = nil,
        target: TargetRef, runs: Bool, verifies: [String] = [], expectations: [Expectation] = [],
        choice: String? = nil, option: String? = nil, flow: Flow = .main,
        annotations: [String: String] = [:], traits: CommandTraits = CommandTraits(),
        opensSession: String? = nil
    ) {
        storage = Storage(
            Fields(
                number: number, id: id, kind: kind, section: section, location: location, codeLine: codeLine,
                language: language, code: code, instructions: instructions, target: target, runs: runs,
                verifies: verifies, expectations: expectations, choice: choice, option: option, flow: flow,
                annotations: annotations, traits: traits, opensSession: opensSession))
    }

    public static func == (lhs: Step, rhs: Step) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// Decodes the fields as a struct of them would be: the JSON has one key per field.
    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }
}

/// A variable the guide declares.
public struct Variable: Sendable, Hashable, Codable {
    /// Shell name.
    public var name: String
    /// The default as written (unexpanded), nil when declared without one.
    public var defaultValue: String?
    /// Empty or placeholder default: must be bound before anything runs.
    public var required: Bool
    /// Default refers to other variables.
    public var derived: Bool
    /// Masked everywhere.
    public var secret: Bool
    /// Comment lines right above the assignment.
    public var description: String?
    /// Where it was declared.
    public var location: SourceLocation
    /// Where the declaration came from: `block`, `front-matter`, `annotation`, `table`.
    public var source: String

    /// Creates a declaration.
    public init(
        name: String, defaultValue: String?, required: Bool, derived: Bool, secret: Bool,
        description: String?, location: SourceLocation, source: String
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.required = required
        self.derived = derived
        self.secret = secret
        self.description = description
        self.location = location
        self.source = source
    }
}

/// One branch of a choice group.
public struct ChoiceOption: Sendable, Hashable, Codable {
    /// Short id used by `--choose GROUP=OPTION` (`A`, `rsync`, …).
    public var id: String
    /// The branch's title as written.
    public var title: String
    /// Marked recommended in the guide.
    public var recommended: Bool
    /// Where the branch starts.
    public var line: Int
    /// The operating systems the branch is for ("On Ubuntu/Debian:" → `ubuntu`, `debian`);
    /// empty for a branch that is not about one.
    public var platforms: [String]

    /// Creates an option.
    public init(id: String, title: String, recommended: Bool, line: Int, platforms: [String] = []) {
        self.id = id
        self.title = title
        self.recommended = recommended
        self.line = line
        self.platforms = platforms
    }
}

/// Sibling branches of which exactly one runs.
public struct ChoiceGroup: Sendable, Hashable, Codable {
    /// Group id used by `--choose`.
    public var id: String
    /// Branches in document order.
    public var options: [ChoiceOption]
    /// The option that runs.
    public var chosen: String
    /// Why it was chosen.
    public var reason: String
    /// Where the group starts.
    public var line: Int

    /// Creates a group.
    public init(id: String, options: [ChoiceOption], chosen: String, reason: String, line: Int) {
        self.id = id
        self.options = options
        self.chosen = chosen
        self.reason = reason
        self.line = line
    }
}

/// A machine steps run on, as the guide names it.
public struct TargetDecl: Sendable, Hashable, Codable {
    /// `local` or a remote name.
    public var name: String
    /// `ssh://user@host:port` when known, `local`, or nil when unbound.
    public var uri: String?
    /// Identity file from an `ssh -i` line or binding.
    public var identity: String?
    /// The jump hosts an `ssh -J` line goes through (`ops@bastion`, comma-separated hops).
    public var jump: String?
    /// The command an `ssh -o ProxyCommand=…` line reaches the host through (`%h`, `%p` kept).
    public var proxyCommand: String?
    /// Hosts the target is bound to (several for an inventory group).
    public var hosts: [String]
    /// Where the name first appears.
    public var line: Int
    /// How it became known or bound: `builtin`, `ssh-line`, `prose`, `front-matter`,
    /// `annotation`; `--target`, `inventory`, `ssh-config` once a command line binds it.
    public var source: String

    /// Creates a target declaration.
    public init(
        name: String, uri: String?, identity: String? = nil, jump: String? = nil, hosts: [String], line: Int,
        source: String
    ) {
        self.name = name
        self.uri = uri
        self.identity = identity
        self.jump = jump
        self.hosts = hosts
        self.line = line
        self.source = source
    }
}

/// A name and a value, in the order the guide wrote them.
public struct NamedValue: Sendable, Hashable, Codable {
    /// Variable name.
    public var name: String
    /// Its value as written.
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Document-level settings from front matter.
public struct GuideSettings: Sendable, Hashable, Codable {
    /// Target name → URI.
    public var targets: [String: String] = [:]
    /// Target for steps before any session.
    public var defaultTarget: String?
    /// Shell program (default bash).
    public var shell: String?
    /// Names always treated as secret.
    public var secrets: [String] = []
    /// Variable defaults, in order.
    public var vars: [NamedValue] = []
    /// Inventory file.
    public var inventory: String?

    /// Empty settings.
    public init() {}
}

/// A guide read into a typed step graph.
public struct Guide: Sendable, Hashable, Codable {
    /// The path as the user gave it.
    public var path: String
    /// First H1, or the file name.
    public var title: String
    /// Sections in document order; index 0 is the implicit root.
    public var sections: [Section]
    /// Steps in document order.
    public var steps: [Step]
    /// Declarations in document order.
    public var variables: [Variable]
    /// Choice groups in document order.
    public var choices: [ChoiceGroup]
    /// Targets the guide names, `local` first.
    public var targets: [TargetDecl]
    /// Front matter settings.
    public var settings: GuideSettings
    /// Problems found while reading.
    public var diagnostics: [Diagnostic]

    /// Creates a guide.
    public init(
        path: String, title: String, sections: [Section], steps: [Step], variables: [Variable],
        choices: [ChoiceGroup], targets: [TargetDecl], settings: GuideSettings,
        diagnostics: [Diagnostic]
    ) {
        self.path = path
        self.title = title
        self.sections = sections
        self.steps = steps
        self.variables = variables
        self.choices = choices
        self.targets = targets
        self.settings = settings
        self.diagnostics = diagnostics
    }

    /// The step with this display number or id.
    public func step(named reference: String) -> Step? {
        if let number = Int(reference) { return steps.first { $0.number == number } }
        return steps.first { $0.id == reference }
    }
}
