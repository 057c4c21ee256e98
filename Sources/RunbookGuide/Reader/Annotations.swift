import Foundation
import RunbookModel

/// The annotation keys and what their values must look like.
public enum AnnotationKey {
    enum ValueShape {
        case text, bool, duration, integer, statuses, kind, role, mode, regex, targetName, stepList, nameList, path, program
    }

    /// runbook's own keys.
    static let shapes: [String: ValueShape] = [
        "name": .text, "on": .targetName, "user": .text, "cwd": .path, "kind": .kind,
        "skip": .bool, "manual": .bool, "run": .bool, "runner": .program, "file": .path,
        "mode": .mode, "expand": .bool, "expect-exit": .integer, "expect-output": .text,
        "expect-match": .regex, "expect-status": .statuses, "retries": .integer,
        "interval": .duration, "timeout": .duration, "follow": .duration, "background": .bool,
        "interactive": .bool, "errexit": .bool, "needs": .stepList, "secret": .nameList,
        "option": .text, "choice": .text, "section-role": .role,
        // Runme's keys, honoured as the spec says.
        "excludeFromRunAll": .bool, "ignore": .bool, "interpreter": .program, "promptEnv": .bool,
        "tag": .text,
    ]

    /// Every key, for "did you mean" suggestions.
    public static var all: [String] { shapes.keys.sorted() }

    /// Keys other tools give a block for how it is shown, not run, in lower case: Hugo's
    /// `{linenos=true hl_lines=2}`, MkDocs's `linenums`, Docusaurus's `title` and
    /// `showLineNumbers`, Nextra's `filename` and `copy`, Expressive Code's `frame` and `mark`.
    static let displayKeys: WordSet = [
        "linenos", "linenostart", "linenums", "hl_lines", "hl_inline", "anchorlinenos", "lineanchors", "lineanchorstyle",
        "linenumbers", "showlinenumbers", ":line-numbers", ":no-line-numbers", "title", "filename", "caption", "copy",
        "nocopy", "class", "id", "style", "noclasses", "highlight", "theme", "frame", "mark", "ins", "del", "collapse",
        "wrap", "lang",
    ]

    /// True for a key that is another tool's, for how the block is shown (`displayKeys`),
    /// Pandoc's `.class` and `#id`, and line numbers to highlight (`{2}`, `{1,4-6}`):
    /// runbook passes over them, where a key of its own misspelt is an error.
    static func isDisplayKey(_ key: String) -> Bool {
        key.hasPrefix(".") || key.hasPrefix("#") || key.hasPrefix("data-")
            || key.utf8.allSatisfy { ASCII.isDigit($0) || $0 == UInt8(ascii: "-") }
            || displayKeys.contains(key.lowercased())
    }

    /// Runme aliases mapped onto runbook's keys.
    static let aliases: [String: String] = [
        "excludeFromRunAll": "skip", "interpreter": "runner",
    ]
}

/// Annotation key/value pairs with where they were written.
public struct Annotation: Sendable, Hashable {
    /// Normalised pairs (Runme aliases mapped; `ignore=true` becomes `kind=artifact`).
    public var values: [String: String]
    /// Where the annotation is.
    public var location: SourceLocation
}

