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
        if backgrounded { traits.startsService = true }
        forEachCommand(in: words) { command in
            // `reboot() {` defines a function of that name; it runs nothing.
            guard let (name, args) = programName(of: command), !isFunctionName(command, in: words) else { return }
            // Most commands (`cd`, `cp`, `curl`) have no trait: not asked further.
            guard programsWithTraits.contains(name) else { return }
            // Input from a pipe, a file or a heredoc: a client reads that, not a person.
            let fedInput =
                (command.startIndex > words.startIndex && words[command.startIndex - 1] == "|")
                || args.contains { $0.hasPrefix("<") }
            // Each trait's cases are asked only of the programs they name.
            if followPrograms.contains(name), isFollow(name: name, args: args) { traits.follows = true }
            if isInteractive(command: command, name: name, args: args, fedInput: fedInput) { traits.interactive = true }
            if !backgrounded, command.first != "nohup", foregroundServerPrograms.contains(name),
                isForegroundServer(name: name, args: args)
            {
                traits.foregroundServer = true
            }
            if rebootPrograms.contains(name), isReboot(name: name, args: args) { traits.reboots = true }
            if serviceStartPrograms.contains(name), isServiceStart(name: name, args: args) { traits.startsService = true }
            // `newgrp docker`: a new login's shell, which the lines after it are typed into;
            // fed input (`newgrp docker <<EOF`) runs in it and returns.
            if name == "newgrp", !fedInput { traits.renewsLogin = true }
        }
    }

    /// `command` is the name in `NAME() …`, a function's definition: the words after it are `(`
    /// and `)`.
    static func isFunctionName(_ command: ArraySlice<String>, in words: [String]) -> Bool {
        let end = command.endIndex
        return command.count == 1 && end + 1 < words.endIndex && words[end] == "(" && words[end + 1] == ")"
    }

    /// Every program a trait function reads a trait from: the union of their sets and
    /// `newgrp`, so that most commands (`cd`, `cp`, `curl`) are asked nothing further.
    static let programsWithTraits = WordSet(
        Array(followPrograms) + interactivePrograms + Array(foregroundServerPrograms) + Array(rebootPrograms)
            + Array(serviceStartPrograms) + Array(fullScreenPrograms) + ["newgrp"])

    /// The programs `isInteractive` has a case for, and `su` (its default case reads
    /// `sudo su`); keep it in step with them. Its full-screen programs are `fullScreenPrograms`.
    static let interactivePrograms = [
        "nano", "vim", "vi", "emacs", "less", "more", "htop", "visudo", "mc", "top", "ssh", "mysql", "redis-cli", "iotop",
        "tmux", "screen", "dpkg-reconfigure", "valkey-cli", "psql", "sqlite3", "mongosh", "git", "ssh-keygen", "passwd",
        "read", "aws", "gcloud", "gh", "az", "npm", "yarn", "bun", "heroku", "firebase", "vercel", "netlify", "railway",
        "supabase", "wrangler", "fly", "flyctl", "doctl", "systemctl", "crontab", "su", "ufw", "apt", "apt-get", "dnf", "yum",
        "certbot", "terraform", "tofu", "adduser", "ssh-copy-id", "mysql_secure_installation", "ansible-playbook", "ansible",
        "openssl", "gpg", "gpg2", "docker", "podman", "kubectl", "docker-compose", "podman-compose", "python", "python3",
        "rails", "php", "manage.py", "django-admin", "irb", "pry", "node", "bundle", "poetry", "pipenv", "uv",
    ]

    /// `node`'s options that give it code or ask it something, so no prompt opens.
    static let nodeCodeOptions: Set<String> = [
        "-e", "--eval", "-p", "--print", "-v", "--version", "-h", "--help", "-c", "--check",
    ]

    /// What `bundle exec …`, `poetry run …`, `pipenv run …` and `uv run …` run (their `args`
    /// after the runner's name): the program as written and its arguments.
    static func runByProjectRunner(_ args: ArraySlice<String>) -> (program: String, args: ArraySlice<String>)? {
        guard args.first == "exec" || args.first == "run", let next = args.dropFirst().first else { return nil }
        return (next, args.dropFirst(2))
    }

    /// The programs `isFollow` has a case for; keep it in step with them.
    static let followPrograms: WordSet = [
        "tail", "journalctl", "docker", "podman", "docker-compose", "kubectl", "watch", "ping", "ping6", "stern", "dmesg",
        "tcpdump", "vmstat", "iostat", "mpstat", "pidstat",
    ]

    /// The programs `isForegroundServer` has a case for; keep it in step with them.
    static let foregroundServerPrograms: WordSet = [
        "uvicorn", "gunicorn", "hypercorn", "daphne", "npm", "yarn", "pnpm", "bun", "python", "python3", "flask",
        "streamlit", "rails", "php", "kubectl", "ssh", "hugo", "jekyll", "mkdocs", "serve", "http-server", "nodemon", "nc",
        "ncat", "netcat", "socat", "caddy", "minikube", "ngrok", "jupyter", "next", "nuxt", "nuxi", "astro", "vite", "mvn",
        "mvnw", "gradle", "gradlew", "node", "docker", "podman", "docker-compose", "podman-compose", "npx", "bunx", "pnpx",
        "bundle", "poetry", "pipenv", "uv",
    ]

    /// The programs `isReboot` has a case for.
    static let rebootPrograms: WordSet = ["reboot", "shutdown", "systemctl", "init"]

    /// The programs `isServiceStart` has a case for.
    static let serviceStartPrograms: WordSet = [
        "systemctl", "service", "docker", "podman", "docker-compose", "podman-compose", "pm2",
    ]

    /// Programs that take the whole terminal and are driven at the keyboard.
    static let fullScreenPrograms: WordSet = [
        "k9s", "iftop", "nload", "btop", "glances", "nmon", "ncdu", "lnav", "nmtui", "tig", "lazygit", "lazydocker",
        "ctop", "raspi-config",
    ]

    /// `terraform apply`'s arguments name a saved plan: a word that is no option, no option's
    /// value (`-var 'a=1'`, `-target aws_instance.web`) and no assignment.
    static func appliesSavedPlan(_ args: ArraySlice<String>) -> Bool {
        var previous = ""
        for arg in args {
            defer { previous = arg }
            if arg.hasPrefix("-") || arg.contains("=") || terraformOptionsWithValue.contains(previous) { continue }
            return true
        }
        return false
    }

    /// Terraform's options that may take their value as the next word.
    private static let terraformOptionsWithValue: Set<String> = [
        "-var", "-var-file", "-target", "-replace", "-state", "-state-out", "-backup", "-lock-timeout", "-parallelism",
    ]

    /// `visudo -c` (`-cf /etc/sudoers.d/app`, `--check`) checks the files' syntax and exits:
    /// no editor opens.
    static func onlyChecks(visudo args: ArraySlice<String>) -> Bool {
        hasShortFlag(args, UInt8(ascii: "c")) || args.contains("--check")
    }

    /// True when one of `args` is a cluster of short options (`-xvf`, `-bn1`) with `flag`
    /// before anything that is not a letter.
    static func hasShortFlag(_ args: ArraySlice<String>, _ flag: UInt8) -> Bool {
        args.contains { isShortFlags($0, including: flag, thenAnything: true) }
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
        case "docker", "podman", "docker-compose":
            // `docker events` and `docker stats` stream until stopped, unless told to end.
            if args.first == "events" { return !args.contains { $0.hasPrefix("--until") } }
            if args.first == "stats" { return !args.contains("--no-stream") }
            return args.contains("logs") && follow()
        case "kubectl":
            // `kubectl get pods -w` watches until stopped, as `logs -f` follows.
            let command = kubectlCommand(args)
            if command.first == "get" || command.first == "events" {
                return command.contains { $0 == "-w" || $0 == "--watch" || $0 == "--watch-only" || $0 == "--watch=true" }
            }
            return command.first == "logs" && follow()
        case "watch": return true
        case "ping", "ping6":
            // Pings until stopped, unless a count (`-c 3`) or a deadline (`-w 5`) ends it.
            return !hasShortFlag(args, UInt8(ascii: "c")) && !hasShortFlag(args, UInt8(ascii: "w"))
        case "stern": return !args.contains("--no-follow")
        case "dmesg":
            return args.contains {
                $0 == "--follow" || $0 == "--follow-new" || $0 == "-W"
                    || isShortFlags($0, including: UInt8(ascii: "w"), thenAnything: false)
            }
        case "tcpdump":
            // Captures until stopped, unless a count (`-c 10`) ends it or it reads a file (`-r`).
            return !hasShortFlag(args, UInt8(ascii: "c")) && !hasShortFlag(args, UInt8(ascii: "r"))
        case "vmstat", "iostat", "mpstat", "pidstat":
            // `vmstat 1` reports every second until stopped; `vmstat 1 5` five times.
            return args.count { !$0.isEmpty && $0.utf8.allSatisfy(ASCII.isDigit) } == 1
        default: return false
        }
    }

    /// Text editors a guide opens a file in, for the person to paste what the guide shows next.
    public static let editors: WordSet = ["nano", "vim", "vi", "nvim", "emacs", "micro", "sudoedit"]
    /// Text one of `editors` contains (`vi` is in `vim` and `nvim`).
    static let editorWords: Needles = ["nano", "vi", "emacs", "micro", "sudoedit", "crontab", "systemctl"]

    /// The file `code` opens in an editor, when the block is that one command
    /// (`sudo nano /etc/systemd/system/app.service`, `crontab -e`, `sudo visudo`, `systemctl
    /// edit app`); nil otherwise.
    public static func editedFile(_ code: String) -> String? {
        // Most blocks are more than one line, or name no editor: decided on the bytes first.
        guard !code.containsByte(0x0A), code.includesAny(editorWords) else { return nil }
        let lines = commandLines(logicalLines(code))
        guard lines.count == 1 else { return nil }
        var words = ArraySlice(words(lines[0].text))
        if words.first == "sudo" {
            words = words.dropFirst().drop { $0.hasPrefix("-") }
        }
        guard let editor = words.first else { return nil }
        /// The word after `option`, if any.
        func value(of option: String) -> String? {
            words.firstIndex(of: option).flatMap { words.index(after: $0) < words.endIndex ? words[$0 + 1] : nil }
        }
        // Programs that open an editor on a file of their own.
        switch editor {
        case "crontab" where words.contains("-e"):
            return value(of: "-u").map { "\($0)'s crontab" } ?? "the crontab"
        case "visudo":
            return onlyChecks(visudo: words.dropFirst()) ? nil : value(of: "-f") ?? "/etc/sudoers"
        case "systemctl" where words.dropFirst().first == "edit":
            return words.dropFirst(2).last { !$0.hasPrefix("-") }.map { "the override of \($0)" }
        default: break
        }
        guard editors.contains(editor), let file = words.last, words.count >= 2, !file.hasPrefix("-"), !file.hasPrefix("+")
        else { return nil }
        return file
    }

    /// kubectl's global options that take a value as the next word (`-n shop`).
    static let kubectlValueOptions: WordSet = [
        "-n", "--namespace", "--context", "--cluster", "--kubeconfig", "-s", "--server", "--user", "--token", "--as",
        "--as-group", "--request-timeout", "--certificate-authority", "--client-certificate", "--client-key", "-v",
        "--cache-dir", "--tls-server-name",
    ]

    /// kubectl's arguments from its subcommand on, past the global options before it
    /// (`-n shop port-forward svc/api 8080:80` is `port-forward svc/api 8080:80`).
    static func kubectlCommand(_ args: ArraySlice<String>) -> ArraySlice<String> {
        var rest = args
        while let first = rest.first, first.hasPrefix("-") {
            rest = rest.dropFirst(kubectlValueOptions.contains(first) ? 2 : 1)
        }
        return rest
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

    static func isInteractive(
        command: ArraySlice<String>, name: String, args: ArraySlice<String>, fedInput: Bool = false
    ) -> Bool {
        switch name {
        case "nano", "vim", "vi", "emacs", "less", "more", "htop", "mc":
            return true
        case "visudo":
            return !onlyChecks(visudo: args)
        case _ where fullScreenPrograms.contains(name):
            return !args.contains { $0 == "--version" || $0 == "-v" || $0 == "--help" || $0 == "-h" }
        case "iotop":
            return !hasShortFlag(args, UInt8(ascii: "b")) && !args.contains("--batch")
        case "tmux":
            // A session to attach to, unless started detached (`new -d`) or told a command.
            let verb = args.first { !$0.hasPrefix("-") }
            guard let verb else { return true }
            if ["new", "new-session"].contains(verb) { return !hasShortFlag(args, UInt8(ascii: "d")) }
            return ["attach", "attach-session", "a", "at"].contains(verb)
        case "screen":
            // Attaches, unless started detached (`-dm`) or asked to list or send (`-ls`, `-X`).
            return !args.contains {
                $0 == "-dm" || $0 == "-dmS" || $0 == "-d" || $0 == "-ls" || $0 == "-list" || $0 == "-X" || $0 == "-Q"
            }
        case "dpkg-reconfigure":
            // Asks in dialogs, unless told no frontend will ask.
            return !args.contains { $0 == "-f" || $0.hasPrefix("--frontend") || $0 == "-fnoninteractive" }
        case "top":
            return !hasShortFlag(args, UInt8(ascii: "b"))
        case "ssh":
            return SSHLine.parse(["ssh"] + args)?.isBare ?? false
        case "mysql" where args.contains { $0 == "-p" || $0 == "--password" }:
            // Asks for the password at the terminal, whatever its input is.
            return true
        case "irb", "pry":
            return !fedInput && !args.contains { $0 == "--version" || $0 == "-v" || $0 == "-h" || $0 == "--help" }
        case "node":
            // `node` with no script is a prompt (`node --inspect` too); a script or `-e` is not.
            return !fedInput && args.allSatisfy { $0.hasPrefix("-") && !nodeCodeOptions.contains($0) }
        case "bundle", "poetry", "pipenv", "uv":
            // `bundle exec rails console`, `poetry run python manage.py shell`: what it runs.
            guard let (program, rest) = runByProjectRunner(args) else { return false }
            return isInteractive(command: command, name: ShellText.fileName(program), args: rest, fedInput: fedInput)
        case "python", "python3", "manage.py", "django-admin":
            // Django: createsuperuser asks for a name and a password, shell and dbshell are prompts.
            // (`python manage.py …`, or the script itself: `./manage.py …`, `django-admin …`.)
            let byPython = name.hasPrefix("python")
            // The prompt, when no script, module or command is given.
            if byPython, args.isEmpty || args == ["-i"] || args == ["-q"] { return !fedInput }
            guard !byPython || args.first?.hasSuffix("manage.py") == true else { return false }
            let verb = byPython ? args.dropFirst().first : args.first
            if verb == "createsuperuser" || verb == "changepassword" {
                return !args.contains { $0 == "--noinput" || $0 == "--no-input" }
            }
            return !fedInput && (verb == "shell" || verb == "dbshell") && !args.contains { $0 == "-c" || $0 == "--command" }
        case "rails":
            // `rails console` and `rails dbconsole` are prompts.
            let verb = args.first { !$0.hasPrefix("-") }
            return !fedInput && ["console", "c", "dbconsole", "db"].contains(verb ?? "")
        case "php" where args.first == "artisan":
            return !fedInput && args.dropFirst().first == "tinker" && !args.contains { $0.hasPrefix("--execute") }
        case "redis-cli", "valkey-cli":
            return !fedInput && isRedisPrompt(args)
        case "psql", "mysql", "sqlite3", "mongosh":
            if fedInput { return false }
            if args.contains(where: { sqlCommandFlags.contains($0) || $0.hasPrefix("--command=") }) { return false }
            if name == "sqlite3" { return args.count <= 1 }
            if name == "mongosh" { return !args.contains { $0.hasSuffix(".js") } }
            return true
        case "docker-compose", "podman-compose":
            return isComposeExecInteractive(args, fedInput: fedInput)
        case "docker", "podman":
            if args.first == "compose" { return isComposeExecInteractive(args.dropFirst(), fedInput: fedInput) }
            // Attached to a container's terminal until detached by hand.
            if args.first == "attach" { return !args.contains("--no-stdin") }
            if args.first == "login" {
                return !fedInput && !args.contains { $0 == "--password-stdin" || $0 == "-p" || $0.hasPrefix("--password") }
            }
            guard args.first == "exec" || args.first == "run" else { return false }
            return args.contains { $0 == "-it" || $0 == "-ti" }
                || (args.contains { $0 == "-i" || $0 == "--interactive" } && args.contains { $0 == "-t" || $0 == "--tty" })
        case "kubectl":
            // `kubectl exec -it pod -- sh`: a terminal in the container.
            let command = kubectlCommand(args)
            guard !fedInput, ["exec", "run", "attach"].contains(command.first ?? "") else { return false }
            return command.contains { $0 == "-it" || $0 == "-ti" }
                || (command.contains { $0 == "-i" || $0 == "--stdin" } && command.contains { $0 == "-t" || $0 == "--tty" })
        case "git":
            return isGitEditor(args)
        case "ssh-keygen":
            // Generating or re-keying asks for a passphrase unless `-N` gives it; reading a
            // key (`-l`, `-y`, `-F`, `-R`, …) or making host keys (`-A`) asks nothing.
            let reads = args.contains { arg in
                arg.hasPrefix("-") && !arg.hasPrefix("--") && arg.count > 1
                    && "lFRyeiHKLsYBQAD".utf8.contains(arg.utf8.dropFirst().first!)
            }
            return !reads && !args.contains("-N")
        case "passwd":
            // Only `passwd [user]` asks for the new password; options lock, unlock or report.
            return !args.contains { $0.hasPrefix("-") }
        case "read":
            // A `read` of its own waits for a person; one fed a file, a here-string or a
            // descriptor (`-u 3`) does not (`while read -r line` is a loop, not `read`).
            return !fedInput && !hasShortFlag(args, UInt8(ascii: "u"))
        case "aws":
            return args.first == "configure"
                && (args.count == 1 || args.dropFirst().first == "sso" || args[args.startIndex + 1].hasPrefix("-"))
        case "gcloud":
            return (args.starts(with: ["auth", "login"]) || args.first == "init")
                && !args.contains { $0.hasPrefix("--cred-file") }
        case "gh":
            return args.starts(with: ["auth", "login"]) && !args.contains("--with-token")
        case "az":
            return args.first == "login" && !args.contains { $0 == "--service-principal" || $0 == "--identity" }
        case "npm", "yarn", "bun":
            if name == "npm", args.first == "login" || args.first == "adduser" { return !fedInput }
            return args.first == "init" && !args.contains { $0 == "-y" || $0 == "--yes" }
        case "adduser":
            // A new user: asks for a password and their details, unless told neither. With a
            // group after the name it only adds an existing user to it.
            let names = args.filter { !$0.hasPrefix("-") }
            let quiet =
                args.contains { $0 == "--disabled-password" || $0 == "--disabled-login" }
                && args.contains { $0 == "--gecos" || $0.hasPrefix("--gecos=") || $0 == "--comment" }
            return !fedInput && names.count == 1 && !args.contains("--system") && !quiet
        case "ssh-copy-id", "mysql_secure_installation":
            return !fedInput
        case "ansible-playbook", "ansible":
            // `-K`, `-k`, `--ask-vault-pass`: a password asked at the terminal before anything.
            return args.contains { arg in
                ["-K", "-k", "--ask-become-pass", "--ask-pass", "--ask-vault-pass", "--ask-vault-password"].contains(arg)
            }
        case "openssl":
            // A request or certificate asks for its subject's fields, unless given (`-subj`)
            // or told not to ask (`-batch`, a `-config` with its prompts off).
            guard args.first == "req" else { return false }
            return !fedInput && !args.contains { $0 == "-subj" || $0 == "-batch" || $0 == "-config" || $0 == "-x509v1" }
                && args.contains { $0 == "-new" || $0 == "-x509" || $0 == "-newkey" }
        case "gpg", "gpg2":
            return !args.contains("--batch")
                && args.contains {
                    ["--gen-key", "--full-gen-key", "--full-generate-key", "--generate-key", "--edit-key"].contains($0)
                }
        case "heroku", "firebase", "vercel", "netlify", "railway", "supabase", "wrangler":
            return args.first == "login" && !args.contains { $0.hasPrefix("--token") }
        case "fly", "flyctl":
            return args.starts(with: ["auth", "login"])
        case "doctl":
            return args.starts(with: ["auth", "init"]) && !args.contains { $0 == "-t" || $0.hasPrefix("--access-token") }
        case "systemctl":
            return args.contains("edit")
        case "crontab":
            return args.contains("-e")
        case "ufw":
            // `enable` asks "Proceed with operation (y|n)?" under ssh, `reset` and `delete NUM`
            // ask too; with no answer it aborts, the firewall left as it was.
            let words = args.filter { !$0.hasPrefix("-") }
            let asks =
                words.first == "enable" || words.first == "reset"
                || (words.first == "delete" && words.dropFirst().first.map { Int($0) != nil } == true)
            return !fedInput && asks && !args.contains("--force")
        case "apt", "apt-get", "dnf", "yum":
            // "Do you want to continue? [Y/n]": with no answer apt aborts, dnf too.
            return !fedInput && asksToContinue(name: name, args)
        case "certbot":
            return !fedInput && certbotAsks(args)
        case "terraform", "tofu":
            // "Only 'yes' will be accepted to approve": apply and destroy wait for it, but not
            // apply of a saved plan (`terraform apply tfplan`), which was approved by saving it.
            guard let at = args.firstIndex(where: { !$0.hasPrefix("-") }), args[at] == "apply" || args[at] == "destroy"
            else { return false }
            return !fedInput && !args.contains { $0 == "-auto-approve" || $0 == "--auto-approve" }
                && !(args[at] == "apply" && Self.appliesSavedPlan(args[(at + 1)...]))
        default:
            if command.first == "sudo" {
                let rest = Array(command.dropFirst())
                if rest == ["-i"] || rest == ["-s"] || rest == ["su"] || rest == ["su", "-"] { return true }
            }
            return false
        }
    }

    /// A package manager's command that changes packages without `-y` (`--yes`,
    /// `--assume-yes`, `--assumeyes`, or apt's `-qq`, which implies it) asks to continue.
    /// `apt update` only reads the package lists; `dnf`/`yum update` upgrades.
    static func asksToContinue(name: String, _ args: ArraySlice<String>) -> Bool {
        guard let verb = args.first(where: { !$0.hasPrefix("-") }),
            packageChanges.contains(verb) || (verb == "update" && !name.hasPrefix("apt"))
        else { return false }
        return !args.contains(where: yesFlags.contains) && !hasShortFlag(args, UInt8(ascii: "y"))
    }

    /// Package managers' commands that change packages.
    private static let packageChanges: WordSet = [
        "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove", "erase",
        "groupinstall", "downgrade",
    ]
    /// Options that answer yes beforehand.
    private static let yesFlags: WordSet = ["--yes", "--assume-yes", "--assumeyes", "-qq", "--quiet=2", "-q=2"]

    /// A database client's options that give it the commands to run (it does not wait).
    private static let sqlCommandFlags = ["-c", "--command", "-e", "--execute", "-f", "--file", "--eval"]

    /// certbot's options that, with no subcommand before them, mean `run`: a plugin or a domain.
    static let certbotRunOptions: WordSet = [
        "--nginx", "--apache", "--standalone", "--webroot", "--manual", "-d", "--domains", "--domain", "-a",
        "--authenticator", "-i", "--installer",
    ]

    /// certbot asks for an email and the terms when it gets a certificate (`certbot --nginx`,
    /// `certonly`, `run`, `register`) unless told them (`--agree-tos` with `-m`), and to confirm
    /// `delete` and `revoke`; `-n`/`--non-interactive` never asks. `renew` and
    /// `certificates` ask nothing.
    static func certbotAsks(_ args: ArraySlice<String>) -> Bool {
        if args.contains(where: { $0 == "-n" || $0 == "--non-interactive" || $0 == "--noninteractive" }) { return false }
        // The subcommand comes first (`certbot certonly …`); options first mean `run`.
        let verb = args.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
        // `certbot --version` and `--help` get nothing; bare options mean `run` only with a
        // plugin or a domain (`certbot --nginx -d a.org`), or none at all (it asks for those too).
        let runs =
            args.isEmpty
            || args.contains { certbotRunOptions.contains($0) || $0.hasPrefix("--dns-") || $0.hasPrefix("--domains=") }
        switch verb {
        case nil where !runs:
            return false
        case nil, "run", "certonly", "register":
            let told =
                args.contains("--agree-tos")
                && args.contains {
                    $0 == "-m" || $0 == "--email" || $0.hasPrefix("--email=") || $0 == "--register-unsafely-without-email"
                }
            return !told
        case "delete", "revoke":
            return true
        default:
            return false
        }
    }

    /// `git commit` with no message opens an editor; so do `rebase -i` and `add -p`.
    static func isGitEditor(_ args: ArraySlice<String>) -> Bool {
        switch args.first {
        case "commit":
            let rest = args.dropFirst()
            let given = rest.contains { arg in
                ["--message", "--file", "--no-edit", "--reuse-message", "--fixup"].contains {
                    arg == $0 || arg.hasPrefix($0 + "=")
                }
            }
            return !given && !hasShortFlag(rest, UInt8(ascii: "m")) && !hasShortFlag(rest, UInt8(ascii: "F"))
                && !hasShortFlag(rest, UInt8(ascii: "C"))
        case "rebase":
            return args.contains { $0 == "--interactive" } || hasShortFlag(args.dropFirst(), UInt8(ascii: "i"))
        case "add":
            return args.contains { $0 == "--patch" || $0 == "--interactive" }
                || hasShortFlag(args.dropFirst(), UInt8(ascii: "p")) || hasShortFlag(args.dropFirst(), UInt8(ascii: "i"))
        default:
            return false
        }
    }

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

    private static let redisOptionsWithValue: WordSet = [
        "-h", "-p", "-s", "-a", "-u", "-n", "-r", "-i", "-d", "-D", "-X", "--user", "--pass", "--cacert", "--cacertdir",
        "--cert", "--key", "--sni", "--tls-ciphers", "--tls-ciphersuites",
    ]
    private static let redisConnectionFlags: WordSet = [
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
        case "flask", "streamlit": return args.first == "run"
        case "rails": return args.first == "server" || args.first == "s"
        case "php": return args.first == "-S" || args.starts(with: ["artisan", "serve"])
        case "kubectl":
            let command = kubectlCommand(args)
            return command.first == "port-forward" || command.first == "proxy"
        case "ssh":
            // A tunnel (`-N`) holds the terminal until stopped, unless `-f` backgrounds it.
            return hasShortFlag(args, UInt8(ascii: "N")) && !hasShortFlag(args, UInt8(ascii: "f"))
        case "hugo": return args.first == "server" || args.first == "serve"
        case "jekyll", "mkdocs": return args.first == "serve" || args.first == "server"
        case "serve", "http-server", "nodemon": return true
        case "nc", "ncat", "netcat":
            // Listens (`-l`, `-lk`, `-lvp 9000`) until a client comes and goes, or forever.
            return hasShortFlag(args, UInt8(ascii: "l")) || args.contains("--listen")
        case "socat":
            return args.contains { $0.uppercased().contains("-LISTEN:") }
        case "caddy": return args.first == "run"
        case "minikube": return args.first == "tunnel"
        case "ngrok": return ["http", "tcp", "tls", "start"].contains(args.first ?? "")
        case "jupyter": return args.first == "notebook" || args.first == "lab"
        case "next", "nuxt", "nuxi", "astro": return args.first == "dev" || args.first == "start"
        case "vite": return args.first == nil || ["dev", "serve", "preview"].contains(args.first ?? "")
        case "mvn", "mvnw": return args.contains("spring-boot:run")
        case "gradle", "gradlew": return args.contains("bootRun")
        case "node":
            // `node server.js`, `node dist/server.js`.
            return args.first.map { ($0.split(separator: "/").last ?? "").hasPrefix("server.") } ?? false
        case "docker", "podman":
            if args.starts(with: ["compose", "up"]) { return !isDetached(args) }
            // `docker run -p 8080:80 image`: a published port, attached, and no terminal.
            return args.first == "run" && !isDetached(args) && !isInteractive(command: [], name: "docker", args: args)
                && args.contains { $0 == "-p" || $0.hasPrefix("--publish") || ($0.hasPrefix("-p") && $0.count > 2) }
        case "docker-compose", "podman-compose":
            return args.first == "up" && !isDetached(args)
        case "npx", "bunx", "pnpx":
            // The package it runs: `npx serve -s build`, `npx vite`.
            let rest = args.drop { $0.hasPrefix("-") }
            guard let next = rest.first else { return false }
            return isForegroundServer(name: next, args: rest.dropFirst())
        case "bundle", "poetry", "pipenv", "uv":
            // `bundle exec jekyll serve`, `poetry run uvicorn app:app`.
            guard let (program, rest) = runByProjectRunner(args) else { return false }
            return isForegroundServer(name: program, args: rest)
        default: return false
        }
    }

    /// `reboot`, `shutdown -r`, `systemctl reboot`, `init 6`: the machine goes down and comes
    /// back. (`shutdown -r` with a time still reboots, later; `--help` does nothing.)
    static func isReboot(name: String, args: ArraySlice<String>) -> Bool {
        guard !args.contains("--help") else { return false }
        switch name {
        case "reboot": return !args.contains("--wtmp-only") && !args.contains("-w")
        case "shutdown": return args.contains { $0 == "-r" || $0 == "--reboot" } && !args.contains("-c")
        case "systemctl": return args.contains("reboot") || args.contains("kexec") || args.contains("soft-reboot")
        case "init": return args.first == "6"
        default: return false
        }
    }

    /// `systemctl start|restart|reload` (or `enable --now`), `service NAME start|restart`,
    /// `docker run -d`, `docker compose up -d`, `pm2 start|restart|reload`: a service starts
    /// and the command returns before it is ready.
    static func isServiceStart(name: String, args: ArraySlice<String>) -> Bool {
        switch name {
        case "systemctl":
            return args.contains { ["start", "restart", "reload", "reload-or-restart", "try-restart"].contains($0) }
                || (args.contains("enable") && args.contains("--now"))
        case "service": return args.dropFirst().first.map { ["start", "restart", "reload"].contains($0) } ?? false
        case "docker", "podman":
            if args.starts(with: ["compose", "up"]) { return isDetached(args) }
            return (args.first == "run" && isDetached(args)) || args.first == "start" || args.first == "restart"
        case "docker-compose", "podman-compose": return args.first == "up" && isDetached(args)
        case "pm2": return ["start", "restart", "reload"].contains(args.first ?? "")
        default: return false
        }
    }

    /// `docker compose exec SERVICE COMMAND`: compose gives the command a terminal unless told
    /// not to (`-T`), so a command that waits for a person there does (`psql -U postgres`,
    /// `redis-cli`); one that asks nothing (`pg_dump …`) does not.
    static func isComposeExecInteractive(_ args: ArraySlice<String>, fedInput: Bool) -> Bool {
        guard args.first == "exec", !fedInput, !args.contains(where: { $0 == "-T" || $0 == "--no-TTY" || $0 == "--no-tty" })
        else { return false }
        // Past exec's options (and the values of those that take one): the service, then its command.
        let valued: Set<String> = ["-u", "--user", "-w", "--workdir", "-e", "--env", "--index"]
        var service = args.index(after: args.startIndex)
        while service < args.endIndex, args[service].hasPrefix("-") { service += valued.contains(args[service]) ? 2 : 1 }
        guard service < args.endIndex else { return false }
        let command = args[(service + 1)...]
        guard let (name, rest) = programName(of: command) else { return false }
        return isInteractive(command: command, name: name, args: rest)
    }

    /// `-d` or `--detach` (also in a cluster, `-dit`): the container runs in the background.
    static func isDetached(_ args: ArraySlice<String>) -> Bool {
        args.contains { $0 == "--detach" || $0.hasPrefix("--detach=") && $0 != "--detach=false" }
            || hasShortFlag(args, UInt8(ascii: "d"))
    }

    /// Where a line alone in its block opens a shell that runbook has none in: a container's
    /// (`docker exec -it db bash`, `docker compose exec web sh`, `kubectl exec -it api-0 --
    /// bash`) or a VM's (`vagrant ssh`, `multipass shell`), as "the container db"; nil for
    /// anything else, a command run in the container included (`docker exec db pg_dump`).
    public static func shellInside(_ words: [String]) -> String? {
        // Each form has one of these words: most lines have none, and are not asked further.
        guard words.contains(where: { $0 == "exec" || $0 == "ssh" || $0 == "shell" }),
            let (name, args) = program(of: words[...])
        else { return nil }
        /// The operands among `args`, past their options (those in `valued` take a value), and
        /// everything after `--`.
        func operands(_ args: ArraySlice<String>, valued: Set<String>) -> [String] {
            var out: [String] = []
            var i = args.startIndex
            while i < args.endIndex {
                let arg = args[i]
                if arg == "--" {
                    out.append(contentsOf: args[(i + 1)...])
                    break
                }
                if arg.hasPrefix("-") {
                    if valued.contains(arg) { i += 1 }
                } else {
                    out.append(arg)
                }
                i += 1
            }
            return out
        }
        func isShell(_ rest: ArraySlice<String>) -> Bool {
            guard let first = rest.first, Self.shells.contains(first) else { return false }
            return rest.dropFirst().allSatisfy { $0 == "-l" || $0 == "-i" || $0 == "--login" }
        }
        switch name {
        case "docker", "podman", "docker-compose", "podman-compose":
            // `docker exec`, `docker compose exec` and `docker-compose exec` read alike.
            let rest = args.first == "compose" ? args.dropFirst() : args
            let compose = rest.startIndex != args.startIndex || name.hasSuffix("-compose")
            guard rest.first == "exec" else { return nil }
            let found = operands(rest.dropFirst(), valued: ["-u", "--user", "-w", "--workdir", "-e", "--env"])
            guard found.count >= 2, isShell(found.dropFirst()[...]) else { return nil }
            return compose ? "the service \(found[0])'s container" : "the container \(found[0])"
        case "kubectl", "oc":
            let command = kubectlCommand(args)
            guard command.first == "exec", let dash = command.firstIndex(of: "--") else { return nil }
            let found = operands(
                command[command.index(after: command.startIndex)..<dash], valued: ["-c", "--container", "-n", "--namespace"])
            guard let pod = found.first, isShell(command[(dash + 1)...]) else { return nil }
            return "the pod \(pod)"
        case "vagrant": return args.first == "ssh" && args.count <= 2 ? "the Vagrant machine" : nil
        case "multipass": return args.first == "shell" ? "the Multipass VM" : nil
        default: return nil
        }
    }

    /// The shells `shellInside` knows a container's shell by.
    private static let shells: WordSet = ["bash", "sh", "ash", "zsh", "/bin/bash", "/bin/sh", "/bin/ash", "/bin/zsh"]

    /// True when `code` is one command that runs an application: a script or a build of it
    /// (`python app.py`, `node index.js`, `java -jar app.jar`, `go run .`, `cargo run`,
    /// `./server`). What it does is unknown, but a guide that goes on "in another terminal"
    /// after it says that it keeps running: a server runbook does not know by name.
    public static func runsAnApplication(_ code: String) -> Bool {
        let all = logicalLines(code)
        let lines = commandLines(all)
        guard lines.count == 1, !all.contains(where: \.isHeredocBody), !endsInBackground(lines[0].text) else { return false }
        let words = words(lines[0].text)
        guard !words.contains(where: { ["|", "&&", "||", ";", ">", ">>"].contains($0) }),
            let (name, args) = program(of: words[...])
        else { return false }
        let file = args.first { !$0.hasPrefix("-") } ?? ""
        switch name {
        case "python", "python3": return file.hasSuffix(".py")
        case "node", "nodejs": return file.hasSuffix(".js") || file.hasSuffix(".mjs") || file.hasSuffix(".ts")
        case "ruby": return file.hasSuffix(".rb")
        case "php": return file.hasSuffix(".php")
        case "perl": return file.hasSuffix(".pl")
        case "java": return args.first == "-jar"
        case "go", "cargo", "dotnet", "deno", "bun": return args.first == "run"
        default: return name.hasPrefix("./") || name.hasPrefix("bin/")
        }
    }
}
