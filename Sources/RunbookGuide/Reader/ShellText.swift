import Foundation
import RunbookModel

/// One logical shell line: continuation lines joined, heredoc bodies marked.
public struct ShellLine: Sendable, Hashable {
    /// The text, continuations joined with a space.
    public var text: String
    /// 0-based index of its first physical line within the block.
    public var offset: Int
    /// Number of physical lines it spans.
    public var span: Int
    /// Part of a heredoc body: data, not commands.
    public var isHeredocBody: Bool
}

/// Just enough shell lexing to read a guide: logical lines, words, commands and traits.
public enum ShellText {
    /// Splits `code` into logical lines.
    public static func logicalLines(_ code: String) -> [ShellLine] {
        logicalLines(physical: code.lines)
    }

    /// The logical lines of code already split into its lines (`String.lines`).
    public static func logicalLines(physical: [Substring]) -> [ShellLine] {
        var out: [ShellLine] = []
        out.reserveCapacity(physical.count)
        var i = 0
        var heredocs: [(delimiter: String, stripTabs: Bool)] = []
        while i < physical.count {
            if let current = heredocs.first {
                let line = physical[i]
                let candidate = current.stripTabs ? line.drop { $0 == "\t" } : line
                out.append(ShellLine(text: String(line), offset: i, span: 1, isHeredocBody: true))
                if candidate == current.delimiter { heredocs.removeFirst() }
                i += 1
                continue
            }
            let start = i
            var text = String(physical[i])
            while continues(text), i + 1 < physical.count {
                text = String(text.dropLast()) + " " + physical[i + 1].trimmedInline
                i += 1
            }
            out.append(ShellLine(text: text, offset: start, span: i - start + 1, isHeredocBody: false))
            // Most lines open no heredoc: nothing to append (the generic append costs even so).
            let opened = heredocDelimiters(in: text)
            if !opened.isEmpty { heredocs += opened }
            i += 1
        }
        return out
    }

    /// True when a line ends with one backslash (not an escaped one): it goes on on the next.
    private static func continues(_ line: String) -> Bool {
        line.withUTF8Bytes { bytes in
            bytes.last == UInt8(ascii: "\\") && (bytes.count < 2 || bytes[bytes.count - 2] != UInt8(ascii: "\\"))
        }
    }

    /// Delimiters of heredocs a line opens (`<<EOF`, `<<'EOF'`, `<<-"EOF"`, `<<\EOF`), in
    /// order; a here-string (`<<<`) opens none. By bytes: every byte a delimiter's syntax
    /// names is ASCII, and a quoted delimiter's bytes are copied whole.
    static func heredocDelimiters(in text: String) -> [(delimiter: String, stripTabs: Bool)] {
        guard text.containsBytes("<<") else { return [] }
        var found: [(delimiter: String, stripTabs: Bool)] = []
        text[...].withUTF8Bytes { b in
            let end = b.count
            var i = 0
            while i + 1 < end {
                guard b[i] == UInt8(ascii: "<"), b[i + 1] == UInt8(ascii: "<") else {
                    i += 1
                    continue
                }
                guard let (range, strip, next) = heredocOperator(b, at: i) else {
                    i += 1
                    continue
                }
                // `<<<` is a here-string: the operator after a `<` is not a heredoc's.
                if i == 0 || b[i - 1] != UInt8(ascii: "<") {
                    found.append((String(decoding: b[range], as: UTF8.self), strip))
                }
                i = next
            }
        }
        return found
    }

