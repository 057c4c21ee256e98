import Foundation
import RunbookModel

/// What a command line's commands do that a runner must know before it runs them: follow a
/// log, wait for a person, or serve in the foreground and never return.
extension ShellText {
    /// Traits of `code`'s commands (heredoc bodies and comments excluded).
    public static func traits(of code: String) -> CommandTraits {
        var traits = CommandTraits()
        for line in logicalLines(code) where !line.isHeredocBody {
            addTraits(of: line.text, words: words(line.text), to: &traits)
        }
        return traits
    }

    /// Adds the traits of one command line, already split into `words`, to `traits`.
    static func addTraits(of text: String, words: [String], to traits: inout CommandTraits) {
        let backgrounded = endsInBackground(text)
        forEachCommand(in: words) { command in
            guard let (name, args) = program(of: command) else { return }
            if isFollow(name: name, args: args) { traits.follows = true }
            if isInteractive(command: command, name: name, args: args) { traits.interactive = true }
            if !backgrounded, command.first != "nohup", isForegroundServer(name: name, args: args) {
                traits.foregroundServer = true
            }
        }
    }

    /// The line, past trailing blanks, ends with one `&` (not `&&`): it runs in the background.
    static func endsInBackground(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            var end = bytes.count
            while end > 0, ASCII.isBlank(bytes[end - 1]) { end -= 1 }
            return end > 0 && bytes[end - 1] == UInt8(ascii: "&") && (end < 2 || bytes[end - 2] != UInt8(ascii: "&"))
        }
    }

    static func isFollow(name: String, args: ArraySlice<String>) -> Bool {
        func follow() -> Bool {
            args.contains {
                $0 == "-f" || $0 == "-F" || $0 == "--follow"
                    || isShortFlags($0, including: UInt8(ascii: "f"), thenAnything: false)
            }
        }
        switch name {
        case "tail": return follow()
        case "journalctl":
            return args.contains {
                $0 == "-f" || $0 == "--follow" || isShortFlags($0, including: UInt8(ascii: "f"), thenAnything: true)
            }
        case "docker", "podman", "kubectl", "docker-compose":
            return args.contains("logs") && follow()
        case "watch": return true
        default: return false
        }
    }

    /// `-xfz`: a dash, then letters, among them `flag` (`^-[a-zA-Z]*f[a-zA-Z]*$`); with
    /// `thenAnything`, anything may follow the flag (`^-[a-zA-Z]*f`).
    static func isShortFlags(_ word: String, including flag: UInt8, thenAnything: Bool) -> Bool {
        let bytes = word.utf8
        guard bytes.first == UInt8(ascii: "-") else { return false }
        var seen = false
        for byte in bytes.dropFirst() {
            if byte == flag {
                if thenAnything { return true }
                seen = true
            } else if !ASCII.isLetter(byte) {
                return false
            }
        }
        return seen
    }

    static func isInteractive(command: ArraySlice<String>, name: String, args: ArraySlice<String>) -> Bool {
        switch name {
        case "nano", "vim", "vi", "emacs", "less", "more", "top", "htop", "visudo", "mc":
            return true
        case "ssh":
            return SSHLine.parse(["ssh"] + args)?.isBare ?? false
        case "redis-cli", "valkey-cli":
            return isRedisPrompt(args)
        case "psql", "mysql", "sqlite3", "mongosh":
            if args.contains(where: { sqlCommandFlags.contains($0) || $0.hasPrefix("--command=") }) { return false }
            if name == "sqlite3" { return args.count <= 1 }
            return true
        case "docker", "podman":
            return args.first == "exec" && args.contains { $0 == "-it" || $0 == "-ti" }
        case "systemctl":
            return args.contains("edit")
        case "crontab":
            return args.contains("-e")
        default:
            if command.first == "sudo" {
                let rest = Array(command.dropFirst())
                if rest == ["-i"] || rest == ["-s"] || rest == ["su"] || rest == ["su", "-"] { return true }
            }
            return false
        }
    }

    /// A database client's options that give it the commands to run (it does not wait).
    private static let sqlCommandFlags = ["-c", "--command", "-e", "--execute", "-f", "--file"]

    /// `redis-cli` with connection options only opens its prompt; a command after them
    /// (`redis-cli -h db ping`) or a mode of its own (`--scan`, `--pipe`, `--stat`) does not.
    static func isRedisPrompt(_ args: ArraySlice<String>) -> Bool {
        var i = args.startIndex
        while i < args.endIndex {
            let arg = args[i]
            if redisOptionsWithValue.contains(arg) {
                i += 2
            } else if arg.hasPrefix("--"), !redisConnectionFlags.contains(arg) {
                return false
            } else if arg.hasPrefix("-"), arg.count > 1 {
                i += 1
            } else {
                return false
            }
        }
        return true
    }

    private static let redisOptionsWithValue: Set<String> = [
        "-h", "-p", "-s", "-a", "-u", "-n", "-r", "-i", "-d", "-D", "-X", "--user", "--pass", "--cacert", "--cacertdir",
        "--cert", "--key", "--sni", "--tls-ciphers", "--tls-ciphersuites",
    ]
    private static let redisConnectionFlags: Set<String> = [
        "--askpass", "--tls", "--insecure", "--no-auth-warning", "--raw", "--no-raw", "--csv", "--json", "--quoted-json",
        "--verbose", "--show-pushes",
    ]

    static func isForegroundServer(name: String, args: ArraySlice<String>) -> Bool {
        switch name {
        case "uvicorn", "gunicorn", "hypercorn", "daphne":
            return !args.contains("--daemon") && !args.contains("-D")
        case "npm", "yarn", "pnpm", "bun":
            return args.first == "start"
                || (args.first == "run" && ["dev", "start", "serve"].contains(args.dropFirst().first ?? ""))
                || args.first == "dev"
        case "python", "python3":
            return args.starts(with: ["-m", "http.server"]) || args.starts(with: ["-m", "uvicorn"])
                || args.starts(with: ["manage.py", "runserver"])
        case "flask": return args.first == "run"
        case "rails": return args.first == "server" || args.first == "s"
        case "php": return args.first == "-S"
        default: return false
        }
    }
}
