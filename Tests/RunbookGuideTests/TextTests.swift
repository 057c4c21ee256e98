import Foundation
import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

/// The byte-level text helpers the reader and lint run on every line.
@Suite("byte-level text helpers")
struct TextTests {
    @Test(arguments: [
        ("✅ Verify:", "Verify:"), ("⚠️ Expected output:", "Expected output:"), ("👉 On the server:", "On the server:"),
        ("👩‍💻  Run:", "Run:"), ("→ then ✓ done", "then ✓ done"), ("1️⃣ Install", "1️⃣ Install"), ("Verify ✅", "Verify ✅"),
        ("é is a letter", "é is a letter"), ("日本", "日本"), ("✅", ""), ("", ""), ("# ✅ x", "# ✅ x"),
    ])
    func leadingPictographsAndSymbolsAreDropped(text: String, read: String) {
        #expect(Text.droppingLeadingSymbols(text) == read)
    }

    @Test func linesSplitAtNewlinesKeepEmptyOnesAndDropCarriageReturns() {
        #expect("a\n\nb".lines == ["a", "", "b"])
        #expect("a\n".lines == ["a", ""])
        #expect("".lines == [""])
        #expect("one\r\ntwo\r\n".lines == ["one", "two", ""])
        #expect("last\r".lines == ["last"])
        #expect("é\n日本\n".lines == ["é", "日本", ""])
        let slice = "x\ny\nz".dropFirst(2)
        #expect(slice.lines == ["y", "z"])
        for text in ["a\n\nb", "a\n", "", "one\r\ntwo\r\n", "last\r", "é\n日本\n", "\n\n\n"] {
            #expect(text.lineCount == text.lines.count, "\(text.debugDescription)")
            // The walk over each line's bytes gives the same lines, numbered from 1.
            var walked: [(Int, String)] = []
            text.forEachLineBytes { walked.append(($0, String(decoding: $1, as: UTF8.self))) }
            #expect(walked.map(\.0) == Array(1...text.lines.count), "\(text.debugDescription)")
            #expect(walked.map(\.1) == text.lines.map(String.init), "\(text.debugDescription)")
        }
        #expect(slice.lineCount == 2)
        #expect("\n\n\n".lineCount == 4)
    }

    /// `joinedLines` gives what `joined(separator: "\n")` gives: one span of the text for lines
    /// that follow one another, a join for CRLF lines (whose "\r" is not in any line), lines
    /// with a gap between them and lines of different texts.
    @Test func joinedLinesIsTheJoinOfTheLines() {
        for text in ["a\n\nb", "a\n", "", "one\r\ntwo\r\n", "last\r", "é\n日本\n", "\n\n\n", "x\r\ny\nz"] {
            let lines = text.lines
            for start in lines.indices {
                for end in start..<lines.count {
                    let part = lines[start...end]
                    #expect(part.joinedLines() == part.joined(separator: "\n"), "\(text.debugDescription) \(start)...\(end)")
                }
            }
        }
        let lines = "a\nb\nc\nd".lines
        #expect([lines[0], lines[2]].joinedLines() == "a\nc")
        #expect([lines[3], lines[2]].joinedLines() == "d\nc")
        #expect(["a", "b"].map { $0[...] }.joinedLines() == "a\nb")
        #expect([Substring]().joinedLines() == "")
        let other = "b\nx".lines
        #expect([lines[0], other[0]].joinedLines() == "a\nb")
        #expect([lines[0], other[1]].joinedLines() == "a\nx")
        // Lines of two texts of one length, where the indices alone would pass.
        let same = "q\nx\ny\nz".lines
        #expect([lines[0], same[1]].joinedLines() == "a\nx")
    }

