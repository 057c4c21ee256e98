import Testing

@testable import RunbookLint

struct DestructiveRuleTests {
    @Test func destructiveCommandsWarnOutsideRollback() throws {
        let text =
            guide(
                "rm -rf \"$BUILD_DIR\"/*", "rm -rf \"${BUILD_DIR:?}\"/*", "docker compose down -v",
                "psql -c 'DROP DATABASE shop'", "git clean -fdx")
            + "\n## Rollback\n\n\(fence)bash\nrm -rf \"$RELEASE\"\n\(fence)\n"
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["6:1 warning", "18:1 warning", "24:10 warning", "30:1 warning"])
        #expect(findings[0].fix == "write ${NAME:?} so an unset variable stops the step")
    }

    /// A section whose title says it undoes ("Uninstall", "Reset the staging database"), and
    /// the sections inside it, may destroy; "Resetting caches" says no such thing.
    @Test func sectionsThatUndoMayDestroy() throws {
        let block = "\(fence)bash\nrm -rf \"$APP_DIR\"\n\(fence)\n"
        let text =
            "# G\n\n## Uninstall\n\n### Remove the data\n\n\(block)\n## Reset the staging database\n\n\(block)"
            + "\n## Resetting caches\n\n\(block)"
        #expect(spots(try lint(text, rule: "destructive")) == ["20:1 warning"])
    }

    /// Deleting a Kubernetes namespace or volume claim, and `terraform destroy`, outside
    /// teardown; deleting a pod, and a plan of a destroy, are not.
    @Test func clustersAndInfrastructureDestroyedWarn() throws {
        let text = guide(
            "kubectl delete namespace shop", "kubectl -n shop delete pvc data-0", "tofu destroy -auto-approve",
            "kubectl delete pod api-0\nterraform plan -destroy\nkubectl get ns")
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning", "18:1 warning"])
        #expect(
            findings.map(\.message) == [
                "kubectl delete of a namespace or a volume claim deletes what it holds",
                "kubectl delete of a namespace or a volume claim deletes what it holds",
                "terraform destroy deletes the infrastructure it manages",
            ])
    }

    /// The command-line forms of DROP DATABASE, TRUNCATE and Redis's flushes; coreutils'
    /// `truncate` of a file and `dropdb --help` are not.
    @Test func databaseToolsThatDestroyDataWarn() throws {
        let text = guide(
            "dropdb --if-exists \"$DB_NAME\"", "mysqladmin -u root drop shop", "psql -c 'TRUNCATE TABLE orders'",
            "redis-cli FLUSHALL", "truncate -s 0 /var/log/app.log\ndropdb\nmysqladmin status")
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["6:1 warning", "12:1 warning", "18:10 warning", "24:11 warning"])
        #expect(
            findings.map(\.message) == [
                "dropdb destroys a database, as DROP DATABASE does", "mysqladmin drop destroys a database, as DROP DATABASE does",
                "TRUNCATE empties a table", "FLUSHALL and FLUSHDB delete every key of Redis",
            ])
    }

    /// A database made earlier in the same section (a restore test's scratch copy) may be
    /// dropped, by `dropdb` or SQL, in that step or a later one; one made in another section,
    /// or never, is the guide's data.
    @Test func aScratchDatabaseOfTheSectionMayBeDropped() throws {
        let text = """
            # G

            ## Setup

            \(fence)bash
            createdb app
            \(fence)

            ## Test a restore

            \(fence)bash
            createdb -U postgres "restore_check"
            pg_restore -d restore_check /var/backups/app.dump
            \(fence)

            \(fence)bash
            psql -c 'CREATE DATABASE IF NOT EXISTS scratch;'
            psql -c 'DROP DATABASE IF EXISTS scratch;'
            dropdb -U postgres restore_check
            dropdb app
            psql -c "DROP DATABASE restore_check_old"
            \(fence)
            """
        let findings = try lint(text, rule: "destructive")
        #expect(spots(findings) == ["20:1 warning", "21:10 warning"])
        #expect(DestructiveRule.droppedDatabase(in: "dropdb -U postgres --if-exists 'shop'") == "shop")
        #expect(DestructiveRule.droppedDatabase(in: "psql -c 'DROP DATABASE IF EXISTS `shop`;'") == "shop")
        #expect(!DestructiveRule.creates("shop", in: "createdb shop_test"))
    }
}
