import Foundation
import RunbookModel

@testable import RunbookGuide

/// Reads Markdown text as a guide named `guide.md`.
func read(_ markdown: String) -> Guide {
    try! GuideReader.read(markdown: markdown, path: "guide.md")
}

/// `number:kind:target` for every step, the compact shape most reader tests compare.
func shape(_ guide: Guide) -> [String] {
    guide.steps.map { "\($0.id):\($0.kind.rawValue):\($0.target.description)" }
}

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

let fence = "```"
