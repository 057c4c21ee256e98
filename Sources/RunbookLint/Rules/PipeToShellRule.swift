import Foundation
import RunbookGuide
import RunbookModel

/// `pipe-to-shell`: a downloaded script run without being read.
struct PipeToShellRule: PatternRule {
    var id: String { "pipe-to-shell" }
    var summary: String { "a downloaded script piped into a shell" }
    static let hintWords: Needles = ["curl", "wget"]
    var hints: Needles { Self.hintWords }
    var needs: [String] { ["|", "sh"] }
    /// Built once, as the other pattern rules' shapes are.
    static let shapes: [CommandShape] = [
        .init(
            #"\b(curl|wget)\b[^|;]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b"#, "|",
            "a downloaded script is run unread", "download it, check its checksum or read it, then run it"
        )
    ]
    var patterns: [CommandShape] { Self.shapes }
}
