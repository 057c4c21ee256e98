import Testing

@testable import RunbookLint

struct ShellStartupRuleTests {
    /// `source ~/.bashrc` and `. ~/.profile` count on a shell the run does not have; each is
    /// found at its command.
    @Test func startUpFilesWarn() throws {
        let findings = try lint(
            guide(
                "echo 'export PATH=$PATH:/usr/local/go/bin' >> ~/.bashrc\nsource ~/.bashrc\ngo version",
                ". \"$HOME/.profile\"", "cd app; . ~/.bashrc"),
            rule: "shell-startup")
        #expect(spots(findings) == ["7:1 warning", "14:1 warning", "20:9 warning"])
        #expect(
            findings.map(\.message).first
                == "~/.bashrc returns at once in a shell that is not interactive (Debian and Ubuntu start it so): what it sets is not set for the next commands"
        )
        #expect(findings[1].fix == "set what the next commands need in the step itself (export PATH=\"$PATH:/usr/local/go/bin\")")
    }

    /// Appending to a start-up file, reading it, sourcing another file, and `newgrp` (a run
    /// starts a new login after it; given a command, it runs that) are fine.
    @Test func writingReadingAndOtherFilesAreFine() throws {
        let text = guide(
            "echo 'alias k=kubectl' >> ~/.bashrc\ncat ~/.bashrc", "source ~/.cargo/env\n. .venv/bin/activate",
            "echo 'id' | newgrp docker", "sudo usermod -aG docker \"$USER\" && newgrp docker", "# source ~/.bashrc")
        #expect(try lint(text, rule: "shell-startup").isEmpty)
    }
}
