import RunbookGuide
import Testing

@testable import RunbookLint

struct UnwrittenFileRuleTests {
    /// "Save this as PATH:" over a config block without `file=`: the run would not create the
    /// file the next step needs. A lead-in over several lines counts; the path may be in
    /// backticks or bare, absolute, in the home directory or relative.
    @Test func aBlockToSaveAsAFileWithoutFileWarns() throws {
        let text = """
            # G

            ## Service

            Save this as `/etc/systemd/system/bot.service`:

            \(fence)ini
            [Service]
            ExecStart=/usr/local/bin/bot
            \(fence)

            \(fence)bash
            sudo systemctl enable --now bot
            \(fence)

            Create ~/.config/bot/config.toml with
            these settings:
            \(fence)toml
            level = "info"
            \(fence)

            1. Put the following in `./compose.yaml`:

               \(fence)yaml
               services: {}
               \(fence)
            """
        let findings = try lint(text, rule: "unwritten-file")
        #expect(spots(findings) == ["7:1 warning", "18:1 warning", "24:1 warning"])
        #expect(
            findings[0].message
                == "the block is to be saved as /etc/systemd/system/bot.service (line 5), but runbook writes a block only with file=; a run leaves it to a person"
        )
        #expect(findings[0].fix == "annotate the block with file=/etc/systemd/system/bot.service")
        #expect(findings[1].message.hasPrefix("the block is to be saved as ~/.config/bot/config.toml (line 16),"))
        #expect(findings[2].fix == "annotate the block with file=./compose.yaml")
    }

    /// `file=` writes it; "Add to" and "Edit" change a file (`file=` would overwrite it); a
    /// directory, a lead-in with no verb or no path, a block that runs, and a lead-in that does
    /// not end with a colon name no file to write.
    @Test func writtenOrEditedFilesAndOtherLeadInsAreFine() throws {
        let text = """
            # G

            ## Files

            Save the following as `./app.yaml`:

            \(fence)yaml { file=./app.yaml }
            a: 1
            \(fence)

            Add this to `/etc/hosts`:

            \(fence)text
            10.0.0.5 db
            \(fence)

            Edit `/etc/nginx/nginx.conf`:

            \(fence)nginx
            worker_processes 2;
            \(fence)

            Create the directory `/srv/app/`:

            \(fence)text
            drwxr-xr-x
            \(fence)

            Create the systemd unit file (copy/paste):

            \(fence)ini
            [Unit]
            \(fence)

            Save it as /etc/app.conf, then restart.

            \(fence)ini
            a = 1
            \(fence)

            Save this as `/usr/local/bin/deploy`:

            \(fence)bash
            echo deploying
            \(fence)
            """
        #expect(try lint(text, rule: "unwritten-file").isEmpty)
    }

    @Test(arguments: [
        ("Save this as `/etc/app.conf`:", "/etc/app.conf"), ("**Create** `$HOME/.app/rc` with:", "$HOME/.app/rc"),
        ("Write ${APP_DIR}/.env (no quotes):", "${APP_DIR}/.env"), ("Paste into /tmp/x.json:", "/tmp/x.json"),
        ("Save this as `/path/to/...`:", nil), ("Save this as `/etc/app/`:", nil), ("Save this:", nil),
        ("Add it to /etc/hosts:", nil), ("Saved in /etc/app.conf.", nil),
        ("Create `.env` in the project root with:", ".env"), ("Save it as `config/app.yaml`:", "config/app.yaml"),
        ("Create the `deploy` user with:", nil), ("Save the output of `docker ps`:", nil),
        ("Put this in https://gist.github.com/x:", nil),
        // Files tools find by name have no extension.
        ("Create a file named `Dockerfile` in the project root:", "Dockerfile"), ("Save it as `Caddyfile`:", "Caddyfile"),
        ("Create the `profile` with:", nil), ("Create `file` with:", nil), ("Create `Dockerfile2` with:", nil),
    ])
    func theSavedPath(leadIn: String, path: String?) {
        #expect(Text.savedPath(leadIn) == path)
    }

    /// A block whose display title is a path (MkDocs's and Docusaurus's `title=`, Nextra's
    /// `filename=`) is that file's text: the person's step ("Save this as …:"), found by the
    /// rule; a title that is a caption is not.
    @Test func aBlockTitledWithAPathIsToBeSavedThere() throws {
        let text = "# G\n\n\(fence)ini title=\"/etc/systemd/system/app.service\"\n[Service]\nUser=app\n\(fence)\n"
        let findings = try lint(text, rule: "unwritten-file")
        #expect(spots(findings) == ["3:1 warning"])
        #expect(
            findings.first?.message
                == "the block is to be saved as /etc/systemd/system/app.service (its title), but runbook writes a block only with file=; a run leaves it to a person"
        )
        let guide = try GuideReader.read(markdown: text, path: "g.md")
        #expect(guide.steps.map(\.kind) == [.manual])
        #expect(guide.steps.first?.instructions == "Save this as /etc/systemd/system/app.service:\n[Service]\nUser=app")
        let caption = "# G\n\n\(fence)text title=\"Example output\"\nok\n\(fence)\n"
        #expect(try lint(caption, rule: "unwritten-file").isEmpty)
        #expect(try GuideReader.read(markdown: caption, path: "g.md").steps.map(\.kind) == [.artifact])
    }

    /// A config block the sentence right after it says to save ("Save it as
    /// `/etc/wireguard/wg0.conf`, then:") is the person's step to save it there, on the machine
    /// of the session, found by the rule; "Save and close the file." names no file, a block
    /// with `file=` is written by the run, and a shell block after such a sentence is as ever.
    @Test func aBlockTheNextSentenceSaysToSaveIsToBeSavedThere() throws {
        let text = """
            # G

            \(fence)bash
            ssh admin@192.168.1.1
            \(fence)

            \(fence)ini
            [Interface]
            Address = 10.99.0.2/24
            \(fence)

            Save it as `/etc/wireguard/wg0.conf`, then:

            \(fence)bash
            sudo systemctl enable --now wg-quick@wg0
            \(fence)

            \(fence)ini
            [Peer]
            \(fence)

            Save and close the file.

            \(fence)ini { file=/etc/app.ini }
            a = 1
            \(fence)

            Save it as `/etc/app.ini`.
            """
        let guide = try GuideReader.read(markdown: text, path: "g.md")
        #expect(guide.steps.map(\.kind) == [.manual, .command, .artifact, .artifact])
        #expect(guide.steps[0].savedAs == "/etc/wireguard/wg0.conf")
        #expect(
            guide.steps[0].instructions
                == "On server: Save this as /etc/wireguard/wg0.conf:\n[Interface]\nAddress = 10.99.0.2/24")
        #expect(guide.steps[0].target == .person)
        let findings = try lint(text, rule: "unwritten-file")
        #expect(spots(findings) == ["7:1 warning"])
        #expect(
            findings.first?.message
                == "the block is to be saved as /etc/wireguard/wg0.conf (the sentence after it), but runbook writes a block only with file=; a run leaves it to a person"
        )
    }

    /// A shell script its lead-in says to save ("Create `/usr/local/bin/backup.sh`:" over a
    /// `#!` block, "Save this as `deploy.sh`:") is the file's text: the person's step, found by
    /// the rule, not commands that run now. A block that names the file itself makes or uses
    /// it (`cat > deploy.sh <<'EOF'`, `chmod +x`), and a console block is typed: those run.
    @Test func aScriptToSaveIsNotRun() throws {
        let text = """
            # G

            Create `/usr/local/bin/pg-backup.sh`:

            \(fence)bash
            #!/usr/bin/env bash
            set -euo pipefail
            find /var/backups -name '*.dump' -mtime +7 -delete
            \(fence)

            Save this as `deploy.sh`:

            \(fence)sh
            git pull && make
            \(fence)

            Create `build.sh`:

            \(fence)bash
            cat > build.sh <<'EOF'
            make
            EOF
            chmod +x build.sh
            \(fence)

            Create `/usr/local/bin/hello.sh`:

            \(fence)console
            $ printf '#!/bin/sh\\necho hi\\n' | sudo tee /usr/local/bin/hi
            \(fence)
            """
        let guide = try GuideReader.read(markdown: text, path: "g.md")
        #expect(guide.steps.map(\.kind) == [.manual, .manual, .command, .command])
        #expect(
            guide.steps.first?.instructions
                == "Create /usr/local/bin/pg-backup.sh:\n#!/usr/bin/env bash\nset -euo pipefail\nfind /var/backups -name '*.dump' -mtime +7 -delete"
        )
        #expect(spots(try lint(text, rule: "unwritten-file")) == ["5:1 warning", "13:1 warning"])
        // A title is the file's name over a `#!` script, and often the terminal's caption otherwise.
        let titled = "# G\n\n\(fence)bash title=\"/usr/local/bin/hi.sh\"\n#!/bin/sh\necho hi\n\(fence)\n"
        #expect(try GuideReader.read(markdown: titled, path: "g.md").steps.map(\.kind) == [.manual])
        let caption = "# G\n\n\(fence)bash title=\"install.sh\"\ncurl -fsSL https://get.example.sh | sh\n\(fence)\n"
        #expect(try GuideReader.read(markdown: caption, path: "g.md").steps.map(\.kind) == [.command])
    }

    /// "Create `.env`:" over `KEY=value` lines is the app's file to save, not the guide's
    /// variables: the person's step, found by the rule. Assignments under other lead-ins are
    /// still the guide's variables.
    @Test func aDotenvFileToSaveIsNotTheGuidesVariables() throws {
        let text = """
            # G

            Create `.env`:

            \(fence)
            PORT=3000
            LOG_LEVEL=info
            \(fence)

            Set the release:

            \(fence)bash
            export RELEASE=v1.4.2
            \(fence)
            """
        let guide = try GuideReader.read(markdown: text, path: "g.md")
        #expect(guide.steps.map(\.kind) == [.manual, .variables])
        #expect(guide.steps.first?.instructions == "Create .env:\nPORT=3000\nLOG_LEVEL=info")
        #expect(guide.variables.map(\.name) == ["RELEASE"])
        #expect(spots(try lint(text, rule: "unwritten-file")) == ["5:1 warning"])
    }

    @Test(
        arguments: [
            ("ini title=\"/etc/app.ini\"", "/etc/app.ini"), ("yaml title=docker-compose.yml", "docker-compose.yml"),
            ("js filename=\"src/app.js\" showLineNumbers", "src/app.js"), ("dockerfile title='Dockerfile'", "Dockerfile"),
            ("text title=\"Example output\"", nil), ("ini", nil), ("bash title=Terminal", nil),
        ] as [(String, String?)])
    func theTitledPath(info: String, path: String?) {
        #expect(Text.titledPath(info) == path)
    }
}
