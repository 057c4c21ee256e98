/// A span of a source file, 1-based, as libcmark reports it.
public struct SourceRange: Sendable, Hashable {
    /// First line.
    public var startLine: Int
    /// First column.
    public var startColumn: Int
    /// Last line.
    public var endLine: Int
    /// Last column.
    public var endColumn: Int

    /// Creates a range.
    public init(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) {
        self.startLine = startLine
        self.startColumn = startColumn
        self.endLine = endLine
        self.endColumn = endColumn
    }
}

/// A CommonMark node copied out of libcmark. Immutable, so a class: the reader hands nodes
/// from `walk` to its handlers and keeps them in its state, and each hand-over retains one
/// reference instead of copying the kind, text and children. Equal when the trees are equal,
/// as values are.
public final class MarkdownNode: Sendable, Hashable {
    /// The node types the reader distinguishes.
    public enum Kind: Sendable, Hashable {
        case document
        case blockQuote
        case list(ordered: Bool, tight: Bool)
        case item
        /// `fenced` is false for an indented code block.
        case codeBlock(info: String, fenced: Bool)
        case htmlBlock
        case paragraph
        case heading(level: Int)
        case thematicBreak
        case text
        case softBreak
        case lineBreak
        case code
        case htmlInline
        case emphasis
        case strong
        case link(destination: String)
        case image(destination: String)
        case other
    }

    /// What the node is.
    public let kind: Kind
    /// Where it is in the file (front matter lines included, so lines are the file's).
    public let range: SourceRange
    /// Text of text, code, HTML and code-block nodes; empty otherwise.
    public let literal: String
    /// Child nodes in order.
    public let children: [MarkdownNode]

    /// Creates a node.
    public init(kind: Kind, range: SourceRange, literal: String = "", children: [MarkdownNode] = []) {
        self.kind = kind
        self.range = range
        self.literal = literal
        self.children = children
    }

    public static func == (a: MarkdownNode, b: MarkdownNode) -> Bool {
        a === b || (a.kind == b.kind && a.range == b.range && a.literal == b.literal && a.children == b.children)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(range)
        hasher.combine(literal)
        hasher.combine(children)
    }

    /// The text of the node's own code spans (`` `web01` ``), in order.
    public var codeSpans: [String] { children.filter { $0.kind == .code }.map(\.literal) }

    /// True for nodes that hold blocks rather than inline content.
    public var isBlock: Bool {
        switch kind {
        case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .paragraph, .heading,
            .thematicBreak:
            true
        default: false
        }
    }

    /// The inline text of this node and its descendants, as a reader sees it (code spans
    /// keep their text, breaks become spaces).
    public var plainText: String {
        switch kind {
        case .text, .code, .htmlInline, .codeBlock, .htmlBlock: return literal
        case .softBreak, .lineBreak: return " "
        default:
            // One child (most paragraphs and headings): its text, without copying it.
            if children.count == 1 { return children[0].plainText }
            var out = ""
            appendPlainText(to: &out)
            return out
        }
    }

    /// Appends `plainText` to `out`: one string for the whole tree, not one per node.
    private func appendPlainText(to out: inout String) {
        switch kind {
        case .text, .code, .htmlInline, .codeBlock, .htmlBlock: out += literal
        case .softBreak, .lineBreak: out += " "
        default:
            for (i, child) in children.enumerated() {
                if i > 0, child.isBlock { out += "\n" }
                child.appendPlainText(to: &out)
            }
        }
    }
}
