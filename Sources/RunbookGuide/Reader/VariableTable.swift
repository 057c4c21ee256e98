import RunbookMarkdown

/// A table that lists a guide's variables, as many guides do instead of a block of exports:
///
///     | Variable | Example           | Description     |
///     |----------|-------------------|-----------------|
///     | `DB_HOST`| `db-old.internal` | current primary |
///
/// CommonMark without the table extension reads a table as one paragraph; its rows are read
/// back from the paragraph's source lines, so `\|` in a cell stays a pipe and a table without
/// outer pipes (`Variable | Default`) counts too. The header names the columns: one holds the
/// names (`Variable`, `Name`, `Env var`, …), one may hold defaults (`Default`, `Value`), one a
/// description; an `Example` column is not a default (it only says what a value looks like). A
/// row counts only when its name is a shell name in capitals (`DB_HOST`, `$DB_HOST`,
/// `${DB_HOST}`).
public struct VariableTable {
    /// One row that names a variable.
    struct Row: Equatable {
        /// The variable's name.
        var name: String
        /// Its default, "" when the table gives none.
        var value: String
        /// The description, with the example when there is one.
        var description: String?
        /// The row's line in the file.
        var line: Int
    }

    /// The rows that name variables, in order.
    var rows: [Row] = []

    private static let nameHeaders: WordSet = [
        "variable", "variables", "name", "env var", "env", "environment variable", "var", "key", "setting",
    ]
    private static let valueHeaders: WordSet = ["default", "default value", "value", "values"]
    private static let descriptionHeaders: WordSet = [
        "description", "purpose", "meaning", "notes", "note", "what it is", "used for", "comment", "details",
    ]
    private static let exampleHeaders: WordSet = ["example", "examples", "example value", "e.g."]
    /// Cells that say there is no default.
    private static let noValue: WordSet = ["", "-", "—", "–", "(none)", "none", "n/a", "(required)", "required"]

    /// The table `paragraph` is, read from `source` (the text the paragraph was parsed from),
    /// when it is a table with a column of names and a row that names a variable.
    init?(_ paragraph: MarkdownNode, source: String) {
        // Most paragraphs are prose: a table's first line has a pipe.
        guard case .text = paragraph.children.first?.kind, paragraph.children[0].literal.containsByte(UInt8(ascii: "|"))
        else { return nil }
        let lines = Self.lines(paragraph.range.startLine...paragraph.range.endLine, of: source)
        guard lines.count >= 3, Self.isDelimiterRow(lines[1]) else { return nil }
        let header = Self.cells(lines[0]).map(Self.headerWord)
        guard let nameColumn = header.firstIndex(where: Self.nameHeaders.contains) else { return nil }
        let valueColumn = header.firstIndex(where: Self.valueHeaders.contains)
        let descriptionColumn = header.firstIndex(where: Self.descriptionHeaders.contains)
        let exampleColumn = header.firstIndex(where: Self.exampleHeaders.contains)
        for (offset, line) in lines.enumerated().dropFirst(2) {
            let cells = Self.cells(line)
            func cell(_ column: Int?) -> String? {
                guard let column, column < cells.count else { return nil }
                return Self.unquoted(cells[column])
            }
            guard let name = cell(nameColumn).flatMap(Self.variableName) else { continue }
            let value = cell(valueColumn).map { Self.noValue.contains($0.lowercased()) ? "" : $0 } ?? ""
            var description = cell(descriptionColumn).flatMap { $0.isEmpty ? nil : $0 }
            if let example = cell(exampleColumn), !example.isEmpty {
                description = (description.map { $0 + " " } ?? "") + "(e.g. \(example))"
            }
            rows.append(Row(name: name, value: value, description: description, line: paragraph.range.startLine + offset))
        }
        guard !rows.isEmpty else { return nil }
    }

