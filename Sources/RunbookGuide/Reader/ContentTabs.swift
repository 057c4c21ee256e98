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

    /// How deep blocks whose bodies are parsed again (MkDocs blocks, MyST directives) are
    /// read inside one another: each level parses its body once more.
    static let maximumDepth = 8
    /// How many blocks after an opening tag or container its close is looked for: a file of
    /// unclosed ones is not searched to its end from each.
    static let lookahead = 2000
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
    var shownFirst: Bool {
        if case .tab(_, shownFirst: true) = kind { true } else { false }
    }

    /// True when `paragraph` may open one: its text starts with `===`, `!!!` or `???`. One
    /// look at its first bytes, for every paragraph.
    static func mayOpen(_ paragraph: MarkdownNode) -> Bool {
        paragraph.opens(with: "===") || paragraph.opens(with: "!!!") || paragraph.opens(with: "???")
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

/// Tabs written as markup around Markdown: Docusaurus's `<Tabs>`, `<TabItem value="npm"
/// label="npm" default>` … `</TabItem>`, `</Tabs>`, each tag in an HTML block of its own line
/// (MDX wants blank lines around the Markdown inside); Hugo's shortcodes, `{{< tabs >}}`,
/// `{{% tab name="Linux" %}}` … `{{% /tab %}}`, `{{< /tabs >}}` (Docsy's `tabpane` and
/// `header=`, Hextra's `items="A,B"` too); and GitBook's `{% tabs %}`, `{% tab title="npm" %}`
/// … `{% endtab %}`, `{% endtabs %}`; each in a paragraph of nothing else.
enum TabMarkup {
    /// A tag of the four, in the order a node holds them.
    enum Tag: Equatable {
        case openTabs(titles: [String])
        case closeTabs, closeItem
        case openItem(value: String?, label: String?, isDefault: Bool)

        var opensTabs: Bool { if case .openTabs = self { true } else { false } }
    }

    /// True when a node may hold a tag: an HTML block with `<Tab` in it, a paragraph that
    /// starts with `{{`.
    static func mayHold(_ node: MarkdownNode) -> Bool {
        switch node.kind {
        case .htmlBlock: return node.literal.containsBytes("<Tab") || node.literal.containsBytes("</Tab")
        case .paragraph: return node.opens(with: "{{") || node.opens(with: "{%")
        default: return false
        }
    }

    /// The tags in `node`, in order: none for a paragraph that holds more than shortcodes.
    static func tags(in node: MarkdownNode) -> [Tag] {
        guard mayHold(node) else { return [] }
        return node.kind == .htmlBlock ? htmlTags(in: node.literal) : shortcodes(in: node.plainText)
    }

    /// The Docusaurus tags in an HTML block.
    static func htmlTags(in html: String) -> [Tag] {
        var found: [Tag] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let end = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<end]
            let word = tag.prefix { !$0.isWhitespace }
            let name = word.hasSuffix("/") ? word.dropLast() : word
            if let known = self.tag(String(name), attributes: attributes(of: tag.dropFirst(name.count)), item: "TabItem") {
                found.append(known)
            }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
        }
        return found
    }

    /// The Hugo shortcodes a paragraph is made of; none when it holds anything else.
    static func shortcodes(in text: String) -> [Tag] {
        var found: [Tag] = []
        var rest = text[...].drop { $0.isWhitespace }
        while !rest.isEmpty {
            // Hugo's `{{< … >}}` and `{{% … %}}`; GitBook's (Liquid's) `{% … %}`, whose
            // closing tags are `endtab` and `endtabs`.
            let (open, close): (Substring, Substring) =
                rest.hasPrefix("{{<") ? ("{{<", ">}}") : rest.hasPrefix("{{%") ? ("{{%", "%}}") : ("{%", "%}")
            guard rest.hasPrefix(open) else { return [] }
            let inner = rest.dropFirst(open.count)
            guard let end = inner.firstRange(of: close) else { return [] }
            let code = inner[..<end.lowerBound].drop { $0.isWhitespace }
            let word = code.prefix { !$0.isWhitespace }
            let name = open == "{%" && word.hasPrefix("end") ? "/" + word.dropFirst(3) : String(word)
            if let known = tag(name, attributes: attributes(of: code.dropFirst(word.count)), item: "tab") {
                found.append(known)
            }
            rest = inner[end.upperBound...].drop { $0.isWhitespace }
        }
        return found
    }

    /// The tag `name` with `attributes` is, of a set whose items are called `item`.
    private static func tag(_ name: String, attributes: Attributes, item: String) -> Tag? {
        switch name {
        case "Tabs", "tabs", "tabpane":
            let items = attributes.named["items"]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return .openTabs(titles: items ?? [])
        case "/Tabs", "/tabs", "/tabpane": return .closeTabs
        case "/" + item: return .closeItem
        case item:
            let named = attributes.named
            let label = named["label"] ?? named["name"] ?? named["header"] ?? named["title"] ?? attributes.bare.first
            return .openItem(value: named["value"], label: label, isDefault: attributes.flags.contains("default"))
        default: return nil
        }
    }

    /// A tag's attributes: `value="npm" label='npm' default "Linux"`.
    struct Attributes {
        /// `name=value`, the value unquoted.
        var named: [String: String] = [:]
        /// Names with no value (`default`).
        var flags: Set<String> = []
        /// Quoted text with no name (`"Linux"`), as some Hugo themes title a tab.
        var bare: [String] = []
    }

    /// The attributes in `text`, up to a `/` that ends the tag.
    static func attributes(of text: Substring) -> Attributes {
        var found = Attributes()
        /// A quoted value at the start of `rest`, unquoted, or the text up to a space.
        func value(_ rest: inout Substring) -> String {
            if let quote = rest.first, quote == "\"" || quote == "'" {
                let inner = rest.dropFirst().prefix { $0 != quote }
                rest = rest.dropFirst(inner.count + 2)
                return String(inner)
            }
            let word = rest.prefix { !$0.isWhitespace }
            rest = rest.dropFirst(word.count)
            return String(word)
        }
        var rest = text.drop { $0.isWhitespace }
        while let first = rest.first, first != "/" {
            if first == "\"" || first == "'" {
                found.bare.append(value(&rest))
            } else {
                let name = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != "/" }
                guard !name.isEmpty else { break }
                rest = rest.dropFirst(name.count).drop { $0.isWhitespace }
                if rest.first == "=" {
                    rest = rest.dropFirst().drop { $0.isWhitespace }
                    found.named[String(name)] = value(&rest)
                } else {
                    found.flags.insert(String(name))
                }
            }
            rest = rest.drop { $0.isWhitespace }
        }
        return found
    }

    /// The set of tabs `nodes[start]` opens and the index after its closing tag: nil when it
    /// opens none, `.some(nil)` when the set is never closed. Tabs inside a tab stay in its
    /// body, read when the body is.
    static func read(_ nodes: [MarkdownNode], from start: Int) -> (tabs: [ContentTab], next: Int)?? {
        guard tags(in: nodes[start]).first?.opensTabs == true else { return nil }
        var tabs: [ContentTab] = []
        var titles: [String] = []
        // Sets open: 1 inside this one; more inside a set in one of its tabs.
        var depth = 0
        var open = false
        var index = start
        while index < min(nodes.count, start + ContentTab.lookahead) {
            let node = nodes[index]
            let nodeTags = tags(in: node)
            if nodeTags.isEmpty || (open && (depth > 1 || nodeTags.first?.opensTabs == true)) {
                // What the open tab holds: a set inside it too, whole.
                for tag in nodeTags {
                    if tag.opensTabs { depth += 1 } else if tag == .closeTabs { depth -= 1 }
                }
                if open { tabs[tabs.count - 1].body.append(node) }
                index += 1
                continue
            }
            for tag in nodeTags {
                switch tag {
                case .openTabs(let named):
                    depth += 1
                    if depth == 1 { titles = named }
                case .closeTabs:
                    depth -= 1
                    if depth == 0 { return (tabs, index + 1) }
                case .openItem(let value, let label, let isDefault):
                    let title = label ?? value ?? (tabs.count < titles.count ? titles[tabs.count] : "Tab \(tabs.count + 1)")
                    tabs.append(
                        ContentTab(id: value, title: title, shownFirst: isDefault, line: node.range.startLine, body: []))
                    open = true
                case .closeItem: open = false
                }
            }
            index += 1
        }
        return .some(nil)
    }
}

