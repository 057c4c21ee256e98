import Foundation
import RunbookMarkdown
import RunbookModel

/// Reads a Markdown guide, unannotated or annotated, into a typed step graph.
public enum GuideReader {
    /// Reads the file at `path`. Throws `SourceError` for a missing, unreadable or binary file;
    /// problems inside the guide are returned as `Guide.diagnostics`.
    public static func read(path: String) throws -> Guide {
        read(source: try GuideSource.load(path: path))
    }

    /// Reads already-decoded text.
    public static func read(markdown: String, path: String) throws -> Guide {
        read(source: try GuideSource(bytes: Array(markdown.utf8), path: path))
    }

    /// Reads a decoded source.
    public static func read(source: GuideSource) -> Guide {
        var reader = Reader(path: source.path, markdown: source.markdown)
        reader.diagnostics = source.diagnostics
        if let yaml = source.frontMatter {
            reader.settings = FrontMatter.read(
                yaml, path: source.path, line: source.frontMatterLine, diagnostics: &reader.diagnostics)
        }
        let document = MarkdownParser.parse(source.markdown)
        reader.start()
        reader.walk(document.children)
        return reader.finish()
    }
}

/// What the previous block in reading order was; lead-in prose is the paragraph right before a block.
/// A shell in a container or VM that a bare line opened (`docker exec -it db bash`).
struct ShellInside {
    /// The line that opens it.
    var entry: String
    /// "the container db".
    var place: String
    /// The line's own step, kept for when nothing is typed in the shell after it.
    var alone: Step
    /// How many steps there were when it was opened.
    var stepsBefore: Int
}

private enum PreviousBlock {
    case none
    case paragraph(String, node: MarkdownNode)
    case code(stepIndex: Int?)
    case annotation(Annotation)
    case other
}

/// A branch a step belongs to while it is being read.
private struct Branch {
    var group: String
    var option: String
}

/// Raw choice group as read, before it is known whether any step is in it.
private struct RawGroup {
    var id: String
    var options: [ChoiceOption]
    var line: Int
    /// The option a set of tabs shows first when the markup says (`===+`, `default`).
    var shownFirst: String? = nil
}

/// What a section's own body (up to the next heading) held, for manual-step inference.
private struct SectionBody {
    var section: Int
    var hasCode = false
    var producedSteps = false
    var blocks: [MarkdownNode] = []
    var imperative = false
    /// `describesNext`: introduced by an instruction that the next block may simply carry out.
    /// `instructions`: the part of the nodes' text that is the person's (else all of it).
    var candidates: [(insertAt: Int, nodes: [MarkdownNode], blockCount: Int, describesNext: Bool, instructions: String?)] = []
}

private struct Reader {
    let path: String
    var settings = GuideSettings()
    var diagnostics: [Diagnostic] = []
    var sections: [Section] = []
    var stack: [Int] = []
    var steps: [Step] = []
    var variables: [Variable] = []
    var declared: Set<String> = []
    /// Variables a table lists ("| Variable | Description |"), declared at the end if the steps
    /// need them.
    var tableVariables: [VariableTable.Row] = []
    var secretNames: Set<String> = []
    var targets: [TargetDecl] = []
    var hostTargets: [String: String] = [:]
    /// The machines a lead-in to their `ssh` line named by job ("SSH into the manager:"),
    /// job to target: "On the manager:" is then that machine (`mgr1`).
    var loginJobs: [String: String] = [:]
    var session: TargetRef?
    /// An `exit` left the last session: blocks after it are on this machine because the guide
    /// said so by that line, not by default.
    var sessionLeft = false
    /// The session "Back on your laptop, …:" left: "the server" still names its machine.
    var cameBackFrom: TargetRef?
    /// Where the guide says, before its first step, that everything runs ("Run everything as
    /// a sudo user on the server unless noted."): the machine of every block that says nothing.
    var statedDefault: TargetRef?
    /// The guide's title: the section of its first level-1 heading, which says what the guide
    /// is about (its words name no flow role and no machine).
    var titleSection: Int?
    var sessionStack: [TargetRef?] = []
    /// A shell in a container or VM a bare line opened (`docker exec -it db bash`), until its
    /// `exit`: what is typed there is the person's to do, where runbook has no shell.
    var insideShell: ShellInside?
    var previous: PreviousBlock = .none
    /// The foreground server the last code block started, until the next code block: prose
    /// after it may say it stays up ("In another terminal:").
    var serverStep: Int?
    /// The step the last code block opened a file in an editor with, and the file: the block
    /// after it is what to put in the file.
    var editorStep: (index: Int, file: String)?
    /// The step the last code block opened a database client's prompt with (`sudo -u postgres
    /// psql`), the program, and the command line that feeds it a block instead.
    var clientStep: (index: Int, program: String, runner: String)?
    /// The step the last code block opened a client's prompt with that asks for a password
    /// first (`sudo mysql -u root -p`), the program, and whether nothing was typed at it yet:
    /// what is typed there is the person's, who gives the password.
    var personClient: (index: Int, program: String, opened: Bool)?
    /// The files a person was told to save on a machine the guide names ("On your laptop,
    /// create `~/wg0.conf`:"), and that machine: a block after it that names the file, with no
    /// place of its own, runs where the file is, whatever session is open.
    var savedFiles: [(path: String, target: TargetRef)] = []
    /// The assignments of variables blocks in sections off the main flow (a rollback's
    /// `export VERSION=v1.4.1`), with their blocks' first code lines.
    var offFlowDeclarations: [(assignments: [Assignment], codeLine: Int)] = []
    var sectionAnnotations: [Int: Annotation] = [:]
    /// "If …, go to **Mitigation A**.": the section each such sentence is in, its condition and
    /// where it sends the reader (`markConditionalBranches`).
    var conditionalJumps: [(section: Int, condition: String, destination: String)] = []
    /// The sections whose headings put a condition on them ("Revoking (only if the key
    /// leaked)"), and the condition.
    var headingConditions: [Int: String] = [:]
    /// Prose after a block that says its command asks the person ("Certbot asks whether …"):
    /// it is about that block, not a lead-in to the next.
    var askedOfTheBlockBefore: MarkdownNode?
    var expectFor: Int?
    /// "You should see something like:" right after a block: the block after it is output only
    /// like what that block's step prints, shown to the reader, neither a step nor expected.
    var outputLikeOf: Int?
    /// The step whose output the paragraph just read said ("You should see `ready`."): a
    /// paragraph after it may say to stop it ("Press Ctrl+C to stop it.").
    var shownBy: Int?
    var branch: Branch?
    var paragraphBranch: Branch?
    /// "Or export them:" right after a block: the step that block made last, the lead-in's
    /// line, and what it calls its way. The block the lead-in introduces is then the other
    /// option of a choice with it.
    var alternativeLeadIn: (step: Int, line: Int, title: String)?
    var groups: [RawGroup] = []
    var groupIds: Set<String> = []
    var body: SectionBody
    /// The text libcmark parsed (front matter blanked, lines as the file's): the few things
    /// the tree does not keep as written (a table's rows) are read from it.
    let markdown: String
    /// `markdown`'s lines, split when first needed (an MkDocs tab's body is read from them).
    var markdownLines: [Substring]?
    /// How many blocks whose bodies are parsed again (MkDocs blocks, MyST directives) the
    /// reader is inside.
    var reparseDepth = 0
    var usedSlugs: Set<String> = []
    var listDepth = 0
    /// The first paragraph of each list item the reader is inside, outermost first: "Copy the
    /// key to the server" says where the blocks in its item run. What it says is read once,
    /// when a block in the item first asks.
    var enclosingItems: [(text: String, place: StatedPlace?)] = []
    /// What each heading says about where its blocks run, read once per heading, by section
    /// index (an array: every block asks of each heading above it, and a dictionary's hashing
    /// cost more than the answer).
    var headingPlaces: [StatedPlace?] = []
    /// A place label said under a heading before its first block ("> **Where to run:** the
    /// web VM"), by section index: it names the place of the section's blocks as its heading
    /// would, before the heading.
    var sectionLabels: [Int: StatedPlace] = [:]
    /// Whether each heading opens verification or names it as its subject, read once per
    /// heading, by section index.
    var headingVerifies: [(opens: Bool, subject: Bool)?] = []
    /// The systems a step's lead-in says its block is for ("On macOS:"), by step index.
    var systemLeadIns: [Int: (id: String, platforms: [String], title: String, line: Int)] = [:]
    /// Where each `<details>` element the reader is inside opened (line numbers, innermost
    /// last): what a guide folds away is not its main path ("Optional: clean old images", "If
    /// you use Ubuntu 20.04").
    var openDetails: [SourceLocation] = []

    init(path: String, markdown: String = "") {
        self.path = path
        self.markdown = markdown
        self.body = SectionBody(section: 0)
    }

    func location(_ line: Int, _ column: Int = 1) -> SourceLocation {
        SourceLocation(file: path, line: line, column: column)
    }

    var currentSection: Int { stack.last ?? 0 }

    // MARK: - Start and finish

    mutating func start() {
        // The file's name, after its last `/`. A path that ends in `/`, or is empty, goes to
        // Foundation's lastPathComponent, which normalises its slashes first (about fifteen
        // thousand instructions a call, for every guide).
        let name =
            path.utf8.last.map { $0 != UInt8(ascii: "/") } == true
            ? ShellText.fileName(path) : (path as NSString).lastPathComponent
        sections.append(
            Section(
                index: 0, slug: "top", label: nil, title: name, heading: "", level: 0, line: 1,
                parent: nil, flow: .main, role: nil))
        // Room for a long guide's headings: the set is not rehashed as it grows.
        usedSlugs.reserveCapacity(64)
        usedSlugs.insert("top")
        stack = [0]
        targets.append(TargetDecl(name: "local", uri: "local", hosts: ["localhost"], line: 0, source: "builtin"))
        for (name, uri) in settings.targets.sorted(by: { $0.key < $1.key }) where name != "local" {
            targets.append(
                TargetDecl(name: name, uri: uri, hosts: [hostOf(uri)], line: 1, source: "front-matter"))
        }
        for name in settings.secrets { secretNames.insert(name) }
        for pair in settings.vars {
            declare(
                name: pair.name, value: pair.value, description: nil, line: 1, source: "front-matter")
        }
    }

    func hostOf(_ uri: String) -> String {
        var rest = uri.hasPrefix("ssh://") ? String(uri.dropFirst(6)) : uri
        if let at = rest.lastIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") { rest = String(rest[..<colon]) }
        return rest
    }

    mutating func finish() -> Guide {
        closeBody()
        leaveShellInside()
        warnOfUnclosedDetails()
        markTrailingRemovals()
        applyHeadingConditions()
        markConditionalBranches()
        declareTableVariables()
        declareAddressVariables()
        declareOffFlowVariables()
        assignChoicesFromHeadings()
        assignChoicesFromSystems()
        var choices: [ChoiceGroup] = []
        let chosenIn = Set(steps.compactMap(\.choice))
        for group in groups.sorted(by: { $0.line < $1.line }) {
            guard chosenIn.contains(group.id) else { continue }
            let recommended = group.options.first { $0.recommended }
            let shownFirst = group.options.first { $0.id == group.shownFirst }
            let chosen = recommended ?? shownFirst ?? group.options[0]
            let reason =
                recommended != nil
                ? "marked recommended in the guide"
                : shownFirst != nil ? "the tab the guide shows first" : "first option (none is marked recommended)"
            choices.append(
                ChoiceGroup(id: group.id, options: group.options, chosen: chosen.id, reason: reason, line: group.line))
        }
        // Numbers and ids.
        var perSection: [Int: Int] = [:]
        var ids: Set<String> = []
        ids.reserveCapacity(steps.count)
        for i in steps.indices {
            steps[i].number = i + 1
            perSection[steps[i].section, default: 0] += 1
            let fallback = "\(sections[steps[i].section].slug)/\(perSection[steps[i].section]!)"
            var id = steps[i].annotations["name"] ?? fallback
            if !ids.insert(id).inserted {
                diagnostics.append(
                    Diagnostic(
                        rule: "bad-annotation", severity: .error, location: steps[i].location,
                        message: "step name '\(id)' is used twice; names must be unique"))
                id = fallback
                ids.insert(id)
            }
            steps[i].id = id
        }
        linkVerifications()
        expectBoundValues()
        checkNeeds(ids: ids)
        // A machine a heading or sentence named that no step ended up on is not one to bind:
        // "On the droplet:" over `ssh root@$DROPLET_IP` means the machine the ssh line names.
        let used = Set(steps.map(\.target.name))
        targets.removeAll { ($0.source == "heading" || $0.source == "prose") && !used.contains($0.name) }
        var guide = Guide(
            path: path, title: title(), sections: sections, steps: steps, variables: variables,
            choices: choices, targets: targets, settings: settings, diagnostics: diagnostics)
        // The guide's steps are the only copy now (the reader is done), so setting each one's
        // `runs` below writes in place instead of copying every step.
        steps = []
        for name in secretNames {
            if let i = guide.variables.firstIndex(where: { $0.name == name }) { guide.variables[i].secret = true }
        }
        guide.applyRunnability()
        return guide
    }

    /// A variable a table lists is declared, where the table lists it, when the steps (or the
    /// programs they run, as `ProgramEnvironment` knows) read it and none assigns it: it is
    /// then a value the guide expects from outside, like an `export` block's. Names a table
    /// lists for other reasons (an app's settings) stay out, and a block's declaration, with
    /// its default, wins.
    mutating func declareTableVariables() {
        for row in tableVariables where !declared.contains(row.name) {
            var reads = false
            var assigns = false
            // A rollback's variables block assigns only when the rollback runs.
            for step in steps where step.kind != .manual && !(step.kind == .variables && step.flow == .optional) {
                let uses = ShellText.uses(of: row.name, in: step.code)
                reads = reads || uses.reads
                assigns = assigns || uses.assigns
            }
            // `AWS_PROFILE` is read by the programs the steps run, not by the steps' text.
            guard reads || ProgramEnvironment.reads(row.name), !assigns else { continue }
            declareInFileOrder(name: row.name, value: row.value, description: row.description, line: row.line, source: "table")
        }
    }

    /// Sections at the guide's end that remove what it made ("Uninstall", "Removing the
    /// runner", "Delete the cluster", and what they hold) are teardown, off the main flow: a
    /// run would undo the deploy right after it. Only at the end: "Uninstall old versions"
    /// opens Docker's install guide and "Delete the default site" is nginx setup. Sections
    /// with no steps (closing notes) may come after them.
    ///
    /// So are the sections at the end of a guide that sets something up which upgrade it later
    /// ("Upgrading", "Updates"; role `upgrade`): a first deploy ran Plausible's "Upgrading"
    /// (`git checkout v2.1.2`) right after installing v2.1.1. Not in a guide whose title
    /// speaks of upgrading, where that is the work.
    mutating func markTrailingRemovals() {
        var marked: [(index: Int, role: String)] = []
        let upgradeGuide = titleSection.map { Patterns.upgradesIt(sections[$0].title) } ?? false
        var index = sections.count - 1
        while index > 0 {
            var role: String?
            var ancestor: Int? = index
            while let a = ancestor, a > 0, role == nil {
                role =
                    Patterns.removesWhatItMade(sections[a].title)
                    ? "teardown" : !upgradeGuide && Patterns.upgradesLater(sections[a].title) ? "upgrade" : nil
                ancestor = sections[a].parent
            }
            if let role {
                if sections[index].flow == .main { marked.append((index, role)) }
            } else if sections[index].flow == .main, steps.contains(where: { $0.section == index }) {
                break
            }
            index -= 1
        }
        guard !marked.isEmpty else { return }
        for (index, role) in marked {
            sections[index].flow = .optional
            sections[index].role = role
        }
        let removed = Set(marked.map(\.index))
        for i in steps.indices where removed.contains(steps[i].section) { steps[i].flow = .optional }
    }

