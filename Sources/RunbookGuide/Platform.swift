import Foundation
import RunbookModel

/// The operating system a machine runs, as the words a guide uses for it: `macos`; or `linux`
/// with the distribution's id and the ids it is like (`ubuntu`, `debian`).
public struct Platform: Sendable, Hashable, CustomStringConvertible {
    /// The most specific word first (`ubuntu`), the family last (`linux`).
    public var names: [String]

    /// A platform of these words, most specific first.
    public init(names: [String]) {
        self.names = names
    }

    /// This machine: `uname`, and on Linux `/etc/os-release` (`ID`, `ID_LIKE`).
    public static let current: Platform = {
        var system = utsname()
        uname(&system)
        let sysname = withUnsafeBytes(of: &system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = sysname == "Linux" ? (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? "" : ""
        return Platform(uname: sysname, release: release)
    }()

    /// A machine described by what `uname -s` printed and the text of its `/etc/os-release`
    /// (read over SSH from a target).
    public init(uname: String, release: String) {
        switch uname.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "Darwin": self.init(names: ["macos"])
        case "Linux", "": self.init(linuxRelease: release)
        case let other: self.init(names: [other.lowercased()])
        }
    }

    /// A Linux machine described by the text of its `/etc/os-release`.
    public init(linuxRelease: String) {
        var names: [String] = []
        for key in ["ID", "ID_LIKE"] {
            for line in linuxRelease.lines where line.hasPrefix(key + "=") {
                let value = line.dropFirst(key.count + 1).trimming { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
                for word in value.split(separator: " ") {
                    let name = Self.releaseIds[String(word)] ?? String(word)
                    if !names.contains(name) { names.append(name) }
                }
            }
        }
        self.init(names: names + ["linux"])
    }

    /// `/etc/os-release` ids whose guide word differs.
    private static let releaseIds = ["amzn": "amazon", "almalinux": "alma", "opensuse-leap": "opensuse"]

    /// How well an option for `platforms` fits this machine: higher for a more specific word
    /// (`ubuntu` over `debian` over `linux`); least for a sibling distribution (`ubuntu` on
    /// Debian, `rhel` on Amazon Linux), whose commands mostly work; nil when it does not fit.
    public func fit(_ platforms: [String]) -> Int? {
        let exact = platforms.compactMap { names.firstIndex(of: $0).map { 2 * (names.count - $0) } }.max()
        if let exact { return exact }
        let families = Set(names.compactMap { Self.family[$0] })
        return platforms.contains { Self.family[$0].map(families.contains) ?? false } ? 1 : nil
    }

    /// The option for this machine: the first of those that fit it best; nil when none fits.
    public func best(of options: [ChoiceOption]) -> ChoiceOption? {
        let fits = options.map { fit($0.platforms) ?? 0 }
        guard let best = fits.max(), best > 0, let index = fits.firstIndex(of: best) else { return nil }
        return options[index]
    }

    /// Distributions whose packages and commands are alike.
    private static let family: [String: String] = [
        "debian": "debian", "ubuntu": "debian", "rhel": "rhel", "centos": "rhel", "rocky": "rhel", "alma": "rhel",
        "fedora": "rhel", "amazon": "rhel",
    ]

    public var description: String { names.first ?? "unknown" }
}

extension Guide {
    /// The guide with each choice between operating systems ("On macOS:" / "On Ubuntu:")
    /// decided by the system its steps run on: this machine's (`platform`) for steps that run
    /// here; for another machine, the system an earlier choice made for it ("Option A
    /// (recommended): Amazon Linux 2023"), since its own is not known before it is reached.
    /// Choices made with `--choose`, and choices between other things, are left as they are.
    /// `remote` is the system of each other machine as read from it once connected: it
    /// decides that machine's choices, over what an earlier choice says.
    public func choosingPlatform(_ platform: Platform, remote: [String: Platform] = [:]) -> Guide {
        var guide = self
        // What each other machine runs, as a choice already made says: "Option A: Amazon Linux".
        var known: [String: (platform: Platform, group: String)] = [:]
        for g in guide.choices.indices {
            let group = guide.choices[g]
            guard let targets = machines(of: group) else { continue }
            let decided = group.reason == Guide.chosenWithChoose || group.options.contains(where: \.recommended)
            if targets == ["local"], group.reason != Guide.chosenWithChoose {
                if let best = platform.best(of: group.options) {
                    guide.choices[g].chosen = best.id
                    guide.choices[g].reason = "the one for this machine (\(platform))"
                } else {
                    guide.choices[g].reason = "first option: none is for this machine (\(platform))"
                }
            } else if targets.count == 1, let target = targets.first, target != "local" {
                if let system = remote[target], group.reason != Guide.chosenWithChoose {
                    if let best = system.best(of: group.options) {
                        guide.choices[g].chosen = best.id
                        guide.choices[g].reason = "the one for \(target)'s system (\(system)), read from it"
                    }
                } else if decided, let chosen = group.options.first(where: { $0.id == group.chosen }) {
                    known[target] = (Platform(names: chosen.platforms), group.id)
                } else if let system = known[target] {
                    if let best = system.platform.best(of: group.options) {
                        guide.choices[g].chosen = best.id
                        guide.choices[g].reason = "the one for \(target)'s system (\(system.platform)), as \(system.group) chose"
                    }
                } else {
                    guide.choices[g].reason =
                        "first option: \(target)'s system is not known before it is reached; choose with --choose"
                }
            }
        }
        guide.applyRunnability()
        return guide
    }

    /// The remote targets whose system would decide a choice (`choosingPlatform`'s `remote`):
    /// a choice between systems whose steps run on that one machine, not made with `--choose`.
    public var targetsWithSystemChoices: Set<String> {
        var names: Set<String> = []
        for group in choices where group.reason != Guide.chosenWithChoose {
            if let targets = machines(of: group), targets.count == 1, let target = targets.first, target != "local" {
                names.insert(target)
            }
        }
        return names
    }

    /// The targets a choice between systems runs its steps on; nil for a choice between
    /// other things (an option with no system).
    func machines(of group: ChoiceGroup) -> Set<String>? {
        guard group.options.allSatisfy({ !$0.platforms.isEmpty }) else { return nil }
        return Set(steps.filter { $0.choice == group.id }.map(\.target.name))
    }

    /// The reason a choice made on the command line gives.
    public static let chosenWithChoose = "chosen with --choose"
}