/// Parses and checks `{ key=value … }` fence attributes and `<!-- runbook: … -->` comments.
public enum AnnotationParser {
    /// Splits a fence info string into its language and attribute text.
    public static func splitInfo(_ info: String) -> (language: String, attributes: String?) {
        // MyST's code directives, ```` ```{code-block} bash ````: the language follows the name.
        if info.utf8.first == UInt8(ascii: "{"), let directive = MySTDirective(info: info) {
            return (directive.isCode ? String(directive.argument.prefix { !$0.isWhitespace }) : "", nil)
        }
        // Most info strings are a language alone (`bash`): no blank, no brace, nothing to split.
        if info.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "{") }) { return (info, nil) }
        // By bytes: `{` and the space that ends the language are ASCII.
        let trimmed = info[...].trimming(ASCII.isBlank)
        let brace = trimmed.utf8.firstIndex(of: UInt8(ascii: "{"))
        let head = brace.map { trimmed[..<$0].trimming(ASCII.isBlank) } ?? trimmed
        let space = head.utf8.firstIndex(of: UInt8(ascii: " ")) ?? head.endIndex
        return (String(head[..<space]), brace.map { String(trimmed[$0...]) })
    }

    /// The body of a `<!-- runbook: … -->` comment, or nil for other HTML.
    public static func commentBody(_ html: String) -> String? {
        let t = html.trimmed
        guard t.hasPrefix("<!--"), t.hasSuffix("-->") else { return nil }
        let inner = t.dropFirst(4).dropLast(3).trimmed
        guard inner.hasPrefix("runbook:") else { return nil }
        return String(inner.dropFirst("runbook:".count))
    }

    /// Parses attribute text (`{ a=b c="d e" flag }`, `{"a":"b"}` or bare `a=b c=d`) into pairs,
    /// reporting unknown keys and bad values as `bad-annotation` errors.
    public static func parse(_ text: String, at location: SourceLocation, diagnostics: inout [Diagnostic])
        -> Annotation
    {
        var raw: [(String, String)] = []
        var body = text.trimmed
        if body.hasPrefix("{"), body.hasSuffix("}"), body.dropFirst().drop(while: \.isWhitespace).hasPrefix("\""),
            let json = try? JSONDecoder().decode([String: JSONScalar].self, from: Data(body.utf8))
        {
            for (key, value) in json.sorted(by: { $0.key < $1.key }) { raw.append((key, value.text)) }
        } else {
            if body.hasPrefix("{") { body.removeFirst() }
            if body.hasSuffix("}") { body.removeLast() }
            raw = pairs(body)
        }
        var values: [String: String] = [:]
        for (key, value) in raw {
            guard let shape = AnnotationKey.shapes[key] else {
                if AnnotationKey.isDisplayKey(key) { continue }
                let suggestion = Text.closest(to: key, in: AnnotationKey.all) ?? "name"
                diagnostics.append(
                    Diagnostic(
                        rule: "bad-annotation", severity: .error, location: location,
                        message: "unknown annotation key '\(key)'; did you mean '\(suggestion)'?",
                        fix: suggestion))
                continue
            }
            if let problem = check(value, shape: shape) {
                diagnostics.append(
                    Diagnostic(
                        rule: "bad-annotation", severity: .error, location: location,
                        message: "bad value '\(value)' for '\(key)': \(problem)"))
                continue
            }
            let normalized = AnnotationKey.aliases[key] ?? key
            if key == "ignore" {
                if isTrue(value) { values["kind"] = StepKind.artifact.rawValue }
                continue
            }
            if key == "promptEnv" || key == "tag" {
                values[key] = value
                continue
            }
            values[normalized] = value
        }
        return Annotation(values: values, location: location)
    }

    /// `true`, `yes`, `1` or a flag with no value.
    public static func isTrue(_ value: String) -> Bool {
        ["true", "yes", "1", "on", ""].contains(value.lowercased())
    }

    /// Seconds in `120s`, `2m`, `500ms`, `1h` or a bare number of seconds.
    public static func seconds(_ value: String) -> Double? {
        guard let m = Text.firstMatch(#"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$"#, in: value.trimmedInline)
        else { return nil }
        let number = Double(m[1]) ?? 0
        switch m[2] {
        case "ms": return number / 1000
        case "m": return number * 60
        case "h": return number * 3600
        default: return number
        }
    }

    static func check(_ value: String, shape: AnnotationKey.ValueShape) -> String? {
        switch shape {
        case .text, .nameList, .stepList:
            return nil
        case .path:
            return value.trimmingCharacters(in: .whitespaces).isEmpty ? "expected a path such as /etc/app.conf" : nil
        case .program:
            return value.trimmingCharacters(in: .whitespaces).isEmpty
                ? "expected the program to give the block to, such as python3 or psql \"$DATABASE_URL\"" : nil
        case .bool:
            return ["true", "false", "yes", "no", "1", "0", "on", "off", ""].contains(value.lowercased())
                ? nil : "expected true or false"
        case .duration:
            return seconds(value) == nil ? "expected a duration such as 30s, 2m or 500ms" : nil
        case .integer:
            return Int(value) == nil ? "expected a whole number" : nil
        case .statuses:
            let parts = value.split(whereSeparator: { $0 == "," || $0 == "/" || $0 == " " })
            return !parts.isEmpty && parts.allSatisfy({ Int($0).map { (100...599).contains($0) } ?? false })
                ? nil : "expected HTTP status codes such as 200 or 200,301"
        case .kind:
            return StepKind(rawValue: value) == nil || value == "variables"
                ? "expected command, verification, manual or artifact" : nil
        case .role:
            return ["main", "rollback", "optional", "teardown", "troubleshooting"].contains(value)
                ? nil : "expected main, rollback or optional"
        case .mode:
            return Text.matches("^[0-7]{3,4}$", value) ? nil : "expected an octal mode such as 0644"
        case .regex:
            return (try? NSRegularExpression(pattern: value)) == nil ? "not a valid regular expression" : nil
        case .targetName:
            return Text.matches("^[A-Za-z0-9_.-]+$", value) ? nil : "expected a target name such as ec2 or local"
        }
    }

    /// Splits `a=b c="d e" flag` into pairs; a bare word is a flag set to `true`.
    static func pairs(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var i = text.startIndex
        func skipSpace() {
            while i < text.endIndex, text[i].isWhitespace || text[i] == "," { i = text.index(after: i) }
        }
        while true {
            skipSpace()
            guard i < text.endIndex else { break }
            var key = ""
            while i < text.endIndex, !text[i].isWhitespace, text[i] != "=", text[i] != "," {
                key.append(text[i])
                i = text.index(after: i)
            }
            guard i < text.endIndex, text[i] == "=" else {
                if !key.isEmpty { out.append((key, "true")) }
                continue
            }
            i = text.index(after: i)
            var value = ""
            if i < text.endIndex, text[i] == "\"" || text[i] == "'" {
                let quote = text[i]
                i = text.index(after: i)
                while i < text.endIndex, text[i] != quote {
                    if text[i] == "\\", text.index(after: i) < text.endIndex {
                        i = text.index(after: i)
                    }
                    value.append(text[i])
                    i = text.index(after: i)
                }
                if i < text.endIndex { i = text.index(after: i) }
            } else {
                while i < text.endIndex, !text[i].isWhitespace {
                    value.append(text[i])
                    i = text.index(after: i)
                }
            }
            out.append((key, value))
        }
        return out
    }
}

/// A JSON attribute value, kept as the text an annotation value would have.
private enum JSONScalar: Decodable {
    case text(String)

    var text: String {
        switch self {
        case .text(let t): t
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .text(b ? "true" : "false")
        } else if let i = try? c.decode(Int.self) {
            self = .text(String(i))
        } else if let d = try? c.decode(Double.self) {
            self = .text(String(d))
        } else if let s = try? c.decode(String.self) {
            self = .text(s)
        } else if let list = try? c.decode([JSONScalar].self) {
            self = .text(list.map(\.text).joined(separator: ","))
        } else {
            self = .text("")
        }
    }
}
