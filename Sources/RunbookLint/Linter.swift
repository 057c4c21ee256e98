import Foundation
import RunbookGuide
import RunbookMarkdown
import RunbookModel

/// One lint rule: an id, what it finds, and a check over a read guide. Findings are
/// `Diagnostic` values, the same type the reader reports problems with.
public protocol LintRule: Sendable {
    /// The rule's id, as in `--disable` and suppressions (`placeholder`).
    var id: String { get }
    /// One line on what it finds.
    var summary: String { get }
    /// The findings in one guide.
    func check(_ guide: LintedGuide) -> [Diagnostic]
}

/// What lint is asked to do.
public struct LintOptions: Sendable {
    /// Rule ids not to run.
    public var disabled: Set<String> = []
    /// A binding to check as well (`--vars`), with the file it came from.
    public var bindingFiles: [String] = []
    /// Run shellcheck on running blocks (when it is installed).
    public var shellcheck = true

    /// Every rule, shellcheck included.
    public init() {}
}

/// The outcome of linting one file.
public struct LintReport: Sendable {
    /// The file.
    public var path: String
    /// Findings after suppressions, in line order.
    public var findings: [Diagnostic]
    /// Notes for the person (shellcheck missing), not findings.
    public var notes: [String]
}

/// A guide as lint sees it: the step graph plus the source text for what the graph does not
/// keep (inline code, prose).
public struct LintedGuide: Sendable {
    /// The step graph.
    public let guide: Guide
    /// The file's text, as read.
    public let text: String
    /// Where each line (as `String.lines` splits them) is in `text`'s UTF-8: found once, a
    /// line made a `Substring` only when a rule asks for it (`line(_:)`); the scans of every
    /// line read its bytes instead (`forEachLine(_:)`).
    private let lineRanges: [Range<Int>]
    /// The binding being checked (`--vars`), if any.
    public let binding: Binding?
    /// The dotenv files that binding came from.
    public let bindingFiles: [String]
    /// The file's fenced code blocks, found once for every rule that needs them.
    public let fences: [Fence]
    /// For each line number (index 0 unused), whether it is a fence line or inside a block.
    private let fencedLines: [Bool]
    /// Steps that run as they stand: their code is shell that runbook would execute. Found
    /// once: six rules walk them.
    public let runningSteps: [Step]
    /// Each step's code lexed once (nil for a person's step), for the two variable rules.
    let scans: [ShellScan?]

    /// A guide and its source text, as the rules see them.
    init(guide: Guide, text: String, binding: Binding?, bindingFiles: [String]) {
        self.guide = guide
        self.text = text
        let lineRanges = text.withUTF8Bytes { bytes in
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(bytes.occurrences(of: 0x0A) + 1)
            bytes.forEachLine { ranges.append($1) }
            return ranges
        }
        self.lineRanges = lineRanges
        self.binding = binding
        self.bindingFiles = bindingFiles
        // The fences from the same line table: the lines are found once.
        self.fences = Fence.scan(walking: { Self.walk(text, lineRanges, $0) })
        var fenced = [Bool](repeating: false, count: lineRanges.count + 1)
        for fence in fences {
            for number in fence.lines where number < fenced.count { fenced[number] = true }
        }
        self.fencedLines = fenced
        // A shell block written to a file (`file=`) is not run.
        self.runningSteps = guide.steps.filter {
            $0.isExecutable && ($0.kind == .command || $0.kind == .verification) && $0.writesFile == nil
        }
        // What a step defines is looked for only where undefined-variable reads it.
        self.scans = guide.steps.map {
            $0.kind == .manual ? nil : ShellScan($0.code, definitions: UndefinedVariableRule.readsDefinitions(of: $0))
        }
    }

    /// True when line `number` is a fence line or inside a fenced block.
    public func isFenced(_ number: Int) -> Bool {
        number >= 0 && number < fencedLines.count && fencedLines[number]
    }

    /// How many lines the file has.
    public var lineCount: Int { lineRanges.count }

    /// Calls `body` with each line's number (1-based) and bytes, read in place from the line
    /// table: the scans of every line, which need no `Substring` for most lines.
    public func forEachLine(_ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        Self.walk(text, lineRanges, body)
    }

