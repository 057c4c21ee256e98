import Foundation
import RunbookGuide
import RunbookModel

/// `interactive`: a command that waits for a person (`nano`, `less`, bare `ssh`, `psql` without
/// a command). Without a terminal the run pauses there.
struct InteractiveRule: LintRule {
    var id: String { "interactive" }
    var summary: String { "a command that waits for a person" }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        linted.runningSteps.compactMap { step in
            guard step.traits.interactive, step.annotations["interactive"] == nil else { return nil }
            guard let index = linted.firstLine(of: step, where: { $0.interactive }) else {
                // No command asks by itself: the prose around the block said it would.
                return Diagnostic(
                    rule: id, severity: .warning, location: linted.location(of: step, codeLine: 0, column: 1),
                    message:
                        "step \(step.id) waits for a person at a terminal, as the guide says around it; an unattended run pauses there",
                    fix:
                        "give it what it asks for without a prompt (an option, a variable such as PGPASSWORD, a file such as ~/.pgpass), then annotate the block interactive=false"
                )
            }
            return Diagnostic(
                rule: id, severity: .warning,
                location: linted.location(of: step, codeLine: index, column: 1),
                message: "step \(step.id) waits for a person at a terminal; an unattended run pauses there",
                fix: Self.editedFileFix(step) ?? Self.fix(for: ShellText.words(String(step.code.lines[index]))))
        }
    }

    /// A text editor opened on a file the guide gives the text of next: the block can write
    /// it (not `crontab -e` or `visudo`, which check what they install).
    static func editedFileFix(_ step: Step) -> String? {
        guard step.instructions != nil, let file = ShellText.editedFile(step.code),
            ShellText.words(step.code).contains(where: ShellText.editors.contains)
        else { return nil }
        return "drop the editor and annotate the block with the file's text with file=\(file), so a run writes it"
    }

    /// The last name `read` reads into, from the words after it (`-a ARR`'s too): its options
    /// (and the arguments of those that take one: `-p "Email: "`) passed over, up to the first word
    /// that is neither an option nor a name (`;`, `do`, a redirection).
    static func readName(_ words: ArraySlice<String>) -> String? {
        var name: String?
        var i = words.startIndex
        while i < words.endIndex {
            let word = words[i]
            if word.hasPrefix("-"), word.count > 1 {
                // `-a NAME` reads into that array; the others' arguments are no names.
                if let flag = word.last, "pdtnNuai".contains(flag) {
                    i += 1
                    if flag == "a", i < words.endIndex, ShellText.isName(words[i].utf8) { name = words[i] }
                }
            } else if ShellText.isName(word.utf8) {
                name = word
            } else {
                break
            }
            i += 1
        }
        return name
    }

    /// How to say the answer in the command itself, for the command on that line.
    static func fix(for words: [String]) -> String {
        let programs = Set(words)
        if programs.contains("ufw") { return "let it go ahead without asking: ufw --force enable" }
        if let read = words.firstIndex(of: "read") {
            let name = Self.readName(words[(read + 1)...]) ?? "NAME"
            return "bind the value instead of asking: declare \(name) (export \(name)=…) and bind it with --vars"
        }
        if !programs.isDisjoint(with: ["apt", "apt-get", "dnf", "yum"]) {
            return "answer yes in the command: apt-get install -y … (dnf -y …)"
        }
        if programs.contains("crontab") { return "install the line without an editor: (crontab -l; echo '…') | crontab -" }
        if programs.contains("certbot") {
            return "answer in the command: certbot … --non-interactive --agree-tos -m ${EMAIL} (delete: -n)"
        }
        if let tool = words.first(where: { $0 == "terraform" || $0 == "tofu" }) {
            if programs.contains("destroy") { return "approve in the command: \(tool) destroy -auto-approve" }
            return
                "approve in the command: \(tool) apply -auto-approve, or apply a saved plan (\(tool) plan -out tfplan, then \(tool) apply tfplan)"
        }
        if programs.contains("dpkg-reconfigure") {
            return
                "answer without dialogs: dpkg-reconfigure -f noninteractive PACKAGE (set its answers first with debconf-set-selections)"
        }
        if programs.contains("createsuperuser") {
            return
                "make the user without questions: DJANGO_SUPERUSER_PASSWORD=\"$ADMIN_PASSWORD\" python manage.py createsuperuser --noinput --username \"$ADMIN_USER\" --email \"$ADMIN_EMAIL\""
        }
        if programs.contains("openssl") { return "give the subject in the command: openssl req … -subj \"/CN=${DOMAIN}\"" }
        if !programs.isDisjoint(with: ["ansible-playbook", "ansible"]) {
            return "give the password without a prompt: --become-password-file FILE (or NOPASSWD sudo on the hosts)"
        }
        if !programs.isDisjoint(with: ["gpg", "gpg2"]) {
            return "make the key without questions: gpg --batch --passphrase \"$GPG_PASSPHRASE\" --quick-generate-key …"
        }
        if programs.contains("aws") {
            return "set it without questions: aws configure set aws_access_key_id \"$AWS_ACCESS_KEY_ID\" (or AWS_* variables)"
        }
        if programs.contains("gcloud") {
            return "sign in without a browser: gcloud auth activate-service-account --key-file=KEY.json"
        }
        if programs.contains("az") {
            return "sign in without a browser: az login --service-principal -u APP_ID -p \"$AZURE_SECRET\" --tenant TENANT"
        }
        if programs.contains("gh") { return "give a token: gh auth login --with-token < TOKEN_FILE (or GH_TOKEN)" }
        if programs.contains("ssh-keygen") {
            return "give the passphrase and file in the command: ssh-keygen … -N '' -f ~/.ssh/id_ed25519"
        }
        if programs.contains("ssh-copy-id") {
            return
                "install the key through a login that already works: ssh -i EXISTING_KEY HOST 'cat >> ~/.ssh/authorized_keys' < KEY.pub"
        }
        if programs.contains("mysql_secure_installation") { return "make its changes with statements: mysql -e \"…\"" }
        if !programs.isDisjoint(with: [
            "heroku", "firebase", "vercel", "netlify", "railway", "supabase", "wrangler", "fly", "flyctl", "doctl",
        ]) {
            return "sign in with a token (its --token option or *_TOKEN variable)"
        }
        if programs.contains("adduser") { return "make the user without questions: adduser --disabled-password --gecos '' NAME" }
        if programs.contains("login"), !programs.isDisjoint(with: ["docker", "podman"]) {
            return "give the password on stdin: echo \"$REGISTRY_TOKEN\" | docker login -u USER --password-stdin"
        }
        // A language's prompt: give it the code.
        if programs.contains("rails"), !programs.isDisjoint(with: ["console", "c"]) {
            return "run the code without the console: rails runner '…' (or feed it: rails console <<'EOF')"
        }
        if !programs.isDisjoint(with: ["irb", "pry"]) { return "run the code as a script: ruby -e '…' (or ruby FILE)" }
        if programs.contains("node") { return "run the code as a script: node -e '…' (or node FILE)" }
        if !programs.isDisjoint(with: ["python", "python3"]), programs.isDisjoint(with: ["shell", "dbshell"]) {
            return "run the code as a script: python3 -c '…' (or python3 FILE)"
        }
        // A terminal multiplexer to type in: a run gives it the command, detached.
        if programs.contains("tmux") { return "start it detached with its command: tmux new -d -s NAME '…'" }
        if programs.contains("screen") { return "start it detached with its command: screen -dmS NAME …" }
        return "write the file with a heredoc (cat > FILE <<'EOF'), or pass the command (psql -c …)"
    }
}