    @Test func needlesAreFoundInAnyCaseAndOnlyWhole() {
        let words: Needles = ["export", "sslmode", "Down"]
        #expect("EXPORT X=1".includesAny(words))
        #expect("psql sslmode=disable".includesAny(words))
        #expect("docker compose down".includesAny(words))
        #expect(!"exporx sslmod dow".includesAny(words))
        #expect(!"".includesAny(words))
        #expect(!"anything".includesAny(Needles([])))
        #expect("tail end".includes("end"))
        #expect(!"tail en".includes("end"))
        #expect("日本 key".dropFirst(3).includes("KEY"))
    }

    /// One-byte words, words that share first bytes, a word at the very end and one cut off by
    /// it: `includesAny` says what a lower-cased search for each word says.
    @Test func needlesAgreeWithASearchForEachWord() {
        let words = [">", "gh", "github_pat_", "sk-", "...", "xo", "x", "/path/to/", "KEY"]
        let needles = Needles(words)
        let pieces = ["", ">", "g", "G", "h", "gH", "sk", "-", "..", ".", "X", "o", "/path/to", "/", "ke", "Y", "é"]
        var found = 0
        for text in combinations([pieces, pieces, pieces]) {
            let expected = words.contains { text.lowercased().contains($0.lowercased()) }
            #expect(text.includesAny(needles) == expected, "\(text.debugDescription)")
            if expected { found += 1 }
            // `found(in:)` names each word that occurs, by its place in the list.
            var bits: UInt64 = 0
            for (index, word) in words.enumerated() where text.lowercased().contains(word.lowercased()) {
                bits |= 1 << UInt64(index)
            }
            #expect(text.withUTF8Bytes { needles.found(in: $0) } == bits, "\(text.debugDescription)")
        }
        #expect(found > 1000)
        // Words of 3 bytes or more are found by skipping (a shift table over byte pairs): the
        // same answers, with words that overlap, repeat a pair, and differ only in case.
        let long = ["sk-", "KEY", "...", "abab", "/path/to/", "xox", "github_pat_", "@Example."]
        let longNeedles = Needles(long)
        let parts = [
            "", "s", "K", "k-", "ey", "ab", "A", "b", "..", "/path", "/to/", "xo", "X", "github_", "pat_", "@ex", "ample.", "é",
        ]
        var longFound = 0
        for text in combinations([parts, parts, parts]) {
            let expected = long.contains { text.lowercased().contains($0.lowercased()) }
            #expect(text.includesAny(longNeedles) == expected, "\(text.debugDescription)")
            if expected { longFound += 1 }
        }
        #expect(longFound > 300)
        #expect(!"ab".includesAny(Needles(["b.", "abc"])))
        #expect("ab".includesAny(Needles(["b", "abc"])))
    }

    /// A `WordSet` holds exactly what a `Set<String>` of the same words holds: whole words,
    /// case as written, any script, the empty word only when listed; more words than slots
    /// to begin with, so that probes collide and wrap.
    @Test func wordSetsHoldWhatASetOfTheSameWordsHolds() {
        let words =
            ["bash", "sh", "zsh", "shell-session", "日本", "é", "Make", "a", "ab", "abc", "bash"] + (0..<40).map { "w\($0)" }
        let set = WordSet(words)
        let reference = Set(words)
        #expect(set.count == reference.count)
        #expect(Set(set) == reference)
        let asked = words + ["", "Bash", "BASH", "bas", "bashh", "make", "日", "日本語", "e", "w40", "w4", "shell", "session", " sh"]
        for word in asked {
            #expect(set.contains(word) == reference.contains(word), "\(word.debugDescription)")
            #expect(set.contains("<\(word)>".dropFirst().dropLast()) == reference.contains(word), "\(word.debugDescription)")
        }
        let withEmpty: WordSet = ["", "-"]
        #expect(withEmpty.contains(""))
        #expect(withEmpty.contains("-"))
        #expect(!withEmpty.contains(" "))
        let empty = WordSet([])
        #expect(!empty.contains(""))
        #expect(!empty.contains("x"))
    }

