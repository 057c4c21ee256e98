import RunbookGuide

/// Turns what a shell prints about itself (`declare -p`, a marker line, `declare -f`, `cd`)
/// into the snapshot that is kept: bash's own special and readonly variables, runbook's
/// `__rb_` names, and every bound name (their values, secrets included, come from the
/// environment each time) are left out.
enum Snapshot {
    static let marker = "__RB_FUNCTIONS__"

    /// bash's own variables, and a login's (a shell restored after a reboot, a new login or
    /// a resume is in another login, with its own connection, terminal and agent), never
    /// restored.
    static let special: WordSet = [
        "BASH", "BASHOPTS", "BASHPID", "EUID", "UID", "PPID", "SHELLOPTS", "FUNCNAME", "GROUPS",
        "HISTCMD", "LINENO", "RANDOM", "SRANDOM", "SECONDS", "EPOCHREALTIME", "EPOCHSECONDS",
        "PIPESTATUS", "DIRSTACK", "SHLVL", "_", "OPTIND", "OPTARG", "PWD", "OLDPWD", "IFS", "PS4",
        "COLUMNS", "LINES", "HOSTNAME", "HOSTTYPE", "MACHTYPE", "OSTYPE", "BASH_ARGV0",
        "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "SSH_AUTH_SOCK", "XDG_SESSION_ID",
    ]

    /// Prefixes of names that are bash's, completion's or runbook's own.
    private static let ownPrefixes: [[UInt8]] = ["BASH_", "COMP_", "__rb_", "__RB_"].map { Array($0.utf8) }

