import Testing

@testable import RunbookLint

struct PlaceholderRuleTests {
    /// `ssh root@your_server_ip` logs in, so no step holds it: the placeholder is still found,
    /// a warning (preflight refuses the unbound target before anything runs), and said so
    /// only when the target is left unbound by it, not by a placeholder jump host.
    @Test func aPlaceholderInAnSSHLineIsFound() throws {
        let text = "# G\n\n\(fence)bash\nssh root@your_server_ip\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        let findings = try lint(text, rule: "placeholder")
        #expect(spots(findings) == ["4:10 warning"])
        #expect(findings.first?.message == "placeholder your_server_ip (your-…) in an ssh line: target server stays unbound")
        let jump =
            "# G\n\n\(fence)bash\nssh -J ops@bastion.example.org deploy@10.0.0.5\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        let hop = try lint(jump, rule: "placeholder")
        #expect(hop.map(\.message) == ["placeholder bastion.example.org (example.com host) in an ssh line"])
        let real = "# G\n\n\(fence)bash\nssh deploy@10.0.0.5\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        #expect(try lint(real, rule: "placeholder").isEmpty)
        // Under "On the server", which names the machine before its ssh line gives an address,
        // and with a command after it in the block: still found, at the ssh line.
        let named = "# G\n\n## On the server\n\n\(fence)bash\nssh deploy@198.51.100.20\nsudo usermod -aG docker $USER\n\(fence)\n"
        #expect(spots(try lint(named, rule: "placeholder")) == ["6:12 warning"])
    }

    /// `yourdomain.example` (`.example` is kept for documentation, RFC 2606) in a command is
    /// an error like `yourdomain.com`; an `.env.example` file is no domain.
    @Test func aDomainUnderTheExampleTopLevelDomainIsAPlaceholder() throws {
        let text = """
            # G

            \(fence)bash
            cp .env.example .env
            certbot certonly --standalone \\
              -d yourdomain.example \\
              -m admin@example.com
            \(fence)
            """
        let findings = try lint(text, rule: "placeholder")
        #expect(spots(findings) == ["6:6 error", "7:6 error"])
        #expect(
            findings.map(\.message) == [
                "placeholder yourdomain.example (yourdomain.com) in a command",
                "placeholder admin@example.com (you@example.com) in a command",
            ])
    }

    /// A date to fill in (`orders-YYYYMMDD-HHMMSS.sql.gz`) in a command is an error: the run
    /// would look for a file of that name; a date format (`date +%Y%m%d`) is none.
    @Test func aDateToFillInIsAPlaceholder() throws {
        let text = """
            # G

            \(fence)bash
            aws s3 cp s3://backups/orders-YYYYMMDD-HHMMSS.sql.gz /tmp/
            pg_dump orders > orders-$(date +%Y%m%d).sql
            \(fence)
            """
        let findings = try lint(text, rule: "placeholder")
        #expect(spots(findings) == ["4:31 error"])
        #expect(findings.map(\.message) == ["placeholder YYYYMMDD-HHMMSS (YYYYMMDD) in a command"])
    }

    /// A block in an MkDocs tab is indented four spaces under it: findings point at the
    /// file's line and column, in every tab (each may be chosen).
    @Test func findingsInTabsAreAtTheFilesColumns() throws {
        let text = """
            # G

            === "pip"

                \(fence)bash
                pip install acme==<version>
                \(fence)

            === "pipx"

                \(fence)bash
                pipx install acme==<version>
                \(fence)
            """
        #expect(spots(try lint(text, rule: "placeholder")) == ["6:23 error", "12:24 error"])
    }

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
