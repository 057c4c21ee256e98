import RunbookGuide

/// Turns what a shell prints about itself (`declare -p`, a marker line, `declare -f`, `cd`)
/// into the snapshot that is kept: bash's own special and readonly variables, runbook's
/// `__rb_` names, and every bound name (their values, secrets included, come from the
/// environment each time) are left out.
enum Snapshot {
    static let marker = "__RB_FUNCTIONS__"

    static let special: Set<String> = [
        "BASH", "BASHOPTS", "BASHPID", "EUID", "UID", "PPID", "SHELLOPTS", "FUNCNAME", "GROUPS",
        "HISTCMD", "LINENO", "RANDOM", "SRANDOM", "SECONDS", "EPOCHREALTIME", "EPOCHSECONDS",
        "PIPESTATUS", "DIRSTACK", "SHLVL", "_", "OPTIND", "OPTARG", "PWD", "OLDPWD", "IFS", "PS4",
        "COLUMNS", "LINES", "HOSTNAME", "HOSTTYPE", "MACHTYPE", "OSTYPE", "BASH_ARGV0",
    ]

    /// Filters raw shell output into a snapshot. `dropSecretNames` also leaves out variables
    /// whose names look secret (what is written to disk must hold no secret).
    /// `inherited`: variables exported unchanged from runbook's own environment are left out
    /// too (a resume gets them from the environment again, and they may hold credentials).
    static func filter(
        _ raw: String, excluding bound: Set<String>, dropSecretNames: Bool = false, inherited: [String: String] = [:]
    ) -> String {
        let bytes = Array(raw.utf8)
        var kept: [String] = []
        var i = 0
        // `declare -p` entries: each ends at a line break outside quotes.
        while i < bytes.count {
            let start = i
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
            let entry = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self)
            i += 1
            if entry == marker || entry == "# " + marker {
                // Kept as a comment so filtering a snapshot again finds it (sourcing ignores it).
                kept.append("# \(marker)\n" + withoutOwnFunctions(String(decoding: bytes[min(i, bytes.count)...], as: UTF8.self)))
                break
            }
            guard entry.hasPrefix("declare ") else { continue }
            let words = entry.split(separator: " ", maxSplits: 2)
            guard words.count >= 3 else { continue }
            let flags = words[1]
            let name = String(words[2].prefix { $0 != "=" })
            if flags.contains("r") || special.contains(name) || name.hasPrefix("BASH_") || name.hasPrefix("COMP_")
                || name.hasPrefix("__rb_") || name.hasPrefix("__RB_") || bound.contains(name)
                || (dropSecretNames && Text.isSecretName(name))
            {
                continue
            }
            if let value = inherited[name], flags.contains("x"), entry == "declare \(flags) \(name)=\"\(escaped(value))\"" {
                continue
            }
            kept.append(entry + "\n")
        }
        return kept.joined()
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

    /// A value as `declare -p` writes it between double quotes.
    static func escaped(_ value: String) -> String {
        var out = ""
        for c in value {
            if c == "\\" || c == "\"" || c == "$" || c == "`" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