    /// Filters raw shell output into a snapshot. `dropSecretNames` also leaves out variables
    /// whose names look secret (what is written to disk must hold no secret).
    /// `inherited`: variables exported unchanged from runbook's own environment are left out
    /// too (a resume gets them from the environment again, and they may hold credentials).
    ///
    /// By bytes: it runs twice after every step, over every variable of the shell (a shell with
    /// sixty exported variables made it most of a step's own cost when it read them as
    /// characters). Everything it looks for in an entry is ASCII.
    static func filter(
        _ raw: String, excluding bound: Set<String>, dropSecretNames: Bool = false, inherited: [String: String] = [:]
    ) -> String {
        let bytes = Array(raw.utf8)
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var i = 0
        // `declare -p` entries: each ends at a line break outside quotes.
        while i < bytes.count {
            let start = i
            i = entryEnd(bytes, from: start)
            let entry = bytes[start..<min(i, bytes.count)]
            i += 1
            if entry.elementsEqual(markerBytes) || entry.elementsEqual(commentedMarkerBytes) {
                // Kept as a comment so filtering a snapshot again finds it (sourcing ignores it).
                kept += commentedMarkerBytes + [0x0A]
                kept += withoutOwnFunctions(String(decoding: bytes[min(i, bytes.count)...], as: UTF8.self)).utf8
                break
            }
            guard let (flags, name) = declaration(entry) else { continue }
            let nameBytes = entry[name]
            if entry[flags].contains(UInt8(ascii: "r")) || nameBytes.withUnsafeBufferPointer(special.contains(bytes:))
                || ownPrefixes.contains(where: nameBytes.starts(with:))
            {
                continue
            }
            let nameText = String(decoding: nameBytes, as: UTF8.self)
            if bound.contains(nameText) || (dropSecretNames && Text.isSecretName(nameText)) { continue }
            if let value = inherited[nameText], entry[flags].contains(UInt8(ascii: "x")),
                isExported(value, entry: entry, flags: flags, name: name)
            {
                continue
            }
            kept += entry
            kept.append(0x0A)
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// Where the entry that starts at `start` ends: at the first line break outside quotes
    /// (a backslash escapes the next byte in double quotes and in `$'…'`, not in `'…'`), or
    /// past the end of `bytes` when a backslash is its last byte.
    static func entryEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        var quote: UInt8? = nil
        var dollarQuote = false
        while i < bytes.count {
            let c = bytes[i]
            if let q = quote {
                if c == 0x5C {
                    i += 2
                    continue
                }  // backslash escapes the next byte
                if c == q {
                    quote = nil
                    dollarQuote = false
                }
            } else if c == 0x22 {
                quote = 0x22
            } else if c == 0x27 {
                // $'…' allows backslash escapes; '…' does not (handled the same: no escapes inside).
                dollarQuote = i > 0 && bytes[i - 1] == 0x24
                quote = 0x27
                if !dollarQuote {
                    i += 1
                    while i < bytes.count, bytes[i] != 0x27 { i += 1 }
                    quote = nil
                }
            } else if c == 0x0A {
                break
            }
            i += 1
        }
        return i
    }

    private static let markerBytes = Array(marker.utf8)
    private static let commentedMarkerBytes = Array("# \(marker)".utf8)

    /// Where the flags and the name of a `declare FLAGS NAME=…` entry are: its words as
    /// `split(separator: " ", maxSplits: 2)` has them (empty words left out), the name up to an
    /// `=`. Nil for any other line.
    static func declaration(_ entry: ArraySlice<UInt8>) -> (flags: Range<Int>, name: Range<Int>)? {
        guard entry.starts(with: declarePrefix) else { return nil }
        var first: Range<Int>?
        var second: Range<Int>?
        var wordStart = entry.startIndex
        var k = entry.startIndex
        while k < entry.endIndex, second == nil {
            if entry[k] == UInt8(ascii: " ") {
                if k > wordStart {
                    if first == nil { first = wordStart..<k } else { second = wordStart..<k }
                }
                wordStart = k + 1
            }
            k += 1
        }
        guard let flags = second, wordStart < entry.endIndex else { return nil }
        let rest = entry[wordStart...]
        return (flags, wordStart..<(rest.firstIndex(of: UInt8(ascii: "=")) ?? rest.endIndex))
    }

    private static let declarePrefix = Array("declare ".utf8)

    /// True when `entry` is exactly `declare FLAGS NAME=VALUE`, the value quoted as
    /// `declare -p` writes it: the variable as runbook's own environment gave it. Compared in
    /// place. bash writes a value between double quotes (a backslash before `\`, `"`, `$`
    /// and a backtick), or as `$'…'` when it holds a control character (a line break, a tab)
    /// or, in the C locale, any byte past ASCII; both are read.
    static func isExported(_ value: String, entry: ArraySlice<UInt8>, flags: Range<Int>, name: Range<Int>) -> Bool {
        // Single spaces between the words, as the entry rebuilt from them would have.
        guard flags.lowerBound == entry.startIndex + declarePrefix.count, name.lowerBound == flags.upperBound + 1 else {
            return false
        }
        var k = name.upperBound
        func next(_ byte: UInt8) -> Bool {
            guard k < entry.endIndex, entry[k] == byte else { return false }
            k += 1
            return true
        }
        guard next(UInt8(ascii: "=")) else { return false }
        if next(UInt8(ascii: "$")) {
            guard next(UInt8(ascii: "'")), entry.last == UInt8(ascii: "'"), k < entry.endIndex else { return false }
            return ansiC(entry[k..<(entry.endIndex - 1)]).map { $0.elementsEqual(value.utf8) } ?? false
        }
        guard next(UInt8(ascii: "\"")) else { return false }
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "`")
            {
                guard next(UInt8(ascii: "\\")) else { return false }
            }
            guard next(byte) else { return false }
        }
        return next(UInt8(ascii: "\"")) && k == entry.endIndex
    }

    /// The bytes a `$'…'` body stands for, as bash reads it: the escapes `declare -p` writes
    /// (`\n`, `\t`, `\E`, `\'`, `\\`, octal `\303`, …) and the rest as it is. Nil for an
    /// escape it does not read, or an unescaped quote: then the value is not known to be the
    /// environment's, and the entry is kept.
    static func ansiC(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var k = body.startIndex
        func isOctal(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7") }
        while k < body.endIndex {
            let b = body[k]
            k += 1
            if b == UInt8(ascii: "'") { return nil }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                continue
            }
            guard k < body.endIndex else { return nil }
            let e = body[k]
            k += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "e"), UInt8(ascii: "E"): out.append(0x1B)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): out.append(e)
            case _ where isOctal(e):
                // One to three octal digits.
                var code = Int(e - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, k < body.endIndex, isOctal(body[k]) {
                    code = code * 8 + Int(body[k] - UInt8(ascii: "0"))
                    k += 1
                    digits += 1
                }
                out.append(UInt8(truncatingIfNeeded: code))
            default:
                return nil
            }
        }
        return out
    }

    /// `declare -f` output without runbook's own `__rb_` functions: the prelude defines them
    /// in every new shell, and restored from an older run's snapshot they would replace this
    /// version's. `declare -f` closes each function with a `}` line of its own.
    static func withoutOwnFunctions(_ text: String) -> String {
        var kept: [Substring] = []
        var inOwn = false
        for line in text.lines {
            if inOwn {
                inOwn = line != "}"
            } else if line.hasPrefix("__rb_"), line.hasSuffix(" () ") {
                inOwn = true
            } else {
                kept.append(line)
            }
        }
        return kept.joined(separator: "\n")
    }
}