    /// Calls `body` with each line of `text` that `ranges` holds, numbered from 1.
    private static func walk(
        _ text: String, _ ranges: [Range<Int>], _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void
    ) {
        text.withUTF8Bytes { bytes in
            for (index, range) in ranges.enumerated() { body(index + 1, UnsafeBufferPointer(rebasing: bytes[range])) }
        }
    }

    /// Line `number` (1-based), or "" past the end: as `String.lines` has it.
    public func line(_ number: Int) -> Substring {
        guard number >= 1, number <= lineRanges.count else { return "" }
        let utf8 = text.utf8
        let range = lineRanges[number - 1]
        let from = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return Substring(utf8[from..<utf8.index(from, offsetBy: range.count)])
    }

    /// The first line of a step's code whose commands have a trait (nil when none alone does:
    /// the step has it from its annotations or the prose before it).
    public func firstLine(of step: Step, where test: (CommandTraits) -> Bool) -> Int? {
        let lines = step.code.lines
        return lines.indices.first { test(ShellText.traits(of: String(lines[$0]))) }
    }

    /// The location of `column` (1-based, in the code line) of the `index`th line of a step's
    /// code, in the guide: the block's first code line plus the offset, and the fence's
    /// indentation (a block inside a list item is indented in the file).
    public func location(of step: Step, codeLine index: Int, column: Int) -> SourceLocation {
        let number = step.codeLine + index
        let codeLines = step.code.lines
        var indent = 0
        if index < codeLines.count {
            // The source line ends with the code line (compared by bytes); what comes before
            // it, counted in characters, is the indentation.
            let source = line(number).utf8
            let code = codeLines[index].utf8
            if !code.isEmpty, source.count >= code.count {
                let start = source.index(source.endIndex, offsetBy: -code.count)
                if source[start...].elementsEqual(code) { indent = line(number)[..<start].count }
            }
        }
        return SourceLocation(file: guide.path, line: number, column: indent + column)
    }
}

/// Runs the rules over guides.
public enum Linter {
    /// Every rule, in the order the spec lists them, then the ones beyond its table.
    public static let rules: [any LintRule] = [
        PlaceholderRule(), UndefinedVariableRule(), UnusedVariableRule(), HardcodedSecretRule(),
        NeverEndingRule(), InteractiveRule(), DestructiveRule(), PipeToShellRule(), InsecureRule(),
        UnlabeledBlockRule(), AmbiguousTargetRule(), BadAnnotationRule(), ShellcheckRule(), UnwrittenFileRule(),
        ShellStartupRule(),
    ]

    /// What the reader itself reports about a guide, as findings of these ids (not rules
    /// that lint runs, but `--disable` and suppressions take them too).
    public static let readerRules = ReaderFinding.all

    /// Every id a finding can have: the rules', then the reader's.
    public static var ruleIDs: [String] { rules.map(\.id) + readerRules.map(\.id) }

    /// Lints files on as many threads as there are cores, results in the order given. Each
    /// thread takes the files a batch at a time: a batch's guides are read and checked one by
    /// one, and their blocks go to one shellcheck.
    public static func lint(paths: [String], options: LintOptions) -> [Result<LintReport, any Error>] {
        let forks = ProcessInfo.processInfo.activeProcessorCount
        let shellchecked = shellchecks(options)
        // What an interrupted lint left of shellcheck's scripts goes first.
        if shellchecked { ShellcheckRule.sweep() }
        let size = batchSize(guides: paths.count, forks: forks, shellchecked: shellchecked)
        let batches = stride(from: 0, to: paths.count, by: size).map { Array(paths[$0..<min($0 + size, paths.count)]) }
        return Fleet.map(batches, forks: forks) { lint(batch: $0, options: options) }.flatMap { $0 }
    }

    /// How many guides a batch takes. Without shellcheck, one: a batch is only for shellcheck,
    /// and the threads share the last guides out best one by one. With it, up to 16, small
    /// enough that every thread gets some: on the 100 generated guides, batches of 16 linted in
    /// 2.8–3.6 s, of 3 in 3.2–3.9 s and of 1 in 3.7–4.2 s (six runs each in turns), so a
    /// process costs more than the last batch running alone does.
    static func batchSize(guides: Int, forks: Int, shellchecked: Bool) -> Int {
        guard shellchecked else { return 1 }
        return max(1, min(16, (guides + forks - 1) / max(forks, 1)))
    }

