import Foundation
import RunbookGuide
import RunbookModel

/// `shell-startup`: a step that counts on what a login or interactive shell does, in the
/// shell runbook runs it in, which is neither. Debian's and Ubuntu's `~/.bashrc` returns at
/// its first lines unless the shell is interactive, so `source ~/.bashrc` after adding Go to
/// its PATH sets nothing and the next `go version` is "command not found". Beyond the spec's
/// table: a person pasting the guide does not see it, and a run then fails later. (`newgrp
/// docker` is not one: a run starts a new login after it, as it does for "Log out and log
/// back in".)
struct ShellStartupRule: PatternRule {
    var id: String { "shell-startup" }
    var summary: String { "a command that counts on an interactive shell's start-up" }
    /// Each shape is written once; the line filter is their words.
    static let shapes: [CommandShape] = [
        .init(
            #"(?<![^\s;&|(])(source|\.)\s+("?(~|\$HOME|\$\{HOME\})/)?\.bashrc\b"#, "bashrc",
            "~/.bashrc returns at once in a shell that is not interactive (Debian and Ubuntu start it so): what it sets is not set for the next commands",
            "set what the next commands need in the step itself (export PATH=\"$PATH:/usr/local/go/bin\")"),
        .init(
            #"(?<![^\s;&|(])(source|\.)\s+("?(~|\$HOME|\$\{HOME\})/)?\.(bash_profile|profile)\b"#, "profile",
            "~/.profile and ~/.bash_profile are for login shells: what they set may not be set for the next commands",
            "set what the next commands need in the step itself (export PATH=\"$PATH:/usr/local/go/bin\")"),
    ]
    static let hintWords = Needles(shapes.map { $0.word })
    var hints: Needles { Self.hintWords }
    var patterns: [CommandShape] { Self.shapes }
}
