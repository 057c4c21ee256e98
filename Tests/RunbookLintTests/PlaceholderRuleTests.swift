import Testing

@testable import RunbookLint

struct PlaceholderRuleTests {
    @Test func errorsInRunningBlocksWarningsInInlineCodeInfoAsDefaults() throws {
        let text = """
            # G

            ## Variables

            \(fence)bash
            export DOMAIN="yourdomain.com"
            \(fence)

            ## Deploy

            Clone `https://github.com/OWNER/REPO` first.

            \(fence)bash
            git clone https://github.com/OWNER/REPO app
            curl -H "Authorization: Bearer <token>" https://api.${DOMAIN}/health
            \(fence)

            - [ ] Email you@example.com when done

            \(fence)nginx
            server_name your-site.org;
            \(fence)

            """
        let findings = try lint(text, rule: "placeholder")
        #expect(
            spots(findings) == ["6:16 info", "11:27 warning", "14:30 error", "15:32 error", "18:13 warning", "21:13 warning"])
        #expect(findings[2].message == "placeholder OWNER/REPO (OWNER/REPO) in a command")
        #expect(findings[2].fix == "use a variable (${NAME}) bound with --vars")
        #expect(findings[4].message == "placeholder you@example.com (you@example.com) in an instruction")
    }

    @Test func realValuesAndMarkupAreNotPlaceholders() throws {
        let text = guide(
            "git clone https://github.com/acme/shop app",
            "cat > f <<EOF\n<b>bold</b>\nEOF",
            "echo \"done\"  # mail ops@acme.io")
        #expect(try lint(text, rule: "placeholder").isEmpty)
    }
}
