import Foundation
import Mustache

/// A template that cannot be used, with where it went wrong.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with line and column when known.
    public var description: String
}

/// The Mustache templates in `templates/` (built into the binary as resources): checklists
/// in md, html and text, and the HTML run report. They share partials (`style`, `script`).
public enum Templates {
    /// The built-in template `name` (`checklist.html` is `checklist.html.mustache`).
    public static func builtin(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            return "{{! missing built-in template \(name) }}"
        }
        return text
    }

    /// Names of the built-in partials, which a custom template may use too (`{{> style}}`).
    static let partials = ["style", "script"]

    /// Renders `template` with `context`; built-in partials are available to it.
    public static func render(_ template: String, context: [String: Any]) throws(TemplateError) -> String {
        var library = MustacheLibrary()
        for name in partials {
            do {
                try library.register(builtin("partial." + name), named: name)
            } catch {
                throw TemplateError(description: "built-in partial \(name): \(error)")
            }
        }
        let parsed: MustacheTemplate
        do {
            parsed = try MustacheTemplate(string: template)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(
                description: "line \(error.context.lineNumber), column \(error.context.columnNumber): \(error.error)")
        } catch {
            throw TemplateError(description: "\(error)")
        }
        return parsed.render(context, library: library)
    }
}
