internal import CCMark

/// Parses CommonMark with libcmark and copies the tree into `MarkdownNode` values.
///
/// This is the only file that touches libcmark: the C tree is freed before the Swift tree is
/// returned, and no C pointer leaves this file.
public enum MarkdownParser {
    /// Nesting deeper than this is cut (its text kept) so hostile input cannot exhaust the stack.
    public static let maximumDepth = 256

    /// Parses `text`. `lines` is used to tell fenced from indented code blocks.
    public static func parse(_ text: String) -> MarkdownNode {
        var utf8 = Array(text.utf8)
        // Where each line starts, to tell a fenced block from an indented one by its first line.
        var lineStarts = [0]
        for (offset, byte) in utf8.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        let lines = SourceLines(bytes: utf8, starts: lineStarts)
        utf8.append(0)
        let root = utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count - 1, CMARK_OPT_DEFAULT)
            }
        }
        guard let root else {
            return MarkdownNode(
                kind: .document, range: SourceRange(startLine: 1, startColumn: 1, endLine: 1, endColumn: 1))
        }
        defer { cmark_node_free(root) }
        return convert(root, lines: lines, depth: 0)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// The source's bytes and where its lines start.
    private struct SourceLines {
        let bytes: [UInt8]
        let starts: [Int]

        /// True when 1-based line `number`, past indentation and `>` markers, opens a fence.
        func opensFence(_ number: Int) -> Bool {
            guard number >= 1, number <= starts.count else { return false }
            var i = starts[number - 1]
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == UInt8(ascii: ">") { i += 1 }
            guard i + 3 <= bytes.count else { return false }
            let mark = bytes[i]
            return (mark == UInt8(ascii: "`") || mark == UInt8(ascii: "~")) && bytes[i + 1] == mark && bytes[i + 2] == mark
        }
    }

    private static func convert(_ node: OpaquePointer, lines: SourceLines, depth: Int) -> MarkdownNode {
        let range = SourceRange(
            startLine: Int(cmark_node_get_start_line(node)),
            startColumn: Int(cmark_node_get_start_column(node)),
            endLine: Int(cmark_node_get_end_line(node)),
            endColumn: Int(cmark_node_get_end_column(node)))
        let kind: MarkdownNode.Kind
        var literal = ""
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: kind = .document
        case CMARK_NODE_BLOCK_QUOTE: kind = .blockQuote
        case CMARK_NODE_LIST:
            kind = .list(
                ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                tight: cmark_node_get_list_tight(node) != 0)
        case CMARK_NODE_ITEM: kind = .item
        case CMARK_NODE_CODE_BLOCK:
            kind = .codeBlock(info: string(cmark_node_get_fence_info(node)), fenced: lines.opensFence(range.startLine))
            literal = string(cmark_node_get_literal(node))
        case CMARK_NODE_HTML_BLOCK:
            kind = .htmlBlock
            literal = string(cmark_node_get_literal(node))
        case CMARK_NODE_PARAGRAPH: kind = .paragraph
        case CMARK_NODE_HEADING: kind = .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_THEMATIC_BREAK: kind = .thematicBreak
        case CMARK_NODE_TEXT:
            kind = .text
            literal = string(cmark_node_get_literal(node))
        case CMARK_NODE_SOFTBREAK: kind = .softBreak
        case CMARK_NODE_LINEBREAK: kind = .lineBreak
        case CMARK_NODE_CODE:
            kind = .code
            literal = string(cmark_node_get_literal(node))
        case CMARK_NODE_HTML_INLINE:
            kind = .htmlInline
            literal = string(cmark_node_get_literal(node))
        case CMARK_NODE_EMPH: kind = .emphasis
        case CMARK_NODE_STRONG: kind = .strong
        case CMARK_NODE_LINK: kind = .link(destination: string(cmark_node_get_url(node)))
        case CMARK_NODE_IMAGE: kind = .image(destination: string(cmark_node_get_url(node)))
        default: kind = .other
        }
        // Counted first: one allocation for the children, not one per doubling.
        var count = 0
        var child = cmark_node_first_child(node)
        while let current = child, depth < maximumDepth {
            count += 1
            child = cmark_node_next(current)
        }
        // A leaf (most nodes: text, code) keeps the shared empty array; a parent's children are
        // written straight into storage of their number (appending checked its capacity and
        // uniqueness at each child).
        let children: [MarkdownNode] =
            count == 0
            ? []
            : Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                var current = cmark_node_first_child(node)
                while let each = current, initialized < count {
                    (buffer.baseAddress! + initialized).initialize(to: convert(each, lines: lines, depth: depth + 1))
                    initialized += 1
                    current = cmark_node_next(each)
                }
            }
        return MarkdownNode(kind: kind, range: range, literal: literal, children: children)
    }
}

extension MarkdownParser {
    /// The linked libcmark's version, e.g. `0.30.2`.
    public static var libraryVersion: String { String(cString: cmark_version_string()) }
}
