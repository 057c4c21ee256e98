/// A position in a guide: 1-based line and column, as an editor shows them.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file the position is in, as the user named it.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in bytes as libcmark counts them.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and CI annotations understand.
    public var description: String { "\(file):\(line):\(column)" }
}

/// How bad a finding is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// Orders info < warning < error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The ids of what reading a guide reports about it: lint's `--disable` and suppressions take
/// them as rule ids, so they are named once here for the reader and for lint.
public enum ReaderFinding {
    /// Front matter that cannot be read.
    public static let frontMatter = "front-matter"
    /// Bytes that are not UTF-8.
    public static let encoding = "encoding"
    /// A `<details>` never closed.
    public static let unclosedDetails = "unclosed-details"
    /// Commands typed in a container's or VM's shell (`docker exec -it db bash`), a person's.
    public static let shellInside = "shell-inside"

    /// Each id with what it finds, for lint's help and SARIF's rule list.
    public static let all: [(id: String, summary: String)] = [
        (frontMatter, "front matter that cannot be read"), (encoding, "bytes that are not UTF-8"),
        (unclosedDetails, "a <details> never closed, which folds the rest of the guide"),
        (shellInside, "commands typed in a container's or VM's shell, which a run leaves to a person"),
    ]
}

/// A problem found in a user's input, reported with its location rather than thrown.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// Rule or category id, e.g. `bad-annotation`.
    public var rule: String
    /// How bad it is.
    public var severity: Severity
    /// Where it is.
    public var location: SourceLocation
    /// What happened and what to do, lower-case.
    public var message: String
    /// A suggested fix, when there is one.
    public var fix: String?

    /// Creates a diagnostic.
    public init(
        rule: String, severity: Severity, location: SourceLocation, message: String,
        fix: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.location = location
        self.message = message
        self.fix = fix
    }

    /// `file:line:col: severity: [rule] message`.
    public var formatted: String {
        "\(location): \(severity.rawValue): [\(rule)] \(message)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}
