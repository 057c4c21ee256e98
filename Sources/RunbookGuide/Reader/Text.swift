import Foundation

/// Small text rules shared by the reader, binding and (later) lint.
public enum Text {
    /// `text` without the pictographs and symbols it opens with ("✅ Verify:", "⚠️ Expected
    /// output:", "👉 On the server:") and the blanks after them: what a sentence's patterns read
    /// from its first word. Text that opens with an ASCII byte is returned as it is.
    public static func droppingLeadingSymbols(_ text: String) -> String {
        guard let first = text.utf8.first, first >= 0x80 else { return text }
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex, isDecoration(scalars[i]) { i = scalars.index(after: i) }
        guard i > scalars.startIndex else { return text }
        while i < scalars.endIndex, scalars[i] == " " || scalars[i] == "\t" { i = scalars.index(after: i) }
        return String(scalars[i...])
    }

    /// A scalar past ASCII that only decorates: an emoji, a symbol (`→`, `✓`), or what joins
    /// and styles them (the variation selector, the zero-width joiner, the keycap).
    private static func isDecoration(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x80 else { return false }
        if scalar.value == 0xFE0F || scalar.value == 0x200D || scalar.value == 0x20E3 { return true }
        if scalar.properties.isEmoji { return true }
        switch scalar.properties.generalCategory {
        case .otherSymbol, .mathSymbol: return true
        default: return false
        }
    }

    /// `3.2.1 Create a dedicated app user` → `create-a-dedicated-app-user`.
    public static func slug(_ title: String) -> String {
        if let ascii = asciiSlug(title) { return ascii }
        var out = ""
        var pendingDash = false
        for scalar in title.lowercased().unicodeScalars {
            // Of ASCII, only letters and digits are alphanumeric: tested by value (a
            // `CharacterSet.alphanumerics` was made anew for every scalar).
            if scalar.isASCII, ASCII.isLetter(UInt8(scalar.value)) || ASCII.isDigit(UInt8(scalar.value)) {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "’" {
                continue
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty ? "section" : out
    }

    /// `slug` for ASCII text, by bytes (the common case; CharacterSet lookups went through
    /// Foundation for every character). Nil for other text.
    private static func asciiSlug(_ title: String) -> String? {
        var ascii = true
        // Written straight into the string's storage (an Array's append checks its storage on
        // every byte): the slug is never longer than the title.
        let slug = title.withUTF8Bytes { bytes in
            String(unsafeUninitializedCapacity: max(bytes.count, 1)) { out in
                var written = 0
                var pendingDash = false
                for byte in bytes {
                    guard byte < 0x80 else {
                        ascii = false
                        return 0
                    }
                    if ASCII.isLetter(byte) || ASCII.isDigit(byte) {
                        if pendingDash, written > 0 {
                            out[written] = UInt8(ascii: "-")
                            written += 1
                        }
                        pendingDash = false
                        out[written] = ASCII.lower(byte)
                        written += 1
                    } else if byte != UInt8(ascii: "'") {
                        pendingDash = true
                    }
                }
                return written
            }
        }
        guard ascii else { return nil }
        return slug.isEmpty ? "section" : slug
    }

    /// `3.2.1 Title` → ("3.2.1", "Title") by bytes, as `^([0-9]+(?:\.[0-9]+)*)[.):]?\s+(.+)$`
    /// would split it; nil when the text does not start that way or holds anything (a
    /// non-ASCII space, a line break) the regex should judge.
    private static func numberedLabel(_ text: String) -> (label: String, title: String)?? {
        let bytes = Array(text.utf8)
        func isDigit(_ i: Int) -> Bool { i < bytes.count && ASCII.isDigit(bytes[i]) }
        var i = 0
        while isDigit(i) { i += 1 }
        guard i > 0 else { return .some(nil) }
        while i + 1 < bytes.count, bytes[i] == UInt8(ascii: "."), isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1 }
        }
        let labelEnd = i
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ")") || bytes[i] == UInt8(ascii: ":") {
            i += 1
        }
        guard i < bytes.count else { return .some(nil) }
        guard ASCII.isBlank(bytes[i]) else { return nil }
        while i < bytes.count, ASCII.isBlank(bytes[i]) { i += 1 }
        guard i < bytes.count else { return .some(nil) }
        guard bytes[i] < 0x80, !bytes[i...].contains(where: { $0 < 0x20 && $0 != 0x09 }) else { return nil }
        return (String(decoding: bytes[..<labelEnd], as: UTF8.self), String(decoding: bytes[i...], as: UTF8.self).trimmedInline)
    }

