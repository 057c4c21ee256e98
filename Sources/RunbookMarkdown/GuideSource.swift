import Foundation
import RunbookModel

/// Why a file could not be read as a guide.
public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such file.
    case notFound(path: String)
    /// The path is a directory.
    case isDirectory(path: String)
    /// The OS refused (permissions, I/O).
    case unreadable(path: String, reason: String)
    /// A NUL byte: the file is not text.
    case binary(location: SourceLocation)

    /// Lower-case message saying what happened and what to do.
    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file; check the path"
        case .isDirectory(let path): "\(path): is a directory; name a Markdown file"
        case .unreadable(let path, let reason): "\(path): cannot be read: \(reason)"
        case .binary(let location):
            "\(location): not a text file (NUL byte); runbook reads Markdown guides"
        }
    }
}

/// A guide's text after byte-level checks, with its front matter split off.
public struct GuideSource: Sendable {
    /// The path as given.
    public var path: String
    /// Markdown text with the front matter lines blanked, so line numbers stay the file's.
    public var markdown: String
    /// Front matter YAML, when the file starts with `---`.
    public var frontMatter: String?
    /// Line of the first front matter line (after the opening `---`).
    public var frontMatterLine: Int
    /// Warnings such as repaired UTF-8.
    public var diagnostics: [Diagnostic]

    /// Reads a file. Throws `SourceError` for a missing, unreadable or binary file.
    public static func load(path: String) throws -> GuideSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SourceError.notFound(path: path)
        }
        if isDirectory.boolValue { throw SourceError.isDirectory(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError.unreadable(path: path, reason: "permission denied or I/O error")
        }
        return try GuideSource(bytes: [UInt8](data), path: path)
    }

    /// Decodes bytes: refuses NUL, repairs invalid UTF-8 with U+FFFD (and warns), splits
    /// front matter.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        var diagnostics: [Diagnostic] = []
        if let nul = bytes.firstIndex(of: 0) {
            throw SourceError.binary(location: Self.location(of: nul, in: bytes, path: path))
        }
        var text: String
        if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else {
            let bad = Self.firstInvalidUTF8(bytes) ?? 0
            diagnostics.append(
                Diagnostic(
                    rule: ReaderFinding.encoding, severity: .warning,
                    location: Self.location(of: bad, in: bytes, path: path),
                    message: "invalid UTF-8 replaced with U+FFFD; save the file as UTF-8"))
            text = String(decoding: bytes, as: UTF8.self)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let (markdown, frontMatter) = Self.splitFrontMatter(text)
        self.markdown = markdown
        self.frontMatter = frontMatter
        self.frontMatterLine = 2
        self.diagnostics = diagnostics
    }

    /// Blanks the lines of a leading `---` … `---` block and returns its content.
    static func splitFrontMatter(_ text: String) -> (String, String?) {
        guard text.hasPrefix("---\n") || text.hasPrefix("---\r\n") else { return (text, nil) }
        var lines = text.lines.map(String.init)
        guard
            let close = lines.indices.dropFirst().first(where: {
                let l = lines[$0].trimmingCharacters(in: .whitespaces)
                return l == "---" || l == "..." || l == "---\r" || l == "...\r"
            })
        else { return (text, nil) }
        let yaml = lines[1..<close].map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
            .joined(separator: "\n")
        for i in 0...close { lines[i] = "" }
        return (lines.joined(separator: "\n"), yaml)
    }

    static func location(of offset: Int, in bytes: [UInt8], path: String) -> SourceLocation {
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return SourceLocation(file: path, line: line, column: offset - lineStart + 1)
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            if i + length > bytes.count { return i }
            if length > 1 {
                for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
                if String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { return i }
            }
            i += length
        }
        return nil
    }
}
