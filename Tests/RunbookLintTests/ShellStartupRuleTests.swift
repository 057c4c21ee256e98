import Testing

@testable import RunbookLint

struct ShellStartupRuleTests {
    /// `source ~/.bashrc`, `. ~/.profile` and a bare `newgrp docker` count on a shell the run
    /// does not have; each is found at its command.
    @Test func startUpFilesAndNewgrpWarn() throws {
        let findings = try lint(
            guide(
                "echo 'export PATH=$PATH:/usr/local/go/bin' >> ~/.bashrc\nsource ~/.bashrc\ngo version",
                "sudo usermod -aG docker \"$USER\" && newgrp docker", ". \"$HOME/.profile\"", "cd app; . ~/.bashrc"),
            rule: "shell-startup")
        #expect(spots(findings) == ["7:1 warning", "14:36 warning", "20:1 warning", "26:9 warning"])
        #expect(
            findings.map(\.message).first
                == "~/.bashrc returns at once in a shell that is not interactive (Debian and Ubuntu start it so): what it sets is not set for the next commands"
        )
        #expect(findings[1].fix == "run what needs the group with sg GROUP -c '…' or sudo, or log in again")
    }

    /// Appending to a start-up file, reading it, sourcing another file, and `newgrp` given a
    /// command to run are fine.
    @Test func writingReadingAndOtherFilesAreFine() throws {
        let text = guide(
            "echo 'alias k=kubectl' >> ~/.bashrc\ncat ~/.bashrc", "source ~/.cargo/env\n. .venv/bin/activate",
            "echo 'id' | newgrp docker", "# source ~/.bashrc")
        #expect(try lint(text, rule: "shell-startup").isEmpty)
    }
}
