import Foundation
import RunbookGuide

/// The names one line of a skeleton defines, and whether it imports names nobody can know
/// (`source`, `set -a`, `eval`).
struct LineDefinitions: Equatable {
    var names: [String] = []
    var imports = false
}

/// The definition patterns of `ShellScan` applied to one line. An ASCII line is matched by
/// bytes, as the patterns would match it (leftmost match first, each search going on after
/// the previous match), without bridging the line to an NSString; a line with other bytes, and
/// the `read` pattern, whose options take arguments, go to the regexes.
extension ShellScan {
    /// What the regexes find in `text`. `keywords`, `mayAssign` and `mayImport` say which
    /// patterns can match at all (see `findDefinitions`).
    static func patternDefinitions(_ text: String, keywords: Keywords, mayAssign: Bool, mayImport: Bool) -> LineDefinitions {
        var found = LineDefinitions()
        let range = NSRange(location: 0, length: (text as NSString).length)
        for m in mayAssign ? assignment.matches(in: text, range: range) : [] {
            // A=1 B=2 cmd: the earlier prefixes are assignments too.
            let prefix = Text.substring(text, m.range(at: 1))
            for word in prefix.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if let eq = word.firstIndex(of: "=") {
                    found.names.append(
                        String(word[..<eq]).replacingOccurrences(of: "+", with: "").components(separatedBy: "[")[0])
                }
            }
            found.names.append(Text.substring(text, m.range(at: 2)))
        }
        for m in keywords.contains(.declaration) ? declaration.matches(in: text, range: range) : [] {
            for word in Text.substring(text, m.range(at: 2)).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                found.names.append(String(word.split(separator: "=", maxSplits: 1)[0]))
            }
        }
        found.names += readerNames(text, range: range, keywords: keywords)
        for (pattern, group) in namedPatterns where keywords.contains(group) {
            for m in pattern.matches(in: text, range: range) { found.names.append(Text.substring(text, m.range(at: 1))) }
        }
        found.imports = mayImport && imports.firstMatch(in: text, range: range) != nil
        return found
    }

    /// `read NAME…`, `read -a NAME`, `mapfile NAME`: always by the pattern.
    private static func readerNames(_ text: String, range: NSRange, keywords: Keywords) -> [String] {
        guard keywords.contains(.reader) else { return [] }
        var names: [String] = []
        for m in reader.matches(in: text, range: range) {
            for word in Text.substring(text, m.range(at: 3)).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                names.append(String(word))
            }
            // read -a NAME, read -p PROMPT: an option's argument.
            let options = Text.substring(text, m.range(at: 2))
            if let r = options.range(of: #"-[A-Za-z]*a\s+([A-Za-z_][A-Za-z0-9_]*)"#, options: .regularExpression) {
                names.append(String(options[r].split(separator: " ").last ?? ""))
            }
        }
        return names
    }

    /// What the regexes find in an ASCII line, found by bytes.
    static func byteDefinitions(_ line: [UInt8], keywords: Keywords, mayAssign: Bool, mayImport: Bool) -> LineDefinitions {
        var found = LineDefinitions()
        let scan = DefinitionBytes(line)
        if mayAssign { found.names += scan.assignments() }
        if keywords.contains(.declaration) { found.names += scan.declarations() }
        if keywords.contains(.reader) {
            let text = String(decoding: line, as: UTF8.self)
            found.names += readerNames(text, range: NSRange(location: 0, length: line.count), keywords: keywords)
        }
        if keywords.contains(.loop) { found.names += scan.loopVariables() }
        if keywords.contains(.printf) { found.names += scan.printfTargets() }
        if keywords.contains(.getopts) { found.names += scan.getoptsNames() }
        found.imports = mayImport && scan.imports()
        return found
    }
}

/// The definition patterns written out over the bytes of one ASCII line. Each function says
/// the pattern it stands for; `\s` is `ASCII.isSpace` and `\b` a change between word and
/// non-word bytes, which is what they are on ASCII text.
struct DefinitionBytes {
    private let b: [UInt8]

    init(_ line: [UInt8]) { b = line }