    /// Trimming takes ASCII spaces (and, for `trimmed`, line breaks) off both ends only, and
    /// gives back the text as it was when there is nothing to take.
    @Test func trimmingTakesOnlyASCIISpacesAtTheEnds() {
        #expect("  a b  ".trimmed == "a b")
        #expect("\t\na b\r\n".trimmed == "a b")
        #expect("\t\na b\r\n".trimmedInline == "\na b\r\n")
        #expect("   ".trimmed == "")
        #expect("".trimmed == "")
        #expect("abc".trimmed == "abc")
        #expect("\u{00A0}é日本 \u{00A0}".trimmed == "\u{00A0}é日本 \u{00A0}")
        #expect(" 日本 ".trimmed == "日本")
        let slice = "[ x y ]".dropFirst().dropLast()
        #expect(slice.trimmed == "x y")
        #expect(slice.trimmedInline == "x y")
    }

    /// The option markers found by bytes are what their patterns find, on titles built from
    /// these parts (any case, parentheses open or closed, a line break, an id too long).
    @Test func optionMarkersByBytesAreWhatThePatternsFind() {
        let openings = ["", "**", "* ", "Option B ", "option 12: ", "Option ABCD ", "Option B_ ", "Alternative ", "Use "]
        let middles = ["", "(", "(Recommended", "recommended", "(alternate", "(Alternative ", "(alternatives", "x) ", "\n"]
        let endings = ["", ")", " recommended", " RECOMMENDED)", ": do this", " (see below)", "\nrecommended"]
        var marked = 0
        for title in combinations([openings, middles, endings]) {
            let startsWithOption = title.lowercased().drop { $0 == "*" || $0 == " " }.hasPrefix("option")
            let recommended =
                Text.matches(Patterns.recommendedPattern, title)
                || (startsWithOption && Text.matches(Patterns.optionRecommendedPattern, title))
            #expect(
                Patterns.markedRecommended(title, startsWithOption: startsWithOption) == recommended, "\(title.debugDescription)")
            let alternate = Text.matches(Patterns.alternatePattern, title)
            #expect(Patterns.markedAlternate(title) == alternate, "\(title.debugDescription)")
            if recommended { marked += 1 }
            if alternate { marked += 1 }
        }
        #expect(marked > 150)
    }

    /// Flow roles found by bytes are where their patterns match first, on ASCII titles built
    /// from these parts; a non-ASCII title still goes to the patterns.
    @Test func flowRolesByBytesAreWhereThePatternsMatch() throws {
        let parts = [
            "", "Troubleshooting ", "troubleshooter ", "Roll back ", "rollbacks ", "Tear-down ", "clean-up ", "Clean Up ",
            "FAQ ", "faqs ", "infrequently asked ", "Cost control ", "security  hardening ", "Operations and monitoring ",
            "Recovering from ", "recover fromage ", "Disaster Recovery ", "recovery codes ",
        ]
        var found = 0
        for title in combinations([parts, parts, ["", "x", "é"]]) {
            var expected: [(Int, String)] = []
            for rule in Patterns.flowRoles {
                let regex = try NSRegularExpression(pattern: rule.pattern, options: [.caseInsensitive])
                if let m = regex.firstMatch(in: title, range: NSRange(location: 0, length: title.utf16.count)) {
                    // The pattern path reports the matched text's first occurrence.
                    let text = (title as NSString).substring(with: m.range)
                    let at =
                        title.utf8.contains { $0 >= 0x80 }
                        ? (title as NSString).range(of: text, options: .caseInsensitive).location : m.range.location
                    expected.append((at, rule.role))
                }
            }
            let mentions = Patterns.flowMentions(in: title)
            #expect(mentions.map(\.at) == expected.map(\.0), "\(title.debugDescription)")
            #expect(mentions.map(\.role) == expected.map(\.1), "\(title.debugDescription)")
            found += mentions.count
        }
        #expect(found == 1137)
    }

    /// A list's lead-in read as reasons, by bytes, is what `reasonLeadIn` says.
    @Test func reasonLeadInsByBytesAreWhatThePatternSays() {
        let openers = [
            "", "Why", "why", "NOTE", "Notes", "noted", "Important", "Key point", "key  points", "KEY POINTS", "Tip",
            "tips", "Result", "results", "This guide", "this repo", "This section", "this sections", "The flow", "the flows",
            "This", "é", " Why",
        ]
        let tails = ["", ":", " to read:", "s", "_x", "1", "-", "é", "\u{2014}", " \u{00E9}"]
        var reasons = 0
        for text in combinations([openers, tails]) {
            let expected = Text.matches(Patterns.reasonLeadIn, text)
            #expect(Patterns.isReasonLeadIn(text) == expected, "\(text.debugDescription)")
            if expected { reasons += 1 }
        }
        #expect(reasons == 80)
    }

    /// A first line that opens with a config key, by bytes, is what `keyPattern` says.
    @Test func keyLinesByBytesAreWhatThePatternSays() {
        let starts = ["", "a", "Z", "_", "1", "-", ".", "é", "\u{212A}", " "]
        let middles = ["", "b", "x.y", "a-b_9", " ", "é", ":"]
        let colons = [":", "", "::", "=", " :"]
        let afters = ["", " ", "\t", "x", "\u{00A0}", "\u{0B}", "\u{0C}", "\r", "\n", " value"]
        var keys = 0
        for line in combinations([starts, middles, colons, afters]) {
            let expected = Text.matches(ShellText.keyPattern, line)
            #expect(ShellText.opensWithKey(line) == expected, "\(line.debugDescription)")
            if expected { keys += 1 }
        }
        #expect(keys == 224)
    }

    /// Lead-in prose that makes a block a verification, by bytes, is what `verificationLeadIn` says.
    @Test func verificationLeadInsByBytesAreWhatThePatternSays() {
        let openers = ["", "Also ", "then, ", "NOW ,, ", "To ", "tox ", "and", "next,", "When it ends, ", "once up,", "After x "]
        let verbs = [
            "verify", "Verification", "verifying", "verifies", "CHECK", "checks", "test", "tests", "Smoke test",
            "smoke-testing", "a smoke-Test", "should", "", "é",
        ]
        let tails = [
            "", " the service", ":", " it works.", " should be up:", " should. be:", " verification:", "verification:",
            " it:\n", " should .:", " should :", " it:\r\n", ":\r", "\n", ": \n", " you should see:\n\n",
        ]
        var verifying = 0
        for text in combinations([openers, verbs, tails]) {
            let expected = Text.matches(Patterns.verificationLeadIn, text)
            #expect(Patterns.leadInVerifies(text) == expected, "\(text.debugDescription)")
            if expected { verifying += 1 }
        }
        #expect(verifying == 1228)
    }

    /// "In the AWS console → EC2" and "you must configure" by bytes are what their patterns say.
    @Test func imperativePlacesAndObligationsByBytesAreWhatThePatternsSay() {
        let openings = ["In ", "in  ", "At the ", "On your ", "IN ", "Inside ", "on the\t", "At theConsole "]
        let places = ["AWS ", "aws ", "Settings ", "the Console ", ""]
        let endings = [
            "console", "-> EC2", "Tab", "tabs", "settings page", "", "do this now", "you must set it", "you must settle",
        ]
        var checked = 0
        for text in combinations([openings, places, endings]) {
            let place =
                Text.matches(Patterns.placePattern, text, caseInsensitive: false)
                && (text.contains("->") || Text.matches(Patterns.appPattern, text))
            #expect(Patterns.namesAPlaceInAnApp(text) == place, "\(text.debugDescription)")
            let obliged = Text.matches(Patterns.obligationPattern, text)
            #expect(
                (Patterns.firstPhrase(Patterns.obligationPhrases, in: Array(text.utf8)) != nil) == obliged,
                "\(text.debugDescription)")
            if place { checked += 1 }
        }
        #expect(checked > 50)
        #expect(Patterns.isImperative("In the AWS console, open EC2"))
        #expect(!Patterns.isImperative("In the end it works"))
    }

    /// "Note:" (any case, or with a dash) and "Note that" label information; "Note the
    /// instance ID" and "Note down the password" ask for something. A section of such a note
    /// alone is no person's step.
    @Test(arguments: [
        ("Note: the token expires after one hour. Generate it right before step 3.", false), ("NOTE - it expires.", false),
        ("Note that the token expires.", false), ("Note — this is slow.", false), ("Note the instance ID.", true),
        ("Note down the password.", true), ("Notes go in the wiki.", false),
    ])
    func aNoteLabelIsNoInstruction(text: String, imperative: Bool) {
        #expect(Patterns.isImperative(text) == imperative)
        let guide = read("# T\n\n> \(text)\n\n## A\n\n\(fence)bash\nls\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == (imperative ? [.manual, .command] : [.command]))
    }

    /// An incident's instructions are a person's ("Acknowledge the page in PagerDuty.", "Post
    /// in #incidents."); a verb that is a noun as often is one only before an article or a
    /// preposition.
    @Test(arguments: [
        ("Acknowledge the page in PagerDuty.", true), ("Resolve the page.", true), ("Escalate to the DBA on-call.", true),
        ("Post in #incidents: \"Looking at disk\".", true), ("File a ticket for the platform team.", true),
        ("Page the DBA on-call.", true), ("Call the vendor's support line.", true),
        ("Post-install, the service restarts.", false), ("File permissions matter here.", false),
        ("Page 2 lists the ports.", false), ("Document root is /var/www.", false), ("Resolved pages close themselves.", false),
    ])
    func incidentVerbsAreInstructions(text: String, imperative: Bool) {
        #expect(Patterns.isImperative(text) == imperative)
    }

    /// Titles whose body is no step ("Summary", "TL;DR", "Known warnings"), read by bytes, are
    /// those the pattern takes, on every title made of the words that decide it.
    @Test func nonStepTitlesByBytesAreWhatThePatternSays() {
        let words = [
            "table of contents", "Contents", "toc", "TL;DR", "tldr", "tldrs", "Summary", "summary_", "xsummary", "Overview",
            "why", "Whyever", "next steps", "Key decisions", "key", "warning", "Warnings", "warnings2", "critical warnings",
            "see also", "notes", "note", "introduction", "background", "references", "x", "",
        ]
        let separators = ["", " ", ": ", "-", "_"]
        var taken = 0
        for text in combinations([words, separators, words]) + words.map({ "\($0) " }) + ["Résumé summary", "日本 toc"] {
            let pattern = text.includesAny(Patterns.asideWords) && Text.matches(Patterns.nonStepTitles, text)
            #expect(Patterns.isNonStepTitle(text) == pattern, "\(text.debugDescription)")
            if pattern { taken += 1 }
        }
        #expect(taken > 300)
    }

    /// `leadsPerson` is the `personLeadIn` pattern: its word tests only spare the pattern the
    /// text that cannot match, on every text made of the words that decide it.
    @Test func aPersonsLeadInIsWhatThePatternSays() {
        let openings = [
            "In", "in-app", "At", "From", "Using", "Inside", "Open", "Go to", "Go", "Navigate", "Paste", "Log in", "Log",
            "Sign in", "Visit", "Insider", "Opened", "Run", "**In**", " In", "", "Ín",
        ]
        let middles = [" the ", " ", ", then ", " your "]
        let places = [
            "console", "AWS Console", "dashboard", "dashboards", "SQL editor", "editor", "web UI", "browser", "portal",
            "server", "laptop", "",
        ]
        var taken = 0
        for text in combinations([openings, middles, places]) + ["日本 console", "Résumé in the portal:"] {
            let pattern = Text.matches(Patterns.personLeadIn, text)
            #expect(Patterns.leadsPerson(text) == pattern, "\(text.debugDescription)")
            if pattern { taken += 1 }
        }
        #expect(taken > 600)
    }

    /// `Text.firstLine` is `split(separator: "\n").first`: past leading line breaks, up to the
    /// next, a "\r\n" (one Character) no break; on every text made of the bytes that decide it.
    @Test func firstLineIsTheFirstPieceOfASplit() {
        let pieces = ["\n", "\r", "\r\n", "a", "é", " ", "\u{301}"]
        var checked = 0
        for text in combinations([pieces, pieces, pieces, pieces, pieces]) {
            #expect(Text.firstLine(of: text) == text.split(separator: "\n").first.map(String.init), "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked == 16807)
    }

    /// A sentence's first word, lower-cased: past anything that is not a letter, to the first
    /// byte that is not one; text with another letter before its first word ends is read by
    /// Characters.
    @Test func firstWordIsTheFirstRunOfLettersLowerCased() {
        let cases: [(String, String)] = [
            ("Run `make`.", "run"), ("  **Then** restart", "then"), ("", ""), ("123 -- go", "go"), ("ABC-def", "abc"),
            ("x", "x"), ("Überall gilt", "überall"), ("Go über", "go"), ("1. Ünïcode", "ünïcode"), ("...", ""),
            ("   \n\tIn the console", "in"), ("日本", "日本"),
        ]
        for (text, word) in cases { #expect(Patterns.firstWord(text) == word, "\(text.debugDescription)") }
    }

    /// Captures are sliced by String indices from UTF-16 ranges: right past multi-byte
    /// characters and surrogate pairs, "" for a group that did not take part.
    @Test func regexCapturesAreTheTextTheyCover() {
        #expect(Text.firstMatch(#"(b+)(z)?\s(\S+)"#, in: "日本 ébbb 😀x! tail") == ["bbb 😀x!", "bbb", "", "😀x!"])
        #expect(Text.firstMatch(#"(x)"#, in: "😀😀x") == ["x", "x"])
        #expect(Text.firstMatch(#"q"#, in: "日本") == nil)
    }

    @Test func containsByteFindsABytePresentAnywhere() {
        #expect("a=b".containsByte(UInt8(ascii: "=")))
        #expect(!"日本語".containsByte(UInt8(ascii: "=")))
        #expect("日本語#".containsByte(UInt8(ascii: "#")))
        #expect(!"".containsByte(0))
        #expect("x-y".dropFirst(1).withUTF8Bytes { $0.containsByte(UInt8(ascii: "-")) })
    }

    @Test func containsBytesFindsTheExactBytesAnywhere() {
        #expect("cat <<EOF > f".containsBytes("<<EOF"))
        #expect(!"cat <<eof > f".containsBytes("<<EOF"))
        #expect("aab".containsBytes("ab"))
        #expect("日本 ab".containsBytes("本 a"))
        #expect(!"ab".containsBytes("abc"))
        #expect("x".containsBytes(""))
        #expect(!"".containsBytes("a"))
        #expect("--a-b".dropFirst(2).containsBytes("a-b"))
        #expect(!"a-ba-".containsBytes("a-a"))
    }

    @Test func byteSetsHoldExactlyTheirBytes() {
        let set: ByteSet = " \t;&|({`~\u{7F}"
        let members = (0...255).map(UInt8.init).filter { set.contains($0) }
        #expect(members == [0x09, 0x20, 0x26, 0x28, 0x3B, 0x60, 0x7B, 0x7C, 0x7E, 0x7F])
    }

    @Test func trimmingRemovesOnlyTheEdges() {
        #expect("  a b \t\n".trimmed == "a b")
        #expect("  a b \t\n".trimmedInline == "a b \t\n")
        #expect(" \t ".trimmed == "")
        #expect("x\n y ".dropFirst(2).trimmed == "y")
        #expect(" 日本 ".trimmed == "日本")
    }
}
