import RunbookGuide
import RunbookTestSupport
import Testing

@testable import RunbookLint

struct HardcodedSecretRuleTests {
    @Test func literalSecretsAndKnownKeyShapesAreErrors() throws {
        let text = guide(
            "export API_TOKEN=\"q9Xv2LmT7rB4nKp8sW3z\"",
            "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
            "echo ghp_0123456789abcdefghijklmnopqrstuvwxyzAB > t",
            "cat > k <<'EOF'\n-----BEGIN OPENSSH PRIVATE KEY-----\nEOF")
        let findings = try lint(text, rule: "hardcoded-secret")
        #expect(spots(findings) == ["6:19 error", "12:37 error", "18:6 error", "25:1 error"])
        #expect(
            findings[1].message == "an AWS access key id is written into the guide; revoke it and bind it with --vars instead")
    }

    @Test func variablesPlaceholdersAndLowEntropyAreFine() throws {
        let text = guide(
            "export API_TOKEN=\"$VAULT_TOKEN\"",
            "export DB_PASSWORD=\"changeme\"",
            "export SECRET_KEY_FILE=/etc/app/secret.key",
            "export SESSION_SECRET=aaaaaaaaaaaaaaaa")
        #expect(try lint(text, rule: "hardcoded-secret").isEmpty)
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
