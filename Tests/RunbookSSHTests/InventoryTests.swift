import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookSSH

struct InventoryTests {
    let text = """
        # production
        bastion ansible_host=203.0.113.9

        [web]
        web[01:02] ansible_user=deploy
        canary ansible_host=10.0.0.9 ansible_port=2222 ansible_ssh_private_key_file=/keys/canary "note=two words"

        [db]
        db1 ansible_host=10.0.1.1

        [prod:children]
        web
        db

        [all:vars]
        ansible_user=ops

        [web:vars]
        ansible_port=2200
        """

    @Test func groupsBindAllTheirHostsInOrder() throws {
        let inventory = try Inventory(text: text, path: "hosts.ini")
        #expect(inventory.hosts(named: "web") == ["web01", "web02", "canary"])
        #expect(inventory.hosts(named: "prod") == ["web01", "web02", "canary", "db1"])
        #expect(inventory.hosts(named: "db1") == ["db1"])
        #expect(inventory.hosts(named: "all") == ["bastion", "web01", "web02", "canary", "db1"])
        #expect(inventory.hosts(named: "cache") == nil)
    }

    @Test func hostVarsWinOverGroupVarsOverAllVars() throws {
        let inventory = try Inventory(text: text, path: "hosts.ini")
        let config = SSHConfig(home: "/home/ann")
        #expect(
            inventory.endpoint(for: "web01", config: config)
                == SSHEndpoint(label: "web01", host: "web01", port: 2200, user: "deploy"))
        #expect(
            inventory.endpoint(for: "canary", config: config)
                == SSHEndpoint(label: "canary", host: "10.0.0.9", port: 2222, user: "ops", identityFiles: ["/keys/canary"]))
        #expect(
            inventory.endpoint(for: "bastion", config: config)
                == SSHEndpoint(label: "bastion", host: "203.0.113.9", port: 22, user: "ops"))
    }

    /// `ansible_ssh_common_args` (or `_extra_args`) naming a jump host: the host is reached
    /// through it, or through the proxy command it names.
    @Test func sshArgumentsNameJumpHosts() throws {
        let inventory = try Inventory(
            text: """
                [web]
                web01 ansible_host=10.0.0.5
                web02 ansible_host=10.0.0.6 ansible_ssh_common_args='-q -J ops@bastion:2222'
                web03 ansible_host=10.0.0.7 ansible_ssh_common_args='-o ProxyCommand="ssh -W %h:%p gw"'
                web04 ansible_host=10.0.0.8 ansible_ssh_common_args='-o ProxyJump=none'

                [web:vars]
                ansible_ssh_common_args='-C -o ProxyJump=ops@bastion'
                """, path: "hosts.ini")
        let config = SSHConfig(home: "/home/ann")
        #expect(
            inventory.endpoint(for: "web01", config: config, defaultUser: "ann").via == [
                SSHEndpoint(label: "bastion", host: "bastion", port: 22, user: "ops")
            ])
        #expect(
            inventory.endpoint(for: "web02", config: config, defaultUser: "ann").via == [
                SSHEndpoint(label: "bastion", host: "bastion", port: 2222, user: "ops")
            ])
        #expect(inventory.endpoint(for: "web03", config: config).via == [])
        #expect(inventory.endpoint(for: "web03", config: config).proxyCommand == "ssh -W %h:%p gw")
        #expect(inventory.endpoint(for: "web03", config: config).proxy == nil)
        #expect(inventory.endpoint(for: "web04", config: config).via == [])
        #expect(inventory.endpoint(for: "web04", config: config).proxy == nil)
    }

    @Test func malformedLinesAreErrorsWithTheirLocation() {
        #expect(
            throws: InventoryError(
                path: "h.ini", line: 2, message: "a section header must look like [group], [group:vars] or [group:children]")
        ) {
            try Inventory(text: "a\n[web\n", path: "h.ini")
        }
        #expect(throws: InventoryError(path: "h.ini", line: 2, message: "'port' is not key=value")) {
            try Inventory(text: "[web]\nw1 port\n", path: "h.ini")
        }
        #expect(throws: InventoryError(path: "h.ini", line: 2, message: "ansible_port=ssh is not a number")) {
            try Inventory(text: "[web]\nw1 ansible_port=ssh\n", path: "h.ini")
        }
        #expect(
            throws: InventoryError(
                path: "h.ini", line: 1, message: "[all:children] names 'nope', which is not a group in this inventory")
        ) {
            try Inventory(text: "[all:children]\nnope\n", path: "h.ini")
        }
        #expect(
            throws: InventoryError(path: "h.ini", line: 1, message: "unknown section kind ':hosts' (expected :vars or :children)")
        ) {
            try Inventory(text: "[web:hosts]\n", path: "h.ini")
        }
    }

    @Test func aBinaryFileIsRefused() throws {
        let path = Scratch.root.appendingPathComponent("inv-\(UUID().uuidString)").path
        try Data([0x5B, 0x00, 0xFF]).write(to: URL(fileURLWithPath: path))
        #expect(throws: InventoryError(path: path, line: 0, message: "not a text file (an Ansible INI inventory is expected)")) {
            try Inventory.load(path: path)
        }
    }
}
