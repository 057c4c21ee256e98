import Foundation
import RunbookModel

/// Where a bound value came from, highest precedence first.
public enum ValueSource: Sendable, Hashable, CustomStringConvertible {
    /// `--set NAME=VALUE`.
    case set
    /// A `--vars` file, with the line.
    case varsFile(path: String, line: Int)
    /// The process environment (declared names only).
    case environment
    /// The guide's default.
    case guideDefault
    /// A derived default evaluated after binding.
    case derived
    /// Nothing bound it.
    case unbound

    /// Short form for tables: `--set`, `prod.env:3`, `environment`, `default`, `derived`, `unbound`.
    public var description: String {
        switch self {
        case .set: "--set"
        case .varsFile(let path, let line): "\(path):\(line)"
        case .environment: "environment"
        case .guideDefault: "default"
        case .derived: "derived"
        case .unbound: "unbound"
        }
    }
}

/// A variable's value after binding.
public struct BoundValue: Sendable, Hashable {
    /// Name.
    public var name: String
    /// Value, nil when unbound.
    public var value: String?
    /// Where it came from.
    public var source: ValueSource
    /// The guide's declaration, nil for names bound but not declared.
    public var variable: Variable?
    /// Masked everywhere.
    public var secret: Bool
    /// The placeholder found in the value, if any: as written (`<aws-region>`), or for a
    /// secret only its kind (`<placeholder>`), since a secret's value is never shown.
    public var placeholder: String?

    /// Required and unbound, or bound to a placeholder: preflight refuses it.
    public var isMissing: Bool {
        guard let variable else { return false }
        if value == nil { return variable.required || variable.defaultValue == nil }
        if placeholder != nil, source != .derived { return true }
        return false
    }
}

/// What the user bound on the command line.
public struct BindingInput: Sendable {
    /// `--set` pairs in order.
    public var sets: [NamedValue]
    /// `--vars` files in order (later wins).
    public var varsFiles: [String]
    /// The process environment.
    public var environment: [String: String]

    /// Creates an input.
    public init(sets: [NamedValue] = [], varsFiles: [String] = [], environment: [String: String] = [:]) {
        self.sets = sets
        self.varsFiles = varsFiles
        self.environment = environment
    }
}

/// A `--set` that is not `NAME=VALUE`, or a broken `--vars` file.
public struct BindingError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with the file and line where there is one.
    public var description: String
}

/// Every variable's value, with its source: `--set` › `--vars` › environment › default.
public struct Binding: Sendable {
    /// Declared variables in guide order, then names bound but not declared.
    public var values: [BoundValue] { didSet { lookups = Lookups(values) } }

    /// What `display`, `resolved` and `mask` read, made once per set of values: they run for
    /// every step rendered, and building them per call made a guide of many variables and
    /// steps quadratic.
    private struct Lookups: Sendable {
        /// Bound values by name, secrets as `****`.
        var shown: [String: String] = [:]
        /// Bound values by name.
        var bound: [String: String] = [:]
        /// Secret values, longest first (a secret inside another is masked with it).
        var secrets: [String] = []

        init(_ values: [BoundValue]) {
            for v in values {
                guard let value = v.value else { continue }
                if shown[v.name] == nil { shown[v.name] = v.secret ? "****" : value }
                if bound[v.name] == nil { bound[v.name] = value }
                if v.secret, !value.isEmpty { secrets.append(value) }
            }
            secrets.sort { $0.count > $1.count }
        }
    }
    private var lookups: Lookups

    /// A binding of these values.
    public init(values: [BoundValue]) {
        self.values = values
        self.lookups = Lookups(values)
    }