    /// `Step 4.1: Title` → ("Step 4.1", "Title") by bytes, as the `Step|Phase|…` pattern of
    /// `splitLabel` would split it (the text is known to start with one of `labelWords`); nil
    /// for text that is not plain ASCII, which the regex judges (Unicode spaces, `–`, `—`).
    private static func wordLabel(_ text: String) -> (label: String, title: String)?? {
        let bytes = Array(text.utf8)
        guard !bytes.contains(where: { $0 >= 0x80 || ($0 < 0x20 && $0 != 0x09) }) else { return nil }
        func isBlank(_ i: Int) -> Bool { i < bytes.count && ASCII.isBlank(bytes[i]) }
        func isDigit(_ i: Int) -> Bool { i < bytes.count && ASCII.isDigit(bytes[i]) }
        func isLetter(_ i: Int) -> Bool { i < bytes.count && ASCII.isLetter(bytes[i]) }
        var i = 0
        while isLetter(i) { i += 1 }
        guard isBlank(i) else { return .some(nil) }
        while isBlank(i) { i += 1 }
        guard isLetter(i) || isDigit(i) else { return .some(nil) }
        while isLetter(i) || isDigit(i) { i += 1 }
        while bytes.indices.contains(i), bytes[i] == UInt8(ascii: "."), isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1 }
        }
        let label = String(decoding: bytes[..<i], as: UTF8.self)
        var j = i
        while isBlank(j) { j += 1 }
        // `\s* [:.)-]? \s+ (.+)`: the separator when blanks follow it; else the blanks alone.
        if bytes.indices.contains(j), ":.)-".utf8.contains(bytes[j]), isBlank(j + 1) {
            var k = j + 1
            while isBlank(k) { k += 1 }
            return (label, String(decoding: bytes[k...], as: UTF8.self).trimmedInline)
        }
        guard j > i, j < bytes.count else { return .some(nil) }
        return (label, String(decoding: bytes[j...], as: UTF8.self).trimmedInline)
    }

    /// `splitLabel` by its three regexes alone: the definition the byte paths must agree with
    /// (the tests compare the two on generated headings).
    static func splitLabelByRegex(_ heading: String) -> (label: String?, title: String) {
        let text = heading.trimmedInline
        guard let first = text.first, first.isNumber || first.isUppercase else { return (nil, text) }
        let patterns: [(String, NSRegularExpression.Options)] = [
            (wordLabelPattern, [.caseInsensitive]), (numberLabelPattern, []), (letterLabelPattern, []),
        ]
        for (pattern, options) in patterns {
            if let m = firstMatch(pattern, in: text, options: options) { return (m[1], m[2].trimmedInline) }
        }
        return (nil, text)
    }

    /// Splits a heading's leading number (`3.2.1`, `Step 4:`, `Phase 2:`, `A.`, `0)`) from its title.
    public static func splitLabel(_ heading: String) -> (label: String?, title: String) {
        let text = heading.trimmedInline
        // Labels start with a digit, a capital letter followed by `.`/`)`, or a word like Step.
        guard let first = text.utf8.first else { return (nil, text) }
        // Each pattern is tried only on text that starts the way it needs.
        let pattern: String
        var options: NSRegularExpression.Options = []
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            if let decided = numberedLabel(text) { return decided.map { ($0.label, $0.title) } ?? (nil, text) }
            pattern = numberLabelPattern
        } else if first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
            labelWords.contains(String(text.utf8.prefix(while: ASCII.isLetter))!.lowercased())
        {
            if let decided = wordLabel(text) { return decided.map { ($0.label, $0.title) } ?? (nil, text) }
            pattern = wordLabelPattern
            options = [.caseInsensitive]
        } else if first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
            text.utf8.dropFirst().first.map({ $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ")") }) == true
        {
            pattern = letterLabelPattern
        } else {
            return (nil, text)
        }
        guard let m = firstMatch(pattern, in: text, options: options) else { return (nil, text) }
        return (m[1], m[2].trimmedInline)
    }

    /// A heading's label shapes, in the order they are tried: `Step 4:`, `3.2.1`, `A.`.
    private static let wordLabelPattern =
        #"^((?:Step|Phase|Part|Stage|Chapter|Section)\s+[0-9A-Za-z]+(?:\.[0-9]+)*)\s*[:.)\-–—]?\s+(.+)$"#
    private static let numberLabelPattern = #"^([0-9]+(?:\.[0-9]+)*)[.):]?\s+(.+)$"#
    private static let letterLabelPattern = #"^([A-Z])[.)]\s+(.+)$"#

    /// The words that open a heading's label (`Step 4:`).
    private static let labelWords: WordSet = ["step", "phase", "part", "stage", "chapter", "section"]

    /// The first line of `text` that is not empty, as `split(separator: "\n").first` gives it,
    /// without splitting the rest (an option's paragraph can run long).
    static func firstLine(of text: String) -> String? {
        // By bytes: a "\n" is a Character of its own except after "\r" ("\r\n" is one, and
        // no line break for `split`).
        let utf8 = text.utf8
        guard let start = utf8.firstIndex(where: { $0 != 0x0A }) else { return nil }
        var from = start
        while let newline = utf8[from...].firstIndex(of: 0x0A) {
            guard utf8[utf8.index(before: newline)] == 0x0D else { return String(text[start..<newline]) }
            from = utf8.index(after: newline)
        }
        return String(text[start...])
    }

    /// Capture groups of the first match (index 0 is the whole match), nil when none.
    public static func firstMatch(
        _ pattern: String, in text: String, options: NSRegularExpression.Options = []
    ) -> [String]? {
        firstResult(pattern, in: text, options: options).map { captures(of: $0, in: text) }
    }

    /// The first match of `pattern` in `text` as `firstMatch` gives it, and the column it starts
    /// at as `column(of:in:)` gives it, from one search.
    public static func firstMatchAndColumn(_ pattern: String, in text: String) -> (captures: [String], column: Int)? {
        firstResult(pattern, in: text, options: []).map { (captures(of: $0, in: text), column(of: $0, in: text)) }
    }

    /// The first match of `pattern` (compiled once, `RegexCache`) in the whole of `text`.
    private static func firstResult(
        _ pattern: String, in text: String, options: NSRegularExpression.Options
    ) -> NSTextCheckingResult? {
        RegexCache.shared.regex(pattern, options: options)?.firstMatch(
            in: text, range: NSRange(location: 0, length: (text as NSString).length))
    }

    /// A match's capture groups, index 0 the whole match.
    private static func captures(of match: NSTextCheckingResult, in text: String) -> [String] {
        (0..<match.numberOfRanges).map { substring(text, match.range(at: $0)) }
    }

    /// The 1-based column (in characters) where `match` starts in `text`.
    private static func column(of match: NSTextCheckingResult, in text: String) -> Int {
        (text as NSString).substring(to: match.range.location).count + 1
    }

    /// The part of `text` a regex match's UTF-16 `range` covers ("" for a group that did not
    /// take part). Sliced by String indices: `NSString.substring(with:)` builds the String
    /// from UTF-16 through a slow path, about ten thousand instructions a capture.
    public static func substring(_ text: String, _ range: NSRange) -> String {
        guard range.location != NSNotFound, let bounds = Range(range, in: text) else { return "" }
        return String(text[bounds])
    }

    /// The 1-based column (in characters) where `pattern` first matches in `text`, or nil.
    public static func column(of pattern: String, in text: String, caseInsensitive: Bool = false) -> Int? {
        firstResult(pattern, in: text, options: caseInsensitive ? [.caseInsensitive] : []).map { column(of: $0, in: text) }
    }

    /// True when `pattern` matches anywhere in `text`.
    public static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = true) -> Bool {
        // No capture groups copied out: a yes/no needs none, and each copy is a UTF-16 round trip.
        guard let regex = RegexCache.shared.regex(pattern, options: caseInsensitive ? [.caseInsensitive] : []) else {
            return false
        }
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }

    /// Edit distance, for "did you mean" suggestions.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The candidate closest to `word`; with `maxDistance`, nil when none is that close.
    public static func closest(to word: String, in candidates: [String], maxDistance: Int = .max) -> String? {
        guard let best = candidates.min(by: { distance(word, $0) < distance(word, $1) }) else { return nil }
        return distance(word, best) <= maxDistance ? best : nil
    }

    /// Names a guide's variable must not hide: the shell's and the login's own.
    public static let wellKnownEnvironment: WordSet = [
        "HOME", "USER", "LOGNAME", "PATH", "PWD", "OLDPWD", "SHELL", "TERM", "LANG", "LC_ALL",
        "HOSTNAME", "UID", "EUID", "PPID", "RANDOM", "SECONDS", "LINENO", "TMPDIR", "EDITOR",
        "VIRTUAL_ENV", "PS1", "IFS", "BASH", "BASH_SOURCE", "FUNCNAME", "REPLY", "OPTARG",
        "OPTIND", "SSH_AUTH_SOCK", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DISPLAY", "SUDO_USER",
    ]

    /// Is this name secret by its shape? Names ending in `_PATH`/`_FILE` say where a secret is,
    /// not what it is, so they stay visible.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        // Where a secret is, or what it is called (`KEY_NAME`, an EC2 key pair's; `SECRET_ARN`),
        // is no secret.
        if upper.hasSuffix("_PATH") || upper.hasSuffix("_FILE") || upper.hasSuffix("_DIR") || upper.hasSuffix("_NAME")
            || upper.hasSuffix("_ARN")
        {
            return false
        }
        return upper.includesAny(secretWords)
    }

    /// The words that make a name secret.
    public static let secretWords = Needles(secretWordList)

    /// The same words as a list, for sets of needles that hold them and more.
    public static let secretWordList = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE"]
}

