import Foundation
import RunbookModel

/// A malformed line in a `--vars` file.
public struct DotenvError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the statement starts.
    public var location: SourceLocation
    /// What is wrong.
    public var reason: String

    /// `file:line:col: reason` (whoever prints it says it is an error).
    public var description: String { "\(location): \(reason)" }
}

/// One `NAME=value` entry of a dotenv file.
public struct DotenvEntry: Sendable, Hashable {
    /// Variable name.
    public var name: String
    /// Value after unquoting, escapes and interpolation; nil for a bare `NAME` line.
    public var value: String?
    /// Line the entry starts on.
    public var line: Int
}

/// Reads dotenv files as python-dotenv (and so docker compose) reads them: `export ` prefix,
/// single quotes literal, double quotes with escapes and multi-line values, `#` comments,
/// ` #` inline comments after unquoted values, `${NAME}` and `${NAME:-default}` interpolation.
/// Unlike python-dotenv, a malformed statement is an error, not a skipped line.
public enum Dotenv {
    /// Parses `text`; `lookup` answers interpolation of names not set earlier in the file.
    public static func parse(
        _ text: String, file: String, lookup: (String) -> String? = { _ in nil }
    ) throws(DotenvError) -> [DotenvEntry] {
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var entries: [DotenvEntry] = []
        var values: [String: String] = [:]

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < chars.count ? chars[i + offset] : nil }
        func advance() {
            if chars[i] == "\n" { line += 1 }
            i += 1
        }
        func isInlineSpace(_ c: Unicode.Scalar?) -> Bool { c == " " || c == "\t" || c == "\u{0B}" || c == "\u{0C}" }
        func isNewline(_ c: Unicode.Scalar?) -> Bool { c == "\n" || c == "\r" }
        func fail(_ reason: String, at startLine: Int) -> DotenvError {
            DotenvError(location: SourceLocation(file: file, line: startLine, column: 1), reason: reason)
        }

        while true {
            while let c = peek(), c.properties.isWhitespace { advance() }
            guard peek() != nil else { break }
            let startLine = line
            // export prefix
            if chars.count - i > 7, String(String.UnicodeScalarView(chars[i..<(i + 6)])) == "export",
                isInlineSpace(peek(6))
            {
                for _ in 0..<6 { advance() }
                while isInlineSpace(peek()) { advance() }
            }
            // key
            var key = ""
            if peek() == "#" {
                while let c = peek(), !isNewline(c) { advance() }
                continue
            } else if peek() == "'" {
                advance()
                while let c = peek(), c != "'" {
                    key.unicodeScalars.append(c)
                    advance()
                }
                guard peek() == "'", !key.isEmpty else { throw fail("unterminated quoted name", at: startLine) }
                advance()
            } else {
                while let c = peek(), c != "=", c != "#", !c.properties.isWhitespace {
                    key.unicodeScalars.append(c)
                    advance()
                }
            }
            guard !key.isEmpty else {
                throw fail("expected NAME=value; a line cannot start with '='", at: startLine)
            }
            while isInlineSpace(peek()) { advance() }
            var value: String?
            if peek() == "=" {
                advance()
                while isInlineSpace(peek()) { advance() }
                switch peek() {
                case "'":
                    advance()
                    var raw = ""
                    while let c = peek(), c != "'" {
                        if c == "\\", peek(1) == "'" {
                            raw.unicodeScalars.append(c)
                            advance()
                        }
                        raw.unicodeScalars.append(peek()!)
                        advance()
                    }
                    guard peek() == "'" else { throw fail("unterminated single-quoted value", at: startLine) }
                    advance()
                    value = decodeEscapes(raw, escapable: ["\\", "'"])
                case "\"":
                    advance()
                    var raw = ""
                    while let c = peek(), c != "\"" {
                        if c == "\\", peek(1) == "\"" {
                            raw.unicodeScalars.append(c)
                            advance()
                        }
                        raw.unicodeScalars.append(peek()!)
                        advance()
                    }
                    guard peek() == "\"" else { throw fail("unterminated double-quoted value", at: startLine) }
                    advance()
                    value = interpolate(
                        decodeEscapes(raw, escapable: ["\\", "'", "\"", "a", "b", "f", "n", "r", "t", "v"]),
                        values: values, lookup: lookup)
                case nil, "\n", "\r":
                    value = ""
                default:
                    var raw = ""
                    while let c = peek(), !isNewline(c) {
                        raw.unicodeScalars.append(c)
                        advance()
                    }
                    if let range = raw.range(of: #"\s+#.*"#, options: .regularExpression) {
                        raw.removeSubrange(range.lowerBound..<raw.endIndex)
                    }
                    while let last = raw.last, last.isWhitespace { raw.removeLast() }
                    value = interpolate(raw, values: values, lookup: lookup)
                }
            }
            // optional comment, then end of line
            while isInlineSpace(peek()) { advance() }
            if peek() == "#" {
                while let c = peek(), !isNewline(c) { advance() }
            }
            guard peek() == nil || isNewline(peek()) else {
                throw fail("unexpected text after the value of \(key); quote values that contain spaces", at: startLine)
            }
            entries.append(DotenvEntry(name: key, value: value, line: startLine))
            if let value { values[key] = value }
        }
        return entries
    }

    /// Reads a file; errors name the file and line.
    public static func load(path: String, lookup: (String) -> String? = { _ in nil }) throws(DotenvError) -> [DotenvEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DotenvError(
                location: SourceLocation(file: path, line: 1), reason: "cannot read the file; check the path")
        }
        if data.contains(0) {
            throw DotenvError(location: SourceLocation(file: path, line: 1), reason: "not a text file (NUL byte)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, lookup: lookup)
    }

    static func decodeEscapes(_ raw: String, escapable: Set<Character>) -> String {
        var out = ""
        var iterator = raw.makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let next = iterator.next() else {
                out.append(c)
                break
            }
            guard escapable.contains(next) else {
                out.append(c)
                out.append(next)
                continue
            }
            switch next {
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            default: out.append(next)
            }
        }
        return out
    }

    /// `${NAME}` and `${NAME:-default}`; a set but empty NAME stays empty, as python-dotenv does.
    static func interpolate(_ text: String, values: [String: String], lookup: (String) -> String?) -> String {
        guard text.contains("${") else { return text }
        guard let regex = RegexCache.shared.regex(#"\$\{([^}:]*)(?::-([^}]*))?\}"#, options: []) else { return text }
        let ns = text as NSString
        var out = ""
        var last = 0
        for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let name = ns.substring(with: m.range(at: 1))
            let fallback = m.range(at: 2).location == NSNotFound ? "" : ns.substring(with: m.range(at: 2))
            out += values[name] ?? lookup(name) ?? fallback
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return out
    }
}