    /// A source line that is a table row naming a variable in its first cell: the name and the
    /// row's other cells, unquoted (what `hardcoded-secret` reads: a value pasted into any
    /// column of such a row is in the guide). Nil for any other line. A row opens with `|`,
    /// or with `bare` (prose, not code) only has one inside (`DB_PASSWORD | Xk9… | prod`).
    public static func namedRow(_ line: Substring, bare: Bool = false) -> (name: String, cells: [String])? {
        let opensWithPipe = line.utf8.first(where: { !ASCII.isBlank($0) }) == UInt8(ascii: "|")
        guard opensWithPipe || (bare && line.utf8.contains(UInt8(ascii: "|"))) else { return nil }
        let cells = Self.cells(String(line))
        guard let first = cells.first, let name = Self.variableName(Self.unquoted(first)) else { return nil }
        return (name, cells.dropFirst().map(Self.unquoted))
    }

    /// Lines `numbers` (1-based) of `text`, as written (a table is read only rarely, so its
    /// lines are found by a walk over the text then, not kept for every guide).
    static func lines(_ numbers: ClosedRange<Int>, of text: String) -> [String] {
        var lines: [String] = []
        var number = 1
        var start = text.utf8.startIndex
        var index = start
        while index < text.utf8.endIndex, number <= numbers.upperBound {
            if text.utf8[index] == 0x0A {
                if numbers.contains(number) {
                    // A CRLF line's `\r` is not part of it.
                    let crlf = index > start && text.utf8[text.utf8.index(before: index)] == 0x0D
                    lines.append(String(text[start..<(crlf ? text.utf8.index(before: index) : index)]))
                }
                number += 1
                start = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        if number <= numbers.upperBound, numbers.contains(number), start < text.utf8.endIndex {
            lines.append(String(text[start...]))
        }
        return lines
    }

    /// `|---|:---:|`: only pipes, dashes, colons and spaces, with a dash.
    private static func isDelimiterRow(_ line: String) -> Bool {
        line.utf8.contains(UInt8(ascii: "-"))
            && line.utf8.allSatisfy { " |-:\t".utf8.contains($0) }
    }

    /// A row's cells, trimmed, without the empty ones its outer pipes make; `\|` is a pipe in a
    /// cell, a pipe inside backticks is too, and another backslash escape is the character
    /// (in code, the backslash and the character).
    private static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var inCode = false
        var escaped = false
        for character in line {
            if escaped {
                // `\|` is a pipe anywhere; in code any other backslash is the code's own.
                if inCode, character != "|" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "`" {
                inCode.toggle()
                current.append(character)
            } else if character == "|", !inCode {
                cells.append(current.trimmedInline)
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current.trimmedInline)
        if cells.first?.isEmpty == true { cells.removeFirst() }
        if cells.last?.isEmpty == true { cells.removeLast() }
        return cells
    }

    /// A header cell as a lower-case word: `**Variable**` → `variable`.
    private static func headerWord(_ cell: String) -> String {
        String(cell.filter { $0 != "*" && $0 != "_" && $0 != "`" }).trimmedInline.lowercased()
    }

    /// A cell without the one pair of backticks or quotes around it.
    private static func unquoted(_ cell: String) -> String {
        for quote in ["`", "\"", "'"] where cell.count >= 2 && cell.hasPrefix(quote) && cell.hasSuffix(quote) {
            return String(cell.dropFirst().dropLast())
        }
        return cell
    }

    /// `DB_HOST`, `$DB_HOST` or `${DB_HOST}` → `DB_HOST`; nil for anything else.
    private static func variableName(_ cell: String) -> String? {
        var name = Substring(cell)
        if name.hasPrefix("${"), name.hasSuffix("}") {
            name = name.dropFirst(2).dropLast()
        } else if name.hasPrefix("$") {
            name = name.dropFirst()
        }
        // A shell name with a letter and no small one.
        guard ShellText.isName(name.utf8), name.utf8.contains(where: ASCII.isLetter),
            !name.utf8.contains(where: ASCII.isLower)
        else { return nil }
        return String(name)
    }
}