    /// True when these options ask for shellcheck: on, and not disabled.
    static func asksShellcheck(_ options: LintOptions) -> Bool {
        options.shellcheck && !options.disabled.contains(ShellcheckRule.id)
    }

    /// True when lint runs shellcheck with these options: asked for, and installed.
    static func shellchecks(_ options: LintOptions) -> Bool {
        asksShellcheck(options) && ShellcheckRule.executable != nil
    }

    /// Lints one file. Throws only when it, or a binding file, cannot be read at all.
    public static func lint(path: String, options: LintOptions) throws -> LintReport {
        try lint(batch: [path], options: options)[0].get()
    }

    /// Lints `paths` one by one, then gives their blocks to one shellcheck.
    static func lint(batch paths: [String], options: LintOptions) -> [Result<LintReport, any Error>] {
        let shellchecked = shellchecks(options)
        let missing =
            asksShellcheck(options) && !shellchecked
            ? "shellcheck is not installed; its checks were skipped (apt-get install shellcheck)" : nil
        let read = paths.map { path in Result { try check(path: path, options: options, keeping: shellchecked) } }
        let linted = read.compactMap { try? $0.get().linted }
        let shellcheck = shellchecked ? ShellcheckRule().checked(linted) : []
        var next = 0
        return read.map { result in
            result.map { checked in
                var findings = checked.findings
                var notes = missing.map { [$0] } ?? []
                if shellchecked {
                    findings += shellcheck[next].findings
                    if let failure = shellcheck[next].failure {
                        notes.append("shellcheck failed on \(checked.path): \(failure); that guide has no shellcheck findings")
                    }
                    next += 1
                }
                // shellcheck cannot parse `<placeholder>` as shell; the placeholder error says it all.
                let placeholderLines = Set(
                    findings.filter { $0.rule == PlaceholderRule.id && $0.severity == .error }.map(\.location.line))
                findings.removeAll { $0.rule == ShellcheckRule.id && placeholderLines.contains($0.location.line) }
                findings = findings.filter { !checked.suppressions.suppresses($0) }
                findings.sort {
                    ($0.location.line, $0.location.column, $0.rule) < ($1.location.line, $1.location.column, $1.rule)
                }
                return LintReport(path: checked.path, findings: findings, notes: notes)
            }
        }
    }

    /// A guide read and checked by every rule but shellcheck, which runs over a batch.
    struct Checked {
        var path: String
        /// The rules' findings and the reader's own.
        var findings: [Diagnostic]
        /// What the guide's comments silence.
        var suppressions: Suppressions
        /// The guide, kept only for shellcheck to read (a batch's guides are otherwise let go
        /// one by one, as they are checked).
        var linted: LintedGuide?
    }

    /// Reads `path` and runs every rule on it but shellcheck; `keeping` keeps the guide for
    /// it. Throws only when it, or a binding file, cannot be read at all.
    static func check(path: String, options: LintOptions, keeping: Bool) throws -> Checked {
        let source = try GuideSource.load(path: path)
        let guide = GuideReader.read(source: source)
        var binding: Binding?
        if !options.bindingFiles.isEmpty {
            binding = try Binding.resolve(guide: guide, input: BindingInput(varsFiles: options.bindingFiles))
        }
        let linted = LintedGuide(
            guide: guide, text: source.markdown, binding: binding, bindingFiles: options.bindingFiles)
        var findings: [Diagnostic] = []
        for rule in rules where rule.id != ShellcheckRule.id && !options.disabled.contains(rule.id) {
            findings += rule.check(linted)
        }
        // The reader's own problems (front matter, encoding) are findings too.
        findings += guide.diagnostics.filter { $0.rule != BadAnnotationRule.id && !options.disabled.contains($0.rule) }
        return Checked(path: path, findings: findings, suppressions: Suppressions(linted), linted: keeping ? linted : nil)
    }
}