extension MarkdownNode {
    /// The first byte of a paragraph's text, when its first inline is text (not code,
    /// emphasis or a link): what documentation sites' markup is told apart by. Nil otherwise.
    var leadingTextByte: UInt8? {
        guard kind == .paragraph, !children.isEmpty, children[0].kind == .text else { return nil }
        return children[0].literal.utf8.first
    }

    /// True when the node is a paragraph whose text opens with `prefix`.
    func opens(with prefix: String) -> Bool {
        guard let lead = leadingTextByte, lead == prefix.utf8.first else { return false }
        return children[0].literal.utf8.starts(with: prefix.utf8)
    }

    /// The node and its children moved down `lines` lines and right `columns` columns: a
    /// part of a file parsed on its own, placed back where it is in the file.
    func shifted(lines: Int, columns: Int) -> MarkdownNode {
        MarkdownNode(
            kind: kind,
            range: SourceRange(
                startLine: range.startLine + lines, startColumn: range.startColumn + columns,
                endLine: range.endLine + lines, endColumn: range.endColumn + columns),
            literal: literal, children: children.map { $0.shifted(lines: lines, columns: columns) })
    }
}

extension [MarkdownNode] {
    /// The index of the first node from `index` on that starts after line `line`: past the
    /// nodes CommonMark read a block's body or closing tag as.
    func firstIndex(from index: Int, after line: Int) -> Int {
        var next = index
        while next < count, self[next].range.startLine <= line { next += 1 }
        return next
    }
}

