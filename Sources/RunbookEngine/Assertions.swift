import Foundation
import RunbookGuide
import RunbookModel

/// The result of checking one expectation.
public struct AssertionResult: Sendable, Hashable, Codable {
    /// What was expected, as the plan shows it.
    public var expected: String
    /// What was found.
    public var actual: String
    /// Whether it held.
    public var passed: Bool
}

/// Checks a step's expectations against how it ended.
public enum Assertions {
    /// Every expectation, in order. `expand` shows `${NAME}` with bound values.
    public static func check(
        _ expectations: [Expectation], exitCode: Int32, output: String, expand: (String) -> String
    ) -> [AssertionResult] {
        expectations.map { expectation in
            switch expectation {
            case .exitStatus(let code):
                return AssertionResult(
                    expected: "exit status \(code)", actual: "exit status \(exitCode)", passed: Int(exitCode) == code)
            case .outputContains(let text):
                let wanted = expand(text)
                return AssertionResult(
                    expected: "output contains \"\(wanted)\"", actual: output.contains(wanted) ? "found" : "not found",
                    passed: output.contains(wanted))
            case .outputMatches(let pattern):
                let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
                let found = regex?.firstMatch(in: output, range: NSRange(location: 0, length: (output as NSString).length)) != nil
                return AssertionResult(
                    expected: "output matches /\(pattern)/", actual: found ? "matched" : "no match", passed: found)
            case .httpStatus(let codes):
                let status = httpStatus(in: output)
                return AssertionResult(
                    expected: "HTTP " + codes.map(String.init).joined(separator: " or "),
                    actual: status.map { "HTTP \($0)" } ?? "no HTTP status in the output",
                    passed: status.map(codes.contains) ?? false)
            }
        }
    }

    /// The HTTP status a command printed: the last `HTTP/x y` status line (`curl -i`, `-I`,
    /// `-v` after redirects), else a three-digit code ending the output (`-w '%{http_code}'`).
    public static func httpStatus(in output: String) -> Int? {
        var last: Int?
        for raw in output.split(whereSeparator: \.isNewline) {
            var line = Substring(raw)
            if line.hasPrefix("< ") { line = line.dropFirst(2) }
            guard line.hasPrefix("HTTP/") else { continue }
            let parts = line.split(separator: " ")
            if parts.count >= 2, let code = Int(parts[1]), (100...599).contains(code) { last = code }
        }
        if let last { return last }
        let trimmed = output.trimmed
        let tail = trimmed.suffix(3)
        if tail.count == 3, tail.allSatisfy(\.isNumber), let code = Int(tail), (100...599).contains(code),
            trimmed.count == 3 || !(trimmed.dropLast(3).last?.isNumber ?? false)
        {
            return code
        }
        return nil
    }
}
