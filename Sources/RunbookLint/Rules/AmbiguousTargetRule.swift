import Foundation
import RunbookGuide
import RunbookModel

/// `ambiguous-target`: a running block whose machine nothing states, so it runs on `local` by
/// default, while the text says otherwise: the blocks around it run on another machine (the
/// reader probably means that machine too), or its commands work in the home directory of
/// a cloud image's login user (`/home/ec2-user`), which is on that server, not the laptop, or
/// it manages a service the guide manages only on another machine (`systemctl restart orders`).
/// Also a provisioning tool (`terraform destroy`) in a session an earlier `ssh` line opened:
/// its state is on the person's machine, and the guide forgot to leave the session.
struct AmbiguousTargetRule: LintRule {
    var id: String { "ambiguous-target" }
    var summary: String { "a block whose machine is not stated and differs from its neighbours or its paths" }

    /// The users cloud images log in as: `ec2-user` (Amazon Linux), `ubuntu`, `azureuser`
    /// (Azure), `opc` (Oracle), `centos`.
    static let cloudUsers = ["ec2-user", "ubuntu", "azureuser", "opc", "centos"]

    /// What may stand right before a path that is a command's own (`host:/home/…` is not).
    private static let beforeAPath: ByteSet = " \t\"'=("

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        let steps = linted.runningSteps
        /// The machine of a person's step the text places there ("On redis-1 only, edit … and
        /// set:") between `previous` and `step`: where the person is for the block after it.
        func placedBefore(_ step: Step, after previous: Step?) -> String? {
            let from = previous?.number ?? 0
            let to = step.number - 1
            guard to > from, to <= linted.guide.steps.count else { return nil }
            return linted.guide.steps[from..<to].last { $0.kind == .manual && $0.target.name != "local" }?.target.name
        }
        let remote = linted.guide.targets.first { $0.name != "local" }?.name ?? "server"
        var findings: [Diagnostic] = []
        var flagged: Set<String> = []
        // Unstated steps one after another are read as one stretch: its first step is where the
        // text stops saying where it is, and what is around the stretch is what it says.
        // A block that goes on to `ssh` elsewhere runs here, as it says by that line.
        func unstated(_ step: Step) -> Bool { step.target.reason == "default" && step.opensSession == nil }
        var start = 0
        while start < steps.count {
            guard unstated(steps[start]) else {
                start += 1
                continue
            }
            var end = start
            while end + 1 < steps.count, unstated(steps[end + 1]) { end += 1 }
            // Unstated steps at the start, before the `ssh` line that opens a session: the
            // person is on their own machine until then, as the guide says by that line.
            let beforeLogin = start == 0 && end + 1 < steps.count && steps[end + 1].target.reason == "session"
            let around =
                beforeLogin
                ? nil
                : Self.around(
                    before: placedBefore(steps[start], after: start > 0 ? steps[start - 1] : nil)
                        ?? (start > 0 ? steps[start - 1].target.name : nil),
                    after: end + 1 < steps.count ? steps[end + 1].target.name : nil, here: steps[start].target.name,
                    lone: start == end,
                    movesHere: end + 1 < steps.count && ["prose", "heading"].contains(steps[end + 1].target.reason)
                        ? steps[end + 1].id : nil)
            for (k, step) in steps[start...end].enumerated() {
                // What the text says instead: where in the code, why, and the machine it means.
                var said = k == 0 ? around.map { (line: 0, column: 1, why: $0.why, machine: $0.machine) } : nil
                if said == nil, step.target.name == "local", let home = Self.serverHome(in: step.code) {
                    said = (home.line, home.column, "it works in \(home.path), a cloud server's home directory", remote)
                }
                guard let said else { continue }
                flagged.insert(step.id)
                findings.append(
                    Diagnostic(
                        rule: id, severity: .warning,
                        location: linted.location(of: step, codeLine: said.line, column: said.column),
                        message: "step \(step.id) runs on \(step.target.name) by default, but \(said.why)",
                        fix: "say where it runs (\"On \(said.machine):\") or annotate it with on=\(said.machine)"))
            }
            start = end + 1
        }
        findings += servicesRunElsewhere(linted, steps, warnedOf: flagged)
        // A tool that provisions machines, run in a session on one of them: the guide forgot
        // to leave the session (its state and credentials are on the person's machine).
        for step in steps where step.target.reason == "session" && step.target.name != "local" {
            guard let (line, tool) = Self.provisioner(in: step.code) else { continue }
            findings.append(
                Diagnostic(
                    rule: id, severity: .warning, location: linted.location(of: step, codeLine: line, column: 1),
                    message:
                        "step \(step.id) runs on \(step.target.name), where an ssh session left it, but \(tool) works on the machine that holds its state and credentials, usually yours",
                    fix: "say where it runs (\"On your laptop:\") or end the session with exit before it"))
        }
        return findings
    }

    /// Unstated steps on this machine that manage a service (`systemctl restart orders`,
    /// `journalctl -u orders`) which the guide manages only on another machine: after "Back on
    /// your laptop", a rollback that says nothing of where it runs restarts the service here.
    /// Steps `warnedOf` by the neighbours' check are not warned of again.
    func servicesRunElsewhere(_ linted: LintedGuide, _ steps: [Step], warnedOf: Set<String>) -> [Diagnostic] {
        // The unstated steps' services first: most manage none, and then nothing else is read.
        var unstated: [(step: Step, services: [(line: Int, unit: String)])] = []
        for step in steps where Self.unplacedHere(step) && !warnedOf.contains(step.id) {
            let services = Self.services(in: step.code)
            if !services.isEmpty { unstated.append((step, services)) }
        }
        guard !unstated.isEmpty else { return [] }
        // Then, for each of their services, the first step elsewhere that manages it, and
        // whether a step placed here does: read only where the code names the service.
        var elsewhere: [String: Step] = [:]
        var here: Set<String> = []
        var read: [Int: [String]] = [:]
        for unit in Set(unstated.flatMap { $0.services.map(\.unit) }) {
            for (index, step) in steps.enumerated() where step.code.includes(unit) {
                let local = step.target.name == "local"
                if Self.unplacedHere(step) { continue }
                if !local && elsewhere[unit] != nil { continue }
                if read[index] == nil { read[index] = Self.services(in: step.code).map(\.unit) }
                guard read[index]!.contains(unit) else { continue }
                if local { here.insert(unit) } else { elsewhere[unit] = step }
            }
        }
        return unstated.compactMap { step, services in
            guard let service = services.first(where: { elsewhere[$0.unit] != nil && !here.contains($0.unit) }),
                let other = elsewhere[service.unit]
            else { return nil }
            return Diagnostic(
                rule: id, severity: .warning, location: linted.location(of: step, codeLine: service.line, column: 1),
                message:
                    "step \(step.id) runs on \(step.target.name) by default, but it manages the \(service.unit) service, which step \(other.id) runs on \(other.target.name)",
                fix: "say where it runs (\"On \(other.target.name):\") or annotate it with on=\(other.target.name)")
        }
    }

    /// On this machine only because nothing said where (or because the guide logged out).
    static func unplacedHere(_ step: Step) -> Bool {
        step.target.name == "local" && (step.target.reason == "default" || step.target.reason == "exit")
    }

    private static let serviceManagers: Needles = ["systemctl", "service", "journalctl"]
    /// systemctl's verbs that name units after them.
    private static let unitVerbs: Set<String> = [
        "start", "stop", "restart", "reload", "enable", "disable", "status", "try-restart", "reload-or-restart", "is-active",
        "kill", "mask", "unmask",
    ]

    /// The services `code` starts, stops, asks about or reads the journal of, each with its
    /// 0-based line: `systemctl restart orders` (units without `.service`), `service nginx
    /// reload`, `journalctl -u orders`.
    static func services(in code: String) -> [(line: Int, unit: String)] {
        guard code.includesAny(serviceManagers) else { return [] }
        var found: [(line: Int, unit: String)] = []
        for (index, line) in code.lines.enumerated() where line.includesAny(serviceManagers) {
            ShellText.forEachCommand(in: ShellText.words(String(line))) { command in
                guard let (name, args) = ShellText.program(of: command) else { return }
                var units: [String] = []
                switch name {
                case "systemctl":
                    guard let verb = args.firstIndex(where: { !$0.hasPrefix("-") }), unitVerbs.contains(args[verb]) else {
                        return
                    }
                    units = args[(verb + 1)...].filter { !$0.hasPrefix("-") }
                case "service":
                    if args.count >= 2, let unit = args.first, !unit.hasPrefix("-") { units = [unit] }
                case "journalctl":
                    for (k, word) in zip(args.indices, args) {
                        if word.hasPrefix("--unit=") {
                            units.append(String(word.dropFirst(7)))
                        } else if word == "--unit" || (word.hasPrefix("-") && !word.hasPrefix("--") && word.hasSuffix("u")),
                            k + 1 < args.endIndex
                        {
                            units.append(args[k + 1])
                        }
                    }
                default: return
                }
                for unit in units {
                    found.append((index, unit.hasSuffix(".service") ? String(unit.dropLast(8)) : unit))
                }
            }
        }
        return found
    }

    /// Programs that provision and remove machines from the person's own (`terraform`,
    /// `pulumi`, `vagrant`): the first line that runs one, and its name.
    static func provisioner(in code: String) -> (line: Int, tool: String)? {
        guard code.includesAny(Self.provisioners) else { return nil }
        for (index, line) in code.lines.enumerated() {
            let words = ShellText.words(String(line))
            var found: String?
            ShellText.forEachCommand(in: words) { command in
                guard found == nil, let (name, _) = ShellText.program(of: command) else { return }
                if ["terraform", "tofu", "pulumi", "vagrant", "packer"].contains(name) { found = name }
            }
            if let found { return (index, found) }
        }
        return nil
    }

    private static let provisioners: Needles = ["terraform", "tofu", "pulumi", "vagrant", "packer"]

    /// What the steps around a stretch of unstated steps on `here` say: the machine they mean
    /// and why, or nil when nothing does. `lone`: the stretch is one step. `movesHere`: the
    /// step after it, when prose or a heading places it.
    static func around(before: String?, after: String?, here: String, lone: Bool, movesHere: String? = nil) -> (
        why: String, machine: String
    )? {
        if let before, before != here, after == nil || after == before {
            return (after == nil ? "the step before it runs on \(before)" : "the steps around it run on \(before)", before)
        }
        // "On the server:", then blocks that say nothing, then "On your local machine:": the
        // guide says when it comes back here, so until then it is still on the server.
        if let before, before != "local", here == "local", after == "local", let movesHere {
            return ("the step before it runs on \(before) and the guide moves to this machine only at \(movesHere)", before)
        }
        // A lone unstated step first, then another machine: the steps after it.
        if before == nil, let after, after != here, lone { return ("the steps around it run on \(after)", after) }
        // Between two other machines ("dump on the old server", then this, then "restore on the
        // new one"): this machine is the least likely place of the three.
        if let before, let after, before != "local", after != "local", here == "local" {
            return ("the step before it runs on \(before) and the one after on \(after)", before)
        }
        return nil
    }

    /// The first `/home/USER` of a cloud image's user in `code` (its 0-based line, 1-based
    /// column and the path), leaving out the remote side of a copy (`host:/home/ubuntu/app`)
    /// and `ssh` command lines, which run here and name the server's paths.
    static func serverHome(in code: String) -> (line: Int, column: Int, path: String)? {
        guard code.containsBytes("/home/") else { return nil }
        for (index, line) in code.lines.enumerated() where line.containsBytes("/home/") {
            if line.trimmedInline.hasPrefix("ssh ") { continue }
            let bytes = Array(line.utf8)
            var from = 0
            // Each `/home/` in turn; `from` always follows an ASCII byte, so the rest is whole text.
            while let found = Substring(line.utf8.dropFirst(from)).firstByteOffset(of: "/home/") {
                let at = from + found
                from = at + 1
                if at > 0, !Self.beforeAPath.contains(bytes[at - 1]) { continue }
                let nameStart = at + "/home/".utf8.count
                var nameEnd = nameStart
                while nameEnd < bytes.count, ASCII.isWord(bytes[nameEnd]) || bytes[nameEnd] == UInt8(ascii: "-") { nameEnd += 1 }
                let user = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
                guard cloudUsers.contains(user) else { continue }
                let column = String(decoding: bytes[..<at], as: UTF8.self).count + 1
                return (index, column, "/home/" + user)
            }
        }
        return nil
    }
}
