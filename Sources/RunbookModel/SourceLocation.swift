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
