import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

@Suite("targets and sessions")
struct TargetTests {
    @Test func proseNamesTheTargetOfItsBlockOnly() {
        let guide = read(
            """
            # G
            On your local machine:
            \(fence)bash
            npm run build
            \(fence)
            On the server:
            \(fence)bash
            sudo systemctl restart app
            \(fence)
            Then:
            \(fence)bash
            ls
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:local", "g/2:command:server", "g/3:command:local"])
        #expect(guide.targets.map(\.name) == ["local", "server"])
        #expect(guide.targets[1].uri == nil)
        #expect(guide.targets[1].source == "prose")
    }

    @Test(arguments: [
        ("On EC2:", "ec2"), ("From your laptop:", "local"), ("Quick smoke test (from the server):", "server"),
        ("On your local machine (and also on EC2 when needed), run:", "local"), ("On server:", "server"),
        ("Run this:", "local"), ("Verify production is running locally:", "local"),
    ])
    func proseTargets(prose: String, target: String) {
        let guide = read("# G\n\(prose)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(guide.steps[0].target.name == target)
    }

    /// "Where to run:" and its like name a place without a preposition, in the lead-in or in
    /// a GitHub admonition; the first sentence's first place decides.
    @Test(arguments: [
        ("**Where to run:** your own computer. Do NOT run this inside the VM.", "local"),
        ("> [!IMPORTANT]\n> **Where to run:** the terminal of your own computer (the host).", "local"),
        ("Runs on: the server", "server"), ("Run on: web01", "web01"), ("Where to run: inside the web VM", "web"),
        ("Run from: your laptop, not the bastion", "local"), ("Where to execute: the EC2 instance", "ec2"),
        // Not a label: no colon after it, or the label is not where the text starts.
        ("Where to run it is up to you, the server or your laptop.", "local"), ("Runs on the server", "server"),
        ("It runs on: the server", "local"),
    ])
    func placeLabelsNameTheTarget(prose: String, target: String) {
        let guide = read("# G\n\(prose)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(guide.steps[0].target.name == target)
    }

    /// A label under a heading, before its first block, places every block of the section
    /// (and of those under it) as the heading would, ahead of the heading and of a title
    /// that names another place; a label after a block is that block's lead-in only.
    @Test func aSectionsPlaceLabelPlacesItsBlocks() {
        let guide = read(
            """
            # Deploying the shop on a VPS
            ## Machines
            > [!NOTE]
            > **Where to run:** the terminal of your own computer (the host).

            We make the VM first.
            \(fence)bash
            multipass launch -n web lts
            \(fence)
            ### Listing
            \(fence)bash
            multipass list
            \(fence)
            ## Web
            \(fence)bash
            sudo apt-get install -y nginx
            \(fence)
            Where to run: your laptop
            \(fence)bash
            curl -I http://127.0.0.1
            \(fence)
            \(fence)bash
            sudo nginx -t
            \(fence)
            """)
        #expect(
            guide.steps.map { "\($0.target.name) \($0.target.reason)" } == [
                "local prose", "local prose", "server heading", "local prose", "server heading",
            ])
    }

    /// A lead-in that starts by naming a machine by its job and ends with a colon names a
    /// target of that name; singular and plural name the same one.
    @Test(arguments: [
        ("On the web server:", "web"), ("On the web servers:", "web"), ("On each database server, create the role:", "database"),
        ("On all worker nodes:", "worker"), ("From the build machine (CI):", "build"), ("On every app host:", "app"),
        ("On your db-1 instance:", "db-1"), ("On the GPU boxes:", "gpu"),
        // A job of two or three words is one name.
        ("On the load balancer server:", "load-balancer"), ("On each Kafka broker node:", "kafka-broker"),
        ("On the new API gateway hosts:", "api-gateway"),
        // A job-less word before the noun: the noun's own target, as "On the server:".
        ("On the production server:", "server"), ("On the new server:", "server"), ("On the remote hosts:", "server"),
        ("On the Ubuntu VM:", "vm"), ("On the EC2 instances:", "ec2"),
        // Running prose, or a size or number rather than a job: no machine is named.
        ("Installs fail on a small instance, so:", "local"), ("On many servers, this is slow.", "local"),
        ("On the web server the file lives in /etc/nginx.", "local"), ("On tiny instances:", "local"),
        ("On the 3 web servers:", "local"), ("On a small web server:", "local"),
        ("On the page that lists every server:", "local"),
        // A replication role alone names the machine; followed by another word it is none.
        ("On the primary:", "primary"), ("On the replicas:", "replica"), ("On the standby server:", "standby"),
        ("On the master branch:", "local"), ("On the primary, the data lives in /var/lib.", "local"),
        // A cluster's roles: Swarm's managers and workers, k3s's agents; "Back on" as "On".
        ("On each worker (`wrk1` and `wrk2`), run the join command:", "worker"), ("On the managers:", "manager"),
        ("Back on the manager, list the nodes:", "manager"), ("On every agent:", "agent"),
        ("Back in the day, on servers:", "local"), ("Backup on the worker:", "local"),
        // A cluster's nodes, with no job before them.
        ("On the node, upgrade kubelet:", "node"), ("On each node:", "node"),
        ("On the node pool page, click Save:", "local"),
        // A count says no job: "On all three hosts:" is the noun's own target, as "On each host:".
        ("On all three hosts, write the file:", "server"), ("On the two web servers:", "web"),
    ])
    func proseNamesAMachineByItsJob(prose: String, target: String) {
        let guide = read("# G\n\(prose)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(guide.steps[0].target.name == target)
    }

    /// "SSH into the manager:" before `ssh ubuntu@mgr1` says what that machine is: "On the
    /// manager:" and "Back on the manager," later are mgr1, logged in or not, where a worker
    /// stays a target of its own. A plural ("On the managers:") is not the one machine.
    @Test func aLoginLeadInNamesTheMachineItLogsInTo() {
        let guide = read(
            """
            # Swarm
            SSH into the manager:
            \(fence)bash
            ssh ubuntu@mgr1
            \(fence)
            \(fence)bash
            docker swarm init
            \(fence)
            On each worker (`wrk1` and `wrk2`), run the join command:
            \(fence)bash
            docker swarm join --token "$TOKEN" 10.0.0.10:2377
            \(fence)
            Back on the manager, list the nodes:
            \(fence)bash
            docker node ls
            \(fence)
            On your laptop:
            \(fence)bash
            exit
            \(fence)
            On the manager:
            \(fence)bash
            docker stack ls
            \(fence)
            On the managers:
            \(fence)bash
            docker info
            \(fence)
            """)
        #expect(
            guide.steps.map { "\($0.target.name) \($0.target.reason)" } == [
                "mgr1 session", "worker prose", "mgr1 prose", "mgr1 prose", "manager prose",
            ])
        #expect(guide.targets.map(\.name) == ["local", "mgr1", "worker", "manager"])
    }

    /// The login lead-ins `Patterns.loginJob` reads, and others it does not.
    @Test(
        arguments: [
            ("SSH into the manager:", "manager"), ("Log in to the database server:", "database"),
            ("Connect to the primary:", "primary"), ("ssh to the build box:", "build"),
            ("SSH into the managers:", nil), ("SSH into the manager", nil), ("Log in to the server:", nil),
            ("Connect to your laptop:", nil), ("Then SSH into the manager:", nil),
        ] as [(String, String?)])
    func loginLeadInsNameAJob(leadIn: String, job: String?) {
        #expect(Patterns.loginJob(leadIn) == job)
    }

    /// "**Server:** `deploy@10.1.2.3`" on a line of its own is the server's address: "On the
    /// server:" blocks run there, and a later `ssh deploy@10.1.2.3` logs in to the same
    /// target. A line that gives something else (an email, a domain) declares nothing.
    @Test func aLabelledLoginIsTheMachinesAddress() {
        let guide = read(
            """
            # G
            **Server:** `deploy@10.1.2.3`

            **Contact:** `ops@example.org`

            Host: `example.org`

            On the server:
            \(fence)bash
            sudo systemctl restart app
            \(fence)
            \(fence)bash
            ssh deploy@10.1.2.3
            uptime
            \(fence)
            """)
        #expect(guide.targets.map(\.name) == ["local", "server"])
        #expect(guide.targets[1].uri == "ssh://deploy@10.1.2.3")
        #expect(shape(guide) == ["g/1:command:server", "g/2:command:server"])
    }

    /// "Connect with `ssh ubuntu@10.20.30.40` and run:": the sentence logs the person in, as an
    /// `ssh` line in a block does, and the blocks after it run there; a sentence under a
    /// condition does not.
    @Test func anSSHCommandInASentenceLogsIn() {
        let guide = read(
            """
            # G
            If `ssh ubuntu@10.20.30.40` times out, open port 22 in the security group.
            \(fence)bash
            make dist
            \(fence)
            Connect with `ssh -i ~/.ssh/k.pem ubuntu@10.20.30.40` and run:
            \(fence)bash
            sudo systemctl restart app
            \(fence)
            \(fence)bash
            systemctl is-active app
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:local", "g/2:command:server", "g/3:command:server"])
        #expect(guide.targets.map(\.uri) == ["local", "ssh://ubuntu@10.20.30.40"])
        #expect(guide.targets[1].identity == "~/.ssh/k.pem")
    }

    /// "Log in as postgres: `sudo -iu postgres`." switches the user as that line in a block
    /// does, and the login a sentence gives (`ssh`, `sudo -iu`) is the run's to do, not a
    /// person's step; a warning ("Never run `sudo su` …") switches nothing.
    @Test func aUserSwitchInASentenceIsTheRunsToDo() {
        let guide = read(
            """
            # G
            Never run `sudo su` on the web servers.
            \(fence)bash
            whoami
            \(fence)
            Run everything here on db01 (`ssh admin@db01.internal`).
            \(fence)bash
            uptime
            \(fence)
            Log in as postgres: `sudo -iu postgres`.
            \(fence)bash
            psql -c 'select 1'
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:local", "g/2:command:db01", "g/3:command:db01 (as postgres)"])
        #expect(guide.steps.map(\.target.user) == [nil, nil, "postgres"])
        // A section whose only sentence is the login has no person's task in it.
        let alone = read("# G\n\nLog in as root: `ssh root@web1`\n\n## Update\n\n\(fence)bash\napt-get update\n\(fence)\n")
        #expect(shape(alone) == ["update/1:command:web1"])
    }

    /// `su - app` with no session open, after "On the server, as root:": the person switches
    /// users on the server, where they are, and stays there as app; after a block here, here.
    @Test func aUserSwitchWithNoSessionIsOnTheMachineOfTheStepBefore() {
        let guide = read(
            """
            # G
            On the server, as root:
            \(fence)bash
            adduser --disabled-password --gecos "" app
            \(fence)
            Switch to the app user:
            \(fence)bash
            su - app
            \(fence)
            \(fence)bash
            git clone https://github.com/acme/api.git
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:server (as root)", "g/2:command:server (as app)"])
        let here = read("# G\n\(fence)bash\nmake\n\(fence)\n\(fence)bash\nsudo -iu postgres\npsql -c 'select 1'\n\(fence)\n")
        #expect(shape(here) == ["g/1:command:local", "g/2:command:local (as postgres)"])
        // Under a heading of its own, "On each app server:" is over when the next section
        // switches users: the upgrade's `sudo su - postgres` is on the guide's machine.
        let apart = read(
            """
            # G
            ## Stop the application
            On each app server (`app1`, `app2`):
            \(fence)bash
            sudo systemctl stop myapp
            \(fence)
            ## Run the check
            \(fence)bash
            sudo su - postgres
            \(fence)
            \(fence)bash
            pg_upgrade --check
            \(fence)
            ### Look at the report
            \(fence)bash
            cat loadable_libraries.txt
            \(fence)
            """)
        #expect(
            shape(apart) == [
                "stop-the-application/1:command:app", "run-the-check/1:command:local (as postgres)",
                "look-at-the-report/1:command:local (as postgres)",
            ])
        // A subsection of the section the machine was named in is still there.
        let within = read(
            """
            # G
            ## Database
            On the server, as root:
            \(fence)bash
            apt-get install -y postgresql
            \(fence)
            ### Make the role
            \(fence)bash
            su - postgres
            \(fence)
            \(fence)bash
            createuser app
            \(fence)
            """)
        #expect(shape(within) == ["database/1:command:server (as root)", "make-the-role/1:command:server (as postgres)"])
    }

    /// `ssh admin@$HOST "sudo systemctl reload haproxy"` while the session on $HOST is open (a
    /// rollback after the steps there): the person gives it from their own machine, where
    /// the key is; run on the server, it would log in to itself. An `ssh` command to another
    /// machine runs in the session, as before.
    @Test func anSSHCommandToTheSessionsOwnMachineRunsHere() {
        let guide = read(
            """
            # G
            ## On the load balancer
            \(fence)bash
            ssh admin@$HOST
            sudo cp /tmp/corp.pem /etc/haproxy/certs/corp.pem
            \(fence)
            ## Roll back
            \(fence)bash
            ssh admin@$HOST "sudo cp corp.pem.bak corp.pem && sudo systemctl reload haproxy"
            \(fence)
            \(fence)bash
            ssh backup@vault.internal "ls /backups"
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "on-the-load-balancer/1:command:load-balancer", "roll-back/1:command:local",
                "roll-back/2:command:load-balancer",
            ])
        #expect(guide.steps[1].target.reason == "ssh-command")
    }

    /// "Keep this session open and test from a new terminal before logging out:" over a bare
    /// `ssh deploy@web1`: a check from this machine that the new login works, and the steps
    /// after it go on in the session kept open; "From a new terminal, log in as deploy:" moves.
    @Test func anSSHLoginTriedBesideTheSessionIsACheck() {
        let guide = read(
            """
            # G
            \(fence)bash
            ssh root@web1
            sed -i 's/^PermitRootLogin .*/PermitRootLogin no/' /etc/ssh/sshd_config
            \(fence)
            Keep this session open and test from a new terminal before logging out:
            \(fence)bash
            ssh deploy@web1
            \(fence)
            \(fence)bash
            apt-get install -y fail2ban
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:web1", "g/2:verification:local", "g/3:command:web1"])
        #expect(guide.steps[1].code == "ssh -o BatchMode=yes deploy@web1 true")
        let moves = read(
            "# G\n\n\(fence)bash\nssh root@web1\n\(fence)\n\nFrom a new terminal, log in as deploy:\n\n"
                + "\(fence)bash\nssh deploy@web1\n\(fence)\n\n\(fence)bash\nsudo apt-get update\n\(fence)\n")
        #expect(shape(moves) == ["g/1:command:web1-2"])
        #expect(moves.targets.map(\.uri) == ["local", "ssh://root@web1", "ssh://deploy@web1"])
    }

    /// `docker exec -it db bash`, then commands "inside the container": runbook has no shell
    /// there, so they are the person's, saying where, never run on this machine; `exit` (or
    /// the section's end) leaves it. Opened with nothing typed in it, the line is its step.
    @Test func whatIsTypedInAContainersShellIsThePersons() {
        let guide = read(
            """
            # G
            ## Fix
            \(fence)bash
            docker exec -it db bash
            \(fence)
            Inside the container:
            \(fence)bash
            psql -U postgres -c 'REINDEX DATABASE app;'
            exit
            docker restart web
            \(fence)
            ## Pods
            \(fence)bash
            kubectl -n shop exec -it api-0 -c app -- sh
            rm -rf /tmp/cache
            \(fence)
            ## After
            \(fence)bash
            ls
            \(fence)
            ## Alone
            \(fence)bash
            docker compose exec web bash
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "fix/1:manual:a person", "fix/2:command:local", "pods/1:manual:a person", "after/1:command:local",
                "alone/1:command:local",
            ])
        #expect(
            guide.steps[0].instructions
                == "In a shell in the container db (`docker exec -it db bash`):\npsql -U postgres -c 'REINDEX DATABASE app;'")
        #expect(
            guide.steps[2].instructions
                == "In a shell in the pod api-0 (`kubectl -n shop exec -it api-0 -c app -- sh`):\nrm -rf /tmp/cache")
        #expect(guide.steps[4].code == "docker compose exec web bash")
        #expect(guide.steps[4].traits.interactive)
        // Lint says so where each shell opens, once.
        #expect(guide.diagnostics.map { "\($0.rule):\($0.location.line)" } == ["shell-inside:4", "shell-inside:14"])
        #expect(
            guide.diagnostics.first?.message
                == "the step after `docker exec -it db bash` is typed in a shell in the container db, where a run has none: a person's to do"
        )
    }

    @Test(arguments: [
        ("docker exec -it db bash", "the container db"), ("podman exec -ti -u postgres db /bin/sh", "the container db"),
        ("docker compose exec web sh", "the service web's container"),
        ("docker-compose exec -u root web bash -l", "the service web's container"),
        ("kubectl exec -it api-0 -- /bin/bash", "the pod api-0"), ("vagrant ssh", "the Vagrant machine"),
        ("multipass shell primary", "the Multipass VM"),
    ])
    func aShellInsideIsRecognized(line: String, place: String) {
        #expect(ShellText.shellInside(ShellText.words(line)) == place)
    }

    @Test(arguments: [
        "docker exec db pg_dump app", "docker exec -it db psql -U postgres", "kubectl exec api-0 -- ls /",
        "docker run -it ubuntu bash", "vagrant ssh -c 'uptime'", "docker exec -it db bash -c 'ls'",
    ])
    func aCommandInAContainerIsNotAShellInside(line: String) {
        #expect(ShellText.shellInside(ShellText.words(line)) == nil)
    }

    @Test(
        arguments: [
            ("ssh://deploy@10.0.0.5", nil, nil, "ssh deploy@10.0.0.5"),
            ("ssh://deploy@10.0.0.5:2222", "~/.ssh/k.pem", nil, "ssh -i ~/.ssh/k.pem -p 2222 deploy@10.0.0.5"),
            ("ssh://root@[::1]:2200", nil, "ops@bastion", "ssh -J ops@bastion -p 2200 root@[::1]"),
            ("ssh://ubuntu@${IP}:${PORT}", nil, nil, "ssh -p ${PORT} ubuntu@${IP}"),
        ] as [(String, String?, String?, String)])
    func aTargetsLoginCommandIsTheSSHLineForIt(uri: String, identity: String?, jump: String?, command: String) {
        let target = TargetDecl(name: "server", uri: uri, identity: identity, jump: jump, hosts: [], line: 1, source: "ssh-line")
        #expect(target.loginCommand == command)
        #expect(
            TargetDecl(name: "web", uri: "inventory hosts.ini [web]", hosts: [], line: 1, source: "inventory").loginCommand == nil
        )
    }

    /// "On the droplet" over `ssh root@$DROPLET_IP`: the block's steps run on the machine the
    /// ssh line names, so the heading's "server" is no target to bind.
    @Test func aMachineNamedButNeverRunOnIsNoTarget() {
        let guide = read(
            """
            # G
            ## On the droplet
            \(fence)sh
            ssh root@$DROPLET_IP
            cd /srv/app
            \(fence)
            """)
        #expect(shape(guide) == ["on-the-droplet/1:command:droplet"])
        #expect(guide.targets.map(\.name) == ["local", "droplet"])
    }

    @Test func machinesNamedByTheirJobAreTargetsOfTheirOwn() {
        let guide = read(
            """
            # G
            ## Deploy
            On the web servers:
            \(fence)bash
            sudo nginx -t
            \(fence)
            On the database server:
            \(fence)bash
            sudo systemctl restart postgresql
            \(fence)
            ## On the web server
            \(fence)bash
            sudo systemctl reload nginx
            \(fence)
            """)
        #expect(shape(guide) == ["deploy/1:command:web", "deploy/2:command:database", "on-the-web-server/1:command:web"])
        #expect(guide.targets.map(\.name) == ["local", "web", "database"])
        #expect(guide.targets.map(\.source) == ["builtin", "prose", "prose"])
        #expect(guide.targets[1].uri == nil)
    }

    /// A network's machines are named by their jobs too ("On both gateways:", "On the load
    /// balancer:", "On the router:"), and so are several of a noun's machines with no job
    /// ("On the servers:", "On both servers:"), and a lead-in may open with "Run (this) on";
    /// all of them ran on this machine before.
    @Test(arguments: [
        ("On both gateways:", "gateway"), ("Run on both gateways:", "gateway"), ("On each router:", "router"),
        ("On the load balancer:", "load-balancer"), ("On the load-balancers:", "load-balancer"),
        ("On the firewall:", "firewall"), ("On the servers:", "server"), ("On both servers:", "server"),
        ("On all servers:", "server"), ("Run this on the web servers:", "web"), ("Run it on web01:", "web01"),
        ("Run on boot:", "local"), ("Run once:", "local"), ("On both:", "local"), ("On many servers:", "local"),
    ])
    func networkMachinesAndPluralNounsAreTargets(leadIn: String, target: String) {
        let guide = read("# G\n\n\(leadIn)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(guide.steps.map(\.target.name) == [target], "\(leadIn)")
    }

    /// "## On the load balancer" over `ssh admin@$HOST`: the login reaches the machine the
    /// heading names, which takes its address, and the section's blocks run there (before,
    /// they ran on an unbound `load-balancer` beside the `server` the login made). Under
    /// "## On the server" the login's target is named as ever.
    @Test func aLoginUnderAHeadingThatNamesTheMachineBindsIt() {
        let guide = read(
            """
            # G
            ## On the load balancer
            \(fence)bash
            ssh admin@10.0.0.7
            \(fence)
            \(fence)bash
            sudo systemctl reload haproxy
            \(fence)
            ## On the server
            \(fence)bash
            ssh deploy@db1.internal
            uptime
            \(fence)
            """)
        #expect(shape(guide) == ["on-the-load-balancer/1:command:load-balancer", "on-the-server/1:command:db1"])
        #expect(guide.targets.map(\.name) == ["local", "load-balancer", "db1"])
        #expect(guide.targets[1].uri == "ssh://admin@10.0.0.7")
    }

    /// Logged in to `web01`, a person calls it "the web server"; "the web servers" are still
    /// several machines, and another job is another machine.
    @Test func theMachineNamedByItsJobIsTheOneLoggedInTo() {
        let guide = read(
            """
            # G
            ## Deploy
            \(fence)bash
            ssh deploy@web01.example.com
            sudo -iu app
            \(fence)
            On the web server:
            \(fence)bash
            ls /srv/app
            \(fence)
            On the web servers:
            \(fence)bash
            sudo nginx -t
            \(fence)
            On the database server:
            \(fence)bash
            pg_isready
            \(fence)
            On the webhooks server:
            \(fence)bash
            uptime
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "deploy/1:command:web01 (as app)", "deploy/2:command:web", "deploy/3:command:database",
                "deploy/4:command:webhooks",
            ])
        #expect(guide.targets.map(\.name) == ["local", "web01", "web", "database", "webhooks"])
    }

    @Test(arguments: [
        ("On the web server:", "web", true), ("On the web server:", "web01", true), ("On the web server:", "web-2", true),
        ("On the db server:", "db_1", true), ("On the web server:", "webhooks", false), ("On the web server:", "db1", false),
        ("On the web servers:", "web01", false), ("On the new server:", "server", false),
    ])
    func aSessionIsTheMachineOfAJobByItsName(prose: String, session: String, names: Bool) throws {
        let machine = try #require(MachineByJob(prose, wholeText: false))
        #expect(machine.names(session: session) == names)
    }

    /// A lead-in that starts by naming one machine by its host name and ends with a colon runs
    /// its block there, named as an `ssh` line to that host would name it. Words that name a
    /// system, a runtime, a CPU or a file are not host names; nor is a plain word unless it is
    /// code.
    @Test(arguments: [
        ("On web01:", "web01"), ("On WEB01:", "web01"), ("From db-2, run:", "db-2"), ("On node3 (the worker):", "node3"),
        ("From db-2.corp.internal, run:", "db-2"), ("On app.prod.example:", "app"), ("On 10.0.0.5:", "server"),
        ("On `builder`:", "builder"), ("On `prod_db`:", "prod-db"), ("On db1:", "db1"),
        ("On `mongo1.internal` only, open the shell:", "mongo1"), ("On web01 only:", "web01"),
        // A service's machines numbered with a hyphen (session 34); the service's version is none.
        ("On redis-1 only, edit the file and run:", "redis-1"), ("On postgres-2:", "postgres-2"),
        ("On redis7:", "local"),
        // After a word that keeps the place (session 34): "Still on …", "Also on …".
        ("Still on web01:", "web01"), ("Also on db-2, run:", "db-2"),
        // Not host names: the block stays on local.
        ("On builder:", "local"), ("On ubuntu22:", "local"), ("On Python3:", "local"), ("On arm64:", "local"),
        ("On app.config.yaml:", "local"), ("On db.internal:", "local"), ("On web01 the service runs as root:", "local"),
        ("On web01 and web02:", "local"), ("On 2024-01-05:", "local"), ("On web01, nginx serves the site.", "local"),
        ("On web01 only the service runs:", "local"),
        // A named place wins: "On EC2:" is the ec2 target, bound by its ssh line, not a host "EC2".
        ("On EC2:", "ec2"), ("On your laptop:", "local"),
    ])
    func proseNamesAMachineByItsHostName(prose: String, target: String) {
        let guide = read("# G\n\(prose)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(guide.steps[0].target.name == target)
        #expect(guide.targets.map(\.name).contains(target))
    }

    /// "Run everything as a sudo user on the server unless noted." before the first step is
    /// where every block that says nothing runs; a block that says otherwise, a heading that
    /// does, and a session still win. A condition or a warning, or the same sentence after
    /// the first step, says nothing of the kind.
    @Test func aGuideThatSaysWhereEverythingRunsPlacesItsBlocks() {
        let guide = read(
            """
            # Rails
            Tested on Debian 12. Run everything as a sudo user on the server unless noted.
            ## Packages
            \(fence)bash
            sudo apt-get install -y nginx
            \(fence)
            ## Deploy (from your laptop)
            \(fence)bash
            bundle exec cap production deploy
            \(fence)
            ## Service
            \(fence)bash
            sudo systemctl restart puma
            \(fence)
            On your laptop:
            \(fence)bash
            curl -fsS https://app.internal/up
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "packages/1:command:server", "deploy-from-your-laptop/1:command:local", "service/1:command:server",
                "service/2:command:local",
            ])
        for sentence in [
            "If you run everything on the server, use a sudo user.", "Never run everything as root on the server.",
            "Don't run everything on the server as root.",
        ] {
            let other = read("# G\n\(sentence)\n## S\n\(fence)bash\nuptime\n\(fence)\n")
            #expect(other.steps[0].target.name == "local")
        }
        let late = read(
            "# G\n\n\(fence)bash\nuptime\n\(fence)\n\nRun everything else on the server.\n## S\n\(fence)bash\nls\n\(fence)\n")
        #expect(late.steps.map(\.target.name) == ["local", "local"])
    }

    /// A file the person saves on a machine says where: "On server: Save this as …", unless
    /// the lead-in says it already ("On the server, create …:"), where the prefix repeated it.
    @Test func aSavedFilesPlaceIsSaidOnce() {
        let said = read("# G\nOn the server, create `/etc/app.ini`:\n\n\(fence)ini\n[a]\nb=1\n\(fence)\n")
        #expect(said.steps[0].instructions == "On the server, create /etc/app.ini:\n[a]\nb=1")
        let session = read(
            "# G\n\(fence)bash\nssh ops@10.0.0.5\n\(fence)\n\nCreate `/etc/app.ini`:\n\n\(fence)ini\n[a]\nb=1\n\(fence)\n")
        #expect(session.steps.last?.instructions == "On server: Create /etc/app.ini:\n[a]\nb=1")
        let every = read("# G\nOn every node, write `/etc/app.ini`:\n\n\(fence)ini\n[a]\nb=1\n\(fence)\n")
        #expect(every.steps[0].instructions == "On every node, write /etc/app.ini:\n[a]\nb=1")
    }

    /// After a block that only leaves the session (`exit`), the blocks that say nothing are on
    /// this machine because the guide logged out, reason `exit`, until a session opens again.
    @Test func blocksAfterALogoutAreLocalByTheExit() {
        let guide = read(
            "# G\n\n\(fence)sh\nssh ubuntu@10.20.30.40\nuptime\n\(fence)\n\nLog out:\n\n\(fence)sh\nexit\n\(fence)\n\n"
                + "\(fence)sh\ncurl -fsS http://10.20.30.40/\n\(fence)\n\n\(fence)sh\nssh ubuntu@10.20.30.41\nuptime\n\(fence)\n")
        #expect(
            guide.steps.map { "\($0.target.name) \($0.target.reason)" } == [
                "server session", "local exit", "server-2 session",
            ])
    }

    /// A heading that ends by naming a machine after "on" puts its section's blocks there, by
    /// host name or by job, as a heading that opens with "On" does. "on" that belongs to the
    /// verb, and names of chips, systems and stores, name no machine.
    @Test(arguments: [
        ("Prometheus on mon-01", "mon-01"), ("Step 2: Prometheus on mon-01", "mon-01"), ("Install on web01", "web01"),
        ("node_exporter on each app node", "app"), ("Install node_exporter on the app nodes", "app"),
        ("Run the migration on the primary", "primary"), ("Install Prometheus on the server", "server"),
        // No machine: the blocks stay on local.
        ("Turn on the firewall", "local"), ("Log on to the server", "local"), ("Installing on M1", "local"),
        ("Installing on Ubuntu 22.04", "local"), ("Deploy on Kubernetes", "local"), ("Enable TLS on nginx", "local"),
        ("Backups on R2", "local"), ("Prometheus on mon-01 and mon-02", "local"),
    ])
    func aHeadingEndingInAMachineNamesItsTarget(heading: String, target: String) {
        let guide = read("# G\n## \(heading)\n\n\(fence)bash\nuptime\n\(fence)\n\nThen:\n\n\(fence)bash\nls\n\(fence)\n")
        #expect(guide.steps.map(\.target.name) == [target, target])
    }

    /// "On web01:" is the machine `ssh deploy@web01…` logs in to, as its logged-in user; before
    /// the session it is an unbound target of its own, and a heading names it too.
    @Test func aHostNamedInProseIsTheMachineAnSSHLineLogsInTo() {
        let guide = read(
            """
            # G
            ## Stop
            On web01:
            \(fence)bash
            sudo systemctl stop app
            \(fence)
            ## Login
            \(fence)bash
            ssh deploy@web01.corp.internal
            sudo -iu app
            \(fence)
            Then:
            \(fence)bash
            ls /srv/app
            \(fence)
            On web01:
            \(fence)bash
            ./migrate
            \(fence)
            ## On web02
            \(fence)bash
            sudo systemctl start app
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "stop/1:command:web01", "login/1:command:web01 (as app)", "login/2:command:web01 (as app)",
                "on-web02/1:command:web02",
            ])
        #expect(guide.targets.map(\.name) == ["local", "web01", "web02"])
        #expect(guide.targets[1].uri == "ssh://deploy@web01.corp.internal")
        // Where its address is given: the ssh line, not the first block that named it.
        #expect(guide.targets[1].line == 9)
        #expect(guide.targets[2].uri == nil)
        #expect(guide.targets[2].source == "heading")
    }

    /// A numbered procedure's item says where the blocks inside it run, however deep.
    @Test func aListItemNamesTheTargetOfTheBlocksInIt() {
        let guide = read(
            """
            # G
            ## Deploy
            1. **Place the key on the server** at /etc/app/key.
               - Recommended setup:
                 \(fence)bash
                 sudo install -m 600 key /etc/app/key
                 \(fence)
            2. Build it on your laptop:
               \(fence)bash
               make
               \(fence)
            3. Tidy up:
               \(fence)bash
               ls
               \(fence)

            After the list:
            \(fence)bash
            uptime
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "deploy/1:command:server", "deploy/2:command:local", "deploy/3:command:local", "deploy/4:command:local",
            ])
        #expect(guide.steps.map(\.target.reason) == ["prose", "prose", "default", "default"])
    }

    /// "On `cp1`:" over a numbered procedure says where its blocks run, after the items' own
    /// lead-ins ("2. On the node, upgrade kubelet:"); the list's end ends it.
    @Test func aListsLeadInNamesTheTargetOfItsBlocks() {
        let guide = read(
            """
            # G
            ## Upgrade
            On `cp1`:

            1. Upgrade kubeadm:
               \(fence)bash
               sudo apt-get install -y kubeadm
               \(fence)
            2. On the node, upgrade kubelet:
               \(fence)bash
               sudo apt-get install -y kubelet
               \(fence)

            After the list:
            \(fence)bash
            kubectl get nodes
            \(fence)
            """)
        #expect(shape(guide) == ["upgrade/1:command:cp1", "upgrade/2:command:node", "upgrade/3:command:local"])
    }

    @Test func headingNamesTheTargetOfItsBlocks() {
        let guide = read("# G\n## 3.3 Clone repo on EC2\n\(fence)bash\ngit clone x\n\(fence)\n")
        #expect(guide.steps[0].target.name == "ec2")
    }

    @Test func bareSSHOpensASessionThatLastsAcrossSections() {
        let guide = read(
            """
            # G
            ## Login
            On your local machine:
            \(fence)bash
            chmod 400 "${SSH_KEY_PATH}"
            ssh -i "${SSH_KEY_PATH}" -p 2222 ec2-user@"${EC2_PUBLIC_IP}"
            \(fence)
            ## Install
            \(fence)bash
            sudo dnf install -y nginx
            \(fence)
            Verify DNS from your local machine:
            \(fence)bash
            dig +short api.example.org
            \(fence)
            Quick smoke test (from the server):
            \(fence)bash
            curl -sS http://127.0.0.1:8000/health
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "login/1:command:local", "install/1:command:ec2", "install/2:verification:local", "install/3:verification:ec2",
            ])
        #expect(guide.steps[0].opensSession == "ec2")
        #expect(guide.steps[0].code == "chmod 400 \"${SSH_KEY_PATH}\"")
        let ec2 = guide.targets.first { $0.name == "ec2" }
        #expect(ec2?.uri == "ssh://ec2-user@${EC2_PUBLIC_IP}:2222")
        #expect(ec2?.identity == "${SSH_KEY_PATH}")
        #expect(ec2?.source == "ssh-line")
    }

