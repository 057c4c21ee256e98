/// Environment variables the programs guides run read by themselves: a guide exports
/// `PGPASSWORD` for psql to find, without writing `$PGPASSWORD` anywhere. Lint counts such a
/// declaration as used, and preflight asks for it to be bound before a run.
public enum ProgramEnvironment {
    /// Names programs read from their environment: the guide sets them for `psql`, `aws`,
    /// `terraform`, `docker` or `git` to find, without writing `$NAME` anywhere.
    static let names: WordSet = [
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
        // Backup tools' storage (restic's B2 and Azure back ends), kops, sops.
        "B2_ACCOUNT_ID", "B2_ACCOUNT_KEY", "AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY", "KOPS_STATE_STORE",
        "SOPS_AGE_KEY_FILE",
    ]
    /// Prefixes whose every name a tool reads: Terraform's `TF_VAR_…`, Ansible's, pip's, npm's
    /// and gcloud's settings, restic's and Borg's repositories and passwords, Helm's, Consul's,
    /// Nomad's and Pulumi's.
    static let prefixes = [
        "TF_VAR_", "ANSIBLE_", "PIP_", "NPM_CONFIG_", "npm_config_", "CLOUDSDK_", "RESTIC_", "BORG_", "HELM_",
        "CONSUL_HTTP_", "NOMAD_", "PULUMI_",
    ]

    /// True when a program the guide may run reads `name` from its environment.
    public static func reads(_ name: String) -> Bool {
        names.contains(name)
            || prefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }
}