extension Substring.UTF8View {
    /// The text these bytes are, as a substring (they start and end on characters here: after
    /// ASCII indentation).
    fileprivate var substring: Substring { Substring(self) }
}

/// Containers fenced by colons, as VitePress, VuePress and Docusaurus write them: `:::
/// code-group` … `:::` (tabs, one for each fenced block, titled by its `[label]`: ```` ```sh
/// [npm] ````), `::: details Title` … `:::` (folded), `:::tip` … `:::`; and by slashes, as
/// MkDocs's newer blocks (pymdownx.blocks) write them: `/// tab | Linux` … `///`, one after
/// another a set of tabs, `/// details | Summary` … `///`.
enum ColonContainer {
    enum Kind: Equatable {
        case codeGroup, details, tabSet, other
        /// One tab of a set (`/// tab | Title`), `newSet` when its options say `new: true`.
        case tab(newSet: Bool, selected: Bool)
        /// One tab of a MyST tab set (`:::{tab-item} Title`), `selected` by `:selected:`.
        case tabItem(selected: Bool)
    }

    /// True when a paragraph may open or close one: its text starts with `:::` or `///`.
    static func mayBe(_ node: MarkdownNode) -> Bool {
        node.opens(with: ":::") || node.opens(with: "///")
    }

    /// What a paragraph of one line opens (`::: code-group`, `::: details Clean install`,
    /// `:::tip`, `/// tab | Linux`), its mark (`:` or `/`) and how many of it; nil for any other
    /// paragraph.
    static func opening(_ node: MarkdownNode) -> (kind: Kind, mark: Character, colons: Int, argument: String)? {
        guard mayBe(node) else { return nil }
        let lines = Self.lines(of: node)
        let text = lines[0].trimmedInline
        guard let mark = text.first else { return nil }
        // One line, or one and its options: MyST's (`:open:`), pymdownx's (`    new: true`).
        let options = lines.dropFirst()
        guard options.allSatisfy({ mark == ":" ? isOption($0[...]) : isYAMLOption($0[...]) }) else { return nil }
        let colons = text.prefix { $0 == mark }.count
        var rest = text.dropFirst(colons).drop { $0 == " " }
        // MyST names its directive in braces: `:::{dropdown} Title`.
        let braced = mark == ":" && rest.first == "{"
        if braced { rest = rest.dropFirst() }
        let name = rest.prefix { $0.isLetter || $0 == "-" }.lowercased()
        guard !name.isEmpty, !braced || rest.dropFirst(name.count).first == "}" else { return nil }
        var argument = rest.dropFirst(name.count + (braced ? 1 : 0)).trimmedInline
        if mark == "/" { argument = argument.hasPrefix("|") ? argument.dropFirst().trimmedInline : argument }
        let said = Set(options.map { $0.trimmedInline.replacingOccurrences(of: " ", with: "").lowercased() })
        let kind: Kind =
            switch name {
            case "code-group" where mark == ":": .codeGroup
            case "details", "dropdown": .details
            case "tab-set" where braced: .tabSet
            case "tab" where mark == "/": .tab(newSet: said.contains("new:true"), selected: said.contains("select:true"))
            case "tab-item" where braced: .tabItem(selected: said.contains { $0.hasPrefix(":selected:") })
            default: .other
            }
        return (kind, mark, colons, argument)
    }

