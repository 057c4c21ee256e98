import Foundation
import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

@Suite("step kinds")
struct StepKindTests {
    @Test func variablesBlockDeclaresAndDoesNotRun() {
        let guide = read(
            """
            # G
            \(fence)bash
            # Public domain
            export DOMAIN="yourdomain.com"
            export API="api.${DOMAIN}"

            APP_USER=app
            export TOKEN=''
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:variables:local"])
        #expect(guide.steps[0].runs == false)
        #expect(guide.variables.map(\.name) == ["DOMAIN", "API", "APP_USER", "TOKEN"])
    }

    /// "Note the ID of the newest snapshot …, then:" over `export SNAPSHOT_ID=4f2a9c1e`: the
    /// person takes the value from what a step printed, so the guide's is an example, to be
    /// bound (session 34: a restore ran with the guide's snapshot). "Set the version to
    /// deploy:" gives a default.
    @Test(arguments: [
        ("Note the ID of the newest snapshot taken **before** the problem started, then:", true),
        ("Then copy the instance ID from the output above:", true), ("Set the version to deploy:", false),
        ("Take a short break, then:", false),
    ])
    func valuesTakenFromAStepsOutputAreExamples(leadIn: String, required: Bool) {
        let guide = read(
            "# G\n\n\(fence)bash\nrestic snapshots\n\(fence)\n\n\(leadIn)\n\n\(fence)bash\nexport SNAPSHOT_ID=4f2a9c1e\n\(fence)\n"
        )
        #expect(guide.variables.map(\.name) == ["SNAPSHOT_ID"])
        #expect(guide.variables[0].required == required)
        #expect(guide.variables[0].defaultValue == "4f2a9c1e")
    }

    /// "Set your token first:" over `export GITHUB_TOKEN=<your token>`: the token is a
    /// variable to bind, not a command that would read a file named `your`.
    @Test func aPlaceholderInWordsIsAVariableToBind() {
        let guide = read("# G\n\nSet your token first:\n\n\(fence)sh\nexport GITHUB_TOKEN=<your token>\n\(fence)\n")
        #expect(shape(guide) == ["g/1:variables:local"])
        #expect(guide.variables.map(\.name) == ["GITHUB_TOKEN"])
        #expect(guide.variables.first?.required == true)
        #expect(guide.variables.first?.secret == true)
    }

    @Test(arguments: [
        "export PATH=\"$HOME/bin:$PATH\"",  // changes shell state
        "export NOW=$(date +%s)",  // runs a command
        "FOO=bar make build",  // an environment prefix for a command
        "export A=1; echo $A",
    ])
    func assignmentsThatDoMoreAreCommands(code: String) {
        let guide = read("\(fence)bash\n\(code)\n\(fence)\n")
        #expect(guide.steps[0].kind == .command)
        #expect(guide.variables.isEmpty)
    }

    @Test func beforeAfterIllustrationIsAnArtifact() {
        let guide = read("\(fence)bash\n# BEFORE\nPORT=8080\n\n# AFTER\nPORT=8081\n\(fence)\n")
        #expect(guide.steps[0].kind == .artifact)
        #expect(guide.variables.isEmpty)
    }

    @Test(arguments: ["bash", "sh", "shell", "zsh", "console", "shell-session"])
    func shellLanguagesAreCommands(language: String) {
        let guide = read("\(fence)\(language)\n$ ls -la\n\(fence)\n")
        #expect(guide.steps[0].kind == .command)
        #expect(guide.steps[0].runs)
    }

    @Test(arguments: ["nginx", "yaml", "dockerfile", "sql", "json", "ini", "python", "caddy", "text"])
    func otherLanguagesAreArtifacts(language: String) {
        let guide = read("# G\nThe config:\n\n\(fence)\(language)\nserver { listen 80; }\n\(fence)\n")
        #expect(guide.steps[0].kind == .artifact)
        #expect(!guide.steps[0].runs)
    }

    @Test(arguments: [
        "sudo systemctl restart nginx", "cd /srv/app && git pull", "./deploy.sh", "~/bin/tool --x", "$ echo hi",
        "curl -fsS http://localhost/",
    ])
    func unlabeledShellLooksLikeShell(code: String) {
        #expect(read("\(fence)\n\(code)\n\(fence)\n").steps[0].kind == .command)
    }

    @Test(arguments: [
        "server:\n  port: 80", "{\"a\": 1}", "<VirtualHost *:80>", "[Unit]\nDescription=x", "Hello world, this is output",
        "location / {",
    ])
    func unlabeledNonShellIsAnArtifact(code: String) {
        #expect(read("\(fence)\n\(code)\n\(fence)\n").steps[0].kind == .artifact)
    }

    @Test func indentedCodeBlockIsAStep() {
        let guide = read("# G\n\nRun:\n\n    sudo apt-get update\n")
        #expect(shape(guide) == ["g/1:command:local"])
        #expect(guide.steps[0].codeLine == 5)
        #expect(guide.steps[0].code == "sudo apt-get update")
    }

    @Test func consoleBlocksSplitCommandsFromExpectedOutput() {
        let guide = read(
            """
            \(fence)console
            $ echo hello
            hello
            # id -u
            0
            \(fence)
            """)
        #expect(guide.steps[0].code == "echo hello\nid -u")
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("hello"), .outputContains("0")])
    }

    /// A `bash` block that opens with `$ ` prompts is a transcript: as shell, its first
    /// word would be a command named `$`.
    @Test func aShellBlockWithPromptsIsATranscript() {
        let guide = read(
            """
            # G
            1. Log in:
               \(fence)bash
               $ ssh ubuntu@10.20.30.7
               \(fence)
            2. Update:
               \(fence)sh
               $ sudo apt update && sudo apt upgrade -y
               Reading package lists... Done
               \(fence)
            \(fence)bash
            echo "$ not a prompt"
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:server", "g/2:command:server"])
        #expect(guide.steps.map(\.code) == ["sudo apt update && sudo apt upgrade -y", #"echo "$ not a prompt""#])
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("Reading package lists... Done")])
        #expect(guide.steps[0].opensSession == nil)
        #expect(guide.targets.map(\.uri) == ["local", "ssh://ubuntu@10.20.30.7"])
    }

    /// Transcripts show the prompt as the terminal did: `user@host:~$ `, `[user@host app]# `,
    /// `(venv) $ `, zsh's `% `. Each line's command starts after it; a `bash` block that opens
    /// with one is a transcript too, and an output line that only holds an address is output.
    @Test(arguments: [
        ("$ ls", "ls"), ("# id -u", "id -u"), ("% brew install jq", "brew install jq"), ("❯ make", "make"),
        ("user@host:~$ agent config set token x", "agent config set token x"),
        ("root@web-01:/etc/nginx# nginx -t", "nginx -t"), ("[ec2-user@ip-10-0-0-5 app]$ ./run.sh", "./run.sh"),
        ("(venv) $ pip install -r requirements.txt", "pip install -r requirements.txt"),
        ("(.venv) user@box:~/app$ pytest", "pytest"), ("└─$ sudo apt update", "sudo apt update"),
        ("└─# apt update", "apt update"),
    ])
    func aPromptIsLeftOutOfTheCommand(line: String, command: String) {
        #expect(ShellText.promptEnd(line).map { String(line[$0...]) } == command)
    }

    @Test(arguments: [
        "Token saved.", "admin@example.com is registered", "user@host:~$", "  % Total    % Received", "[OK] started",
        "ssh user@host", "(note) see below",
    ])
    func anOutputLineHasNoPrompt(line: String) {
        #expect(ShellText.promptEnd(line) == nil)
    }

    /// A transcript under a two-line prompt: the prompt's first line is no command and no
    /// command's output, and a bare `ssh` under it opens a session.
    @Test func aTranscriptUnderATwoLinePromptIsRead() {
        let guide = read(
            """
            # G
            \(fence)shell
            [10:39 AM]-[otis@laptop]-[~]-
            $ ssh ubuntu@23.20.191.10
            ubuntu@ip-172-31-29-194:~$
            \(fence)
            \(fence)bash
            ┌──(kali㉿kali)-[~]
            └─$ sudo apt update
            Hit:1 http://kali.download/kali kali-rolling InRelease
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:server"])
        #expect(guide.steps[0].code == "sudo apt update")
        #expect(
            guide.steps[0].expectations == [
                .exitStatus(0), .outputContains("Hit:1 http://kali.download/kali kali-rolling InRelease"),
            ])
        #expect(guide.targets.map(\.uri) == ["local", "ssh://ubuntu@23.20.191.10"])
    }

    @Test func aTranscriptWithUserAtHostPromptsIsRead() {
        let guide = read(
            """
            # G
            \(fence)shell-session
            user@host:~$ agent config set token abc
            Token saved.
            \(fence)
            \(fence)bash
            root@web:/srv# systemctl restart app
            \(fence)
            \(fence)bash
            # a comment, not a prompt
            echo hi
            \(fence)
            """)
        #expect(
            guide.steps.map(\.code) == [
                "agent config set token abc", "systemctl restart app", "# a comment, not a prompt\necho hi",
            ])
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("Token saved.")])
    }

    /// DigitalOcean's markdown: `command` and `super_user` blocks are shell (root's for the
    /// latter), a `[label …]` or `[secondary_label …]` first line names the block and is not
    /// its text, and `<^>…<^>` only marks what to replace. A `[secondary_label Output]` block
    /// is what the command before printed: shown, no step; so is an unlabeled block whose
    /// first line is "Output", as the page reads when copied.
    @Test func digitalOceansMarkdownIsRead() {
        let guide = read(
            """
            # G
            \(fence)command
            sudo ufw allow <^>8080<^>
            \(fence)
            \(fence)super_user
            apt-get update
            \(fence)
            \(fence)
            [secondary_label Output]
            Status: active
            \(fence)
            \(fence)
            Output
            /run/gunicorn.sock: socket
            \(fence)
            \(fence)nginx
            [label /etc/nginx/sites-available/<^>your_domain<^>]
            server { listen 80; }
            \(fence)
            """)
        #expect(guide.steps.map(\.code) == ["sudo ufw allow 8080", "apt-get update", "server { listen 80; }"])
        #expect(guide.steps.map(\.kind) == [.command, .command, .artifact])
        #expect(guide.steps[1].target.user == "root")
        #expect(guide.steps[0].target.user == nil)
        #expect(guide.steps[2].codeLine == 18)
        #expect(guide.steps[1].expectations == [.exitStatus(0)])
    }

    /// Microsoft Learn's markdown: `azurecli` and `azurecli-interactive` blocks are shell (Azure
    /// CLI commands run in bash), an `output` block is what the command before printed, shown
    /// and no step, unless prose says it is the expected output; `powershell` stays an artifact.
    @Test func microsoftLearnsMarkdownIsRead() {
        let guide = read(
            """
            # G
            \(fence)azurecli-interactive
            az login
            \(fence)
            \(fence)azurecli
            az group create --name orders-rg --location westeurope
            \(fence)
            The following example output shows the resource group created successfully:
            \(fence)output
            {
              "id": "/subscriptions/<guid>/resourceGroups/orders-rg",
              "provisioningState": "Succeeded"
            }
            \(fence)
            \(fence)powershell
            Connect-AzAccount
            \(fence)
            \(fence)azurecli
            az group show --name orders-rg --query name -o tsv
            \(fence)
            Expected output:
            \(fence)output
            orders-rg
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.command, .command, .artifact, .command])
        #expect(guide.steps[0].traits.interactive)
        #expect(guide.steps[1].expectations == [.exitStatus(0)])
        #expect(guide.steps[3].expectations == [.exitStatus(0), .outputContains("orders-rg")])
    }

    @Test func verificationFromHeadingAndLeadIn() {
        let guide = read(
            """
            # G
            ## Install
            \(fence)bash
            apt-get install -y nginx
            \(fence)
            Verify versions:
            \(fence)bash
            nginx -v
            \(fence)
            The server should respond:
            \(fence)bash
            curl -I localhost
            \(fence)
            ## Smoke tests
            \(fence)bash
            curl localhost/health
            \(fence)
            ## Verify renewal
            \(fence)bash
            certbot renew --dry-run
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.command, .verification, .verification, .verification, .verification])
        #expect(guide.steps[1].verifies == ["install/1"])
        #expect(guide.steps[2].verifies == ["install/1"])
        #expect(guide.steps[3].verifies == ["install/1"])
    }

    @Test func aHeadingThatOnlyMentionsVerifyingDoesNotMakeSubsectionsVerifications() {
        let guide = read(
            """
            # G
            ## Nginx (HTTP first), then TLS, then verify streaming
            ### Install the proxy
            \(fence)bash
            sudo tee /etc/nginx/conf.d/app.conf < app.conf
            \(fence)
            ## End-to-end verification checklist
            ### Basic health
            \(fence)bash
            curl -i https://example.org/health
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.command, .verification])
    }

    /// A test heading's blocks that make, edit or remove files set the test up or clean it up
    /// (DigitalOcean's "Testing PHP with Nginx": `nano info.php`, visit it, `sudo rm info.php`):
    /// commands, not checks to retry. Told to check ("Verify it can write:"), they are checks.
    @Test func aTestHeadingsSetupAndCleanupAreNotChecks() {
        let guide = read(
            """
            # G
            ## Install
            \(fence)bash
            sudo systemctl reload nginx
            \(fence)
            ## Testing PHP with Nginx
            \(fence)bash
            nano /var/www/site/info.php
            \(fence)
            \(fence)bash
            curl -fsS localhost/info.php
            \(fence)
            \(fence)bash
            sudo rm /var/www/site/info.php
            \(fence)
            \(fence)bash
            sudo sed -i 's/debug/info/' /etc/app.conf && grep -c info /etc/app.conf
            \(fence)
            Verify that the volume can be written:
            \(fence)bash
            touch /mnt/data/probe && rm /mnt/data/probe
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.command, .command, .verification, .command, .command, .verification])
        #expect(guide.steps[2].verifies == ["testing-php-with-nginx/1"])
        #expect(guide.steps[5].verifies == ["testing-php-with-nginx/3", "testing-php-with-nginx/4"])
    }

    /// A lead-in that opens with an emoji reads as it would without it.
    @Test func leadInsOpeningWithAPictographAreRead() {
        let guide = read(
            """
            # G
            \(fence)bash
            make build
            \(fence)
            👉 On the server:
            \(fence)bash
            sudo systemctl restart app
            \(fence)
            ✅ **Verify:**
            \(fence)bash
            curl -f http://localhost/health
            \(fence)
            ⚠️ Expected output:
            \(fence)
            ok
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:local", "g/2:command:server", "g/3:verification:local"])
        #expect(guide.steps[2].expectations == [.exitStatus(0), .outputContains("ok")])
    }

    @Test func taskItemsAreManualSteps() {
        let guide = read("# G\n## Checks\n- [ ] Can log in\n- [x] Admin page loads\n")
        #expect(shape(guide) == ["checks/1:manual:a person", "checks/2:manual:a person"])
        #expect(guide.steps.map { $0.instructions ?? "" } == ["Can log in", "Admin page loads"])
        #expect(guide.steps[1].annotations["checked"] == "true")
    }

    @Test func instructionOnlySectionIsOneManualStep() {
        let guide = read(
            """
            # G
            ## Create the Vercel project
            - Import your repo
            - Set **Root Directory** to `frontend/`
            ## Repository layout
            - `frontend/` (Vite)
            - `backend/` (FastAPI)
            """)
        #expect(shape(guide) == ["create-the-vercel-project/1:manual:a person"])
        #expect(guide.steps[0].instructions == "- Import your repo\n- Set Root Directory to frontend/")
    }

    /// "Allow HTTP: `sudo ufw allow 80/tcp`" is a task however its label opens; a label
    /// without a colon, or a code span that is no command, leaves the list the prose it was.
    @Test func labelledCommandItemsAreAPersonsTask() {
        let guide = read(
            """
            # G
            ## Firewall
            1. Allow HTTP: `sudo ufw allow 80/tcp`
            2. SSH too: `sudo ufw allow OpenSSH`
            3. Turn it on: `sudo ufw enable`
            ## Ports
            1. HTTP is `80/tcp`
            2. The app: `app.py`
            """)
        #expect(shape(guide) == ["firewall/1:manual:a person"])
        #expect(
            guide.steps[0].instructions
                == "1. Allow HTTP: sudo ufw allow 80/tcp\n2. SSH too: sudo ufw allow OpenSSH\n3. Turn it on: sudo ufw enable")
    }

    @Test func consoleContextProseMakesANonShellBlockManual() {
        let guide = read(
            """
            # G
            In Supabase SQL editor:

            \(fence)sql
            create extension if not exists vector;
            \(fence)

            The schema:

            \(fence)sql
            create table t (id int);
            \(fence)
            """)
        #expect(guide.steps.map(\.kind) == [.manual, .artifact])
        #expect(guide.steps[0].instructions == "In Supabase SQL editor:\ncreate extension if not exists vector;")
    }

    @Test func instructionListAmongCodeIsAManualStepInPlace() {
        let guide = read(
            """
            # G
            ## Point DNS
            At your DNS provider:

            - Create an `A` record `api` → your Elastic IP

            Verify DNS from your local machine:

            \(fence)bash
            dig +short api.example.org
            \(fence)
            """)
        #expect(shape(guide) == ["point-dns/1:manual:a person", "point-dns/2:verification:local"])
        #expect(guide.steps[1].verifies == ["point-dns/1"])
    }

    /// "Run `cmd`." among blocks gives a command in a sentence: a person's step in its place,
    /// where before it was dropped (the section had code, so its prose was not read as steps).
    /// A lead-in that ends with a colon, a conditional, and a verb with no command are not.
    @Test func aCommandGivenInASentenceAmongBlocksIsAManualStepInPlace() {
        let guide = read(
            """
            # G
            ## Configure
            Run `sudo agentctl config set region eu-west-1`, then restart with `sudo systemctl restart agent`.

            \(fence)bash
            agentctl status
            \(fence)

            Then, reload it with `sudo systemctl reload nginx`.

            Run `make build` on your laptop first:

            \(fence)bash
            make deploy
            \(fence)

            If it fails, run `journalctl -u agent`.

            Restart your terminal.

            Run the `agent` tool from now on.
            """)
        #expect(
            shape(guide) == [
                "configure/1:manual:a person", "configure/2:command:local", "configure/3:manual:a person",
                "configure/4:command:local",
            ])
        #expect(
            guide.steps[0].instructions
                == "Run sudo agentctl config set region eu-west-1, then restart with sudo systemctl restart agent.")
        #expect(guide.steps[2].instructions == "Then, reload it with sudo systemctl reload nginx.")
    }

    @Test(arguments: [
        ("Run `make test`.", ["make test"], true), ("Now execute `./deploy.sh --prod`.", ["./deploy.sh --prod"], true),
        ("Restart with `sudo systemctl restart app`.", ["sudo systemctl restart app"], true),
        ("Run `make build` first:", ["make build"], false), ("Type `exit` to log out.", ["exit"], false),
        ("Running `make` takes a minute.", ["make"], false), ("Run it in the `staging` workspace.", ["staging"], false),
    ])
    func runsInlineCommand(text: String, spans: [String], runs: Bool) {
        #expect(Patterns.runsInlineCommand(text, codeSpans: spans) == runs)
    }

    /// "Open http://localhost:8080 in your browser and log in." and "Repeat steps 1–2 on each
    /// web server." among blocks are a person's steps in their places; prose that only says
    /// where something is, or introduces a block, is not.
    @Test func whatAPersonDoesAmongBlocksIsAManualStepInPlace() {
        let guide = read(
            "# G\n\n\(fence)bash\njq --version\n\(fence)\n\nOpen http://localhost:8080 in your browser and log in as `admin`.\n\n"
                + "Repeat steps 1–2 on each web server.\n\n\(fence)bash\ngit tag v1\n\(fence)\n")
        #expect(shape(guide) == ["g/1:command:local", "g/2:manual:a person", "g/3:manual:a person", "g/4:command:local"])
        #expect(guide.steps[1].instructions == "Open http://localhost:8080 in your browser and log in as admin.")
    }

    @Test(arguments: [
        ("Open http://localhost:3000 in your browser.", true), ("Then visit the dashboard and check the graph.", true),
        ("Click **Deploy**.", true), ("Log in to the AWS console.", true), ("Sign into Grafana.", true),
        ("Repeat for each server.", true), ("Open the file in your editor:", false), ("Open a new issue if it fails.", false),
        ("Go ahead and commit.", false), ("Logging is on by default.", false), ("Log the output to a file.", false),
        ("The dashboard opens at http://localhost:3000.", false),
        ("Log out and log back in so that the group change takes effect.", true), ("Log output goes to syslog.", false),
        ("`pm2 startup` prints a command; copy and run it.", true),
        ("It prints a sudo command: copy and paste the command into your terminal.", true),
        ("Copy and run the command below:", false),
        ("Submit `corp.csr` to the internal CA at https://ca.corp.example and download the certificate.", true),
        ("Create an API token in the Cloudflare dashboard.", true), ("Then generate a key at https://x.example.", true),
        ("Create the file with the contents below.", false), ("Download the release from https://x.example:", false),
        ("Request times out after 30 s in the browser.", false),
    ])
    func asksAPerson(text: String, asks: Bool) {
        #expect(Patterns.asksAPerson(text) == asks)
    }

    /// "Edit `mysite/settings.py` and set …" among blocks is a person's step: no block edits
    /// the file. Editing without a file in code ("Edit the values as needed.") is prose.
    @Test func editingAFileNamedInCodeIsAPersonsStep() {
        let guide = read(
            "# G\n\n\(fence)bash\ndjango-admin startproject mysite .\n\(fence)\n\n"
                + "Edit `mysite/settings.py` and set `ALLOWED_HOSTS = ['app.internal']`.\n\n"
                + "\(fence)bash\npython manage.py migrate\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == [.command, .manual, .command])
        #expect(guide.steps[1].instructions == "Edit mysite/settings.py and set ALLOWED_HOSTS = ['app.internal'].")
        #expect(!Patterns.asksAPerson("Edit the values as needed.", codeSpans: []))
        #expect(!Patterns.asksAPerson("Modify `DEBUG` if you like.", codeSpans: ["DEBUG"]))
        #expect(Patterns.asksAPerson("Then modify `/etc/app/app.ini` to taste.", codeSpans: ["/etc/app/app.ini"]))
    }

    /// "Add to `/etc/caddy/Caddyfile`:" over a config block is a person's edit of a file that
    /// holds more (`file=` would write the block as the whole file), and so is "Append this to
    /// ~/.bashrc:". A lead-in that names no file, or a shell block under it, is as before.
    @Test func addingABlockToAFileIsAPersonsStep() {
        let guide = read(
            "# G\n\nAdd to `/etc/caddy/Caddyfile`:\n\n\(fence)\napp.example.org {\n    reverse_proxy :9000\n}\n\(fence)\n\n"
                + "Append this to ~/.bashrc:\n\n\(fence)text\nalias k=kubectl\n\(fence)\n\n"
                + "Add the following:\n\n\(fence)text\nhello\n\(fence)\n\n"
                + "Add to `/etc/hosts`:\n\n\(fence)bash\necho '10.0.0.5 db' | sudo tee -a /etc/hosts\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == [.manual, .manual, .artifact, .command])
        #expect(guide.steps[0].instructions == "Add to /etc/caddy/Caddyfile:\napp.example.org {\n    reverse_proxy :9000\n}")
        #expect(guide.steps.map(\.savedAs) == [nil, nil, nil, nil])
        #expect(Text.addedToPath("Insert these lines into `/etc/fstab`:") == "/etc/fstab")
        #expect(Text.addedToPath("Edit `/etc/mongod.conf` and set:") == "/etc/mongod.conf")
        #expect(Text.addedToPath("Open ~/.ssh/config and update the host:") == "~/.ssh/config")
        #expect(Text.addedToPath("Add to /etc/fstab.") == nil)
        #expect(Text.addedToPath("Edit the values below:") == nil)
    }

    /// "Replace the contents of `/etc/caddy/Caddyfile` with:" makes the whole file, as "Save
    /// this as" does: the person's to save, and `unwritten-file` names it. Replacing a line
    /// of a file ("Replace the `listen` line in `/etc/nginx/nginx.conf` with:") edits it.
    @Test func replacingAFilesContentsSavesIt() {
        let guide = read(
            "# G\n\nReplace the contents of `/etc/caddy/Caddyfile` with:\n\n\(fence)\nwww.example.org {\n    file_server\n}\n\(fence)\n"
        )
        #expect(guide.steps.map(\.kind) == [.manual])
        #expect(guide.steps[0].savedAs == "/etc/caddy/Caddyfile")
        #expect(Text.savedPath("Overwrite everything in `/etc/motd` with:") == "/etc/motd")
        #expect(Text.savedPath("Replace the `listen` line in `/etc/nginx/nginx.conf` with:") == nil)
        #expect(Text.addedToPath("Replace the `listen` line in `/etc/nginx/nginx.conf` with:") == "/etc/nginx/nginx.conf")
    }

    @Test(arguments: [
        ("Log out and log back in so that your group membership is re-evaluated.", true),
        ("You need to log out and log back in for this to take effect.", true),
        ("You’ll need to log out and back in.", true), ("Then log out and in again.", true),
        ("For the group change to take effect, log out and log back in.", true),
        ("Exit the SSH session and reconnect so that the group change applies.", true),
        ("Reconnect to the server.", true), ("Please sign out and sign in again.", true),
        ("Log out of the AWS console and log in as the IAM user.", false), ("Log in to the server:", false),
        ("If you log out, the server keeps running.", false), ("Logging out ends the tmux session.", false),
        ("The app reconnects to the database on its own.", false), ("Log output goes to syslog.", false),
        ("Use tmux so that the deploy survives when you log out.", false),
        ("Log out and back in, then check:", true), ("Then log out and back in:", false),
        ("Run this, then log out:", false),
    ])
    func aSentenceAsksForANewLogin(text: String, renews: Bool) {
        #expect(Patterns.renewsLogin(text) == renews)
    }

    /// "Log out and log back in" after `usermod -aG docker`: a person's step in its place,
    /// which renews the login of the machine the step before it ran on, in a section, in a
    /// numbered procedure (over `newgrp`, which renews it too) and said as "You need to".
    @Test func aNewLoginIsAStepOnTheMachineBeforeIt() {
        let inSection = read(
            "# G\n\nOn the server:\n\n\(fence)bash\nsudo usermod -aG docker $USER\n\(fence)\n\n"
                + "Log out and log back in so that your group membership is re-evaluated.\n\n"
                + "On the server:\n\n\(fence)bash\ndocker ps\n\(fence)\n")
        #expect(shape(inSection) == ["g/1:command:server", "g/2:manual:a person", "g/3:command:server"])
        #expect(inSection.steps.map(\.traits.renewsLogin) == [false, true, false])
        #expect(inSection.steps[1].target.name == "server")
        #expect(inSection.steps[1].machineNote == "a new login on server: the run logs in there again")

        let procedure = read(
            """
            # G
            ## Manage Docker as a non-root user
            1. Add your user to the `docker` group.
               \(fence)console
               $ sudo usermod -aG docker $USER
               \(fence)
            2. Log out and log back in so that your group membership is re-evaluated.

               You can also run the following command to activate the changes to groups:

               \(fence)console
               $ newgrp docker
               \(fence)
            3. Verify that you can run `docker` commands without `sudo`.
               \(fence)console
               $ docker run hello-world
               \(fence)
            """)
        #expect(procedure.steps.map(\.kind) == [.command, .manual, .command, .verification])
        #expect(procedure.steps.map(\.traits.renewsLogin) == [false, true, true, false])
        #expect(
            procedure.steps[1].machineNote
                == "a new login on this machine: the run pauses for it unless this login has the user's groups")

        let said = read(
            "# G\n\n\(fence)bash\nsudo usermod -aG docker $USER\n\(fence)\n\n"
                + "You need to log out and log back in for this to take effect.\n\n\(fence)bash\ndocker ps\n\(fence)\n")
        #expect(shape(said) == ["g/1:command:local", "g/2:manual:a person", "g/3:command:local"])
        #expect(said.steps[1].traits.renewsLogin)
        // A lead-in that asks for the new login before its block: the login, then the block.
        let leadIn = read(
            "# G\n\n\(fence)bash\nssh admin@web1\nsudo usermod -aG docker $USER\n\(fence)\n\n"
                + "Log out and back in, then check:\n\n\(fence)bash\ndocker version\n\(fence)\n")
        #expect(shape(leadIn) == ["g/1:command:web1", "g/2:manual:a person", "g/3:command:web1"])
        #expect(leadIn.steps[1].machineNote == "a new login on web1: the run logs in there again")
        // `newgrp` fed its input runs that input and returns: no new login for what follows.
        #expect(!ShellText.traits(of: "newgrp docker <<EOF\ndocker ps\nEOF").renewsLogin)
        #expect(ShellText.traits(of: "sudo usermod -aG docker $USER\nnewgrp docker").renewsLogin)
        #expect(!ShellText.traits(of: "newgrp() { echo \"group $1\"; }").renewsLogin)
        // What follows `newgrp` in its block is typed in the new login: a step of its own.
        let split = read("# G\n\n\(fence)bash\nsudo usermod -aG docker \"$USER\" && newgrp docker\ndocker ps\n\(fence)\n")
        #expect(split.steps.map(\.code) == ["sudo usermod -aG docker \"$USER\" && newgrp docker", "docker ps"])
        #expect(split.steps.map(\.traits.renewsLogin) == [true, false])
    }

    @Test func descriptionOfTheNextBlockIsNotAManualStep() {
        let guide = read(
            """
            # G
            ## Service
            Create a systemd service that:

            - Uses working directory `/srv/app`
            - Runs `uvicorn`

            Create the unit file:

            \(fence)bash
            sudo tee /etc/systemd/system/app.service < app.service
            \(fence)
            """)
        #expect(shape(guide) == ["service/1:command:local"])
    }

    @Test func procedureItemsWithoutCodeAreManualStepsInOrder() {
        let guide = read(
            """
            # G
            ## Deployment steps
            1. Prepare a Linux server.
            2. Create a deploy directory.
               \(fence)bash
               sudo mkdir -p /opt/app
               \(fence)
            3. Configure the repository secrets.
            """)
        #expect(
            shape(guide) == [
                "deployment-steps/1:manual:a person", "deployment-steps/2:command:local", "deployment-steps/3:manual:a person",
            ])
    }

    @Test func summarySectionsYieldNoSteps() {
        let guide = read(
            "# G\n## TL;DR - Quick Summary\n1. Copy the files\n2. Start the server\n## Table of contents\n- Install\n")
        #expect(guide.steps.isEmpty)
    }

    @Test(arguments: [
        ("tail -f /var/log/app.log", true, false, false),
        ("sudo journalctl -u app -f", true, false, false),
        ("docker logs -f web", true, false, false),
        ("kubectl logs -f deploy/web", true, false, false),
        ("watch -n1 uptime", true, false, false),
        ("tail -n 50 /var/log/app.log", false, false, false),
        ("nano .env", false, true, false),
        ("sudo systemctl edit --full app", false, true, false),
        ("psql \"$DATABASE_URL\"", false, true, false),
        ("psql \"$DATABASE_URL\" -c 'select 1'", false, false, false),
        ("docker exec -it db bash", false, true, false),
        // redis-cli opens its prompt only without a command.
        ("redis-cli", false, true, false), ("redis-cli -h db -p 6380 --tls", false, true, false),
        ("redis-cli ping", false, false, false), ("redis-cli -h db -a \"$PASS\" INFO server", false, false, false),
        ("redis-cli -c", false, true, false), ("redis-cli --scan --pattern 'user:*'", false, false, false),
        ("sqlite3 app.db", false, true, false), ("sqlite3 app.db 'select 1'", false, false, false),
        ("less /etc/hosts", false, true, false),
        ("uvicorn main:app --port 8000", false, false, true),
        ("nohup uvicorn main:app > log 2>&1 &", false, false, false),
        ("python3 -m http.server 8000", false, false, true),
        ("npm run dev", false, false, true),
        ("npm run build", false, false, false),
        // Servers and tunnels that hold the terminal until stopped.
        ("kubectl port-forward svc/web 8080:80", false, false, true),
        // kubectl's global options come before its command.
        ("kubectl -n shop port-forward svc/api 8080:80", false, false, true),
        ("kubectl --context prod --namespace=shop proxy", false, false, true),
        ("kubectl -n shop get pods -w", true, false, false), ("kubectl get events --watch", true, false, false),
        ("kubectl -n shop get pods", false, false, false), ("kubectl -n shop logs -f deploy/api", true, false, false),
        ("kubectl -n shop exec -it deploy/api -- sh", false, true, false),
        ("kubectl exec -i deploy/db -- psql < dump.sql", false, false, false),
        ("kubectl -n shop rollout status deploy/api", false, false, false),
        ("ssh -N -L 5432:localhost:5432 bastion", false, false, true),
        ("ssh -fN -L 5432:localhost:5432 bastion", false, false, false), ("php artisan serve", false, false, true),
        ("bundle exec jekyll serve", false, false, true), ("docker compose up", false, false, true),
        ("docker compose up --build -d", false, false, false), ("docker run --rm -p 8080:80 nginx", false, false, true),
        ("docker run -d -p 80:80 nginx", false, false, false), ("docker run --rm alpine echo hi", false, false, false),
        ("npx serve -s build", false, false, true), ("npx vite build", false, false, false), ("caddy run", false, false, true),
        ("node server.js", false, false, true), ("node scripts/migrate.js", false, false, false),
        ("./gradlew bootRun", false, false, true), ("bin/rails server", false, false, true),
        ("poetry run uvicorn app:app", false, false, true), ("ngrok http 3000", false, false, true),
        // Commands that wait for a person, and the same commands told what to do.
        ("docker run -it --rm ubuntu bash", false, true, false), ("top", false, true, false), ("top -bn1", false, false, false),
        ("mysql -u root -p app < dump.sql", false, true, false), ("mysql app < dump.sql", false, false, false),
        ("psql \"$DB\" < schema.sql", false, false, false), ("cat x.sql | psql \"$DB\"", false, false, false),
        ("mongosh \"$URI\" --eval 'db.stats()'", false, false, false), ("git commit", false, true, false),
        ("git commit -am 'fix'", false, false, false), ("git commit --amend --no-edit", false, false, false),
        ("git rebase -i HEAD~3", false, true, false), ("git add -p", false, true, false), ("git add -A", false, false, false),
        ("ssh-keygen -t ed25519", false, true, false), ("ssh-keygen -t ed25519 -N '' -f k", false, false, false),
        ("ssh-keygen -lf k.pub", false, false, false), ("passwd deploy", false, true, false),
        ("sudo passwd -l deploy", false, false, false), ("read -rp 'Continue? ' x", false, true, false),
        ("read -rs PASSWORD", false, true, false),
        ("read -r x <<< \"$line\"", false, false, false), ("read -r -u 3 x", false, false, false),
        ("while read -r l; do echo $l; done < f", false, false, false), ("aws configure", false, true, false),
        ("aws configure set region eu-west-1", false, false, false), ("gcloud auth login", false, true, false),
        ("gh auth login --with-token < t", false, false, false), ("npm init", false, true, false),
        ("npm init -y", false, false, false), ("heroku login", false, true, false),
        // Asks to go ahead: with no answer, ufw, apt and dnf give up.
        ("sudo ufw enable", false, true, false), ("sudo ufw --force enable", false, false, false),
        ("ufw reset", false, true, false), ("sudo ufw allow 443/tcp", false, false, false),
        ("sudo ufw delete 3", false, true, false), ("sudo ufw delete allow 80/tcp", false, false, false),
        ("sudo apt install nginx", false, true, false), ("sudo apt-get install -y nginx", false, false, false),
        ("apt-get -qy upgrade", false, false, false), ("apt-get -qq install curl", false, false, false),
        ("sudo apt update", false, false, false), ("sudo apt-get remove --purge apache2", false, true, false),
        ("sudo dnf install nginx", false, true, false), ("sudo dnf install -y nginx", false, false, false),
        ("sudo yum update", false, true, false), ("yes | sudo apt-get install nginx", false, false, false),
        ("crontab -e", false, true, false),
        // certbot asks for an email and the terms, and to confirm a delete; terraform to approve.
        ("sudo certbot --nginx -d \"$API_DOMAIN\"", false, true, false),
        ("certbot certonly --standalone -d a.org --agree-tos -m ops@a.org", false, false, false),
        ("sudo certbot --nginx -d a.org -n", false, false, false), ("sudo certbot renew --dry-run", false, false, false),
        ("sudo certbot delete --cert-name a.org", false, true, false), ("sudo certbot certificates", false, false, false),
        ("certbot --version", false, false, false), ("sudo certbot", false, true, false),
        ("terraform apply", false, true, false), ("terraform -chdir=infra apply -auto-approve", false, false, false),
        ("terraform plan -out tf.plan", false, false, false), ("tofu destroy", false, true, false),
        // Django's and Rails' prompts; a superuser made without questions asks nothing.
        ("python manage.py createsuperuser", false, true, false),
        ("python3 manage.py createsuperuser --noinput --username admin", false, false, false),
        ("python manage.py shell", false, true, false), ("python manage.py shell -c 'print(1)'", false, false, false),
        ("python manage.py migrate", false, false, false), ("bin/rails console", false, true, false),
        // The script run itself, as DigitalOcean's guides do, and Django's own command.
        ("~/myprojectdir/manage.py createsuperuser", false, true, false), ("./manage.py dbshell", false, true, false),
        ("./manage.py migrate", false, false, false), ("django-admin createsuperuser --noinput", false, false, false),
        ("django-admin startproject site .", false, false, false),
        ("rails db:migrate", false, false, false), ("php artisan tinker", false, true, false),
        // A saved plan was approved by saving it.
        ("terraform apply tfplan", false, false, false), ("terraform apply -input=false \"$PLAN\"", false, false, false),
        ("terraform apply -var 'region=eu-west-1'", false, true, false),
        ("terraform apply -target aws_instance.web", false, true, false),
        // New users, registries and copied keys ask for passwords.
        ("sudo adduser deploy", false, true, false), ("sudo adduser deploy sudo", false, false, false),
        ("sudo adduser --disabled-password --gecos '' deploy", false, false, false),
        ("sudo adduser --system app", false, false, false), ("docker login ghcr.io", false, true, false),
        ("echo \"$T\" | docker login -u me --password-stdin ghcr.io", false, false, false),
        ("npm login", false, true, false), ("ssh-copy-id deploy@web01", false, true, false),
        ("sudo mysql_secure_installation", false, true, false),
        ("ansible-playbook -i hosts site.yml -K", false, true, false),
        ("ansible-playbook -i hosts site.yml --become-password-file pw", false, false, false),
        ("openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout k.pem -out c.pem", false, true, false),
        ("openssl req -new -key k.pem -out r.csr -subj \"/CN=app\"", false, false, false),
        ("openssl req -in r.csr -noout -text", false, false, false), ("gpg --full-generate-key", false, true, false),
        ("gpg --batch --full-generate-key params", false, false, false), ("gpg --import key.asc", false, false, false),
        // Commands that go on until stopped, and the same told when to end.
        ("ping 10.0.0.1", true, false, false), ("ping -c 3 10.0.0.1", false, false, false),
        ("ping -qc1 db", false, false, false), ("ping -w 5 db", false, false, false), ("stern web", true, false, false),
        ("stern web --no-follow", false, false, false), ("sudo dmesg -w", true, false, false),
        ("dmesg -T | tail", false, false, false), ("sudo tcpdump -i eth0 port 443", true, false, false),
        ("sudo tcpdump -nnc 20 -i eth0", false, false, false), ("tcpdump -r capture.pcap", false, false, false),
        ("vmstat 1", true, false, false), ("vmstat 1 5", false, false, false), ("iostat -x", false, false, false),
        ("docker events", true, false, false), ("docker events --until 10s", false, false, false),
        ("docker stats", true, false, false), ("docker stats --no-stream", false, false, false),
        // Full-screen programs and terminals to attach to.
        ("k9s -n shop", false, true, false), ("k9s version --help", false, false, false),
        ("sudo iotop", false, true, false), ("sudo iotop -bon1", false, false, false), ("tmux", false, true, false),
        ("tmux new -s deploy", false, true, false), ("tmux new -d -s deploy './run.sh'", false, false, false),
        ("tmux attach -t deploy", false, true, false), ("tmux ls", false, false, false), ("screen -S deploy", false, true, false),
        ("screen -dmS deploy ./run.sh", false, false, false), ("sudo dpkg-reconfigure tzdata", false, true, false),
        ("sudo dpkg-reconfigure -f noninteractive tzdata", false, false, false), ("docker attach web", false, true, false),
        // visudo opens an editor, unless it only checks a file's syntax.
        ("sudo visudo", false, true, false), ("visudo -f /etc/sudoers.d/cfg", false, true, false),
        ("visudo -cf /etc/sudoers.d/90-deploy", false, false, false), ("sudo visudo -c", false, false, false),
        ("visudo --check --file=/etc/sudoers.d/app", false, false, false),
        // Compose gives an exec'd command a terminal unless -T: a REPL there waits for a person.
        ("docker compose exec db psql -U postgres", false, true, false),
        ("docker-compose exec redis redis-cli", false, true, false),
        ("docker compose exec -u postgres db psql", false, true, false), ("docker compose exec -T db psql", false, false, false),
        ("docker compose exec db psql -c 'select 1'", false, false, false),
        ("docker compose exec db pg_dump x", false, false, false),
        // Listeners that hold the terminal.
        ("nc -lk 9000", false, false, true), ("nc -zv db 5432", false, false, false),
        ("socat TCP-LISTEN:8080,fork TCP:app:80", false, false, true), ("socat - TCP:db:5432", false, false, false),
    ])
    func commandTraits(code: String, follows: Bool, interactive: Bool, server: Bool) {
        let traits = ShellText.traits(of: code)
        #expect(traits.follows == follows)
        #expect(traits.interactive == interactive)
        #expect(traits.foregroundServer == server)
    }

    /// Prose before a block that says its command will ask the person something makes the
    /// block wait for a person, whatever its program; prose that says it will not, or an
    /// `interactive=false` annotation, leaves it to run.
    @Test(arguments: [
        ("Then take a base backup (it will ask for the replicator password):", true),
        ("Generate the key. You will be prompted for a passphrase.", true),
        ("When prompted, type yes:", true), ("Run the installer; it asks you to accept the licence:", true),
        ("Pass -y so that it does not prompt for confirmation:", false),
        ("Install it without being asked anything:", false), ("Take a base backup:", false),
    ])
    func aLeadInThatSaysTheCommandAsksNeedsAPerson(leadIn: String, asks: Bool) {
        let guide = read("# G\n\n\(leadIn)\n\n\(fence)bash\npg_basebackup -h db -D /data -U rep\n\(fence)\n")
        #expect(guide.steps[0].kind == .command)
        #expect(guide.steps[0].traits.interactive == asks)
        let annotated = read("# G\n\n\(leadIn)\n\n\(fence)bash {interactive=false}\npg_basebackup -h db -D /data\n\(fence)\n")
        #expect(annotated.steps[0].traits.interactive == false)
    }

    /// A block typed into the machine's console at its provider ("open the provider's web
    /// console, log in as root and run:", "In the recovery console") is the person's step,
    /// instructions and all: the way in when SSH is locked out, which no run reaches. A
    /// terminal called a console ("In your console, run:") runs as before.
    @Test(arguments: [
        ("If you locked yourself out, open the provider's web console, log in as root and run:", "manual:local/person"),
        ("In the DigitalOcean recovery console, run:", "manual:local/person"),
        ("Attach to the serial console and run:", "manual:local/person"),
        ("In your console, run:", "command:web-01/session"),
    ])
    func aBlockTypedIntoAProviderConsoleIsAPersonsStep(leadIn: String, expected: String) {
        let guide = read(
            "# G\n\nOn the server:\n\n\(fence)bash\nssh root@web-01\napt update\n\(fence)\n\n\(leadIn)\n\n"
                + "\(fence)bash\nufw disable\nsystemctl restart ssh\n\(fence)\n")
        let step = guide.steps[1]
        #expect("\(step.kind.rawValue):\(step.target.name)/\(step.target.reason)" == expected)
        if step.kind == .manual {
            #expect(step.instructions == "\(leadIn)\nufw disable\nsystemctl restart ssh")
        }
    }

    /// Prose right after a block that names its program and says it asks ("Gen-key asks
    /// whether to overwrite; answer as you like.", "It prompts for …") makes that block wait
    /// for a person, and is no lead-in to the next; other asking prose ("You will be prompted
    /// for the passphrase.") is the next block's lead-in, as before.
    @Test(arguments: [
        ("Gen-key asks whether to overwrite the old key; answer as you like.", [true, false]),
        ("It will prompt for a passphrase.", [true, false]),
        ("You will be prompted for the passphrase.", [false, true]),
        ("It does not prompt for anything.", [false, false]),
        ("The next command will prompt for your password:", [false, true]),
    ])
    func proseAfterABlockThatSaysItAsksNeedsAPerson(after: String, interactive: [Bool]) {
        let guide = read(
            "# G\n\n\(fence)bash\nsudo gen-key --out /etc/app.key\n\(fence)\n\n\(after)\n\n\(fence)bash\nls /etc\n\(fence)\n")
        #expect(guide.steps.map(\.traits.interactive) == interactive)
    }

    /// "Watch the logs until you see `X`" before a follow command: the step expects X (and a
    /// run stops following once it is printed). Spans before the phrase, and blocks that do not
    /// follow, expect nothing from it.
    @Test func aFollowStepExpectsWhatItsLeadInWaitsFor() {
        let watch = "In `/opt/app`, watch the logs until you see `listening on :8080` and `ready`:"
        let guide = read("# G\n\n\(watch)\n\n\(fence)bash\ndocker compose logs -f api\n\(fence)\n")
        #expect(guide.steps[0].traits.follows)
        #expect(
            guide.steps[0].expectations == [.exitStatus(0), .outputContains("listening on :8080"), .outputContains("ready")])
        let once = read("# G\n\n\(watch)\n\n\(fence)bash\ndocker compose logs api\n\(fence)\n")
        #expect(once.steps[0].expectations == [.exitStatus(0)])
        let said = read("# G\n\nWatch the logs for `ready`:\n\n\(fence)bash\ntail -f app.log\n\(fence)\n")
        #expect(said.steps[0].expectations == [.exitStatus(0)])
    }

    /// "Press Ctrl+C to stop it." after a block, in the sentence that says what it shows or in
    /// the paragraph after: the command goes on until stopped, so a run follows it until it
    /// shows that. A way out of trouble ("If it hangs, press Ctrl+C.", "to cancel") is not.
    @Test func aCommandTheGuideSaysToStopWithCtrlCFollowsItsOutput() {
        func follows(_ after: String) -> (Bool, [String]) {
            let guide = read("# G\n\n\(fence)bash\n./run.sh\n\(fence)\n\n\(after)\n")
            return (guide.steps[0].traits.follows, guide.steps[0].awaitedOutput)
        }
        #expect(follows("You should see `Listening for Jobs`. Press Ctrl+C to stop it.") == (true, ["Listening for Jobs"]))
        #expect(follows("You should see `Listening for Jobs`.\n\nThen hit Ctrl-C.") == (true, ["Listening for Jobs"]))
        #expect(follows("Stop it with ^C when you are done.") == (true, []))
        #expect(follows("If it hangs, press Ctrl+C and try again.") == (false, []))
        #expect(follows("This takes a minute; press Ctrl+C to cancel.") == (false, []))
        #expect(follows("It prints `done`.") == (false, []))
        // What the sentence says to wait for before the key is awaited, never the key itself.
        #expect(follows("Press Ctrl+C when you see `Listening on 3000`.") == (true, ["Listening on 3000"]))
        #expect(follows("Wait until it prints `Ready`, then press `Ctrl+C`.") == (true, ["Ready"]))
        #expect(
            follows("Press `Ctrl-C` once you see `worker started` and `queue drained`.") == (
                true, ["worker started", "queue drained"]
            ))
        #expect(follows("Press `Ctrl+C` to stop it.") == (true, []))
    }

    /// "If usage is below 85 %, … stop here." is the person's to judge: a manual step in its
    /// place, where a run pauses to go on or abort; also a warning's sentence after others.
    /// A failure's condition is not: a run stops at a failure anyway.
    @Test func aConditionalStopIsThePersonsStep() {
        let guide = read(
            """
            # G
            ## Confirm
            \(fence)bash
            df -h /
            \(fence)

            If usage is below 85 %, the alert has cleared: resolve the page and stop here.

            \(fence)bash
            sudo pg_upgrade --check
            \(fence)

            If the check fails, stop here and escalate to the DBA lead.

            Do not touch /var/lib/postgresql. If this is a database host, stop and page the DBA.

            \(fence)bash
            sudo journalctl --vacuum-size=500M
            \(fence)
            ## Close out
            1. Resolve the page.
            2. Write a short summary in the incident channel.
            3. If the cause is new, open a ticket.
            """)
        #expect(guide.steps.map(\.kind) == [.command, .manual, .command, .manual, .command, .manual])
        #expect(guide.steps[1].instructions == "If usage is below 85 %, the alert has cleared: resolve the page and stop here.")
        #expect(
            guide.steps[3].instructions == "Do not touch /var/lib/postgresql. If this is a database host, stop and page the DBA.")
        #expect(guide.steps[5].instructions?.hasPrefix("1. Resolve the page.\n2. Write") == true)
    }

    /// A README's procedure: the values the person must set after copying the example file
    /// are their step, in its place, in a list item as among blocks; "Wait until the app is
    /// healthy:" makes its block a check the run retries. Setting nothing named, or a lead-in
    /// to a block, is no such step.
    @Test func valuesThePersonSetsAreTheirStep() {
        let guide = read(
            """
            # G
            ## Quick start
            1. Copy the example environment file and fill in the values:
               \(fence)bash
               cp .env.example .env
               \(fence)
               At minimum set `APP_SECRET` (generate one with `openssl rand -base64 32`) and `DATABASE_URL`.
            2. Start the stack:
               \(fence)bash
               docker compose up -d
               \(fence)
            3. Wait until the app is healthy:
               \(fence)bash
               docker compose ps
               \(fence)
            ## Mail
            \(fence)bash
            cp mail.env.example mail.env
            \(fence)

            Fill in `SMTP_HOST` and `SMTP_PASSWORD`.

            Then set the values below:

            \(fence)bash
            echo done
            \(fence)

            Set up the mail relay later.
            """)
        #expect(guide.steps.map(\.kind) == [.command, .manual, .command, .verification, .command, .manual, .command])
        #expect(
            guide.steps[1].instructions
                == "At minimum set APP_SECRET (generate one with openssl rand -base64 32) and DATABASE_URL.")
        #expect(guide.steps[5].instructions == "Fill in SMTP_HOST and SMTP_PASSWORD.")
        #expect(!Patterns.waitsForAState("Wait for the build to finish:"))
        #expect(Patterns.waitsForAState("Wait for the pods to be ready:"))
    }

    /// A follow command (`pm2 logs`, `journalctl -f`) with "Press Ctrl+C when you see `…`"
    /// after it waits for what the sentence names.
    @Test func aFollowCommandWaitsForWhatTheStopSentenceNames() {
        let guide = read("# G\n\n\(fence)bash\npm2 logs api\n\(fence)\n\nPress Ctrl+C when you see `Listening on 3000`.\n")
        #expect(guide.steps[0].traits.follows)
        #expect(guide.steps[0].expectations == [.exitStatus(0), .outputContains("Listening on 3000")])
        // What a column or the things listed show (session 34): the value after the verb.
        for (sentence, awaited) in [
            ("Press Ctrl+C once `READY` shows `True`.", "True"), ("Press Ctrl+C once all pods are `Running`.", "Running"),
        ] {
            let watch = read("# G\n\n\(fence)bash\nkubectl get pods -w\n\(fence)\n\n\(sentence)\n")
            #expect(watch.steps[0].expectations == [.exitStatus(0), .outputContains(awaited)])
        }
    }

    @Test(arguments: [
        ("sudo reboot", true), ("sudo shutdown -r now", true), ("sudo systemctl reboot", true), ("sudo init 6", true),
        ("[ -f /var/run/reboot-required ] && sudo reboot", true), ("shutdown -r +5 'kernel update'", true),
        ("sudo shutdown -c", false), ("sudo shutdown -h now", false), ("reboot --help", false), ("echo reboot", false),
        ("cat /var/run/reboot-required", false), ("systemctl status", false),
        // A function's definition runs nothing, whatever its name.
        ("reboot() {\n  echo pretend\n}", false), ("reboot () { echo pretend; }", false),
    ])
    func aRebootIsKnown(code: String, reboots: Bool) {
        #expect(ShellText.traits(of: code).reboots == reboots)
    }

    @Test(arguments: [
        ("sudo systemctl restart app", true), ("sudo systemctl enable --now nginx", true), ("sudo service nginx reload", true),
        ("docker compose up -d", true), ("docker run -d -p 80:80 nginx", true), ("pm2 start app.js", true),
        ("nohup ./server > log 2>&1 &", true), ("sudo systemctl enable nginx", false), ("systemctl status app", false),
        ("docker compose up", false), ("docker compose pull", false), ("service nginx status", false),
    ])
    func aServiceStartIsKnown(code: String, starts: Bool) {
        #expect(ShellText.traits(of: code).startsService == starts)
    }

    /// A foreground server the guide goes on beside ("In another terminal:", "Leave it
    /// running") runs in the background; one the prose says nothing about, or a log followed,
    /// does not, and `background=false` wins over the prose.
    @Test(arguments: [
        ("In another terminal:", true), ("Leave it running and open a new terminal. Then:", true),
        ("Keep this running.", true), ("Then:", false), ("In the terminal, run:", false),
    ])
    func aServerTheGuideGoesOnBesideRunsInTheBackground(prose: String, background: Bool) {
        let guide = read(
            "# G\n\n\(fence)bash\nkubectl -n shop port-forward svc/api 8080:80\n\(fence)\n\n\(prose)\n\n"
                + "\(fence)bash\ncurl -s localhost:8080/healthz\n\(fence)\n")
        #expect(guide.steps.map(\.runsInBackground) == [background, false])
        let annotated = read(
            "# G\n\n\(fence)bash { background=false }\nuvicorn app:app\n\(fence)\n\n\(prose)\n\n\(fence)bash\ncurl -s localhost:8000\n\(fence)\n"
        )
        #expect(annotated.steps.map(\.runsInBackground) == [false, false])
        let followed = read(
            "# G\n\n\(fence)bash\ntail -f /var/log/app.log\n\(fence)\n\n\(prose)\n\n\(fence)bash\ncurl -s localhost:8000\n\(fence)\n"
        )
        #expect(followed.steps.map(\.runsInBackground) == [false, false])
    }

    /// A client's prompt opened on a line of its own, then a block in its language: the block
    /// is the client's input (psql stops at the first error), one step; after a client that
    /// asks for a password, the block is the person's to type (below); a block in another
    /// language is left as it was.
    @Test func aBlockTypedAtAClientsPromptIsItsInput() {
        let psql = read(
            "# G\n\n\(fence)bash\nsudo -u postgres psql\n\(fence)\n\nThen:\n\n\(fence)sql\nCREATE DATABASE shop;\n\\q\n\(fence)\n"
        )
        #expect(psql.steps.map(\.kind) == [.artifact])
        #expect(psql.steps[0].runner == "sudo -u postgres psql -v ON_ERROR_STOP=1")
        #expect(psql.steps[0].code == "CREATE DATABASE shop;\n\\q")
        #expect(psql.steps[0].isExecutable && !psql.steps[0].traits.interactive)
        let redis = read("# G\n\n\(fence)bash\nredis-cli -h cache\n\(fence)\n\n\(fence)redis\nSET a 1\n\(fence)\n")
        #expect(redis.steps.map(\.runner) == ["redis-cli -h cache"])
        let asks = read("# G\n\n\(fence)bash\nmysql -u root -p\n\(fence)\n\n\(fence)sql\nCREATE DATABASE shop;\n\(fence)\n")
        #expect(asks.steps.map(\.kind) == [.manual])
        #expect(asks.steps[0].instructions == "Run `mysql -u root -p`, then type at its prompt:\nCREATE DATABASE shop;")
        let other = read("# G\n\n\(fence)bash\npsql\n\(fence)\n\n\(fence)yaml\na: 1\n\(fence)\n")
        #expect(other.steps.map(\.kind) == [.command, .artifact])
    }

    /// `mongosh` takes JavaScript blocks. The blocks after the first one fed to a prompt, in
    /// its language, are typed at the same prompt, still open: steps of their own, fed the same
    /// way, on the same machine, across a heading too. A shell block between ends it.
    @Test func blocksAfterTheFirstAreTypedAtTheSamePrompt() {
        let guide = read(
            "# G\n\nOn `mongo1.internal` only, open the shell:\n\n\(fence)bash\nmongosh\n\(fence)\n\n"
                + "\(fence)javascript\nrs.initiate()\n\(fence)\n\nCheck:\n\n\(fence)js\nrs.status().ok\n\(fence)\n\n"
                + "## Users\n\n\(fence)javascript\nuse admin\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n\n"
                + "\(fence)javascript\ndb.version()\n\(fence)\n")
        #expect(guide.steps.map(\.kind) == [.artifact, .artifact, .artifact, .command, .artifact])
        #expect(guide.steps.map(\.annotations["runner"]) == ["mongosh", "mongosh", "mongosh", nil, nil])
        #expect(guide.steps.map(\.code) == ["rs.initiate()", "rs.status().ok", "use admin", "uptime", "db.version()"])
        #expect(guide.steps.prefix(3).map(\.target.name) == ["mongo1", "mongo1", "mongo1"])
        // `\q` leaves the prompt: the block after it is typed nowhere.
        let quit = read(
            "# G\n\n\(fence)bash\nsudo -u postgres psql\n\(fence)\n\n\(fence)sql\nCREATE DATABASE shop;\n\\q\n\(fence)\n\n"
                + "\(fence)sql\nSELECT 1;\n\(fence)\n")
        #expect(quit.steps.map(\.annotations["runner"]) == ["sudo -u postgres psql -v ON_ERROR_STOP=1", nil])
        // A block that asks for a password at the prompt is the person's to type there.
        let asks = read(
            "# G\n\n\(fence)bash\nmongosh\n\(fence)\n\n\(fence)js\ndb.createUser({ user: \"a\", pwd: passwordPrompt() })\n\(fence)\n"
        )
        #expect(asks.steps.map(\.kind) == [.manual])
        #expect(
            asks.steps[0].instructions
                == "Run `mongosh`, then type at its prompt:\ndb.createUser({ user: \"a\", pwd: passwordPrompt() })")
        let later = read(
            "# G\n\n\(fence)bash\nsudo -u postgres psql\n\(fence)\n\n\(fence)sql\nCREATE ROLE app LOGIN;\n\(fence)\n\n"
                + "\(fence)sql\n\\password app\n\(fence)\n\n\(fence)sql\nSELECT 1;\n\(fence)\n")
        #expect(later.steps.map(\.kind) == [.artifact, .manual, .artifact])
        #expect(later.steps[1].instructions == "At psql's prompt, type:\n\\password app")
        #expect(later.steps.map(\.annotations["runner"]) == ["sudo -u postgres psql -v ON_ERROR_STOP=1", nil, nil])
    }

    /// `sudo mysql -u root -p` asks for a password, which only the person gives: the `sql`
    /// blocks after it are the person's to type at its prompt, each a step in its place (the
    /// client's own step the first), until a block leaves the client or another comes between.
    /// Before, they were artifacts a run passed over.
    @Test func blocksAfterAPasswordPromptAreThePersonsToType() {
        let guide = read(
            "# G\n\n\(fence)bash\nsudo mysql -u root -p\n\(fence)\n\n\(fence)sql\nCREATE USER 'repl'@'%';\n\(fence)\n\n"
                + "\(fence)sql\nSHOW MASTER STATUS;\nexit\n\(fence)\n\n\(fence)sql\nSELECT 1;\n\(fence)\n\n"
                + "\(fence)bash\npsql -W -h db app\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n\n\(fence)sql\nSELECT 2;\n\(fence)\n"
        )
        #expect(guide.steps.map(\.kind) == [.manual, .manual, .artifact, .command, .command, .artifact])
        #expect(guide.steps[0].instructions == "Run `sudo mysql -u root -p`, then type at its prompt:\nCREATE USER 'repl'@'%';")
        #expect(guide.steps[1].instructions == "At mysql's prompt, type:\nSHOW MASTER STATUS;\nexit")
        #expect(guide.steps.map(\.traits.interactive) == [false, false, false, true, false, false])
    }

    /// A server whose own lead-in says it runs beside what follows ("Port-forward in a separate
    /// terminal:") runs in the background too; "a new terminal" may only want a fresh shell.
    @Test(arguments: [
        ("Port-forward in a separate terminal:", true), ("In another terminal, start the frontend:", true),
        ("Start it and leave it running:", true), ("Start the server:", false), ("Open a new terminal and run:", false),
    ])
    func aServerLedInAsRunningBesideRunsInTheBackground(leadIn: String, background: Bool) {
        let guide = read(
            "# G\n\n\(leadIn)\n\n\(fence)bash\nkubectl -n shop port-forward svc/api 8080:80\n\(fence)\n\nThen:\n\n"
                + "\(fence)bash\ncurl -s localhost:8080/healthz\n\(fence)\n")
        #expect(guide.steps.map(\.runsInBackground) == [background, false])
        #expect(guide.steps[0].traits.foregroundServer)
    }

    /// A command runbook does not know as a server (`python app.py`) is one when the guide goes
    /// on beside it ("In another terminal:"); "a new terminal" may only want a fresh shell, and
    /// a block of several commands, or one that is not an application, is not kept running.
    @Test(arguments: [
        ("python app.py", "In another terminal:", true), ("java -jar build/app.jar --port 9000", "Leave it running.", true),
        ("./bin/server", "In a second terminal, check it:", true), ("go run ./cmd/api", "In another terminal:", true),
        ("python app.py", "Open a new terminal, then:", false), ("python app.py", "Then:", false),
        ("python -m pip install -r requirements.txt", "In another terminal:", false),
        ("cd api\npython app.py", "In another terminal:", false), ("go build ./...", "In another terminal:", false),
        ("python app.py | tee app.log", "In another terminal:", false),
    ])
    func anApplicationTheGuideGoesOnBesideRunsInTheBackground(code: String, prose: String, background: Bool) {
        let guide = read("# G\n\n\(fence)bash\n\(code)\n\(fence)\n\n\(prose)\n\n\(fence)bash\ncurl -s localhost:8000\n\(fence)\n")
        #expect(guide.steps.map(\.runsInBackground) == [background, false])
        #expect(guide.steps[0].traits.foregroundServer == background)
    }

    /// What `exec` retries while a server that just started in the background comes up: a
    /// request that sends nothing, or a step with an expected output; not one that sends data
    /// or does anything else.
    @Test(arguments: [
        ("curl -s http://127.0.0.1:8000/", "", true), ("curl -fsS localhost:8000/health | grep ok", "", true),
        ("wget -qO- localhost:8000", "", true), ("curl -X POST localhost:8000/jobs", "", false),
        ("curl -d 'a=1' localhost:8000", "", false), ("rm -rf /tmp/cache", "", false),
        ("./client --ping", "Expected output:\n\n```\npong\n```\n", true),
        ("curl -s localhost:8000 && touch ready", "", false),
    ])
    func aCheckThatAServerAnswers(code: String, after: String, checks: Bool) {
        let guide = read("# G\n\n\(fence)bash\n\(code)\n\(fence)\n\n\(after)")
        #expect(guide.steps.first?.checksAServer == checks)
    }

    /// "sudo nano FILE", then the file's text: the editor's step carries the text (with its
    /// lead-in), to show before the editor opens, and the text is the file's, not a person's
    /// step of its own. A shell block after the editor is that text only when the lead-in
    /// says to paste it.
    @Test func theTextAfterAnEditorIsShownBeforeItOpens() {
        let guide = read(
            "# G\n\n\(fence)\nsudo nano /etc/systemd/system/app.service\n\(fence)\n\n"
                + "Paste the following, replacing `sammy` with your username:\n\n\(fence)ini\n[Service]\nUser=sammy\n\(fence)\n\n"
                + "\(fence)bash\nvim ~/.bashrc\n\(fence)\n\n\(fence)bash\nexport PATH=$HOME/bin:$PATH\n\(fence)\n\n"
                + "\(fence)bash\nnano deploy.sh\n\(fence)\n\nPaste:\n\n\(fence)bash\n#!/bin/bash\nmake deploy\n\(fence)\n")
        #expect(
            shape(guide) == [
                "g/1:command:local", "g/2:artifact:local", "g/3:command:local", "g/4:command:local", "g/5:command:local",
                "g/6:artifact:local",
            ])
        #expect(
            guide.steps[0].instructions == "Paste the following, replacing sammy with your username:\n\n[Service]\nUser=sammy")
        #expect(guide.steps[2].instructions == nil)
        #expect(guide.steps[4].instructions == "Paste:\n\n#!/bin/bash\nmake deploy")
    }

    /// An unlabelled block after the editor is the file's text ("Add your settings:" over the
    /// lines of `.env`), not variables of the guide, unless its lead-in says to run it.
    @Test func anUnlabelledBlockAfterAnEditorIsTheFilesText() {
        let guide = read(
            "# G\n\n\(fence)bash\nnano .env\n\(fence)\n\nAdd your settings:\n\n\(fence)\nPORT=3000\nSESSION_SECRET=s\n\(fence)\n\n"
                + "\(fence)bash\nnano notes.txt\n\(fence)\n\nThen run:\n\n\(fence)\nmake deploy\n\(fence)\n")
        #expect(shape(guide) == ["g/1:command:local", "g/2:artifact:local", "g/3:command:local", "g/4:command:local"])
        #expect(guide.steps[0].instructions == "Add your settings:\n\nPORT=3000\nSESSION_SECRET=s")
        #expect(guide.variables.isEmpty)
        #expect(guide.steps[2].instructions == nil)
    }

    @Test(
        arguments: [
            ("sudo nano /etc/nginx/sites-available/app", "/etc/nginx/sites-available/app"), ("vim ~/.bashrc", "~/.bashrc"),
            ("sudo -E nvim .env", ".env"), ("sudoedit /etc/hosts", "/etc/hosts"), ("nano", nil), ("nano -w", nil),
            ("nano a.txt\ncat a.txt", nil), ("less /var/log/syslog", nil), ("crontab -e", "the crontab"),
            ("sudo crontab -u deploy -e", "deploy's crontab"), ("crontab -l", nil), ("sudo visudo", "/etc/sudoers"),
            ("sudo visudo -f /etc/sudoers.d/deploy", "/etc/sudoers.d/deploy"), ("sudo visudo -cf /etc/sudoers.d/d", nil),
            ("sudo systemctl edit --full app", "the override of app"), ("systemctl status app", nil),
        ] as [(String, String?)])
    func anEditorBlockNamesTheFileItOpens(code: String, file: String?) {
        #expect(ShellText.editedFile(code) == file)
    }

    /// Every program a trait function has a case for is in the set that lets a command reach
    /// them: read from the three functions' source, so a case added without it fails here.
    @Test func everyProgramWithACaseIsAskedAboutItsTraits() throws {
        let source = try String(
            contentsOf: LoopbackSSHD.packageRoot.appendingPathComponent("Sources/RunbookGuide/Reader/CommandTraits.swift"),
            encoding: .utf8)
        var named: Set<String> = []
        for (from, to, gate) in [
            ("static func isFollow", "public static let editors", ShellText.followPrograms),
            ("static func isInteractive", "private static let sqlCommandFlags", nil),
            ("static func isForegroundServer", "static func isReboot", ShellText.foregroundServerPrograms),
            ("static func isReboot", "static func isServiceStart", ShellText.rebootPrograms),
            ("static func isServiceStart", "static func isDetached", ShellText.serviceStartPrograms),
        ] as [(String, String, WordSet?)] {
            var cases: Set<String> = []
            let body = try #require(
                source.range(of: from).flatMap { start in
                    source.range(of: to, range: start.upperBound..<source.endIndex).map {
                        source[start.lowerBound..<$0.lowerBound]
                    }
                })
            for line in body.split(separator: "\n") {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard text.hasPrefix("case \""), let colon = text.firstIndex(of: ":") else { continue }
                let labels = text[..<colon].components(separatedBy: " where ")[0]
                for label in labels.split(separator: "\"").enumerated() where label.offset % 2 == 1 {
                    cases.insert(String(label.element))
                }
            }
            // A function behind a gate is asked only of the programs its gate holds: all its cases.
            if let gate { #expect(Set(gate) == cases, "\(from)") }
            // `isInteractive`'s list is its cases, and `su` for its default case (`sudo su`).
            if gate == nil { #expect(Set(ShellText.interactivePrograms) == cases.union(["su"])) }
            named.formUnion(cases)
        }
        // Full-screen programs share one case, by their set.
        named.formUnion(ShellText.fullScreenPrograms)
        #expect(named.count > 80)
        #expect(named.subtracting(Set(ShellText.programsWithTraits)).sorted() == [])
        // `su` is `isInteractive`'s default case; `newgrp` is read in `addTraits` itself.
        #expect(Set(ShellText.programsWithTraits).subtracting(named).sorted() == ["newgrp", "su"])
    }

    @Test func heredocBodiesAreNotCommands() {
        let traits = ShellText.traits(of: "cat > f <<'EOF'\nnano is mentioned here\ntail -f x\nEOF\necho done")
        #expect(traits == CommandTraits())
        let lines = ShellText.logicalLines("cat <<-EOF\n\tbody\n\tEOF\nls \\\n  -la")
        #expect(lines.map(\.isHeredocBody) == [false, true, true, false])
        #expect(lines.last?.text == "ls  -la")
        #expect(lines.last?.span == 2)
    }
}
