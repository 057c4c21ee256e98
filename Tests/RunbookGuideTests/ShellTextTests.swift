import Testing

@testable import RunbookGuide

@Suite("shell words and assignments")
struct ShellTextTests {
    /// Quotes are removed, escapes kept literally, operators are words, a comment ends the line.
    @Test func wordsFollowTheShellsQuotingRules() {
        #expect(ShellText.words("echo \"a b\" 'c d'e f\\ g") == ["echo", "a b", "c de", "f g"])
        #expect(
            ShellText.words("a&&b||c;;d|e&f;(g)") == [
                "a", "&&", "b", "||", "c", ";;", "d", "|", "e", "&", "f", ";", "(", "g", ")",
            ])
        #expect(ShellText.words("x=\"\\\"q\\\\\" y # not a word") == ["x=\"q\\", "y"])
        #expect(ShellText.words("a#b '' \"\" c") == ["a#b", "", "", "c"])
        #expect(ShellText.words("  \tsudo  -iu\tdeploy  ") == ["sudo", "-iu", "deploy"])
        #expect(ShellText.words("echo 'unterminated quote") == ["echo", "unterminated quote"])
        #expect(ShellText.words("echo trailing\\") == ["echo", "trailing"])
        #expect(ShellText.words("echo é\"日本\"ü \\é") == ["echo", "é日本ü", "é"])
        #expect(ShellText.words("# only a comment") == [])
        #expect(ShellText.words("") == [])
    }

    @Test func separatorsAreTheControlOperatorWords() {
        let separators = [";", ";;", "&&", "||", "|", "&", "(", ")"]
        let others = ["", ";&", "|&", "&|", "((", "))", ";;;", "a", "-", "<", ">", "&&&", "é"]
        #expect(separators.allSatisfy(ShellText.isSeparator))
        #expect(!others.contains(where: ShellText.isSeparator))
        #expect(ShellText.commands("a b; c && d | e") == [["a", "b"], ["c"], ["d"], ["e"]])
    }

    @Test func aValueReadsAVariableWhenADollarStartsAName() {
        let reading = ["$HOME/x", "${A:-b}", "a$_x", "x ${Z}", "$$ $a"]
        let literal = ["", "$", "${", "$1", "${1}", "cost: 5$", "$-x", "${{", "é$é"]
        #expect(reading.allSatisfy(ShellText.readsVariable))
        #expect(!literal.contains(where: ShellText.readsVariable))
        for value in reading + literal {
            #expect(ShellText.readsVariable(value) == Text.matches(#"\$\{?[A-Za-z_]"#, value, caseInsensitive: false), "\(value)")
        }
    }

    /// Each heredoc operator gives its delimiter, unquoted, in order; a here-string gives none.
    @Test func heredocOperatorsGiveTheirDelimiters() {
        let cases: [(String, [String], [Bool])] = [
            ("cat <<EOF > f", ["EOF"], [false]),
            ("cat <<-'END_X' | sh", ["END_X"], [true]),
            ("cat << \"a b\"", ["a b"], [false]),
            ("cat <<\\EOF", ["EOF"], [false]),
            ("cat <<A 2>&1 <<-\tB", ["A", "B"], [false, true]),
            ("cat <<<word", [], []),
            ("cat <<< \"$x\" <<E", ["E"], [false]),
            ("a <<'' b <<'unclosed", [], []),
            ("x <<5 <<- <<_n1", ["_n1"], [false]),
            ("tee <<'日本' <<\"é\"", ["日本", "é"], [false, false]),
            ("no operator < < here", [], []),
        ]
        for (line, delimiters, strips) in cases {
            let found = ShellText.heredocDelimiters(in: line)
            #expect(found.map(\.delimiter) == delimiters, "\(line)")
            #expect(found.map(\.stripTabs) == strips, "\(line)")
        }
    }

    /// A block opens with a prompt when its first line does, as `promptEnd` reads prompts
    /// strictly (`$ `, `❯ `, `user@host:~$ `): never a comment, whatever follows the `#`.
    @Test func aBlockOpensWithAPromptWhenItsFirstLineHasAStrictOne() {
        let opening = [
            "$ ls", "  \n$ ls", "❯ ls", "(venv) $ pip install x", "deploy@web01:~/app$ git pull", "[root@web01 ~]# ls",
        ]
        let not = [
            "ls", "# comment", "# $ ls", "# user@host:~$ ls", "#!/bin/bash\n$ ls", "\n\n# a\n$ ls", "echo $ x", "% ls",
            "# ", "", "x=1 # $ y",
        ]
        for code in opening { #expect(ShellText.opensWithPrompt(code), "\(code.debugDescription)") }
        for code in not { #expect(!ShellText.opensWithPrompt(code), "\(code.debugDescription)") }
        // The same answer as the strict prompt of the first line that is not blank.
        for code in opening + not {
            let first =
                code.lines.first { !$0.allSatisfy(\.isWhitespace) }.map { String($0.drop { $0 == " " || $0 == "\t" }) } ?? ""
            #expect(
                ShellText.opensWithPrompt(code) == (ShellText.promptEnd(first, strict: true) != nil), "\(code.debugDescription)")
        }
    }

    /// A two-line prompt's first line is passed over: the line after it decides.
    @Test func aTwoLinePromptsFirstLineIsPassedOver() {
        let opening = [
            "[10:39 AM]-[otis@laptop]-[~]-\n$ ssh ubuntu@23.20.191.10", "┌──(kali㉿kali)-[~]\n└─$ sudo apt update",
            "  (venv@box)\n\n$ make",
        ]
        let not = [
            "[10:39 AM]-[otis@laptop]-[~]-\nls", "[ -f x ] && echo ok\n$ ls", "(cd app && make)\n$ ls",
            "[otis@laptop]-[~]- $ ls\nls", "┌──(kali㉿kali)-[~]",
        ]
        for code in opening { #expect(ShellText.opensWithPrompt(code), "\(code.debugDescription)") }
        for code in not { #expect(!ShellText.opensWithPrompt(code), "\(code.debugDescription)") }
    }

    @Test func anAssignmentLineIsANameAndOneValue() throws {
        let cases: [(String, (String, String, Bool)?)] = [
            ("export  SITE=\"my site\" # shown", ("SITE", "my site", false)),
            ("PORT=8080", ("PORT", "8080", false)),
            ("TOKEN='a\"b'", ("TOKEN", "a\"b", true)),
            ("DIR=\"${HOME}/x \\\"y\\\"\"", ("DIR", "${HOME}/x \"y\"", false)),
            ("NAME=é日本", ("NAME", "é日本", false)),
            ("EMPTY=", ("EMPTY", "", false)),
            ("A=1 B=2", nil), ("A=1; make", nil), ("A=\"open", nil), ("1A=x", nil), ("A =1", nil),
            ("A=b\"c\"", nil), ("make A=1", nil),
            // A placeholder in words is read as a person reads it; a redirection is not one.
            ("export GITHUB_TOKEN=<your token>", ("GITHUB_TOKEN", "<your token>", false)),
            ("API_KEY=<YOUR API KEY> # from the dashboard", ("API_KEY", "<YOUR API KEY>", false)),
            ("A=<x> y", nil), ("A=< x>", nil), ("A=<a b", nil),
        ]
        for (line, expected) in cases {
            let parsed = ShellText.parseAssignment(line)
            #expect(parsed?.0 == expected?.0 && parsed?.1 == expected?.1 && parsed?.2 == expected?.2, "\(line)")
        }
    }
}
