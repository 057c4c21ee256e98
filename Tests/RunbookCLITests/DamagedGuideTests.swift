import Foundation
import Testing

/// Guides damaged the way real ones are (a fence lost in an edit, a line cut short, a block
/// pasted twice, a stray quote or `${`, bytes that are not UTF-8), made from the fixtures and
/// runnable guides by a seeded generator, so every run damages them the same way. Whatever
/// the damage, the read-only commands answer with exit 0 and lint with 0 or 1 (1 exactly when
/// it reports an error), and every line they point at is a line of the file: nothing crashes,
/// hangs or points outside the guide.
@Suite("damaged guides")
struct DamagedGuideTests {
    /// SplitMix64: a small generator whose sequence is fixed by its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Text that edits leave behind in guides.
    static let fragments: [String] = [
        "```", "```bash\n", "~~~", "    ", "\t", "$", "${", "${X:-", "$(", "`", "<<EOF\n", "<<'EOF'\n", "EOF\n",
        "\\\n", "\"", "'", "\r\n", "---\n", "# ", "- [ ] ", "1. ", "> ", "<!-- runbook: on=server -->",
        "<!-- runbook-lint disable=placeholder -->", "{on=web}", "ssh deploy@web01\n", "exit\n", "sudo -i\n",
        "export A=1\n", "```bash {on=web user=root}\n", "On the server:\n", "## Option A\n", "| a | b |\n",
        "<details>", "é", "\u{FFFD}",
    ]

    /// `original` with one to eight random edits, each to whole lines or to bytes in a line.
    static func damage(_ original: [UInt8], with generator: inout Generator) -> [UInt8] {
        var lines = original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            if lines.isEmpty { lines = [[]] }
            let i = Int.random(in: 0..<lines.count, using: &generator)
            switch Int.random(in: 0..<8, using: &generator) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines.randomElement(using: &generator)!, at: i)
            case 2: lines[i] = Array(lines[i].prefix(Int.random(in: 0...lines[i].count, using: &generator)))
            case 3:
                let at = Int.random(in: 0...lines[i].count, using: &generator)
                lines[i].insert(contentsOf: Array(fragments.randomElement(using: &generator)!.utf8), at: at)
            case 4: lines = Array(lines.prefix(Int.random(in: 0...lines.count, using: &generator)))
            case 5: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &generator))
            case 6: lines.insert(Array(fragments.randomElement(using: &generator)!.utf8), at: i)
            default:
                // Any byte but NUL (a file with one is not text, refused on purpose) and line
                // breaks (the line count below is the file's).
                guard !lines[i].isEmpty else { continue }
                let byte = UInt8.random(in: 1...255, using: &generator)
                guard byte != 0x0A, byte != 0x0D else { continue }
                lines[i][Int.random(in: 0..<lines[i].count, using: &generator)] = byte
            }
        }
        return Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    /// How many lines `bytes` has, as an editor numbers them (a last line without a newline
    /// counts; an empty file has line 1).
    static func lineCount(_ bytes: [UInt8]) -> Int {
        let newlines = bytes.count { $0 == UInt8(ascii: "\n") }
        return max(1, newlines + (bytes.last == UInt8(ascii: "\n") ? 0 : 1))
    }

    /// The fixtures and runnable guides, damaged `count` times over.
    static func damagedGuides(count: Int, seed: UInt64) throws -> (dir: URL, files: [String: [UInt8]]) {
        var originals: [[UInt8]] = []
        for folder in ["Tests/Fixtures", "runbooks"] {
            let url = packageRoot.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".md") {
                originals.append(Array(try Data(contentsOf: url.appendingPathComponent(name))))
            }
        }
        #expect(originals.count >= 4)
        var generator = Generator(state: seed)
        let dir = try workspace()
        var files: [String: [UInt8]] = [:]
        for index in 0..<count {
            let name = String(format: "d%03d.md", index)
            let bytes = damage(originals[index % originals.count], with: &generator)
            try Data(bytes).write(to: dir.appendingPathComponent(name))
            files[name] = bytes
        }
        return (dir, files)
    }

    /// Lint checks all of them in one run: exit 1 exactly when some finding is an error, and
    /// each finding names one of the files and a line and column inside it.
    @Test func lintPointsInsideEveryDamagedGuide() throws {
        let (dir, files) = try Self.damagedGuides(count: 240, seed: 2026)
        let names = files.keys.sorted()
        let run = try runbook(["lint", "--shellcheck", "off", "--format", "json"] + names, in: dir)
        #expect(run.stderr.isEmpty)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.count > names.count)
        var outside: [String] = []
        for finding in findings {
            let file = try #require(finding["file"] as? String)
            let bytes = try #require(files[file])
            let line = try #require(finding["line"] as? Int)
            let column = try #require(finding["column"] as? Int)
            if !(1...Self.lineCount(bytes)).contains(line) || column < 1 { outside.append("\(file):\(line):\(column)") }
        }
        #expect(outside == [])
        let errors = findings.contains { $0["severity"] as? String == "error" }
        #expect(run.status == (errors ? 1 : 0))
    }

    /// plan, list, vars, checklist and graph each read a damaged guide with exit 0 (a checklist
    /// and a graph are never empty); plan's steps and sections sit on lines of the file, and
    /// its step ids are unique.
    @Test func theReadingCommandsAnswerOnEveryDamagedGuide() throws {
        let (dir, files) = try Self.damagedGuides(count: 24, seed: 6)
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            for command in [["list"], ["vars"], ["checklist"], ["graph", "--format", "dot"]] {
                let run = try runbook(command + [name], in: dir)
                #expect(run.status == 0, "\(command[0]) \(name): \(run.stderr)")
                // A guide cut down to no steps or no variables has an empty list or table.
                if command[0] == "checklist" || command[0] == "graph" { #expect(!run.stdout.isEmpty, "\(command[0]) \(name)") }
            }
            let plan = try runbook(["plan", "--json", name], in: dir)
            #expect(plan.status == 0, "plan \(name): \(plan.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            let steps = try #require(document["steps"] as? [[String: Any]])
            let sections = try #require(document["sections"] as? [[String: Any]])
            let lines = 1...Self.lineCount(bytes)
            let ids = steps.compactMap { $0["id"] as? String }
            #expect(ids.count == steps.count && Set(ids).count == ids.count, "\(name)")
            let misplaced = (steps + sections).compactMap { $0["line"] as? Int }.filter { !lines.contains($0) }
            #expect(misplaced == [], "\(name)")
        }
    }
}
