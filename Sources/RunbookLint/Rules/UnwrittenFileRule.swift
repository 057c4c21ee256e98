import Foundation
import RunbookGuide
import RunbookModel

/// `unwritten-file`: a config or code block its lead-in says to save as a file ("Save this as
/// `/etc/systemd/system/bot.service`:", "Create ~/.config/app.toml with:") that has no `file=`.
/// Runbook writes an artifact only when `file=` names where: without it the run goes on, and
/// the step that needs the file (`systemctl enable --now bot`) fails. Beyond the spec's table:
/// a guide read as written otherwise drops a step the author meant.
///
/// So is a block the sentence right after it says to save ("Save it as `/etc/wireguard/wg0.conf`,
/// then:"), which the reader made the person's step.
///
/// Only verbs that make a whole file count (save, create, write, put, paste, place, store);
/// "Add to `/etc/hosts`:" or "Edit `/etc/nginx/nginx.conf`:" change a file, and `file=` would
/// overwrite it, so they are left alone. A path is a word starting `/`, `~/`, `./` or `$`…`/`,
/// or a file name as code (`` `.env` ``, `` `config/app.yaml` ``), that does not end with `/`.
struct UnwrittenFileRule: LintRule {
    var id: String { "unwritten-file" }
    var summary: String { "a block to save as a file that runbook will not write" }

    /// The most lines a lead-in is read back over.
    private static let longestLeadIn = 6

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.guide.steps.compactMap { step in
            guard step.savedAs != nil || (step.kind == .artifact && !step.runs && step.writesFile == nil) else { return nil }
            // Said by the block's title (`title="/etc/app.ini"` on its fence line), else by the lead-in.
            let path: String
            let said: String
            if let titled = Text.titledPath(String(linted.line(step.location.line))) {
                (path, said) = (titled, "its title")
            } else if let leadIn = Self.leadIn(before: step.location.line, in: linted), let saved = Text.savedPath(leadIn.text) {
                (path, said) = (saved, "line \(leadIn.line)")
            } else if let saved = step.savedAs {
                // "Save it as `/etc/wireguard/wg0.conf`, then:" after the block.
                (path, said) = (saved, "the sentence after it")
            } else {
                return nil
            }
            return Diagnostic(
                rule: id, severity: .warning,
                location: SourceLocation(file: linted.guide.path, line: step.location.line, column: 1),
                message:
                    "the block is to be saved as \(path) (\(said)), but runbook writes a block only with file=; a run leaves it to a person",
                fix: "annotate the block with file=\(path)")
        }
    }

    /// The paragraph right above line `number` (blank lines between are fine), and its first line.
    static func leadIn(before number: Int, in linted: LintedGuide) -> (text: String, line: Int)? {
        var current = number - 1
        while current >= 1, linted.line(current).utf8.allSatisfy(ASCII.isSpace) { current -= 1 }
        // Most blocks have no lead-in that ends with a colon: nothing more is read for them.
        guard current >= 1, linted.line(current).utf8.last(where: { !ASCII.isSpace($0) }) == UInt8(ascii: ":") else {
            return nil
        }
        var lines: [Substring] = []
        while current >= 1, lines.count < longestLeadIn, !linted.isFenced(current) {
            let line = linted.line(current)
            let trimmed = line.drop(while: \.isWhitespace)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("<!--") { break }
            lines.insert(trimmed, at: 0)
            current -= 1
        }
        guard !lines.isEmpty else { return nil }
        return (lines.joined(separator: " "), current + 1)
    }
}