    private func at(_ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }
    private func isWord(_ i: Int) -> Bool { ASCII.isWord(b, at: i) }
    /// `\b` before position `i`.
    private func boundary(_ i: Int) -> Bool { isWord(i - 1) != isWord(i) }
    private func spaces(from i: Int) -> Int { ASCII.skipSpaces(b, from: i) }
    private func nonSpaces(from i: Int) -> Int {
        var j = i
        while j < b.count, !ASCII.isSpace(b[j]) { j += 1 }
        return j
    }
    /// `[A-Za-z_][A-Za-z0-9_]*` at `i`: its end, or nil.
    private func name(at i: Int) -> Int? {
        guard i < b.count, ASCII.isLetter(b[i]) || b[i] == UInt8(ascii: "_") else { return nil }
        var j = i + 1
        while j < b.count, ASCII.isWord(b[j]) { j += 1 }
        return j
    }
    private func text(_ range: Range<Int>) -> String { String(decoding: b[range], as: UTF8.self) }
    private func starts(with word: StaticString, at i: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count else { return false }
        let w = word.utf8Start
        for k in 0..<count where b[i + k] != w[k] { return false }
        return true
    }
    /// The ends of `words` where they stand with `\b` before them (and after them, when
    /// `wordEnd`), in order.
    private func occurrences(of words: [StaticString], wordEnd: Bool) -> [Int] {
        var found: [Int] = []
        for i in b.indices where boundary(i) {
            for word in words where starts(with: word, at: i) {
                let end = i + word.utf8CodeUnitCount
                if !wordEnd || boundary(end) { found.append(end) }
            }
        }
        return found
    }

    /// `(?:^|[;&|({`!]|\bthen|\bdo|\belse)\s*((?:NAME(?:\[[^\]]*\])?\+?=\S*\s+)*)(NAME)(?:\[[^\]]*\])?\+?=`:
    /// the names of every run of `NAME=value` words where a command can start.
    func assignments() -> [String] {
        var names: [String] = []
        var i = 0
        while i <= b.count {
            // The alternatives in the pattern's order; the first that gives a match wins.
            var match: (names: [String], end: Int)?
            if i == 0 { match = assignmentRun(at: spaces(from: 0)) }
            if match == nil, i < b.count, Self.commandStarts.contains(b[i]) { match = assignmentRun(at: spaces(from: i + 1)) }
            if match == nil, boundary(i) {
                for keyword: StaticString in ["then", "do", "else"] where match == nil && starts(with: keyword, at: i) {
                    match = assignmentRun(at: spaces(from: i + keyword.utf8CodeUnitCount))
                }
            }
            guard let match else {
                i += 1
                continue
            }
            // The next search starts where this match ends (never empty: it ends past an `=`).
            names += match.names
            i = match.end
        }
        return names
    }

    private static let commandStarts: ByteSet = ";&|({`!"
    private static let separators: ByteSet = ";&|"

    /// `NAME(\[[^\]]*\])?\+?=`, then (`\S*\s+` and another) as long as they follow: the names
    /// and the end of the last `=`.
    private func assignmentRun(at start: Int) -> (names: [String], end: Int)? {
        var names: [String] = []
        var end = 0
        var i = start
        while let nameEnd = name(at: i) {
            var j = nameEnd
            if at(j) == UInt8(ascii: "[") {
                var k = j + 1
                while k < b.count, b[k] != UInt8(ascii: "]") { k += 1 }
                if k < b.count { j = k + 1 }
            }
            if at(j) == UInt8(ascii: "+") { j += 1 }
            guard at(j) == UInt8(ascii: "=") else { break }
            names.append(text(i..<nameEnd))
            end = j + 1
            let valueEnd = nonSpaces(from: end)
            let next = spaces(from: valueEnd)
            guard next > valueEnd else { break }
            i = next
        }
        return names.isEmpty ? nil : (names, end)
    }

    /// The words that declare names.
    static let declarationWords: [StaticString] = ["export", "local", "declare", "readonly", "typeset"]

    /// Past a declaration's options from `i`: each `\s+-letters`, which only another option or
    /// an operand may follow (`-x1` ends them, as the patterns' `(?:\s+-[A-Za-z]+)*` does once
    /// no operand can follow).
    private func pastOptions(from start: Int) -> Int {
        var i = start
        while true {
            let dash = spaces(from: i)
            guard dash > i, at(dash) == UInt8(ascii: "-"), ASCII.isLetter(at(dash + 1)) else { return i }
            var j = dash + 1
            while j < b.count, ASCII.isLetter(b[j]) { j += 1 }
            i = j
        }
    }

