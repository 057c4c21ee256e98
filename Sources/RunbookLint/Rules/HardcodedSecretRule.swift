import Foundation
import RunbookGuide
import RunbookModel

/// `hardcoded-secret`: a literal secret in the guide: a high-entropy value assigned to a
/// secret-like name, a key of a known shape (AWS, GitHub, Slack, OpenAI), a private key block.
struct HardcodedSecretRule: LintRule {
    var id: String { "hardcoded-secret" }
    var summary: String { "a literal secret pasted into the guide" }

    /// Each key shape, what it is, and the words one of which every match holds (a GitHub
    /// token's `gh` spelt out to its `_`, so that every word is 3 bytes or longer and the line
    /// filter skips along the text).
    static let shapes: [(pattern: String, what: String, hints: [String])] = [
        (#"\bAKIA[0-9A-Z]{16}\b"#, "an AWS access key id", ["AKIA"]),
        (#"\bgh[pousr]_[A-Za-z0-9]{36,}\b"#, "a GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]),
        (#"\bgithub_pat_[A-Za-z0-9_]{40,}\b"#, "a GitHub token", ["github_pat_"]),
        (#"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"#, "a Slack token", ["xox"]),
        (#"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b"#, "an OpenAI key", ["sk-"]),
        (#"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"#, "a private key", ["PRIVATE KEY"]),
    ]
    /// Every shape's words, and the config directives' (`directiveNames`): a line with none of
    /// them skips the shapes and the directives, and a file with none skips every line's search.
    static let shapeHints = Needles(shapes.flatMap(\.hints) + directiveNames + ["pgpass"])
    static let assignment = #"\b([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*["']?([^"'\s$`]{12,})"#

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        // Most guides hold no key's word anywhere: one pass over the file says so, and then no
        // line is searched for one (no word holds a line break, so a word in the file is in
        // a line).
        let fileMayHaveShape = linted.text.withUTF8Bytes { Self.shapeHints.occurs(in: $0) }
        linted.forEachLine { number, bytes in
            // Most lines have neither a shape's word nor an assignment: decided on the bytes
            // in place, before the line becomes a String.
            let quoted = bytes.containsByte(UInt8(ascii: "'"))
            let mayHaveShape = fileMayHaveShape && Self.shapeHints.occurs(in: bytes)
            let punctuated =
                quoted || bytes.containsByte(UInt8(ascii: "=")) || bytes.containsByte(UInt8(ascii: ":"))
                || bytes.containsByte(UInt8(ascii: "|"))
            let mayAssign = punctuated && Self.assignmentHints.occurs(in: bytes)
            let mayPassOption = Self.hasSecretOption(bytes)
            let mayHaveURL = bytes.containsByte(UInt8(ascii: "@")) && Self.urlHint.occurs(in: bytes)
            let mayHaveDirective = mayHaveShape && linted.isFenced(number)
            guard mayHaveShape || mayAssign || mayPassOption || mayHaveURL || mayHaveDirective else { return }
            let raw = linted.line(number)
            let line = String(raw)
            // One finding a line: a key's shape, else a URL's password, else a secret assigned,
            // in a table or in SQL.
            guard
                let found = (mayHaveShape ? Self.keyShape(in: line) : nil)
                    ?? (mayHaveURL ? Self.urlPassword(in: line) : nil)
                    ?? (mayAssign
                        ? Self.assignedSecret(in: line, raw: raw, bare: !linted.isFenced(number), quoted: quoted) : nil)
                    ?? (mayPassOption ? Self.optionSecret(in: line) : nil)
                    ?? (mayHaveDirective ? Self.directiveSecret(in: line) ?? Self.pgpassSecret(in: line) : nil)
            else { return }
            findings.append(
                Diagnostic(
                    rule: id, severity: .error,
                    location: SourceLocation(file: linted.guide.path, line: number, column: found.column),
                    message: found.message, fix: found.fix))
        }
        return findings
    }

    /// What a finding says, and where on its line.
    typealias Found = (column: Int, message: String, fix: String)

    /// The first key of a known shape on `line` that is not a documentation example
    /// (`AKIAIOSFODNN7EXAMPLE` is a placeholder).
    static func keyShape(in line: String) -> Found? {
        for (pattern, what, hints) in shapes where hints.contains(where: line.includes) {
            if let (captures, column) = Text.firstMatchAndColumn(pattern, in: line), !Placeholder.isPlaceholderValue(captures[0])
            {
                return (
                    column, "\(what) is written into the guide; revoke it and bind it with --vars instead",
                    "replace it with ${NAME} and keep the value in an untracked .env file"
                )
            }
        }
        return nil
    }

    /// A real-looking secret `line` assigns to a secret-like name, gives in a table row (`raw`
    /// read as one; without outer pipes where `bare`), or (`quoted` lines) sets in SQL.
    static func assignedSecret(in line: String, raw: Substring, bare: Bool, quoted: Bool) -> Found? {
        if let (name, value) = firstAssignment(in: line).flatMap({ looksReal($0) ? $0 : nil })
            ?? tableValue(in: raw, bare: bare)
        {
            return (
                column(of: value, in: line), "\(name) is given a literal value that looks like a real secret",
                "bind \(name) with --vars or the environment"
            )
        }
        if quoted, let value = sqlPassword(in: line) {
            return (
                column(of: value, in: line),
                "a database password is written into the guide as a literal that looks like a real secret",
                "bind it with --vars and pass it in (psql -v pw=\"$DB_PASSWORD\", then PASSWORD :'pw')"
            )
        }
        return nil
    }

    /// A secret-like name, or MySQL's `IDENTIFIED` before a password: one of them is on every
    /// line an assignment, a table row or SQL gives a secret on.
    static let assignmentHints = Needles(Text.secretWordList + ["identified"])

    /// A real-looking secret given to a command's option named like one, as the next word
    /// (`./config.sh --token AZ7Q…`, `docker login --password …`): the option as written, and
    /// the value. The name's dashes are read as `_` (`--key-file` names where a key is, no
    /// key). By bytes: an option starts with `-` at a word's start.
    static func optionSecret(in line: String) -> Found? {
        var line = line
        let found: (option: String, value: String)? = line.withUTF8 { b in
            var found: (option: String, value: String)?
            _ = forEachSecretOption(in: b) { start, name in
                var valueStart = ASCII.skipSpaces(b, from: name.upperBound)
                if valueStart < b.count, b[valueStart] == UInt8(ascii: "\"") || b[valueStart] == UInt8(ascii: "'") {
                    valueStart += 1
                }
                var valueEnd = valueStart
                while valueEnd < b.count, !ASCII.isSpace(b[valueEnd]), !Self.notInValue.contains(b[valueEnd]) { valueEnd += 1 }
                guard valueEnd - valueStart >= 12, b[valueStart] != UInt8(ascii: "-") else { return false }
                let nameText = String(decoding: UnsafeBufferPointer(rebasing: b[name]), as: UTF8.self)
                let value = String(decoding: UnsafeBufferPointer(rebasing: b[valueStart..<valueEnd]), as: UTF8.self)
                guard looksReal((name: nameText.replacingOccurrences(of: "-", with: "_"), value: value)) else { return false }
                found = (String(decoding: UnsafeBufferPointer(rebasing: b[start..<name.upperBound]), as: UTF8.self), value)
                return true
            }
            return found
        }
        guard let found else { return nil }
        return (
            column(of: found.value, in: line), "\(found.option) is given a literal value that looks like a real secret",
            "bind it with --vars and write ${NAME} in its place"
        )
    }

    /// Config directives whose value is a password, written `NAME value` with no `=` or `:`:
    /// Redis's `requirepass` and `masterauth`, Sentinel's `sentinel auth-pass mymaster …`,
    /// OpenLDAP's `rootpw`, nslcd's `bindpw`.
    static let directiveNames = ["requirepass", "masterauth", "auth-pass", "rootpw", "bindpw"]
    static let directiveSet = WordSet(directiveNames)

    /// A real-looking password given to a `directiveNames` directive, its first or second word
    /// (`sentinel auth-pass …`), as the line's last word.
    static func directiveSecret(in line: String) -> Found? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 2,
            let index = words.prefix(2).firstIndex(where: { directiveSet.contains($0.lowercased()) }),
            index < words.count - 1
        else { return nil }
        let value = words[words.count - 1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        // A config file's `$` is a character of the password (`Xk7#mQ2$vL9p`); a value that is a
        // variable (`$REDIS_PASSWORD`, `${PASS}`) or a command is not one.
        guard !value.hasPrefix("$"), !value.includes("${"), !value.containsByte(UInt8(ascii: "`")), looksRealValue(value)
        else { return nil }
        return (
            column(of: value, in: line), "\(words[index]) is given a literal value that looks like a real secret",
            "bind it with --vars and write ${NAME} in its place (the block then needs file= and a bound value)"
        )
    }

    /// A real-looking password in a `.pgpass` line the command writes (`echo
    /// "localhost:5432:orders:backup:S3cr…" | sudo tee /root/.pgpass`): the last of the five
    /// colon-separated fields, host, port, database, user and password.
    static func pgpassSecret(in line: String) -> Found? {
        guard line.includes("pgpass") else { return nil }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" })
        for word in words where word.utf8.count(where: { $0 == UInt8(ascii: ":") }) == 4 {
            let fields = word.split(separator: ":", omittingEmptySubsequences: false)
            let port = fields[1]
            guard port == "*" || (!port.isEmpty && port.utf8.allSatisfy(ASCII.isDigit)) else { continue }
            let value = String(fields[4])
            guard looksRealLiteral(value) else { continue }
            return (
                column(of: value, in: line), "a .pgpass line gives a literal password that looks like a real secret",
                "bind it with --vars and write it as ${NAME} (echo \"localhost:5432:db:user:${DB_PASSWORD}\")"
            )
        }
        return nil
    }

    /// The words `sqlPasswordPattern` needs, one of them.
    static let sqlHints: Needles = ["password", "identified"]

    /// SQL's `PASSWORD '…'` (PostgreSQL's `CREATE ROLE`/`ALTER USER`) and `IDENTIFIED BY '…'`
    /// (MySQL): a password with no `=` or `:` before it.
    static let sqlPasswordPattern = #"\b(?:PASSWORD|IDENTIFIED\s+BY)\s+'([^'\s$`]+)'"#

    /// The literal of the first `sqlPasswordPattern` in `line`, when it looks real.
    static func sqlPassword(in line: String) -> String? {
        guard line.includesAny(sqlHints),
            let value = Text.firstMatch(sqlPasswordPattern, in: line, options: [.caseInsensitive])?[1],
            looksRealValue(value)
        else { return nil }
        return value
    }

    /// What every URL has.
    static let urlHint: Needles = ["://"]

    /// `scheme://user:password@host`: the user and the password, neither a variable.
    static let urlCredentials = #"\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s"'$`]*:([^@/\s"'$`]+)@"#

    /// The finding for the password of the first URL in `line` that carries one, when it
    /// looks real (`postgres://app:Zx81kQ92mPa7@db/app`; not `USER:PASSWORD@HOST` or
    /// `${DB_PASSWORD}`).
    static func urlPassword(in line: String) -> Found? {
        guard let password = Text.firstMatch(urlCredentials, in: line)?[1], looksRealInURL(password) else { return nil }
        return (
            column(of: password, in: line),
            "a URL's password is written into the guide as a literal that looks like a real secret",
            "bind the password (or the whole URL) with --vars and write ${NAME} in its place"
        )
    }

    /// A password in a URL's `user:password@` slot, where only a password can be: what
    /// `looksRealValue` asks, with a lower bar for the mix, since a person's choice
    /// (`s3cr3tPassw0rd2024`, 3.46 bits a character) repeats letters a generated one does not.
    /// Letters and digits both. None of the words a made-up example is written with, at either
    /// bar (`devpassword123`, `mysecret2024x`, `changeme12345`).
    static func looksRealInURL(_ password: String) -> Bool {
        let lower = password.lowercased()
        guard !exampleWords.contains(where: lower.contains) else { return false }
        if looksRealValue(password) { return true }
        return password.count >= 12 && !Placeholder.isPlaceholderValue(password) && entropy(password) >= 3.0
            && password.contains(where: \.isNumber) && password.contains(where: \.isLetter)
    }

    /// Words a made-up password is written with: not a secret anyone uses.
    static let exampleWords = ["password", "secret", "changeme", "example", "sample", "dummy", "test", "demo"]

    /// The 1-based column, in characters, where `value` first occurs in `line`.
    static func column(of value: String, in line: String) -> Int {
        (line.range(of: value).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? 0) + 1
    }

    /// A secret-like name given a value that looks real: long, mixed, not a placeholder.
    static func looksReal(_ assignment: (name: String, value: String)) -> Bool {
        Text.isSecretName(assignment.name) && looksRealValue(assignment.value)
    }

    /// A value that looks like a real secret, whatever it is given to: 12 or more characters
    /// and no blanks, no placeholder, 3.5 bits a character, a digit or a capital. (Where only
    /// a password can stand, an SQL `PASSWORD '…'`, a URL's, a directive's, the value alone.)
    static func looksRealValue(_ value: String) -> Bool {
        value.count >= 12 && !value.contains(where: \.isWhitespace) && !Placeholder.isPlaceholderValue(value)
            && Self.entropy(value) >= 3.5 && (value.contains(where: \.isNumber) || value.contains(where: \.isUppercase))
    }

    /// A value written into the guide, not bound (`${REDIS_PASSWORD}`, `$(cat …)`), that
    /// looks real (`looksRealValue`).
    static func looksRealLiteral(_ value: String) -> Bool {
        !value.utf8.contains(where: { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "`") }) && looksRealValue(value)
    }

    /// The first cell of a variables table's row (`| DB_PASSWORD | Xk9… | … |`, or without the
    /// outer pipes where `bare`: outside code) that gives its secret-like name a value that
    /// looks real: the `Value` column, or an `Example` pasted from a real environment.
    static func tableValue(in line: Substring, bare: Bool) -> (name: String, value: String)? {
        guard let row = VariableTable.namedRow(line, bare: bare) else { return nil }
        return row.cells.lazy.map { (row.name, $0) }.first(where: looksReal)
    }

    /// The name and value of the first match of `assignment` in `line`: by bytes on an ASCII
    /// line, by the pattern (whose `\s` and `\b` know Unicode) on any other.
    static func firstAssignment(in line: String) -> (name: String, value: String)? {
        var line = line
        let found: (name: String, value: String)?? = line.withUTF8 { b in
            guard !b.contains(where: { $0 >= 0x80 }) else { return .none }
            // The leftmost `\bNAME`, after which come `\s*[=:]\s*`, a quote or not, and 12 or
            // more bytes that are none of `"'$` + "`" + ` or a space.
            for start in b.indices
            where (ASCII.isLetter(b[start]) || b[start] == UInt8(ascii: "_")) && !ASCII.isWord(b, at: start - 1) {
                var i = start
                while ASCII.isWord(b, at: i) { i += 1 }
                let nameEnd = i
                i = ASCII.skipSpaces(b, from: i)
                guard i < b.count, b[i] == UInt8(ascii: "=") || b[i] == UInt8(ascii: ":") else { continue }
                i = ASCII.skipSpaces(b, from: i + 1)
                if i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") { i += 1 }
                let valueStart = i
                while i < b.count, !ASCII.isSpace(b[i]), !Self.notInValue.contains(b[i]) { i += 1 }
                guard i - valueStart >= 12 else { continue }
                return (
                    String(decoding: UnsafeBufferPointer(rebasing: b[start..<nameEnd]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: b[valueStart..<i]), as: UTF8.self)
                )
            }
            return .some(nil)
        }
        if let found { return found }
        return Text.firstMatch(assignment, in: line).map { ($0[1], $0[2]) }
    }

    /// True when `bytes` has an option named like a secret given its value as the next word
    /// (`--token AZ7Q…`): the line filter of `optionSecret`.
    static func hasSecretOption(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        forEachSecretOption(in: bytes) { _, _ in true }
    }

    /// Calls `body` with each option in `b` whose name holds a secret word (`--token`,
    /// `--db-password`) and is followed by a blank (`--token=…` is an assignment, read as
    /// one): where the option starts (its first `-`, at a word's start) and where its name is,
    /// without the dashes. Stops when `body` says true, and says whether it did. Each `-` is
    /// found with memchr, and the byte before it tested.
    @inline(__always) static func forEachSecretOption(
        in b: UnsafeBufferPointer<UInt8>, _ body: (_ start: Int, _ name: Range<Int>) -> Bool
    ) -> Bool {
        guard let base = b.baseAddress, b.count > 1 else { return false }
        let end = base + b.count
        var p = base
        while p < end, let hit = memchr(p, Int32(UInt8(ascii: "-")), end - p) {
            let start = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
            p = start + 1
            guard start == base || ASCII.isSpace(start[-1]) else { continue }
            var nameStart = start
            while nameStart < end, nameStart.pointee == UInt8(ascii: "-") { nameStart += 1 }
            var nameEnd = nameStart
            while nameEnd < end, !ASCII.isSpace(nameEnd.pointee), nameEnd.pointee != UInt8(ascii: "=") { nameEnd += 1 }
            p = max(p, nameEnd)
            // (A name shorter than the shortest secret word, `-y`, holds none.)
            guard nameEnd < end, nameEnd.pointee != UInt8(ascii: "="), nameEnd - nameStart >= 3,
                Text.secretWords.occurs(in: UnsafeBufferPointer(start: nameStart, count: nameEnd - nameStart))
            else { continue }
            if body(start - base, (nameStart - base)..<(nameEnd - base)) { return true }
        }
        return false
    }

    /// What ends an assigned value besides a space.
    private static let notInValue: ByteSet = "\"'$`"

    /// Shannon entropy in bits per character.
    static func entropy(_ text: String) -> Double {
        var counts: [Character: Int] = [:]
        for c in text { counts[c, default: 0] += 1 }
        let n = Double(text.count)
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / n
            return sum - p * log2(p)
        }
    }
}
