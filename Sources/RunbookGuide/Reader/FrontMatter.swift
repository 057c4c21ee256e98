import Foundation
import RunbookModel
import Yams

/// Reads document-level settings from YAML front matter.
enum FrontMatter {
    static let keys = ["targets", "default-target", "shell", "secrets", "vars", "inventory"]
    /// Keys common in other tools' front matter (Jekyll, Hugo, Runme): accepted and ignored.
    static let foreignKeys: WordSet = [
        "title", "description", "layout", "tags", "date", "author", "runme", "cwd", "category",
        "categories", "draft", "slug", "permalink", "sidebar_position", "weight", "skipPrompts",
        // Docs sites' own: Microsoft Learn's, Docusaurus's, Hugo's.
        "ms.date", "ms.topic", "ms.author", "ms.service", "ms.custom", "ms.subservice", "manager", "keywords", "summary",
        "sidebar_label", "hide_title", "id", "toc", "aliases", "lastmod", "image", "authors", "owner",
    ]

    static func read(_ yaml: String, path: String, line: Int, diagnostics: inout [Diagnostic]) -> GuideSettings {
        var settings = GuideSettings()
        let location = SourceLocation(file: path, line: line)
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            var at = location
            if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError {
                at.line = line + mark.line - 1
                at.column = mark.column
            } else if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError {
                at.line = line + mark.line - 1
                at.column = mark.column
            }
            diagnostics.append(
                Diagnostic(
                    rule: ReaderFinding.frontMatter, severity: .error, location: at,
                    message: "front matter is not valid YAML; fix it or remove the --- block"))
            return settings
        }
        guard let loaded else { return settings }
        guard let map = loaded as? [String: Any] else {
            diagnostics.append(
                Diagnostic(
                    rule: ReaderFinding.frontMatter, severity: .error, location: location,
                    message: "front matter must be a mapping of settings (targets:, vars:, …)"))
            return settings
        }
        func lineOf(_ key: String) -> SourceLocation {
            var at = location
            for (i, text) in yaml.lines.enumerated()
            where text.hasPrefix(key + ":") {
                at.line = line + i
                break
            }
            return at
        }
        for key in map.keys.sorted() {
            let value = map[key]!
            switch key {
            case "targets":
                if let targets = value as? [String: Any] {
                    for (name, uri) in targets { settings.targets[name] = "\(uri)" }
                } else {
                    diagnostics.append(
                        Diagnostic(
                            rule: ReaderFinding.frontMatter, severity: .error, location: lineOf(key),
                            message: "targets: must map names to ssh://user@host:port or local"))
                }
            case "default-target": settings.defaultTarget = "\(value)"
            case "shell": settings.shell = "\(value)"
            case "inventory": settings.inventory = "\(value)"
            case "secrets":
                if let list = value as? [Any] {
                    settings.secrets = list.map { "\($0)" }
                } else {
                    settings.secrets = "\(value)".split(separator: ",").map {
                        $0.trimmedInline
                    }
                }
            case "vars":
                if let vars = value as? [String: Any] {
                    // Keep the file's order: YAML mappings are unordered once loaded.
                    let order = yaml.split(separator: "\n").compactMap { text -> String? in
                        let t = text.trimmedInline
                        guard let colon = t.firstIndex(of: ":") else { return nil }
                        return String(t[..<colon])
                    }
                    for name in vars.keys.sorted(by: {
                        (order.firstIndex(of: $0) ?? .max, $0) < (order.firstIndex(of: $1) ?? .max, $1)
                    }) {
                        let v = vars[name]!
                        settings.vars.append(NamedValue(name: name, value: v is NSNull ? "" : "\(v)"))
                    }
                } else {
                    diagnostics.append(
                        Diagnostic(
                            rule: ReaderFinding.frontMatter, severity: .error, location: lineOf(key),
                            message: "vars: must map variable names to default values"))
                }
            default:
                // A key of another tool (`ms.topic`, a site's `toc`) is that tool's; one like
                // runbook's own is a misspelling, said with the key meant.
                guard !foreignKeys.contains(key),
                    let suggestion = Text.closest(to: key, in: keys, maxDistance: max(2, key.count / 4))
                else { continue }
                diagnostics.append(
                    Diagnostic(
                        rule: ReaderFinding.frontMatter, severity: .warning, location: lineOf(key),
                        message: "unknown front matter key '\(key)' ignored; did you mean '\(suggestion)'?",
                        fix: suggestion))
            }
        }
        return settings
    }
}