    @Test func sshWithARemoteCommandIsNotASession() {
        let guide = read("\(fence)bash\nssh deploy@10.0.0.5 'sudo systemctl restart app'\n\(fence)\n\(fence)bash\nls\n\(fence)\n")
        #expect(shape(guide) == ["top/1:command:local", "top/2:command:local"])
        #expect(guide.targets.map(\.name) == ["local"])
    }

    /// A tunnel (`-N`), a backgrounded ssh (`-f`) or a control call (`-O`) is no login.
    @Test(arguments: [
        "ssh -N -L 5432:localhost:5432 bastion", "ssh -fN -L 5432:localhost:5432 bastion",
        "ssh -L 5432:localhost:5432 -N bastion", "ssh -O exit bastion", "ssh -W db:5432 bastion",
    ])
    func sshThatOpensNoShellIsNotASession(line: String) {
        let guide = read("\(fence)bash\n\(line)\n\(fence)\n\(fence)bash\nls\n\(fence)\n")
        #expect(shape(guide) == ["top/1:command:local", "top/2:command:local"])
        #expect(guide.targets.map(\.name) == ["local"])
    }

    @Test func restOfTheBlockAfterSSHRunsOnTheHostAndExitReturns() {
        let guide = read(
            """
            \(fence)bash
            ssh -i ~/.ssh/key.pem ec2-user@18.204.97.97
            cd /home/ec2-user/app
            ./start_server.sh stop
            exit
            echo back home
            \(fence)
            """)
        #expect(shape(guide) == ["top/1:command:server", "top/2:command:local"])
        #expect(guide.steps[0].code == "cd /home/ec2-user/app\n./start_server.sh stop")
        #expect(guide.steps[0].opensSession == "server")
        #expect(guide.steps[0].codeLine == 3)
        #expect(guide.targets[1].uri == "ssh://ec2-user@18.204.97.97")
    }

