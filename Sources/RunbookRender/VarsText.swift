import Foundation
import RunbookGuide
import RunbookModel

/// `runbook vars` output: the table, the JSON and the dotenv skeleton.
public enum VarsText {
    /// A table of every variable with its value (secrets masked) and where it came from.
    public static func table(_ binding: Binding) -> String {
        guard !binding.values.isEmpty else { return "no variables declared\n" }
        let nameWidth = binding.values.map(\.name.count).max()!
        var out: [String] = []
        for value in binding.values {
            let shown: String
            if let v = value.value {
                shown = value.secret ? "****" : (v.isEmpty ? "\"\"" : v)
            } else if value.source == .derived {
                shown = "(derived from unbound: \(value.variable?.defaultValue ?? ""))"
            } else {
                shown = "(unbound)"
            }
            var flags: [String] = []
            if value.variable?.required == true { flags.append("required") }
            if value.variable?.derived == true { flags.append("derived") }
            if value.secret { flags.append("secret") }
            if value.isMissing {
                flags.append(value.placeholder.map { "MISSING: placeholder \($0)" } ?? "MISSING")
            }
            if value.variable == nil { flags.append("not declared") }
            var line =
                value.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "  \(shown)  [\(value.source)\(flags.isEmpty ? "" : "; " + flags.joined(separator: ", "))]"
            if let description = value.variable?.description { line += "  # \(description)" }
            out.append(line)
        }
        return out.joined(separator: "\n") + "\n"
    }

    struct Entry: Encodable {
        var name: String
        var value: String?
        var `default`: String?
        var source: String
        var required: Bool
        var derived: Bool
        var secret: Bool
        var missing: Bool
        var description: String?
        var line: Int?
    }

    struct Document: Encodable {
        var schema = 1
        var guide: String
        var variables: [Entry]
    }

    /// The same as JSON (schema 1).
    public static func json(_ binding: Binding, guide: Guide) -> String {
        let entries = binding.values.map { v in
            Entry(
                name: v.name, value: v.value.map { v.secret ? "****" : $0 }, default: v.variable?.defaultValue,
                source: v.source.description, required: v.variable?.required ?? false,
                derived: v.variable?.derived ?? false, secret: v.secret, missing: v.isMissing,
                description: v.variable?.description, line: v.variable?.location.line)
        }
        return JSONOutput.encode(Document(guide: guide.path, variables: entries))
    }

    /// A dotenv skeleton: required variables empty, defaults commented out, descriptions as
    /// comments. Bound values are not written: the template is for a new environment.
    public static func template(_ guide: Guide) -> String {
        var out = [
            "# Variables for \(guide.title) (\(guide.path))",
            "# Written by `runbook vars --template`. Fill in the empty values, then:",
            "#   runbook exec \(guide.path) --vars THIS_FILE",
            "",
        ]
        for variable in guide.variables {
            if let description = variable.description { out.append("# \(description)") }
            var notes: [String] = []
            if variable.required { notes.append("required") }
            if variable.secret { notes.append("secret: keep this file out of version control") }
            if variable.required, let d = variable.defaultValue, !d.isEmpty {
                notes.append("the guide's \"\(d)\" is a placeholder")
            }
            if variable.derived, let d = variable.defaultValue { notes.append("derived: defaults to \(d)") }
            if !notes.isEmpty { out.append("# " + notes.joined(separator: "; ")) }
            if variable.required {
                out.append("\(variable.name)=")
            } else {
                out.append("# \(variable.name)=\(quote(variable.defaultValue ?? "", literal: !variable.derived))")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    static func quote(_ value: String, literal: Bool) -> String {
        if value.isEmpty { return "" }
        if Text.matches(#"^[A-Za-z0-9_./:@%+,-]+$"#, value) { return value }
        if literal && !value.contains("'") { return "'\(value)'" }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
