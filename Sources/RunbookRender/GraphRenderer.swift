import RunbookModel

/// Draws the step graph: document order, branches of choices side by side, verification links
/// dashed, optional sections as separate chains.
public enum GraphRenderer {
    /// Output formats.
    public enum Format: String, Sendable, CaseIterable {
        case mermaid, dot
    }

    struct Edge: Hashable {
        var from: Int
        var to: Int
        var dashed: Bool
    }

    /// The graph's edges: sequential flow (branch-aware) and `verifies` links.
    static func edges(_ guide: Guide) -> [Edge] {
        var edges: [Edge] = []
        let byId = Dictionary(guide.steps.map { ($0.id, $0.number) }, uniquingKeysWith: { a, _ in a })
        var chains: [String: [Step]] = [:]
        var order: [String] = []
        for step in guide.steps where step.kind != .variables {
            let key: String
            if step.flow == .main {
                key = "main"
            } else {
                var top = step.section
                while let parent = guide.sections[top].parent, guide.sections[parent].flow == .optional { top = parent }
                key = "optional-\(top)"
            }
            if chains[key] == nil { order.append(key) }
            chains[key, default: []].append(step)
        }
        for key in order {
            var tails: [Int] = []
            var groupEntry: [Int] = []
            var groupTails: [String: Int] = [:]
            var currentGroup: String?
            for step in chains[key]! {
                if let group = step.choice, let option = step.option {
                    if currentGroup != group {
                        if currentGroup != nil { tails = Array(groupTails.values).sorted() }
                        currentGroup = group
                        groupEntry = tails
                        groupTails = [:]
                    }
                    let from = groupTails[option].map { [$0] } ?? groupEntry
                    for f in from { edges.append(Edge(from: f, to: step.number, dashed: false)) }
                    groupTails[option] = step.number
                    continue
                }
                if currentGroup != nil {
                    tails = Array(groupTails.values).sorted()
                    currentGroup = nil
                }
                for f in tails { edges.append(Edge(from: f, to: step.number, dashed: false)) }
                tails = [step.number]
            }
        }
        for step in guide.steps {
            for id in step.verifies {
                if let target = byId[id] { edges.append(Edge(from: step.number, to: target, dashed: true)) }
            }
        }
        return edges
    }

    static func label(_ step: Step) -> String {
        let first =
            (step.kind == .manual ? step.instructions ?? "" : step.code)
            .split(separator: "\n").map { $0.trimmedInline }
            .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? step.id
        let clipped = first.count > 40 ? String(first.prefix(37)) + "…" : first
        return "\(step.number). \(clipped) @\(step.target.name)"
    }

    /// Renders the graph.
    public static func render(_ guide: Guide, format: Format) -> String {
        let steps = guide.steps.filter { $0.kind != .variables }
        let edges = edges(guide)
        switch format {
        case .mermaid:
            var out = ["flowchart TD"]
            var openSection: Int?
            for step in steps {
                let section = step.section
                if openSection != section {
                    if openSection != nil { out.append("  end") }
                    let title = guide.sections[section].index == 0 ? guide.title : guide.sections[section].heading
                    out.append("  subgraph S\(section)[\"\(mermaidEscape(title))\"]")
                    openSection = section
                }
                let text = mermaidEscape(label(step))
                let shape: String
                switch step.kind {
                case .manual: shape = "[/\"\(text)\"/]"
                case .verification: shape = "{{\"\(text)\"}}"
                case .artifact: shape = "[(\"\(text)\")]"
                default: shape = "[\"\(text)\"]"
                }
                out.append("    s\(step.number)\(shape)")
            }
            if openSection != nil { out.append("  end") }
            for edge in edges {
                out.append("  s\(edge.from) \(edge.dashed ? "-. verifies .->" : "-->") s\(edge.to)")
            }
            return out.joined(separator: "\n") + "\n"
        case .dot:
            var out = ["digraph runbook {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\"];"]
            var bySection: [Int: [Step]] = [:]
            for step in steps { bySection[step.section, default: []].append(step) }
            for section in bySection.keys.sorted() {
                let title = guide.sections[section].index == 0 ? guide.title : guide.sections[section].heading
                out.append("  subgraph cluster_\(section) {")
                out.append("    label=\"\(dotEscape(title))\";")
                if guide.sections[section].flow == .optional { out.append("    style=dashed;") }
                for step in bySection[section]! {
                    let shape: String
                    switch step.kind {
                    case .manual: shape = "parallelogram"
                    case .verification: shape = "hexagon"
                    case .artifact: shape = "note"
                    default: shape = "box"
                    }
                    out.append("    s\(step.number) [label=\"\(dotEscape(label(step)))\", shape=\(shape)];")
                }
                out.append("  }")
            }
            for edge in edges {
                out.append("  s\(edge.from) -> s\(edge.to)\(edge.dashed ? " [style=dashed, label=\"verifies\"]" : "");")
            }
            out.append("}")
            return out.joined(separator: "\n") + "\n"
        }
    }

    static func mermaidEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
    }

    static func dotEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