    /// `name: value`, a pymdownx block's option (YAML, indented under its header).
    static func isYAMLOption(_ line: Substring) -> Bool {
        let text = line.drop { $0 == " " }
        guard let colon = text.firstIndex(of: ":"), colon > text.startIndex else { return false }
        return text[..<colon].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// A paragraph's lines, as written (the plain text joins them with spaces).
    static func lines(of paragraph: MarkdownNode) -> [String] {
        var lines = [""]
        for child in paragraph.children {
            if child.kind == .softBreak || child.kind == .lineBreak {
                lines.append("")
            } else {
                lines[lines.count - 1] += child.plainText
            }
        }
        return lines
    }

    /// `:name:` or `:name: value`, a MyST option line.
    static func isOption(_ line: Substring) -> Bool {
        let text = line.drop { $0 == " " }
        guard text.first == ":", let letter = text.dropFirst().first, letter.isLetter,
            let end = text.dropFirst().firstIndex(of: ":")
        else { return false }
        return text[text.index(after: text.startIndex)..<end].allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// A MyST tab set's tabs: the `:::{tab-item} Title` containers in its body.
    static func tabItems(of body: [MarkdownNode]) -> [ContentTab] {
        var tabs: [ContentTab] = []
        var index = 0
        while index < body.count {
            if let open = opening(body[index]), case .tabItem(let selected) = open.kind,
                let item = read(body, from: index) ?? nil
            {
                tabs.append(
                    ContentTab(
                        id: nil, title: open.argument, shownFirst: selected, line: body[index].range.startLine,
                        body: item.body))
                index = item.next
            } else {
                index += 1
            }
        }
        return tabs
    }

    /// The mark and how many of it a paragraph of `:` or `/` alone has (it closes a
    /// container); nil otherwise.
    static func closing(_ node: MarkdownNode) -> (mark: Character, count: Int)? {
        guard mayBe(node) else { return nil }
        let text = node.plainText.trimmedInline
        guard let mark = text.first, text.allSatisfy({ $0 == mark }) else { return nil }
        return (mark, text.count)
    }

    /// The container `nodes[start]` opens: what it is, what it holds and the index after its
    /// close; nil when it opens none, `.some(nil)` when it is never closed. Containers inside
    /// it stay in its body.
    static func read(_ nodes: [MarkdownNode], from start: Int) -> (kind: Kind, body: [MarkdownNode], next: Int)?? {
        guard let open = opening(nodes[start]) else { return nil }
        var depth = 1
        var index = start + 1
        while index < min(nodes.count, start + ContentTab.lookahead) {
            if let inner = opening(nodes[index]), inner.mark == open.mark {
                depth += 1
            } else if let close = closing(nodes[index]), close.mark == open.mark {
                depth -= 1
                if depth == 0 || close.count > open.colons {
                    return close.count >= open.colons ? (open.kind, Array(nodes[(start + 1)..<index]), index + 1) : .some(nil)
                }
            }
            index += 1
        }
        return .some(nil)
    }

    /// A code group's tabs: one for each fenced block, titled by the `[label]` in its info
    /// string (else its language); what else the group holds goes with the tab before it.
    static func tabs(of body: [MarkdownNode]) -> [ContentTab] {
        var tabs: [ContentTab] = []
        for node in body {
            guard case .codeBlock(let info, true) = node.kind else {
                if !tabs.isEmpty { tabs[tabs.count - 1].body.append(node) }
                continue
            }
            let label = info.firstIndex(of: "[").flatMap { open in
                info[open...].firstIndex(of: "]").map { String(info[info.index(after: open)..<$0]) }
            }
            let language = AnnotationParser.splitInfo(info).language
            tabs.append(
                ContentTab(
                    id: nil, title: label ?? (language.isEmpty ? "Tab \(tabs.count + 1)" : language), shownFirst: false,
                    line: node.range.startLine, body: [node]))
        }
        return tabs
    }
}

/// A MyST directive (Sphinx's Markdown): a fence whose info string is `{name} argument`. The
/// code ones (```` ```{code-block} bash ````) are blocks in that language; admonitions, tab
/// sets and dropdowns hold Markdown, read where they stand; others (a diagram, a table of
/// contents, reStructuredText) hold nothing to run. Options open the body: `:caption: x`.
struct MySTDirective {
    /// The name, in lower case: `code-block`, `note`, `tab-item`.
    var name: String
    /// What follows the name: the language of a code directive, a tab's title.
    var argument: String

    /// The directive `info` names; nil for any other info string, and for a runbook key in
    /// braces (`{interactive}`), which is an annotation.
    init?(info: String) {
        guard info.utf8.first == UInt8(ascii: "{"), let close = info.firstIndex(of: "}") else { return nil }
        let name = info[info.index(after: info.startIndex)..<close]
        guard !name.isEmpty,
            name.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x3A }),
            AnnotationKey.shapes[String(name)] == nil
        else { return nil }
        self.name = name.lowercased()
        self.argument = info[info.index(after: close)...].trimmedInline
    }

