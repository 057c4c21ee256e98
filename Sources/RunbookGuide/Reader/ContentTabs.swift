import Foundation
import RunbookMarkdown

/// One tab of a set of content tabs, as documentation sites show alternatives: "Ubuntu" and
/// "macOS", "npm" and "Yarn". A set of tabs is a choice; each tab, an option.
struct ContentTab {
    /// The tab's own id where the markup gives one (Docusaurus's `value`).
    var id: String?
    /// What the tab says.
    var title: String
    /// Shown first, whichever its place (`===+`, Docusaurus's `default`).
    var shownFirst: Bool
    /// The line that opens it.
    var line: Int
    /// What it holds.
    var body: [MarkdownNode]
}

/// MkDocs Material's content tabs (`=== "Ubuntu"`) and admonitions (`!!! note`, `??? tip
/// "Title"`). Their bodies are Markdown indented four spaces under them, which CommonMark
/// reads as an indented code block (or, with no blank line first, as more of the opening
/// paragraph), so the body is read from the file's lines and parsed on its own.
struct MkDocsBlock {
    enum Kind: Equatable {
        /// `=== "Title"`: `===!` starts a new set of tabs, `===+` is the tab shown first.
        case tab(newSet: Bool, shownFirst: Bool)
        /// `!!! note`: `???` folds it (`???+` folds it open).
        case admonition(folded: Bool)
    }

    var kind: Kind
    var title: String
    /// The opening line.
    var line: Int
    /// The body's last line.
    var lastLine: Int
    /// The body's blocks, with the file's lines and columns.
    var body: [MarkdownNode]

    /// True for a tab shown first (`===+`).
    var shownFirst: Bool { kind == .tab(newSet: false, shownFirst: true) || kind == .tab(newSet: true, shownFirst: true) }

    /// True when `paragraph` may open one: its text starts with `===`, `!!!` or `???`. One
    /// look at its first bytes, for every paragraph.
    static func mayOpen(_ paragraph: MarkdownNode) -> Bool {
        guard let first = paragraph.children.first, first.kind == .text else { return false }
        let bytes = first.literal.utf8.prefix(3)
        guard bytes.count == 3, let mark = bytes.first else { return false }
        return (mark == UInt8(ascii: "=") || mark == UInt8(ascii: "!") || mark == UInt8(ascii: "?"))
            && bytes.allSatisfy { $0 == mark }
    }

    /// The block `paragraph` opens, its body read from `lines` (the file's lines); nil when
    /// its first line opens none or nothing indented follows it.
    init?(_ paragraph: MarkdownNode, lines: [Substring]) {
        let number = paragraph.range.startLine
        guard number >= 1, number <= lines.count, let opening = Self.opening(String(lines[number - 1]).trimmedInline)
        else { return nil }
        // The body: the lines after, blank or indented four more than the opening line (a
        // tab counts as four), up to the first that is not.
        let margin = paragraph.range.startColumn - 1
        var last = number
        var body: [Substring] = []
        var index = number
        while index < lines.count {
            let line = lines[index]
            let bytes = Array(line.utf8)
            if bytes.allSatisfy(ASCII.isBlank) {
                body.append("")
            } else if bytes.count > margin, bytes.prefix(margin).allSatisfy({ $0 == UInt8(ascii: " ") }) {
                let rest = bytes[margin...]
                if rest.starts(with: [0x20, 0x20, 0x20, 0x20]) {
                    body.append(line.utf8.dropFirst(margin + 4).substring)
                } else if rest.first == 0x09 {
                    body.append(line.utf8.dropFirst(margin + 1).substring)
                } else {
                    break
                }
                last = index + 1
            } else {
                break
            }
            index += 1
        }
        body.removeLast(body.count - (last - number))
        guard !body.isEmpty else { return nil }
        let document = MarkdownParser.parse(body.joined(separator: "\n") + "\n")
        self.kind = opening.kind
        self.title = opening.title
        self.line = number
        self.lastLine = last
        self.body = document.children.map { $0.shifted(lines: number, columns: margin + 4) }
    }

    /// What an opening line says: `=== "Ubuntu"`, `===+ "macOS"`, `!!! warning`, `??? note
    /// "Troubleshooting"`, `!!! tip inline end "Title"`.
    static func opening(_ line: String) -> (kind: Kind, title: String)? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 4, let mark = bytes.first, bytes.prefix(3).allSatisfy({ $0 == mark }) else { return nil }
        var i = 3
        var flags: [UInt8] = []
        while i < bytes.count, bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "+") {
            flags.append(bytes[i])
            i += 1
        }
        guard i < bytes.count, ASCII.isBlank(bytes[i]) else { return nil }
        let rest = String(decoding: bytes[i...], as: UTF8.self).trimmedInline
        let quoted = Self.quoted(rest)
        switch mark {
        case UInt8(ascii: "="):
            guard let title = quoted, title.words.isEmpty, !title.text.isEmpty else { return nil }
            return (.tab(newSet: flags.contains(UInt8(ascii: "!")), shownFirst: flags.contains(UInt8(ascii: "+"))), title.text)
        case UInt8(ascii: "!"), UInt8(ascii: "?"):
            guard flags.isEmpty || (mark == UInt8(ascii: "?") && flags == [UInt8(ascii: "+")]) else { return nil }
            // The kind (`note`, `warning`), then words such as `inline end`, then the title.
            let words = (quoted?.words ?? rest).split(separator: " ")
            guard let type = words.first,
                words.allSatisfy({ $0.utf8.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") } })
            else { return nil }
            let title = quoted.map(\.text).flatMap { $0.isEmpty ? nil : $0 } ?? type.prefix(1).uppercased() + type.dropFirst()
            return (.admonition(folded: mark == UInt8(ascii: "?")), title)
        default:
            return nil
        }
    }

    /// `text` split at its last quoted part when it ends with one: the words before it and
    /// the text inside the quotes.
    private static func quoted(_ text: String) -> (words: String, text: String)? {
        guard text.hasSuffix("\""), text.utf8.count >= 2 else { return nil }
        let inner = text.dropLast()
        guard let open = inner.lastIndex(of: "\"") else { return nil }
        return (String(inner[..<open]).trimmedInline, String(inner[inner.index(after: open)...]))
    }
}

