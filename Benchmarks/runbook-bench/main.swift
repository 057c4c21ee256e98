// Benchmarks for runbook. `make bench` runs Benchmarks/parse.sh, which calls this.
//
//   runbook-bench generate DIR COUNT   write COUNT guides built from the repository's own guides
//   runbook-bench read FILE…           time libcmark parsing alone and the full guide reader
//
// Linked with mimalloc, as `runbook` is, so that the reader is timed on the same allocator.
import CMimalloc
import Foundation
import RunbookGuide
import RunbookMarkdown

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func best(of runs: Int, _ body: () -> Void) -> Double {
    (0..<runs).map { _ in milliseconds(body) }.min()!
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "generate":
    guard arguments.count == 3, let count = Int(arguments[2]) else {
        FileHandle.standardError.write(Data("usage: runbook-bench generate DIR COUNT\n".utf8))
        exit(2)
    }
    let dir = arguments[1]
    let sources = [
        "runbooks/demo.md", "Tests/Fixtures/hosting-ec2.md", "Tests/Fixtures/deployment-plan.md",
        "Tests/Fixtures/compose-stack.md",
    ]
    let texts = sources.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    guard texts.count == sources.count else {
        FileHandle.standardError.write(Data("runbook-bench: run from the repository root\n".utf8))
        exit(2)
    }
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for i in 0..<count {
        // Each guide joins several sources with numbered headings, so no two are alike.
        var text = "# Generated guide \(i)\n\n"
        for k in 0..<4 {
            text += texts[(i + k) % texts.count].replacingOccurrences(of: "\n## ", with: "\n## \(i).\(k) ") + "\n"
        }
        try! text.write(toFile: "\(dir)/guide-\(i).md", atomically: false, encoding: .utf8)
    }
case "read":
    let files = Array(arguments.dropFirst())
    let texts = files.map { try! GuideSource.load(path: $0) }
    let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    let parse = best(of: 5) { for t in texts { _ = MarkdownParser.parse(t.markdown) } }
    let read = best(of: 5) { for f in files { _ = try! GuideReader.read(path: f) } }
    print(String(format: "files=%d bytes=%d markdown_ms=%.1f reader_ms=%.1f", files.count, bytes, parse, read))
default:
    FileHandle.standardError.write(Data("usage: runbook-bench generate DIR COUNT | read FILE…\n".utf8))
    exit(2)
}