    /// `ssh ubuntu@your-server-ip` names the machine but gives no address to connect to.
    @Test func aPlaceholderHostOpensASessionOnAnUnboundTarget() {
        let guide = read(
            """
            # G
            SSH into your server:
            \(fence)bash
            ssh -i ~/.ssh/notes.pem ubuntu@your-server-ip
            \(fence)
            \(fence)bash
            uptime
            \(fence)
            \(fence)bash
            ssh deploy@app.example.com
            \(fence)
            \(fence)bash
            uptime
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:server", "g/2:command:app"])
        #expect(guide.targets.map(\.name) == ["local", "server", "app"])
        #expect(guide.targets.map(\.uri) == ["local", nil, nil])
        #expect(guide.targets.map(\.hosts) == [["localhost"], [], []])
        #expect(guide.targets[1].identity == "~/.ssh/notes.pem")
    }

    /// "your machine" is the person's own, even while logged in elsewhere; and "Back on your
    /// machine" leaves the session (session 34), after which "the server" is still the
    /// machine it was on.
    @Test func backOnYourMachineIsLocalDuringASession() {
        let guide = read(
            """
            # G
            \(fence)bash
            ssh admin@10.0.0.5
            uptime
            \(fence)
            Back on your machine:
            \(fence)bash
            open https://10.0.0.5/
            \(fence)
            On the server:
            \(fence)bash
            df -h
            \(fence)
            """)
        #expect(shape(guide) == ["g/1:command:server", "g/2:command:local", "g/3:command:server"])
    }

    /// "As root:" runs its block as root on the machine it runs on; the session's own user
    /// comes back after it.
    @Test func aLeadInNamesTheUserItsBlockRunsAs() {
        let guide = read(
            """
            # G
            \(fence)bash
            ssh admin@10.0.0.5
            \(fence)
            As root:
            \(fence)bash
            apt-get update
            \(fence)
            Run these as the deploy user:
            \(fence)bash
            git pull
            \(fence)
            As `postgres`, create the database:
            \(fence)bash
            createdb app
            \(fence)
            As follows:
            \(fence)bash
            uptime
            \(fence)
            On your laptop, as root:
            \(fence)bash
            id -u
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "g/1:command:server (as root)", "g/2:command:server (as deploy)", "g/3:command:server (as postgres)",
                "g/4:command:server", "g/5:command:local (as root)",
            ])
    }

    /// A file the guide says to save on a machine ("On your laptop, create `~/wg0.conf`:") is
    /// there only: a later block that names it, with no place of its own, runs there, though
    /// an `ssh` session to the server is open. A block that names no saved file stays in the
    /// session, and a place the lead-in states still wins.
    @Test func aBlockUsingASavedFileRunsWhereTheFileWasSaved() {
        let guide = read(
            """
            # G
            ## Server
            \(fence)bash
            ssh root@203.0.113.10
            \(fence)
            \(fence)bash
            apt install -y wireguard
            \(fence)
            ## Client
            On your laptop, create `~/wg0.conf`:
            \(fence)ini
            [Interface]
            Address = 10.8.0.2/24
            \(fence)
            Bring the tunnel up:
            \(fence)bash
            sudo wg-quick up ~/wg0.conf
            \(fence)
            Check the server:
            \(fence)bash
            wg show
            \(fence)
            On the server, look for it too:
            \(fence)bash
            ls ~/wg0.conf
            \(fence)
            """)
        #expect(
            shape(guide) == [
                "server/1:command:server", "client/1:manual:local", "client/2:command:local",
                "client/3:verification:server", "client/4:command:server",
            ])
    }

    /// Lead-ins, the code spans in them, and the user they name (nil: nobody).
    static let leadInUsers: [(String, [String], String?)] = [
        ("As root:", [], "root"), ("Run as root:", [], "root"), ("Then run the following as the app user:", [], "app"),
        ("As your deploy user, run:", [], "deploy"), ("As postgres:", ["postgres"], "postgres"),
        ("As postgres:", [], nil), ("As follows:", [], nil), ("As before:", [], nil), ("As the regular user:", [], nil),
        ("As root, this is dangerous. Instead:", [], nil), ("Log in as root.", [], nil),
        ("On your laptop, as root:", [], "root"), ("On the server, as the deploy user:", [], "deploy"),
        ("Then, on web01, run as postgres:", ["postgres"], "postgres"), ("On the server, as root, run:", [], "root"),
        ("Once it is up, as shown below:", [], nil), ("Next, as a test, run:", [], nil), ("If it fails, as before:", [], nil),
    ]

    @Test(arguments: leadInUsers)
    func runsAsUser(text: String, spans: [String], user: String?) {
        #expect(Patterns.runsAsUser(text, codeSpans: spans) == user)
    }

    @Test func sudoSwitchesTheSessionUserUntilExit() {
        let guide = read(
            """
            \(fence)bash
            ssh admin@db1.example.org
            \(fence)
            \(fence)bash
            sudo -iu postgres
            \(fence)
            \(fence)bash
            psql -c 'select 1'
            \(fence)
            \(fence)bash
            exit
            \(fence)
            \(fence)bash
            df -h
            \(fence)
            """)
        #expect(shape(guide) == ["top/1:command:db1 (as postgres)", "top/2:command:db1"])
    }

    @Test(arguments: [
        (["sudo", "-iu", "app"], "app"), (["sudo", "su", "-", "app"], "app"), (["sudo", "-i"], "root"),
        (["su", "-", "deploy"], "deploy"), (["sudo", "-u", "app", "-i"], "app"), (["sudo", "bash"], "root"),
        (["sudo", "-s"], "root"), (["sudo", "-u", "app", "bash"], "app"), (["sudo", "-u", "app", "-s"], "app"),
        // `su` with root's password, where a run has sudo (session 34: it ran as a command).
        (["su"], "root"), (["su", "-"], "root"), (["su", "-l"], "root"), (["su", "--login", "app"], "app"),
        (["su", "postgres"], "postgres"),
    ])
    func userSwitchLines(words: [String], user: String) {
        #expect(sessionUser(words) == user)
    }

    @Test(arguments: [
        ["sudo", "-u", "app", "ls"], ["sudo", "systemctl", "restart", "x"], ["su", "-c", "ls", "app"], ["sudo", "bash", "x.sh"],
        ["su", "postgres", "-c", "psql"],
        ["sudo", "-u", "app", "bash", "x.sh"],
    ])
    func notUserSwitchLines(words: [String]) {
        #expect(sessionUser(words) == nil)
    }

    @Test(arguments: [
        ("${EC2_PUBLIC_IP}", "ec2"), ("$HOST", "server"), ("18.204.97.97", "server"),
        ("db1.corp.example.org", "db1"), ("${BASTION_HOST}", "bastion"), ("localhost", "server"),
        // Names of hex letters and digits are names, not IPv6 addresses; addresses have colons.
        ("db1", "db1"), ("cafe2", "cafe2"), ("[2001:db8::7]", "server"), ("fe80::1", "server"),
        ("1.2.3", "server"), ("${web_host}", "web"), ("your-server-ip", "server"), ("web-1.internal", "web-1"),
        ("12ab", "12ab"), ("[remoteServer/ip]", "server"), ("[server-ip]", "server"), ("fe80::1%eth0", "server"),
        // An address variable that says only which address: the machine is the server.
        ("$PUBLIC_IP", "server"), ("${INSTANCE_PRIVATE_IP}", "server"), ("${WEB_PUBLIC_IP}", "web"), ("$PRIVATE_IP", "server"),
    ])
    func sessionTargetNames(host: String, name: String) {
        #expect(SSHLine.parse(["ssh", "user@\(host)"])?.targetName == name)
    }

    /// A host no name or address is made of is one to fill in: no address is taken from it.
    @Test(arguments: [
        ("[remoteServer/ip]", true), ("<server-ip>", true), ("your-server-ip", true), ("server ip", true),
        ("db1.corp.internal", false), ("10.0.0.5", false), ("[2001:470::7]", false), ("fe80::1%eth0", false),
        // Documentation names and addresses are placeholders the placeholder rule knows.
        ("db1.example.org", true), ("[2001:db8::7]", true),
        ("$EC2_IP", false), ("${HOST}", false), ("web_1", false),
    ])
    func placeholderHosts(host: String, isPlaceholder: Bool) {
        #expect(SSHLine.isPlaceholder(host: host) == isPlaceholder)
    }

    /// ssh reads options after the host too (`ssh host -i key.pem` is a login with that key);
    /// after `--`, or once the remote command has begun, words are the command's.
    @Test(
        arguments: [
            ("ssh ubuntu@13.58.181.117 -i ~/.ssh/prod.pem", "ssh://ubuntu@13.58.181.117", "~/.ssh/prod.pem", true),
            ("ssh web1 -p 2222 -l ops", "ssh://ops@web1:2222", nil, true),
            ("ssh web1 -t sudo -i", "ssh://web1", nil, false),
            ("ssh -- web1 -i key.pem", "ssh://web1", nil, false),
            ("ssh web1 -- -i key.pem", "ssh://web1", nil, false),
            ("ssh web1 uptime -i", "ssh://web1", nil, false),
        ] as [(String, String, String?, Bool)])
    func optionsAfterTheHost(line: String, uri: String, identity: String?, bare: Bool) throws {
        let ssh = try #require(SSHLine.parse(line.split(separator: " ").map(String.init)))
        #expect(ssh.uri == uri)
        #expect(ssh.identity == identity)
        #expect(ssh.isBare == bare)
    }

    @Test func aLoginWithItsKeyAfterTheHostOpensASession() {
        let guide = read("# G\n\(fence)bash\nssh ubuntu@13.58.181.117 -i ~/.ssh/prod.pem\ndocker ps\n\(fence)\n")
        #expect(shape(guide) == ["g/1:command:server"])
        #expect(guide.steps[0].code == "docker ps")
        #expect(
            guide.targets.map { "\($0.name) \($0.uri ?? "-") \($0.identity ?? "-")" } == [
                "local local -", "server ssh://ubuntu@13.58.181.117 ~/.ssh/prod.pem",
            ])
    }

    /// `ssh ops@$NODE` with nothing declaring or assigning NODE: the address is a value from
    /// outside, declared as required where the ssh line is. A declared or assigned name is not
    /// declared again.
    @Test func anAddressVariableNothingDeclaresIsRequired() {
        let guide = read("# G\n\n\(fence)bash\nssh ops@$NODE\n\(fence)\n\n\(fence)bash\ndf -h\n\(fence)\n")
        #expect(guide.variables.map(\.name) == ["NODE"])
        #expect(guide.variables.first?.required == true)
        #expect(guide.variables.first?.source == "ssh-line")
        #expect(guide.variables.first?.location.line == 4)
        #expect(guide.variables.first?.description == "the address of node, from its ssh line")
        let declared = read(
            "# G\n\n\(fence)bash\nexport NODE=web3\n\(fence)\n\n\(fence)bash\nssh \"ops@${NODE}\"\n\(fence)\n\n\(fence)bash\ndf -h\n\(fence)\n"
        )
        #expect(declared.variables.map(\.source) == ["block"])
        let assigned = read(
            "# G\n\n\(fence)bash\nNODE=$(terraform output -raw ip)\necho \"$NODE\"\n\(fence)\n\n\(fence)bash\nssh ops@$NODE\n\(fence)\n\n\(fence)bash\ndf -h\n\(fence)\n"
        )
        #expect(assigned.variables.isEmpty)
    }

    /// `ssh -J bastion host` (or `-o ProxyJump=`) keeps the host's address and the jump hosts
    /// to go through.
    @Test(
        arguments: [
            ("ssh -J ops@bastion.example.org -p 2222 deploy@10.0.0.5", "ssh://deploy@10.0.0.5:2222", "ops@bastion.example.org"),
            (
                "ssh -o ProxyJump=ops@bastion.example.org,gw deploy@10.0.0.5", "ssh://deploy@10.0.0.5",
                "ops@bastion.example.org,gw"
            ),
            ("ssh deploy@10.0.0.5", "ssh://deploy@10.0.0.5", nil),
            // As ssh reads options, the first proxy given wins, `none` included.
            ("ssh -o ProxyJump=gw -J ops@bastion deploy@10.0.0.5", "ssh://deploy@10.0.0.5", "gw"),
            ("ssh -o ProxyJump=none -J ops@bastion deploy@10.0.0.5", "ssh://deploy@10.0.0.5", nil),
        ] as [(String, String, String?)])
    func anSSHLineThroughAJumpHostKeepsItsHops(line: String, uri: String, jump: String?) {
        let guide = read("# G\n\n\(fence)bash\n\(line)\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(shape(guide) == ["g/1:command:server"])
        #expect(guide.targets.first { $0.name == "server" }?.uri == uri)
        #expect(guide.targets.first { $0.name == "server" }?.jump == jump)
        #expect(guide.diagnostics.isEmpty)
    }

    /// `ssh -o ProxyCommand=…` keeps the host's address and the command to reach it through,
    /// which the login command a checklist shows gives back.
    @Test func anSSHLineThroughAProxyCommandKeepsTheCommand() {
        let guide = read(
            "# G\n\n\(fence)bash\nssh -oProxyCommand='ssh -W %h:%p gw' deploy@10.0.0.5\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        )
        let server = guide.targets.first { $0.name == "server" }
        #expect(server?.uri == "ssh://deploy@10.0.0.5")
        #expect(server?.proxyCommand == "ssh -W %h:%p gw")
        #expect(server?.jump == nil)
        #expect(guide.diagnostics.isEmpty)
        #expect(server?.loginCommand == "ssh -o ProxyCommand=\"ssh -W %h:%p gw\" deploy@10.0.0.5")
        // A name the command needs is the guide's to bind, as one in the address is.
        let named = read(
            "# G\n\n\(fence)bash\nssh -o ProxyCommand=\"cloudflared access ssh --hostname %h --id $CF_ID\" ops@db.internal\n"
                + "\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n")
        #expect(named.variables.map(\.name) == ["CF_ID"])
        #expect(named.variables.map(\.source) == ["ssh-line"])
        var quoting = server
        quoting?.proxyCommand = #"sh -c "nc \"$GW\" %p""#
        #expect(quoting?.loginCommand == #"ssh -o ProxyCommand="sh -c \"nc \\\"$GW\\\" %p\"" deploy@10.0.0.5"#)
    }

    @Test func frontMatterTargetsAndDefaultTarget() {
        let guide = read(
            """
            ---
            targets:
              web: ssh://deploy@10.0.0.7:2200
            default-target: web
            ---
            # G
            \(fence)bash
            uptime
            \(fence)
            """)
        #expect(guide.targets.map(\.name) == ["local", "web"])
        #expect(guide.targets[1].uri == "ssh://deploy@10.0.0.7:2200")
        #expect(guide.targets[1].hosts == ["10.0.0.7"])
        #expect(shape(guide) == ["g/1:command:web"])
    }
}

/// The user a bare `sudo -iu` style line switches to (tests the reader's rule through a guide).
private func sessionUser(_ words: [String]) -> String? {
    let guide = read("\(fence)bash\nssh h1\n\(fence)\n\(fence)bash\n\(words.joined(separator: " "))\necho x\n\(fence)\n")
    return guide.steps.last?.target.user
}

/// The byte path of "where does this run" prose against its two regexes.
@Suite("prose places")
struct ProsePlaceTests {
    @Test func bytePathAgreesWithTheRegexesOnGeneratedSentences() {
        let openings = ["", "x", "Run it ", "upon", "Then, "]
        let prepositions = ["on", "On", "in", "into", "from", "onto"]
        let gaps = [" ", "  ", "\t", ""]
        let articles = ["", "the ", "your ", "a ", "each ", "the  "]
        let nouns = [
            "server", "servers", "ec2 instance", "EC2 instances", "remote  host", "production server", "laptop",
            "local machine", "dev machine", "development machine", "mac", "macs", "box_1", "own machine", "your machine",
            "machine",
        ]
        let endings = ["", ":", " and on your laptop", ", then in the vm", "x", " from your workstation"]
        let sentences = combinations([openings, prepositions, gaps, articles, nouns, endings])
        for text in sentences {
            #expect(ProsePlace(text) == ProsePlace(regex: text), "\(text.debugDescription)")
        }
        #expect(sentences.count == 5 * 6 * 4 * 6 * 16 * 6)
    }

    @Test func whatTheSentencesSay() {
        #expect(ProsePlace("On your laptop:").localAt == 0)
        #expect(ProsePlace("On your laptop:").remoteNoun == nil)
        #expect(ProsePlace("Then SSH in and, on the EC2 instance:").remoteNoun == "EC2 instance")
        #expect(ProsePlace("Then SSH in and, on the EC2 instance:").remoteAt == 17)
        #expect(ProsePlace("from your workstation, copy it to the server").localAt == 0)
        #expect(ProsePlace("Upon restart").remoteNoun == nil)
        #expect(ProsePlace("On the server — not on your laptop:").remoteNoun == "server")
    }

    /// "Back on your laptop, …:" ends the session an `ssh` line opened: the blocks after it
    /// run here too (session 34: a smoke test after it ran on the app server). "On your
    /// laptop:" alone places its own block and leaves the session open.
    @Test func backOnTheLaptopLeavesTheSession() {
        let opened = "# G\n\n\(fence)bash\nssh app-01\nsudo systemctl restart orders\n\(fence)\n\n"
        let rest =
            ", put it back in the pool:\n\n\(fence)bash\ncurl -X POST http://lb/ready\n\(fence)\n\n\(fence)bash\nuptime\n\(fence)\n"
        let back = read(opened + "Back on your laptop" + rest)
        #expect(back.steps.map { "\($0.target.name)/\($0.target.reason)" } == ["app-01/session", "local/prose", "local/exit"])
        let aside = read(opened + "On your laptop" + rest)
        #expect(
            aside.steps.map { "\($0.target.name)/\($0.target.reason)" } == ["app-01/session", "local/prose", "app-01/session"])
    }

    /// After `sudo su - postgres`, a block that opens with `sudo` is typed as the person's own
    /// user (a service account has no sudo), and the session as postgres goes on after it
    /// (session 34: `sudo systemctl restart nginx` ran as postgres; a pg_upgrade guide's
    /// `sudo systemctl stop postgresql` came between two pg_upgrade blocks of postgres's).
    /// A user who may have sudo (`deploy`) keeps the block.
    @Test func aSudoBlockAfterSwitchingToAServiceAccountIsThePersons() {
        func users(_ account: String) -> [String] {
            read(
                """
                # G
                \(fence)bash
                sudo su - \(account)
                psql -c "CREATE USER app"
                \(fence)
                \(fence)bash
                sudo systemctl stop postgresql
                \(fence)
                \(fence)bash
                pg_upgrade --check
                \(fence)
                \(fence)bash
                sudo -u postgres psql -c 'select 1'
                \(fence)
                """
            ).steps.map { "\($0.target.name)/\($0.target.user ?? "-")/\($0.target.reason)" }
        }
        #expect(
            users("postgres") == ["local/postgres/session", "local/-/session", "local/postgres/session", "local/-/session"])
        #expect(users("deploy") == Array(repeating: "local/deploy/session", count: 4))
    }

    @Test func aLabelsPhraseNamesItsFirstNounWherever() {
        let local = ProsePlace(naming: "the terminal of your own computer (the host)")
        #expect(local.localAt == 25 && local.remoteAt == 39 && local.remoteNoun == "host")
        #expect(ProsePlace(naming: "the web VM").remoteNoun == "VM")
        #expect(ProsePlace(naming: "the vmware box").remoteNoun == "box")
        #expect(ProsePlace(naming: "anywhere") == ProsePlace(naming: ""))
        #expect(Patterns.placeLabel("[!NOTE]\nRun from:  the bastion; then on the app") == "the bastion")
        #expect(Patterns.placeLabel("Where to run: v1.2 of the server. Later") == "v1.2 of the server")
        #expect(Patterns.placeLabel("Where to run:") == nil)
        #expect(Patterns.placeLabel("Where to run: ") == nil)
    }
}