    /// The value bound to `name`.
    public func value(_ name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// Values that must never be shown.
    public var secretValues: [String] {
        values.filter { $0.secret }.compactMap(\.value).filter { !$0.isEmpty }
    }

    /// Variables preflight refuses.
    public var missing: [BoundValue] { values.filter(\.isMissing) }

    /// Binds the guide's variables.
    public static func resolve(guide: Guide, input: BindingInput) throws(BindingError) -> Binding {
        var layers: [(String, String, ValueSource)] = []
        var fileValues: [String: String] = [:]
        for path in input.varsFiles {
            let entries: [DotenvEntry]
            do {
                entries = try Dotenv.load(path: path) { fileValues[$0] ?? input.environment[$0] }
            } catch {
                throw BindingError(description: error.description)
            }
            for entry in entries {
                guard let value = entry.value ?? input.environment[entry.name] else { continue }
                fileValues[entry.name] = value
                layers.append((entry.name, value, .varsFile(path: path, line: entry.line)))
            }
        }
        var explicit: [String: (String, ValueSource)] = [:]
        for (name, value, source) in layers { explicit[name] = (value, source) }
        for pair in input.sets { explicit[pair.name] = (pair.value, .set) }
        let secretNames = Set(guide.settings.secrets)

        var values: [BoundValue] = []
        for variable in guide.variables {
            let secret = variable.secret || secretNames.contains(variable.name)
            if let (value, source) = explicit[variable.name] {
                values.append(
                    BoundValue(
                        name: variable.name, value: value, source: source, variable: variable, secret: secret,
                        placeholder: Self.placeholder(in: value, secret: secret)))
            } else if let value = input.environment[variable.name] {
                values.append(
                    BoundValue(
                        name: variable.name, value: value, source: .environment, variable: variable, secret: secret,
                        placeholder: Self.placeholder(in: value, secret: secret)))
            } else if variable.derived {
                values.append(
                    BoundValue(
                        name: variable.name, value: nil, source: .derived, variable: variable, secret: secret, placeholder: nil))
            } else if let value = variable.defaultValue, !variable.required {
                values.append(
                    BoundValue(
                        name: variable.name, value: value, source: .guideDefault, variable: variable, secret: secret,
                        placeholder: nil))
            } else {
                values.append(
                    BoundValue(
                        name: variable.name, value: nil, source: .unbound, variable: variable, secret: secret,
                        placeholder: variable.defaultValue.flatMap { Self.placeholder(in: $0, secret: secret) }))
            }
        }
        for (name, (value, source)) in explicit.sorted(by: { $0.key < $1.key }) where !values.contains(where: { $0.name == name })
        {
            values.append(
                BoundValue(
                    name: name, value: value, source: source, variable: nil,
                    secret: Text.isSecretName(name) || secretNames.contains(name), placeholder: nil))
        }
        // Derived defaults, with shell semantics, once everything else is bound; repeat so a
        // default may refer to one declared after it.
        for _ in 0..<max(1, values.count) {
            var changed = false
            for i in values.indices where values[i].source == .derived {
                let known = Dictionary(values.compactMap { v in v.value.map { (v.name, $0) } }, uniquingKeysWith: { a, _ in a })
                let result = ShellExpansion.expand(values[i].variable?.defaultValue ?? "") { known[$0] ?? input.environment[$0] }
                let resolved = result.unresolved.isEmpty ? result.text : nil
                if resolved != values[i].value {
                    values[i].value = resolved
                    changed = true
                }
            }
            if !changed { break }
        }
        return Binding(values: values)
    }

    /// The placeholder in `value` as `BoundValue.placeholder` shows it.
    static func placeholder(in value: String, secret: Bool) -> String? {
        guard let found = Placeholder.first(in: value) else { return nil }
        return secret ? found.name : found.text
    }

    /// `text` with bound `${NAME}`/`$NAME` shown in place (secrets as `****`); unbound names stay.
    public func display(_ text: String) -> String {
        ShellExpansion.substitute(text) { lookups.shown[$0] }
    }

    /// `text` with bound values in place of `${NAME}`, secrets included: for what runbook
    /// itself uses (a target's address, an identity file's path), never for display.
    public func resolved(_ text: String) -> String {
        ShellExpansion.substitute(text) { lookups.bound[$0] }
    }

    /// Replaces every secret value in `text` with `****`.
    public func mask(_ text: String) -> String {
        var out = text
        // Found by bytes first: most text holds no secret, and Foundation's replacement
        // copies the text for each one.
        for secret in lookups.secrets where out.containsBytes(secret) {
            out = out.replacingOccurrences(of: secret, with: "****")
        }
        return out
    }
}

/// Parameter expansion as the shell does it for `$NAME`, `${NAME}`, `${NAME:-w}`, `${NAME-w}`,
/// `${NAME:=w}`, `${NAME:?m}` and `${NAME:+w}`, without running anything.
public enum ShellExpansion {
    /// The expanded text and the names that had no value.
    public static func expand(_ text: String, lookup: (String) -> String?) -> (text: String, unresolved: [String]) {
        var unresolved: [String] = []
        let out = rewrite(text) { name, op, word, _ in
            let value = lookup(name)
            switch op {
            case ":-": return (value?.isEmpty ?? true) ? expand(word, lookup: lookup).text : value!
            case "-": return value ?? expand(word, lookup: lookup).text
            case ":=": return (value?.isEmpty ?? true) ? expand(word, lookup: lookup).text : value!
            case ":+": return (value?.isEmpty ?? true) ? "" : expand(word, lookup: lookup).text
            default:
                if value == nil { unresolved.append(name) }
                return value ?? ""
            }
        }
        return (out, unresolved)
    }

    /// Replaces names that have a value; leaves the others as written (for display): `$host`
    /// in an nginx block and `$env:TOKEN` in PowerShell are shown as the guide has them.
    public static func substitute(_ text: String, lookup: (String) -> String?) -> String {
        rewrite(text) { name, op, word, written in
            if let value = lookup(name) { return value }
            if op == ":-" || op == "-" { return word }
            return written
        }
    }

    /// `text` with each expansion replaced by `replace(name, operator, word, as written)`.
    static func rewrite(_ text: String, _ replace: (String, String, String, String) -> String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var inSingle = false
        while i < chars.count {
            let c = chars[i]
            if c == "'" { inSingle.toggle() }
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "$" {
                out.append("$")
                i += 2
                continue
            }
            guard c == "$", !inSingle, i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            if chars[i + 1] == "{" {
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    out.append(c)
                    i += 1
                    continue
                }
                let inner = String(chars[(i + 2)..<close])
                let nameEnd = inner.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? inner.endIndex
                let name = String(inner[..<nameEnd])
                var rest = String(inner[nameEnd...])
                var op = ""
                for candidate in [":-", ":=", ":?", ":+", "-", "="] where rest.hasPrefix(candidate) {
                    op = candidate
                    rest.removeFirst(candidate.count)
                    break
                }
                let written = String(chars[i...close])
                if name.isEmpty || (!op.isEmpty && op == ":?") || (op.isEmpty && !rest.isEmpty) {
                    if op == ":?" { out += replace(name, "", "", written) } else { out += written }
                } else {
                    out += replace(name, op, rest, written)
                }
                i = close + 1
                continue
            }
            var j = i + 1
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
            let name = String(chars[(i + 1)..<j])
            if name.isEmpty || name.first!.isNumber {
                out.append(c)
                i += 1
                continue
            }
            out += replace(name, "", "", String(chars[i..<j]))
            i = j
        }
        return out
    }
}