/// Docusaurus's tabs: `<Tabs>`, then `<TabItem value="npm" label="npm" default>` … `</TabItem>`
/// for each, then `</Tabs>`, each tag in an HTML block of its own line (MDX wants blank lines
/// around the Markdown inside).
enum DocusaurusTabs {
    /// A tag of the four, in the order an HTML block holds them.
    enum Tag: Equatable {
        case openTabs, closeTabs, closeItem
        case openItem(value: String?, label: String?, isDefault: Bool)
    }

    /// True when an HTML block may hold one of the tags.
    static func mayHold(_ html: MarkdownNode) -> Bool {
        html.literal.containsBytes("<Tab") || html.literal.containsBytes("</Tab")
    }

    /// The tags in `html`, in order.
    static func tags(in html: String) -> [Tag] {
        var found: [Tag] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let end = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<end]
            let word = tag.prefix { !$0.isWhitespace }
            let name = word.hasSuffix("/") ? word.dropLast() : word
            switch name {
            case "Tabs": found.append(.openTabs)
            case "/Tabs": found.append(.closeTabs)
            case "/TabItem": found.append(.closeItem)
            case "TabItem":
                let attributes = attributes(of: tag.dropFirst(name.count))
                found.append(
                    .openItem(
                        value: attributes["value"] ?? nil, label: attributes["label"] ?? nil,
                        isDefault: attributes.keys.contains("default")))
            default: break
            }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
        }
        return found
    }

    /// `value="npm" label='npm' default` as names and values (nil for a bare name).
    static func attributes(of text: Substring) -> [String: String?] {
        var found: [String: String?] = [:]
        var rest = text.drop { $0.isWhitespace }
        while let first = rest.first, first != "/" {
            let name = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != "/" }
            guard !name.isEmpty else { break }
            rest = rest.dropFirst(name.count).drop { $0.isWhitespace }
            if rest.first == "=" {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    let value = rest.dropFirst().prefix { $0 != quote }
                    found[String(name)] = String(value)
                    rest = rest.dropFirst(value.count + 2)
                } else {
                    let value = rest.prefix { !$0.isWhitespace }
                    found[String(name)] = String(value)
                    rest = rest.dropFirst(value.count)
                }
            } else {
                found[String(name)] = .some(nil)
            }
            rest = rest.drop { $0.isWhitespace }
        }
        return found
    }

    /// The set of tabs `nodes[start]` opens and the index after its `</Tabs>`; nil when it
    /// opens none or the set is never closed. Tabs inside a tab stay in its body, read when
    /// the body is.
    static func read(_ nodes: [MarkdownNode], from start: Int) -> (tabs: [ContentTab], next: Int)? {
        guard case .htmlBlock = nodes[start].kind, tags(in: nodes[start].literal).first == .openTabs else { return nil }
        var tabs: [ContentTab] = []
        // Sets open: 1 inside this one; more inside a set in one of its tabs.
        var depth = 0
        var open = false
        var index = start
        while index < nodes.count {
            let node = nodes[index]
            let nodeTags: [Tag] = node.kind == .htmlBlock && mayHold(node) ? tags(in: node.literal) : []
            if nodeTags.isEmpty || (open && (depth > 1 || nodeTags.first == .openTabs)) {
                // What the open tab holds: a set inside it too, whole.
                for tag in nodeTags {
                    if tag == .openTabs { depth += 1 } else if tag == .closeTabs { depth -= 1 }
                }
                if open { tabs[tabs.count - 1].body.append(node) }
                index += 1
                continue
            }
            for tag in nodeTags {
                switch tag {
                case .openTabs: depth += 1
                case .closeTabs:
                    depth -= 1
                    if depth == 0 { return (tabs, index + 1) }
                case .openItem(let value, let label, let isDefault):
                    tabs.append(
                        ContentTab(
                            id: value, title: label ?? value ?? "Tab \(tabs.count + 1)", shownFirst: isDefault,
                            line: node.range.startLine, body: []))
                    open = true
                case .closeItem: open = false
                }
            }
            index += 1
        }
        return nil
    }
}

extension MarkdownNode {
    /// The node and its children moved down `lines` lines and right `columns` columns: a
    /// part of a file parsed on its own, placed back where it is in the file.
    func shifted(lines: Int, columns: Int) -> MarkdownNode {
        var node = self
        node.range.startLine += lines
        node.range.endLine += lines
        node.range.startColumn += columns
        node.range.endColumn += columns
        node.children = children.map { $0.shifted(lines: lines, columns: columns) }
        return node
    }
}

extension Substring.UTF8View {
    /// The text these bytes are, as a substring (they start and end on characters here: after
    /// ASCII indentation).
    fileprivate var substring: Substring { Substring(self) }
}