    /// Directives that hold code in the language their argument names.
    static let codeNames: WordSet = ["code", "code-block", "sourcecode", "code-cell"]
    /// Directives whose body is Markdown.
    static let markdownNames: WordSet = [
        "note", "warning", "tip", "important", "hint", "attention", "caution", "danger", "error", "seealso", "admonition",
        "dropdown", "tab-set", "tab-item", "card", "topic", "sidebar", "margin", "versionadded", "versionchanged",
        "deprecated", "div", "grid-item", "grid-item-card",
    ]

    var isCode: Bool { Self.codeNames.contains(name) }

    /// How many lines open `body` with options (`:caption: Install`, `:linenos:`), with the
    /// blank line after them.
    static func optionLines(_ body: String) -> Int {
        var count = 0
        for line in body.lines {
            let text = line.trimmedInline
            guard text.hasPrefix(":"), let end = text.dropFirst().firstIndex(of: ":"), end > text.index(after: text.startIndex)
            else {
                return count > 0 && text.isEmpty ? count + 1 : count
            }
            count += 1
        }
        return count
    }

    /// The options that open `body`, by name: `:selected:` is `selected` with no value.
    static func options(_ body: String) -> Set<String> {
        Set(
            body.lines.prefix(optionLines(body)).compactMap { line -> String? in
                let text = line.trimmedInline.dropFirst()
                return text.firstIndex(of: ":").map { String(text[..<$0]) }
            })
    }