    /// "If `active` is `f` and `retained` is large, go to **Mitigation A**. If the logs
    /// directory is the largest, go to **Mitigation B**.": later sections that one part of the
    /// guide sends the reader to, two or more, each under its own condition, are branches only
    /// one of which applies. runbook cannot tell which, so each is off the main flow (role
    /// `conditional`) and its steps carry their condition: a run leaves them to `--section`,
    /// where before it dropped the replication slot and compressed the logs, both, every time.
    /// Only sibling sections side by side, none of them a numbered step: "If you have a
    /// cluster, go to Step 4." passes over what lies between, which is no branch.
    mutating func markConditionalBranches() {
        guard conditionalJumps.count >= 2 else { return }
        for origin in Set(conditionalJumps.map(\.section)).sorted() {
            var branches: [(index: Int, condition: String)] = []
            for jump in conditionalJumps where jump.section == origin {
                guard
                    let index = sections.indices.first(where: {
                        $0 > origin && sections[$0].label == nil && Self.heading(sections[$0].heading, isCalled: jump.destination)
                    }), !branches.contains(where: { $0.index == index })
                else { continue }
                branches.append((index, jump.condition))
            }
            guard branches.count >= 2 else { continue }
            branches.sort { $0.index < $1.index }
            let parent = sections[branches[0].index].parent
            let between = sections.indices.filter {
                $0 > branches[0].index && $0 < branches[branches.count - 1].index && sections[$0].parent == parent
            }
            guard branches.allSatisfy({ sections[$0.index].parent == parent }),
                between.allSatisfy({ index in branches.contains { $0.index == index } })
            else { continue }
            for branch in branches where sections[branch.index].flow == .main {
                var held = [branch.index]
                var next = branch.index + 1
                while next < sections.count, sections[next].level > sections[branch.index].level {
                    held.append(next)
                    next += 1
                }
                for index in held where sections[index].flow == .main {
                    sections[index].flow = .optional
                    sections[index].role = "conditional"
                }
                for i in steps.indices where held.contains(steps[i].section) {
                    steps[i].flow = .optional
                    if steps[i].condition == nil, steps[i].kind == .command || steps[i].kind == .verification {
                        steps[i].condition = branch.condition
                    }
                }
            }
        }
    }

    /// The steps under a heading that puts a condition on its section ("Revoking (only if the
    /// key leaked)", read in `openSection`), however deep, carry that condition.
    mutating func applyHeadingConditions() {
        guard !headingConditions.isEmpty else { return }
        for i in steps.indices where steps[i].condition == nil && (steps[i].kind == .command || steps[i].kind == .verification) {
            var section: Int? = steps[i].section
            while let s = section, headingConditions[s] == nil { section = sections[s].parent }
            if let s = section { steps[i].condition = headingConditions[s] }
        }
    }

