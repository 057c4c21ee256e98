import Foundation
import RunbookGuide
import RunbookModel

/// `insecure`: switches that turn off a protection.
struct InsecureRule: PatternRule {
    var id: String { "insecure" }
    var summary: String { "a command that turns off a protection" }
    /// Each shape is written once; the line filter is their words.
    static let shapes: [CommandShape] = [
        .init(
            #"\bcurl\b[^|;]*\s(-k|--insecure)\b"#, "curl", "curl -k accepts any TLS certificate",
            "fix the certificate, or pass --cacert", also: ["-k", "--insecure"]
        ),
        .init(
            #"StrictHostKeyChecking[= ]+no"#, "stricthostkeychecking", "StrictHostKeyChecking=no trusts any host key",
            "add the host's key to known_hosts (ssh-keyscan, checked)"
        ),
        .init(
            #"\bchmod\s+(-R\s+)?0?777\b"#, "chmod", "chmod 777 lets every user write here",
            "grant only what is needed (755, 750, a group)", also: ["777"]
        ),
        .init(
            #"sslmode=disable"#, "sslmode", "sslmode=disable sends database traffic in clear",
            "use sslmode=require or verify-full"
        ),
    ]
    static let hintWords = Needles(shapes.map { $0.word })
    var hints: Needles { Self.hintWords }
    var patterns: [CommandShape] { Self.shapes }
}