    /// The Markdown in a directive's block `node`, past its options, at the file's lines and
    /// columns.
    static func body(of node: MarkdownNode) -> [MarkdownNode] {
        let skipped = optionLines(node.literal)
        let text = node.literal.lines.dropFirst(skipped).joined(separator: "\n")
        return MarkdownParser.parse(text).children.map {
            $0.shifted(lines: node.range.startLine + skipped, columns: node.range.startColumn - 1)
        }
    }
}

/// Code in template tags: Jekyll's (Liquid's) `{% highlight bash %}` … `{% endhighlight %}`
/// and Hugo's `{{< highlight bash "linenos=table" >}}` … `{{< /highlight >}}`, which
/// CommonMark reads as a paragraph (or several), its text no longer as written. The block is
/// taken from the file's lines instead, as the fenced block it stands for.
enum LiquidHighlight {
    /// True when a paragraph may open one: its text starts with `{%` or `{{<`.
    static func mayOpen(_ paragraph: MarkdownNode) -> Bool {
        paragraph.opens(with: "{%") || paragraph.opens(with: "{{<")
    }

    /// The block `paragraph` opens, read from `lines` (the file's): a fenced code block node
    /// with its language and text, from the opening line to the closing tag's; nil when the
    /// paragraph opens none or it is never closed.
    static func block(_ paragraph: MarkdownNode, lines: [Substring]) -> MarkdownNode? {
        let number = paragraph.range.startLine
        guard number >= 1, number <= lines.count, let open = opening(String(lines[number - 1]).trimmedInline) else {
            return nil
        }
        guard let close = lines[number...].firstIndex(where: { isClosing(String($0).trimmedInline, hugo: open.hugo) }) else {
            return nil
        }
        let body = lines[number..<close].map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        return MarkdownNode(
            kind: .codeBlock(info: open.language, fenced: true),
            range: SourceRange(
                startLine: number, startColumn: paragraph.range.startColumn, endLine: close + 1, endColumn: lines[close].count),
            literal: body.isEmpty ? "" : body.joined(separator: "\n") + "\n")
    }

    /// The words inside a tag on a line of its own: `{% highlight bash %}`, `{{< /highlight >}}`.
    private static func tagWords(_ line: String, hugo: Bool) -> [Substring]? {
        let (open, close) = hugo ? ("{{<", ">}}") : ("{%", "%}")
        guard line.hasPrefix(open), line.hasSuffix(close), line.count >= open.count + close.count else { return nil }
        return line.dropFirst(open.count).dropLast(close.count).split(separator: " ")
    }

    /// The language of `{% highlight bash %}` or `{{< highlight bash "linenos=table" >}}`
    /// (options after it are not), and which of the two it is; nil for any other line.
    static func opening(_ line: String) -> (language: String, hugo: Bool)? {
        for hugo in [false, true] {
            if let words = tagWords(line, hugo: hugo), words.first == "highlight", words.count >= 2 {
                return (String(words[1]), hugo)
            }
        }
        return nil
    }

    /// True for `{% endhighlight %}` (`hugo`: `{{< /highlight >}}`).
    static func isClosing(_ line: String, hugo: Bool) -> Bool {
        tagWords(line, hugo: hugo) == [hugo ? "/highlight" : "endhighlight"]
    }
}

