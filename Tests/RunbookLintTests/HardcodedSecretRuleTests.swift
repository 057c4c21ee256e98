import RunbookGuide
import RunbookTestSupport
import Testing

@testable import RunbookLint

struct HardcodedSecretRuleTests {
    @Test func literalSecretsAndKnownKeyShapesAreErrors() throws {
        let text = guide(
            "export API_TOKEN=\"q9Xv2LmT7rB4nKp8sW3z\"",
            "aws configure set aws_access_key_id AKIA2Q5B7XK9ZP3MWL4T",
            "echo ghp_0123456789abcdefghijklmnopqrstuvwxyzAB > t",
            "cat > k <<'EOF'\n-----BEGIN OPENSSH PRIVATE KEY-----\nEOF")
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["6:19 error", "12:37 error", "18:6 error", "25:1 error"])
        #expect(
            findings[1].message == "an AWS access key id is written into the guide; revoke it and bind it with --vars instead")
    }

    /// Every kind of key the shapes know is found, in any of its spellings: each holds one of
    /// the words a line needs before the shapes are tried.
    @Test func everyKeyShapeIsFoundPastTheLineFilter() throws {
        let tokens = [
            "AKIA2Q5B7XK9ZP3MWL4T", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "gho_0123456789abcdefghijklmnopqrstuvwxyzAB",
            "ghu_0123456789abcdefghijklmnopqrstuvwxyzAB", "ghs_0123456789abcdefghijklmnopqrstuvwxyzAB",
            "ghr_0123456789abcdefghijklmnopqrstuvwxyzAB", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF",
            "xoxb-1234567890-abcdefghij", "xoxp-1234567890-abcdefghij", "sk-proj-abcdefghijklmnopqrstuvwx",
            "sk-abcdefghijklmnopqrstuvwxyz", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
        ]
        for token in tokens {
            #expect(token.includesAny(HardcodedSecretRule.shapeHints), "\(token)")
            #expect(HardcodedSecretRule.keyShape(in: "echo \(token) > k") != nil, "\(token)")
        }
        let findings = try lint(guide(tokens.map { "echo \($0) > k" }), rule: "hardcoded-secret")
        #expect(findings.count == tokens.count)
    }

    /// The keys AWS's documentation shows are placeholders to bind, not secrets to revoke.
    @Test func documentationExampleKeysArePlaceholders() throws {
        let text = guide(
            "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE")
        #expect(try lint(text, rule: "hardcoded-secret").isEmpty)
        #expect(
            try lint(text, rule: "placeholder").map { "\($0.location.line) \($0.severity) \($0.message)" } == [
                "6 info placeholder AKIAIOSFODNN7EXAMPLE (EXAMPLE key) in a default; bind a real value with --vars or --set",
                "7 info placeholder wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (EXAMPLE key) in a default; bind a real value with --vars or --set",
                "13 error placeholder AKIAIOSFODNN7EXAMPLE (EXAMPLE key) in a command",
            ])
        // In a word of lower case, or short, "example" is no key.
        #expect(Placeholder.find(in: "counterexample EXAMPLE sampleEXAMPLE") == nil)
    }

    @Test func variablesPlaceholdersAndLowEntropyAreFine() throws {
        let text = guide(
            "export API_TOKEN=\"$VAULT_TOKEN\"",
            "export DB_PASSWORD=\"changeme\"",
            "export SECRET_KEY_FILE=/etc/app/secret.key",
            "export SESSION_SECRET=aaaaaaaaaaaaaaaa")
        #expect(try lint(text, rule: "hardcoded-secret").isEmpty)
    }
    /// A variables table is where many guides keep their settings: a real-looking value in any
    /// cell of a row whose name is secret-like is an error at that cell; placeholders, short or
    /// plain values, prose and rows of other names are not.
    @Test func aSecretPastedIntoAVariablesTableIsAnError() throws {
        let text = """
            # G

            | Variable | Value | Example | Description |
            |---|---|---|---|
            | `DB_PASSWORD` | `Xk9vQ2mT7rB4nLp8` | | the app's database password |
            | API_TOKEN | <your-token> | | from the dashboard |
            | SESSION_SECRET | changeme | | rotate it |
            | DB_HOST | db-7Xq9.internal.example.net | | where the database is |
            | `${STRIPE_KEY}` | - | `rk_live_9Fz2Lq8Wm3Tx7Bv4` | the live key |
            | `GITHUB_TOKEN` | | | a token with repo scope |

            """
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["5:20 error", "9:26 error"])
        #expect(
            findings.map(\.message) == [
                "DB_PASSWORD is given a literal value that looks like a real secret",
                "STRIPE_KEY is given a literal value that looks like a real secret",
            ])
        // A table without its outer pipes is a table too; the same line in code is not a row.
        let bare =
            "# G\n\nVariable | Value\n---|---\nDB_PASSWORD | Xk9vQ2mT7rB4nLp8\n\n```text\nDB_PASSWORD | Xk9vQ2mT7rB4nLp8\n```\n"
        #expect(spots(try lint(bare, rule: "hardcoded-secret")) == ["5:15 error"])
    }

    /// SQL sets a password with no `=` or `:`: `PASSWORD '…'` (PostgreSQL) and `IDENTIFIED BY
    /// '…'` (MySQL), in a `sql` block or a `psql` heredoc alike. A variable, a psql variable,
    /// a placeholder or a short word is fine.
    @Test func aLiteralSQLPasswordIsAnError() throws {
        let text = guide(
            "sudo -u postgres psql <<'SQL'\nCREATE ROLE app LOGIN PASSWORD 'S3cure!Passw0rdX';\nSQL",
            "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'q9Xv2LmT7rB4nKp8';\"",
            "psql -v pw=\"$DB_PASSWORD\" <<'SQL'\nALTER ROLE app PASSWORD :'pw';\nALTER ROLE b PASSWORD '${DB_PASSWORD}';\nSQL",
            "psql <<'SQL'\nALTER ROLE c PASSWORD 'changeme';\nALTER ROLE d PASSWORD 'secret';\nSQL")
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["7:33 error", "14:48 error"])
        #expect(
            findings[0].message == "a database password is written into the guide as a literal that looks like a real secret")
    }

    /// A URL that carries a real-looking password (`postgres://api:Zx81kQ92mPa7@db/shop`),
    /// whatever name it is given to; a variable, a placeholder or a short word is fine.
    @Test func aPasswordInAURLIsAnError() throws {
        let text = guide(
            "kubectl create secret generic api \\\n  --from-literal=DATABASE_URL=postgres://api:Zx81kQ92mPa7@db:5432/shop",
            "export REDIS_URL=\"redis://:q9Xv2LmT7rB4nKp8@cache:6379/0\"",
            "psql \"postgres://api:${DB_PASSWORD}@db/shop\"\npsql postgres://USER:PASSWORD@HOST/db\n"
                + "psql postgres://postgres:postgres@localhost/dev\ngit clone https://github.com/acme/app.git\nssh git@github.com"
        )
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["7:46 error", "13:28 error"])
        #expect(
            findings.map(\.message)
                == Array(
                    repeating: "a URL's password is written into the guide as a literal that looks like a real secret", count: 2))
        #expect(findings.first?.fix == "bind the password (or the whole URL) with --vars and write ${NAME} in its place")
    }

    /// A person's password in a URL (`s3cr3tPassw0rd2024`: letters and digits, but letters
    /// repeated, 3.46 bits a character) is a secret too; a made-up one (`devpassword123`,
    /// `mysecret2024x`) or one without digits (`postgresqlserver`) is not.
    @Test func aPersonsPasswordInAURLIsAnError() throws {
        let text = guide(
            "export DATABASE_URL=postgresql://app:s3cr3tPassw0rd2024@db01:5432/app",
            "psql postgresql://app:devpassword123@localhost/app\npsql postgres://app:mysecret2024x@localhost/app\n"
                + "psql postgres://app:postgresqlserver@localhost/app\npsql postgres://app:aaaa1111bbbb@localhost/app"
        )
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["6:38 error"])
        #expect(
            findings.map(\.message) == ["a URL's password is written into the guide as a literal that looks like a real secret"])
    }

    /// A real-looking secret passed to an option named like one (`--token AZ7Q…`, `--password
    /// "…"`, `-p`'s long forms) is an error; a variable, a placeholder, a weak value, and an
    /// option that names where a key is (`--key-file`) are fine.
    @Test func aSecretPassedToAnOptionIsAnError() throws {
        let text = guide(
            "./config.sh --url https://github.com/acme/platform --token AZ7QK2M9XB4TLP8WN3RDJ6YHC5V --labels x64",
            "docker login -u ci --password \"Qz8vK2mL9xT4rB7n\" registry.acme.io",
            "./config.sh --token \"$RUNNER_TOKEN\"\n./config.sh --token YOUR_RUNNER_TOKEN\n./config.sh --token abcdefghijklmnop\n"
                + "tool --key-file /etc/keys/Qz8vK2mL9xT4rB7n.pem\ntool --token=AZ7QK2M9XB4TLP8WN3RDJ6YHC5V"
        )
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["6:60 error", "12:32 error", "22:14 error"])
        #expect(findings[0].message == "--token is given a literal value that looks like a real secret")
        #expect(findings[0].fix == "bind it with --vars and write ${NAME} in its place")
        #expect(findings[1].message == "--password is given a literal value that looks like a real secret")
        #expect(findings[2].message == "token is given a literal value that looks like a real secret")
    }

    /// A config directive that takes a password as its value (`requirepass`, `masterauth`,
    /// Sentinel's `auth-pass`) given a real-looking one in a block; Redis's own example
    /// (`foobared`), a variable, and the same line in prose are fine.
    @Test func aPasswordGivenToAConfigDirectiveIsAnError() throws {
        let text = """
            # G

            Append to `/etc/redis/redis.conf`:

            ```conf
            requirepass s3cure-Redis-2026
            requirepass foobared
            masterauth ${REDIS_PASSWORD}
            sentinel auth-pass mymaster "Qz8vK2mL9xT4rB7n"
            masterauth "Xk7#mQ2$vL9pR4wZ"
            requirepass $REDIS_PASSWORD
            ```

            The line `requirepass s3cure-Redis-2026` in prose is no block.
            """
        let findings = try lint(text, rule: "hardcoded-secret")
        // A `$` inside a config file's value is one of its characters (session 34).
        #expect(spots(findings) == ["6:13 error", "9:30 error", "10:13 error"])
        #expect(
            findings.map(\.message) == [
                "requirepass is given a literal value that looks like a real secret",
                "auth-pass is given a literal value that looks like a real secret",
                "masterauth is given a literal value that looks like a real secret",
            ])
    }

    /// A `.pgpass` line a command writes (host:port:database:user:password) with a
    /// real-looking password; one with `${DB_PASSWORD}`, with a placeholder, or a line of that
    /// shape written to another file is fine.
    @Test func aPasswordInAPgpassLineIsAnError() throws {
        let text = """
            # G

            ```bash
            echo "localhost:5432:orders:backup:S3cr3t-Backup-2024" | sudo tee /root/.pgpass
            echo "db1:*:*:app:${DB_PASSWORD}" >> ~/.pgpass
            echo "localhost:5432:orders:backup:<password>" > ~/.pgpass
            echo "a:b:c:d:S3cr3t-Backup-2024" > notes.txt
            ```
            """
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["4:36 error"])
        #expect(findings.map(\.message) == ["a .pgpass line gives a literal password that looks like a real secret"])
    }

    /// The byte matcher finds the assignment the pattern finds (its first match, name and
    /// value) on lines built from these parts, and leaves non-ASCII lines to the pattern.
    @Test func assignmentsByBytesAreWhatThePatternFinds() {
        let openings = ["", "  ", "export ", "x-", "a1", "é ", "curl -H "]
        let names = ["API_TOKEN", "_k", "9KEY", "TOKEN "]
        let separators = ["=", ":", " = ", "==", " "]
        let values = [
            "\"q9Xv2LmT7rB4nKp8\"", "'short'", "q9Xv2LmT7rB4", "q9Xv2LmT7rB", "$SECRET_VALUE_X", "abc`defghijklmn",
            "日本語の値はとても長いです",
        ]
        let endings = ["", " PASSWORD=Zz9Zz9Zz9Zz9Zz9", "\t# TOKEN"]
        var matched = 0
        for line in combinations([openings, names, separators, values, endings]) {
            let expected = Text.firstMatch(HardcodedSecretRule.assignment, in: line).map { [$0[1], $0[2]] }
            let found = HardcodedSecretRule.firstAssignment(in: line).map { [$0.name, $0.value] }
            #expect(found == expected, "\(line.debugDescription)")
            if expected != nil { matched += 1 }
        }
        #expect(matched == 1508)
    }
}
