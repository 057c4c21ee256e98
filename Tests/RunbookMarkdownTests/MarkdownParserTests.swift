import Testing

@testable import RunbookMarkdown

@Suite("libcmark → Swift nodes")
struct MarkdownParserTests {
    @Test func headingsAndCodeBlocksKeepLinesAndColumns() {
        let doc = MarkdownParser.parse("# Title\n\nText\n\n```bash {name=x}\necho hi\n```\n\n    indented\n")
        #expect(doc.children.count == 4)
        #expect(doc.children[0].kind == .heading(level: 1))
        #expect(doc.children[0].plainText == "Title")
        #expect(doc.children[0].range.startLine == 1)
        #expect(doc.children[2].kind == .codeBlock(info: "bash {name=x}", fenced: true))
        #expect(doc.children[2].literal == "echo hi\n")
        #expect(doc.children[2].range.startLine == 5)
        #expect(doc.children[3].kind == .codeBlock(info: "", fenced: false))
        #expect(doc.children[3].range.startLine == 9)
        #expect(doc.children[3].range.startColumn == 5)
    }

    @Test func codeBlockInListItemKeepsItsColumn() {
        let doc = MarkdownParser.parse("1. Step\n   ```sh\n   ls\n   ```\n")
        let item = doc.children[0].children[0]
        let code = item.children[1]
        #expect(code.kind == .codeBlock(info: "sh", fenced: true))
        #expect(code.range.startLine == 2)
        #expect(code.range.startColumn == 4)
        #expect(code.literal == "ls\n")
    }

    @Test func crlfIsAccepted() {
        let doc = MarkdownParser.parse("# A\r\n\r\n```bash\r\nls\r\n```\r\n")
        #expect(doc.children[1].literal == "ls\n")
        #expect(doc.children[1].range.startLine == 3)
    }

    @Test func hostileNestingIsCutNotCrashed() {
        let text = String(repeating: ">", count: 5000) + " deep\n"
        let doc = MarkdownParser.parse(text)
        var depth = 0
        var node = doc
        while let child = node.children.first {
            depth += 1
            node = child
        }
        #expect(depth <= MarkdownParser.maximumDepth + 1)
        #expect(depth > 100)
    }

    @Test func libraryVersionIsReported() {
        #expect(MarkdownParser.libraryVersion.split(separator: ".").count == 3)
    }
}

@Suite("bytes → guide source")
struct GuideSourceTests {
    @Test func frontMatterIsBlankedAndLinesStay() throws {
        let source = try GuideSource(bytes: Array("---\nshell: bash\n---\n# Title\n".utf8), path: "g.md")
        #expect(source.frontMatter == "shell: bash")
        #expect(source.markdown == "\n\n\n# Title\n")
        let doc = MarkdownParser.parse(source.markdown)
        #expect(doc.children[0].range.startLine == 4)
    }

    @Test func noFrontMatterWithoutLeadingDashes() throws {
        let source = try GuideSource(bytes: Array("# T\n---\nx: 1\n---\n".utf8), path: "g.md")
        #expect(source.frontMatter == nil)
    }

    @Test func nulByteIsRefusedWithItsLocation() {
        #expect(throws: SourceError.binary(location: .init(file: "b.md", line: 2, column: 3))) {
            _ = try GuideSource(bytes: Array("ok\nab".utf8) + [0, 1, 2], path: "b.md")
        }
    }

    @Test func invalidUTF8IsRepairedWithAWarning() throws {
        let source = try GuideSource(bytes: Array("# A\nx".utf8) + [0xFF] + Array("y\n".utf8), path: "u.md")
        #expect(source.markdown == "# A\nx\u{FFFD}y\n")
        #expect(source.diagnostics.count == 1)
        #expect(source.diagnostics[0].location.line == 2)
        #expect(source.diagnostics[0].location.column == 2)
        #expect(source.diagnostics[0].severity == .warning)
        #expect(source.diagnostics[0].message == "invalid UTF-8 replaced with U+FFFD; save the file as UTF-8")
    }

    @Test func missingFileAndDirectoryAreClearErrors() {
        #expect(throws: SourceError.notFound(path: "/nonexistent/guide.md")) {
            _ = try GuideSource.load(path: "/nonexistent/guide.md")
        }
        #expect(throws: SourceError.isDirectory(path: "/tmp")) {
            _ = try GuideSource.load(path: "/tmp")
        }
    }
}