/// `<!-- runbook-lint disable=RULE[,RULE] -->` before a block silences those rules in it;
/// `<!-- runbook-lint disable-file=RULE[,RULE] -->` anywhere silences them in the file.
struct Suppressions {
    private var file: Set<String> = []
    private var ranges: [(rules: Set<String>, lines: ClosedRange<Int>)] = []

    init(_ linted: LintedGuide) {
        // Most files mention no suppression at all: one byte search of the whole text.
        guard linted.text.containsBytes("runbook-lint") else { return }
        for number in 1...linted.lineCount where !linted.isFenced(number) {
            let raw = linted.line(number)
            guard raw.containsBytes("runbook-lint") else { continue }
            let line = raw.trimmedInline
            guard line.hasPrefix("<!--") else { continue }
            for (key, value) in Self.settings(line) {
                let rules = Set(value.split(separator: ",").map { $0.trimmedInline })
                if key == "disable-file" { file.formUnion(rules) }
                // Up to the end of the next block; a later comment before that block wins.
                if key == "disable", let block = linted.fences.first(where: { $0.open > number }),
                    !((number + 1)..<block.open).contains(where: {
                        linted.line($0).contains("runbook-lint") && linted.line($0).contains("disable=")
                    })
                {
                    ranges.append((rules, number...block.close))
                }
            }
        }
    }

    static func settings(_ comment: String) -> [(String, String)] {
        let body = comment.replacingOccurrences(of: "<!--", with: "").replacingOccurrences(of: "-->", with: "")
            .replacingOccurrences(of: "runbook-lint", with: "")
        return body.split(separator: " ").compactMap { word in
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    func suppresses(_ finding: Diagnostic) -> Bool {
        if file.contains(finding.rule) { return true }
        return ranges.contains { $0.rules.contains(finding.rule) && $0.lines.contains(finding.location.line) }
    }
}

/// A fenced code block: its opening and closing lines (1-based; an unclosed block ends with
/// the file), its info string and the fence's indentation.
public struct Fence: Sendable, Equatable {
    /// The line of the opening fence.
    public var open: Int
    /// The line of the closing fence.
    public var close: Int
    /// What follows the opening fence (`bash`, `nginx`, or empty).
    public var info: String
    /// Spaces before the opening fence.
    public var indent: Int

    /// The fence lines and what is between them.
    public var lines: ClosedRange<Int> { open...close }

    /// The blocks in `text`, as CommonMark closes them: by a line of the same fence character,
    /// at least as long as the opening one. By bytes, each line's in place.
    static func scan(_ text: String) -> [Fence] {
        scan(walking: { text.forEachLineBytes($0) })
    }

    /// The blocks in the lines `walk` gives (each line's number, from 1, and bytes).
    static func scan(walking walk: ((Int, UnsafeBufferPointer<UInt8>) -> Void) -> Void) -> [Fence] {
        var fences: [Fence] = []
        var current: (marker: UInt8, length: Int, open: Int, info: String, indent: Int)?
        var lines = 0
        walk { number, bytes in
            lines = number
            // The fence characters are ASCII, and most lines start with neither.
            var first = 0
            while first < bytes.count, ASCII.isBlank(bytes[first]) { first += 1 }
            guard first < bytes.count, bytes[first] == UInt8(ascii: "`") || bytes[first] == UInt8(ascii: "~") else {
                return
            }
            let marker = bytes[first]
            var runEnd = first
            while runEnd < bytes.count, bytes[runEnd] == marker { runEnd += 1 }
            var rest = runEnd
            while rest < bytes.count, ASCII.isBlank(bytes[rest]) { rest += 1 }
            let run = runEnd - first
            if let block = current {
                if marker == block.marker, run >= block.length, rest == bytes.count {
                    fences.append(Fence(open: block.open, close: number, info: block.info, indent: block.indent))
                    current = nil
                }
            } else if run >= 3 {
                let info = String(decoding: UnsafeBufferPointer(rebasing: bytes[runEnd...]), as: UTF8.self)
                current = (marker, run, number, info.trimmedInline, bytes.prefix { $0 == UInt8(ascii: " ") }.count)
            }
        }
        if let block = current {
            fences.append(Fence(open: block.open, close: lines, info: block.info, indent: block.indent))
        }
        return fences
    }
}