    /// The heredoc operator at `i` (which holds `<<`): its delimiter's bytes, whether it is
    /// `<<-`, and where the operator ends; nil when no delimiter follows.
    private static func heredocOperator(
        _ b: UnsafeBufferPointer<UInt8>, at i: Int
    ) -> (delimiter: Range<Int>, stripTabs: Bool, end: Int)? {
        let end = b.count
        var j = i + 2
        let strip = j < end && b[j] == UInt8(ascii: "-")
        if strip { j += 1 }
        while j < end, ASCII.isBlank(b[j]) { j += 1 }
        guard j < end else { return nil }
        let c = b[j]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            var k = j + 1
            while k < end, b[k] != c { k += 1 }
            guard k < end, k > j + 1 else { return nil }
            return ((j + 1)..<k, strip, k + 1)
        }
        if c == UInt8(ascii: "\\") { j += 1 }
        guard j < end, ASCII.isLetter(b[j]) || b[j] == UInt8(ascii: "_") else { return nil }
        var k = j + 1
        while k < end, ASCII.isWord(b[k]) { k += 1 }
        return (j..<k, strip, k)
    }

    /// True when a heredoc opened by `text` has a quoted delimiter (its body is not expanded).
    public static func opensQuotedHeredoc(_ text: String) -> Bool {
        Text.matches(#"<<-?[ \t]*(['"]|\\)"#, text)
    }

    /// Words of a line with quotes removed, control operators as their own words, comments dropped.
    public static func words(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { words(bytes: $0) }
    }

    /// `words` of UTF-8 bytes. Every character the shell treats specially is ASCII, and a
    /// multi-byte character's bytes are all ordinary ones. A word is made of runs of bytes
    /// kept as written; only a word with quotes or escapes is copied together from its runs.
    static func words(bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        // Most commands are a few words: one allocation, not one at each doubling.
        words.reserveCapacity(8)
        // The word so far, once a quote or escape has split it into runs.
        var current: [UInt8] = []
        // Where the run being read started, or -1.
        var run = -1
        var inWord = false
        var quote: UInt8 = 0
        let end = bytes.count
        // Read once: a static is checked for initialisation on each read.
        let wordBreaks = Self.wordBreaks
        var i = 0
        func closeRun(_ i: Int) {
            if run >= 0 { current.append(contentsOf: bytes[run..<i]) }
            run = -1
        }
        func openRun(_ i: Int) { if run < 0 { run = i } }
        func flush(_ i: Int) {
            if inWord {
                if current.isEmpty, run >= 0 {
                    words.append(String(decoding: bytes[run..<i], as: UTF8.self))
                } else {
                    closeRun(i)
                    words.append(String(decoding: current, as: UTF8.self))
                }
            }
            current.removeAll(keepingCapacity: true)
            run = -1
            inWord = false
        }
        scan: while i < end {
            let c = bytes[i]
            if quote != 0 {
                if c == quote {
                    closeRun(i)
                    quote = 0
                } else if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\""), i + 1 < end {
                    closeRun(i)
                    i += 1
                    run = i
                } else {
                    openRun(i)
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                closeRun(i)
                quote = c
                inWord = true
            case UInt8(ascii: "\\"):
                closeRun(i)
                if i + 1 < end {
                    i += 1
                    run = i
                    inWord = true
                }
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                flush(i)
            case UInt8(ascii: "#") where !inWord:
                break scan
            case UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"):
                flush(i)
                let doubled =
                    i + 1 < end && bytes[i + 1] == c
                    && (c == UInt8(ascii: "|") || c == UInt8(ascii: "&") || c == UInt8(ascii: ";"))
                words.append(String(decoding: bytes[i..<(doubled ? i + 2 : i + 1)], as: UTF8.self))
                if doubled { i += 1 }
            default:
                openRun(i)
                inWord = true
                // The rest of the run of ordinary bytes at once: none of them is a case above.
                i += 1
                while i < end, !wordBreaks.contains(bytes[i]) { i += 1 }
                continue
            }
            i += 1
        }
        flush(i)
        return words
    }

    /// The bytes `words(bytes:)` stops a run of ordinary bytes at: blanks, quotes, escapes, a
    /// comment's `#` and the operators.
    private static let wordBreaks: ByteSet = " \t'\"\\#;|&()"

    /// Simple commands of a line, split at `;`, `&&`, `||`, `|`, `&` and parentheses.

    public static func commands(_ text: String) -> [[String]] {
        commands(words: words(text))
    }

    /// The simple commands of a line already split into `words`.
    public static func commands(words: [String]) -> [[String]] {
        var out: [[String]] = []
        forEachCommand(in: words) { out.append(Array($0)) }
        return out
    }

    /// Calls `body` with each simple command of `words` as a slice of it, empty ones skipped:
    /// `commands` without an array per command (or one of the slices).
    public static func forEachCommand(in words: [String], _ body: (ArraySlice<String>) -> Void) {
        var start = words.startIndex
        for (index, word) in words.enumerated() where isSeparator(word) {
            if index > start { body(words[start..<index]) }
            start = index + 1
        }
        if start < words.endIndex { body(words[start...]) }
    }

    /// `;`, `;;`, `&&`, `||`, `|`, `&`, `(`, `)`: the words `words` makes of control operators.
    static func isSeparator(_ word: String) -> Bool {
        // By bytes: a String `switch` compares against each case in turn.
        let bytes = word.utf8
        guard let first = bytes.first, bytes.count <= 2 else { return false }
        switch first {
        case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"): return bytes.count == 1 || bytes.last == first
        case UInt8(ascii: "("), UInt8(ascii: ")"): return bytes.count == 1
        default: return false
        }
    }

    /// `export NAME="value"` → (NAME, value); nil when the line does more than assign one value.
    static func parseAssignment(_ line: String) -> (String, String, Bool)? {
        // By bytes: the quotes, `=`, `#` and blanks that decide are ASCII.
        let bytes = Array(line.utf8)
        let n = bytes.count
        var i = 0
        if bytes.starts(with: "export ".utf8) {
            i = 7
            while i < n, bytes[i] == UInt8(ascii: " ") { i += 1 }
        }
        // NAME= at the start: stop at the first byte that cannot be in a name.
        let nameStart = i
        while i < n, ASCII.isWord(bytes[i]) { i += 1 }
        guard i < n, bytes[i] == UInt8(ascii: "="), ShellText.isName(bytes[nameStart..<i]) else { return nil }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        i += 1
        let value: String
        let literal = i < n && bytes[i] == UInt8(ascii: "'")
        if i < n, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
            let quote = bytes[i]
            i += 1
            var v: [UInt8] = []
            while i < n, bytes[i] != quote {
                if quote == UInt8(ascii: "\""), bytes[i] == UInt8(ascii: "\\"), i + 1 < n { i += 1 }
                v.append(bytes[i])
                i += 1
            }
            guard i < n else { return nil }
            value = String(decoding: v, as: UTF8.self)
            i += 1
        } else if i < n, bytes[i] == UInt8(ascii: "<"), let close = angleValueEnd(bytes, from: i) {
            // `TOKEN=<your token>`: a placeholder in words, as a person reads it (bash would
            // read a redirection).
            value = String(decoding: bytes[i...close], as: UTF8.self)
            i = close + 1
        } else {
            let start = i
            while i < n, !ASCII.isBlank(bytes[i]) { i += 1 }
            let v = bytes[start..<i]
            if v.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: ";") }) {
                return nil
            }
            value = String(decoding: v, as: UTF8.self)
        }
        while i < n, ASCII.isBlank(bytes[i]) { i += 1 }
        guard i == n || bytes[i] == UInt8(ascii: "#") else { return nil }
        return (name, value, literal)
    }

    /// Where the `>` that closes the `<` at `start` is, when what is between is words a person
    /// fills in (`<your token>`, `<YOUR API KEY>`): letters first, then no quote, `$`, backtick,
    /// bracket or command separator. Nil for anything else (`<file`, `<(cmd)`).
    private static func angleValueEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start + 1 < bytes.count, ASCII.isLetter(bytes[start + 1]) else { return nil }
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: ">"): return i
            case UInt8(ascii: "<"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "$"), UInt8(ascii: "`"),
                UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"):
                return nil
            default: i += 1
            }
        }
        return nil
    }

    /// Every name `text` reads as `$NAME` or `${NAME}`, quoting aside: what a target's address
    /// or a step asks a binding for.
    public static func referencedNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        let chars = Array(text.utf8)
        var i = 0
        while i < chars.count {
            if chars[i] == UInt8(ascii: "$") {
                var j = i + 1
                if j < chars.count, chars[j] == UInt8(ascii: "{") { j += 1 }
                let start = j
                while j < chars.count,
                    chars[j] == 0x5F || (chars[j] >= 0x30 && chars[j] <= 0x39)
                        || (chars[j] | 0x20 >= 0x61 && chars[j] | 0x20 <= 0x7A)
                { j += 1 }
                if j > start { names.insert(String(decoding: chars[start..<j], as: UTF8.self)) }
                i = j
            } else {
                i += 1
            }
        }
        return names
    }

    /// True when `value` reads a variable: `$NAME` or `${NAME…` (`\$\{?[A-Za-z_]`, by bytes).
    static func readsVariable(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "$") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "{") { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "_") || ASCII.isLetter(bytes[j]) { return true }
        }
        return false
    }

    /// True when `code`'s first line opens with a prompt a line of shell cannot (`$ `, `❯ `,
    /// `user@host:~$ `): decided on the line's bytes first, as most blocks have none.
    /// A two-line prompt's first line (`[10:39 AM]-[ops@laptop]-[~]-`, `┌──(kali㉿kali)-[~]`)
    /// opening the block is passed over: the line after it decides.
    public static func opensWithPrompt(_ code: String) -> Bool {
        code.withUTF8Bytes { bytes in
            var start = 0
            while start < bytes.count, ASCII.isBlank(bytes[start]) || bytes[start] == 0x0A { start += 1 }
            if start < bytes.count, promptHeaderOpenings.contains(bytes[start]) {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                if isPromptHeader(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) {
                    start = end
                    while start < bytes.count, ASCII.isBlank(bytes[start]) || bytes[start] == 0x0A { start += 1 }
                }
            }
            // A comment: no strict prompt opens with `#` (a root prompt's `# ` is no strict one,
            // and `user@host:~# ` opens with the user's name).
            if start < bytes.count, bytes[start] == UInt8(ascii: "#") { return false }
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            // Every strict prompt ends in `$ `, `# ` or `❯ ` (its last byte 0xAF, then a space).
            let mark = (start..<max(start, end - 1)).contains { i in
                bytes[i + 1] == 0x20 && (bytes[i] == UInt8(ascii: "$") || bytes[i] == UInt8(ascii: "#") || bytes[i] == 0xAF)
            }
            guard mark else { return false }
            return promptEnd(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), strict: true)
                != nil
        }
    }

    /// The first bytes a prompt header may open with: `[`, `(`, and `┌`'s first byte.
    static let promptHeaderOpenings: Set<UInt8> = [UInt8(ascii: "["), UInt8(ascii: "("), 0xE2]

    /// The first line of a two-line prompt: bracketed parts that name the user at the host
    /// (`[10:39 AM]-[ops@laptop]-[~]-`, `┌──(kali㉿kali)-[~]`), and no command after them.
    public static func isPromptHeader(_ line: String) -> Bool {
        let t = line.trimmedInline
        guard let first = t.first, first == "[" || first == "(" || first == "┌",
            t.contains("@") || t.contains("㉿"),
            let last = t.last, last == "]" || last == ")" || last == "-"
        else { return false }
        return !t.contains("$ ") && !t.contains("# ")
    }

    /// Where the command of a transcript line starts, past its prompt: `$ `, `# `, `% `, `❯ `,
    /// `user@host:~/app$ `, `[user@host app]# `, each maybe after a `(venv) `; nil for a line
    /// of output. `strict` leaves out the prompts a line of shell can also open with (`# `
    /// is a comment) or an output line may (`% `).
    public static func promptEnd(_ line: String, strict: Bool = false) -> String.Index? {
        var rest = line[...]
        if rest.hasPrefix("("), let close = rest.firstIndex(of: ")"), !rest[..<close].contains(" ") {
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        for prompt in strict ? ["$ ", "❯ ", "└─$ ", "└─# "] : ["$ ", "# ", "% ", "❯ ", "└─$ ", "└─# "]
        where rest.hasPrefix(prompt) {
            return rest.index(rest.startIndex, offsetBy: prompt.count)
        }
        // `user@host:~/app$ ` and `[user@host app]$ `: the prompt ends at its first space (the
        // bracketed one at its `]`), just after a `$` or `#`.
        let isName = { (c: Character) in c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" }
        let end: Substring.Index?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"), rest[..<close].contains("@") {
            end = rest.index(after: close)
        } else if let at = rest.firstIndex(of: "@"), at > rest.startIndex, rest[..<at].allSatisfy(isName) {
            end = rest[at...].firstIndex(of: " ").map { rest.index(before: $0) }
        } else {
            end = nil
        }
        guard let end, end < rest.endIndex, rest[end] == "$" || rest[end] == "#" else { return nil }
        let space = rest.index(after: end)
        guard space < rest.endIndex, rest[space] == " " else { return nil }
        return rest.index(after: space)
    }

    /// How `code` treats variable `name`: whether it reads it (`$NAME`, `${NAME…`) and whether
    /// it assigns it (`NAME=` where a word starts, as in `export NAME=`, `A=1 NAME=2 cmd`; not
    /// `--flag=NAME=` or `$NAME=`). By bytes, without reading the shell's grammar: enough to
    /// tell whether a guide relies on a value from outside.
    public static func uses(of name: String, in code: String) -> (reads: Bool, assigns: Bool) {
        guard code.containsBytes(name) else { return (false, false) }
        let bytes = Array(code.utf8)
        let wanted = Array(name.utf8)
        var reads = false
        var assigns = false
        var from = 0
        while from + wanted.count <= bytes.count,
            let at = bytes[from...].firstIndex(of: wanted[0])
        {
            from = at + 1
            let end = at + wanted.count
            guard end <= bytes.count, bytes[at..<end].elementsEqual(wanted), !ASCII.isWord(bytes, at: end) else { continue }
            let before = at > 0 ? bytes[at - 1] : UInt8(ascii: " ")
            if before == UInt8(ascii: "$") || (before == UInt8(ascii: "{") && at > 1 && bytes[at - 2] == UInt8(ascii: "$")) {
                reads = true
            } else if end < bytes.count, bytes[end] == UInt8(ascii: "="), Self.beforeAnAssignment.contains(before) {
                assigns = true
            }
        }
        return (reads, assigns)
    }

    /// What may stand right before an assignment word.
    private static let beforeAnAssignment: ByteSet = " \t\n;&|("

    /// `NAME=value` (a shell assignment word).
    public static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.utf8.firstIndex(of: UInt8(ascii: "=")) else { return false }
        var name = word.utf8[..<eq]
        if name.last == UInt8(ascii: "+") { name = name.dropLast() }
        return isName(name)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, checked on bytes.
    @inlinable public static func isName<S: Collection>(_ bytes: S) -> Bool where S.Element == UInt8 {
        guard let first = bytes.first, first == 0x5F || ASCII.isLetter(first) else { return false }
        return bytes.allSatisfy(ASCII.isWord)
    }

    /// The program a simple command runs, past `sudo`, `env`, `nohup`, `time`, `exec` and assignments.
    public static func program(of command: ArraySlice<String>) -> (name: String, args: ArraySlice<String>)? {
        var rest = command
        while let first = rest.first {
            if isAssignment(first) || commandWrappers.contains(first) {
                rest = rest.dropFirst()
            } else if first == "sudo" || first == "env" || first == "doas" {
                rest = rest.dropFirst()
                while let option = rest.first, option.hasPrefix("-") {
                    rest = rest.dropFirst()
                    if optionsWithValue.contains(option) { rest = rest.dropFirst() }
                }
            } else {
                break
            }
        }
        guard let name = rest.first else { return nil }
        return (name, rest.dropFirst())
    }

    /// `program(of:)` with the program named by its file's name (`bin/rails`, `./gradlew`,
    /// `/usr/bin/psql`): what a command's traits are decided by.
    static func programName(of command: ArraySlice<String>) -> (name: String, args: ArraySlice<String>)? {
        guard let (path, args) = program(of: command) else { return nil }
        return (fileName(path), args)
    }

    /// The part of `path` after its last `/` (all of it when it has none), by bytes.
    static func fileName(_ path: String) -> String {
        path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[path.utf8.index(after: $0)...]) } ?? path
    }

    /// Words that run the rest of the command as a program.
    private static let commandWrappers = ["nohup", "time", "exec", "command", "builtin", "nice"]
    /// `sudo`'s and `env`'s options that take the next word as their value.
    private static let optionsWithValue = ["-u", "-g", "-C", "-h", "-p"]

    static let knownCommands: WordSet = [
        "sudo", "cd", "ls", "cp", "mv", "rm", "mkdir", "rmdir", "cat", "echo", "printf", "curl",
        "wget", "git", "docker", "docker-compose", "podman", "kubectl", "helm", "npm", "npx", "yarn",
        "pnpm", "node", "pip", "pip3", "python", "python3", "uv", "poetry", "apt", "apt-get", "dnf",
        "yum", "apk", "brew", "snap", "systemctl", "journalctl", "service", "ssh", "scp", "rsync",
        "tar", "unzip", "zip", "chmod", "chown", "ln", "touch", "export", "source", ".", "set",
        "unset", "make", "go", "cargo", "rustup", "psql", "mysql", "redis-cli", "nginx", "certbot",
        "sed", "awk", "grep", "find", "tail", "head", "less", "more", "openssl", "dig", "nslookup",
        "host", "ping", "ps", "kill", "pkill", "killall", "ss", "netstat", "lsof", "free", "df",
        "du", "top", "htop", "uptime", "whoami", "id", "useradd", "usermod", "adduser", "passwd",
        "ufw", "firewall-cmd", "iptables", "crontab", "tee", "sort", "uniq", "wc", "xargs", "env",
        "nohup", "bash", "sh", "zsh", "aws", "gcloud", "az", "terraform", "ansible", "ansible-playbook",
        "vercel", "heroku", "fly", "flyctl", "supabase", "gh", "jq", "yq", "base64", "sha256sum",
        "md5sum", "date", "sleep", "test", "[", "if", "for", "while", "until", "case", "function",
        "true", "false", "exit", "read", "alias", "which", "command", "type", "uvicorn", "gunicorn",
        "flask", "rails", "bundle", "gem", "ruby", "php", "composer", "java", "mvn", "gradle",
        "dotnet", "swift", "deno", "bun", "pm2", "caddy", "mkswap", "swapon", "fallocate", "mount",
        "umount", "nano", "vim", "vi", "emacs", "watch", "stat", "file", "realpath", "dirname",
        "basename", "install", "useradd", "groupadd", "visudo", "hostnamectl", "timedatectl",
        "localectl", "reboot", "shutdown", "screen", "tmux", "sqlite3", "mongosh", "pg_dump",
        "pg_restore", "createdb", "dropdb", "alembic", "django-admin", "manage.py", "pytest",
        "tox", "ssh-keygen", "ssh-copy-id", "ssh-add", "eval", "trap", "wait", "pushd", "popd",
    ]

    /// Does an unlabeled block look like shell? First words are commands, paths, `sudo`, `$ ` prompts.
    public static func looksLikeShell(_ code: String) -> Bool {
        looksLikeShell(lines: logicalLines(code))
    }

    /// The lines of `lines` that hold a command: not a heredoc's body, blank or a comment.
    static func commandLines(_ lines: [ShellLine]) -> [ShellLine] {
        lines.filter {
            let t = $0.text.trimmedInline
            return !$0.isHeredocBody && !t.isEmpty && !t.hasPrefix("#")
        }
    }

    /// A YAML or config key opening a line (`name: value`), in any case.
    static let keyPattern = #"^[A-Za-z_][A-Za-z0-9_.-]*:\s"#

    /// `keyPattern` opens `line`: by bytes when the line is ASCII, the pattern otherwise.
    static func opensWithKey(_ line: String) -> Bool {
        guard let b = ASCII.bytes(of: line) else { return Text.matches(keyPattern, line) }
        guard let first = b.first, ASCII.isLetter(first) || first == UInt8(ascii: "_") else { return false }
        var i = 1
        while i < b.count, ASCII.isWord(b[i]) || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "-") { i += 1 }
        return i + 1 < b.count && b[i] == UInt8(ascii: ":") && ASCII.isSpace(b[i + 1])
    }

    /// `looksLikeShell` of a block already split into logical lines.
    static func looksLikeShell(lines: [ShellLine]) -> Bool {
        let lines = commandLines(lines)
        guard let first = lines.first?.text.trimmedInline else { return false }
        if first.hasPrefix("$ ") { return true }
        // YAML, INI, JSON and config files are not shell even when a word matches.
        if first.hasPrefix("{") || first.hasPrefix("[") && !first.hasPrefix("[ ") || first.hasPrefix("<") {
            return false
        }
        if opensWithKey(first) || first.hasSuffix("{") && !first.contains("()") {
            return false
        }
        guard let word = commands(first).first?.first else { return false }
        if isAssignment(word) { return true }
        if word.hasPrefix("/") || word.hasPrefix("./") || word.hasPrefix("~/") { return true }
        return knownCommands.contains(word)
    }
}

