import Foundation
import RunbookModel

/// How findings are written.
public enum LintFormat: String, Sendable, CaseIterable {
    /// `file:line:col: severity: [rule] message (fix: …)`.
    case text
    /// `{"schema":1,"findings":[…]}`.
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`).
    case github
    /// SARIF 2.1.0, for code scanning.
    case sarif

    /// The findings of every report in this format.
    public func render(_ reports: [LintReport]) -> String {
        let findings = reports.flatMap(\.findings)
        switch self {
        case .text:
            return findings.map { $0.formatted + "\n" }.joined()
        case .json:
            return Self.json(findings)
        case .github:
            return findings.map(Self.github).joined()
        case .sarif:
            return Self.sarif(findings)
        }
    }

    struct JSONFinding: Encodable {
        var rule: String
        var severity: String
        var file: String
        var line: Int
        var column: Int
        var message: String
        var fix: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule, forKey: .rule)
            try container.encode(severity, forKey: .severity)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
            try container.encode(message, forKey: .message)
            // `fix` is always present: null when there is none.
            try container.encode(fix, forKey: .fix)
        }

        enum CodingKeys: String, CodingKey { case rule, severity, file, line, column, message, fix }
    }

    struct JSONDocument: Encodable {
        var schema = 1
        var findings: [JSONFinding]
    }

    static func json(_ findings: [Diagnostic]) -> String {
        JSONOutput.encode(
            JSONDocument(
                findings: findings.map {
                    JSONFinding(
                        rule: $0.rule, severity: $0.severity.rawValue, file: $0.location.file, line: $0.location.line,
                        column: $0.location.column, message: $0.message, fix: $0.fix)
                })) + "\n"
    }

    /// GitHub's escaping: `%`, CR and LF everywhere; `:` and `,` in properties too.
    static func github(_ finding: Diagnostic) -> String {
        func data(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
                of: "\n", with: "%0A")
        }
        func property(_ text: String) -> String {
            data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
        let message = finding.message + (finding.fix.map { " (fix: \($0))" } ?? "")
        return
            "::\(command) file=\(property(finding.location.file)),line=\(finding.location.line),col=\(finding.location.column),title=\(property("runbook " + finding.rule))::\(data(message))\n"
    }

    static func sarif(_ findings: [Diagnostic]) -> String {
        let ruleIDs = Linter.ruleIDs + Array(Set(findings.map(\.rule)).subtracting(Linter.ruleIDs)).sorted()
        let summaries = Dictionary(
            uniqueKeysWithValues: Linter.rules.map { ($0.id, $0.summary) } + Linter.readerRules.map { ($0.id, $0.summary) })
        let rules: [[String: Any]] = ruleIDs.map { id in
            ["id": id, "name": id, "shortDescription": ["text": summaries[id] ?? id]]
        }
        let results: [[String: Any]] = findings.map { finding in
            var message = finding.message
            if let fix = finding.fix { message += " (fix: \(fix))" }
            // The path as a URI reference (`my guide.md` → `my%20guide.md`), as the schema's
            // uri-reference format and code scanning require; a region only for a real line.
            var physical: [String: Any] = [
                "artifactLocation": [
                    "uri": finding.location.file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)
                        ?? finding.location.file
                ]
            ]
            if finding.location.line >= 1 {
                physical["region"] = ["startLine": finding.location.line, "startColumn": max(1, finding.location.column)]
            }
            return [
                "ruleId": finding.rule,
                "ruleIndex": ruleIDs.firstIndex(of: finding.rule) ?? 0,
                "level": finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "note",
                "message": ["text": message],
                "locations": [["physicalLocation": physical]],
            ]
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": ["driver": ["name": "runbook", "rules": rules]],
                    "results": results,
                ]
            ],
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
