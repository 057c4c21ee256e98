import RunbookModel
import Testing

@testable import RunbookGuide

@Suite("variables listed in a table")
struct VariableTableTests {
    /// `name=default (description) :line` for each declared variable.
    func declared(_ guide: Guide) -> [String] {
        guide.variables.map {
            "\($0.name)=\($0.defaultValue ?? "nil") (\($0.description ?? "")) :\($0.location.line)\($0.required ? " required" : "")"
        }
    }

    /// A table's rows are declarations when the steps read their names (or the programs they
    /// run do, as pg_dump reads `PGPASSWORD`) and none assigns them; an Example column is a
    /// description, not a default.
    @Test func aTableDeclaresTheNamesTheStepsRead() {
        let guide = read(
            """
            # Move the database

            | Variable | Example | Description |
            |---|---|---|
            | `OLD_HOST` | `db-old.internal` | current primary |
            | `NEW_HOST` | `db-new.internal` | new primary |
            | `${DB_NAME}` | app | database name |
            | `SET_HERE` | x | assigned by a step |
            | `PGPASSWORD` | | read by pg_dump |
            | `AWS_ACCOUNT` | 1234 | read by nothing |

            \(fence)bash
            pg_dump -h "$DB_HOST" "${DB_NAME}" > /tmp/app.dump
            scp /tmp/app.dump $NEW_HOST:/tmp/
            export SET_HERE=1; echo "$SET_HERE"
            \(fence)
            """)
        #expect(
            declared(guide) == [
                "NEW_HOST= (new primary (e.g. db-new.internal)) :6 required",
                "DB_NAME= (database name (e.g. app)) :7 required",
                "PGPASSWORD= (read by pg_dump) :9 required",
            ])
        #expect(guide.variables.map(\.source) == ["table", "table", "table"])
    }

    /// A rollback's `export VERSION=v1.4.1` is no default for the deploy: the table's
    /// declaration stands (a value asked for), and with no table the name the main flow reads
    /// is declared without the rollback's value. A name only the rollback reads keeps its value.
    @Test func aRollbacksAssignmentIsNoDefaultForTheDeploy() {
        let steps = """
            ## Deploy
            \(fence)bash
            git checkout "$VERSION"
            \(fence)
            ## Rollback
            \(fence)bash
            export VERSION=v1.4.1
            export KEEP=3
            \(fence)
            \(fence)bash
            ls -t releases | tail -n +$KEEP
            \(fence)
            """
        let tabled = read("# G\n\n| Variable | Example |\n|---|---|\n| `VERSION` | `v1.4.2` |\n\n" + steps)
        #expect(declared(tabled) == ["VERSION= ((e.g. v1.4.2)) :5 required", "KEEP=3 () :14"])
        let bare = read("# G\n" + steps)
        #expect(declared(bare) == ["VERSION= () :8 required", "KEEP=3 () :9"])
        #expect(bare.steps.map(\.flow) == [.main, .optional, .optional])
    }

    /// A Default (or Value) column gives defaults; "-" and "(none)" are none. A block that
    /// declares the same name wins, and the table's names take their place in file order.
    @Test func aDefaultColumnGivesDefaultsAndABlockWins() {
        let guide = read(
            """
            # Deploy

            \(fence)bash
            export REGION=eu-west-1
            \(fence)

            | **Name** | Default | Purpose |
            |:--|:-:|--:|
            | APP_PORT | `8080` | port the app listens on |
            | API_TOKEN | - | token for the API |
            | REGION | us-east-1 | where it runs |
            | lower_case | 1 | not an environment variable |

            \(fence)bash
            export LATER=from-a-block
            \(fence)

            \(fence)bash
            curl -H "Authorization: $API_TOKEN" "http://localhost:$APP_PORT/$REGION/$LATER/$lower_case"
            \(fence)
            """)
        #expect(
            declared(guide) == [
                "REGION=eu-west-1 () :4",
                "APP_PORT=8080 (port the app listens on) :9",
                "API_TOKEN= (token for the API) :10 required",
                "LATER=from-a-block () :15",
            ])
        #expect(guide.variables.first { $0.name == "API_TOKEN" }?.secret == true)
    }

    /// Tables of something else, and tables without a column of names, declare nothing.
    @Test(arguments: [
        "| Service | Port |\n|---|---|\n| `API` | 80 |",
        "| Variable | Description |\n| API | the api |",
        "| Variable | Description |\n|---|---|\n| `api-key` | lower case with a dash |",
    ])
    func otherTablesDeclareNothing(table: String) {
        let guide = read("# G\n\n\(table)\n\n\(fence)bash\necho \"$API\" \"$api\"\n\(fence)\n")
        #expect(guide.variables.isEmpty)
    }

    /// The rows are read as written: a table without outer pipes counts, `\|` in a cell is a
    /// pipe, a backslash in code stays, and CRLF lines are lines.
    @Test func rowsAreReadFromTheSource() {
        let guide = read(
            "# G\r\n\r\nVariable | Default | Description\r\n---|---|---\r\nGREP_FLAGS | `-E a\\|b` | alternation\r\n"
                + "WIN_PATH | `C:\\app` | where it goes\r\nNOTE_TEXT | x \\| y | piped\r\n\r\n"
                + "\(fence)bash\r\ngrep $GREP_FLAGS f; ls \"$WIN_PATH\"; echo \"$NOTE_TEXT\"\r\n\(fence)\r\n")
        #expect(
            declared(guide) == [
                "GREP_FLAGS=-E a|b (alternation) :5", "WIN_PATH=C:\\app (where it goes) :6", "NOTE_TEXT=x | y (piped) :7",
            ])
    }

    @Test(arguments: [
        ("echo $NAME", true, false), ("echo \"${NAME:-x}\"", true, false), ("export NAME=1", false, true),
        ("A=1 NAME=2 run", false, true), ("x;NAME=3", false, true), ("run --flag=NAME=1", false, false),
        ("echo $NAMES NAME_2", false, false), ("NAME=$NAME-x", true, true), ("echo NAME", false, false),
    ])
    func howCodeUsesAName(code: String, reads: Bool, assigns: Bool) {
        let uses = ShellText.uses(of: "NAME", in: code)
        #expect(uses.reads == reads)
        #expect(uses.assigns == assigns)
    }
}