/// A parsed `ssh [options] [user@]host [command]` line.
public struct SSHLine: Sendable, Hashable {
    /// Login user, when given.
    public var user: String?
    /// Host as written (may contain `${VAR}` when parsed from raw text).
    public var host: String
    /// Port from `-p`.
    public var port: String?
    /// Identity file from `-i`.
    public var identity: String?
    /// No remote command: an interactive login a person stays in.
    public var isBare: Bool
    /// The jump hosts it goes through (`-J bastion`, `-o ProxyJump=…`), as written.
    public var jump: String? = nil
    /// The command it connects through (`-o ProxyCommand=…`), which runbook does not run.
    public var proxyCommand: String? = nil

    /// The login it makes, as one key: user, host and port.
    public var hostKey: String { "\(user ?? "")@\(host):\(port ?? "")" }

    /// Parses words (quotes already removed) that start with `ssh`.
    public static func parse(_ words: [String]) -> SSHLine? {
        guard words.first == "ssh" else { return nil }
        let arguments = SSHArguments(words.dropFirst())
        guard var host = arguments.positional.first else { return nil }
        var user = arguments.user
        if let at = host.lastIndex(of: "@") {
            user = String(host[..<at])
            host = String(host[host.index(after: at)...])
        }
        if host.hasPrefix("ssh://") { host = String(host.dropFirst(6)) }
        var jump: String?
        var proxyCommand: String?
        switch arguments.proxy {
        case .jump(let hops): jump = hops
        case .command(let command): proxyCommand = command
        case nil: break
        }
        return SSHLine(
            user: user, host: host, port: arguments.port, identity: arguments.identity,
            isBare: arguments.positional.count == 1 && !arguments.noShell, jump: jump, proxyCommand: proxyCommand)
    }

