import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

/// The byte-level text helpers the reader and lint run on every line.
@Suite("byte-level text helpers")
struct TextTests {
    @Test func linesSplitAtNewlinesKeepEmptyOnesAndDropCarriageReturns() {
        #expect("a\n\nb".lines == ["a", "", "b"])
        #expect("a\n".lines == ["a", ""])
        #expect("".lines == [""])
        #expect("one\r\ntwo\r\n".lines == ["one", "two", ""])
        #expect("last\r".lines == ["last"])
        #expect("é\n日本\n".lines == ["é", "日本", ""])
        let slice = "x\ny\nz".dropFirst(2)
        #expect(slice.lines == ["y", "z"])
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
        }
        #expect(found > 1000)
        #expect(!"ab".includesAny(Needles(["b.", "abc"])))
        #expect("ab".includesAny(Needles(["b", "abc"])))
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
