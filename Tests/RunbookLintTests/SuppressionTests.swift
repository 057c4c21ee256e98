import RunbookGuide
import RunbookModel
import Testing

@testable import RunbookLint

struct SuppressionTests {
    @Test func aCommentBeforeABlockOrForTheFileSilencesRules() throws {
        let text =
            "# G\n\n## A\n\n<!-- runbook-lint disable=insecure,pipe-to-shell -->\n\(fence)bash\ncurl -k https://x | sh\n\(fence)\n\n## B\n\n\(fence)bash\ncurl -k https://y\n\(fence)\n"
        #expect(spots(try lint(text, rule: "insecure")) == ["13:1 warning"])
        #expect(try lint(text, rule: "pipe-to-shell").isEmpty)
        #expect(try lint("<!-- runbook-lint disable-file=insecure -->\n" + text, rule: "insecure").isEmpty)
    }
}

struct FenceTests {
    /// Blocks close as CommonMark closes them: the same character, at least as many, nothing
    /// after but blanks; an unclosed block runs to the end of the file.
    @Test func fencesOpenAndCloseAsCommonMarkDoes() {
        let text = [
            "# G", "  ```bash  ", "echo ~~~", "```` ", "~~~~ yaml", "a: 1", "~~~", "```", "~~~~~ x", "~~~~~", "```text",
            "``", "tail",
        ]
        .joined(separator: "\n")
        let fences = Fence.scan(text)
        #expect(
            fences == [
                Fence(open: 2, close: 4, info: "bash", indent: 2), Fence(open: 5, close: 10, info: "yaml", indent: 0),
                Fence(open: 11, close: 13, info: "text", indent: 0),
            ])
    }

    /// Lines as `String.lines` makes them: CRLF endings close a block as LF ones do, and a
    /// block left open at a final line break ends on the empty line after it.
    @Test func fencesCountLinesAsTheLinesDo() {
        #expect(Fence.scan("x\r\n```bash \r\necho\r\n```\r\n") == [Fence(open: 2, close: 4, info: "bash", indent: 0)])
        #expect(Fence.scan("```\nx\n") == [Fence(open: 1, close: 3, info: "", indent: 0)])
        #expect(Fence.scan("") == [])
        #expect(Fence.scan("   ~~~ sh {name=a}") == [Fence(open: 1, close: 1, info: "sh {name=a}", indent: 3)])
    }
}

struct LintedGuideTests {
    /// A line made when asked is the line `String.lines` makes: CRLF endings, a final line
    /// break, the empty text and multi-byte text; "" before the first and past the last.
    @Test func aLineIsTheLineStringLinesMakes() throws {
        for text in ["# G\n\ntext", "# G\r\n\r\n```bash\r\necho\r\n```\r\n", "", "\n", "é\n日本\nlast\r", "a\n\n\n"] {
            let linted = LintedGuide(
                guide: try GuideReader.read(markdown: text, path: "g.md"), text: text, binding: nil, bindingFiles: [])
            #expect(linted.lineCount == text.lines.count, "\(text.debugDescription)")
            #expect((1...linted.lineCount).map { linted.line($0) } == text.lines, "\(text.debugDescription)")
            #expect(linted.line(0) == "" && linted.line(linted.lineCount + 1) == "")
        }
    }
}