    /// `ssh://user@host:port`.
    public var uri: String {
        "ssh://" + (user.map { "\($0)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// The host is one left for the reader to fill in (`your-server-ip`, `app.example.com`,
    /// `[server-ip]`): there is no address to connect to until one is bound.
    public var hostIsPlaceholder: Bool { Self.isPlaceholder(host: host) }

    /// A placeholder the placeholder rule knows, or text no host name or address is made of
    /// (`[remoteServer/ip]`, `<ip>`); a variable (`$EC2_IP`) is an address bound at run time.
    static func isPlaceholder(host: String) -> Bool {
        if host.utf8.first == UInt8(ascii: "$") { return false }
        if Placeholder.find(in: host) != nil { return true }
        let named = host.utf8.allSatisfy {
            ASCII.isWord($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
        return !named && !Text.matches(ipv6Host, host)
    }

    /// An IPv6 address, bracketed or not, with a zone (`fe80::1%eth0`) or not.
    static let ipv6Host = #"^\[?[0-9a-fA-F]*:[0-9a-fA-F:.]*(%[A-Za-z0-9]+)?\]?$"#

    /// A target name derived from the host: `${EC2_PUBLIC_IP}` → `ec2`, `db1.corp` → `db1`,
    /// an IP address or a placeholder (`your-server-ip`) → `server`.
    public var targetName: String { Self.targetName(host: host) }

    /// Names of address variables that say nothing of which machine (`$PUBLIC_IP`, `$HOST`).
    static let machineWords: Set<String> = [
        "host", "ip", "server", "remote", "section", "address", "public", "private", "external", "internal", "instance",
        "vm", "machine", "target",
    ]

    /// The target name `targetName` derives from `host`; prose that names a host by itself
    /// ("On web01:") names the same target.
    public static func targetName(host: String) -> String {
        // Each pattern only where it can match: a variable starts with `$`; an address is
        // digits and dots, or has a colon (a byte past ASCII or a line break: the pattern says).
        if host.utf8.first == UInt8(ascii: "$"), let m = Text.firstMatch(#"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$"#, in: host) {
            var name = m[1].uppercased()
            for suffix in ["_PUBLIC_IP", "_PRIVATE_IP", "_IP", "_HOSTNAME", "_HOST", "_ADDRESS", "_ADDR", "_SERVER", "_DNS"]
            where name.hasSuffix(suffix) {
                name = String(name.dropLast(suffix.count))
                break
            }
            let slug = Text.slug(name)
            // Words that say only that it is a machine, or which of its addresses: `$PUBLIC_IP`.
            return Self.machineWords.contains(slug) || name.isEmpty ? "server" : slug
        }
        // An IPv4 or IPv6 address (which has a colon: `db1` and `cafe` are names).
        let mayBeAddress =
            host.utf8.allSatisfy { ASCII.isDigit($0) || $0 == UInt8(ascii: ".") }
            || host.utf8.contains { $0 == UInt8(ascii: ":") || (0x0A...0x0D).contains($0) || $0 >= 0x80 }
        if mayBeAddress, Text.matches(#"^[0-9.]+$"#, host) || Text.matches(ipv6Host, host) { return "server" }
        let first = host.split(separator: ".").first.map(String.init) ?? host
        if isPlaceholder(host: first) { return "server" }
        let slug = Text.slug(first)
        return slug == "section" || slug == "localhost" ? "server" : slug
    }
}