    /// Whether a heading is what a sentence calls it: "Mitigation A" is "Mitigation A: drop
    /// an abandoned replication slot"; "the Rollback section" is "Rollback".
    static func heading(_ heading: String, isCalled name: String) -> Bool {
        var name = name.lowercased()
        if name.hasPrefix("the ") { name.removeFirst(4) }
        for suffix in [" section", " below", " above"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        let heading = heading.lowercased()
        guard !name.isEmpty, heading.hasPrefix(name) else { return false }
        let rest = heading.dropFirst(name.count)
        return rest.isEmpty || rest.hasPrefix(":") || rest.hasPrefix(" (") || rest.hasPrefix(" -") || rest.hasPrefix(" —")
    }

    /// The variables blocks off the main flow declare what nothing else declares (a table, a
    /// main-flow block, an `ssh` line), in file order. A name the main flow reads is declared
    /// without the value: a deploy that reads `$VERSION` must not take the rollback's
    /// `v1.4.1` for its own, so preflight asks for it.
    mutating func declareOffFlowVariables() {
        for (assignments, codeLine) in offFlowDeclarations {
            for a in assignments where !declared.contains(a.name) {
                let readByMainFlow = steps.contains {
                    $0.flow == .main && $0.kind != .manual && $0.kind != .variables
                        && ShellText.uses(of: a.name, in: $0.code).reads
                }
                declareInFileOrder(
                    name: a.name, value: readByMainFlow ? "" : a.value, description: a.comment, line: codeLine + a.line,
                    source: "block", literal: a.literal)
            }
        }
    }

    /// A name an `ssh` line's address reads (`ssh ops@$NODE`) that nothing declares and no
    /// step assigns is a value the guide expects from outside, as a table's is: declared,
    /// required, where the `ssh` line is, so preflight asks for it instead of connecting to
    /// an empty host.
    mutating func declareAddressVariables() {
        for target in targets where target.source == "ssh-line" {
            let address = [target.uri, target.jump, target.proxyCommand].compactMap { $0 }.joined(separator: " ")
            guard address.utf8.contains(UInt8(ascii: "$")) else { continue }
            for name in ShellText.referencedNames(in: address).sorted() where !declared.contains(name) {
                let assigned = steps.contains { $0.kind != .manual && ShellText.uses(of: name, in: $0.code).assigns }
                guard !assigned else { continue }
                declareInFileOrder(
                    name: name, value: "", description: "the address of \(target.name), from its ssh line", line: target.line,
                    source: "ssh-line")
            }
        }
    }

    /// A `<details>` never closed folds the rest of the guide, as GitHub renders it: likely a
    /// slip, and the steps after it would leave the main path unnoticed.
    mutating func warnOfUnclosedDetails() {
        guard let opened = openDetails.first else { return }
        let folded = steps.count { $0.location.line > opened.line }
        guard folded > 0 else { return }
        diagnostics.append(
            Diagnostic(
                rule: ReaderFinding.unclosedDetails, severity: .warning, location: opened,
                message:
                    "<details> is never closed, so the \(folded) step\(folded == 1 ? "" : "s") after it \(folded == 1 ? "is" : "are") folded: optional, run only with --only or --section",
                fix: "close it with </details> where the folded part ends"))
    }

    func title() -> String {
        titleSection.map { sections[$0].heading } ?? sections[0].title
    }

    mutating func linkVerifications() {
        for i in steps.indices where steps[i].kind == .verification && steps[i].verifies.isEmpty {
            var checked: [String] = []
            var j = i - 1
            while j >= 0, steps[j].section == steps[i].section, steps[j].kind != .verification {
                if steps[j].kind == .command { checked.insert(steps[j].id, at: 0) }
                j -= 1
            }
            // The section's last manual step before it: sections are numbered in document order,
            // so a step of an earlier section means this one has not begun yet.
            if checked.isEmpty {
                var k = i - 1
                while k >= 0, steps[k].section >= steps[i].section {
                    if steps[k].section == steps[i].section && steps[k].kind == .manual {
                        checked = [steps[k].id]
                        break
                    }
                    k -= 1
                }
            }
            if checked.isEmpty, let k = steps[..<i].lastIndex(where: { $0.kind == .command && $0.flow == steps[i].flow }) {
                if let group = steps[k].choice {
                    // After a choice, the check applies to whichever branch ran: the last
                    // command of each branch.
                    var lastOfOption: [String: String] = [:]
                    var order: [String] = []
                    for step in steps[..<i] where step.choice == group && step.kind == .command {
                        if lastOfOption[step.option ?? ""] == nil { order.append(step.option ?? "") }
                        lastOfOption[step.option ?? ""] = step.id
                    }
                    checked = order.compactMap { lastOfOption[$0] }
                } else {
                    checked = [steps[k].id]
                }
            }
            steps[i].verifies = checked
        }
    }

    mutating func checkNeeds(ids: Set<String>) {
        for step in steps {
            guard let needs = step.annotations["needs"] else { continue }
            for need in needs.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            where !ids.contains(need) && Int(need).map({ $0 < 1 || $0 > steps.count }) ?? true {
                let suggestion = Text.closest(to: need, in: Array(ids)) ?? ""
                diagnostics.append(
                    Diagnostic(
                        rule: "bad-annotation", severity: .error, location: step.location,
                        message: "needs names unknown step '\(need)'; did you mean '\(suggestion)'?",
                        fix: suggestion))
            }
        }
    }

    // MARK: - Walking

    mutating func walk(_ nodes: [MarkdownNode]) {
        var index = 0
        // Once a set of tabs or a colon container is never closed, none after it in this list
        // is looked for: a file of unclosed ones is not searched to its end from each.
        var closesLeft = (tabs: true, containers: true)
        while index < nodes.count {
            if let next = siteMarkup(nodes, at: index, closesLeft: &closesLeft) {
                index = next
                continue
            }
            let node = nodes[index]
            index += 1
            switch node.kind {
            case .heading(let level):
                openSection(node, level: level)
            case .paragraph:
                paragraph(node)
            case .codeBlock(let info, _):
                codeBlock(node, info: info)
            case .htmlBlock:
                html(node)
            case .list:
                list(node)
            case .blockQuote:
                walk(node.children)
            case .thematicBreak:
                paragraphBranch = nil
                previous = .other
            default:
                walk(node.children)
            }
        }
    }

    /// Documentation sites' markup at `nodes[start]` (tabs, admonitions, colon containers,
    /// MyST directives, Jekyll's highlight tags, `<pre>`), read as what it stands for. Returns
    /// the index of the first node after it; nil when `nodes[start]` is none of them.
    /// `closesLeft` says whether a set of tabs or a container may still close in `nodes`.
    mutating func siteMarkup(_ nodes: [MarkdownNode], at start: Int, closesLeft: inout (tabs: Bool, containers: Bool))
        -> Int?
    {
        let node = nodes[start]
        switch node.kind {
        case .paragraph:
            // Each syntax opens with its own byte: most paragraphs open with none of them.
            guard let lead = node.leadingTextByte,
                lead == UInt8(ascii: "=") || lead == UInt8(ascii: "!") || lead == UInt8(ascii: "?")
                    || lead == UInt8(ascii: "{") || lead == UInt8(ascii: ":") || lead == UInt8(ascii: "/")
            else { return nil }
            if MkDocsBlock.mayOpen(node), let next = mkDocsBlocks(nodes, from: start) { return next }
            if LiquidHighlight.mayOpen(node), let block = liquidHighlight(node), case .codeBlock(let info, _) = block.kind {
                codeBlock(block, info: info)
                // The paragraphs CommonMark read it as, up to its closing tag.
                return nodes.firstIndex(from: start + 1, after: block.range.endLine)
            }
            if closesLeft.containers, ColonContainer.mayBe(node), let container = ColonContainer.read(nodes, from: start) {
                guard let container else {
                    closesLeft.containers = false
                    return nil
                }
                switch container.kind {
                case .other, .tabItem:
                    // Read as it stands: an aside, or a tab outside a set.
                    return nil
                case .tab:
                    return slashTabs(nodes, from: start)
                case .codeGroup, .details, .tabSet:
                    readContainer(container.kind, body: container.body, opening: node)
                    return container.next
                }
            }
        case .codeBlock(let info, _):
            guard let directive = MySTDirective(info: info), !directive.isCode else { return nil }
            readDirective(directive, node)
            return start + 1
        case .htmlBlock:
            guard node.literal.utf8.first == UInt8(ascii: "<") else { return nil }
            if HTMLPre.mayBe(node), let block = HTMLPre.block(node), case .codeBlock(let info, _) = block.kind {
                codeBlock(block, info: info)
                return start + 1
            }
        default:
            return nil
        }
        // Tabs as tags (Docusaurus) or shortcodes (Hugo, GitBook): HTML blocks or paragraphs.
        guard closesLeft.tabs, TabMarkup.mayHold(node), let set = TabMarkup.read(nodes, from: start) else { return nil }
        guard let set else {
            closesLeft.tabs = false
            return nil
        }
        readTabs(set.tabs, line: node.range.startLine)
        return set.next
    }

    /// MkDocs tabs and admonitions from `nodes[start]`: a set of tabs is a choice; an
    /// admonition's body is read where it is (a folded one, `???`, as `<details>` is). Returns
    /// the index of the first node after them; nil when `nodes[start]` opens none.
    mutating func mkDocsBlocks(_ nodes: [MarkdownNode], from start: Int) -> Int? {
        // Each level parses its body again: a hostile file of a thousand nested tabs is read
        // as indented code past a depth no guide needs.
        guard reparseDepth < ContentTab.maximumDepth else { return nil }
        let lines = fileLines()
        guard let first = MkDocsBlock(nodes[start], lines: lines) else { return nil }
        reparseDepth += 1
        defer { reparseDepth -= 1 }
        /// The index of the first node after `block`'s body, which CommonMark read as nodes
        /// of their own.
        func after(_ block: MkDocsBlock, from index: Int) -> Int { nodes.firstIndex(from: index + 1, after: block.lastLine) }
        guard case .tab = first.kind else {
            if first.kind == .admonition(folded: true) {
                walkFolded(first.body, openedAt: first.line, column: nodes[start].range.startColumn)
            } else {
                previous = .other
                walk(first.body)
            }
            return after(first, from: start)
        }
        var set = [first]
        var next = after(first, from: start)
        while next < nodes.count, MkDocsBlock.mayOpen(nodes[next]), let tab = MkDocsBlock(nodes[next], lines: lines),
            case .tab(newSet: false, _) = tab.kind
        {
            set.append(tab)
            next = after(tab, from: next)
        }
        readTabs(
            set.map { ContentTab(id: nil, title: $0.title, shownFirst: $0.shownFirst, line: $0.line, body: $0.body) },
            line: first.line)
        return next
    }

    /// A MyST directive that is not code: an admonition's body is read where it stands, a
    /// dropdown's folded, a tab set's tabs are a choice; anything else (a diagram, a table of
    /// contents) holds nothing to run.
    mutating func readDirective(_ directive: MySTDirective, _ node: MarkdownNode) {
        previous = .other
        guard MySTDirective.markdownNames.contains(directive.name), reparseDepth < ContentTab.maximumDepth else { return }
        reparseDepth += 1
        defer { reparseDepth -= 1 }
        let body = MySTDirective.body(of: node)
        switch directive.name {
        case "tab-set":
            let tabs = body.compactMap { child -> ContentTab? in
                guard case .codeBlock(let info, _) = child.kind, let item = MySTDirective(info: info), item.name == "tab-item"
                else { return nil }
                return ContentTab(
                    id: nil, title: item.argument, shownFirst: MySTDirective.options(child.literal).contains("selected"),
                    line: child.range.startLine, body: MySTDirective.body(of: child))
            }
            readTabs(tabs, line: node.range.startLine)
        case "dropdown":
            walkFolded(body, openedAt: node.range.startLine, column: node.range.startColumn)
        default:
            walk(body)
        }
    }

    /// pymdownx's tabs from `nodes[start]`: `/// tab | Title` blocks one after another are a
    /// set (`new: true` starts another). Returns the index after the last.
    mutating func slashTabs(_ nodes: [MarkdownNode], from start: Int) -> Int {
        var tabs: [ContentTab] = []
        var next = start
        while next < nodes.count, let open = ColonContainer.opening(nodes[next]),
            case .tab(let newSet, let selected) = open.kind, tabs.isEmpty || !newSet,
            let block = ColonContainer.read(nodes, from: next) ?? nil
        {
            tabs.append(
                ContentTab(
                    id: nil, title: open.argument, shownFirst: selected, line: nodes[next].range.startLine, body: block.body))
            next = block.next
        }
        readTabs(tabs, line: nodes[start].range.startLine)
        return next
    }

    /// A colon container's body: a code group's blocks are tabs; a `details` one is folded, as
    /// `<details>` is.
    mutating func readContainer(_ kind: ColonContainer.Kind, body: [MarkdownNode], opening: MarkdownNode) {
        if kind == .codeGroup || kind == .tabSet {
            let tabs = kind == .codeGroup ? ColonContainer.tabs(of: body) : ColonContainer.tabItems(of: body)
            readTabs(tabs, line: opening.range.startLine)
            return
        }
        walkFolded(body, openedAt: opening.range.startLine, column: opening.range.startColumn)
    }

    /// The code block a Jekyll `{% highlight LANG %}` paragraph opens, from the file's lines.
    mutating func liquidHighlight(_ node: MarkdownNode) -> MarkdownNode? {
        LiquidHighlight.block(node, lines: fileLines())
    }

    /// `markdown`'s lines, split the first time they are needed.
    mutating func fileLines() -> [Substring] {
        if let markdownLines { return markdownLines }
        let lines = markdown.lines
        markdownLines = lines
        return lines
    }

    /// `nodes` read as a folded part of the guide, as `<details>` is: not its main path.
    mutating func walkFolded(_ nodes: [MarkdownNode], openedAt line: Int, column: Int) {
        openDetails.append(location(line, column))
        previous = .other
        walk(nodes)
        openDetails.removeLast()
    }

    /// A set of tabs is a choice between them, each tab's blocks its option's. Tabs named for
    /// systems ("Ubuntu", "macOS") are chosen by the system, as headings naming them are.
    mutating func readTabs(_ tabs: [ContentTab], line: Int) {
        let saved = branch
        defer {
            branch = saved
            previous = .other
        }
        guard tabs.count >= 2 else {
            for tab in tabs {
                previous = .other
                walk(tab.body)
            }
            return
        }
        let systems = tabs.map { Patterns.operatingSystem($0.title, heading: true) }
        let bySystem = systems.allSatisfy { $0 != nil }
        let group = registerGroup(key: "tabs", line: line)
        var options: [ChoiceOption] = []
        for (k, tab) in tabs.enumerated() {
            var id = bySystem ? systems[k]!.id : tab.id.map(Text.slug) ?? Patterns.optionSlug(tab.title)
            if id.isEmpty { id = "\(k + 1)" }
            if options.contains(where: { $0.id == id }) { id += "-\(k + 1)" }
            options.append(
                ChoiceOption(
                    id: id, title: tab.title, recommended: false, line: tab.line,
                    platforms: bySystem ? systems[k]!.platforms : []))
        }
        groups[groups.count - 1].options = options
        groups[groups.count - 1].shownFirst = tabs.firstIndex(where: \.shownFirst).map { options[$0].id }
        for (k, tab) in tabs.enumerated() {
            branch = Branch(group: group, option: options[k].id)
            previous = .other
            walk(tab.body)
        }
    }

    mutating func openSection(_ node: MarkdownNode, level: Int) {
        closeBody()
        // A container's shell is left by the section that opened it, `exit` or not: a guide
        // that forgets the `exit` goes on outside, and nothing after is the person's by mistake.
        leaveShellInside()
        let heading = node.plainText.trimmedInline
        let (label, title) = Text.splitLabel(heading)
        while let last = stack.last, last != 0, sections[last].level >= level { stack.removeLast() }
        let parent = stack.last ?? 0
        var slug = Text.slug(title)
        // Most slugs are new: inserted at the first try, with one hash of the slug.
        if !usedSlugs.insert(slug).inserted {
            if parent != 0 { slug = sections[parent].slug + "-" + slug }
            if usedSlugs.contains(slug) {
                var n = 2
                while usedSlugs.contains("\(slug)-\(n)") { n += 1 }
                slug = "\(slug)-\(n)"
            }
            usedSlugs.insert(slug)
        }
        var flow = sections[parent].flow
        var role = sections[parent].role
        // The word that comes first names the role: "Cost control and teardown" is cost control.
        // Not the guide's own title ("# Monitoring setup: Prometheus and Grafana", "# Rollback
        // procedure"): what the guide is about is its main flow.
        let guideTitle = level == 1 && titleSection == nil
        if flow == .main, !guideTitle, let first = Patterns.flowMentions(in: title).min(by: { $0.at < $1.at }) {
            flow = .optional
            role = first.role
        }
        let index = sections.count
        // "Revoking (only if the key leaked)": runbook cannot tell, so the section waits to be
        // asked for, and its steps say why.
        if flow == .main, let condition = Patterns.headingCondition(title) {
            flow = .optional
            role = "conditional"
            headingConditions[index] = condition
        }
        sections.append(
            Section(
                index: index, slug: slug, label: label, title: title, heading: heading, level: level,
                line: node.range.startLine, parent: parent, flow: flow, role: role))
        if guideTitle { titleSection = index }
        stack.append(index)
        body = SectionBody(section: index)
        previous = .other
        paragraphBranch = nil
        expectFor = nil
        outputLikeOf = nil
    }

    mutating func paragraph(_ node: MarkdownNode) {
        if let table = VariableTable(node, source: markdown) { tableVariables += table.rows }
        let text = Text.droppingLeadingSymbols(node.plainText.trimmed)
        if listDepth == 0, case .code(let index?) = previous, let title = Patterns.alternativeTitle(text) {
            alternativeLeadIn = (index, node.range.startLine, title)
        }
        // "**Verify:** `curl -s localhost:9100/metrics` should print `# HELP`.": a check of
        // its own, as the same words in a list item are.
        if listDepth == 0, let check = sentenceCheck(node, text: text) {
            addInlineCheck(check.code, expectations: check.expectations, node: node)
            previous = .other
            return
        }
        // "Run everything on the server unless noted." before any step: the guide's machine.
        if steps.isEmpty, statedDefault == nil, settings.defaultTarget == nil, Patterns.saysWhereEverythingRuns(text),
            let stated = target(statedBy: StatedPlace(text, wholeText: false), reason: "prose")
        {
            statedDefault = stated
        }
        let login = openSession(saidIn: node, text: text)
        declareAddress(saidIn: node, text: text)
        for jump in Patterns.conditionalJumps(text) {
            conditionalJumps.append((currentSection, jump.condition, jump.destination))
        }
        if listDepth == 0 {
            if !body.hasCode, !body.producedSteps, let phrase = Patterns.placeLabel(text) {
                sectionLabels[currentSection] = StatedPlace(label: phrase)
            }
            body.blocks.append(node)
            // "Log in as root: `ssh root@host`" alone is the run's login, not a person's task.
            let imperative = Patterns.isImperative(text)
            // "If usage is below 85 %, resolve the page and stop here.": the person's to judge.
            let stops = Patterns.stopsTheRunIf(text)
            if (imperative || stops) && !isStepLeadIn(text) && login == nil { body.imperative = true }
            // "Run `sudo systemctl restart app`." among blocks: a command the guide gives in a
            // sentence is a person's step there, not lost (a section without blocks is one
            // manual step already).
            // (The `ssh` or `sudo -iu` a sentence logs in with is the run's to do: "Log in as
            // postgres: `sudo -iu postgres`." asks the person nothing.)
            if Patterns.runsInlineCommand(text, codeSpans: node.codeSpans.filter { $0 != login })
                || (login == nil && Patterns.asksAPerson(text, codeSpans: node.codeSpans))
                || Patterns.renewsLogin(text) || stops || Patterns.asksToSetValues(text, codeSpans: node.codeSpans)
                || Patterns.changesDNS(text)
            {
                body.candidates.append(
                    (
                        insertAt: steps.count, nodes: [node], blockCount: body.blocks.count, describesNext: false,
                        instructions: nil
                    ))
            } else if let first = (imperative ? Patterns.thenLeadIn(text).map(\.first) : nil).flatMap({
                Patterns.isImperative(String($0)) ? $0 : nil
            }) ?? Patterns.personsTaskBeforeThen(text) {
                // "Confirm with the owner of the slot first. Then:", "Get a removal token from the
                // same page, then on the build machine:": what comes before "then" is the
                // person's to do before the block, a step of its own.
                body.candidates.append(
                    (
                        insertAt: steps.count, nodes: [node], blockCount: body.blocks.count, describesNext: false,
                        instructions: String(first)
                    ))
            }
        } else if case .code = previous, Patterns.asksToSetValues(text, codeSpans: node.codeSpans) {
            // In a list item, after its block: "2. Copy the example file: `cp .env.example .env`
            // At minimum set `APP_SECRET` and `DATABASE_URL`." is the person's, in its place.
            addManual(instructions: Self.render(node), node: node)
        }
        if text.includesAny(Patterns.keepsRunningPhrases) {
            if let serverStep {
                steps[serverStep].traits.keptRunning = true
            } else if case .code(let index?) = previous, steps[index].kind == .command,
                text.includesAny(Patterns.besideItPhrases), ShellText.runsAnApplication(steps[index].code)
            {
                // `python app.py`, then "In another terminal:": the guide says it keeps running.
                steps[index].traits.foregroundServer = true
                steps[index].traits.keptRunning = true
            }
        }
        // "Save it as `/etc/wireguard/wg0.conf`, then:" after a config block: that block is
        // the file's text, the person's to save, as under "Save this as `…`:" before it.
        if case .code(let index?) = previous, steps[index].kind == .artifact, steps[index].savedAs == nil,
            Self.saysNothingOfRunning(steps[index].annotations), let path = Patterns.savedAfter(text, codeSpans: node.codeSpans)
        {
            let on = steps[index].target.name != "local" ? "On \(steps[index].target.name): " : ""
            steps[index].kind = .manual
            steps[index].savedAs = path
            steps[index].instructions = "\(on)Save this as \(path):\n" + steps[index].code
            steps[index].target = .person
        }
        // "Press Ctrl+C to stop it." after a block (and what it should show): its command
        // goes on until a person stops it, as a follow command does; a run stops it once it
        // has shown what is expected, or at the end of the follow window.
        // (Asked only of prose right after a block, or after what it shows.)
        var stoppable: Int?
        if case .code(let stepIndex?) = previous {
            stoppable = stepIndex
        } else if case .paragraph = previous {
            stoppable = shownBy
        }
        if let index = stoppable, steps[index].kind == .command || steps[index].kind == .verification,
            !steps[index].traits.foregroundServer, !steps[index].traits.interactive, Patterns.saysToStopIt(text)
        {
            if !steps[index].traits.follows { steps[index].traits.follows = true }
            // "Press Ctrl+C when you see `Listening on 3000`.": what it names is what the run
            // waits for, and stops the command at (a follow command too: `pm2 logs`). Not the
            // key itself when it is written as code ("Press `Ctrl+C` once you see …").
            if let awaited = Patterns.awaitedBeforeStopping(text) {
                for expectation in expectations(from: awaited, node: node)
                where !steps[index].expectations.contains(expectation) && !Self.namesTheStopKey(expectation) {
                    steps[index].expectations.append(expectation)
                }
            }
        }
        // "Certbot asks whether to share your email; answer as you like." after a block: its
        // command waits for a person, as when a lead-in says so. Only prose that names what
        // the block ran ("Certbot asks", "It prompts") is about it; "You will be prompted for
        // a passphrase." is about the block after, as its lead-in.
        if let index = stoppable, case .code = previous, steps[index].kind == .command || steps[index].kind == .verification,
            text.utf8.last != UInt8(ascii: ":"), Patterns.leadInAsks(text),
            Self.namesTheProgram(of: steps[index].code, opening: text)
        {
            steps[index].traits.interactive = true
            askedOfTheBlockBefore = node
        }
        // "The output should be something like `v20.11.0`.": a value like the real one, which the
        // real one would not match (another version, another time); nothing is expected. A
        // sentence that ends with a colon introduces shown output, read as before: its lines
        // that change from run to run are left out there. Asked only of sentences that would
        // expect something.
        let approximate = { !text.hasSuffix(":") && text.includesAny(Patterns.approximateWords) }
        let followsCode = if case .code = previous { true } else { false }
        let leadsExpectation =
            (Patterns.matches(Patterns.expectationLeadIn, text, ifAny: Patterns.expectationWords) && !approximate())
            || (followsCode && Patterns.introducesShownOutput(text))
        shownBy = nil
        outputLikeOf = nil
        if case .code(let stepIndex?) = previous, !leadsExpectation, text.utf8.last == UInt8(ascii: ":"),
            Patterns.introducesOutputLikeIt(text)
        {
            outputLikeOf = stepIndex
        }
        if case .code(let stepIndex?) = previous, leadsExpectation {
            expectFor = stepIndex
            shownBy = stepIndex
            // "Expected: HTTP 200" says it after its colon; "Should return HTTP 200." has none.
            let said = text.firstIndex(of: ":").map { String(text[text.index(after: $0)...]) } ?? text
            steps[stepIndex].expectations += expectations(from: said, node: node)
        } else if case .code(let stepIndex?) = previous, let said = Patterns.outcome(text), !approximate() {
            steps[stepIndex].expectations += expectations(from: said, node: node)
            expectFor = nil
            shownBy = stepIndex
        } else if !leadsExpectation {
            expectFor = nil
        }
        let marker = Patterns.optionMarker(text)
        if listDepth == 0, marker.letter != nil, let strong = node.children.first,
            strong.kind == .strong || text.lowercased().hasPrefix("option")
        {
            let title = Text.firstLine(of: text) ?? text
            paragraphBranch = registerOption(
                key: "paragraph", title: title, letter: marker.letter, recommended: marker.recommended,
                line: node.range.startLine)
        }
        previous = .paragraph(text, node: node)
    }

    /// An expected text that is exactly a variable's default ("Must print the new version
    /// (`3.14.2`)." where `VERSION=3.14.2`) is that variable's value as bound: a run with
    /// `--set VERSION=3.15.0` expects 3.15.0. Only a default with a digit, three characters or
    /// more, that no other variable shares and that is no secret (a port, a version, an
    /// address, an id; not "ok" or "true").
    mutating func expectBoundValues() {
        guard !variables.isEmpty, steps.contains(where: { $0.expectations.count > 1 }) else { return }
        var byValue: [String: String?] = [:]
        for variable in variables where !variable.derived && !variable.required && !variable.secret {
            guard let value = variable.defaultValue, value.utf8.count >= 3, value.utf8.contains(where: ASCII.isDigit)
            else { continue }
            byValue[value] = byValue[value] == nil ? variable.name : .some(nil)
        }
        guard !byValue.isEmpty else { return }
        for i in steps.indices where steps[i].expectations.count > 1 {
            for (k, expectation) in steps[i].expectations.enumerated() {
                guard case .outputContains(let text) = expectation, let name = byValue[text] ?? nil else { continue }
                steps[i].expectations[k] = .outputContains("${\(name)}")
            }
        }
    }

    /// A block of output after "Expected output:" that follows a step is what that step should
    /// print: each non-empty line becomes an `outputContains` expectation, as a `console`
    /// block's output lines and `# Should output:` comments do (JSON lines a pattern that
    /// ignores spacing; lines with a time, a date or a process id none), and the block is no
    /// step of its own. Shell and `console` blocks, and blocks with annotations, are read as
    /// usual.
    mutating func expectedOutput(_ node: MarkdownNode, info: String) -> Bool {
        guard expectFor != nil || outputLikeOf != nil, case .paragraph = previous else { return false }
        let (language, attributes) = AnnotationParser.splitInfo(info)
        let lang = language.lowercased()
        guard attributes == nil, !Patterns.shellLanguages.contains(lang), !Patterns.consoleLanguages.contains(lang)
        else { return false }
        guard let stepIndex = expectFor else {
            // Output only like the real one: shown, and nothing in it expected.
            outputLikeOf = nil
            previous = .other
            return true
        }
        // JSON is shown pretty and printed compact (or the other way round): its lines match
        // whatever the spacing around `:` `,` and brackets.
        let opening = node.literal.trimmedInline.first
        let json = lang == "json" || opening == "{" || opening == "["
        for line in node.literal.lines {
            let text = line.trimmedInline
            if json {
                if let pattern = Patterns.jsonLinePattern(text) { steps[stepIndex].expectations.append(.outputMatches(pattern)) }
            } else if !text.isEmpty, !Patterns.isVolatileOutput(text) {
                steps[stepIndex].expectations.append(Patterns.expectation(forShown: text))
            }
        }
        expectFor = nil
        previous = .other
        return true
    }

    /// Whether an expectation read from a stop sentence is the key to press (`Ctrl+C` written
    /// as code), not what the command shows.
    static func namesTheStopKey(_ expectation: Expectation) -> Bool {
        guard case .outputContains(let shown) = expectation else { return false }
        return Text.matches(stopKeyAlone, shown)
    }
    /// `Patterns.stopKeyPattern` as the whole text.
    static let stopKeyAlone = #"^\s*(?:"# + Patterns.stopKeyPattern + #")\s*$"#

    /// Whether `text` opens by naming the program the first command of `code` runs
    /// ("Certbot asks …" after `sudo certbot --nginx`), or "It"/"This".
    static func namesTheProgram(of code: String, opening text: String) -> Bool {
        let first = text.prefix { $0.isLetter || $0 == "-" }.lowercased()
        if first == "it" || first == "this" { return true }
        guard let line = code.lines.first(where: { !$0.trimmedInline.isEmpty && !$0.trimmedInline.hasPrefix("#") }),
            let program = ShellText.programName(of: ShellText.words(String(line))[...])
        else { return false }
        return program.name.lowercased() == first
    }

    /// A short sentence that introduces the next block ("Run:", "Create it:") rather than a task.
    func isStepLeadIn(_ text: String) -> Bool {
        text.hasSuffix(":") && text.count < 120
    }

    mutating func html(_ node: MarkdownNode) {
        let lower = node.literal.lowercased()
        if lower.contains("details") {
            let opened = location(node.range.startLine, node.range.startColumn)
            openDetails += repeatElement(opened, count: lower.components(separatedBy: "<details").count - 1)
            openDetails.removeLast(min(openDetails.count, lower.components(separatedBy: "</details").count - 1))
        }
        guard let bodyText = AnnotationParser.commentBody(node.literal) else {
            previous = .other
            return
        }
        let annotation = AnnotationParser.parse(
            bodyText, at: location(node.range.startLine, node.range.startColumn), diagnostics: &diagnostics)
        // Directly under a heading: applies to the whole section.
        if body.blocks.isEmpty, !body.hasCode, case .other = previous, currentSection != 0 {
            sectionAnnotations[currentSection] = annotation
            if let role = annotation.values["section-role"] {
                let index = currentSection
                sections[index].flow = role == "main" ? .main : .optional
                sections[index].role = role == "main" ? nil : role
            }
            previous = .other
            return
        }
        previous = .annotation(annotation)
    }

    // MARK: - Lists

    mutating func list(_ node: MarkdownNode) {
        let items = node.children.filter { $0.kind == .item }
        // An "Expected:" list right after a step.
        if let target = expectFor {
            for item in items {
                steps[target].expectations += expectations(from: firstParagraphText(item), node: item)
            }
            expectFor = nil
            previous = .other
            return
        }
        var leadInNode: MarkdownNode?
        if case .paragraph(_, let node) = previous { leadInNode = node }
        let leadIn = leadInNode.map { $0.plainText.trimmed }
        let titles = items.map { firstParagraphText($0) }
        listDepth += 1
        // "On `cp1`:" over a procedure: its blocks run there, as an item's place does for the
        // blocks in the item (asked after the items' own lead-ins).
        let placesItems = leadIn?.hasSuffix(":") == true && items.contains(where: Self.containsCode)
        if placesItems { enclosingItems.append((leadIn!, nil)) }
        defer {
            if placesItems { enclosingItems.removeLast() }
            listDepth -= 1
        }
        let markers = titles.map { Patterns.optionMarker($0) }
        let isOptionList =
            markers.filter(\.isOption).count >= 1 && markers.filter(\.marked).count >= 2
            && items.contains(where: Self.containsCode)
        let stepsBefore = steps.count
        var listGroup: String?
        var imperativeItems = 0
        for (i, item) in items.enumerated() {
            let text = titles[i]
            if Patterns.isImperative(text) || isCommandSpan(item) { imperativeItems += 1 }
            if let task = Patterns.taskItem(text) {
                addManual(instructions: task.text, node: item, done: task.done)
                continue
            }
            if let check = inlineCheck(item) {
                addInlineCheck(check.code, expectations: check.expectations, node: item)
                continue
            }
            // A numbered procedure that mixes instructions and code: each instruction without
            // code is a person's step in its place.
            if !isOptionList, listDepth == 1, items.contains(where: Self.containsCode), !Self.containsCode(item),
                Patterns.isImperative(text)
            {
                addManual(instructions: Self.render(item), node: item)
                continue
            }
            // "3. Log out and log back in …" over an alternative's block (`newgrp docker`): the
            // new login is the person's step, before the block. (An item of one paragraph is
            // the procedure's case above, or prose.)
            if !isOptionList, listDepth == 1, item.children.count > 1, Patterns.renewsLogin(text) {
                addManual(instructions: text, node: item)
            }
            let saved = branch
            if isOptionList {
                if listGroup == nil {
                    listGroup = registerGroup(key: "list", line: node.range.startLine)
                }
                let option = optionId(for: text, marker: markers[i], group: listGroup!)
                appendOption(
                    group: listGroup!, option: option, title: text, recommended: markers[i].recommended,
                    line: item.range.startLine)
                branch = Branch(group: listGroup!, option: option)
            }
            previous = .other
            enclosingItems.append((text, nil))
            walk(item.children)
            enclosingItems.removeLast()
            branch = saved
        }
        let producedSteps = steps.count > stepsBefore
        if producedSteps {
            body.producedSteps = true
        } else if !items.isEmpty, listDepth == 1 {
            body.blocks.append(node)
            if imperativeItems * 2 >= items.count { body.imperative = true }
            // Among code, a list is a person's task when prose introduces it as one ("At your
            // DNS provider:", "Fill these values:"), or when, unintroduced, it is mostly instructions.
            let isReason = leadIn.map(Patterns.isReasonLeadIn) ?? false
            let leadInTask =
                leadIn.map {
                    $0.hasSuffix(":")
                        && (Patterns.isImperative($0) || Patterns.leadsPerson($0))
                } ?? false
            let mostlyTasks = leadIn == nil && imperativeItems * 2 >= items.count
            if leadInTask { body.imperative = true }
            if !isReason && (leadInTask || mostlyTasks) {
                let nodes = (leadInTask ? [leadInNode!] : []) + [node]
                let personContext =
                    leadIn.map { Patterns.leadsPerson($0) } ?? false
                body.candidates.append(
                    (
                        insertAt: steps.count, nodes: nodes, blockCount: body.blocks.count,
                        describesNext: leadInTask && !personContext, instructions: nil
                    ))
            }
        }
        previous = .other
    }

    func firstParagraphText(_ item: MarkdownNode) -> String {
        guard let paragraph = item.children.first(where: { $0.kind == .paragraph }) else { return "" }
        return paragraph.plainText.trimmed
    }

    static func containsCode(_ node: MarkdownNode) -> Bool {
        if case .codeBlock = node.kind { return true }
        return node.children.contains(where: containsCode)
    }

    /// An item that is a shell command in a code span, alone (`- \`sudo nginx -t\``) or
    /// after a label that ends with a colon (`1. Allow HTTP: \`sudo ufw allow 80/tcp\``).
    func isCommandSpan(_ item: MarkdownNode) -> Bool {
        guard let paragraph = item.children.first(where: { $0.kind == .paragraph }),
            let span = paragraph.children.last, span.kind == .code
        else { return false }
        if paragraph.children.count > 1 {
            let label = paragraph.children.dropLast().map(\.plainText).joined()
            guard label.trimmedInline.hasSuffix(":") else { return false }
        }
        return ShellText.looksLikeShell(span.literal)
    }

    /// ``- `curl http://127.0.0.1:8000/health` returns 200``.
    func inlineCheck(_ item: MarkdownNode) -> (code: String, expectations: [Expectation])? {
        guard let paragraph = item.children.first(where: { $0.kind == .paragraph }) else { return nil }
        return inlineCheck(paragraph.children[...])
    }

    /// The labels a sentence that checks in one line opens with ("**Verify:** `curl -s
    /// localhost:9100/metrics` should print `# HELP`.", "Check: `systemctl is-active app`
    /// prints `active`."), lower-cased, without the colon.
    static let checkLabels: WordSet = ["verify", "check", "test", "verification", "validate", "sanity check"]

    /// Such a sentence's check: its command and what it expects. `text` is the sentence's
    /// plain text; most sentences are ruled out by its first byte and colon.
    func sentenceCheck(_ paragraph: MarkdownNode, text: String) -> (code: String, expectations: [Expectation])? {
        // Its shape first, by node kinds: a label, perhaps blanks, then code.
        let nodes = paragraph.children
        guard nodes.count >= 2, nodes[0].kind == .strong || nodes[0].kind == .text,
            nodes[1].kind == .code || (nodes.count >= 3 && nodes[1].kind == .text && nodes[2].kind == .code)
        else { return nil }
        guard let first = text.utf8.first.map(ASCII.lower),
            first == UInt8(ascii: "v") || first == UInt8(ascii: "c") || first == UInt8(ascii: "t") || first == UInt8(ascii: "s"),
            let colon = text.utf8.prefix(14).firstIndex(of: UInt8(ascii: ":")),
            Self.checkLabels.contains(text[..<colon].lowercased())
        else { return nil }
        // The label alone (as `**Verify:**` or as text), then blanks, then the code span.
        var children = paragraph.children[...]
        guard let label = children.popFirst(), label.plainText.trimmedInline.hasSuffix(":") else { return nil }
        while let next = children.first, next.kind == .text, next.literal.trimmedInline.isEmpty { children.removeFirst() }
        return inlineCheck(children)
    }

    /// A code span that opens `nodes` and the words after it that say what it should show.
    func inlineCheck(_ nodes: ArraySlice<MarkdownNode>) -> (code: String, expectations: [Expectation])? {
        guard let first = nodes.first, first.kind == .code else { return nil }
        let rest = nodes.dropFirst().map(\.plainText).joined()
        // Both patterns open with one of these words: most items ("`make build` builds the
        // images") have none, and are not given to a regex, nor their code to the shell test.
        let opening = rest.utf8.drop { $0 == 0x20 || (0x09...0x0D).contains($0) }
        if opening.first.map({ $0 < 0x80 }) ?? true {
            let word = String(decoding: opening.prefix(while: ASCII.isLetter).map(ASCII.lower), as: UTF8.self)
            guard Self.inlineCheckWords.contains(word) else { return nil }
        }
        guard ShellText.looksLikeShell(first.literal) else { return nil }
        if let m = Text.firstMatch(
            #"^\s*(?:returns?|should return|responds? with|gives?|answers?)\s+(?:HTTP\s+|status\s+)?(\d{3}(?:\s*(?:/|or|,)\s*\d{3})*)"#,
            in: rest, options: [.caseInsensitive])
        {
            return (first.literal, [.httpStatus(statusCodes(m[1]))])
        }
        if Text.matches(#"^\s*(prints|outputs|shows|contains|should (print|output|show|contain))\b"#, rest),
            let spec = nodes.dropFirst().first(where: { $0.kind == .code })
        {
            return (first.literal, [.outputContains(spec.literal)])
        }
        return nil
    }

    /// The words an inline check's text after its command opens with ("returns 200", "prints
    /// ok"), lower-cased: the first words of the two patterns in `inlineCheck`.
    static let inlineCheckWords: WordSet = [
        "return", "returns", "should", "respond", "responds", "give", "gives", "answer", "answers", "prints", "outputs",
        "shows", "contains",
    ]

    /// The words one of which the status pattern of `expectations(from:node:)` needs.
    static let statusWords: Needles = ["http", "status", "return"]

    func statusCodes(_ text: String) -> [Int] {
        text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.filter { (100...599).contains($0) }
    }

    /// Expectations from an "Expected:" item or sentence.
    func expectations(from text: String, node: MarkdownNode) -> [Expectation] {
        var out: [Expectation] = []
        // The pattern only after one of its words: most expected lines name output, not a status.
        if text.includesAny(Self.statusWords),
            let m = Text.firstMatch(
                #"\b(?:HTTP(?:/[0-9.]+)?|status(?: code)?|returns?)\s+(\d{3}(?:\s*(?:/|or|,)\s*\d{3})*)\b"#, in: text,
                options: [.caseInsensitive])
        {
            out.append(.httpStatus(statusCodes(m[1])))
        }
        var spans: [String] = []
        func collect(_ n: MarkdownNode) {
            if n.kind == .code { spans.append(n.literal) }
            n.children.forEach(collect)
        }
        collect(node)
        let afterColonSpans = spans.filter { text.contains($0) }
        for span in afterColonSpans where !span.isEmpty {
            out.append(Patterns.expectation(forShown: span))
        }
        return out
    }

    // MARK: - Choice groups

    mutating func registerGroup(key: String, line: Int, section: Int? = nil) -> String {
        var id = sections[section ?? currentSection].slug
        if groupIds.contains(id) {
            var n = 2
            while groupIds.contains("\(id)-\(n)") { n += 1 }
            id = "\(id)-\(n)"
        }
        groupIds.insert(id)
        groups.append(RawGroup(id: id, options: [], line: line))
        return id
    }

    func optionId(for title: String, marker: (isOption: Bool, letter: String?, recommended: Bool, marked: Bool), group: String)
        -> String
    {
        if let letter = marker.letter { return letter }
        let slug = Patterns.optionSlug(title)
        let existing = groups.first { $0.id == group }?.options.map(\.id) ?? []
        return existing.contains(slug) ? "\(slug)-\(existing.count + 1)" : slug
    }

    mutating func appendOption(group: String, option: String, title: String, recommended: Bool, line: Int) {
        guard let g = groups.firstIndex(where: { $0.id == group }) else { return }
        let cleanTitle = Text.firstLine(of: title) ?? title
        groups[g].options.append(ChoiceOption(id: option, title: cleanTitle, recommended: recommended, line: line))
    }

    /// "Or export them:" between two blocks: the steps of the block before (which made step
    /// `before`) and `alternative`, the steps of the block it introduces, are the two options
    /// of a choice, the first the default. Each option is called by what the lead-in says of
    /// it, or by its first line of code. Only outside any other choice, in one section, and
    /// for steps that run or declare.
    mutating func offerAlternative(to before: Int, title: String, steps alternative: Range<Int>) {
        let first = steps[before]
        let line = first.location.line
        let runs: (Step) -> Bool = { [.command, .verification, .variables].contains($0.kind) && $0.choice == nil }
        let earlier = (0...before).filter { steps[$0].location.line == line && steps[$0].section == first.section }
        guard first.section == currentSection, earlier.allSatisfy({ runs(steps[$0]) }),
            alternative.allSatisfy({ runs(steps[$0]) })
        else { return }
        let group = registerGroup(key: "or", line: line)
        // A block of variables is called by its names: its values may be secrets.
        let firstLine = { [variables] (step: Step) -> String in
            guard step.kind == .variables else { return Text.firstLine(of: step.code) ?? step.code }
            let lines = step.codeLine..<(step.codeLine + step.code.lines.count)
            return "set " + variables.filter { lines.contains($0.location.line) }.map(\.name).joined(separator: ", ")
        }
        let options = [firstLine(first), title.isEmpty ? firstLine(steps[alternative.lowerBound]) : title].map {
            optionTitle in
            let option = optionId(for: optionTitle, marker: (false, nil, false, false), group: group)
            appendOption(group: group, option: option, title: optionTitle, recommended: false, line: line)
            return option
        }
        for index in earlier {
            steps[index].choice = group
            steps[index].option = options[0]
        }
        for index in alternative {
            steps[index].choice = group
            steps[index].option = options[1]
        }
    }

    /// A paragraph "**Option B**: …" starts a branch; consecutive ones in a section form a group.
    mutating func registerOption(key: String, title: String, letter: String?, recommended: Bool, line: Int) -> Branch {
        let group: String
        if let current = paragraphBranch, let g = groups.first(where: { $0.id == current.group }),
            !g.options.isEmpty, sections[currentSection].slug == current.group.prefix(sections[currentSection].slug.count)
        {
            group = current.group
        } else {
            group = registerGroup(key: key, line: line)
        }
        let option = optionId(for: title, marker: (true, letter, recommended, true), group: group)
        appendOption(group: group, option: option, title: title, recommended: recommended, line: line)
        return Branch(group: group, option: option)
    }

    /// Sibling headings marked Option A/B, (recommended)/(alternate) form a group under their parent.
    mutating func assignChoicesFromHeadings() {
        var childrenOf: [Int: [Int]] = Dictionary(minimumCapacity: sections.count)
        // By index: iterating `sections` copies each whole `Section` to read two fields.
        for index in sections.indices {
            if let parent = sections[index].parent { childrenOf[parent, default: []].append(sections[index].index) }
        }
        var stepsOf: [Int: [Int]] = Dictionary(minimumCapacity: sections.count)
        for s in steps.indices { stepsOf[steps[s].section, default: []].append(s) }
        /// The steps of section `index` and of every section inside it, in order.
        func stepsWithin(_ index: Int) -> [Int] {
            var found = stepsOf[index] ?? []
            var pending = childrenOf[index] ?? []
            while let next = pending.popLast() {
                found += stepsOf[next] ?? []
                pending += childrenOf[next] ?? []
            }
            return found.sorted()
        }
        for parent in childrenOf.keys.sorted() {
            let children = childrenOf[parent]!
            // The headings gathered, each with its option marker and the system it names, as
            // the loop below read them.
            var gathered:
                [(
                    index: Int, marker: (isOption: Bool, letter: String?, recommended: Bool, marked: Bool),
                    system: (id: String, platforms: [String])?
                )] = []
            func flush() {
                // Most headings are no option: nothing gathered, nothing to do.
                guard !gathered.isEmpty else { return }
                defer { gathered = [] }
                let markers = gathered.map(\.marker)
                // "macOS" / "Ubuntu" headings are a choice between systems; "Option A: Amazon
                // Linux 2023" is an option for a system.
                let byMarker = markers.contains(where: \.isOption)
                let systems = gathered.map { heading in
                    let title = sections[heading.index].title
                    // An unmarked heading's system is the one the loop found; a marked one's is
                    // asked here, where the group turns out to be by system.
                    return byMarker
                        ? Patterns.optionSystem(title)
                        : heading.marker.marked ? Patterns.operatingSystem(title, heading: true) : heading.system
                }
                let run = gathered.map(\.index)
                guard run.count >= 2, byMarker || systems.allSatisfy({ $0 != nil }) else { return }
                var id = sections[parent].slug == "top" ? Text.slug(sections[run[0]].title) : sections[parent].slug
                if groupIds.contains(id) { id += "-\(run.count)" }
                groupIds.insert(id)
                var options: [ChoiceOption] = []
                for (k, index) in run.enumerated() {
                    let marker = markers[k]
                    var optionId =
                        marker.letter ?? (byMarker ? nil : systems[k]?.id) ?? Patterns.optionSlug(sections[index].title)
                    if options.contains(where: { $0.id == optionId }) { optionId += "-\(k + 1)" }
                    options.append(
                        ChoiceOption(
                            id: optionId, title: sections[index].heading, recommended: marker.recommended,
                            line: sections[index].line, platforms: systems[k]?.platforms ?? []))
                    for s in stepsWithin(index) where steps[s].choice == nil {
                        steps[s].choice = id
                        steps[s].option = optionId
                    }
                }
                groups.append(RawGroup(id: id, options: options, line: sections[run[0]].line))
            }
            for child in children {
                let title = sections[child].title
                let marker = Patterns.optionMarker(title)
                let system = marker.marked ? nil : Patterns.operatingSystem(title, heading: true)
                if marker.marked || system != nil {
                    gathered.append((child, marker, system))
                } else {
                    flush()
                }
            }
            flush()
        }
    }

    /// Blocks led in by the systems they are for ("On macOS:" then "On Ubuntu:"), one after
    /// another in a section, are a choice between those systems: exactly one runs.
    mutating func assignChoicesFromSystems() {
        var run: [Int] = []
        func flush() {
            defer { run = [] }
            var options: [ChoiceOption] = []
            for s in run where !options.contains(where: { $0.id == systemLeadIns[s]!.id }) {
                let lead = systemLeadIns[s]!
                options.append(
                    ChoiceOption(id: lead.id, title: lead.title, recommended: false, line: lead.line, platforms: lead.platforms))
            }
            guard options.count >= 2 else { return }
            let group = registerGroup(key: "systems", line: options[0].line, section: steps[run[0]].section)
            groups[groups.count - 1].options = options
            for s in run {
                steps[s].choice = group
                steps[s].option = systemLeadIns[s]!.id
            }
        }
        for s in steps.indices {
            guard systemLeadIns[s] != nil, steps[s].choice == nil else {
                flush()
                continue
            }
            if let last = run.last, steps[last].section != steps[s].section { flush() }
            run.append(s)
        }
        flush()
    }

    // MARK: - Manual steps

    mutating func addManual(instructions: String, node: MarkdownNode, done: Bool = false) {
        body.producedSteps = true
        var step = makeStep(
            kind: .manual, node: node, codeLine: node.range.startLine, language: "", code: "",
            target: .person)
        step.instructions = instructions
        if done { step.annotations["checked"] = "true" }
        markRenewal(&step, before: steps.count)
        steps.append(step)
    }

    /// A person's step that starts a new login ("Log out and log back in"): the login of the
    /// machine the running step before it ran on, which a run logs in to again.
    func markRenewal(_ step: inout Step, before index: Int) {
        guard let text = step.instructions, Patterns.renewsLogin(text) else { return }
        step.traits.renewsLogin = true
        if let last = steps[..<index].last(where: { $0.kind == .command || $0.kind == .verification }) {
            step.target = TargetRef(name: last.target.name, user: last.target.user, reason: "person")
        }
    }

    /// The other machine the last step that runs ran on ("On the server, as root:"), where a
    /// person switching users with no session open is: nil when it ran here, or in a section
    /// this one is not part of ("On each app server:" stops the app under a heading of its own;
    /// the next section's `sudo su - postgres` is on the guide's own machine).
    func machineOfTheLastStep() -> TargetRef? {
        guard let last = steps.last(where: { $0.kind == .command || $0.kind == .verification }),
            last.target.name != "local", last.section == currentSection || stack.contains(last.section)
        else { return nil }
        return last.target
    }

    mutating func addInlineCheck(_ code: String, expectations: [Expectation], node: MarkdownNode) {
        body.producedSteps = true
        var step = makeStep(
            kind: .verification, node: node, codeLine: node.range.startLine, language: "bash",
            code: code, target: statedTarget(leadIn: nil) ?? session ?? defaultTarget())
        step.expectations = [.exitStatus(0)] + expectations
        step.traits = ShellText.traits(of: code)
        steps.append(step)
    }

    /// Ends the current section's body: a body with no code that tells a person what to do
    /// becomes one manual step; lists of instructions among code become their own manual steps.
    mutating func closeBody() {
        defer { body = SectionBody(section: currentSection) }
        // The section's fields read in place: a copy of the whole `Section` costs more than
        // the two reads.
        guard sections.indices.contains(body.section), sections[body.section].index != 0 || !body.blocks.isEmpty else {
            return
        }
        if Patterns.isNonStepTitle(sections[body.section].title) { return }
        if !body.hasCode && !body.producedSteps {
            guard body.imperative, !body.blocks.isEmpty else { return }
            let instructions = body.blocks.map(Self.render).joined(separator: "\n")
            var step = makeStep(
                kind: .manual, node: body.blocks[0], codeLine: body.blocks[0].range.startLine,
                language: "", code: "", target: .person, section: body.section)
            step.instructions = instructions
            markRenewal(&step, before: steps.count)
            steps.append(step)
            return
        }
        for candidate in body.candidates.reversed() {
            let instructions = candidate.instructions ?? candidate.nodes.map(Self.render).joined(separator: "\n")
            var step = makeStep(
                kind: .manual, node: candidate.nodes[0], codeLine: candidate.nodes[0].range.startLine,
                language: "", code: "", target: .person, section: body.section)
            step.instructions = instructions
            markRenewal(&step, before: candidate.insertAt)
            steps.insert(step, at: candidate.insertAt)
        }
    }

    /// Plain text of a block as a person reads it: lists as `- item` lines.
    static func render(_ node: MarkdownNode) -> String {
        render(node, indent: "")
    }

    static func render(_ node: MarkdownNode, indent: String) -> String {
        switch node.kind {
        case .list(let ordered, _):
            return node.children.enumerated().map { (i, item) in
                let bullet = ordered ? "\(i + 1). " : "- "
                let parts = item.children.map { child -> String in
                    if case .list = child.kind { return render(child, indent: indent + "  ") }
                    return indent + bullet + oneLine(child.plainText)
                }
                return parts.joined(separator: "\n")
            }.joined(separator: "\n")
        case .codeBlock:
            return node.literal
        default:
            return indent + oneLine(node.plainText)
        }
    }

    /// Line breaks as spaces (by bytes; Foundation's replacingOccurrences is slow on Linux).
    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(0x0A) else { return text }
        return String(decoding: text.utf8.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
    }

    // MARK: - Code blocks

    func mergedAnnotations(block: Annotation?, fence: Annotation?) -> [String: String] {
        var merged: [String: String] = [:]
        // Most guides annotate no section: nothing to look up, nothing to remove.
        if !sectionAnnotations.isEmpty {
            for index in stack {
                if let a = sectionAnnotations[index] { merged.merge(a.values) { $1 } }
            }
            merged["section-role"] = nil
        }
        if let block { merged.merge(block.values) { $1 } }
        if let fence { merged.merge(fence.values) { $1 } }
        return merged
    }

    mutating func codeBlock(_ node: MarkdownNode, info: String) {
        if expectedOutput(node, info: info) { return }
        // "Create a systemd service that: - …" right before the block that creates it describes
        // that block; it is not a separate task.
        let leadInVerifies: Bool = {
            if case .paragraph(let t, _) = previous {
                // "Confirm with the owner first. Then:" verifies nothing: the block is what "Then" says.
                return
                    (Patterns.leadInVerifies(t)
                    && (Patterns.thenLeadIn(t).map { Patterns.leadInVerifies(String($0.then)) } ?? true))
                    || Patterns.waitsForAState(t)
            }
            return false
        }()
        if let last = body.candidates.last, last.describesNext, last.insertAt == steps.count,
            body.blocks.count - last.blockCount <= 1, !leadInVerifies
        {
            body.candidates.removeLast()
        }
        body.hasCode = true
        body.blocks.append(node)
        let (language, attributeText) = AnnotationParser.splitInfo(info)
        let lang = language.lowercased()
        let fence = attributeText.map {
            AnnotationParser.parse($0, at: location(node.range.startLine, node.range.startColumn), diagnostics: &diagnostics)
        }
        var blockAnnotation: Annotation?
        if case .annotation(let a) = previous { blockAnnotation = a }
        let annotations = mergedAnnotations(block: blockAnnotation, fence: fence)
        let leadIn: String? = { if case .paragraph(let t, _) = previous { return t } else { return nil } }()
        let fenced: Bool = { if case .codeBlock(_, let f) = node.kind { return f } else { return false } }()
        var codeLine = node.range.startLine + (fenced ? 1 : 0)
        var code = node.literal
        // The last line break, unless it ends a "\r\n" (one character, which `hasSuffix("\n")`
        // never matched): by bytes, as removing the last Character runs grapheme breaking.
        if code.utf8.last == 0x0A, code.utf8.dropLast().last != 0x0D { code = String(Substring(code.utf8.dropLast())) }
        // A MyST code directive's options (`:caption: Install`) are not its code.
        if info.utf8.first == UInt8(ascii: "{"), MySTDirective(info: info)?.isCode == true {
            let options = MySTDirective.optionLines(code)
            code = code.lines.dropFirst(options).joined(separator: "\n")
            codeLine += options
        }
        // DigitalOcean's markdown names a block on its first line (`[label /etc/nginx/app]`,
        // `[secondary_label Output]`) and marks what to replace with `<^>…<^>`: not the text.
        // An `output` block (Microsoft Learn's "example output") is shown output too.
        // So is an unlabeled block whose first line is "Output", as DigitalOcean's guides read
        // when copied out of the page.
        var shownOutput = lang == "output" || (lang.isEmpty && code.utf8.starts(with: "Output\n".utf8))
        if code.hasPrefix("[label ") || code.hasPrefix("[secondary_label "), let newline = code.firstIndex(of: "\n") {
            shownOutput = code[..<newline].lowercased().hasPrefix("[secondary_label output")
            code = String(code[code.index(after: newline)...])
            codeLine += 1
        }
        // `[secondary_label Output]`: what the command before printed on the author's machine,
        // shown, not a step (its ids, times and rules are not a run's to expect).
        if shownOutput, annotations.isEmpty, !Patterns.shellLanguages.contains(lang) {
            previous = .other
            return
        }
        if code.containsBytes("<^>") { code = code.replacingOccurrences(of: "<^>", with: "") }
        // A block that opens with a prompt (`$ `, `user@host:~$ `) is a transcript, labelled
        // `bash` or not: as shell its first word would be a command named `$`.
        let isConsole =
            Patterns.consoleLanguages.contains(lang)
            || ((lang.isEmpty || Patterns.shellLanguages.contains(lang)) && ShellText.opensWithPrompt(code))
        // A block that may be shell is split into logical lines once, for every question below.
        // Its physical lines are split once too: the steps are cut from them.
        let physicalLines = lang.isEmpty || Patterns.shellLanguages.contains(lang) ? code.lines : []
        let shellLines = ShellText.logicalLines(physical: physicalLines)
        let isShell = Patterns.shellLanguages.contains(lang) || (lang.isEmpty && ShellText.looksLikeShell(lines: shellLines))
        if let names = annotations["secret"] {
            for name in names.split(whereSeparator: { $0 == "," || $0 == " " }) { secretNames.insert(String(name)) }
        }

        let stepsBefore = steps.count
        // The client step a block is typed at, which the block became.
        var fedClient: Int?
        // The client whose prompt is still open after this block was typed at it.
        var keptClient: (index: Int, program: String, runner: String)?
        // The same, for a client the person logged in to with a password.
        var keptPersonClient: (index: Int, program: String, opened: Bool)?
        defer {
            if steps.count > stepsBefore, case .paragraph(let text, let lead) = previous,
                let system = Patterns.operatingSystem(text, heading: false)
            {
                let title = text.hasSuffix(":") ? String(text.dropLast()) : text
                for s in stepsBefore..<steps.count {
                    systemLeadIns[s] = (system.id, system.platforms, title, lead.range.startLine)
                }
            } else if steps.count > stepsBefore, case .paragraph(_, let lead) = previous,
                let pending = alternativeLeadIn, pending.line == lead.range.startLine
            {
                offerAlternative(to: pending.step, title: pending.title, steps: stepsBefore..<steps.count)
            } else if steps.count > stepsBefore, case .paragraph(let text, _) = previous,
                let condition = Patterns.condition(text)
            {
                // "If the build fails, clean first:": runbook cannot tell, so the block runs
                // only when asked for, like a troubleshooting section's.
                for s in stepsBefore..<steps.count where steps[s].kind == .command || steps[s].kind == .verification {
                    steps[s].condition = condition
                    steps[s].flow = .optional
                }
            }
            previous = .code(stepIndex: steps.count > stepsBefore ? steps.count - 1 : fedClient)
            if steps.count > stepsBefore { body.producedSteps = true }
            serverStep = (stepsBefore..<steps.count).last { steps[$0].traits.foregroundServer }
            // "In a separate terminal, port-forward the service:": it runs beside what comes next.
            if let serverStep, leadIn?.includesAny(Patterns.besideItPhrases) == true {
                steps[serverStep].traits.keptRunning = true
            }
            editorStep = steps.count == stepsBefore + 1 ? ShellText.editedFile(code).map { (stepsBefore, $0) } : nil
            // A client this block opened: fed the next block, or the person's who gives its password.
            let opened = steps.count == stepsBefore + 1 ? Self.openedClient(steps[stepsBefore]) : nil
            clientStep = keptClient ?? opened.flatMap { client in client.runner.map { (stepsBefore, client.program, $0) } }
            personClient = keptPersonClient ?? opened.flatMap { $0.runner == nil ? (stepsBefore, $0.program, true) : nil }
        }
        // A block in the language of a client's prompt that says nothing of how it runs: typed there.
        let typedAt = { (program: String) in
            !isConsole && Self.clientLanguages[program]?.contains(lang) == true && Self.saysNothingOfRunning(annotations)
                && annotations["kind"] == nil && annotations["manual"] == nil
        }

        // `sudo mysql -u root -p`, then `sql` blocks: typed at the prompt after the password,
        // which only the person gives. Each is the person's step in its place: the client's
        // own step becomes "Run `…`, then type at its prompt:" the first, and the next ones
        // "At mysql's prompt, type:". Before, they were artifacts a run passed over.
        if let client = personClient, client.index == steps.count - 1, typedAt(client.program) {
            fedClient = typedByThePerson(
                code, at: client.index, program: client.program, opened: client.opened, node: node, codeLine: codeLine,
                language: language)
            keptPersonClient = Self.leavesTheClient(code) ? nil : (steps.count - 1, client.program, false)
            body.hasCode = true
            body.blocks.append(node)
            return
        }

        // `sudo -u postgres psql`, then a `sql` block: what is typed at the client's prompt.
        // The client's step is given the block on its input (as `runner=` gives it) instead of
        // waiting for a person, and the block is no step of its own.
        if let client = clientStep, client.index == steps.count - 1, typedAt(client.program) {
            // A block that asks the person at the prompt (`passwordPrompt()`, psql's
            // `\password`) needs the client's terminal: the person types it there.
            if code.includesAny(Self.promptingCalls) {
                fedClient = typedByThePerson(
                    code, at: client.index, program: client.program,
                    opened: steps[client.index].annotations["runner"] != client.runner, node: node, codeLine: codeLine,
                    language: language)
                return
            }
            // A block that ends by leaving the client (`\q`, `exit`) closes its prompt.
            keptClient = Self.leavesTheClient(code) ? nil : client
            // A block after one fed to the client is typed at the same prompt, still open: a
            // step of its own, fed the same way.
            if steps[client.index].annotations["runner"] == client.runner {
                var step = makeStep(
                    kind: .artifact, node: node, codeLine: codeLine, language: language, code: code,
                    target: steps[client.index].target)
                step.annotations = annotations
                step.annotations["runner"] = client.runner
                steps.append(step)
                if keptClient != nil { keptClient = (steps.count - 1, client.program, client.runner) }
                return
            }
            var step = steps[client.index]
            step.kind = .artifact
            step.language = language
            step.code = code
            step.codeLine = codeLine
            step.annotations.merge(annotations) { $1 }
            step.annotations["runner"] = client.runner
            step.traits.interactive = false
            steps[client.index] = step
            body.hasCode = true
            body.blocks.append(node)
            fedClient = client.index
            return
        }

        // Annotated kind wins over inference.
        if let kindName = annotations["kind"], let kind = StepKind(rawValue: kindName) {
            addBlockSteps(
                node: node, code: code, codeLine: codeLine, language: language, kind: kind, isConsole: isConsole, leadIn: leadIn,
                annotations: annotations)
            return
        }
        // "Open the provider's web console, log in as root and run:": typed where no run
        // reaches (the way in when SSH is locked out), so the person's step.
        if annotations["manual"].map(AnnotationParser.isTrue)
            ?? (leadIn?.includesAny(Patterns.outOfBandConsoles) == true && Self.saysNothingOfRunning(annotations))
        {
            addBlockSteps(
                node: node, code: code, codeLine: codeLine, language: language, kind: .manual, isConsole: false, leadIn: leadIn,
                annotations: annotations)
            return
        }
        // What to put in the file the block before opened in an editor ("sudo nano FILE", then
        // "Paste the following:"): the person needs it before the editor opens, so the editor's
        // step carries it, and the block itself is the file's text, not a step of its own. A
        // labelled shell block is the file's only when its lead-in says to paste it; an
        // unlabelled one ("Add your settings:" over `PORT=3000` lines after `nano .env`) unless
        // its lead-in says to run it.
        if let editor = editorStep, !isConsole,
            !isShell || (leadIn.map { $0.includesAny(Patterns.pasteWords) } ?? false)
                || (lang.isEmpty && !(leadIn.map { $0.includesAny(Patterns.runWords) } ?? false))
        {
            steps[editor.index].instructions = (leadIn ?? "Put this in \(editor.file):") + "\n\n" + code
            addBlockSteps(
                node: node, code: code, codeLine: codeLine, language: language, kind: .artifact, isConsole: false,
                leadIn: nil, annotations: annotations)
            return
        }
        if isShell || isConsole {
            switch isConsole ? .script : Self.assignmentShape(shellLines) {
            case .illustration:
                addBlockSteps(
                    node: node, code: code, codeLine: codeLine, language: language, kind: .artifact, isConsole: false,
                    leadIn: nil, annotations: annotations)
                return
            case .declarations(let assignments):
                // "Create `.env`:" over `PORT=3000` lines: the app's file to save, not the
                // guide's variables (which would leave the file unmade).
                if !isConsole, leadIn?.includes(".env") == true,
                    Self.saysNothingOfRunning(annotations), let path = leadInSavedPath(leadIn), Self.isEnvironmentFile(path)
                {
                    addBlockSteps(
                        node: node, code: code, codeLine: codeLine, language: language, kind: .artifact, isConsole: false,
                        leadIn: leadIn, annotations: annotations, savedPath: path)
                    return
                }
                var step = makeStep(
                    kind: .variables, node: node, codeLine: codeLine, language: language, code: code,
                    target: statedTarget(leadIn: leadIn) ?? session ?? defaultTarget())
                step.annotations = annotations
                // A rollback's `export VERSION=v1.4.1` is no default for the deploy: declared
                // after the walk, and only what nothing else declares (`declareOffFlowVariables`).
                if step.flow == .optional {
                    offFlowDeclarations.append((assignments, codeLine))
                } else {
                    declareBlock(assignments, codeLine: codeLine, chosen: leadIn.map(Patterns.takesAValueFromOutput) ?? false)
                }
                steps.append(step)
                return
            case .script:
                break
            }
            // "Create `/usr/local/bin/backup.sh`:" over a script that does not name that file
            // itself: the block is the file's text, to save, not commands to run now. (A title,
            // `title="install.sh"`, is often the terminal's caption: only over a `#!` line.)
            // (Asked only of a `#!` block or a lead-in that names a shell file: most have neither.)
            let titled = code.hasPrefix("#!") ? Text.titledPath(info) : nil
            if !isConsole, code.hasPrefix("#!") || leadIn?.includesAny(Self.shellFileWords) == true,
                Self.saysNothingOfRunning(annotations), let path = titled ?? leadInSavedPath(leadIn),
                Self.isScript(code, savedAs: path)
            {
                addBlockSteps(
                    node: node, code: code, codeLine: codeLine, language: language, kind: .artifact, isConsole: false,
                    leadIn: leadIn, annotations: annotations, savedPath: path)
                return
            }
            let verifying = isVerificationContext(leadInVerifies: leadInVerifies)
            addBlockSteps(
                node: node, code: code, codeLine: codeLine, language: language, kind: verifying ? .verification : .command,
                isConsole: isConsole, leadIn: leadIn, annotations: annotations,
                shellLines: isConsole ? nil : (shellLines, physicalLines), checksByHeading: verifying && !leadInVerifies)
            return
        }
        // Not shell: an artifact, unless prose tells a person to do something with it.
        let kind: StepKind
        if annotations["run"] != nil || annotations["runner"] != nil || annotations["file"] != nil {
            kind = .artifact
        } else if let leadIn, leadInVerifies || Patterns.leadsPerson(leadIn) {
            kind = .manual
        } else {
            kind = .artifact
        }
        addBlockSteps(
            node: node, code: code, codeLine: codeLine, language: language, kind: kind, isConsole: false, leadIn: leadIn,
            annotations: annotations, savedPath: Text.titledPath(info))
    }

    /// What asks the person for a password at a client's prompt.
    static let promptingCalls: Needles = ["passwordPrompt()", "\\password"]

    /// The block's last line leaves a client's prompt: `\q`, `exit`, `quit`, `.quit`, `exit()`.
    static func leavesTheClient(_ code: String) -> Bool {
        guard let last = code.lines.last(where: { !$0.trimmedInline.isEmpty }) else { return false }
        let line = last.trimmedInline.lowercased()
        return ["\\q", "\\quit", "exit", "exit;", "quit", "quit;", "quit()", "exit()", ".quit", ".exit"].contains(line)
    }

    /// The languages of the blocks typed at each client's prompt.
    static let clientLanguages: [String: Set<String>] = [
        "psql": sqlLanguages, "mysql": sqlLanguages, "mariadb": sqlLanguages, "sqlite3": sqlLanguages,
        "redis-cli": ["redis"], "valkey-cli": ["redis", "valkey"], "mongosh": mongoLanguages, "mongo": mongoLanguages,
    ]
    static let mongoLanguages: Set<String> = ["javascript", "js", "mongo", "mongodb", "mongosh"]
    static let sqlLanguages: Set<String> = ["sql", "psql", "pgsql", "postgresql", "postgres", "mysql", "sqlite", "plpgsql"]

    /// A one-line step that opens a client's prompt (`sudo -u postgres psql`, `mysql -u root
    /// shop`, `redis-cli`), the client and the command line that feeds it its input instead:
    /// psql stops at the first error (`-v ON_ERROR_STOP=1`), as the others do reading input.
    /// No runner for one that asks for a password first (`-p`, `--password`, `-W`): what is
    /// typed there is the person's, who gives the password. Nil for any other step.
    static func openedClient(_ step: Step) -> (program: String, runner: String?)? {
        guard step.kind == .command || step.kind == .verification, step.traits.interactive,
            !step.code.contains("\n"), step.annotations.isEmpty
        else { return nil }
        let words = ShellText.words(step.code)
        guard !words.contains(where: ShellText.isSeparator), let (name, args) = ShellText.programName(of: words[...]),
            clientLanguages[name] != nil
        else { return nil }
        if args.contains(where: { passwordFlags.contains($0) }) { return (name, nil) }
        return (name, name == "psql" ? step.code.trimmedInline + " -v ON_ERROR_STOP=1" : step.code.trimmedInline)
    }

    /// A block the person types at a client's prompt, on the client's machine. When the prompt
    /// was only `opened` (nothing typed at it yet), the client's own step becomes the person's:
    /// "Run `sudo mysql -u root -p`, then type at its prompt:" and the block, and its index is
    /// returned; else the block is a step of its own, "At mysql's prompt, type:", and nil.
    mutating func typedByThePerson(
        _ code: String, at client: Int, program: String, opened: Bool, node: MarkdownNode, codeLine: Int, language: String
    ) -> Int? {
        if opened {
            var step = steps[client]
            step.kind = .manual
            step.traits.interactive = false
            step.instructions = "Run `\(step.code)`, then type at its prompt:\n\(code)"
            steps[client] = step
            return client
        }
        var step = makeStep(
            kind: .manual, node: node, codeLine: codeLine, language: language, code: code, target: steps[client].target)
        step.instructions = "At \(program)'s prompt, type:\n\(code)"
        steps.append(step)
        return nil
    }

    /// The options that make a client ask for a password before its prompt.
    static let passwordFlags: Set<String> = ["-p", "--password", "-W", "--password-prompt", "--askpass"]

    /// No annotation says whether or how the block runs or where it is written (`file`, `run`,
    /// `runner`, `skip`): the reader decides from the prose.
    static func saysNothingOfRunning(_ annotations: [String: String]) -> Bool {
        annotations["file"] == nil && annotations["run"] == nil && annotations["runner"] == nil && annotations["skip"] == nil
    }

    /// What a lead-in that names a shell file has (`deploy.sh`, `backup.bash`).
    static let shellFileWords: Needles = [".sh", ".bash"]

    /// `path` names a dotenv file: `.env`, `.env.production`, `app.env`.
    static func isEnvironmentFile(_ path: String) -> Bool {
        let name = ShellText.fileName(path)
        return name == ".env" || name.hasPrefix(".env.") || name.hasSuffix(".env")
    }

    /// `code` is the text of the script its lead-in says to save as `path`: it starts with `#!`
    /// or `path` is a shell file's (`.sh`, `.bash`), and no line of it names the file (as
    /// `cat > deploy.sh <<'EOF'` or `chmod +x deploy.sh` would, which make or use it).
    static func isScript(_ code: String, savedAs path: String) -> Bool {
        let name = ShellText.fileName(path)
        return (code.hasPrefix("#!") || name.hasSuffix(".sh") || name.hasSuffix(".bash")) && !code.contains(name)
    }

    /// `leadInVerifies`: the lead-in prose matches `Patterns.verificationLeadIn`.
    mutating func isVerificationContext(leadInVerifies: Bool) -> Bool {
        if leadInVerifies { return true }
        // The innermost heading verifies when it starts with a verification word; any heading
        // above does when it names verification as its subject ("End-to-end verification").
        let innermost = currentSection
        if innermost != 0, headingVerification(innermost).opens { return true }
        for index in stack where index != 0 && headingVerification(index).subject { return true }
        return false
    }

    /// The programs that make, edit or remove files, which a check does not run.
    static let fileChangingPrograms: WordSet = [
        "rm", "rmdir", "unlink", "mkdir", "touch", "mv", "cp", "ln", "chmod", "chown", "chgrp", "tee", "install",
        "nano", "vim", "vi", "emacs", "truncate",
    ]

    /// True when a command of a line's `words` makes, edits or removes a file (`sed -i` too).
    static func changesFiles(_ words: [String]) -> Bool {
        var changes = false
        ShellText.forEachCommand(in: words) { command in
            guard !changes, let (name, args) = ShellText.programName(of: command) else { return }
            changes = fileChangingPrograms.contains(name) || (name == "sed" && args.contains { $0.hasPrefix("-i") })
        }
        return changes
    }

    /// What a heading says about verification, read once per heading.
    mutating func headingVerification(_ index: Int) -> (opens: Bool, subject: Bool) {
        if index < headingVerifies.count, let known = headingVerifies[index] { return known }
        let title = sections[index].title
        let verdict = (
            opens: Patterns.matches(Patterns.verificationOpening, title, ifAny: Patterns.verificationWords),
            subject: Patterns.matches(Patterns.verificationSubject, title, ifAny: Patterns.verificationWords)
        )
        // One nil per new heading: appending a `repeatElement` goes through the generic
        // sequence path, several hundred instructions for the one or two slots it adds.
        while headingVerifies.count < sections.count { headingVerifies.append(nil) }
        headingVerifies[index] = verdict
        return verdict
    }

    func defaultTarget() -> TargetRef {
        if let name = settings.defaultTarget { return TargetRef(name: name, reason: "front-matter") }
        if let statedDefault { return statedDefault }
        if sessionLeft {
            var back = TargetRef.local
            back.reason = "exit"
            return back
        }
        return .local
    }

    /// The machine a file `code` names was saved on, when the guide said where to save it
    /// ("On your laptop, create `~/wg0.conf`:" before `sudo wg-quick up ~/wg0.conf`): the
    /// last such file the code names.
    func savedFileTarget(_ code: String) -> TargetRef? {
        guard !savedFiles.isEmpty else { return nil }
        return savedFiles.last { code.containsBytes($0.path) }?.target
    }

    /// A target named by an annotation, the lead-in prose, a list item the block is in, or a
    /// heading.
    mutating func statedTarget(leadIn: String?, annotations: [String: String] = [:]) -> TargetRef? {
        if let name = annotations["on"] {
            ensureTarget(name, line: body.blocks.last?.range.startLine ?? 0, source: "annotation")
            return TargetRef(name: name, user: annotations["user"], reason: "annotation")
        }
        // The lead-in first, then the list items the block is in and the headings, each from
        // the innermost out; the first that names a place decides.
        if let leadIn {
            let leadNode: MarkdownNode? = if case .paragraph(_, let node) = previous { node } else { nil }
            if let stated = target(
                statedBy: StatedPlace(leadIn, wholeText: false, codeSpans: leadNode?.codeSpans ?? []), reason: "prose")
            {
                return stated
            }
        }
        for index in enclosingItems.indices.reversed() where enclosingItems[index].text != leadIn {
            if enclosingItems[index].place == nil {
                enclosingItems[index].place = StatedPlace(enclosingItems[index].text, wholeText: false)
            }
            if let stated = target(statedBy: enclosingItems[index].place!, reason: "prose") { return stated }
        }
        while headingPlaces.count < sections.count { headingPlaces.append(nil) }
        for index in stack.reversed() where index != 0 {
            // Most guides have no label: no hashing for them.
            if !sectionLabels.isEmpty, let label = sectionLabels[index], let stated = target(statedBy: label, reason: "prose") {
                return stated
            }
            if headingPlaces[index] == nil {
                // A section's heading may end with its machine ("Prometheus on mon-01"); the
                // guide's title ("Disk almost full on a web node") says what it is about.
                headingPlaces[index] = StatedPlace(sections[index].title, wholeText: true, closingOn: index != titleSection)
            }
            if let stated = target(statedBy: headingPlaces[index]!, reason: "heading") { return stated }
        }
        return nil
    }

    /// The target a sentence or heading names, or nil when it names no place.
    mutating func target(statedBy place: StatedPlace, reason: String) -> TargetRef? {
        let line = body.blocks.last?.range.startLine ?? 0
        // A machine named by its job is a target of its own ("On the web servers:"), unless
        // the person is logged in to it: after `ssh web01`, "On the web server:" is web01.
        if let job = place.machine?.job {
            if let session, place.machine?.names(session: session.name) == true,
                let loggedIn = loggedIn(calling: job, reason: reason)
            {
                return loggedIn
            }
            if place.machine?.plural == false, let name = loginJobs[job], !boundByFrontMatter(job) {
                return TargetRef(name: name, user: session?.name == name ? session?.user : nil, reason: reason)
            }
            ensureTarget(job, line: line, source: reason)
            return TargetRef(name: job, reason: reason)
        }
        let prose = place.prose
        if place.machine == nil, prose.localAt != Int.max, prose.localAt <= prose.remoteAt {
            return TargetRef(name: "local", reason: reason)
        }
        guard let remoteNoun = place.machine?.noun ?? prose.remoteNoun else {
            // "On web01:": the machine an `ssh` line to that host would log in to.
            guard let host = place.host?.host else { return nil }
            let name = SSHLine.targetName(host: host)
            if let session, session.name == name { return TargetRef(name: name, user: session.user, reason: reason) }
            ensureTarget(name, line: line, source: reason)
            return TargetRef(name: name, reason: reason)
        }
        let noun = remoteNoun.lowercased()
        let name = noun.hasPrefix("ec2") ? "ec2" : noun.hasPrefix("bastion") ? "bastion" : noun == "vm" ? "vm" : "server"
        // A person already logged in calls that host "the server".
        if let loggedIn = loggedIn(calling: name, reason: reason) { return loggedIn }
        ensureTarget(name, line: line, source: reason)
        return TargetRef(name: name, reason: reason)
    }

    /// The targets a machine noun alone names ("On the server"), and this machine.
    static let machineNouns: Set<String> = ["local", "server", "ec2", "vm", "bastion"]

    /// The open session's machine, as the person logged in to it calls it `name`; nil when no
    /// session is open or the front matter binds `name` to a machine of its own.
    func loggedIn(calling name: String, reason: String) -> TargetRef? {
        guard let session = session ?? cameBackFrom, session.name != "local", !boundByFrontMatter(name) else { return nil }
        return TargetRef(name: session.name, user: session.user, reason: reason)
    }

    /// The front matter binds a machine of this name: prose that calls a machine so means it.
    func boundByFrontMatter(_ name: String) -> Bool {
        targets.contains { $0.name == name && $0.source == "front-matter" }
    }

    /// Where a sentence or heading says its commands run: "on your laptop", "on the server".
    mutating func ensureTarget(_ name: String, line: Int, source: String) {
        guard !targets.contains(where: { $0.name == name }) else { return }
        targets.append(TargetDecl(name: name, uri: nil, hosts: [], line: line, source: source))
    }

    /// The path a lead-in that ends with a colon says to save the block as, its code spans as
    /// written (`app.py` names a file where app.py may not).
    func leadInSavedPath(_ leadIn: String?) -> String? {
        leadInWithCode(leadIn).flatMap(Text.savedPath)
    }

    /// The file such a lead-in says to add the block to (`Text.addedToPath`).
    func leadInAddedToPath(_ leadIn: String?) -> String? {
        leadInWithCode(leadIn).flatMap(Text.addedToPath)
    }

    /// The lead-in paragraph before this block, when it ends with a colon, with its code spans
    /// in backticks.
    func leadInWithCode(_ leadIn: String?) -> String? {
        guard leadIn?.hasSuffix(":") == true, case .paragraph(_, let leadNode) = previous else { return nil }
        return leadNode.children.map { $0.kind == .code ? "`\($0.literal)`" : $0.plainText }.joined()
    }

    /// Splits a block at bare `ssh host`, `sudo -iu user` and `exit` lines, which move the
    /// person between machines and users, and adds a step for each non-empty part.
    /// `savedPath`: the file the caller already knows the block is to be saved as: its display
    /// title's (```` ```ini title="/etc/app.ini" ````), or its lead-in's; else the lead-in is read.
    mutating func addBlockSteps(
        node: MarkdownNode, code: String, codeLine: Int, language: String, kind: StepKind,
        isConsole: Bool, leadIn: String?, annotations: [String: String],
        shellLines: (logical: [ShellLine], physical: [Substring])? = nil, savedPath: String? = nil,
        checksByHeading: Bool = false
    ) {
        let stated = statedTarget(leadIn: leadIn, annotations: annotations)
        guard kind == .command || kind == .verification else {
            // "Save this as `app.py`:" over a block without `file=`: runbook does not guess
            // where to write, so saving it is the person's step, in its place in the run.
            // A title that is a path (MkDocs's and Docusaurus's `title="/etc/…"`) says the same.
            var kind = kind
            var savedAs: String?
            // "Add to `/etc/caddy/Caddyfile`:": an edit of a file with more in it, the person's.
            var addedTo: String?
            if kind == .artifact, Self.saysNothingOfRunning(annotations) {
                if let path = savedPath ?? leadInSavedPath(leadIn) {
                    savedAs = path
                    kind = .manual
                } else if let path = leadInAddedToPath(leadIn) {
                    addedTo = path
                    kind = .manual
                }
            }
            let place = stated ?? session ?? defaultTarget()
            var step = makeStep(
                kind: kind, node: node, codeLine: codeLine, language: language, code: code,
                target: kind == .manual ? (stated ?? .person) : place)
            step.annotations = annotations
            step.savedAs = savedAs
            if let savedAs, let stated, savedAs.utf8.count >= 4 { savedFiles.append((savedAs, stated)) }
            if kind == .manual {
                // Not when the lead-in says it already ("On the server, create …:").
                let saysWhere = leadIn.map {
                    $0.includes("on the \(place.name)") || $0.opens(with: "on \(place.name)")
                        || $0.includes("on every \(place.name)") || $0.includes("on each \(place.name)")
                }
                let on = (savedAs ?? addedTo) != nil && place.name != "local" && saysWhere != true ? "On \(place.name): " : ""
                let said = leadIn ?? savedAs.map { "Save this as \($0):" }
                step.instructions = [said.map { on + $0 }, code].compactMap { $0 }.joined(separator: "\n")
            }
            step.expectations = explicitExpectations(
                annotations, runs: step.annotations["run"] != nil || step.annotations["runner"] != nil)
            steps.append(step)
            return
        }
        // "Keep this session open and test from a new terminal:" over a bare `ssh deploy@host`:
        // a check, from this machine, that the new login works before the old one ends, not a
        // move there (the steps after it go on in the session the person kept open).
        if stated == nil, let leadIn, leadIn.includesAny(Patterns.loginTestPhrases), !code.contains("\n"),
            code.hasPrefix("ssh "), SSHLine.parse(ShellText.words(code))?.isBare == true
        {
            var step = makeStep(
                kind: .verification, node: node, codeLine: codeLine, language: language,
                code: "ssh -o BatchMode=yes " + code.dropFirst(4).trimmedInline + " true",
                target: TargetRef(name: "local", reason: "prose"))
            step.annotations = annotations
            step.expectations = explicitExpectations(annotations, runs: true)
            steps.append(step)
            return
        }
        // A block the guide says runs elsewhere ("On your laptop:") is out of the container.
        if stated != nil { leaveShellInside() }
        // `sudo su - postgres` earlier, then a block that opens with `sudo`: a service account
        // has no sudo, so the person types it as their own user (the guide left out an `exit`
        // or means another terminal). The session as postgres goes on after it: `pg_upgrade`
        // after `sudo systemctl stop postgresql` is still postgres's.
        let ownUser: TargetRef? =
            if stated == nil, let user = session?.user, Self.serviceAccounts.contains(user), let base = sessionStack.last,
                Self.opensWithSudo(code)
            {
                // Where the switch was typed, as the session placed it.
                TargetRef(name: (base ?? defaultTarget()).name, user: base?.user, reason: "session")
            } else {
                nil
            }
        // "Back on your laptop, …:": the person has left the machine they logged in to, and
        // the blocks after this one run here too.
        if stated?.name == "local", session != nil, leadIn?.includesAny(Patterns.comingBack) == true {
            cameBackFrom = session
            session = nil
            sessionStack.removeAll()
            sessionLeft = true
        }
        var script = code
        var consoleOutput: [String] = []
        if isConsole { (script, consoleOutput) = Self.splitConsole(code) }
        var target = stated ?? savedFileTarget(code) ?? ownUser ?? session ?? defaultTarget()
        // `ssh admin@$HOST "sudo cp …"` while the session on $HOST is open: the person gives
        // that command from their own machine (on the server it would log in to itself).
        if stated == nil, let open = session, code.utf8.starts(with: "ssh ".utf8),
            let ssh = SSHLine.parse(ShellText.words(code.utf8.firstIndex(of: 0x0A).map { String(code[..<$0]) } ?? code)),
            !ssh.isBare,
            hostTargets[ssh.hostKey] == open.name
        {
            target = TargetRef(name: "local", reason: "ssh-command")
        }
        // DigitalOcean's `super_user` blocks are typed at root's prompt.
        if language.lowercased() == "super_user", target.user == nil { target.user = "root" }
        // "As root:" runs this block as that user, wherever it runs.
        if stated?.reason != "annotation", let leadIn, case .paragraph(_, let leadNode) = previous,
            let user = Patterns.runsAsUser(leadIn, codeSpans: leadNode.codeSpans)
        {
            target.user = user
        }
        var segmentLines: [Substring] = []
        var segmentStart = 0
        // The segment's traits, gathered from the words each line is split into anyway.
        var segmentTraits = CommandTraits()
        // A heading's test ("Testing PHP with Nginx") makes and removes what it tests with
        // (`nano info.php`, `sudo rm info.php`): such a part sets up or cleans up, checks nothing.
        var segmentChangesFiles = false
        var opened: String?
        let physical = shellLines?.physical ?? script.lines
        // "(it will ask for the password):" before the block: what it runs waits for a person.
        let toldOfTheBlockBefore = if case .paragraph(_, let lead) = previous { lead === askedOfTheBlockBefore } else { false }
        let leadInAsks =
            (kind == .command || kind == .verification) && !toldOfTheBlockBefore && leadIn.map(Patterns.leadInAsks) == true
        // "Watch the logs until you see `listening on :8080`:": what a follow step waits for.
        var awaited: [String] = []
        if let leadIn, case .paragraph(_, let leadNode) = previous {
            awaited = Patterns.awaitedOutput(leadIn, codeSpans: leadNode.codeSpans)
        }
        func flush(_ reader: inout Reader, nextStart: Int) {
            defer {
                segmentLines = []
                segmentStart = nextStart
                segmentTraits = CommandTraits()
                segmentChangesFiles = false
            }
            let isBlank = { (line: Substring) in line.utf8.allSatisfy(ASCII.isBlank) }
            guard let first = segmentLines.firstIndex(where: { !isBlank($0) }),
                let last = segmentLines.lastIndex(where: { !isBlank($0) }),
                segmentLines.contains(where: { !isBlank($0) && !$0.trimmedInline.hasPrefix("#") })
            else { return }
            let text = segmentLines.joinedLines()
            let code = first == 0 && last == segmentLines.count - 1 ? text : segmentLines[first...last].joinedLines()
            if let inside = reader.insideShell {
                // Typed in a container's shell: the person's, with how to get there.
                var step = reader.makeStep(
                    kind: .manual, node: node, codeLine: codeLine + (isConsole ? 0 : segmentStart + first),
                    language: language, code: code, target: .person)
                step.instructions = "In a shell in \(inside.place) (`\(inside.entry)`):\n" + code
                reader.steps.append(step)
                return
            }
            var step = reader.makeStep(
                kind: segmentChangesFiles ? .command : kind, node: node,
                codeLine: codeLine + (isConsole ? 0 : segmentStart + first), language: language, code: code, target: target)
            step.annotations = annotations
            step.traits = segmentTraits
            if leadInAsks { step.traits.interactive = true }
            if let follow = annotations["follow"], !follow.isEmpty {
                step.traits.follows = AnnotationParser.seconds(follow) != nil
            }
            if let interactive = annotations["interactive"] { step.traits.interactive = AnnotationParser.isTrue(interactive) }
            step.expectations = reader.explicitExpectations(annotations, runs: true)
            if step.traits.follows { step.expectations += awaited.map { .outputContains($0) } }
            step.expectations += Self.shouldOutputComments(text).map(Patterns.expectation(forShown:))
            step.expectations += consoleOutput.filter { !Patterns.isVolatileOutput($0) }.map(Patterns.expectation(forShown:))
            step.opensSession = opened
            opened = nil
            reader.steps.append(step)
        }
        for line in shellLines?.logical ?? ShellText.logicalLines(physical: physical) {
            let text = line.text.trimmedInline
            let words = line.isHeredocBody ? [] : ShellText.words(text)
            if !line.isHeredocBody, let ssh = SSHLine.parse(words), ssh.isBare, stated?.reason != "annotation" {
                let before = steps.count
                flush(&self, nextStart: line.offset + line.span)
                sessionStack.append(session)
                // "## On the load balancer" over `ssh admin@$HOST`: the login reaches the machine
                // the heading names by its job or host, which takes the address.
                let headed: String? =
                    if let stated, stated.reason == "heading", hostTargets[ssh.hostKey] == nil,
                        !Self.machineNouns.contains(stated.name), !boundByFrontMatter(stated.name),
                        targets.first(where: { $0.name == stated.name })?.uri == nil
                    { stated.name } else { nil }
                let name = sessionTarget(for: ssh, line: codeLine + line.offset, named: headed)
                if let job = Patterns.loginJob(leadIn), job != name, loginJobs[job] == nil {
                    loginJobs[job] = name
                }
                session = TargetRef(name: name, reason: "session")
                target = session!
                // The part before the ssh line records the session it opens; else the part after.
                if steps.count > before { steps[steps.count - 1].opensSession = name } else { opened = name }
                continue
            }
            if !line.isHeredocBody, let user = Self.userSwitch(words), stated?.reason != "annotation" {
                flush(&self, nextStart: line.offset + line.span)
                sessionStack.append(session)
                let base = session ?? (stated == nil ? machineOfTheLastStep() : nil) ?? target
                session = TargetRef(name: base.name, user: user, reason: "session")
                target = session!
                continue
            }
            if !line.isHeredocBody, let place = ShellText.shellInside(words), stated?.reason != "annotation" {
                flush(&self, nextStart: line.offset + line.span)
                sessionStack.append(session)
                // The line itself is a step only if nothing is typed in that shell after it.
                var entry = makeStep(
                    kind: kind, node: node, codeLine: codeLine + line.offset, language: language, code: text, target: target)
                entry.annotations = annotations
                ShellText.addTraits(of: line.text, words: words, to: &entry.traits)
                entry.traits.interactive = true
                entry.expectations = explicitExpectations(annotations, runs: true)
                insideShell = ShellInside(entry: text, place: place, alone: entry, stepsBefore: steps.count)
                continue
            }
            if !line.isHeredocBody, words == ["exit"] || words == ["logout"] || words == ["exit", "0"],
                !sessionStack.isEmpty
            {
                flush(&self, nextStart: line.offset + line.span)
                if insideShell != nil {
                    leaveShellInside()
                } else {
                    session = sessionStack.removeLast()
                    sessionLeft = session == nil
                }
                // Back where the block began, as its `exit` says.
                target =
                    session
                    ?? {
                        var back = defaultTarget()
                        back.reason = "exit"
                        return back
                    }()
                continue
            }
            let renewed = segmentTraits.renewsLogin
            if !line.isHeredocBody { ShellText.addTraits(of: line.text, words: words, to: &segmentTraits) }
            if checksByHeading, !segmentChangesFiles, !line.isHeredocBody { segmentChangesFiles = Self.changesFiles(words) }
            for k in 0..<line.span where line.offset + k < physical.count {
                segmentLines.append(physical[line.offset + k])
            }
            // `newgrp docker`: the lines after it are typed in the new login, a step of their own.
            if !renewed && segmentTraits.renewsLogin { flush(&self, nextStart: line.offset + line.span) }
        }
        flush(&self, nextStart: physical.count)
    }

    /// "Connect with `ssh ubuntu@10.20.30.40` and run:": a sentence that gives the `ssh`
    /// command logs the person in as a bare `ssh` line in a block does; the blocks after it
    /// run there. So "Log in as postgres: `sudo -iu postgres`." switches the user as that line
    /// in a block does. Not under a condition ("If `ssh …` times out, …") or a warning ("Never
    /// run `sudo su` …"). Returns the span.
    mutating func openSession(saidIn node: MarkdownNode, text: String) -> String? {
        guard text.includesAny(Self.loginHints) else { return nil }
        let opening = text.prefix { $0 != " " }.lowercased()
        guard !["if", "when", "unless", "should", "whenever", "never", "don't", "avoid", "instead"].contains(opening)
        else { return nil }
        for span in node.codeSpans where span.hasPrefix("ssh ") || span.hasPrefix("su") {
            let words = ShellText.words(span)
            if let ssh = SSHLine.parse(words), ssh.isBare {
                sessionStack.append(session)
                session = TargetRef(name: sessionTarget(for: ssh, line: node.range.startLine), reason: "session")
                return span
            }
            if let user = Self.userSwitch(words) {
                sessionStack.append(session)
                session = TargetRef(
                    name: (session ?? machineOfTheLastStep() ?? defaultTarget()).name, user: user, reason: "session")
                return span
            }
        }
        return nil
    }

    /// What a sentence that logs in (`ssh host`) or switches the user (`userSwitch`) has.
    static let loginHints: Needles = ["ssh ", "sudo -i", "sudo su", "sudo -u", "sudo -s", "sudo bash", "sudo sh", "su -"]

    /// What a guide calls a machine when it gives its login on a line of its own, and the
    /// target that is.
    static let machineLabels: [String: String] = [
        "server": "server", "host": "server", "ssh": "server", "login": "server", "ssh login": "server",
        "machine": "server", "droplet": "server", "instance": "server", "vps": "server", "box": "server",
        "bastion": "bastion", "jump host": "bastion", "vm": "vm", "ec2": "ec2", "ec2 instance": "ec2",
    ]

    /// "**Server:** `deploy@203.0.113.10`": a line that gives a machine's login, and nothing
    /// else, is its address; "On the server:" blocks run there.
    mutating func declareAddress(saidIn node: MarkdownNode, text: String) {
        guard text.containsByte(UInt8(ascii: "@")), let colon = text.firstIndex(of: ":"),
            let name = Self.machineLabels[text[..<colon].trimmed.lowercased()]
        else { return }
        let value = String(text[text.index(after: colon)...].trimmed)
        guard value.contains("@"), !value.contains(" "), node.codeSpans.contains(value),
            let ssh = SSHLine.parse(["ssh", value])
        else { return }
        _ = sessionTarget(for: ssh, line: node.range.startLine, named: name)
    }

    /// Back out of a container's shell (`insideShell`) to the session it was opened in.
    mutating func leaveShellInside() {
        guard let inside = insideShell else { return }
        if steps.count == inside.stepsBefore {
            steps.append(inside.alone)
        } else {
            let typed = steps.count - inside.stepsBefore
            diagnostics.append(
                Diagnostic(
                    rule: ReaderFinding.shellInside, severity: .warning, location: location(inside.alone.codeLine),
                    message:
                        "\(typed == 1 ? "the step" : "the \(typed) steps") after `\(inside.entry)` \(typed == 1 ? "is" : "are") typed in a shell in \(inside.place), where a run has none: a person's to do",
                    fix:
                        "give each command to it without a shell (`docker exec db psql …`, `kubectl exec api-0 -- …`), or annotate the blocks kind=manual"
                ))
        }
        insideShell = nil
        session = sessionStack.popLast() ?? nil
    }

    /// The target an `ssh` line logs in to, declared on first sight: named after its host
    /// (`web01`, `server` for an address), or `named` as the guide calls the machine.
    mutating func sessionTarget(for ssh: SSHLine, line: Int, named: String? = nil) -> String {
        let key = ssh.hostKey
        if let existing = hostTargets[key] { return existing }
        var name = named ?? ssh.targetName
        // A placeholder host (`ssh ubuntu@your-server-ip`) names the machine but gives no
        // address: the target stays unbound until --target or an inventory binds it.
        let address = ssh.hostIsPlaceholder ? (uri: String?.none, hosts: [String]()) : (ssh.uri, [ssh.host])
        if let declared = targets.first(where: { $0.name == name }) {
            if declared.source == "front-matter" || declared.uri == nil {
                // A front-matter binding or an earlier prose mention names the same machine.
                if declared.uri == nil, let i = targets.firstIndex(where: { $0.name == name }) {
                    targets[i].uri = address.uri
                    targets[i].identity = ssh.identity
                    targets[i].jump = ssh.jump
                    targets[i].proxyCommand = ssh.proxyCommand
                    targets[i].hosts = address.hosts
                    // Named by prose before: where the address is given is now its line (what
                    // lint's placeholder check reads). An earlier ssh line keeps its own.
                    if targets[i].source != "ssh-line" { targets[i].line = line }
                    targets[i].source = "ssh-line"
                }
                hostTargets[key] = name
                return name
            }
            var n = 2
            while targets.contains(where: { $0.name == "\(name)-\(n)" }) { n += 1 }
            name = "\(name)-\(n)"
        }
        hostTargets[key] = name
        var declared = TargetDecl(
            name: name, uri: address.uri, identity: ssh.identity, jump: ssh.jump, hosts: address.hosts, line: line,
            source: "ssh-line")
        declared.proxyCommand = ssh.proxyCommand
        targets.append(declared)
        return name
    }

    /// What starts a shell after `sudo` (`sudo bash`, `sudo -u USER -s`): asked of every line.
    static let sudoShells: Set<String> = ["bash", "sh", "-s"]

    /// The accounts of services, which are not allowed sudo.
    static let serviceAccounts: WordSet = [
        "postgres", "mysql", "redis", "mongodb", "www-data", "nginx", "elasticsearch", "rabbitmq", "kafka", "zookeeper",
    ]

    /// The block's first command runs through sudo (`sudo systemctl restart nginx`, `sudo -u
    /// postgres psql -c …`), which only a user with sudo types; not a switch of user (`sudo su
    /// -`, `sudo -iu app`), which `userSwitch` reads.
    static func opensWithSudo(_ code: String) -> Bool {
        guard code.containsBytes("sudo "), let first = ShellText.commandLines(ShellText.logicalLines(code)).first
        else { return false }
        let words = ShellText.words(first.text)
        return words.first == "sudo" && words.count >= 2 && words[1] != "su" && userSwitch(words) == nil
    }

    /// `sudo -iu USER`, `sudo -u USER -i`, `sudo su - USER`, `su - USER` (`su`, `su -l`),
    /// `sudo -i`, `sudo su`, and a shell started through sudo: `sudo bash`, `sudo -u USER bash`
    /// (`-s` alike). Run as a command, such a shell would read nothing and end, and what the
    /// person typed in it would run as the user before.
    static func userSwitch(_ words: [String]) -> String? {
        // `su`, `su -`, `su -l` (root's password, where a run uses sudo), `su - app`, `su -l app`.
        if words.first == "su" {
            let rest = words.dropFirst().filter { $0 != "-" && $0 != "-l" && $0 != "--login" }
            guard rest.count <= 1, rest.first.map({ !$0.hasPrefix("-") }) ?? true else { return nil }
            return rest.first ?? "root"
        }
        switch words.count {
        case 2
        where words == ["sudo", "-i"] || words == ["sudo", "su"] || (words[0] == "sudo" && sudoShells.contains(words[1])):
            return "root"
        case 4 where words[0] == "sudo" && words[1] == "-u" && sudoShells.contains(words[3]):
            return words[2]
        case 3 where words == ["sudo", "su", "-"]:
            return "root"
        case 3 where words[0] == "sudo" && words[1] == "-iu":
            return words[2]
        case 3 where words[0] == "sudo" && words[1] == "su" && !words[2].hasPrefix("-"):
            return words[2]
        case 4 where words[0] == "sudo" && words[1] == "su" && words[2] == "-":
            return words[3]
        case 4 where words[0] == "sudo" && words[1] == "-u" && words[3] == "-i":
            return words[2]
        case 4 where words[0] == "sudo" && words[1] == "-i" && words[2] == "-u":
            return words[3]
        default:
            return nil
        }
    }

    func explicitExpectations(_ annotations: [String: String], runs: Bool) -> [Expectation] {
        var out: [Expectation] = []
        if runs { out.append(.exitStatus(annotations["expect-exit"].flatMap(Int.init) ?? 0)) }
        if let text = annotations["expect-output"] { out.append(.outputContains(text)) }
        if let pattern = annotations["expect-match"] { out.append(.outputMatches(pattern)) }
        if let statuses = annotations["expect-status"] { out.append(.httpStatus(statusCodes(statuses))) }
        return out
    }

    mutating func makeStep(
        kind: StepKind, node: MarkdownNode, codeLine: Int, language: String, code: String,
        target: TargetRef, section: Int? = nil
    ) -> Step {
        let sectionIndex = section ?? currentSection
        let active = branch ?? paragraphBranch
        return Step(
            number: 0, id: "", kind: kind, section: sectionIndex,
            location: location(node.range.startLine, node.range.startColumn), codeLine: codeLine,
            language: language, code: code, target: target, runs: false, choice: active?.group,
            option: active?.option, flow: !openDetails.isEmpty ? .optional : sections[sectionIndex].flow)
    }

    // MARK: - Variables

    typealias Assignment = (name: String, value: String, literal: Bool, line: Int, comment: String?)

    /// What a shell block of assignments is.
    enum AssignmentShape {
        /// Every command line is `[export] NAME=value`, each name once: the values to bind, each
        /// with the comment above its run of lines.
        case declarations([Assignment])
        /// Assignments only, but one name set twice ("# BEFORE … # AFTER"): an illustration of a
        /// file's contents, not declarations and not a script.
        case illustration
        /// Anything else, to run.
        case script
    }

    /// Reads a block's logical lines once for both assignment shapes.
    static func assignmentShape(_ lines: [ShellLine]) -> AssignmentShape {
        var out: [Assignment] = []
        var names: Set<String> = []
        var repeated = false
        // Declarations also need no heredoc, no well-known variable and no command substitution.
        var declarable = true
        var comment: [String] = []
        var runComment: String?
        for line in lines {
            let t = line.text.trimmedInline
            if t.isEmpty || t.hasPrefix("#") {
                if line.isHeredocBody { declarable = false }
                if t.isEmpty {
                    comment = []
                    runComment = nil
                } else {
                    comment.append(String(t.drop { $0 == "#" }).trimmedInline)
                }
                continue
            }
            guard !line.isHeredocBody, let (name, value, literal) = ShellText.parseAssignment(t) else { return .script }
            if !names.insert(name).inserted { repeated = true }
            if Text.wellKnownEnvironment.contains(name) || value.includes("$(") || value.includes("`") { declarable = false }
            if !comment.isEmpty {
                runComment = comment.joined(separator: " ")
                comment = []
            }
            out.append((name, value, literal, line.offset, runComment))
        }
        if repeated { return .illustration }
        return declarable && !out.isEmpty ? .declarations(out) : .script
    }

    /// Declares a variables block's names. `chosen`: its lead-in has the person take the
    /// values from what a step printed ("Note the ID of the newest snapshot, then:"), so a
    /// literal value is the guide's example, to be bound, not a default.
    mutating func declareBlock(_ assignments: [Assignment], codeLine: Int, chosen: Bool = false) {
        for a in assignments {
            declare(
                name: a.name, value: a.value, description: a.comment, line: codeLine + a.line, source: "block",
                literal: a.literal,
                example: chosen)
        }
    }

    /// Declares a variable found after the walk, where `line` puts it among the others.
    mutating func declareInFileOrder(
        name: String, value: String, description: String?, line: Int, source: String, literal: Bool = false
    ) {
        guard !declared.contains(name) else { return }
        declare(name: name, value: value, description: description, line: line, source: source, literal: literal)
        let added = variables.removeLast()
        variables.insert(added, at: variables.firstIndex { $0.location.line > line } ?? variables.count)
    }

    mutating func declare(
        name: String, value: String, description: String?, line: Int, source: String, literal: Bool = false,
        example: Bool = false
    ) {
        guard !declared.contains(name) else { return }
        declared.insert(name)
        let derived = !literal && ShellText.readsVariable(value)
        let required = !derived && (example || Placeholder.isPlaceholderValue(value))
        variables.append(
            Variable(
                name: name, defaultValue: value, required: required, derived: derived,
                secret: Text.isSecretName(name) || secretNames.contains(name), description: description,
                location: location(line), source: source))
    }

    // MARK: - Block text helpers

    /// `$ cmd` lines are commands; the lines after one are its expected output (lines before
    /// the first, such as a two-line prompt's first line, are no command's).
    static func splitConsole(_ code: String) -> (script: String, output: [String]) {
        var commands: [String] = []
        var output: [String] = []
        var continuing = false
        for raw in code.lines {
            let line = String(raw)
            if continuing {
                commands.append(line.hasPrefix("> ") ? String(line.dropFirst(2)) : line)
                continuing = line.hasSuffix("\\")
            } else if let start = ShellText.promptEnd(line) {
                let command = String(line[start...])
                commands.append(command)
                continuing = command.hasSuffix("\\")
            } else if !commands.isEmpty, !line.trimmedInline.isEmpty {
                output.append(line.trimmedInline)
            }
        }
        return (commands.joined(separator: "\n"), output)
    }

    /// `# Should output:` followed by `# text` lines.
    static func shouldOutputComments(_ code: String) -> [String] {
        // Without a `#` there is no comment to read.
        guard code.containsByte(UInt8(ascii: "#")) else { return [] }
        var out: [String] = []
        var collecting = false
        for raw in code.lines {
            let t = raw.trimmedInline
            if t.hasPrefix("#"), t.includesAny(Patterns.expectationWords),
                Text.matches(#"^#\s*(should (output|print|show|return)|expected( output)?)\s*:\s*$"#, t)
            {
                collecting = true
                continue
            }
            if collecting, t.hasPrefix("#") {
                let text = t.drop { $0 == "#" }.trimmedInline
                if !text.isEmpty { out.append(text) }
                continue
            }
            collecting = false
        }
        return out
    }
}

/// What a lead-in, list item or heading says about where its blocks run, read once.
struct StatedPlace {
    /// "On your laptop", "on the server".
    var prose: ProsePlace
    /// "On the web servers:".
    var machine: MachineByJob?
    /// "On web01:".
    var host: MachineByHost?

    /// What `text` says; `wholeText` for a heading. `codeSpans` are the text's inline code.
    /// A lead-in that is a place label ("Where to run: your laptop") says what its phrase does.
    /// `closingOn`: a heading may name its machine at its end ("Prometheus on mon-01").
    init(_ text: String, wholeText: Bool, closingOn: Bool = false, codeSpans: @autoclosure () -> [String] = []) {
        if !wholeText, let phrase = Patterns.placeLabel(text) {
            self.init(label: phrase)
        } else {
            // Where the machine's name starts, found once for both readings of it.
            let opening = Patterns.afterOnOrFrom(text) ?? (closingOn ? Patterns.afterClosingOn(text) : nil)
            self.init(
                prose: ProsePlace(text), machine: MachineByJob(opening: opening, wholeText: wholeText),
                host: MachineByHost(opening: opening, wholeText: wholeText, codeSpans: codeSpans()))
        }
    }

    /// Words a place label's phrase may open with before the place.
    static let labelPrepositions: Set<String> = ["on", "in", "inside", "into", "within", "from", "at"]

    private init(prose: ProsePlace, machine: MachineByJob?, host: MachineByHost?) {
        self.prose = prose
        self.machine = machine
        self.host = host
    }

    /// What a place label's phrase names: a machine or host as "On <phrase>:" would, else the
    /// first local or remote noun in it ("the terminal of your own computer (the host)" is local).
    init(label phrase: String) {
        // "inside the web VM" is on the web VM.
        let words = phrase.split(separator: " ", maxSplits: 1)
        let place = words.count == 2 && Self.labelPrepositions.contains(words[0].lowercased()) ? String(words[1]) : phrase
        let statement = "On \(place):"
        self.init(
            prose: ProsePlace(naming: phrase), machine: MachineByJob(statement, wholeText: false),
            host: MachineByHost(statement, wholeText: false))
    }
}

/// Where a sentence or heading says its commands run: "on your laptop", "on the server".
struct ProsePlace: Equatable {
    /// Where the local phrase starts (UTF-16 offset), `Int.max` when there is none.
    var localAt = Int.max
    /// Where the remote phrase starts, `Int.max` when there is none; the first one wins.
    var remoteAt = Int.max
    /// The remote phrase's noun (`EC2 instance`, `server`, `bastion`).
    var remoteNoun: String?

    init(_ text: String) {
        // Each phrase needs one of its nouns: most sentences have none, and are not copied.
        let local = text.includesAny(Patterns.localWords)
        let remote = text.includesAny(Patterns.remoteWords)
        if !local && !remote {
            self.init()
        } else if let bytes = ASCII.bytes(of: text) {
            self.init(ascii: bytes, local: local, remote: remote)
        } else {
            self.init(regex: text)
        }
    }

    /// No place named.
    private init() {}

    /// The first local or remote noun in a place label's phrase, wherever it stands.
    init(naming phrase: String) {
        let bytes = Array(phrase.utf8)
        if let local = ProsePhrase.local.firstNoun(in: bytes) { localAt = local.lowerBound }
        if let remote = ProsePhrase.remote.firstNoun(in: bytes) {
            remoteAt = remote.lowerBound
            remoteNoun = String(decoding: bytes[remote], as: UTF8.self)
        }
    }

    /// By bytes, for ASCII text (`ProsePhrase`); `local` and `remote` say which phrases'
    /// nouns the text has.
    private init(ascii bytes: [UInt8], local: Bool, remote: Bool) {
        if local, let m = ProsePhrase.local.match(in: bytes) {
            localAt = ProsePhrase.firstOccurrence(of: bytes[m.range], in: bytes)
        }
        if remote, let m = ProsePhrase.remote.match(in: bytes) {
            remoteAt = ProsePhrase.firstOccurrence(of: bytes[m.range], in: bytes)
            remoteNoun = String(decoding: bytes[m.noun], as: UTF8.self)
        }
    }

    /// The same by the two regexes (`Patterns.localProse`, `remoteProse`): for text that
    /// is not ASCII, and the definition the byte path is tested against.
    init(regex text: String) {
        if text.includesAny(Patterns.localWords),
            let local = Text.firstMatch(Patterns.localProse, in: text, options: [.caseInsensitive])
        {
            localAt = (text as NSString).range(of: local[0]).location
        }
        if text.includesAny(Patterns.remoteWords),
            let remote = Text.firstMatch(Patterns.remoteProse, in: text, options: [.caseInsensitive])
        {
            remoteAt = (text as NSString).range(of: remote[0]).location
            remoteNoun = remote[3]
        }
    }
}