/// Recognises text that stands for a value the author expected the reader to fill in.
public enum Placeholder {
    /// (pattern, name, a word every match contains, in any case: the pattern is tried only on
    /// text that has it).
    private static let patterns: [(pattern: String, name: String, hint: String)] = [
        // `.example` is a top-level domain kept for documentation (RFC 2606), like example.com.
        (#"\byour-?domain\.(com|org|net|io|dev|example)\b"#, "yourdomain.com", "domain."),
        (#"\byour[-_][a-z0-9][a-z0-9_-]*"#, "your-…", "your"),
        (#"\b[a-z0-9._%+-]+@example\.(com|org|net)\b"#, "you@example.com", "@example."),
        (#"\b(?:[a-z0-9-]+\.)*example\.(com|org|net)\b"#, "example.com host", "example."),
        (#"<[A-Za-z][A-Za-z0-9 _-]*[A-Za-z0-9]>"#, "<placeholder>", "<"),
        (#"\bOWNER/REPO\b"#, "OWNER/REPO", "owner/repo"),
        (#"\bUSER:PASSWORD@HOST\b"#, "USER:PASSWORD@HOST", "user:password@host"),
        (#"\bCHANGE[-_]?ME\b"#, "CHANGEME", "change"),
        // Also `replace-with-a-long-random-string`, `replace_this`.
        (#"\bREPLACE(?:[-_]?ME\b|[-_]THIS\b|[-_]WITH[-_][A-Za-z0-9_-]*[A-Za-z0-9])"#, "REPLACE_ME", "replace"),
        (#"\bTODO\b"#, "TODO", "todo"),
        (#"\b[xX]{3,}\b"#, "xxx", "xxx"),
        (#"/path/to/"#, "/path/to/…", "/path/to/"),
        // A date the person is to fill in (`orders-YYYYMMDD-HHMMSS.sql.gz`, `--since YYYY-MM-DD`).
        (#"\bYYYY(?:[-_/.]?MM(?:[-_/.]?DD)?)?(?:[-_T]?HH(?:[-_:]?MM(?:[-_:]?SS)?)?)?\b"#, "YYYYMMDD", "yyyy"),
        // The keys AWS's documentation shows (`AKIAIOSFODNN7EXAMPLE`), in its capitals.
        (#"\b[A-Za-z0-9/+]{8,}EXAMPLE(?:KEY)?\b"#, "EXAMPLE key", "example"),
        // Addresses set aside for documentation (RFC 5737, RFC 3849): nothing answers there.
        (#"\b192\.0\.2\.[0-9]{1,3}\b"#, "documentation IP", "192.0.2."),
        (#"\b198\.51\.100\.[0-9]{1,3}\b"#, "documentation IP", "198.51.100."),
        (#"\b203\.0\.113\.[0-9]{1,3}\b"#, "documentation IP", "203.0.113."),
        (#"\b2001:0?db8:[0-9A-Fa-f:]*"#, "documentation IP", "db8:"),
    ]

    /// HTML tags that look like `<angle-placeholders>` but are markup.
    static let htmlTags: WordSet = [
        "br", "p", "b", "i", "em", "strong", "code", "pre", "div", "span", "details", "summary", "h1",
        "h2", "h3", "h4", "h5", "h6", "html", "head", "body", "title", "a", "ul", "ol", "li", "table",
        "tr", "td", "th", "script", "style", "link", "meta", "img", "hr", "section", "article", "nav",
        "footer", "header", "main", "form", "input", "button", "label", "select", "option", "textarea",
    ]

    /// What kind of placeholder `text` contains, or nil.
    public static func find(in text: String) -> String? {
        first(in: text)?.name
    }

    /// The placeholder `text` contains, as written, and its kind; of several, the one whose
    /// kind is listed first (`you@example.com` before an example.com host).
    public static func first(in text: String) -> (name: String, text: String)? {
        // The kinds `occurrences` finds, so both ask the same questions of the text.
        let found = occurrences(in: text)
        guard !found.isEmpty else { return nil }
        return found.min { kindOrder.firstIndex(of: $0.name)! < kindOrder.firstIndex(of: $1.name)! }.map {
            ($0.name, $0.text)
        }
    }

    /// The kinds in the order `first(in:)` prefers them.
    private static let kindOrder = patterns.map(\.name) + ["..."]

    /// Each pattern's word, in the patterns' order.
    private static let patternHints = Needles(patterns.map(\.hint))

    /// The spellings one of which every match of a pattern holds, for patterns whose word
    /// alone lets through much text they never match ("your server", "change the port"),
    /// in the patterns' order: a line with none of them is not given to the pattern.
    private static let patternSpellings: [Needles?] = patterns.map {
        [
            "your-…": ["your-", "your_"] as Needles, "CHANGEME": ["changeme", "change-me", "change_me"],
            "REPLACE_ME": ["replaceme", "replace-", "replace_"],
        ][$0.name]
    }

    /// For the patterns matched case by case, in the patterns' order, the text every match
    /// holds as written: a line without it is not given to the pattern ("example" is in most
    /// lines that hold an example.com host; the key needs `EXAMPLE` in capitals). Nil for the
    /// patterns matched in any case.
    private static let patternLiterals: [String?] = patterns.map {
        [
            "OWNER/REPO": "OWNER/REPO", "USER:PASSWORD@HOST": "USER:PASSWORD@HOST", "TODO": "TODO",
            "EXAMPLE key": "EXAMPLE", "YYYYMMDD": "YYYY",
        ][$0.name]
    }

    /// Words one of which a line needs before the patterns are tried.
    private static let hintWords: Needles = [
        "your", "example", "owner/repo", "user:password", "change", "replace", "todo", "xxx", "/path/to/", "...",
        "192.0.2.", "198.51.100.", "203.0.113.", "db8:", "yyyy",
    ]

    /// False when `text` cannot hold a placeholder: it has no `<` before a letter and none of
    /// the words the patterns need. True says only that the patterns must be asked. Any line
    /// of a text without one has none either.
    public static func mayOccur(in text: String) -> Bool {
        text[...].withUTF8Bytes { bytes in
            // Each `<` is found with memchr, and the byte after it tested.
            if let base = bytes.baseAddress, bytes.count >= 2 {
                let last = base + bytes.count - 1
                var p = base
                while p < last, let hit = memchr(p, Int32(UInt8(ascii: "<")), last - p) {
                    let at = hit.assumingMemoryBound(to: UInt8.self)
                    if ASCII.isLetter(at[1]) { return true }
                    p = UnsafePointer(at) + 1
                }
            }
            return hintWords.occurs(in: bytes)
        }
    }

    /// Every placeholder in one line of text: its kind and its 1-based column, left to right.
    public static func occurrences(in line: String) -> [(name: String, column: Int, text: String)] {
        var found: [(name: String, column: Int, text: String)] = []
        // Most lines hold none of the words a placeholder needs: skip the patterns for them.
        guard mayOccur(in: line) else { return [] }
        let whole = NSRange(location: 0, length: line.utf16.count)
        // Which patterns' words the line has, found in one pass.
        let present = line.withUTF8Bytes { patternHints.found(in: $0) }
        for (index, (pattern, name, _)) in patterns.enumerated() where present & (1 << UInt64(index)) != 0 {
            if let spellings = patternSpellings[index], !line.includesAny(spellings) { continue }
            let literal = patternLiterals[index]
            if let literal, !line.containsBytes(literal) { continue }
            let insensitive = literal == nil
            // `<name>` in an ASCII line by bytes: the commonest kind, in HTML and heredocs.
            let spans: [NSRange]
            if name == "<placeholder>", let bytes = ASCII.bytes(of: line) {
                spans = angleSpans(bytes)
            } else {
                guard let regex = RegexCache.shared.regex(pattern, options: insensitive ? [.caseInsensitive] : []) else {
                    continue
                }
                spans = regex.matches(in: line, range: whole).map(\.range)
            }
            for span in spans {
                let text = Text.substring(line, span)
                if name == "<placeholder>" {
                    let inner = text.dropFirst().dropLast().lowercased()
                    if htmlTags.contains(String(inner)) || line.containsBytes("<<" + text.dropFirst().dropLast())
                        || line.containsBytes("<<-" + text.dropFirst().dropLast())
                    {
                        continue
                    }
                }
                let column = Text.substring(line, NSRange(location: 0, length: span.location)).count + 1
                found.append((name, column, text))
            }
        }
        if let offset = line.firstByteOffset(of: "...") {
            let trimmed = line.trimmedInline
            if trimmed == "..." || line.containsBytes("\"...\"") || line.containsBytes("'...'") {
                // "..." is ASCII: the bytes before it are whole characters.
                found.append(("...", String(decoding: line.utf8.prefix(offset), as: UTF8.self).count + 1, "..."))
            }
        }
        return oneForEachSpot(found)
    }

    /// Where `<[A-Za-z][A-Za-z0-9 _-]*[A-Za-z0-9]>` (the `<placeholder>` pattern) matches in
    /// ASCII `bytes`, left to right as the regex finds them: a `<`, a letter, a run of name
    /// bytes ending in a letter or digit, and the `>` right after the run (the run stops at
    /// the first other byte, so no shorter one can end at a `>`).
    static func angleSpans(_ bytes: [UInt8]) -> [NSRange] {
        func inName(_ b: UInt8) -> Bool {
            ASCII.isLetter(b) || ASCII.isDigit(b) || b == UInt8(ascii: " ") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        var spans: [NSRange] = []
        var i = 0
        while let open = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            i = open + 1
            guard i < bytes.count, ASCII.isLetter(bytes[i]) else { continue }
            var end = i + 1
            while end < bytes.count, inName(bytes[end]) { end += 1 }
            let last = bytes[end - 1]
            guard end < bytes.count, bytes[end] == UInt8(ascii: ">"), end - i >= 2, ASCII.isLetter(last) || ASCII.isDigit(last)
            else { continue }
            spans.append(NSRange(location: open, length: end + 1 - open))
            i = end + 1
        }
        return spans
    }

    /// One finding per spot, left to right: where matches overlap (`<your-token>` and its
    /// `your-token`, `you@example.com` and its example.com host) the longest stands for them,
    /// and of equally long ones the kind listed first.
    private static func oneForEachSpot(
        _ found: [(name: String, column: Int, text: String)]
    ) -> [(name: String, column: Int, text: String)] {
        guard found.count > 1 else { return found }
        let widestFirst = found.indices.sorted {
            (found[$0].text.count, -$0) > (found[$1].text.count, -$1)
        }
        var kept: [(name: String, column: Int, text: String)] = []
        for index in widestFirst {
            let hit = found[index]
            let end = hit.column + hit.text.count
            if kept.contains(where: { hit.column < $0.column + $0.text.count && $0.column < end }) { continue }
            kept.append(hit)
        }
        return kept.sorted { $0.column < $1.column }
    }

    /// True when the whole value is a placeholder (or empty).
    public static func isPlaceholderValue(_ value: String) -> Bool {
        let trimmed = value.trimmedInline
        return trimmed.isEmpty || find(in: trimmed) != nil
    }
}

/// Compiled patterns, kept: the reader asks the same few dozen patterns of every line.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    private struct Key: Hashable {
        let pattern: String
        let options: UInt
    }
    private var compiled: [Key: NSRegularExpression?] = [:]

    func regex(_ pattern: String, options: NSRegularExpression.Options) -> NSRegularExpression? {
        let key = Key(pattern: pattern, options: options.rawValue)
        lock.lock()
        defer { lock.unlock() }
        if let hit = compiled[key] { return hit }
        let made = try? NSRegularExpression(pattern: pattern, options: options)
        compiled[key] = made
        return made
    }
}

/// Words to look for in text, ASCII case-insensitively, all in one pass over its bytes: the
/// cheap filter before a regex. Keep sets that are asked often in a `static let`; a literal
/// array at the call site is built on every call.
public struct Needles: Sendable, ExpressibleByArrayLiteral {
    /// Every word's bytes, lower-cased, one after another.
    private let bytes: [UInt8]
    /// Where each word is in `bytes`.
    private let ranges: [Range<Int>]
    /// For each byte (either case), the words that start with it, as bits (64 words at most).
    private let starts: [UInt64]
    /// For each byte (either case), the words whose second byte it is, and every one-byte
    /// word: a candidate must pass both tables before its bytes are compared.
    private let seconds: [UInt64]
    /// The one-byte words: all a text's last byte can start.
    private let single: UInt64
    /// An empty word is found in any text.
    private let hasEmpty: Bool
    /// The shortest word's length.
    private let shortest: Int
    /// For sets whose words are all 3 bytes or longer: how far a window of `shortest` bytes
    /// may move on, by the pair of bytes that ends it (`pairSlot`), before a word could start
    /// in it (Wu and Manber's shift table). Empty for other sets.
    private let shifts: [UInt8]

    /// The slot of the byte pair `a`, `b` in `shifts`: both bytes folded with 0x20 (a letter's
    /// two cases meet; a few other bytes meet too, which only shortens a shift).
    @inline(__always) private static func pairSlot(_ a: UInt8, _ b: UInt8) -> Int {
        (Int(a | 0x20) << 6 ^ Int(b | 0x20)) & 4095
    }

    /// The words to find.
    public init(_ words: [String]) {
        precondition(words.count <= 64, "Needles holds 64 words at most")
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var starts = [UInt64](repeating: 0, count: 256)
        var seconds = [UInt64](repeating: 0, count: 256)
        var single: UInt64 = 0
        /// Sets `bit` at `byte` in `table`, for both cases of a letter.
        func mark(_ table: inout [UInt64], _ byte: UInt8, _ bit: UInt64) {
            table[Int(byte)] |= bit
            if byte >= 0x61, byte <= 0x7A { table[Int(byte - 32)] |= bit }
        }
        for (index, word) in words.enumerated() {
            let lower = word.utf8.map(ASCII.lower)
            ranges.append(bytes.count..<(bytes.count + lower.count))
            bytes += lower
            guard let first = lower.first else { continue }
            let bit: UInt64 = 1 << UInt64(index)
            mark(&starts, first, bit)
            if lower.count == 1 {
                single |= bit
                for byte in 0..<256 { seconds[byte] |= bit }
            } else {
                mark(&seconds, lower[1], bit)
            }
        }
        self.bytes = bytes
        self.ranges = ranges
        self.starts = starts
        self.seconds = seconds
        self.single = single
        self.hasEmpty = ranges.contains { $0.isEmpty }
        let shortest = ranges.map(\.count).min() ?? 0
        self.shortest = shortest
        var shifts: [UInt8] = []
        if shortest >= 3 {
            // A window ending in a pair no word has in its first `shortest` bytes moves on by
            // all but one byte; one ending in a pair a word has at j moves until the pair
            // would end the window (0: a word may start where the window does).
            let most = min(shortest - 1, 255)
            shifts = [UInt8](repeating: UInt8(most), count: 4096)
            for word in ranges {
                for j in 0..<(shortest - 1) {
                    let slot = Self.pairSlot(bytes[word.lowerBound + j], bytes[word.lowerBound + j + 1])
                    shifts[slot] = min(shifts[slot], UInt8(min(shortest - 2 - j, 255)))
                }
            }
        }
        self.shifts = shifts
    }

    /// The words to find, written as a list: `let hints: Needles = ["curl", "wget"]`.
    public init(arrayLiteral words: String...) { self.init(words) }

    /// True when there are no words (nothing can be found).
    public var isEmpty: Bool { ranges.isEmpty }

    /// True when any word occurs in `hay`: one pass, and at each byte only the words that
    /// start with it and have the next byte second are compared.
    public func occurs(in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasEmpty { return true }
        guard !hay.isEmpty else { return false }
        if !shifts.isEmpty { return skipping(in: hay) }
        return withTables { tables in
            let last = hay.count - 1
            // Both tables are read at every byte, without a branch between them: a branch on
            // the first alone is taken at every common letter and mispredicted about as often.
            var i = 0
            while i < last {
                let candidates = tables.starts[Int(hay[i])] & tables.seconds[Int(hay[i + 1])]
                if candidates != 0, tables.matching(candidates, at: i, in: hay) != 0 { return true }
                i += 1
            }
            return tables.starts[Int(hay[last])] & single != 0
        }
    }

    /// `occurs(in:)` for sets of words 3 bytes or longer: a window as long as the shortest
    /// word moves along the text by the shift its last two bytes allow, and only where that
    /// is 0 are the words that start at the window's first byte compared. Most windows move
    /// on by two bytes or more.
    private func skipping(in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hay.count >= shortest else { return false }
        return shifts.withUnsafeBufferPointer { shifts in
            withTables { tables in
                var end = shortest - 1
                while end < hay.count {
                    let shift = Int(shifts[Self.pairSlot(hay[end - 1], hay[end])])
                    if shift > 0 {
                        end += shift
                        continue
                    }
                    let i = end - (shortest - 1)
                    let candidates = tables.starts[Int(hay[i])] & tables.seconds[Int(hay[i + 1])]
                    if candidates != 0, tables.matching(candidates, at: i, in: hay) != 0 { return true }
                    end += 1
                }
                return false
            }
        }
    }

    /// Which words occur in `hay`, as bits in the order the words were given: one pass, as
    /// `occurs(in:)` makes it.
    public func found(in hay: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var present: UInt64 = 0
        for (index, word) in ranges.enumerated() where word.isEmpty { present |= 1 << UInt64(index) }
        guard !hay.isEmpty else { return present }
        return withTables { tables in
            let last = hay.count - 1
            for i in 0...last {
                let candidates = tables.starts[Int(hay[i])] & (i < last ? tables.seconds[Int(hay[i + 1])] : single) & ~present
                if candidates != 0 { present |= tables.matching(candidates, at: i, in: hay) }
            }
            return present
        }
    }

    /// The tables as buffers, for the searches' loops.
    private struct Tables {
        let words: UnsafeBufferPointer<UInt8>
        let ranges: UnsafeBufferPointer<Range<Int>>
        let starts: UnsafeBufferPointer<UInt64>
        let seconds: UnsafeBufferPointer<UInt64>

        /// Of `candidates` (words whose first two bytes the tables matched at `i`), those
        /// whose every byte is at `i` in `hay`, as bits.
        @inline(__always) func matching(_ candidates: UInt64, at i: Int, in hay: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var candidates = candidates
            var found: UInt64 = 0
            while candidates != 0 {
                let index = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                let word = ranges[index]
                guard hay.count - i >= word.count else { continue }
                var j = 2
                while j < word.count, ASCII.lower(hay[i + j]) == words[word.lowerBound + j] { j += 1 }
                if j >= word.count { found |= 1 << UInt64(index) }
            }
            return found
        }
    }

    /// Calls `body` with the tables as buffers.
    @inline(__always) private func withTables<R>(_ body: (Tables) -> R) -> R {
        bytes.withUnsafeBufferPointer { words in
            ranges.withUnsafeBufferPointer { ranges in
                starts.withUnsafeBufferPointer { starts in
                    seconds.withUnsafeBufferPointer { seconds in
                        body(Tables(words: words, ranges: ranges, starts: starts, seconds: seconds))
                    }
                }
            }
        }
    }

    /// True when `needle` occurs in `hay`: the one-word case, without building a set.
    static func occurs(_ needle: String, in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        var needle = needle
        return needle.withUTF8 { pin in
            guard let head = pin.first else { return true }
            guard hay.count >= pin.count else { return false }
            let first = ASCII.lower(head)
            let upper = first >= 0x61 && first <= 0x7A ? first - 32 : first
            var i = 0
            let last = hay.count - pin.count
            while i <= last {
                let byte = hay[i]
                if byte == first || byte == upper {
                    var j = 1
                    while j < pin.count, ASCII.lower(hay[i + j]) == ASCII.lower(pin[j]) { j += 1 }
                    if j == pin.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}

/// A fixed set of words, asked whether it holds a string: the words' bytes hashed (FNV-1a)
/// into a small open table and compared in place. `Set<String>` hashes with SipHash through
/// the standard library's generic path, several times the work for words this short, and
/// the reader asks these sets hundreds of times a guide.
public struct WordSet: Sendable, ExpressibleByArrayLiteral, Sequence {
    /// Every word's bytes, one after another.
    private let bytes: [UInt8]
    /// Where each word is in `bytes`.
    private let ranges: [Range<Int>]
    /// For each slot, the index in `ranges` of the word there plus one (0: empty).
    private let slots: [Int32]
    /// The words, as given (duplicates once).
    private let words: [String]

    /// The set of `words`.
    public init(_ words: some Sequence<String>) {
        var unique: [String] = []
        var seen = Set<String>()
        for word in words where seen.insert(word).inserted { unique.append(word) }
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var size = 8
        while size < unique.count * 2 { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        for (index, word) in unique.enumerated() {
            let start = bytes.count
            bytes += word.utf8
            ranges.append(start..<bytes.count)
            var slot = bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start...])) } & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index + 1)
        }
        self.bytes = bytes
        self.ranges = ranges
        self.slots = slots
        self.words = unique
    }

    /// The set of the listed words: `static let verbs: WordSet = ["run", "start"]`.
    public init(arrayLiteral words: String...) { self.init(words) }

    /// FNV-1a over `key`.
    @inline(__always) private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// True when the set holds the word whose UTF-8 is `key`.
    public func contains(bytes key: UnsafeBufferPointer<UInt8>) -> Bool {
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { bytes in
                while slots[slot] != 0 {
                    let range = ranges[Int(slots[slot]) - 1]
                    if range.count == key.count,
                        key.isEmpty || memcmp(bytes.baseAddress! + range.lowerBound, key.baseAddress!, key.count) == 0
                    {
                        return true
                    }
                    slot = (slot + 1) & mask
                }
                return false
            }
        }
    }

    /// True when the set holds `word`.
    public func contains(_ word: String) -> Bool { word.withUTF8Bytes { contains(bytes: $0) } }

    /// True when the set holds `word`.
    public func contains(_ word: Substring) -> Bool { word.withUTF8Bytes { contains(bytes: $0) } }

    /// How many words.
    public var count: Int { words.count }

    /// The words, in the order given.
    public func makeIterator() -> IndexingIterator<[String]> { words.makeIterator() }
}

// One extension each for String and Substring, not one on StringProtocol: a generic
// extension is not specialised in the modules that call it, and these run on every line.
extension String {
    /// Byte-level substring test, case-insensitive for ASCII, the bytes read in place
    /// (Foundation's `contains` goes through CFStringFind on Linux).
    public func includes(_ needle: String) -> Bool { withUTF8Bytes { Needles.occurs(needle, in: $0) } }

    /// True when any of `needles` is included.
    public func includesAny(_ needles: Needles) -> Bool { withUTF8Bytes { needles.occurs(in: $0) } }

    /// True when the text starts with `prefix` (written in lower case), ASCII letters of
    /// either case alike: "If …" opens with "if ". Both read in place (the generic
    /// `starts(with:by:)` cost a hundred instructions a call).
    public func opens(with prefix: String) -> Bool { withUTF8Bytes { ASCII.opens($0, with: prefix) } }
}

extension Substring {
    /// Byte-level substring test, case-insensitive for ASCII, the bytes read in place.
    public func includes(_ needle: String) -> Bool { withUTF8Bytes { Needles.occurs(needle, in: $0) } }

    /// True when any of `needles` is included.
    public func includesAny(_ needles: Needles) -> Bool { withUTF8Bytes { needles.occurs(in: $0) } }

    /// True when the text starts with `prefix` (written in lower case), ASCII letters of
    /// either case alike.
    public func opens(with prefix: String) -> Bool { withUTF8Bytes { ASCII.opens($0, with: prefix) } }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks; native, because Foundation's
    /// `trimmingCharacters` bridges through NSString on Linux and dominated reading time.
    public var trimmed: String { trimmed(ASCII.isSpace) }

    /// Without leading and trailing spaces and tabs (line breaks kept).
    public var trimmedInline: String {
        @inline(__always) get { trimmed(ASCII.isBlank) }
    }

    /// The text itself, not a copy, when there is nothing to trim (most text). Inlined: the
    /// reader trims every line of every block, and a call costs more than the check.
    @inline(__always) private func trimmed(_ isSpace: (UInt8) -> Bool) -> String {
        let ends = self[...].trimmedEnds(isSpace)
        return ends == (0, 0) ? self : String(self[...].trimming(ends))
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and line breaks.
    public var trimmed: String { String(trimming(ASCII.isSpace)) }

    /// Without leading and trailing spaces and tabs (line breaks kept).
    public var trimmedInline: String { String(trimming(ASCII.isBlank)) }

    /// The slice without the bytes `isSpace` accepts at either end; no copy.
    func trimming(_ isSpace: (UInt8) -> Bool) -> Substring { trimming(trimmedEnds(isSpace)) }

    /// How many bytes `isSpace` accepts at the start and at the end, counted over the bytes in
    /// place (stepping a Substring's UTF-8 indices costs ten times as much).
    fileprivate func trimmedEnds(_ isSpace: (UInt8) -> Bool) -> (Int, Int) {
        withUTF8Bytes { bytes in
            var start = 0
            var end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            return (start, bytes.count - end)
        }
    }

    /// The slice without `ends.0` bytes at the start and `ends.1` at the end. The bytes
    /// trimmed are ASCII, so both bounds fall between characters.
    fileprivate func trimming(_ ends: (Int, Int)) -> Substring {
        if ends == (0, 0) { return self }
        let view = utf8
        return self[view.index(view.startIndex, offsetBy: ends.0)..<view.index(view.endIndex, offsetBy: -ends.1)]
    }
}

extension Text {
    /// Verbs that make a whole file: "Save this as", "Create `app.py` with". ("Add to" and
    /// "Edit" change a file, which writing the block would overwrite.)
    private static let saveVerbs: WordSet = ["save", "create", "write", "put", "paste", "place", "store"]
    /// `saveVerbs` as text to look for, in any case: one of them is in every lead-in that saves.
    private static let saveVerbHints: Needles = ["save", "create", "write", "put", "paste", "place", "store"]

    /// A file name without an extension that tools look for by name: `Dockerfile`, `Makefile`,
    /// `Procfile`, `Caddyfile`, `Jenkinsfile`, `Vagrantfile` (a capital, then letters ending in
    /// "file").
    static func isBuildFileName(_ name: String) -> Bool {
        name.utf8.count > 4 && name.hasSuffix("file") && name.first?.isUppercase == true
            && name.utf8.allSatisfy(ASCII.isLetter)
    }

    /// The path a lead-in says to save the block as: it ends with a colon, has one of `verbs`
    /// as a word, and names a file path; nil otherwise.
    public static func savedPath(_ text: String) -> String? {
        if let saved = path(in: text, afterOneOf: saveVerbs, hints: saveVerbHints) { return saved }
        // "Replace the contents of `/etc/caddy/Caddyfile` with:" makes the whole file too.
        guard let replaced = path(in: text, afterOneOf: replaceVerbs, hints: replaceVerbHints),
            text.includesAny(wholeFileWords)
        else { return nil }
        return replaced
    }

    private static let replaceVerbs: WordSet = ["replace", "overwrite"]
    private static let replaceVerbHints: Needles = ["replace", "overwrite"]
    /// What a replacing lead-in says when it replaces the whole file, not a line of it.
    private static let wholeFileWords: Needles = ["content", "everything in", "whole file", "entire file"]

    /// The file a lead-in says to add the block to, or to change with it ("Add to
    /// `/etc/caddy/Caddyfile`:", "Append this to ~/.bashrc:", "Edit `/etc/mongod.conf` and
    /// set:"): an edit of a file that has more in it, which only a person makes (`file=` would
    /// write the block as the whole file). Nil otherwise.
    public static func addedToPath(_ text: String) -> String? {
        path(in: text, afterOneOf: addVerbs, hints: addVerbHints)
    }

    private static let addVerbs: WordSet = ["add", "append", "insert", "edit", "modify", "update", "open", "replace"]
    private static let addVerbHints: Needles = ["add", "append", "insert", "edit", "modify", "update", "open", "replace"]

    /// The file path a lead-in names, when it ends with a colon and has one of `verbs` as a
    /// word (`hints`, the same words, decide on the bytes before any word is split).
    private static func path(in text: String, afterOneOf verbs: WordSet, hints: Needles) -> String? {
        guard text.includesAny(hints) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(":") else { return nil }
        let words = trimmed.split(whereSeparator: { $0.isWhitespace })
        let hasVerb = words.contains { word in
            verbs.contains(String(word.filter(\.isLetter)).lowercased())
        }
        guard hasVerb else { return nil }
        for word in words {
            let path = word.trimmingCharacters(in: CharacterSet(charactersIn: "`*\"'():,;"))
            if isFilePath(path, named: word.hasPrefix("`")) { return path }
        }
        return nil
    }

    /// `path` names a file: from the root, home or here, or, when `named` (as code, or a block's
    /// title), a file name (`.env`, `config/app.yaml`, `Dockerfile`).
    static func isFilePath(_ path: String, named: Bool) -> Bool {
        guard path.count >= 2, !path.hasSuffix("/"), !path.contains("..."), !path.contains("://") else { return false }
        let rooted =
            path.hasPrefix("/") || path.hasPrefix("~/") || path.hasPrefix("./") || (path.hasPrefix("$") && path.contains("/"))
        let asName =
            named && !path.hasPrefix("-") && (path.contains(".") || path.contains("/") || isBuildFileName(path))
            && !path.contains("`")
        return rooted || asName
    }

    /// The file a block's display title names, from its info string: `title="/etc/app.service"`
    /// (MkDocs, Docusaurus) or `filename="app.py"` (Nextra), a path with no blank in it.
    public static func titledPath(_ info: String) -> String? {
        guard info.includesAny(titleKeys) else { return nil }
        for key in ["title=", "filename="] {
            guard let at = info.range(of: key) else { continue }
            var rest = info[at.upperBound...]
            let quote = rest.first.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil }
            if quote != nil { rest = rest.dropFirst() }
            let value = rest.prefix { c in quote.map { c != $0 } ?? !(c.isWhitespace || c == "}") }
            let path = String(value)
            if !path.contains(where: \.isWhitespace), isFilePath(path, named: true) { return path }
        }
        return nil
    }

    private static let titleKeys: Needles = ["title=", "filename="]
}