/// A `<pre>` element (`<pre><code class="language-bash">…</code></pre>`, or `<pre>` alone), as
/// READMEs written in HTML and pages exported to Markdown give commands: the code block it
/// stands for, its language from the class (`language-bash`, `lang-sh`) or `lang=`, its
/// text without the tags and with HTML's character references decoded.
enum HTMLPre {
    /// True for an HTML block that opens with `<pre`.
    static func mayBe(_ html: MarkdownNode) -> Bool {
        let bytes = html.literal.utf8.prefix(5).map(ASCII.lower)
        return bytes.starts(with: Array("<pre".utf8)) && (bytes.count == 4 || !ASCII.isLetter(bytes[4]))
    }

    /// The code block `html` stands for; nil when it is not one `<pre>` element.
    static func block(_ html: MarkdownNode) -> MarkdownNode? {
        let text = html.literal
        guard mayBe(html), let open = text.range(of: ">"), let close = text.range(of: "</pre>", options: .caseInsensitive)
        else { return nil }
        var language = Self.language(in: String(text[..<open.upperBound]))
        var inner = text[open.upperBound..<close.lowerBound]
        // `<code class="language-bash">` inside: its class names the language too.
        if inner.hasPrefix("<code"), let end = inner.firstIndex(of: ">") {
            language = language ?? Self.language(in: String(inner[...end]))
            inner = inner[inner.index(after: end)...]
            if let codeEnd = inner.range(of: "</code>", options: [.caseInsensitive, .backwards]) {
                inner = inner[..<codeEnd.lowerBound]
            }
        }
        // A newline right after the opening tag is not part of the text, as HTML has it.
        var firstLine = html.range.startLine + text[..<inner.startIndex].count { $0 == "\n" }
        if inner.hasPrefix("\n") {
            inner = inner.dropFirst()
            firstLine += 1
        }
        let code = decode(stripTags(String(inner)))
        guard !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        // The step is where `<pre>` is; its text starts there, or (`fenced`) on a later line.
        let sameLine = firstLine == html.range.startLine
        return MarkdownNode(
            kind: .codeBlock(info: language ?? "", fenced: !sameLine),
            range: SourceRange(
                startLine: sameLine ? firstLine : max(html.range.startLine, firstLine - 1), startColumn: html.range.startColumn,
                endLine: html.range.endLine, endColumn: html.range.endColumn),
            literal: code.hasSuffix("\n") ? code : code + "\n")
    }

    /// The language a tag's `class` (`language-bash`, `lang-sh`, `highlight-source-shell`)
    /// or `lang=` names.
    static func language(in tag: String) -> String? {
        let attributes = TabMarkup.attributes(of: tag.dropFirst().drop { !$0.isWhitespace && $0 != ">" })
        if let lang = attributes.named["lang"] ?? attributes.named["data-lang"] { return lang }
        for name in (attributes.named["class"] ?? "").split(separator: " ") {
            for prefix in ["language-", "lang-", "highlight-source-"] where name.hasPrefix(prefix) {
                let value = String(name.dropFirst(prefix.count))
                return value.hasSuffix(">") ? String(value.dropLast()) : value
            }
        }
        return nil
    }

    /// `text` without its tags (`<b>`, `<span class="…">`).
    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var out = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">" && inTag {
                inTag = false
            } else if !inTag {
                out.append(character)
            }
        }
        return out
    }

    /// `text` with HTML's character references decoded: `&amp;`, `&lt;`, `&gt;`, `&quot;`,
    /// `&apos;`, `&nbsp;`, `&#39;`, `&#x27;`.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.prefix(10).firstIndex(of: ";") else {
                out.append("&")
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semi]
            let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
            var decoded = named[name]
            if decoded == nil, name.hasPrefix("#") {
                let number = name.dropFirst()
                let value =
                    number.hasPrefix("x") || number.hasPrefix("X") ? UInt32(number.dropFirst(), radix: 16) : UInt32(number)
                decoded = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            }
            if let decoded {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out.append("&")
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }
}
