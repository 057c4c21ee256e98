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
        // Without a `$` there is no reference, nor a `${NAME=x}` that defines: only the
        // definitions' patterns would find anything.
        if !definitions && !code.containsByte(UInt8(ascii: "$")) { return }
        // By bytes: every character the shell treats specially is ASCII. A column counts
        // scalars, so a multi-byte character's continuation bytes do not move it.
        let chars = Array(code.utf8)
        // The text with quoted, escaped and commented parts blanked (one blank per character),
        // written through a buffer no longer than the text (an Array append checks its
        // storage's uniqueness on every byte).
        let skeleton = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(chars.count, 1))
        defer { skeleton.deallocate() }
        var written = 0
        // The byte classes, read once (a static is checked for initialisation on each read).
        let wordStarters = Self.wordStarters
        let delimiterEnds = Self.delimiterEnds
        let expansionOperators = Self.expansionOperators
        let special = Self.special
        // Contexts: 0 plain, 1 inside "…", 2 inside $( … ) (plain rules, counts parens).
        var stack: [(kind: Int, depth: Int)] = [(0, 0)]
        var line = 0
        var column = 1
        var i = 0
        var heredocs: [(delimiter: [UInt8], quoted: Bool, strip: Bool)] = []
        var atWordStart = true
        /// Copies one byte of the text to the skeleton (a blank for a quoted, escaped or
        /// commented character; line breaks stay) and moves the line and column past it.
        func emit(_ c: UInt8, blank: Bool = false) {
            if c == UInt8(ascii: "\n") {
                skeleton[written] = c
                written += 1
                line += 1
                column = 1
                return
            }
            let continuation = c & 0xC0 == 0x80
            if !blank {
                skeleton[written] = c
                written += 1
            } else if !continuation {
                skeleton[written] = UInt8(ascii: " ")
                written += 1
            }
            if !continuation { column += 1 }
        }
        /// The end of the character that starts at `i` (a lead byte and its continuations).
        func characterEnd(_ i: Int) -> Int {
            var j = i + 1
            while j < chars.count, chars[j] & 0xC0 == 0x80 { j += 1 }
            return j
        }
        func isNameStart(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || ASCII.isLetter(c) }
        func isName(_ c: UInt8) -> Bool { ASCII.isWord(c) }
        func text(_ range: Range<Int>) -> String { String(decoding: chars[range], as: UTF8.self) }

        /// A `$` at `i`: record what it references; returns how many scalars it covers.
        func dollar(at i: Int) -> Int {
            guard i + 1 < chars.count else { return 1 }
            let next = chars[i + 1]
            if isNameStart(next) {
                var j = i + 1
                while j < chars.count, isName(chars[j]) { j += 1 }
                uses.append(VariableUse(name: text((i + 1)..<j), line: line, column: column, defaulted: false))
                return j - i
            }
            if next == UInt8(ascii: "{") {
                var j = i + 2
                if j < chars.count, chars[j] == UInt8(ascii: "#") || chars[j] == UInt8(ascii: "!") {
                    // ${#NAME} reads NAME; ${!NAME} is indirection, not checked.
                    if chars[j] == UInt8(ascii: "!") { return 2 }
                    j += 1
                }
                let start = j
                while j < chars.count, isName(chars[j]) { j += 1 }
                guard j > start, isNameStart(chars[start]) else { return 2 }
                let name = text(start..<j)
                // The operator after the name: `:-`, `-`, `:=`, `?`… (a bare `:` is a substring).
                if j < chars.count, chars[j] == UInt8(ascii: ":") { j += 1 }
                let op = j < chars.count && expansionOperators.contains(chars[j]) ? chars[j] : nil
                let defaulted = op != nil
                if op == UInt8(ascii: "=") && defines[name] == nil { defines[name] = line }
                uses.append(VariableUse(name: name, line: line, column: column, defaulted: defaulted))
                return 2
            }
            return 1
        }

        while i < chars.count {
            let c = chars[i]
            let context = stack[stack.count - 1].kind
            // A run of plain ASCII bytes (most of a command) is copied as it is, or blanked
            // inside "…", in one loop: none of them is one the cases below look at, and each
            // moves the column by one.
            if c < 0x80, !special.contains(c) {
                let blank = context == 1
                var j = i
                while j < chars.count, chars[j] < 0x80, !special.contains(chars[j]) {
                    skeleton[written] = blank ? UInt8(ascii: " ") : chars[j]
                    written += 1
                    j += 1
                }
                column += j - i
                atWordStart = wordStarters.contains(chars[j - 1])
                i = j
                continue
            }
            // A heredoc body starts on the line after its operator.
            if c == UInt8(ascii: "\n"), !heredocs.isEmpty, context != 1 {
                emit(c)
                i += 1
                while let doc = heredocs.first {
                    heredocs.removeFirst()
                    // Each body line up to the delimiter line.
                    while i < chars.count {
                        var j = i
                        while j < chars.count, chars[j] != UInt8(ascii: "\n") { j += 1 }
                        var body = chars[i..<j]
                        if doc.strip { body = body.drop { $0 == UInt8(ascii: "\t") } }
                        if body.elementsEqual(doc.delimiter) {
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
                            if !doc.quoted, chars[k] == UInt8(ascii: "\\"), k + 1 < j {
                                emit(chars[k], blank: true)
                                emit(chars[k + 1], blank: true)
                                k += 2
                                continue
                            }
                            if !doc.quoted, chars[k] == UInt8(ascii: "$") {
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
            case UInt8(ascii: "\\"):
                emit(c, blank: context == 1)
                // The escaped character, whole.
                let end = i + 1 < chars.count ? characterEnd(i + 1) : i + 1
                for k in (i + 1)..<end { emit(chars[k], blank: true) }
                i = max(end, i + 2)
                atWordStart = false
                continue
            case UInt8(ascii: "'") where context != 1:
                // Literal to the closing quote ($'…' too).
                emit(c)
                i += 1
                while i < chars.count, chars[i] != UInt8(ascii: "'") {
                    if chars[i] == UInt8(ascii: "\\"), i > 0, i + 1 < chars.count, chars[i + 1] == UInt8(ascii: "'") {
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
            case UInt8(ascii: "\""):
                if context == 1 { stack.removeLast() } else { stack.append((1, 0)) }
                emit(c)
                i += 1
                atWordStart = false
                continue
            case UInt8(ascii: "#") where context != 1 && atWordStart:
                while i < chars.count, chars[i] != UInt8(ascii: "\n") {
                    emit(chars[i], blank: true)
                    i += 1
                }
                continue
            case UInt8(ascii: "$"):
                if i + 1 < chars.count, chars[i + 1] == UInt8(ascii: "(") {
                    stack.append((2, 1))
                    emit(c)
                    emit(UInt8(ascii: "("))
                    i += 2
                    atWordStart = true
                    continue
                }
                if i + 1 < chars.count, chars[i + 1] == UInt8(ascii: "'"), context != 1 {
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
            case UInt8(ascii: "(") where context == 2:
                stack[stack.count - 1].depth += 1
            case UInt8(ascii: ")") where context == 2:
                stack[stack.count - 1].depth -= 1
                if stack[stack.count - 1].depth == 0 { stack.removeLast() }
            case UInt8(ascii: "<") where context != 1:
                // <<DELIM, <<-DELIM, <<'DELIM', <<"DELIM", <<\DELIM; not <<< (a here-string).
                if i + 1 < chars.count, chars[i + 1] == UInt8(ascii: "<"),
                    !(i + 2 < chars.count && chars[i + 2] == UInt8(ascii: "<")),
                    !(i > 0 && chars[i - 1] == UInt8(ascii: "<"))
                {
                    var j = i + 2
                    var strip = false
                    if j < chars.count, chars[j] == UInt8(ascii: "-") {
                        strip = true
                        j += 1
                    }
                    while j < chars.count, ASCII.isBlank(chars[j]) { j += 1 }
                    var quoted = false
                    var delimiter: [UInt8] = []
                    while j < chars.count, !delimiterEnds.contains(chars[j]) {
                        let d = chars[j]
                        if d == UInt8(ascii: "'") || d == UInt8(ascii: "\"") || d == UInt8(ascii: "\\") {
                            quoted = true
                        } else {
                            delimiter.append(d)
                        }
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
            atWordStart = wordStarters.contains(c)
            i += 1
        }
        if definitions { findDefinitions(Array(skeleton[..<written])) }
    }

    /// `${NAME-x}`, `${NAME=x}`, `${NAME?x}`, `${NAME+x}` (each also after `:`).
    private static let expansionOperators: ByteSet = "-=?+"
    /// What ends a heredoc delimiter word.
    private static let delimiterEnds: ByteSet = " \t\n;&|<>)"
    /// After these, a `#` starts a comment.
    private static let wordStarters: ByteSet = " \t\n;&|({`"
    /// The ASCII bytes the lexer's cases look at (a line break, quotes, escapes, comments,
    /// expansions, parentheses, heredocs): any other is copied through as it is.
    private static let special: ByteSet = "\n\\'\"#$()<"

    static let assignment = try! NSRegularExpression(
        pattern:
            #"(?:^|[;&|({`!]|\bthen|\bdo|\belse)\s*((?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=\S*\s+)*)([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?="#
    )
    static let declaration = try! NSRegularExpression(
        pattern:
            #"\b(?:export|local|declare|readonly|typeset)\b((?:\s+-[A-Za-z]+)*)((?:\s+[A-Za-z_][A-Za-z0-9_]*(?:=[^\s;&|]*)?)+)"#)
    static let reader = try! NSRegularExpression(
        pattern:
            #"\b(read|mapfile|readarray)\b((?:\s+-[A-Za-z]*[pdtnNuaiCc]\s+(?:"(?:[^"\\]|\\.)*"|\$?'[^']*'|\S+)|\s+-[A-Za-z]+)*)((?:\s+[A-Za-z_][A-Za-z0-9_]*)+)"#
    )
    static let loop = try! NSRegularExpression(pattern: #"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b"#)
    static let printfV = try! NSRegularExpression(pattern: #"\bprintf\s+-v\s+([A-Za-z_][A-Za-z0-9_]*)"#)
    static let getopts = try! NSRegularExpression(pattern: #"\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)"#)
    static let imports = try! NSRegularExpression(
        pattern:
            #"(?:^|[;&|]\s*|\s)(?:source|\.)\s+\S|\bset\s+-[a-z]*a\b|\bset\s+-o\s+allexport\b|\beval\b|\b(?:export|local|declare|readonly|typeset)\b(?:\s+-[A-Za-z]+)*\s+["']?[$`]"#
    )

    /// The keywords that open each definition pattern, as bits of `keywords(in:)`.
    struct Keywords: OptionSet {
        let rawValue: UInt8
        static let declaration = Keywords(rawValue: 1)
        static let reader = Keywords(rawValue: 2)
        static let loop = Keywords(rawValue: 4)
        static let printf = Keywords(rawValue: 8)
        static let getopts = Keywords(rawValue: 16)
        static let imports = Keywords(rawValue: 32)
    }

    private static let keywordTable: [(word: [UInt8], group: Keywords)] =
        ([
            ("export", .declaration), ("local", .declaration), ("declare", .declaration), ("readonly", .declaration),
            ("typeset", .declaration), ("read", .reader), ("mapfile", .reader), ("readarray", .reader), ("for", .loop),
            ("select", .loop), ("printf", .printf), ("getopts", .getopts), ("source", .imports), ("set", .imports),
            ("eval", .imports),
        ] as [(String, Keywords)]).map { (Array($0.0.utf8), $0.1) }

    /// The bytes a keyword starts with: most words start with none of them.
    private static let keywordFirstBytes = ByteSet(
        stringLiteral: String(decoding: keywordTable.map { $0.word[0] }, as: UTF8.self))

    /// Which patterns' keywords stand in `bytes` as whole words, case as written (what the
    /// patterns' `\bword\b` needs; a non-ASCII neighbour counts as a boundary and is left for
    /// the pattern to judge). One pass over the line's runs of word bytes.
    static func keywords(in line: ArraySlice<UInt8>) -> Keywords {
        // Over the bytes in place: a slice's subscript checks its bounds at every byte.
        line.withUnsafeBufferPointer { bytes in
            var found: Keywords = []
            var i = 0
            while i < bytes.count {
                guard ASCII.isWord(bytes[i]) else {
                    i += 1
                    continue
                }
                let start = i
                while i < bytes.count, ASCII.isWord(bytes[i]) { i += 1 }
                let length = i - start
                guard length >= 3, length <= 9, keywordFirstBytes.contains(bytes[start]) else { continue }
                for entry in keywordTable where entry.word.count == length && entry.word[0] == bytes[start] {
                    if bytes[start..<i].elementsEqual(entry.word) { found.insert(entry.group) }
                }
            }
            return found
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
            var i = ASCII.skipSpaces(bytes, from: start)
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
            guard !ASCII.isWord(bytes, at: k - 1) else { continue }
            for keyword in Self.blockKeywords where bytes[k...].starts(with: keyword) {
                if assignmentAt(k + keyword.count) { return true }
            }
        }
        return false
    }

    private static let commandSeparators: ByteSet = ";&|({`!"
    private static let blockKeywords: [[UInt8]] = ["then", "do", "else"].map { Array($0.utf8) }

    /// The patterns that take a name after their keyword, with that keyword's group.
    static let namedPatterns: [(NSRegularExpression, Keywords)] = [
        (loop, .loop), (printfV, .printf), (getopts, .getopts),
    ]

    private mutating func findDefinitions(_ skeleton: [UInt8]) {
        var number = 0
        var lineStart = 0
        while lineStart <= skeleton.count {
            let lineEnd = skeleton[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? skeleton.count
            defer {
                lineStart = lineEnd + 1
                number += 1
            }
            // A line's trailing "\r" is not part of it (a CRLF guide).
            let end = lineEnd > lineStart && skeleton[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
            let bytes = skeleton[lineStart..<end]
            // Each pattern only where its keyword stands as a word, or (assignments) where a
            // name could end just before an '=': most lines have none of them.
            let keywords = Self.keywords(in: bytes)
            let mayAssign = bytes.contains(UInt8(ascii: "=")) && Self.mayAssign(Array(bytes))
            // `source FILE`, `set -a`, `eval` as words, or `. FILE`: a dot and a blank after it
            // (bash splits words at spaces and tabs only).
            // Also `export $(… | xargs)`: a declaration whose names come from text.
            let mayImport =
                keywords.contains(.imports)
                || bytes.indices.contains {
                    bytes[$0] == UInt8(ascii: ".") && $0 + 1 < bytes.endIndex && ASCII.isBlank(bytes[$0 + 1])
                }
                || (keywords.contains(.declaration)
                    && bytes.contains { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "`") })
            guard !keywords.subtracting(.imports).isEmpty || mayAssign || mayImport else { continue }
            // The patterns' `\s` and `\b` know Unicode: a line with other bytes goes to them.
            let found =
                bytes.contains(where: { $0 >= 0x80 })
                ? Self.patternDefinitions(
                    String(decoding: bytes, as: UTF8.self), keywords: keywords, mayAssign: mayAssign, mayImport: mayImport)
                : Self.byteDefinitions(Array(bytes), keywords: keywords, mayAssign: mayAssign, mayImport: mayImport)
            for name in found.names where defines[name] == nil { defines[name] = number }
            if found.imports { importsUnknown = true }
        }
    }
}
