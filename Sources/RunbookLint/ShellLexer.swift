import Foundation
import RunbookGuide
import RunbookModel

/// A variable reference in shell text.
struct VariableUse: Equatable {
    /// The name.
    var name: String
    /// 0-based line in the text.
    var line: Int
    /// 1-based column of the `$`.
    var column: Int
    /// `${NAME:-x}` and the like: a missing value is handled.
    var defaulted: Bool
}

/// What `undefined-variable` needs to know about a block of shell: the variables it reads and
/// the ones it defines. Quotes, escapes, comments, `$(…)` and heredocs (quoted delimiters keep
/// their bodies literal) are followed; the rest of the grammar is not.
struct ShellScan {
    /// References, in order.
    var uses: [VariableUse] = []
    /// Names the text defines, with the 0-based line of their first definition.
    var defines: [String: Int] = [:]
    /// The text sources a file or turns on `set -a`: what it defines cannot be known.
    var importsUnknown = false

    /// Scans `code`; `definitions: false` finds only the references (cheaper).
    init(_ code: String, definitions: Bool = true) {
        let chars = Array(code.unicodeScalars)
        // The text with quoted, escaped and commented parts blanked, as UTF-8 (appending scalars
        // to a String one by one was a quarter of the scan).
        var skeleton = [UInt8]()
        skeleton.reserveCapacity(chars.count)
        // Contexts: 0 plain, 1 inside "…", 2 inside $( … ) (plain rules, counts parens).
        var stack: [(kind: Int, depth: Int)] = [(0, 0)]
        var line = 0
        var column = 1
        var i = 0
        var heredocs: [(delimiter: String, quoted: Bool, strip: Bool)] = []
        var atWordStart = true
        /// Copies one scalar of the text to the skeleton (a blank for a quoted, escaped or
        /// commented one; line breaks stay) and moves the line and column past it.
        func emit(_ c: Unicode.Scalar, blank: Bool = false) {
            let kept = blank && c != "\n" ? " " : c
            if kept.isASCII { skeleton.append(UInt8(kept.value)) } else { UTF8.encode(kept) { skeleton.append($0) } }
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c == "_" || ASCII.isLetter(UInt8(c.value))) }
        func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || (c.value >= 48 && c.value <= 57) }

        /// A `$` at `i`: record what it references; returns how many scalars it covers.
        func dollar(at i: Int) -> Int {
            guard i + 1 < chars.count else { return 1 }
            let next = chars[i + 1]
            if isNameStart(next) {
                var j = i + 1
                while j < chars.count, isName(chars[j]) { j += 1 }
                uses.append(
                    VariableUse(
                        name: String(String.UnicodeScalarView(chars[(i + 1)..<j])), line: line, column: column, defaulted: false))
                return j - i
            }
            if next == "{" {
                var j = i + 2
                if j < chars.count, chars[j] == "#" || chars[j] == "!" {
                    // ${#NAME} reads NAME; ${!NAME} is indirection, not checked.
                    if chars[j] == "!" { return 2 }
                    j += 1
                }
                let start = j
                while j < chars.count, isName(chars[j]) { j += 1 }
                guard j > start, isNameStart(chars[start]) else { return 2 }
                let name = String(String.UnicodeScalarView(chars[start..<j]))
                var op = ""
                if j < chars.count, chars[j] == ":" {
                    op.append(":")
                    j += 1
                }
                if j < chars.count, "-=?+".unicodeScalars.contains(chars[j]) { op.unicodeScalars.append(chars[j]) }
                let defaulted = op.count >= 1 && op != ":"
                if op.hasSuffix("=") && defines[name] == nil { defines[name] = line }
                uses.append(VariableUse(name: name, line: line, column: column, defaulted: defaulted))
                return 2
            }
            return 1
        }

        while i < chars.count {
            let c = chars[i]
            let context = stack[stack.count - 1].kind
            // A heredoc body starts on the line after its operator.
            if c == "\n", !heredocs.isEmpty, context != 1 {
                emit(c)
                i += 1
                while let doc = heredocs.first {
                    heredocs.removeFirst()
                    // Each body line up to the delimiter line.
                    while i < chars.count {
                        var j = i
                        while j < chars.count, chars[j] != "\n" { j += 1 }
                        var text = String(String.UnicodeScalarView(chars[i..<j]))
                        if doc.strip { text = String(text.drop { $0 == "\t" }) }
                        if text == doc.delimiter {
                            for k in i..<j {
                                emit(chars[k], blank: true)
                            }
                            i = j
                            if i < chars.count {
                                emit(chars[i])
                                i += 1
                            }
                            break
                        }
                        var k = i
                        while k < j {
                            if !doc.quoted, chars[k] == "\\", k + 1 < j {
                                emit(chars[k], blank: true)
                                emit(chars[k + 1], blank: true)
                                k += 2
                                continue
                            }
                            if !doc.quoted, chars[k] == "$" {
                                let n = dollar(at: k)
                                for m in k..<(k + n) {
                                    emit(chars[m], blank: true)
                                }
                                k += n
                                continue
                            }
                            emit(chars[k], blank: true)
                            k += 1
                        }
                        i = j
                        if i < chars.count {
                            emit(chars[i])
                            i += 1
                        }
                    }
                }
                atWordStart = true
                continue
            }
            switch c {
            case "\\":
                emit(c, blank: context == 1)
                if i + 1 < chars.count {
                    emit(chars[i + 1], blank: true)
                }
                i += 2
                atWordStart = false
                continue
            case "'" where context != 1:
                // Literal to the closing quote ($'…' too).
                emit(c)
                i += 1
                while i < chars.count, chars[i] != "'" {
                    if chars[i] == "\\", i > 0, i + 1 < chars.count, chars[i + 1] == "'" {
                        // $'it\'s': the escaped quote stays inside.
                        emit(chars[i], blank: true)
                        i += 1
                    }
                    emit(chars[i], blank: true)
                    i += 1
                }
                if i < chars.count {
                    emit(chars[i])
                    i += 1
                }
                atWordStart = false
                continue
            case "\"":
                if context == 1 { stack.removeLast() } else { stack.append((1, 0)) }
                emit(c)
                i += 1
                atWordStart = false
                continue
            case "#" where context != 1 && atWordStart:
                while i < chars.count, chars[i] != "\n" {
                    emit(chars[i], blank: true)
                    i += 1
                }
                continue
            case "$":
                if i + 1 < chars.count, chars[i + 1] == "(" {
                    stack.append((2, 1))
                    emit(c)
                    emit("(")
                    i += 2
                    atWordStart = true
                    continue
                }
                if i + 1 < chars.count, chars[i + 1] == "'", context != 1 {
                    emit(c)
                    i += 1
                    continue
                }
                let n = dollar(at: i)
                for k in i..<(i + n) {
                    emit(chars[k], blank: context == 1)
                }
                i += n
                atWordStart = false
                continue
            case "(" where context == 2:
                stack[stack.count - 1].depth += 1
            case ")" where context == 2:
                stack[stack.count - 1].depth -= 1
                if stack[stack.count - 1].depth == 0 { stack.removeLast() }
            case "<" where context != 1:
                // <<DELIM, <<-DELIM, <<'DELIM', <<"DELIM", <<\DELIM; not <<< (a here-string).
                if i + 1 < chars.count, chars[i + 1] == "<", !(i + 2 < chars.count && chars[i + 2] == "<"),
                    !(i > 0 && chars[i - 1] == "<")
                {
                    var j = i + 2
                    var strip = false
                    if j < chars.count, chars[j] == "-" {
                        strip = true
                        j += 1
                    }
                    while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
                    var quoted = false
                    var delimiter = ""
                    while j < chars.count, !" \t\n;&|<>)".unicodeScalars.contains(chars[j]) {
                        let d = chars[j]
                        if d == "'" || d == "\"" || d == "\\" { quoted = true } else { delimiter.unicodeScalars.append(d) }
                        j += 1
                    }
                    if !delimiter.isEmpty {
                        heredocs.append((delimiter, quoted, strip))
                        for k in i..<j {
                            emit(chars[k])
                        }
                        i = j
                        atWordStart = false
                        continue
                    }
                }
            default:
                break
            }
            emit(c, blank: context == 1)
            atWordStart =
                c == " " || c == "\t" || c == "\n" || c == ";" || c == "&" || c == "|" || c == "(" || c == "{" || c == "`"
            i += 1
        }
        if definitions { findDefinitions(String(decoding: skeleton, as: UTF8.self)) }
    }

    static let assignment = try! NSRegularExpression(
        pattern:
            #"(?:^|[;&|({`!]|\bthen|\bdo|\belse)\s*((?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=\S*\s+)*)([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?="#
    )
    private static let declaration = try! NSRegularExpression(
        pattern:
            #"\b(?:export|local|declare|readonly|typeset)\b((?:\s+-[A-Za-z]+)*)((?:\s+[A-Za-z_][A-Za-z0-9_]*(?:=[^\s;&|]*)?)+)"#)
    private static let reader = try! NSRegularExpression(
        pattern:
            #"\b(read|mapfile|readarray)\b((?:\s+-[A-Za-z]*[pdtnNuaiCc]\s+\S+|\s+-[A-Za-z]+)*)((?:\s+[A-Za-z_][A-Za-z0-9_]*)+)"#)
    private static let loop = try! NSRegularExpression(pattern: #"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b"#)
    private static let printfV = try! NSRegularExpression(pattern: #"\bprintf\s+-v\s+([A-Za-z_][A-Za-z0-9_]*)"#)
    private static let getopts = try! NSRegularExpression(pattern: #"\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)"#)
    private static let imports = try! NSRegularExpression(
        pattern: #"(?:^|[;&|]\s*|\s)(?:source|\.)\s+\S|\bset\s+-[a-z]*a\b|\bset\s+-o\s+allexport\b|\beval\b"#)

    /// Keywords one of which a line needs, as a word, before each pattern is tried.
    private static let declarationWords = bytes(["export", "local", "declare", "readonly", "typeset"])
    private static let readerWords = bytes(["read", "mapfile", "readarray"])
    private static let loopWords = bytes(["for", "select"])
    private static let printfWords = bytes(["printf"])
    private static let getoptsWords = bytes(["getopts"])

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    /// True when one of `words` stands in `bytes` as a whole word, case as written (what the
    /// patterns' `\bword\b` needs; a non-ASCII neighbour is left for the pattern to judge).
    static func hasWord(_ bytes: [UInt8], _ words: [[UInt8]]) -> Bool {
        words.contains { needle in
            guard needle.count <= bytes.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                let end = start + needle.count
                guard bytes[start..<end].elementsEqual(needle) else { continue }
                if (start == 0 || !ASCII.isWord(bytes[start - 1])) && (end == bytes.count || !ASCII.isWord(bytes[end])) {
                    return true
                }
            }
            return false
        }
    }

    /// True when the `assignment` pattern could match: where a command can start (the line's
    /// start, after `;&|({`!`, after `then`/`do`/`else`), past blanks, a name, an optional
    /// `[…]` and `+`, then `=`. `--flag=value`, `curl -d a=b` and `[ "$a" = "$b" ]` have none.
    static func mayAssign(_ bytes: [UInt8]) -> Bool {
        guard bytes.contains(UInt8(ascii: "=")) else { return false }
        // Unicode spaces are `\s` to the pattern: such a line is the pattern's to judge.
        if bytes.contains(where: { $0 >= 0x80 }) { return true }
        func assignmentAt(_ start: Int) -> Bool {
            var i = start
            while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, ASCII.isLetter(bytes[i]) || bytes[i] == UInt8(ascii: "_") else { return false }
            while i < bytes.count, ASCII.isWord(bytes[i]) { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                while i < bytes.count, bytes[i] != UInt8(ascii: "]") { i += 1 }
                i += 1
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") { i += 1 }
            return i < bytes.count && bytes[i] == UInt8(ascii: "=")
        }
        if assignmentAt(0) { return true }
        for (k, byte) in bytes.enumerated() {
            if Self.commandSeparators.contains(byte), assignmentAt(k + 1) { return true }
            // `\bthen`, `\bdo`, `\belse`: the keyword's start at a word boundary.
            guard k == 0 || !ASCII.isWord(bytes[k - 1]) else { continue }
            for keyword in Self.blockKeywords where bytes[k...].starts(with: keyword) {
                if assignmentAt(k + keyword.count) { return true }
            }
        }
        return false
    }

    private static let commandSeparators: Set<UInt8> = Set(";&|({`!".utf8)
    private static let blockKeywords = bytes(["then", "do", "else"])

    /// `. FILE` needs the dot and a blank after it (bash splits words at spaces and tabs only).
    private static let importWords: Needles = ["source", ". ", ".\t", "set", "eval"]

    private mutating func findDefinitions(_ skeleton: String) {
        for (number, line) in skeleton.lines.enumerated() {
            let text = String(line)
            let ns = text as NSString
            let range = NSRange(location: 0, length: ns.length)
            func define(_ name: String) { if defines[name] == nil { defines[name] = number } }
            // Each pattern only where its keyword stands as a word, or (assignments) where a
            // name could end just before an '=': most lines have none of them.
            let bytes = Array(text.utf8)
            for m in Self.mayAssign(bytes) ? Self.assignment.matches(in: text, range: range) : [] {
                define(ns.substring(with: m.range(at: 2)))
                // A=1 B=2 cmd: the earlier prefixes are assignments too.
                let prefix = ns.substring(with: m.range(at: 1))
                for word in prefix.split(separator: " ") {
                    if let eq = word.firstIndex(of: "=") {
                        define(String(word[..<eq]).replacingOccurrences(of: "+", with: "").components(separatedBy: "[")[0])
                    }
                }
            }
            for m in Self.hasWord(bytes, Self.declarationWords) ? Self.declaration.matches(in: text, range: range) : [] {
                for word in ns.substring(with: m.range(at: 2)).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    define(String(word.split(separator: "=", maxSplits: 1)[0]))
                }
            }
            for m in Self.hasWord(bytes, Self.readerWords) ? Self.reader.matches(in: text, range: range) : [] {
                for word in ns.substring(with: m.range(at: 3)).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    define(String(word))
                }
                // read -a NAME, read -p PROMPT: an option's argument.
                let options = ns.substring(with: m.range(at: 2))
                if let r = options.range(of: #"-[A-Za-z]*a\s+([A-Za-z_][A-Za-z0-9_]*)"#, options: .regularExpression) {
                    define(String(options[r].split(separator: " ").last ?? ""))
                }
            }
            for (pattern, words) in [
                (Self.loop, Self.loopWords), (Self.printfV, Self.printfWords), (Self.getopts, Self.getoptsWords),
            ]
            where Self.hasWord(bytes, words) {
                for m in pattern.matches(in: text, range: range) { define(ns.substring(with: m.range(at: 1))) }
            }
            if text.includesAny(Self.importWords), Self.imports.firstMatch(in: text, range: range) != nil {
                importsUnknown = true
            }
        }
    }
}
