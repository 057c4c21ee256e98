import RunbookGuide
import Testing

@testable import RunbookLint

struct InteractiveRuleTests {
    @Test func commandsThatWaitForAPersonWarn() throws {
        let findings = try lint(
            guide("sudo nano /etc/app.conf", "psql \"$DB\"", "psql \"$DB\" -c 'select 1'"), rule: "interactive")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning"])
    }
}

extension InteractiveRuleTests {
    /// The fix says how to give the answer in the command that asks, at the line that asks.
    @Test func theFixAnswersInTheCommand() throws {
        let findings = try lint(
            guide("sudo ufw allow OpenSSH\nsudo ufw enable", "sudo apt install nginx", "crontab -e", "sudo vim x"),
            rule: "interactive")
        #expect(spots(findings) == ["7:1 warning", "13:1 warning", "19:1 warning", "25:1 warning"])
        #expect(
            findings.map(\.fix) == [
                "let it go ahead without asking: ufw --force enable",
                "answer yes in the command: apt-get install -y … (dnf -y …)",
                "install the line without an editor: (crontab -l; echo '…') | crontab -",
                "write the file with a heredoc (cat > FILE <<'EOF'), or pass the command (psql -c …)",
            ])
        // ssh-copy-id asks for the password the key is to replace.
        #expect(
            try lint(guide("ssh-copy-id deploy@10.0.0.5"), rule: "interactive").map(\.fix) == [
                "install the key through a login that already works: ssh -i EXISTING_KEY HOST 'cat >> ~/.ssh/authorized_keys' < KEY.pub"
            ])
        // A multiplexer to type the next line in (session 34's restore): start it detached.
        #expect(
            try lint(guide("tmux new -s restore\nrestic restore latest --target /"), rule: "interactive").map(\.fix) == [
                "start it detached with its command: tmux new -d -s NAME '…'"
            ])
    }

    /// An editor opened on a file whose text the guide gives next: the fix says to let the
    /// block write it.
    @Test func anEditorWithTheFilesTextNextIsToldToLetTheBlockWriteIt() throws {
        let text =
            "# G\n\n\(fence)bash\nsudo nano /etc/app.conf\n\(fence)\n\nPaste the following:\n\n\(fence)ini\n[app]\nport=8080\n\(fence)\n"
        let findings = try lint(text, rule: "interactive")
        #expect(spots(findings) == ["4:1 warning"])
        #expect(
            findings.map(\.fix) == [
                "drop the editor and annotate the block with the file's text with file=/etc/app.conf, so a run writes it"
            ])
        // crontab -e checks what it installs: its own fix stays.
        let cron =
            "# G\n\n\(fence)bash\ncrontab -e\n\(fence)\n\nAdd this line:\n\n\(fence)\n0 3 * * * /usr/local/bin/backup.sh\n\(fence)\n"
        #expect(
            try lint(cron, rule: "interactive").map(\.fix) == [
                "install the line without an editor: (crontab -l; echo '…') | crontab -"
            ])
    }

    /// A block whose text says it will ask: the finding says so, at the block's first line,
    /// and an `interactive=false` annotation (it no longer asks) silences it.
    @Test func aBlockTheTextSaysWillAskIsFound() throws {
        let text =
            "# G\n\nTake a base backup (it will ask for the password):\n\n\(fence)bash\nsudo systemctl stop postgresql\npg_basebackup -h db -D /data -U rep\n\(fence)\n"
        let findings = try lint(text, rule: "interactive")
        #expect(spots(findings) == ["6:1 warning"])
        #expect(
            findings.map(\.message) == [
                "step g/1 waits for a person at a terminal, as the guide says around it; an unattended run pauses there"
            ])
        let answered = text.replacingOccurrences(of: "bash\n", with: "bash {interactive=false}\n")
        #expect(try lint(answered, rule: "interactive").isEmpty)
    }

    /// A `read` that asks is told to bind the name it reads instead.
    @Test func aReadIsToldToBindItsName() throws {
        let findings = try lint(guide("read -p \"Email: \" LE_EMAIL", "read -r"), rule: "interactive")
        #expect(
            findings.map(\.fix) == [
                "bind the value instead of asking: declare LE_EMAIL (export LE_EMAIL=…) and bind it with --vars",
                "bind the value instead of asking: declare NAME (export NAME=…) and bind it with --vars",
            ])
    }

    @Test(
        arguments: [
            ("read -p \"Email: \" LE_EMAIL", "LE_EMAIL"), ("read -r A B; echo done", "B"), ("read -rp 'x' -t 5 V", "V"),
            ("read -r", nil), ("read -r LINE < f", "LINE"), ("read -a ARR", "ARR"),
        ] as [(String, String?)])
    func theNameReadInto(line: String, name: String?) {
        let words = ShellText.words(line)
        #expect(InteractiveRule.readName(words[(words.firstIndex(of: "read")! + 1)...]) == name)
    }

    @Test func certbotTerraformAdduserAndDockerLoginAreToldHowToAnswer() throws {
        let findings = try lint(
            guide(
                "sudo certbot --nginx -d \"$DOMAIN\"", "terraform apply", "sudo adduser deploy", "docker login ghcr.io",
                "tofu destroy", "python manage.py createsuperuser", "sudo dpkg-reconfigure tzdata"),
            rule: "interactive")
        #expect(
            findings.map(\.fix) == [
                "answer in the command: certbot … --non-interactive --agree-tos -m ${EMAIL} (delete: -n)",
                "approve in the command: terraform apply -auto-approve, or apply a saved plan (terraform plan -out tfplan, then terraform apply tfplan)",
                "make the user without questions: adduser --disabled-password --gecos '' NAME",
                "give the password on stdin: echo \"$REGISTRY_TOKEN\" | docker login -u USER --password-stdin",
                "approve in the command: tofu destroy -auto-approve",
                "make the user without questions: DJANGO_SUPERUSER_PASSWORD=\"$ADMIN_PASSWORD\" python manage.py createsuperuser --noinput --username \"$ADMIN_USER\" --email \"$ADMIN_EMAIL\"",
                "answer without dialogs: dpkg-reconfigure -f noninteractive PACKAGE (set its answers first with debconf-set-selections)",
            ])
    }

    /// A language's prompt, behind `bundle exec` and an assignment too, is told to take the
    /// code as a script; a script, `-e` or fed input is no prompt.
    @Test func languagePromptsAreToldToRunTheCodeAsAScript() throws {
        let findings = try lint(
            guide(
                "cd ~/app/current && RAILS_ENV=production bundle exec rails console", "bundle exec irb", "node", "python3",
                "poetry run python manage.py shell", "node server.js", "python3 -m venv .venv", "echo 'puts 1' | irb",
                "bundle exec rake db:migrate"),
            rule: "interactive")
        #expect(spots(findings).count == 5)
        #expect(
            findings.map(\.fix) == [
                "run the code without the console: rails runner '…' (or feed it: rails console <<'EOF')",
                "run the code as a script: ruby -e '…' (or ruby FILE)",
                "run the code as a script: node -e '…' (or node FILE)",
                "run the code as a script: python3 -c '…' (or python3 FILE)",
                "write the file with a heredoc (cat > FILE <<'EOF'), or pass the command (psql -c …)",
            ])
    }

    /// Sign-ins, keys and certificates: each fix says how that program goes without questions,
    /// not the editor's or SQL client's advice.
    @Test func signInsKeysAndCertificatesAreToldHowToGoWithoutQuestions() throws {
        let findings = try lint(
            guide(
                "aws configure", "gcloud init", "az login", "gh auth login", "ssh-keygen -t ed25519",
                "ansible-playbook -i hosts site.yml -K", "openssl req -new -newkey rsa:2048 -nodes -keyout k -out r.csr",
                "gpg --full-generate-key", "heroku login"),
            rule: "interactive")
        #expect(
            findings.map(\.fix) == [
                "set it without questions: aws configure set aws_access_key_id \"$AWS_ACCESS_KEY_ID\" (or AWS_* variables)",
                "sign in without a browser: gcloud auth activate-service-account --key-file=KEY.json",
                "sign in without a browser: az login --service-principal -u APP_ID -p \"$AZURE_SECRET\" --tenant TENANT",
                "give a token: gh auth login --with-token < TOKEN_FILE (or GH_TOKEN)",
                "give the passphrase and file in the command: ssh-keygen … -N '' -f ~/.ssh/id_ed25519",
                "give the password without a prompt: --become-password-file FILE (or NOPASSWD sudo on the hosts)",
                "give the subject in the command: openssl req … -subj \"/CN=${DOMAIN}\"",
                "make the key without questions: gpg --batch --passphrase \"$GPG_PASSPHRASE\" --quick-generate-key …",
                "sign in with a token (its --token option or *_TOKEN variable)",
            ])
    }
}