    /// `\b(?:export|local|declare|readonly|typeset)\b((?:\s+-[A-Za-z]+)*)((?:\s+NAME(?:=[^\s;&|]*)?)+)`.
    func declarations() -> [String] {
        var names: [String] = []
        var searchFrom = 0
        for keywordEnd in occurrences(of: Self.declarationWords, wordEnd: true)
        where keywordEnd > searchFrom {  // a keyword inside the last match ends within it
            var i = pastOptions(from: keywordEnd)
            var found: [String] = []
            while true {
                let start = spaces(from: i)
                guard start > i, let nameEnd = name(at: start) else { break }
                found.append(text(start..<nameEnd))
                i = nameEnd
                if at(i) == UInt8(ascii: "=") {
                    i += 1
                    while i < b.count, !ASCII.isSpace(b[i]), !Self.separators.contains(b[i]) { i += 1 }
                }
            }
            guard !found.isEmpty else { continue }
            names += found
            searchFrom = i
        }
        return names
    }

    /// `\b(?:for|select)\s+(NAME)\s+in\b`.
    func loopVariables() -> [String] {
        occurrences(of: ["for", "select"], wordEnd: false).compactMap { end in
            let start = spaces(from: end)
            guard start > end, let nameEnd = name(at: start) else { return nil }
            let keyword = spaces(from: nameEnd)
            guard keyword > nameEnd, starts(with: "in", at: keyword), boundary(keyword + 2) else { return nil }
            return text(start..<nameEnd)
        }
    }

    /// `\bprintf\s+-v\s+(NAME)`.
    func printfTargets() -> [String] {
        occurrences(of: ["printf"], wordEnd: false).compactMap { end in
            let flag = spaces(from: end)
            guard flag > end, starts(with: "-v", at: flag) else { return nil }
            let start = spaces(from: flag + 2)
            guard start > flag + 2, let nameEnd = name(at: start) else { return nil }
            return text(start..<nameEnd)
        }
    }

    /// `\bgetopts\s+\S+\s+(NAME)`.
    func getoptsNames() -> [String] {
        occurrences(of: ["getopts"], wordEnd: false).compactMap { end in
            let spec = spaces(from: end)
            let specEnd = nonSpaces(from: spec)
            let start = spaces(from: specEnd)
            guard spec > end, specEnd > spec, start > specEnd, let nameEnd = name(at: start) else { return nil }
            return text(start..<nameEnd)
        }
    }

    /// `(?:^|[;&|]\s*|\s)(?:source|\.)\s+\S|\bset\s+-[a-z]*a\b|\bset\s+-o\s+allexport\b|\beval\b`, or a
    /// declaration whose first operand is a substitution (`export $(… | xargs)`,
    /// `export "$key=$value"`): `\b(?:export|…)\b(?:\s+-[A-Za-z]+)*\s+["']?[$`]`.
    func imports() -> Bool {
        for keywordEnd in occurrences(of: Self.declarationWords, wordEnd: true) {
            let i = pastOptions(from: keywordEnd)
            var operand = spaces(from: i)
            guard operand > i else { continue }
            if at(operand) == UInt8(ascii: "\"") || at(operand) == UInt8(ascii: "'") { operand += 1 }
            if at(operand) == UInt8(ascii: "$") || at(operand) == UInt8(ascii: "`") { return true }
        }
        for i in b.indices {
            // `source FILE` or `. FILE` where a word starts.
            guard i == 0 || ASCII.isSpace(b[i - 1]) || Self.separators.contains(b[i - 1]) else { continue }
            for word: StaticString in ["source", "."] where starts(with: word, at: i) {
                let end = i + word.utf8CodeUnitCount
                let operand = spaces(from: end)
                if operand > end, operand < b.count { return true }
            }
        }
        for end in occurrences(of: ["set"], wordEnd: false) {
            let flag = spaces(from: end)
            guard flag > end, at(flag) == UInt8(ascii: "-") else { continue }
            var j = flag + 1
            while j < b.count, b[j] >= 0x61, b[j] <= 0x7A { j += 1 }
            if j > flag + 1, b[j - 1] == UInt8(ascii: "a"), !isWord(j) { return true }
            if starts(with: "o", at: flag + 1), j == flag + 2 {
                let option = spaces(from: flag + 2)
                if option > flag + 2, starts(with: "allexport", at: option), !isWord(option + 9) { return true }
            }
        }
        return !occurrences(of: ["eval"], wordEnd: true).isEmpty
    }
}
