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
}
