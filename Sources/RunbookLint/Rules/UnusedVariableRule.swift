import Foundation
import RunbookModel

/// `unused-variable`: declared and never used by a step, an expectation, a target or another
/// variable's default, nor read by the programs the guide runs from their environment
/// (`PGPASSWORD` for psql, `AWS_PROFILE` for the AWS CLI).
struct UnusedVariableRule: LintRule {
    var id: String { "unused-variable" }
    var summary: String { "a declared variable nothing uses" }

    /// Names programs read from their environment: the guide sets them for `psql`, `aws`,
    /// `terraform`, `docker` or `git` to find, without writing `$NAME` anywhere.
    static let programNames: Set<String> = [
        // libpq (psql, pg_dump, pg_restore) and pg_ctl; MySQL and Redis clients.
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGOPTIONS",
        "PGAPPNAME", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGCONNECT_TIMEOUT", "PGTZ", "PGDATA",
        "MYSQL_PWD", "MYSQL_HOST", "MYSQL_TCP_PORT", "REDISCLI_AUTH",
        // Cloud command lines.
        "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "AWS_PAGER", "AWS_DEFAULT_OUTPUT", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
        "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID",
        "ARM_SUBSCRIPTION_ID", "DIGITALOCEAN_ACCESS_TOKEN", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID",
        "HCLOUD_TOKEN", "HEROKU_API_KEY", "FLY_API_TOKEN", "VERCEL_TOKEN", "NETLIFY_AUTH_TOKEN",
        // Terraform, Vault, Kubernetes, Docker and Compose.
        "TF_LOG", "TF_IN_AUTOMATION", "TF_INPUT", "TF_CLI_ARGS", "TF_DATA_DIR", "TF_WORKSPACE", "VAULT_ADDR",
        "VAULT_TOKEN", "VAULT_NAMESPACE", "KUBECONFIG", "DOCKER_HOST", "DOCKER_BUILDKIT", "DOCKER_CONFIG",
        "DOCKER_CONTEXT", "DOCKER_DEFAULT_PLATFORM", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "COMPOSE_PROJECT_NAME",
        "COMPOSE_FILE", "COMPOSE_PROFILES",
        // Git and its hosts, Node, Python, proxies, the system.
        "GIT_SSH_COMMAND", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
        "GIT_TERMINAL_PROMPT", "GH_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN", "NODE_ENV", "NODE_OPTIONS", "PYTHONPATH",
        "PYTHONUNBUFFERED", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
        "no_proxy", "DEBIAN_FRONTEND", "TZ", "LANG", "LC_ALL", "EDITOR", "SSH_AUTH_SOCK",
    ]
    /// Prefixes whose every name a tool reads: Terraform's `TF_VAR_…`, Ansible's, pip's, npm's
    /// and gcloud's settings.
    static let programPrefixes = ["TF_VAR_", "ANSIBLE_", "PIP_", "NPM_CONFIG_", "npm_config_", "CLOUDSDK_"]

    /// True when a program the guide may run reads `name` from its environment.
    static func readByPrograms(_ name: String) -> Bool {
        programNames.contains(name)
            || programPrefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }

    func check(_ linted: LintedGuide) -> [Diagnostic] {
        var used: Set<String> = []
        var texts: [String] = []
        for (step, scan) in zip(linted.guide.steps, linted.scans) where step.kind != .variables {
            // The code was lexed for undefined-variable already.
            if let scan { used.formUnion(scan.uses.map(\.name)) } else { texts.append(step.code) }
            texts += [step.instructions ?? ""] + step.expectations.map(\.description) + Array(step.annotations.values)
        }
        texts += linted.guide.targets.flatMap { [$0.uri ?? "", $0.identity ?? ""] }
        texts += linted.guide.variables.compactMap(\.defaultValue)
        for text in texts where text.containsByte(UInt8(ascii: "$")) {
            used.formUnion(ShellScan(text, definitions: false).uses.map(\.name))
        }
        return linted.guide.variables.filter { !used.contains($0.name) && !Self.readByPrograms($0.name) }.map { variable in
            Diagnostic(
                rule: id, severity: .info, location: variable.location,
                message: "\(variable.name) is declared but no step uses it")
        }
    }
}
