import Foundation

/// Stable JSON encoding shared by every `--json` output.
public enum JSONOutput {
    /// Pretty-printed, keys sorted, slashes unescaped, snake_case keys.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value) else { return "{\"schema\":1}" }
        return String(decoding: data, as: UTF8.self)
    }
}
