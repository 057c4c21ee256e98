import Foundation
import RunbookGuide
import RunbookTestSupport
import Testing

@testable import RunbookEngine

/// `Snapshot.filter` reads bytes; these tests hold it to the character-based filter it
/// replaced (`ReferenceSnapshot` below, kept as it was) on what a real bash prints about
/// itself.
@Suite("snapshots")
struct SnapshotTests {
    /// Variables as runbook's environment gives them to the shell (`inherited`), each one
    /// `declare -p` writes between double quotes.
    static let inherited = [
        "PLAIN": "plain", "QUOTED": #"say "hi" $HOME `date` \ back"#, "CHANGED": "before", "API_TOKEN": "tok-123",
        "EMPTY": "",
    ]

    /// Inherited variables `declare -p` writes as `$'…'`: a control character, or (bash runs
    /// here in the C locale) a byte past ASCII.
    static let ansiInherited = [
        "ACCENTED": "héllo wörld ✓", "CERTIFICATE": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "TABBED": "a\tb", "ODD": "it's \\ a \"test\" with \u{1B}[0m and \u{7F} and \r", "RETURNED": "before",
    ]

    /// What bash prints about itself after a step that declares one variable of every kind.
    static func rawSnapshot() throws -> String {
        let script = #"""
            CHANGED=after
            RETURNED=$'after\n'
            export NEW_EXPORT="new value"
            plain_local=1
            quoted_local='it'"'"'s "quoted" $x `y` \z'
            multi_line="line one
            line two"
            tabbed=$'a\tb'
            declare -a list=(one "two words" $'three\nlines')
            declare -A map=([k]=v ["spaced key"]="x y")
            declare -r FROZEN=ice
            declare -i count=42
            DB_PASSWORD=hunter2
            BOUND_NAME=bound-value
            BASH_EXTRA=1
            __rb_own=own
            __RB_OWN=own
            COMP_EXTRA=1
            unicode_é=no
            say() { echo "say $1"; }
            __rb_helper() {
              echo own
            }
            declare -p
            echo __RB_FUNCTIONS__
            declare -f
            printf 'cd -- %q 2>/dev/null\n' "$PWD"
            """#
        let environment = inherited.merging(ansiInherited) { $1 }.merging(["PATH": "/usr/bin:/bin", "HOME": "/root"]) { $1 }
        return try programOutput("/bin/bash", ["--noprofile", "--norc", "-c", script], environment: environment).output
    }

    @Test(arguments: [false, true])
    func theByteFilterKeepsWhatTheCharacterFilterKept(dropSecretNames: Bool) throws {
        let raw = try Self.rawSnapshot()
        #expect(raw.contains("declare -x QUOTED="))
        #expect(raw.contains("__RB_FUNCTIONS__"))
        for (bound, inherited) in [
            (Set<String>(), [String: String]()), (Set(["BOUND_NAME"]), Self.inherited),
            (Set(["BOUND_NAME", "PLAIN"]), ["QUOTED": "other", "EMPTY": ""]),
        ] as [(Set<String>, [String: String])] {
            let filtered = Snapshot.filter(raw, excluding: bound, dropSecretNames: dropSecretNames, inherited: inherited)
            let reference = ReferenceSnapshot.filter(
                raw, excluding: bound, dropSecretNames: dropSecretNames, inherited: inherited)
            #expect(filtered == reference)
            // As the journal does: filtering a snapshot again changes nothing.
            #expect(
                Snapshot.filter(filtered, excluding: bound, dropSecretNames: dropSecretNames, inherited: inherited)
                    == filtered)
        }
        let kept = Snapshot.filter(raw, excluding: ["BOUND_NAME"], dropSecretNames: dropSecretNames, inherited: Self.inherited)
        // Inherited and unchanged: left to the environment; changed or new: kept.
        #expect(!kept.contains("PLAIN="))
        #expect(!kept.contains("QUOTED="))
        #expect(kept.contains("declare -x CHANGED=\"after\"\n"))
        #expect(kept.contains("declare -x NEW_EXPORT=\"new value\"\n"))
        #expect(kept.contains("declare -a list=("))
        #expect(kept.contains("declare -A map=("))
        #expect(kept.contains("declare -i count=\"42\"\n"))
        #expect(kept.contains("say () \n"))
        for left in [
            "FROZEN", "BOUND_NAME", "BASH_EXTRA", "__rb_own", "__RB_OWN", "COMP_EXTRA", "__rb_helper", "BASHPID=", "SHELLOPTS=",
        ] {
            #expect(!kept.contains(left), "\(left)")
        }
        #expect(kept.contains("DB_PASSWORD") == !dropSecretNames)
    }

    /// An inherited variable that bash writes as `$'…'` (a certificate's line breaks, a tab,
    /// non-ASCII text in the C locale) is left to the environment as one in double quotes is;
    /// changed, it is kept.
    @Test func inheritedValuesWrittenAsANSICAreLeftOut() throws {
        let raw = try Self.rawSnapshot()
        #expect(raw.contains("declare -x CERTIFICATE=$'-----BEGIN CERTIFICATE-----\\nMIIB"))
        #expect(raw.contains("declare -x ACCENTED=$'h\\303\\251llo"))
        let kept = Snapshot.filter(raw, excluding: [], inherited: Self.ansiInherited)
        for name in ["ACCENTED", "CERTIFICATE", "TABBED", "ODD"] {
            #expect(!kept.contains("\(name)="), "\(name)")
        }
        #expect(kept.contains("declare -x RETURNED=$'after\\n'\n"))
        // Without them inherited, every one is kept, as the shell has it.
        let all = Snapshot.filter(raw, excluding: [])
        for name in ["ACCENTED", "CERTIFICATE", "TABBED", "ODD", "RETURNED"] {
            #expect(all.contains("declare -x \(name)=$'"), "\(name)")
        }
    }

    /// The `$'…'` bodies bash writes, read back; escapes it does not write are not guessed at.
    @Test func ansiCBodiesAreRead() {
        func read(_ body: String) -> String? { Snapshot.ansiC(Array(body.utf8)[...]).map { String(decoding: $0, as: UTF8.self) } }
        #expect(read(#"a\tb\nc"#) == "a\tb\nc")
        #expect(read(#"it\'s \\ \"q\""#) == "it's \\ \"q\"")
        #expect(read(#"h\303\251llo"#) == "héllo")
        #expect(read(#"\E[0m\a\b\f\v\r\?"#) == "\u{1B}[0m\u{07}\u{08}\u{0C}\u{0B}\r?")
        #expect(read(#"\0\12\1234"#) == "\u{0}\n\u{53}4")
        #expect(read("") == "")
        #expect(read(#"\x41"#) == nil)
        #expect(read(#"\u00e9"#) == nil)
        #expect(read("it's") == nil)
        #expect(read(#"ends\"#) == nil)
    }

    /// An entry that is not a declaration, or one cut short, is not kept; one with a quote
    /// left open runs to the end of the text.
    @Test func oddEntriesAreReadAsBefore() {
        for raw in [
            "declare\ndeclare -x\ndeclare -x \ndeclare  -x  A=\"1\"\nnot a declaration\n",
            "declare -x A=\"unclosed\ndeclare -x B=\"2\"\n", "declare -x A=\"ends in a backslash\\",
            "declare -- 'odd'=1\ndeclare -x A=$'x\\'y'\n# __RB_FUNCTIONS__\n__rb_f () \n{ \n    :\n}\ncd -- /\n",
        ] {
            for inherited in [[:], ["A": "1"]] as [[String: String]] {
                #expect(
                    Snapshot.filter(raw, excluding: [], inherited: inherited)
                        == ReferenceSnapshot.filter(raw, excluding: [], inherited: inherited), "\(raw)")
            }
        }
    }
}

/// The filter as it was before it read bytes (session 24), the reference the byte filter is
/// held to: what it does with each entry, as it was.
enum ReferenceSnapshot {
    static let special: Set<String> = Set(Snapshot.special)

    static func filter(
        _ raw: String, excluding bound: Set<String>, dropSecretNames: Bool = false, inherited: [String: String] = [:]
    ) -> String {
        let bytes = Array(raw.utf8)
        var kept: [String] = []
        var i = 0
        while i < bytes.count {
            // Where an entry ends is found as it was: shared, not what changed.
            let start = i
            i = Snapshot.entryEnd(bytes, from: start)
            let entry = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self)
            i += 1
            if entry == Snapshot.marker || entry == "# " + Snapshot.marker {
                kept.append(
                    "# \(Snapshot.marker)\n"
                        + Snapshot.withoutOwnFunctions(String(decoding: bytes[min(i, bytes.count)...], as: UTF8.self)))
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

    static func escaped(_ value: String) -> String {
        var out = ""
        for c in value {
            if c == "\\" || c == "\"" || c == "$" || c == "`" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
