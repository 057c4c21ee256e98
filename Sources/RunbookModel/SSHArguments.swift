/// ssh's command-line options as a guide's `ssh` line or an inventory's
/// `ansible_ssh_common_args` writes them (words, quotes already removed): the login, the port,
/// the identity, how the host is reached, and the words that are not options.
public struct SSHArguments: Sendable, Equatable {
    /// How ssh reaches the host besides dialling it: the first of `-J`, `-o ProxyJump=` and
    /// `-o ProxyCommand=` wins, as ssh reads options (`none` included).
    public enum Proxy: Sendable, Equatable {
        /// Through these jump hosts, as written (`ops@bastion,gw:2222`).
        case jump(String)
        /// Through this command's stdin and stdout.
        case command(String)
    }

    /// `-l USER`.
    public var user: String?
    /// `-p PORT`.
    public var port: String?
    /// `-i FILE`.
    public var identity: String?
    /// `-J`, `ProxyJump` or `ProxyCommand`; nil when none is given, or the first says `none`.
    public var proxy: Proxy?
    /// `-N` (no command), `-f` (background), `-W`/`-O` (forward stdio, control a master): a
    /// tunnel or a control call, not a login a person stays in.
    public var noShell = false
    /// The words after the options: the host, then the remote command.
    public var positional: [String] = []

    /// ssh's options that take a value.
    public static let optionsWithArgument: Set<Character> = Set("BbcDEeFIiJLlmOopQRSWw")

    /// Reads `words` as ssh does: options up to the first word that is not one (the host),
    /// options again after it (`ssh host -i key.pem`), then the rest, the remote command.
    /// `--` ends the options, and after the host none are read.
    public init<Words: Collection<String>>(_ words: Words) {
        let words = Array(words)
        var proxySet = false
        func setProxy(_ proxy: Proxy, value: String) {
            guard !proxySet else { return }
            proxySet = true
            self.proxy = value.lowercased() == "none" ? nil : proxy
        }
        var i = 0
        var terminated = false
        while i < words.count {
            let w = words[i]
            if positional.count <= 1, !terminated, w == "--" {
                terminated = true
                i += 1
                continue
            }
            if positional.count <= 1, !terminated, w.hasPrefix("-"), w.count >= 2 {
                let flag = w.dropFirst().first!
                // The flags of a cluster up to one that takes a value (`-fNL 8080:…`).
                for f in w.dropFirst() {
                    if "NfWO".contains(f) { noShell = true }
                    if Self.optionsWithArgument.contains(f) { break }
                }
                if Self.optionsWithArgument.contains(flag) {
                    let value = w.count > 2 ? String(w.dropFirst(2)) : (i + 1 < words.count ? words[i + 1] : "")
                    if w.count == 2 { i += 1 }
                    switch flag {
                    case "i": identity = value
                    case "p": port = value
                    case "l": user = value
                    case "J": setProxy(.jump(value), value: value)
                    case "o":
                        let setting = value.split(maxSplits: 1, whereSeparator: { $0 == "=" || $0 == " " })
                        let key = setting.first.map { $0.lowercased() } ?? ""
                        let rest = setting.count > 1 ? String(setting[1]) : ""
                        if key == "proxyjump" { setProxy(.jump(rest), value: rest) }
                        if key == "proxycommand" { setProxy(.command(rest), value: rest) }
                    default: break
                    }
                }
                i += 1
                continue
            }
            positional.append(w)
            i += 1
        }
    }
}
