import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookLint

struct UndefinedVariableRuleTests {
    @Test func aVariableNothingDefinesIsAnErrorAtItsDollar() throws {
        let findings = try lint(guide("echo \"deploying $APP_VERSION to ${TARGET_HOST}\""), rule: "undefined-variable")
        #expect(spots(findings) == ["6:17 error", "6:33 error"])
        #expect(findings[0].message == "$APP_VERSION is not defined by the guide, an earlier step or a binding")
        #expect(
            findings[0].fix
                == "declare it (export APP_VERSION=…) in the variables section, or use ${APP_VERSION:?set APP_VERSION first}")
    }

    @Test func declarationsEarlierStepsAssignmentsAndTheEnvironmentDefine() throws {
        let text = guide(
            "export A=1\nB=2 C=3 make\nread -r D E < file\nfor F in x y; do echo $F; done\nlocal G=1; declare -a H\nprintf -v I '%s' x\nmapfile -t J < f",
            "echo $A $B $C $D $E $F $G $H $I $J $HOME $PATH $USER $PWD $1 $? $$ $# $@",
            "K=$(date); echo \"$K\" ${L:-default} ${M:=set}; echo $M")
        #expect(try lint(text, rule: "undefined-variable").isEmpty)
    }

    /// `read -p` with a quoted prompt (spaces and quotes inside) still defines what it reads.
    @Test func aPromptedReadDefinesItsNames() throws {
        let text = guide(
            "read -p \"Email for Let's Encrypt: \" LE_EMAIL\nread -rp 'Domain: ' DOMAIN\nread -t 5 -p \"say \\\"x\\\": \" A B",
            "echo $LE_EMAIL $DOMAIN $A $B $C")
        let findings = try lint(text, rule: "undefined-variable")
        #expect(findings.map(\.message) == ["$C is not defined by the guide, an earlier step or a binding"])
    }

    @Test func quotesEscapesCommentsAndQuotedHeredocsAreRespected() throws {
        let text = guide(
            "echo '$SINGLE' \\$ESCAPED \"$'x'\"  # $COMMENT\nawk '{print $1, $NF}' f",
            "cat > app.env <<'EOF'\nTOKEN=$NOT_EXPANDED\nEOF\ncat <<-\"END\"\n\t$ALSO_LITERAL\n\tEND",
            "cat <<EOF\nhost=$EXPANDED_HERE\nEOF")
        let findings = try lint(text, rule: "undefined-variable")
        #expect(findings.map(\.message) == ["$EXPANDED_HERE is not defined by the guide, an earlier step or a binding"])
        #expect(spots(findings) == ["25:6 error"])
    }

    @Test func commandSubstitutionIsCodeEvenInsideQuotes() throws {
        let findings = try lint(guide("echo \"today: $(date +%F) in $(cat \"$CONFIG_DIR/zone\")\""), rule: "undefined-variable")
        #expect(findings.map(\.message) == ["$CONFIG_DIR is not defined by the guide, an earlier step or a binding"])
    }

    /// A `.env` or Dockerfile shown as a block that does not run defines nothing in the shell:
    /// `--port $PORT` after it is still undefined. Written with `file=`, it still defines
    /// nothing itself; after a block sources it, it is a warning, as after any `source`.
    @Test func aBlockThatDoesNotRunDefinesNothing() throws {
        let shown = """
            # G

            ## Configure

            Create `.env` with:

            \(fence)env
            PORT=8000
            \(fence)

            \(fence)bash
            uvicorn app:app --port "$PORT"
            \(fence)
            """
        let findings = try lint(shown, rule: "undefined-variable")
        #expect(spots(findings) == ["12:25 error"])
        let sourced = shown.replacingOccurrences(of: "\(fence)env\n", with: "\(fence)env { file=.env }\n")
            .replacingOccurrences(of: "uvicorn", with: "set -a; . ./.env; set +a\nuvicorn")
        #expect(spots(try lint(sourced, rule: "undefined-variable")) == ["13:25 warning"])
        let writtenOnly = shown.replacingOccurrences(of: "\(fence)env\n", with: "\(fence)env { file=.env }\n")
        #expect(spots(try lint(writtenOnly, rule: "undefined-variable")) == ["12:25 error"])
    }

    /// A block written with `file= expand=true` has its environment-style names filled in, so
    /// an undefined one is an error there; nginx's `$host` is left alone, and a block written
    /// as it is expands nothing.
    @Test func aFilledInFileChecksItsEnvironmentStyleNamesOnly() throws {
        let text = """
            # G

            ## Config

            \(fence)nginx { file=/tmp/site.conf expand=true }
            listen ${PROXY_PORT};
            proxy_set_header Host $host;
            \(fence)

            \(fence)ini { file=/tmp/app.ini }
            port = ${APP_PORT}
            \(fence)
            """
        let findings = try lint(text, rule: "undefined-variable")
        #expect(spots(findings) == ["6:8 error"])
        #expect(findings.map(\.message) == ["$PROXY_PORT is not defined by the guide, an earlier step or a binding"])
    }

    /// A run keeps one shell per machine and user: a name a step sets on the database server
    /// is not set in this machine's shell, nor in the server's shell as another user. A
    /// declared variable is bound on every machine.
    @Test func aNameSetOnAnotherMachineIsNotDefinedHere() throws {
        let text =
            "# G\n\n```bash\nexport BUCKET=s3://backups\n```\n\n## Fetch\n\nOn db1:\n\n"
            + "```bash\nLATEST=$(aws s3 ls \"$BUCKET/\" | tail -n 1)\necho \"$LATEST\"\n```\n\n"
            + "## Again on db1\n\nOn db1:\n\n```bash\nls \"$LATEST\"\n```\n\n"
            + "## Restore\n\nOn your laptop:\n\n```bash\npg_restore \"$LATEST\" \"$BUCKET\"\n```\n\n"
            + "## As the app user\n\nOn db1, as `postgres`:\n\n```bash\nls \"$LATEST\"\n```\n"
        let findings = try lint(text, rule: "undefined-variable")
        #expect(spots(findings) == ["29:13 error", "37:5 error"])
        #expect(
            findings.map(\.message) == [
                "$LATEST is not defined by the guide, an earlier step on local or a binding"
                    + " (step fetch/1 sets it on db1, and each machine's shell keeps its own variables)",
                "$LATEST is not defined by the guide, an earlier step on db1 (as postgres) or a binding"
                    + " (step fetch/1 sets it on db1, and each machine's shell keeps its own variables)",
            ])
        #expect(findings.first?.fix == "run this step where fetch/1 runs (on=db1), or set LATEST on local too")
    }

    @Test func afterSourceOrSetAItIsAWarning() throws {
        let text = guide("set -a\nsource .env\nset +a", "psql \"$DATABASE_URL\" -c 'select 1'")
        #expect(spots(try lint(text, rule: "undefined-variable")) == ["14:7 warning"])
        // `export $(… | xargs)` exports names from a file, as `set -a; source` does; `env $(…)`
        // sets them for its one command only.
        let exported = guide("export $(grep -v '^#' .env | xargs)\npsql \"$DATABASE_URL\" -c 'select 1'")
        #expect(spots(try lint(exported, rule: "undefined-variable")) == ["7:7 warning"])
        let once = guide("env $(cat .env | xargs) node migrate.js\necho \"$API_KEY\"")
        #expect(spots(try lint(once, rule: "undefined-variable")) == ["7:7 error"])
    }

    /// The lexer reads bytes; a column counts characters (scalars), as an editor shows it.
    @Test func columnsCountCharactersNotBytes() {
        let scan = ShellScan("echo \"é—ü\" $NAME\n\\é${OTHER} '日本' $THIRD")
        #expect(scan.uses.map(\.name) == ["NAME", "OTHER", "THIRD"])
        #expect(scan.uses.map(\.column) == [12, 3, 17])
        #expect(scan.uses.map(\.line) == [0, 1, 1])
    }

    /// Runs of plain bytes are copied in one loop: what follows a run is read as after its
    /// last byte (a `#` inside a word is no comment), and columns go on counting.
    @Test func plainRunsKeepWordsCommentsAndColumns() {
        let scan = ShellScan("curl -fsS https://x.example/a#b $URL\nls -la # $NOT\necho \"long plain words $IN\" $OUT")
        #expect(scan.uses.map(\.name) == ["URL", "IN", "OUT"])
        #expect(scan.uses.map(\.column) == [33, 24, 29])
        #expect(scan.uses.map(\.line) == [0, 2, 2])
    }

    /// A references-only scan finds the references the full scan finds, and of its definitions
    /// only `${NAME=x}`; it returns before lexing text without a `$`, which must change none of
    /// that.
    @Test func aReferencesOnlyScanAgreesWithTheFullScan() {
        let texts = [
            "export A=1\nread -r B\necho done", "server {\n  listen 80;\n}", "echo \"$HOME\" ${X:=1}",
            "cat <<'EOF'\n$KEEP\nEOF\necho $AFTER", "set -a; source .env", "",
        ]
        for text in texts {
            let full = ShellScan(text)
            let uses = ShellScan(text, definitions: false)
            #expect(uses.uses == full.uses, "\(text)")
            #expect(!uses.importsUnknown)
            #expect(uses.defines == full.defines.filter { name, _ in text.contains("${\(name)") })
        }
        #expect(ShellScan("export A=1", definitions: false).defines.isEmpty)
        #expect(ShellScan("echo ${X:=1}", definitions: false).defines == ["X": 0])
    }

    /// One pass finds which definition keywords stand as whole words.
    @Test func definitionKeywordsAreFoundAsWholeWords() {
        func keywords(_ line: String) -> ShellScan.Keywords { ShellScan.keywords(in: Array(line.utf8)[...]) }
        #expect(keywords("export A=1; read -r B") == [.declaration, .reader])
        #expect(keywords("for x in 1; do printf -v Y x; done") == [.loop, .printf])
        #expect(keywords("getopts ab opt") == [.getopts])
        #expect(keywords("set -a; source .env; eval x") == [.imports])
        #expect(keywords("reset settings sourced evaluate") == [])
        #expect(keywords("exported=1 _read reads readonly2 Export") == [])
        #expect(keywords("é local X") == [.declaration])
        #expect(keywords("") == [])
    }

    @Test func useBeforeDefinitionInTheSameBlockIsAnError() throws {
        #expect(spots(try lint(guide("echo $LATER\nLATER=1"), rule: "undefined-variable")) == ["6:6 error"])
    }

    @Test func aBindingChecksRequiredVariablesAndPlaceholders() throws {
        let text =
            "# G\n\n## Variables\n\n\(fence)bash\nexport DOMAIN=\"yourdomain.com\"\nexport API_TOKEN=\"\"\n\(fence)\n\n## Go\n\n\(fence)bash\necho $DOMAIN $API_TOKEN\n\(fence)\n"
        let unbound = try lint(text, rule: "undefined-variable", vars: "DOMAIN=shop.acme.io\n")
        #expect(unbound.map(\.message).count == 1)
        #expect(unbound[0].message.hasPrefix("API_TOKEN is required and "))
        #expect(unbound[0].location.line == 7)
        let placeholder = try lint(text, rule: "placeholder", vars: "DOMAIN=yourdomain.com\nAPI_TOKEN=t0k\n")
        #expect(
            placeholder.contains {
                $0.severity == .error && $0.message.hasPrefix("DOMAIN is bound to a placeholder (yourdomain.com) in ")
            })
    }

    /// `mayAssign` only skips lines the assignment pattern cannot match: it holds on every
    /// line built from these parts where the pattern matches, and it skips flags and tests.
    @Test func theAssignmentPrefilterNeverSkipsAnAssignment() {
        let openings = [
            "", "  ", "x ", "if true; then ", "do ", "done ", "docker run ", "echo a && ", "(", "`", "! ", "elsewhere ",
        ]
        let names = ["A", "_x", "dom", "9a", "a-b", "then"]
        let indexes = ["", "[1]", "[i j]", "["]
        let operators = ["=", "+=", " =", "==", "-="]
        let values = ["", "1", "\"$x\" B=2 cmd"]
        var matched = 0
        for line in combinations([openings, names, indexes, operators, values]) {
            let range = NSRange(location: 0, length: (line as NSString).length)
            guard ShellScan.assignment.firstMatch(in: line, range: range) != nil else { continue }
            matched += 1
            #expect(ShellScan.mayAssign(Array(line.utf8)), "\(line.debugDescription)")
        }
        #expect(matched > 500)
        #expect(!ShellScan.mayAssign(Array("curl --data=x -d a=b https://x".utf8)))
        #expect(!ShellScan.mayAssign(Array(#"[ "$a" = "$b" ] && echo same"#.utf8)))
        #expect(ShellScan.mayAssign(Array("if ok; then PORT=8080 run; fi".utf8)))
    }
    /// The byte matchers find what the definition patterns find, line by line, on lines built
    /// from these parts: assignments with indexes and appends, declarations with options,
    /// loops, `printf -v`, `getopts`, `read`, and the imports.
    @Test func definitionsByBytesAreWhatThePatternsFind() {
        let openings = ["", "  ", "x ", "if ok; then ", "do ", "done ", "echo a && ", "(", "! ", "elsewhere ", "a.b "]
        let commands = [
            "A=1", "A=1 B=2 cmd", "A[i]+=x\tB=\"  \" c", "A[=1", "export", "export -p", "export -a -x N=1 M", "local -x1 Y",
            "declare -A MAP=() OTHER;x", "readonly R=1;Z=2", "for i in 1 2", "for i  in", "select opt in a b", "format x in y",
            "printf -v OUT '%s' x", "getopts ab: flag", "getopts ab:", "read -r LINE REST", "read -a ARR", "source ./env",
            "source", ". ./env", "set -a", "set -ea", "set -ab", "set -o allexport", "set -o allexportx", "eval \"$x\"",
            "evaluate x", "reset -a", "X=\"a b\" Y=2", "export $(grep -v '^#' .env | xargs)", "export \"$k=$v\"",
            "declare -x `cat f`", "local -x1 $y", "export -x  '$z'", "exported $(x)", "export A=$(x)",
        ]
        let endings = ["", " ", "; export LAST=1", " && for j in x; do K=1; done", " | typeset T"]
        var compared = 0
        for line in combinations([openings, commands, endings]) {
            let bytes = Array(line.utf8)
            let keywords = ShellScan.keywords(in: bytes[...])
            let mayAssign = ShellScan.mayAssign(bytes)
            for mayImport in [false, true] {
                let byBytes = ShellScan.byteDefinitions(bytes, keywords: keywords, mayAssign: mayAssign, mayImport: mayImport)
                let byPatterns = ShellScan.patternDefinitions(
                    line, keywords: keywords, mayAssign: mayAssign, mayImport: mayImport)
                #expect(Set(byBytes.names) == Set(byPatterns.names), "\(line.debugDescription)")
                #expect(byBytes.imports == byPatterns.imports, "\(line.debugDescription) mayImport \(mayImport)")
                compared += 1
            }
        }
        #expect(compared == 11 * 38 * 5 * 2)
        let exported = ShellScan.byteDefinitions(
            Array("export -x A=1 B; C+=2 D[k]=3 run".utf8), keywords: .declaration, mayAssign: true, mayImport: false)
        #expect(Set(exported.names) == ["A", "B", "C", "D"])
    }
}
